"""ORM checks of the demo data on the database `make test` installed (pytest-odoo).

The demo is what a newcomer sees first: it must look like a real switchgear seller.
"""

from odoo.tests import TransactionCase


class TestDemoData(TransactionCase):
    # Odoo tags only test classes living in odoo.addons.*; these live in tests/pytest
    test_tags = {"standard"}
    test_module = "pytest"

    def test_sets_and_components_carry_model_codes_and_specs(self):
        Template = self.env["product.template"]
        sets = Template.search([("appliance_kind", "=", "set")])
        components = Template.search([("appliance_kind", "=", "component")])
        self.assertGreaterEqual(len(sets), 15)
        self.assertGreaterEqual(len(components), 25)
        for tmpl in sets | components:
            self.assertTrue(tmpl.appliance_model_code, tmpl.name)
        self.assertTrue(all(sets.mapped("appliance_brand_id")))
        branded = components.filtered("appliance_brand_id")
        self.assertGreaterEqual(len(branded), len(components) * 0.7)
        self.assertTrue(all(sets.mapped("rated_voltage_kv")))
        series = set(sets.mapped("appliance_series"))
        known = {"GGD", "GCS", "MNS", "KYN28A", "XGN", "XL-21", "JP", "YBM", "ZBW"}
        self.assertGreaterEqual(len(known & series), 7, series)
        self.assertGreaterEqual(len(series), 8)
        with_components = sets.filtered("appliance_component_ids")
        self.assertGreaterEqual(len(with_components), len(sets) * 0.8)

    def test_names_read_in_chinese(self):
        sets = self.env["product.template"].search([("appliance_kind", "=", "set")])
        zh = sets.with_context(lang="zh_CN").mapped("name")
        en = sets.with_context(lang="en_US").mapped("name")
        translated = [z for z, e in zip(zh, en, strict=True) if z != e]
        self.assertEqual(len(translated), len(sets), "every set has a Chinese name")
        brands = self.env["appliance.brand"].search([])
        self.assertTrue({"CHINT", "DELIXI"} <= set(brands.mapped("code")))

    def test_customers_span_provinces_and_types(self):
        customers = self.env["res.partner"].search(
            [("is_company", "=", True), ("appliance_customer_type", "!=", False)]
        )
        self.assertGreaterEqual(len(customers), 25)
        self.assertGreaterEqual(len(customers.state_id), 8)
        self.assertGreaterEqual(
            set(customers.mapped("appliance_customer_type")),
            {"contractor", "developer", "factory", "utility"},
        )
        self.assertTrue(all(customers.mapped("appliance_customer_code")))
        self.assertTrue(customers.child_ids, "customers have contacts")
        self.assertTrue(
            all(customers.mapped("user_id")), "each customer has a salesperson"
        )

    def test_two_warehouses_with_stock_and_reorder_rules(self):
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.ref("base.main_company").id)]
        )
        self.assertGreaterEqual(len(warehouses), 2)
        quants = self.env["stock.quant"].search(
            [
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
                ("product_id.appliance_kind", "!=", False),
            ]
        )
        self.assertEqual(quants.warehouse_id, warehouses)
        orderpoints = self.env["stock.warehouse.orderpoint"].search(
            [("trigger", "in", ("auto", "manual"))]
        )
        self.assertGreaterEqual(len(orderpoints.warehouse_id), 2)
        below = orderpoints.filtered(lambda op: op.qty_forecast < op.product_min_qty)
        self.assertTrue(
            below, "some items are below their minimum, so alerts have data"
        )
