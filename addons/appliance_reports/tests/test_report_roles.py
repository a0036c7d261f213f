from odoo.tests import tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase


@tagged("post_install", "-at_install")
class TestReportRoles(ApplianceCase):
    def test_sales_statistics_follow_the_order_rules(self):
        order_a = self._quotation(self.salesperson_a, qty=2)
        order_b = self._quotation(self.salesperson_b, qty=3)
        order_a.action_confirm()
        order_b.action_confirm()
        self.env.flush_all()
        domain = [("product_tmpl_id", "=", self.set_ggd.id)]
        Report = self.env["sale.report"]
        qty_a = Report.with_user(self.salesperson_a)._read_group(
            domain, [], ["product_uom_qty:sum"]
        )[0][0]
        qty_all = Report.with_user(self.approver)._read_group(
            domain, [], ["product_uom_qty:sum"]
        )[0][0]
        self.assertEqual(qty_a, 2)
        self.assertEqual(qty_all, 5)
