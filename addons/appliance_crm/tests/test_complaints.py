from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import ApplianceCrmCase


@tagged("post_install", "-at_install")
class TestComplaints(ApplianceCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["appliance.complaint"]
        cls.quality = cls.env.ref("appliance_crm.appliance_complaint_type_quality")
        cls.customer_b = cls._customer("Customer of B", user=cls.salesperson_b)

    def test_complaint_handled_end_to_end_and_confirmed_by_customer(self):
        order = self._history(self.customer, [(20, 26000)])
        complaint = self.Complaint.with_user(self.salesperson_a).create(
            {
                "subject": "Breaker trips at 80 % load",
                "partner_id": self.customer.id,
                "type_id": self.quality.id,
                "sale_order_id": order.id,
                "product_id": self.set_ggd.product_variant_id.id,
            }
        )
        self.assertTrue(complaint.name.startswith("CMP/"))
        self.assertEqual(
            complaint.user_id, self.salesperson_a
        )  # the customer's salesperson
        self.assertEqual(complaint.state, "new")
        # SLA: 72 hours for quality
        self.assertAlmostEqual(
            (complaint.date_deadline - complaint.create_date).total_seconds() / 3600, 72
        )
        complaint.action_start()
        self.assertEqual(complaint.state, "progress")
        with self.assertRaises(UserError):
            complaint.action_ask_confirmation()  # no resolution written yet
        complaint.write(
            {
                "resolution": "<p>Replaced the MCCB; settings checked on site.</p>",
                "root_cause": "Thermal setting left at factory default",
                "root_cause_product_id": self.breaker.id,
            }
        )
        complaint.action_ask_confirmation()
        self.assertEqual(complaint.state, "confirm")
        self.assertIn(self.customer, complaint.message_partner_ids)
        complaint._action_customer_confirm()
        self.assertEqual(complaint.state, "done")
        self.assertTrue(complaint.customer_confirmed)
        self.assertTrue(complaint.date_closed)
        self.assertFalse(complaint.sla_breached)
        with self.assertRaises(UserError):
            complaint._action_customer_confirm()

    def test_priority_from_strategy_shortens_deadline_and_breach_flagged(self):
        strategy = self.env["appliance.customer.strategy"].create(
            {"name": "VIP", "service_priority": "2"}
        )
        self.customer.appliance_strategy_id = strategy
        complaint = self.Complaint.create(
            {
                "subject": "Late",
                "partner_id": self.customer.id,
                "type_id": self.quality.id,
            }
        )
        self.assertEqual(complaint.priority, "2")
        self.assertAlmostEqual(
            (complaint.date_deadline - complaint.create_date).total_seconds() / 3600, 18
        )
        self.assertFalse(complaint.sla_breached)
        # time passes without anyone touching the complaint: the hourly job flags it
        complaint.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE appliance_complaint SET date_deadline = %s WHERE id = %s",
                fields.Datetime.now() - timedelta(hours=1),
                complaint.id,
            )
        )
        complaint.invalidate_recordset()
        self.assertFalse(complaint.sla_breached)
        self.assertIn(complaint, self.Complaint._cron_flag_sla_breaches())
        self.assertTrue(complaint.sla_breached)
        complaint.action_close()
        self.assertTrue(complaint.sla_breached)
        stats = self.Complaint._read_group(
            [("id", "=", complaint.id)], ["type_id"], ["__count", "resolve_hours:avg"]
        )
        self.assertEqual(stats[0][0], self.quality)

    def test_complaint_received_by_email(self):
        self.customer.email = "buyer@zhongtian.cn"
        message = (
            "From: Buyer <buyer@zhongtian.cn>\r\n"
            "To: complaints@example.com\r\n"
            "Subject: =?utf-8?b?5Y+R6LSn5bu26L+f?=\r\n"  # 发货延迟
            "Message-ID: <c1@zhongtian.cn>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "The cabinets for the hospital did not arrive.\r\n"
        )
        complaint_id = self.env["mail.thread"].message_process(
            "appliance.complaint", message
        )
        complaint = self.Complaint.browse(complaint_id)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.source, "email")
        self.assertEqual(complaint.type_id.code, "delivery")
        self.assertEqual(complaint.user_id, self.salesperson_a)

    def test_salesperson_sees_own_customers_complaints_manager_all(self):
        mine = self.Complaint.create({"subject": "A", "partner_id": self.customer.id})
        theirs = self.Complaint.create(
            {"subject": "B", "partner_id": self.customer_b.id}
        )
        as_a = self.Complaint.with_user(self.salesperson_a)
        self.assertIn(mine, as_a.search([]))
        self.assertNotIn(theirs, as_a.search([]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesperson_a).write({"subject": "changed"})
        self.assertLessEqual(
            mine | theirs, self.Complaint.with_user(self.sales_manager).search([])
        )
        # a complaint assigned to A about B's customer is visible to A
        theirs.user_id = self.salesperson_a
        self.assertIn(theirs, as_a.search([]))

    def test_portal_customer_sees_only_own_complaints(self):
        self.portal_user.partner_id.parent_id = self.customer
        mine = self.Complaint.create({"subject": "A", "partner_id": self.customer.id})
        other = self.Complaint.create(
            {"subject": "B", "partner_id": self.customer_b.id}
        )
        as_portal = self.Complaint.with_user(self.portal_user)
        self.assertEqual(as_portal.search([]), mine)
        with self.assertRaises(AccessError):
            other.with_user(self.portal_user).subject  # noqa: B018
        with self.assertRaises(AccessError):
            as_portal.create({"subject": "X", "partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            mine.with_user(self.portal_user).write({"subject": "X"})

    def test_multi_company_complaints_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.sales_manager.company_ids |= other
        complaint = self.Complaint.create(
            {"subject": "Other", "partner_id": self.customer.id, "company_id": other.id}
        )
        Complaint = self.Complaint.with_user(self.sales_manager)
        self.assertNotIn(
            complaint,
            Complaint.with_context(allowed_company_ids=[self.company.id]).search([]),
        )
        self.assertIn(
            complaint,
            Complaint.with_context(
                allowed_company_ids=[other.id, self.company.id]
            ).search([]),
        )
