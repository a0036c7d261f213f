from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .count_common import CountCase


@tagged("post_install", "-at_install")
class TestCountSession(CountCase):
    def test_warehouse_user_counts_on_phone_and_applies_a_small_variance(self):
        session = self._session(self.warehouse_user)
        session.action_start()
        self.assertEqual(session.state, "counting")
        self.assertEqual(
            {(line.product_id, line.theoretical_qty) for line in session.line_ids},
            {(self.breaker, 40.0), (self.meter, 10.0)},
        )
        self.assertEqual(self._line(session, self.breaker).unit_cost, 520.0)
        # the barcode, then the model code typed loosely ("tbd 3" is TBD-3)
        self._count(session, self.warehouse_user, "6901234567892", 39)
        self._count(session, self.warehouse_user, " tbd 3", 4)
        self._count(session, self.warehouse_user, "TBD-3", 6)
        breaker_line = self._line(session, self.breaker)
        meter_line = self._line(session, self.meter)
        self.assertEqual(meter_line.counted_qty, 10.0)
        self.assertEqual(breaker_line.counted_by_id, self.warehouse_user)
        self.assertEqual(breaker_line.variance_qty, -1.0)
        self.assertAlmostEqual(breaker_line.variance_pct, -2.5)
        self.assertEqual(breaker_line.variance_value, -520.0)

        session.with_user(self.warehouse_user).action_finish_counting()
        self.assertEqual(session.state, "review")
        with self.assertRaisesRegex(UserError, "reason for every variance"):
            session.with_user(self.warehouse_user).action_validate()
        breaker_line.with_user(self.warehouse_user).write(
            {"reason_id": self.reason_damage.id, "note": "forklift"}
        )
        session.with_user(self.warehouse_user).action_validate()

        self.assertEqual(session.state, "done")
        self.assertEqual(session.applied_by_id, self.warehouse_user)
        self.assertFalse(session.approved_by_id)
        self.assertEqual(self._on_hand(self.breaker), 39.0)
        self.assertEqual(self._on_hand(self.meter), 10.0)
        move = session.move_ids
        self.assertEqual(len(move), 1, "no move for a line without variance")
        self.assertEqual(move.state, "done")
        self.assertTrue(move.is_inventory)
        self.assertEqual(move.product_id, self.breaker)
        self.assertEqual(move.quantity, 1.0)
        self.assertEqual(move.location_id, self.rack)
        self.assertEqual(move.location_dest_id.usage, "inventory")
        self.assertEqual(move.appliance_reason_id, self.reason_damage)
        self.assertEqual(move.appliance_adjust_note, "forklift")
        self.assertEqual(move.create_uid, self.warehouse_user)
        self.assertIn(session.name, move.reference)
        self.assertEqual(breaker_line.book_at_apply_qty, 40.0)
        self.assertEqual(breaker_line.applied_qty, -1.0)

    def test_large_variance_is_recounted_then_approved_by_a_manager(self):
        session = self._session(self.warehouse_user)
        session.action_start()
        self._count(session, self.warehouse_user, "TBM1-250/3300", 30)
        self._count(session, self.warehouse_user, "TBD-3", 10)
        # 30 of 40 is 25 % off (threshold 20 %): counted a second time
        session.with_user(self.warehouse_user).action_finish_counting()
        line = self._line(session, self.breaker)
        self.assertEqual(session.state, "counting")
        self.assertEqual(line.recount_state, "required")
        self.assertEqual(line.first_counted_qty, 30.0)
        self.assertFalse(line.is_counted)
        with self.assertRaisesRegex(UserError, "not counted yet"):
            session.with_user(self.warehouse_user).action_finish_counting()
        self._count(session, self.warehouse_user, "6901234567892", 30)
        self.assertEqual(line.recount_state, "done")
        # a confirmed recount is not asked again
        session.with_user(self.warehouse_user).action_finish_counting()
        self.assertEqual(session.state, "review")

        line.with_user(self.warehouse_user).reason_id = self.reason_theft
        with self.assertRaisesRegex(UserError, "needs a note"):
            session.with_user(self.warehouse_user).action_validate()
        line.with_user(self.warehouse_user).note = "Police report 2026-118"
        # 10 × 520 = 5,200 > 5,000: an inventory manager must approve
        self.assertTrue(session.needs_approval)
        session.approver_id = self.warehouse_manager
        session.with_user(self.warehouse_user).action_validate()
        self.assertEqual(session.state, "to_approve")
        self.assertEqual(self._on_hand(self.breaker), 40.0, "nothing applied yet")
        self.assertEqual(session.activity_ids.user_id, self.warehouse_manager)
        with self.assertRaises(AccessError):
            session.with_user(self.warehouse_user).action_approve()
        with self.assertRaisesRegex(UserError, "only change while counting"):
            line.with_user(self.warehouse_user).reason_id = self.reason_damage

        session.with_user(self.warehouse_manager).action_approve()
        self.assertEqual(session.state, "done")
        self.assertEqual(session.approved_by_id, self.warehouse_manager)
        self.assertFalse(session.activity_ids)
        self.assertEqual(self._on_hand(self.breaker), 30.0)
        self.assertEqual(session.move_ids.appliance_reason_id, self.reason_theft)

    def test_manager_rejects_then_the_team_corrects_the_count(self):
        session = self._session(self.warehouse_user)
        session.action_start()
        self._count(session, self.warehouse_user, "TBM1-250/3300", 35, mode="set")
        self._count(session, self.warehouse_user, "TBD-3", 10)
        self.company.appliance_count_approval_value = 1000.0
        session.action_finish_counting()
        self._line(session, self.breaker).reason_id = self.reason_loss
        session.with_user(self.warehouse_user).action_validate()
        self.assertEqual(session.state, "to_approve")
        session.with_user(self.warehouse_manager).action_reject()
        self.assertEqual(session.state, "review")
        session.with_user(self.warehouse_user).action_back_to_counting()
        self._count(session, self.warehouse_user, "TBM1-250/3300", 39, mode="set")
        session.action_finish_counting()
        # 520 < 1,000: the warehouse user applies it alone
        session.with_user(self.warehouse_user).action_validate()
        self.assertEqual(session.state, "done")
        self.assertEqual(self._on_hand(self.breaker), 39.0)

    def test_manager_applies_above_the_threshold_directly(self):
        session = self._session(self.warehouse_manager)
        session.action_start()
        self._count(session, self.warehouse_manager, "TBM1-250/3300", 35)
        self._count(session, self.warehouse_manager, "TBD-3", 0, mode="set")
        self.company.appliance_count_recount_pct = 0.0  # never recount
        session.action_finish_counting()
        self._line(session, self.breaker).reason_id = self.reason_damage
        self._line(session, self.meter).reason_id = self.reason_loss
        self.assertEqual(session.variance_abs_value, 5 * 520 + 10 * 350)
        self.assertTrue(session.needs_approval)
        session.with_user(self.warehouse_manager).action_validate()
        self.assertEqual(session.state, "done")
        self.assertEqual(session.approved_by_id, self.warehouse_manager)
        self.assertEqual(self._on_hand(self.meter), 0.0)

    def test_a_reason_must_explain_the_direction_of_the_variance(self):
        session = self._session()
        session.action_start()
        self._count(session, self.env.user, "TBM1-250/3300", 39)
        self._count(session, self.env.user, "TBD-3", 11)
        session.action_finish_counting()
        self._line(session, self.breaker).reason_id = self.reason_found
        self._line(session, self.meter).reason_id = self.reason_found
        with self.assertRaisesRegex(UserError, "only explains stock that was added"):
            session.action_validate()
        self._line(session, self.breaker).reason_id = self.reason_data
        session.action_validate()
        self.assertEqual(session.state, "done")
        self.assertEqual(
            session.move_ids.mapped("appliance_reason_id"),
            self.reason_data | self.reason_found,
        )

    def test_stock_moved_since_the_snapshot_stops_until_refreshed(self):
        session = self._session(self.warehouse_user)
        session.action_start()
        # two breakers are found damaged and written off while the count runs
        self._adjust(self.breaker, -2, self.reason_damage)
        self._count(session, self.warehouse_user, "TBM1-250/3300", 38)
        self._count(session, self.warehouse_user, "TBD-3", 10)
        session.action_finish_counting()
        line = self._line(session, self.breaker)
        self.assertEqual(line.variance_qty, -2.0, "against the snapshot")
        line.reason_id = self.reason_data
        with self.assertRaisesRegex(UserError, "moved since the snapshot"):
            session.with_user(self.warehouse_user).action_validate()
        self.assertEqual(session.state, "review")
        self.assertEqual(self._on_hand(self.breaker), 38.0)

        session.with_user(self.warehouse_user).action_refresh_book()
        self.assertEqual(line.theoretical_qty, 38.0)
        self.assertFalse(line.has_variance)
        session.with_user(self.warehouse_user).action_validate()
        self.assertEqual(session.state, "done")
        self.assertFalse(session.move_ids, "the count matched the live book")
        self.assertEqual(self._on_hand(self.breaker), 38.0)

    def test_trust_the_count_sets_the_book_to_what_was_counted(self):
        session = self._session(book_change_policy="counted")
        session.action_start()
        self._count(session, self.env.user, "TBM1-250/3300", 37)
        self._count(session, self.env.user, "TBD-3", 10)
        self._adjust(self.breaker, -2, self.reason_damage)
        session.action_finish_counting()
        line = self._line(session, self.breaker)
        line.reason_id = self.reason_loss
        session.action_validate()
        self.assertEqual(self._on_hand(self.breaker), 37.0)
        self.assertEqual(line.book_at_apply_qty, 38.0)
        self.assertEqual(line.applied_qty, -1.0)
        self.assertEqual(session.move_ids.quantity, 1.0)

    def test_stock_found_where_the_book_has_none_gets_a_line(self):
        self.company.appliance_count_recount_pct = 0.0
        session = self._session(self.warehouse_user)
        session.action_start()
        self.assertEqual(len(session.line_ids), 2)
        self._count(
            session, self.warehouse_user, "ggx9 38", 1, location_id=self.rack.id
        )
        set_line = self._line(session, self.set_ggd.product_variant_id)
        self.assertEqual(set_line.theoretical_qty, 0.0)
        self.assertEqual(set_line.counted_qty, 1.0)
        self.assertEqual(set_line.variance_pct, 100.0)
        self.assertEqual(set_line.unit_cost, 18000.0)
        self._count(session, self.warehouse_user, "TBM1-250/3300", 40)
        self._count(session, self.warehouse_user, "TBD-3", 10)
        session.action_finish_counting()
        set_line.reason_id = self.reason_found
        session.with_user(self.warehouse_manager).action_validate()
        self.assertEqual(self._on_hand(self.set_ggd.product_variant_id), 1.0)

    def test_products_and_locations_outside_the_scope_are_refused(self):
        session = self._session(product_ids=[Command.set(self.breaker.ids)])
        session.action_start()
        self.assertEqual(session.line_ids.product_id, self.breaker)
        with self.assertRaisesRegex(UserError, "not in the scope"):
            self._count(
                session, self.warehouse_user, "TBD-3", 1, location_id=self.rack.id
            )
        elsewhere = self.env["stock.location"].create(
            {"name": "Other WH area", "location_id": self.stock_location.id}
        )
        with self.assertRaisesRegex(UserError, "not counted by"):
            self._count(session, self.warehouse_user, "TBM1-250/3300", 1,
                        location_id=elsewhere.id)  # fmt: skip

    def test_listed_products_without_stock_get_a_line_to_count(self):
        session = self._session(
            product_ids=[
                Command.set((self.breaker | self.set_ggd.product_variant_id).ids)
            ]
        )
        session.action_start()
        self.assertEqual(
            {(line.product_id, line.theoretical_qty) for line in session.line_ids},
            {(self.breaker, 40.0), (self.set_ggd.product_variant_id, 0.0)},
        )

    def test_unknown_and_ambiguous_codes_are_refused(self):
        session = self._session(self.warehouse_user)
        session.action_start()
        with self.assertRaisesRegex(UserError, "no stored product has the code NOPE-1"):
            self._count(session, self.warehouse_user, "NOPE-1")
        self.meter.default_code = "6901234567892"  # the breaker's barcode
        with self.assertRaisesRegex(UserError, "matches several products"):
            self._count(session, self.warehouse_user, "6901234567892")
        with self.assertRaisesRegex(UserError, "greater than zero"):
            self._count(session, self.warehouse_user, "TBD-3", 0)
        with self.assertRaisesRegex(UserError, "cannot go below zero"):
            self._line(session, self.meter).with_user(
                self.warehouse_user
            ).action_decrement()

    def test_phone_buttons_count_one_by_one(self):
        session = self._session(self.warehouse_user)
        session.action_start()
        line = self._line(session, self.meter).with_user(self.warehouse_user)
        line.action_increment()
        line.action_increment()
        line.action_decrement()
        self.assertEqual(line.counted_qty, 1.0)
        self.assertTrue(line.is_counted)
        action = self._count(session, self.warehouse_user, "TBD-3", 2)
        entry = self.env["appliance.count.entry"].browse(action["res_id"])
        self.assertIn("3.0 counted", entry.last_result)
        self.assertEqual(entry.last_line_id, line)

    def test_uncounted_lines_block_the_review_until_set_to_zero(self):
        self.company.appliance_count_recount_pct = 0.0
        session = self._session()
        session.action_start()
        self._count(session, self.env.user, "TBD-3", 10)
        with self.assertRaisesRegex(UserError, "1 lines are not counted yet"):
            session.action_finish_counting()
        session.action_zero_uncounted()
        session.action_finish_counting()
        line = self._line(session, self.breaker)
        self.assertEqual(line.variance_qty, -40.0)
        self.assertEqual(session.missing_reason_count, 1)

    def test_book_figures_cannot_be_forged(self):
        session = self._session(self.warehouse_user)
        session.action_start()
        line = self._line(session, self.breaker).with_user(self.warehouse_user)
        with self.assertRaises(AccessError):
            line.theoretical_qty = 45
        with self.assertRaises(AccessError):
            self.Line.with_user(self.warehouse_user).create(
                {
                    "session_id": session.id,
                    "product_id": self.set_ggd.product_variant_id.id,
                    "location_id": self.rack.id,
                    "theoretical_qty": 5,
                }
            )
        with self.assertRaises(UserError):
            session.with_user(self.warehouse_user).location_ids = self.stock_location
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                line.counted_qty = -3
                line.flush_recordset()
        self._count(session, self.warehouse_user, "TBM1-250/3300", 40)
        self._count(session, self.warehouse_user, "TBD-3", 10)
        session.action_finish_counting()
        with self.assertRaisesRegex(UserError, "only be entered while counting"):
            line.counted_qty = 41
        with self.assertRaises(UserError):
            session.unlink()

    def test_state_history_is_tracked(self):
        def flush_tracking():
            # each action is its own request: tracking is written at its commit
            self.env.flush_all()
            self.env.cr.precommit.run()

        Session = self.Session.with_user(self.warehouse_user)
        session = Session.with_context(tracking_disable=False).create(
            {
                "warehouse_id": self.warehouse.id,
                "location_ids": [Command.set(self.rack.ids)],
            }
        )
        flush_tracking()
        session.action_start()
        flush_tracking()
        self._count(session, self.warehouse_user, "TBM1-250/3300", 40)
        self._count(session, self.warehouse_user, "TBD-3", 10)
        session.action_finish_counting()
        flush_tracking()
        session.action_validate()
        flush_tracking()
        tracked = session.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(
            set(tracked.mapped("new_value_char")), {"Counting", "Review", "Applied"}
        )
        self.assertTrue(
            session.message_ids.filtered(lambda m: "snapshot" in (m.body or ""))
        )

    def _adjust(self, product, delta, reason, user=None, location=None, note=None):
        Adjustment = self.env["appliance.count.adjustment"]
        if user:
            Adjustment = Adjustment.with_user(user)
        wizard = Adjustment.create(
            {
                "product_id": product.id,
                "location_id": (location or self.rack).id,
                "direction": "add" if delta > 0 else "remove",
                "quantity": abs(delta),
                "reason_id": reason.id,
                "note": note,
            }
        )
        return wizard._apply()


@tagged("post_install", "-at_install")
class TestCountAccess(CountCase):
    def test_salespeople_and_portal_users_cannot_count(self):
        session = self._session()
        session.action_start()
        for user in (self.salesperson_a, self.portal_user, self.finance_user):
            with self.assertRaises(AccessError, msg=user.login):
                self.Session.with_user(user).create({"warehouse_id": self.warehouse.id})
            with self.assertRaises(AccessError, msg=user.login):
                session.with_user(user).read(["name"])
            with self.assertRaises(AccessError, msg=user.login):
                session.line_ids.with_user(user).read(["counted_qty"])
            with self.assertRaises(AccessError, msg=user.login):
                self.env["appliance.count.entry"].with_user(user).create(
                    {"session_id": session.id, "code": "TBD-3"}
                )
            with self.assertRaises(AccessError, msg=user.login):
                self.env["appliance.count.adjustment"].with_user(user).create(
                    {
                        "product_id": self.meter.id,
                        "location_id": self.rack.id,
                        "reason_id": self.reason_damage.id,
                    }
                )
            with self.assertRaises(AccessError, msg=user.login):
                self.env["appliance.stock.reason"].with_user(user).search([])

    def test_only_managers_edit_the_reasons(self):
        Reason = self.env["appliance.stock.reason"]
        self.assertIn(
            self.reason_damage, Reason.with_user(self.warehouse_user).search([])
        )
        with self.assertRaises(AccessError):
            Reason.with_user(self.warehouse_user).create(
                {"name": "Rats", "code": "RAT"}
            )
        rats = Reason.with_user(self.warehouse_manager).create(
            {"name": "Rats", "code": "RAT", "direction": "decrease"}
        )
        self.assertEqual(rats.direction, "decrease")

    def test_sessions_of_another_company_stay_invisible(self):
        other = self.env["res.company"].create({"name": "Other Switchgear Co."})
        other_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other.id)], limit=1
        )
        foreign = (
            self.Session.with_company(other)
            .sudo()  # sudo: set up a session of a company the user does not belong to
            .create({"warehouse_id": other_warehouse.id, "company_id": other.id})
        )
        Session = self.Session.with_user(self.warehouse_user)
        self.assertNotIn(foreign, Session.search([]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.warehouse_user).read(["name"])
        with self.assertRaises(UserError):
            # a warehouse of another company cannot be counted from this one
            Session.create({"warehouse_id": other_warehouse.id})
