from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.appliance_sales.utils import phone_kind

from .common import ApplianceCase


@tagged("post_install", "-at_install")
class TestModelMatching(ApplianceCase):
    def test_typed_code_in_any_form_finds_the_set(self):
        Product = self.env["product.product"].with_user(self.salesperson_a)
        for typed in ("ggx9-38", "GGX9 38", "ＧＧＸ９－３８", "Ggx938"):
            with self.subTest(typed=typed):
                products, suggestions = Product._appliance_match_model_code(typed)
                self.assertEqual(products, self.set_ggd.product_variant_id)
                self.assertFalse(suggestions)

    def test_many2one_autocomplete_puts_the_model_first(self):
        for model in ("product.product", "product.template"):
            with self.subTest(model=model):
                rows = (
                    self.env[model].with_user(self.salesperson_a).name_search("ggx9 38")
                )
                expected = (
                    self.set_ggd.product_variant_id
                    if model == "product.product"
                    else self.set_ggd
                )
                self.assertEqual(rows[0][0], expected.id)
                found = self.env[model].search(
                    [("display_name", "ilike", "ＧＧＸ９－３８")]
                )
                self.assertIn(expected, found)

    def test_customer_code_matches_for_that_customer_only(self):
        self.env["appliance.model.alias"].with_user(self.salesperson_a).create(
            {
                "partner_id": self.customer.id,
                "product_tmpl_id": self.set_ggd.id,
                "code": "ZT-IN-01",
            }
        )
        Product = self.env["product.product"]
        products, _s = Product._appliance_match_model_code(
            "zt in 01", partner=self.customer
        )
        self.assertEqual(products, self.set_ggd.product_variant_id)
        other = self.env["res.partner"].create(
            {"name": "Other customer", "is_company": True}
        )
        products, _s = Product._appliance_match_model_code("ZT-IN-01", partner=other)
        self.assertFalse(products)
        rows = Product.with_context(partner_id=self.customer.id).name_search("ZT-IN")
        self.assertEqual(rows[0][0], self.set_ggd.product_variant_id.id)

    def test_ambiguous_and_unknown_codes_are_explained(self):
        order_form = Form(self.env["sale.order"].with_user(self.salesperson_a))
        order_form.partner_id = self.customer
        with order_form.order_line.new() as line:
            line.appliance_model_input = "ggx9-380"
            self.assertFalse(line.product_id)
            line.appliance_model_input = "ｇｇｘ９ ３８"
            self.assertEqual(line.product_id, self.set_ggd.product_variant_id)
            self.assertIn("GGX9-38 · 0.4 kV · 1600 A · 50 kA · IP30", line.name)
        products, suggestions = self.env["product.product"]._appliance_match_model_code(
            "GGX9-380"
        )
        self.assertFalse(products)
        self.assertIn("GGX9-38", suggestions.mapped("appliance_model_code"))

        line = self.env["sale.order.line"].new({"appliance_model_input": "NOPE-999"})
        warning = line._onchange_appliance_model_input()["warning"]
        self.assertIn("No product has the model code NOPE-999", warning["message"])

        # a company-specific product next to a shared one with the same code
        twin = self.env["product.template"].create(
            {
                "name": "GGX9-38 (company build)",
                "appliance_model_code": "GGX9-38",
                "appliance_kind": "set",
                "company_id": self.env.company.id,
            }
        )
        line = self.env["sale.order.line"].new({"appliance_model_input": "GGX9 38"})
        warning = line._onchange_appliance_model_input()["warning"]
        self.assertFalse(line.product_id)
        self.assertIn("GGX9-38 (company build)", warning["message"])
        self.assertIn(self.set_ggd.name, warning["message"])
        matched, _s = self.env["product.product"]._appliance_match_model_code("ggx9-38")
        self.assertEqual(matched.product_tmpl_id, self.set_ggd | twin)


@tagged("post_install", "-at_install")
class TestOrderValidation(ApplianceCase):
    def test_phone_formats(self):
        valid = {
            "13812345678": "mobile",
            "138 1234 5678": "mobile",
            "+86 138-1234-5678": "mobile",
            "１３８１２３４５６７８": "mobile",
            "025-86668888": "landline",
            "(0571) 8888 6666": "landline",
            "010-12345678转123": "landline",
            "+49 30 1234567": "international",
            "+1 555-555-5555": "international",
        }
        for phone, kind in valid.items():
            with self.subTest(phone=phone):
                self.assertEqual(phone_kind(phone), kind)
        for phone in (
            "12345",
            "23812345678",
            "1381234567",
            "abc",
            "+0123456",
            "025-123",
        ):
            with self.subTest(phone=phone):
                self.assertFalse(phone_kind(phone))

    def test_bad_phone_on_the_customer_warns_at_once(self):
        partner = self.customer
        partner.phone = "0251234"
        warning = partner._onchange_phone_appliance_format()["warning"]
        self.assertIn("0251234 is not a valid phone number", warning["message"])
        self.assertIn("cannot be confirmed", warning["message"])
        partner.phone = "13812345678"
        self.assertIsNone(partner._onchange_phone_appliance_format())

    def test_confirmation_needs_valid_phone_and_full_address(self):
        order = self._quotation(self.salesperson_a)
        self.customer.phone = "12345"
        with self.assertRaisesRegex(
            ValidationError, "12345 is not a valid phone number"
        ):
            order.with_user(self.salesperson_a).action_confirm()
        self.customer.phone = "13812345678"
        self.customer.state_id = False
        with self.assertRaisesRegex(ValidationError, "incomplete: province missing"):
            order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(order.state, "draft")
        self.customer.state_id = self.env.ref("base.state_cn_JS")
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_quantity_positive_and_whole_for_units(self):
        order = self._quotation(self.salesperson_a)
        line = order.order_line.with_user(self.salesperson_a)
        for qty in (0, -5, 1.5):
            with self.subTest(qty=qty), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    line.product_uom_qty = qty
        dozen = self.env.ref("uom.product_uom_dozen")
        line.write({"product_uom_id": dozen.id, "product_uom_qty": 0.5})  # 6 units
        self.assertEqual(line.product_uom_qty, 0.5)

    def test_requested_date_not_in_the_past(self):
        order = self._quotation(self.salesperson_a).with_user(self.salesperson_a)
        with self.assertRaisesRegex(ValidationError, "in the past"):
            with self.env.cr.savepoint():
                order.commitment_date = fields.Datetime.now() - timedelta(days=2)
        order.commitment_date = fields.Datetime.now() + timedelta(days=20)

    def test_price_floor_holds_unless_the_user_may(self):
        self.set_ggd.appliance_floor_price = 24000
        order = self._quotation(self.salesperson_a)
        line = order.order_line.with_user(self.salesperson_a)
        line.discount = 5  # 24,700: above the floor
        with self.assertRaisesRegex(ValidationError, "below the floor price"):
            with self.env.cr.savepoint():
                line.discount = 10  # 23,400
        with self.assertRaisesRegex(ValidationError, "below the floor price"):
            with self.env.cr.savepoint():
                line.price_unit = 20000
        order.order_line.with_user(self.sales_manager).discount = 10
        self.assertEqual(order.order_line.discount, 10)
