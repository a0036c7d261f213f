from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalComplaints(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Portal Customer Co", "is_company": True}
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Someone Else Co", "is_company": True}
        )
        cls.portal_user = new_test_user(
            cls.env, "crm_portal", groups="base.group_portal", name="Portal Buyer"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.Complaint = cls.env["appliance.complaint"]
        cls.others_complaint = cls.Complaint.create(
            {"subject": "Secret of someone else", "partner_id": cls.other.id}
        )

    def test_portal_submission_listing_and_confirmation(self):
        self.authenticate("crm_portal", "crm_portal")
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn("/my/complaints", home.text)
        page = self.url_open("/my/complaints/new")
        self.assertEqual(page.status_code, 200)
        quality = self.env.ref("appliance_crm.appliance_complaint_type_quality")
        response = self.url_open(
            "/my/complaints/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Door lock broken on arrival",
                "type_id": str(quality.id),
                "description": "Cabinet 3 <b>door</b> lock",
            },
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.Complaint.search(
            [("subject", "=", "Door lock broken on arrival")]
        )
        self.assertEqual(complaint.partner_id, self.portal_user.partner_id)
        self.assertEqual(complaint.commercial_partner_id, self.customer)
        self.assertEqual(complaint.source, "portal")
        self.assertNotIn("<b>", complaint.description)  # the customer's text is escaped
        listing = self.url_open("/my/complaints").text
        self.assertIn("Door lock broken on arrival", listing)
        self.assertNotIn("Secret of someone else", listing)
        # someone else's complaint: redirected away, nothing shown
        response = self.url_open(f"/my/complaints/{self.others_complaint.id}")
        self.assertNotIn("Secret of someone else", response.text)
        # the team resolves it and asks for confirmation; the customer confirms
        complaint.resolution = "<p>New lock fitted</p>"
        complaint.action_ask_confirmation()
        page = self.url_open(complaint.get_portal_url()).text
        self.assertIn(f"/my/complaints/{complaint.id}/confirm", page)
        self.url_open(
            f"/my/complaints/{complaint.id}/confirm",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(complaint.state, "done")
        self.assertTrue(complaint.customer_confirmed)

    def test_token_link_works_without_login_and_bad_token_is_refused(self):
        complaint = self.others_complaint
        complaint._portal_ensure_token()
        ok = self.url_open(
            f"/my/complaints/{complaint.id}?access_token={complaint.access_token}"
        )
        self.assertIn("Secret of someone else", ok.text)
        bad = self.url_open(f"/my/complaints/{complaint.id}?access_token=wrong")
        self.assertNotIn("Secret of someone else", bad.text)

    def test_portal_user_cannot_pick_someone_elses_order(self):
        order = self.env["sale.order"].create({"partner_id": self.other.id})
        order.state = "sale"
        self.authenticate("crm_portal", "crm_portal")
        quality = self.env.ref("appliance_crm.appliance_complaint_type_quality")
        response = self.url_open(
            "/my/complaints/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Sneaky",
                "type_id": str(quality.id),
                "sale_order_id": str(order.id),
            },
        )
        self.assertIn("is-invalid", response.text)  # the order field is flagged
        self.assertFalse(self.Complaint.search([("subject", "=", "Sneaky")]))
