from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common_approval import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalRules(ApprovalCase):
    """Each shipped rule sends the orders meeting it to its approvers and lets the
    others through; the rules are data the sales manager edits."""

    def assertRoutedToApproval(self, order, rule, reason_part):
        order.with_user(order.user_id).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.validation_status, "pending")
        review = order.review_ids.filtered(lambda r: r.definition_id == rule)
        self.assertTrue(review, f"{rule.name} should have a tier")
        self.assertIn(reason_part, review.appliance_reason)

    def assertConfirmedDirectly(self, order):
        order.with_user(order.user_id).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.review_ids)

    def test_order_meeting_no_rule_confirms_directly(self):
        self.assertConfirmedDirectly(self._big_quotation(qty=1))

    def test_shipped_rules_are_data_with_sensible_defaults(self):
        active = self.env["tier.definition"]._appliance_active_rules(self.env.company)
        self.assertFalse(active & self.shipped_rules, "archived in ApprovalCase")
        shipped = (
            self.env["tier.definition"]
            .with_context(active_test=False)
            .search(
                [("model", "=", "sale.order"), ("definition_type", "=", "appliance")]
            )
        )
        conditions = set(shipped.mapped("appliance_rule"))
        self.assertEqual(
            conditions,
            {
                "amount",
                "discount",
                "margin",
                "credit",
                "overdue",
                "shortage",
                "new_customer",
            },
        )
        large = self.env.ref("appliance_sales.tier_definition_large_order")
        self.assertEqual(large.appliance_amount, 500000)
        self.assertIn("500,000.00", large.appliance_condition)

    def test_large_order(self):
        rule = self._only_rule("tier_definition_large_order", appliance_amount=100000)
        self.assertRoutedToApproval(self._big_quotation(qty=5), rule, "130,000.00")
        self.assertConfirmedDirectly(self._big_quotation(qty=3))

    def test_discount_given_as_discount_or_as_lower_price(self):
        rule = self._only_rule("tier_definition_deep_discount", appliance_percent=15)
        order = self._big_quotation(qty=1)
        order.order_line.discount = 20
        self.assertRoutedToApproval(order, rule, "20.0%")
        lower_price = self._big_quotation(qty=1)
        lower_price.order_line.price_unit = 26000 * 0.75
        self.assertRoutedToApproval(lower_price, rule, "25.0%")
        small = self._big_quotation(qty=1)
        small.order_line.discount = 10
        self.assertConfirmedDirectly(small)

    def test_low_margin(self):
        # 26,000 for a set costing 18,000: 30.8 % margin
        rule = self._only_rule("tier_definition_low_margin", appliance_percent=35)
        self.assertRoutedToApproval(self._big_quotation(qty=1), rule, "30.8%")
        rule.appliance_percent = 25
        self.assertConfirmedDirectly(self._big_quotation(qty=1))

    def test_credit_exposure_counts_receivable_open_orders_and_this_order(self):
        rule = self._only_rule("tier_definition_credit_limit")
        self.customer.credit_limit = 100000
        self._posted_invoice(self.customer, 30000)
        self.assertConfirmedDirectly(self._big_quotation(qty=1))  # 30k + 26k
        # 30k receivable + 26k open order + 52k this order = 108k > 100k
        self.assertRoutedToApproval(self._big_quotation(qty=2), rule, "108,000.00")
        # without a limit nothing is checked
        self.customer.credit_limit = 0
        self.assertConfirmedDirectly(self._big_quotation(qty=2))

    def test_overdue_invoices_older_than_n_days(self):
        rule = self._only_rule("tier_definition_overdue", appliance_days=30)
        self._posted_invoice(self.customer, 8000, days_overdue=10)
        self.assertConfirmedDirectly(self._big_quotation(qty=1))
        self._posted_invoice(self.customer, 5000, days_overdue=45)
        self.assertRoutedToApproval(self._big_quotation(qty=1), rule, "oldest: 45")

    def test_line_short_of_stock_by_its_requested_date(self):
        rule = self._only_rule("tier_definition_shortage")
        product = self.set_ggd.product_variant_id
        self.assertRoutedToApproval(self._big_quotation(qty=2), rule, "0 of 2")
        self._stock(product, 1)
        self._incoming(product, 5, days=20)
        early = self._big_quotation(qty=2)
        early.commitment_date = fields.Datetime.now() + timedelta(days=5)
        self.assertRoutedToApproval(early, rule, "1 of 2")
        late = self._big_quotation(qty=2)
        late.commitment_date = fields.Datetime.now() + timedelta(days=30)
        self.assertConfirmedDirectly(late)

    def test_new_customer(self):
        rule = self._only_rule("tier_definition_new_customer")
        self.assertRoutedToApproval(self._big_quotation(qty=1), rule, "First order")
        rule.active = False
        self.assertConfirmedDirectly(self._big_quotation(qty=1))
        rule.active = True
        self.assertConfirmedDirectly(self._big_quotation(qty=1))

    def test_rule_domain_narrows_a_rule(self):
        rule = self._only_rule(
            "tier_definition_large_order",
            appliance_amount=100000,
            definition_domain="[('partner_id.appliance_customer_type', '=', 'developer')]",
        )
        self.assertConfirmedDirectly(self._big_quotation(qty=5))
        self.customer.appliance_customer_type = "developer"
        self.assertRoutedToApproval(self._big_quotation(qty=5), rule, "130,000.00")

    def test_several_rules_make_several_tiers(self):
        self._only_rule("tier_definition_large_order", appliance_amount=100000)
        margin = self.env.ref("appliance_sales.tier_definition_low_margin")
        margin.write({"active": True, "appliance_percent": 35})
        order = self._big_quotation(qty=5)
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(len(order.review_ids), 2)
        self.assertEqual(sorted(order.review_ids.mapped("sequence")), [1, 2])
        # the approver decides his tier, the manager hers: then it confirms
        order.with_user(self.approver).validate_tier()
        self.assertEqual(order.state, "draft")
        approval = self.env.ref("appliance_sales.mail_activity_type_order_approval")
        waiting_for = order.activity_ids.filtered(
            lambda a: a.activity_type_id == approval
        ).user_id
        self.assertIn(self.sales_manager, waiting_for)
        self.assertNotIn(self.approver, waiting_for)
        self.assertLessEqual(waiting_for, order.reviewer_ids)
        order.with_user(self.sales_manager).validate_tier()
        self.assertEqual(order.state, "sale")

    def test_sales_manager_edits_rules_others_cannot(self):
        rule = self.env.ref("appliance_sales.tier_definition_large_order")
        rule.with_user(self.sales_manager).appliance_amount = 800000
        self.assertEqual(rule.appliance_amount, 800000)
        for user in (self.salesperson_a, self.approver, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                rule.with_user(user).appliance_amount = 1
        with self.assertRaises(AccessError):
            rule.with_user(self.portal_user).read(["appliance_amount"])

    def test_bad_rule_parameters_are_refused(self):
        rule = self.env.ref("appliance_sales.tier_definition_deep_discount")
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            rule.appliance_percent = 150
        with self.assertRaisesRegex(ValidationError, "greater than zero"):
            self.env.ref(
                "appliance_sales.tier_definition_large_order"
            ).appliance_amount = 0
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env.ref("appliance_sales.tier_definition_overdue").appliance_days = -1
        with self.assertRaisesRegex(ValidationError, "sales orders only"):
            rule.model_id = self.env.ref("base.model_res_partner")

    # The two hooks appliance_stock's oversell guard calls at confirmation

    def test_shortage_rule_active_follows_the_rule(self):
        order = self._big_quotation(qty=2)
        self.assertFalse(order._appliance_shortage_rule_active())
        rule = self._only_rule("tier_definition_shortage")
        self.assertTrue(order._appliance_shortage_rule_active())
        rule.company_id = self.env["res.company"].create({"name": "Other Co"})
        self.assertFalse(order._appliance_shortage_rule_active())

    def test_approval_allows_shortage_only_when_the_shortage_was_approved(self):
        self._only_rule("tier_definition_shortage")
        order = self._big_quotation(qty=2)
        self.assertFalse(order._appliance_approval_allows_shortage())
        self._submit(order)
        self.assertFalse(order._appliance_approval_allows_shortage())  # pending
        good_phone = self.customer.phone
        self.customer.phone = "12345"  # keeps the approval from confirming
        order.with_user(self.approver).validate_tier()
        self.customer.phone = good_phone
        self.assertTrue(order._appliance_approval_allows_shortage())
        order.order_line.product_uom_qty = 3  # the approval is gone
        self.assertFalse(order._appliance_approval_allows_shortage())

    def test_approval_of_another_rule_does_not_allow_a_shortage(self):
        order = self._big_quotation(qty=5)
        self._submit(order)
        good_phone = self.customer.phone
        self.customer.phone = "12345"
        order.with_user(self.approver).validate_tier()
        self.customer.phone = good_phone
        self.assertEqual(order.validation_status, "validated")
        self.assertFalse(order._appliance_approval_allows_shortage())
