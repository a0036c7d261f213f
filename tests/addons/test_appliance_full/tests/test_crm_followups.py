from odoo.tests import tagged

from odoo.addons.appliance_crm.tests.common import ApplianceCrmCase


@tagged("post_install", "-at_install")
class TestCrmFollowupsWithReports(ApplianceCrmCase):
    def test_reminder_before_the_purchase_predicted_by_the_purchase_cycle(self):
        """appliance_crm's "before the next purchase" rule uses the prediction
        of appliance_reports (the hook ``_appliance_predict_next_purchase``)."""
        self._history(
            self.customer, [(80, 1000), (50, 1000), (20, 1000)], product=self.breaker
        )
        prediction = self.customer._appliance_predict_next_purchase()[self.customer.id]
        # every 30 days, perfectly regular: confident; appliance_crm's own estimate
        # gives three orders only 0.2
        self.assertGreaterEqual(prediction["confidence"], 0.5)
        rule = self.env["appliance.followup.rule"].create(
            {
                "name": "Before next purchase",
                "trigger": "before_purchase",
                "days": 14,
                "min_confidence": 0.5,
            }
        )
        Followup = self.env["appliance.followup"]
        created = Followup._generate(rule)
        self.assertEqual(created.partner_id, self.customer)
        self.assertEqual(created.user_id, self.salesperson_a)
        self.assertEqual(
            created.reason_key, f"purchase:{prediction['date'].isoformat()}"
        )
        self.assertFalse(Followup._generate(rule))
