from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_approval import ApprovalCase


@tagged("post_install", "-at_install")
class TestApproverCockpit(ApprovalCase):
    """The approver sees, on the order: the customer's credit and overdue
    invoices, margin and discount against the rules, stock per line, and which
    rule made which tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.margin_rule = cls.env.ref("appliance_sales.tier_definition_low_margin")
        cls.discount_rule = cls.env.ref("appliance_sales.tier_definition_deep_discount")
        (cls.margin_rule | cls.discount_rule).active = True
        cls.margin_rule.appliance_percent = 25
        cls.customer.credit_limit = 400000

    def test_credit_overdue_margin_and_discount(self):
        self._posted_invoice(self.customer, 20000, days_overdue=10)
        self._posted_invoice(self.customer, 7000, days_overdue=75)
        self._posted_invoice(self.customer, 3000)  # not due yet
        open_order = self._big_quotation(qty=2)
        open_order.order_line.discount = 0
        open_order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(open_order.state, "sale", "meets no rule")
        order = self._big_quotation(qty=5)
        order.order_line.discount = 20
        cockpit = order.with_user(self.approver)
        self.assertEqual(cockpit.appliance_credit_limit, 400000)
        self.assertEqual(cockpit.appliance_receivable, 30000)
        self.assertEqual(cockpit.appliance_open_orders_amount, 52000)
        self.assertEqual(cockpit.appliance_order_amount, 104000)
        self.assertEqual(cockpit.appliance_credit_exposure, 186000)
        self.assertEqual(cockpit.appliance_credit_headroom, 214000)
        self.assertEqual(cockpit.appliance_overdue_1_30, 20000)
        self.assertEqual(cockpit.appliance_overdue_61_90, 7000)
        self.assertEqual(cockpit.appliance_overdue_over_90, 0)
        self.assertEqual(cockpit.appliance_overdue_days, 75)
        self.assertAlmostEqual(cockpit.appliance_max_discount, 20)
        self.assertEqual(cockpit.appliance_discount_limit, 15)
        self.assertEqual(cockpit.appliance_margin_floor, 25)
        # 20,800 a set against a cost of 18,000
        self.assertAlmostEqual(cockpit.appliance_margin_pct, 13.46, places=2)

    def test_rules_table_shows_which_rule_made_which_tier(self):
        order = self._big_quotation(qty=5)
        order.order_line.discount = 20
        html = order.with_user(self.approver).appliance_rules_html
        for text in ("Big order", "Low margin", "Deep discount", "to be submitted"):
            self.assertIn(text, html)
        self._submit(order)
        order.invalidate_recordset()
        html = order.with_user(self.approver).appliance_rules_html
        self.assertEqual(len(order.review_ids), 3)
        for review in order.review_ids:
            self.assertIn(review.name, html)
        self.assertIn("Waiting", html)
        self.assertIn("20.0% off the list price", html)

    def test_stock_per_line(self):
        product = self.set_ggd.product_variant_id
        self._stock(product, 3)
        self._incoming(product, 4, days=12)
        order = self._big_quotation(qty=5)
        line = order.order_line.with_user(self.approver)
        self.assertEqual(line.qty_available_today, 3)
        self.assertEqual(line.free_qty_today, 3)
        self.assertEqual(line.appliance_incoming_qty, 4)
        self.assertTrue(line.appliance_incoming_date)
        self.assertTrue(line.appliance_shortage)
        html = order.with_user(self.approver).appliance_lines_html
        self.assertIn("GGX9-38", html)
        self.assertIn("ETA", html)
        self.assertIn("table-danger", html)
        # deliverable when the receipt arrives (not today)
        self.assertEqual(
            order.with_user(self.approver).appliance_delivery_preview,
            fields.Date.context_today(line, line.appliance_incoming_date),
        )

    def test_cockpit_is_computed_for_many_orders_at_once(self):
        orders = [self._big_quotation(qty=q) for q in (1, 2, 3, 4)]
        fnames = ["appliance_credit_exposure", "appliance_overdue_days"]

        def queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.with_user(self.approver).read(fnames)
            return self.env.cr.sql_log_count - before

        one = queries(orders[0])
        four = queries(orders[0] | orders[1] | orders[2] | orders[3])
        self.assertLessEqual(four, one + 4, f"1 order: {one} queries, 4 orders: {four}")

    def test_portal_user_reads_no_cockpit(self):
        order = self._big_quotation()
        order.partner_id = self.portal_user.partner_id
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user).read(["appliance_credit_limit"])
        with self.assertRaises(AccessError):
            self.margin_rule.with_user(self.portal_user).read(["appliance_percent"])
