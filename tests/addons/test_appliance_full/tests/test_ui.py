from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_salesperson_finds_a_set_by_model_code(self):
        self.env["product.template"].create(
            {
                "name": "Tour KYN28A-12 test cabinet",
                "appliance_kind": "set",
                "appliance_model_code": "KYN28A-12/T1250-31.5",
                "rated_voltage_kv": 12,
                "rated_current_a": 1250,
                "ip_rating": "IP4X",
                "list_price": 86000,
            }
        )
        new_test_user(
            self.env,
            "tour_sales",
            groups="sales_team.group_sale_salesman",
            lang="en_US",
        )
        self.start_tour(
            "/odoo/action-appliance_sales.product_template_action_appliance_set",
            "appliance_find_set_by_model_code",
            login="tour_sales",
        )
