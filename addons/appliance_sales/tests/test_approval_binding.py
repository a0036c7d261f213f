from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_approval import ApprovalCase

HOSTILE_CONTEXT = {
    "skip_validation_check": True,
    "skip_check_state_condition": True,
    "tier_validation_defer_compute_can_review": True,
}


@tagged("post_install", "-at_install")
class TestApprovalBindsTheContent(ApprovalCase):
    """An approval is given for one content: amount, lines, prices, discounts,
    customer, payment terms, delivery address. Changing any of them afterwards
    takes the approval away, whatever context keys the client sends."""

    def _approved_but_unconfirmed(self):
        """An approved order that could not be confirmed yet (the customer's
        phone was wrong when the approver decided), phone fixed afterwards."""
        order = self._big_quotation()
        order.order_line = [
            Command.create({"product_id": self.breaker.id, "product_uom_qty": 1})
        ]
        self._submit(order)
        good_phone = self.customer.phone
        self.customer.phone = "12345"
        order.with_user(self.approver).validate_tier()
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.state, "draft")
        self.customer.phone = good_phone
        return order

    def assertApprovalGone(self, order):
        order.invalidate_recordset()
        self.assertNotEqual(order.validation_status, "validated")
        order.with_user(self.salesperson_a).action_confirm()
        self.assertNotEqual(
            order.state,
            "sale",
            "the changed order must not confirm on the old approval",
        )

    def test_quantity_raised_100_times_after_approval_drops_the_approval(self):
        order = self._approved_but_unconfirmed()
        line = order.order_line[0]
        line.with_user(self.salesperson_a).product_uom_qty = line.product_uom_qty * 100
        self.assertApprovalGone(order)

    def test_each_bound_field_drops_the_approval(self):
        other_customer = self.customer.copy({"name": "Other customer"})
        delivery = self.env["res.partner"].create(
            {
                "name": "Site B",
                "type": "delivery",
                "parent_id": self.customer.id,
                "street": "Another street 1",
                "city": "苏州",
                "state_id": self.customer.state_id.id,
                "country_id": self.customer.country_id.id,
            }
        )
        term = self.env.ref("account.account_payment_term_30days")
        changes = {
            "price": lambda o: o.order_line.write({"price_unit": 30000}),
            "discount": lambda o: o.order_line.write({"discount": 5}),
            "new line": lambda o: o.write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.breaker.id, "product_uom_qty": 1}
                        )
                    ]
                }
            ),
            "removed line": lambda o: o.order_line[-1].unlink(),
            "customer": lambda o: o.write({"partner_id": other_customer.id}),
            "payment terms": lambda o: o.write({"payment_term_id": term.id}),
            "delivery address": lambda o: o.write(
                {
                    "partner_shipping_id": (
                        self.customer if o.partner_shipping_id == delivery else delivery
                    ).id
                }
            ),
        }
        for label, change in changes.items():
            with self.subTest(change=label):
                order = self._approved_but_unconfirmed()
                change(order.with_user(self.salesperson_a))
                self.assertApprovalGone(order)

    def test_change_while_pending_withdraws_the_request(self):
        order = self._big_quotation()
        self._submit(order)
        order.order_line.with_user(self.salesperson_a).product_uom_qty = 50
        order.invalidate_recordset()
        self.assertFalse(order.review_ids)
        self.assertIn("approval", order.message_ids[0].body.lower())

    def test_binding_check_costs_one_query_for_orders_without_approval(self):
        # it runs after every line edit: a batch of plain quotations is one query
        orders = self.env["sale.order"].concat(
            *(self._big_quotation(qty=q) for q in (1, 2, 3, 4, 5))
        )
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            orders.with_user(self.salesperson_a)._appliance_recheck_approval()

    def test_unrelated_edit_keeps_the_approval(self):
        order = self._approved_but_unconfirmed()
        order.with_user(self.salesperson_a).write(
            {"client_order_ref": "PO-2024-118", "note": "Deliver to gate 3"}
        )
        order.invalidate_recordset()
        self.assertEqual(order.validation_status, "validated")
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_approved_and_confirmed_content_is_locked(self):
        order = self._big_quotation()
        self._submit(order)
        order.with_user(self.approver).validate_tier()
        self.assertEqual(order.state, "sale")
        with self.assertRaisesRegex(UserError, "approv"):
            order.order_line.with_user(self.salesperson_a).product_uom_qty = 500
        # delivery and invoicing figures are not the approved content
        order.order_line.with_user(self.salesperson_a).name = "GGX9-38, site A"

    # Context keys that plain OCA honours to skip its checks arrive with any
    # RPC call: here they change nothing.

    def test_line_edit_under_validation_with_skip_key_drops_the_approval(self):
        order = self._big_quotation()
        self._submit(order)
        hostile = order.with_user(self.salesperson_a).with_context(**HOSTILE_CONTEXT)
        hostile.write(
            {
                "order_line": [
                    Command.update(order.order_line[0].id, {"product_uom_qty": 500})
                ]
            }
        )
        order.invalidate_recordset()
        self.assertFalse(order.review_ids)
        # and submitting again goes to the approver, not straight through
        order.with_user(self.salesperson_a).with_context(
            **HOSTILE_CONTEXT
        ).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.validation_status, "pending")

    def test_skip_keys_do_not_confirm_a_pending_order(self):
        order = self._big_quotation()
        self._submit(order)
        with self.assertRaises(UserError):
            order.with_user(self.salesperson_a).with_context(**HOSTILE_CONTEXT).write(
                {"state": "sale"}
            )
        with self.assertRaises(UserError):
            order.with_user(self.salesperson_a).with_context(
                **HOSTILE_CONTEXT
            ).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_defer_key_does_not_hide_the_request_from_the_approver(self):
        order = self._big_quotation()
        order.with_user(self.salesperson_a).with_context(
            **HOSTILE_CONTEXT
        ).request_validation()
        self.assertEqual(order.review_ids.status, "pending")
        self.assertTrue(order.with_user(self.approver).can_review)
