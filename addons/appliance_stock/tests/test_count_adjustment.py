import ast

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .count_common import CountCase


@tagged("post_install", "-at_install")
class TestCountAdjustment(CountCase):
    def _wizard(self, user, **vals):
        return (
            self.env["appliance.count.adjustment"]
            .with_user(user)
            .create(
                {
                    "product_id": self.breaker.id,
                    "location_id": self.rack.id,
                    "reason_id": self.reason_damage.id,
                    **vals,
                }
            )
        )

    def test_damaged_unit_written_off_with_reason_user_and_time(self):
        form = Form(
            self.env["appliance.count.adjustment"].with_user(self.warehouse_user)
        )
        form.product_id = self.breaker
        form.location_id = self.rack
        self.assertEqual(form.on_hand_qty, 40.0)
        form.direction = "remove"
        form.quantity = 2
        form.reason_id = self.reason_damage
        form.note = "dropped from the rack"
        self.assertEqual(form.value, 1040.0)
        wizard = form.save()
        action = wizard.action_apply()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self._on_hand(self.breaker), 38.0)
        move = self.env["stock.move"].search(
            [("appliance_reason_id", "=", self.reason_damage.id),
             ("product_id", "=", self.breaker.id)]
        )  # fmt: skip
        self.assertEqual(len(move), 1)
        self.assertEqual(move.state, "done")
        self.assertTrue(move.is_inventory)
        self.assertFalse(move.appliance_count_session_id)
        self.assertEqual(move.appliance_adjust_note, "dropped from the rack")
        self.assertEqual(move.create_uid, self.warehouse_user)
        self.assertTrue(move.date)
        self.assertEqual(
            (move.location_id, move.location_dest_id.usage), (self.rack, "inventory")
        )
        # the adjustment history lists it
        history = self.env["ir.actions.act_window"]._for_xml_id(
            "appliance_stock.appliance_count_move_action"
        )
        self.assertIn(
            move,
            self.env["stock.move"]
            .with_user(self.warehouse_user)
            .search(ast.literal_eval(history["domain"])),
        )

    def test_customer_return_adds_stock(self):
        self._wizard(
            self.warehouse_user,
            product_id=self.meter.id,
            direction="add",
            quantity=3,
            reason_id=self.reason_return.id,
        )._apply()
        self.assertEqual(self._on_hand(self.meter), 13.0)

    def test_bad_adjustments_are_refused(self):
        with self.assertRaisesRegex(UserError, "only 40.0 on hand"):
            self._wizard(self.warehouse_manager, quantity=41)._apply()
        with self.assertRaisesRegex(UserError, "greater than zero"):
            self._wizard(self.warehouse_user, quantity=0)._apply()
        with self.assertRaisesRegex(UserError, "only explains stock that was removed"):
            self._wizard(self.warehouse_user, direction="add")._apply()
        with self.assertRaisesRegex(UserError, "needs a note"):
            self._wizard(self.warehouse_user, reason_id=self.reason_theft.id)._apply()
        self.assertEqual(self._on_hand(self.breaker), 40.0)

    def test_adjustments_above_the_threshold_need_a_manager(self):
        # 10 × 520 = 5,200 > 5,000
        wizard = self._wizard(self.warehouse_user, quantity=10)
        with self.assertRaisesRegex(AccessError, "ask an inventory manager"):
            wizard._apply()
        self._wizard(self.warehouse_manager, quantity=10)._apply()
        self.assertEqual(self._on_hand(self.breaker), 30.0)

    def test_salespeople_and_portal_users_cannot_adjust(self):
        for user in (self.salesperson_a, self.portal_user, self.purchaser):
            with self.assertRaises(AccessError, msg=user.login):
                self._wizard(user, quantity=1)._apply()
        self.assertEqual(self._on_hand(self.breaker), 40.0)
