from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ApplianceCase


@tagged("post_install", "-at_install")
class TestRoles(ApplianceCase):
    def test_salesperson_cannot_edit_the_set_master(self):
        brands = self.env["appliance.brand"].with_user(self.salesperson_a)
        self.assertEqual(brands.search([("code", "=", "TB")]), self.brand)
        with self.assertRaises(AccessError):
            brands.create({"name": "Fake brand"})
        with self.assertRaises(AccessError):
            self.brand.with_user(self.salesperson_a).name = "Renamed"
        with self.assertRaises(AccessError):
            self.set_ggd.appliance_component_ids[0].with_user(
                self.salesperson_a
            ).quantity = 9
        # the sales manager maintains it
        self.brand.with_user(self.sales_manager).name = "TestBrand Electric"
        self.assertEqual(self.brand.name, "TestBrand Electric")

    def test_salesperson_sees_only_own_orders_approver_sees_all(self):
        order_a = self._quotation(self.salesperson_a)
        order_b = self._quotation(self.salesperson_b)
        orders_a = self.env["sale.order"].with_user(self.salesperson_a)
        self.assertIn(order_a, orders_a.search([]))
        self.assertNotIn(order_b, orders_a.search([]))
        with self.assertRaises(AccessError):
            order_b.with_user(self.salesperson_a).read(["amount_total"])
        seen = self.env["sale.order"].with_user(self.approver).search([])
        self.assertLessEqual(order_a | order_b, seen)

    def test_roles_map_onto_odoo_groups(self):
        self.assertTrue(
            self.sales_manager.has_group("appliance_sales.group_appliance_approver")
        )
        self.assertTrue(
            self.approver.has_group("sales_team.group_sale_salesman_all_leads")
        )
        self.assertFalse(self.approver.has_group("sales_team.group_sale_manager"))
        self.assertFalse(
            self.salesperson_a.has_group("appliance_sales.group_appliance_approver")
        )

    def test_portal_user_reads_no_set_components(self):
        with self.assertRaises(AccessError):
            self.env["appliance.set.component"].with_user(self.portal_user).search([])
