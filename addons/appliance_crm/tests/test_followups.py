from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ApplianceCrmCase


@tagged("post_install", "-at_install")
class TestFollowups(ApplianceCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Followup = cls.env["appliance.followup"]
        cls.Rule = cls.env["appliance.followup.rule"]
        # only the rules of the test run
        cls.Rule.search([]).active = False
        cls.strategy = cls.env["appliance.customer.strategy"].create(
            {"name": "Key accounts", "visit_interval_days": 30, "service_priority": "1"}
        )
        cls.cadence = cls.Rule.create(
            {
                "name": "Visit cadence",
                "trigger": "cadence",
                "days": 0,
                "escalate_after_days": 3,
            }
        )

    def _open_for(self, partner, rule):
        return self.Followup.search(
            [
                ("partner_id", "=", partner.id),
                ("rule_id", "=", rule.id),
                ("state", "=", "open"),
            ]
        )

    def _customer_due_for_visit(self):
        self._history(self.customer, [(40, 10000)])
        self.env["res.partner"]._appliance_classify(partner_ids=self.customer.ids)
        self.customer.appliance_strategy_id = self.strategy

    def test_cadence_reminder_created_once_and_closed_by_visit(self):
        self._customer_due_for_visit()
        created = self.Followup._generate(self.cadence)
        self.assertEqual(created.partner_id, self.customer)
        self.assertEqual(created.user_id, self.salesperson_a)
        activity = created.activity_id
        self.assertEqual(activity.res_id, self.customer.id)
        self.assertEqual(activity.user_id, self.salesperson_a)
        self.assertEqual(activity.date_deadline, self.today)
        # the job runs again: no second reminder for the same reason
        self.assertFalse(self.Followup._generate(self.cadence))
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            ),
            1,
        )
        # the salesperson logs the visit: the reminder is done, no new one is due
        self.env["appliance.customer.visit"].with_user(self.salesperson_a).create(
            {"partner_id": self.customer.id, "summary": "Site survey, new workshop"}
        )
        self.assertEqual(created.state, "done")
        self.assertFalse(self.Followup._generate(self.cadence))

    def test_cadence_counts_from_last_visit(self):
        self._customer_due_for_visit()
        self.env["appliance.customer.visit"].create(
            {
                "partner_id": self.customer.id,
                "summary": "Visit",
                "date": self.today - timedelta(days=10),
                "user_id": self.salesperson_a.id,
            }
        )
        self.assertFalse(self.Followup._generate(self.cadence))

    def test_after_delivery_and_yearly_inspection(self):
        after = self.Rule.create(
            {"name": "After", "trigger": "after_delivery", "days": 7}
        )
        inspection = self.Rule.create(
            {"name": "Insp", "trigger": "inspection", "days": 30}
        )
        product = self.set_ggd.product_variant_id
        picking_type = self.env["stock.picking.type"].search(
            [("code", "=", "outgoing"), ("company_id", "=", self.company.id)], limit=1
        )
        customer_location = self.env.ref("stock.stock_location_customers")
        pickings = self.env["stock.picking"]
        for days in (7, 360):
            picking = self.env["stock.picking"].create(
                {
                    "partner_id": self.customer.id,
                    "picking_type_id": picking_type.id,
                    "location_id": picking_type.default_location_src_id.id,
                    "location_dest_id": customer_location.id,
                    "move_ids": [
                        (0, 0, {
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": customer_location.id,
                        })
                    ],
                }
            )  # fmt: skip
            picking.action_confirm()
            picking.move_ids.quantity = 2
            picking.move_ids.picked = True
            picking._action_done()
            picking.date_done = fields.Datetime.now() - timedelta(days=days)
            pickings |= picking
        recent, old = pickings
        created = self.Followup._generate(after)
        self.assertEqual(created.picking_id, recent)
        created = self.Followup._generate(inspection)
        self.assertEqual(created.picking_id, old)
        self.assertIn("GGX9-38", created.summary)
        self.assertEqual(created.date_deadline, self.today + timedelta(days=5))
        self.assertFalse(self.Followup._generate(after | inspection))
        # the 360 page shows what was installed where
        self.assertEqual(self.customer.appliance_installed_set_count, 4)

    def test_before_predicted_purchase(self):
        rule = self.Rule.create(
            {
                "name": "Before",
                "trigger": "before_purchase",
                "days": 14,
                "min_confidence": 0.3,
            }
        )
        # every 20 days; next one expected in 5 days
        self._history(self.customer, [(75, 1000), (55, 1000), (35, 1000), (15, 1000)])
        self.env["res.partner"]._appliance_classify(partner_ids=self.customer.ids)
        prediction = self.customer._appliance_predict_next_purchase()[self.customer.id]
        self.assertEqual(prediction["date"], self.today + timedelta(days=5))
        created = self.Followup._generate(rule)
        self.assertEqual(created.partner_id, self.customer)
        self.assertEqual(
            created.reason_key, f"purchase:{prediction['date'].isoformat()}"
        )
        rule.min_confidence = 0.9
        created.unlink()
        self.assertFalse(self.Followup._generate(rule))

    def test_overdue_reminder_escalates_to_team_leader_once(self):
        self.env["crm.team"].create(
            {
                "name": "East",
                "user_id": self.sales_manager.id,
                "member_ids": [(6, 0, self.salesperson_a.ids)],
            }
        )
        self._customer_due_for_visit()
        followup = self.Followup._generate(self.cadence)
        followup.activity_id.date_deadline = self.today - timedelta(days=5)
        followup.date_deadline = self.today - timedelta(days=5)
        escalated = self.Followup._cron_escalate()
        self.assertEqual(escalated, followup)
        self.assertTrue(followup.escalated)
        self.assertEqual(followup.escalation_activity_id.user_id, self.sales_manager)
        self.assertIn("Sales A", followup.escalation_activity_id.summary)
        self.assertFalse(self.Followup._cron_escalate())

    def test_salespeople_see_only_their_customers_followups_and_visits(self):
        self._customer_due_for_visit()
        followup = self.Followup._generate(self.cadence)
        visit = (
            self.env["appliance.customer.visit"]
            .with_user(self.salesperson_a)
            .create({"partner_id": self.customer.id, "summary": "Call"})
        )
        self.assertEqual(
            self.Followup.with_user(self.salesperson_a).search([]), followup
        )
        self.assertFalse(self.Followup.with_user(self.salesperson_b).search([]))
        Visit = self.env["appliance.customer.visit"]
        self.assertFalse(
            Visit.with_user(self.salesperson_b).search([("id", "=", visit.id)])
        )
        with self.assertRaises(AccessError):
            visit.with_user(self.salesperson_b).summary  # noqa: B018
        self.assertIn(followup, self.Followup.with_user(self.sales_manager).search([]))
        with self.assertRaises(AccessError):
            self.Followup.with_user(self.portal_user).search([])
