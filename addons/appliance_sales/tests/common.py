from odoo.tests import TransactionCase, new_test_user


class ApplianceCase(TransactionCase):
    """Users for every role of a complete-set seller, and a small set catalogue.

    Other addons' tests build on it: ``from odoo.addons.appliance_sales.tests.common
    import ApplianceCase``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env = env
        cls.salesperson_a = new_test_user(
            env, "app_sales_a", groups="sales_team.group_sale_salesman", name="Sales A"
        )
        cls.salesperson_b = new_test_user(
            env, "app_sales_b", groups="sales_team.group_sale_salesman", name="Sales B"
        )
        cls.approver = new_test_user(
            env, "app_approver", groups="appliance_sales.group_appliance_approver"
        )
        cls.sales_manager = new_test_user(
            env, "app_manager", groups="sales_team.group_sale_manager"
        )
        cls.warehouse_user = new_test_user(
            env, "app_wh", groups="stock.group_stock_user"
        )
        cls.warehouse_manager = new_test_user(
            env, "app_wh_mgr", groups="stock.group_stock_manager"
        )
        cls.purchaser = new_test_user(
            env, "app_buyer", groups="purchase.group_purchase_user"
        )
        cls.finance_user = new_test_user(
            env, "app_finance", groups="account.group_account_invoice"
        )
        cls.portal_user = new_test_user(env, "app_portal", groups="base.group_portal")

        cls.brand = env["appliance.brand"].create({"name": "TestBrand", "code": "TB"})
        cls.breaker = env["product.product"].create(
            {
                "name": "MCCB 250A",
                "appliance_kind": "component",
                "appliance_model_code": "TBM1-250/3300",
                "appliance_brand_id": cls.brand.id,
                "rated_current_a": 250,
                "is_storable": True,
                "list_price": 800,
                "standard_price": 520,
            }
        )
        cls.meter = env["product.product"].create(
            {
                "name": "Multifunction meter",
                "appliance_kind": "component",
                "appliance_model_code": "TBD-3",
                "is_storable": True,
                "list_price": 600,
                "standard_price": 350,
            }
        )
        cls.set_ggd = env["product.template"].create(
            {
                "name": "GGX9-38 incoming cabinet",
                "appliance_kind": "set",
                "appliance_model_code": "GGX9-38",
                "appliance_series": "GGD",
                "appliance_brand_id": cls.brand.id,
                "rated_voltage_kv": 0.4,
                "rated_current_a": 1600,
                "breaking_capacity_ka": 50,
                "ip_rating": "IP30",
                "enclosure_type": "fixed",
                "width_mm": 800,
                "depth_mm": 600,
                "height_mm": 2200,
                "is_storable": True,
                "list_price": 26000,
                "standard_price": 18000,
                "appliance_component_ids": [
                    (0, 0, {"product_id": cls.breaker.id, "quantity": 4}),
                    (0, 0, {"product_id": cls.meter.id, "quantity": 1}),
                ],
            }
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "江苏中天电气安装工程有限公司",
                "appliance_name_en": "Jiangsu Zhongtian Electrical Installation Co.",
                "is_company": True,
                "appliance_customer_type": "contractor",
                "appliance_customer_code": "T-JS-001",
                "user_id": cls.salesperson_a.id,
                "phone": "025-86668888",
                "street": "江宁区天元中路 88 号",
                "city": "南京",
                "state_id": env.ref("base.state_cn_JS").id,
                "country_id": env.ref("base.cn").id,
            }
        )

    @classmethod
    def _quotation(cls, user, partner=None, product=None, qty=1.0):
        """A draft order of ``user`` (as that user) for one line."""
        product = product or cls.set_ggd.product_variant_id
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "user_id": user.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                    ],
                }
            )
        )
