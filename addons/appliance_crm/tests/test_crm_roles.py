from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase


@tagged("post_install", "-at_install")
class TestCrmRoles(ApplianceCase):
    def test_salesperson_pipeline_is_private_approver_sees_all(self):
        Lead = self.env["crm.lead"]
        lead_a = Lead.with_user(self.salesperson_a).create(
            {
                "name": "Hospital expansion: 12 GGD + 2 KYN28A",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.salesperson_a.id,
                "expected_revenue": 420000,
            }
        )
        lead_b = Lead.with_user(self.salesperson_b).create(
            {
                "name": "Data centre box substations",
                "type": "opportunity",
                "user_id": self.salesperson_b.id,
                "expected_revenue": 1800000,
            }
        )
        self.assertNotIn(lead_b, Lead.with_user(self.salesperson_a).search([]))
        with self.assertRaises(AccessError):
            lead_b.with_user(self.salesperson_a).write({"expected_revenue": 1})
        self.assertLessEqual(lead_a | lead_b, Lead.with_user(self.approver).search([]))
        self.assertEqual(lead_b.expected_revenue, 1800000)
