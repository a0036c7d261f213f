from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReportsUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "tour_reports_mgr",
            groups="sales_team.group_sale_manager",
            lang="en_US",
        )
        cls.salesperson = new_test_user(
            cls.env,
            "tour_reports_sales",
            groups="sales_team.group_sale_salesman",
            lang="en_US",
        )

    def test_manager_switches_period_and_drills_down(self):
        self.start_tour(
            "/odoo/action-appliance_reports.appliance_dashboard_action",
            "appliance_reports_dashboard",
            login="tour_reports_mgr",
        )

    def test_salesperson_adds_a_product_often_bought_together(self):
        Product = self.env["product.product"]
        cabinet, meter = Product.create(
            [
                {"name": "Tour cabinet", "appliance_kind": "set", "list_price": 9000},
                {
                    "name": "Tour meter",
                    "appliance_kind": "component",
                    "list_price": 600,
                },
            ]
        )
        self.env["appliance.product.affinity"].create(
            {
                "company_id": self.env.company.id,
                "size": 2,
                "product_a_id": cabinet.id,
                "product_b_id": meter.id,
                "order_count": 8,
                "support": 0.08,
                "confidence_ab": 0.8,
                "confidence_ba": 0.4,
                "confidence": 0.8,
                "lift": 4.0,
            }
        )
        customer = self.env["res.partner"].create({"name": "Tour customer"})
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [(0, 0, {"product_id": cabinet.id})],
                }
            )
        )
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "appliance_reports_bought_together",
            login="tour_reports_sales",
        )
        self.assertEqual(order.order_line.product_id, cabinet | meter)
