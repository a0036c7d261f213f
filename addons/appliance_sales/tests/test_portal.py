import base64
import re
from urllib.parse import urlparse

from odoo.tests import HttpCase, new_test_user, tagged

from .test_milestones import PNG, MilestoneCase


@tagged("post_install", "-at_install")
class TestPortalTracking(MilestoneCase, HttpCase):
    """The customer follows an order on the portal; nobody else gets anything."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user.partner_id.write(
            {"parent_id": cls.customer.id, "email": "wang@zhongtian.example.com"}
        )
        cls.other_customer = cls.customer.copy(
            {"name": "Rival Electric Co.", "appliance_customer_code": "T-ZJ-009"}
        )
        cls.other_portal_user = new_test_user(
            cls.env, "app_portal_rival", groups="base.group_portal", name="Rival buyer"
        )
        cls.other_portal_user.partner_id.parent_id = cls.other_customer
        cls._set(cls.order, cls.salesperson_a, "in_production", note="Busbars cut")
        cls.picking = cls._ship(cls.order.picking_ids, 1, "SF7788990011")
        cls._set(
            cls.picking,
            cls.warehouse_user,
            "delivered",
            pod_signer="王工",
            pod_signature=PNG,
        )
        cls.other_order = cls._confirmed_order(qty=1, partner=cls.other_customer)
        cls.order._portal_ensure_token()
        cls.other_order._portal_ensure_token()

    def _page(self, order, token=None, **params):
        if token is not None:
            params["access_token"] = token
        return self.url_open(f"/my/orders/{order.id}", params=params)

    def _shows(self, response, order):
        """True when ``response`` is ``order``'s portal page."""
        return (
            response.status_code == 200
            and urlparse(response.url).path == f"/my/orders/{order.id}"
            and order.name in response.text
        )

    def assertShowsNothingOf(self, response, order):
        self.assertFalse(self._shows(response, order))
        for secret in (order.name, "SF7788990011", "Busbars cut"):
            self.assertNotIn(secret, response.text)

    def test_customer_sees_milestone_timeline_shipments_and_pdf(self):
        self.authenticate("app_portal", "app_portal")
        orders = self.url_open("/my/orders")
        self.assertEqual(orders.status_code, 200)
        self.assertIn(self.order.name, orders.text)
        self.assertNotIn(self.other_order.name, orders.text)
        self.assertIn('name="appliance_milestone"', orders.text)

        page = self._page(self.order)
        self.assertTrue(self._shows(page, self.order))
        html = page.text
        self.assertIn('id="appliance_tracking"', html)
        timeline = html[html.index('name="appliance_timeline"') :]
        for text in (
            "Busbars cut",
            self.picking.name,
            "SF Express",
            "SF7788990011",
            "https://www.sf-express.com/track?no=SF7788990011",
            "王工",
        ):
            self.assertIn(text, timeline)
        # two shipments: the delivered one and the backorder being prepared
        self.assertEqual(html.count('name="appliance_shipment"'), 2)
        # the proof of delivery image stays internal
        self.assertNotIn("appliance_pod_signature", html)
        self.assertNotIn(PNG[:40], html)
        image = self.url_open(
            f"/web/image/stock.picking/{self.picking.id}/appliance_pod_signature"
        )
        self.assertNotEqual(image.content, base64.b64decode(PNG))

        pdf = self._page(self.order, report_type="pdf", download="true")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")

    def test_access_token_is_the_only_way_in_without_login(self):
        # no login: no token, a wrong token, another order's token give nothing
        for token in (None, "", "not-a-token", self.other_order.access_token):
            with self.subTest(token=token):
                self.assertShowsNothingOf(self._page(self.order, token), self.order)
                pdf = self._page(self.order, token, report_type="pdf", download="true")
                self.assertNotEqual(pdf.headers.get("Content-Type"), "application/pdf")
        # the order's own token (the link in the e-mails) shows it
        page = self._page(self.order, self.order.access_token)
        self.assertTrue(self._shows(page, self.order))
        self.assertIn("SF7788990011", page.text)
        self.assertIn('name="appliance_current_milestone"', page.text)

    def test_other_customer_logged_in_gets_nothing(self):
        self.authenticate("app_portal_rival", "app_portal_rival")
        orders = self.url_open("/my/orders")
        self.assertNotIn(self.order.name, orders.text)
        self.assertShowsNothingOf(self._page(self.order), self.order)
        self.assertShowsNothingOf(
            self._page(self.order, self.other_order.access_token), self.order
        )
        pdf = self._page(self.order, report_type="pdf", download="true")
        self.assertNotEqual(pdf.headers.get("Content-Type"), "application/pdf")
        # the proof of delivery image of another customer's shipment neither
        image = self.url_open(
            f"/web/image/stock.picking/{self.picking.id}/appliance_pod_signature"
        )
        self.assertNotEqual(image.content, base64.b64decode(PNG))

    def test_order_ids_cannot_be_enumerated(self):
        ids = [self.order.id, self.other_order.id]
        candidates = range(min(ids) - 3, max(ids) + 4)
        orders = self.env["sale.order"].browse(candidates).exists()
        self.authenticate("app_portal_rival", "app_portal_rival")
        for order_id in candidates:
            with self.subTest(order_id=order_id):
                response = self.url_open(f"/my/orders/{order_id}")
                if order_id == self.other_order.id:
                    self.assertTrue(self._shows(response, self.other_order))
                    continue
                self.assertNotEqual(
                    urlparse(response.url).path, f"/my/orders/{order_id}"
                )
                for order in orders - self.other_order:
                    self.assertNotIn(order.name, response.text)

    def test_portal_posts_do_not_change_the_order(self):
        before = self._snapshot(self.order)
        self.authenticate("app_portal", "app_portal")
        page = self._page(self.order)
        csrf = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        hostile = {
            "state": "cancel",
            "amount_total": "1",
            "price_unit": "1",
            "partner_id": str(self.other_customer.id),
            "user_id": str(self.salesperson_b.id),
            "appliance_milestone": "delivered",
        }
        response = self.url_open(
            f"/my/orders/{self.order.id}/decline",
            data={"csrf_token": csrf, "decline_message": "cancel it", **hostile},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("cant_reject", response.url)
        # Odoo's signature route drops fields it does not know; a confirmed
        # order is not signed again
        result = self.make_jsonrpc_request(
            f"/my/orders/{self.order.id}/accept",
            {"name": "王工", "signature": PNG, **hostile},
        )
        self.assertIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(self.order), before)

    def _snapshot(self, order):
        return (
            order.state,
            order.amount_total,
            order.order_line.mapped("price_unit"),
            order.partner_id,
            order.user_id,
            order.appliance_milestone,
            len(order.appliance_milestone_ids),
        )
