from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.appliance_sales.utils import normalize_model_code

from .common import ApplianceCase


@tagged("post_install", "-at_install")
class TestSetMaster(ApplianceCase):
    def test_model_code_forms_share_one_key(self):
        keys = {
            normalize_model_code(c)
            for c in ("ggx9-38", "GGX9 38", "ＧＧＸ９－３８", " Ggx9_38 ")
        }
        self.assertEqual(keys, {"GGX938"})
        self.assertEqual(self.set_ggd.appliance_model_key, "GGX938")
        self.assertFalse(normalize_model_code("  - "))

    def test_model_code_unique_per_company_after_normalisation(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["product.template"].create(
                    {"name": "Duplicate", "appliance_model_code": "ggx9 38"}
                )
        other_company = self.env["res.company"].create({"name": "Other Sets Co."})
        twin = self.env["product.template"].create(
            {
                "name": "Same model, other company",
                "appliance_model_code": "GGX9-38",
                "company_id": other_company.id,
            }
        )
        self.assertEqual(twin.appliance_model_key, "GGX938")

    def test_ip_code_is_validated_and_normalised(self):
        self.set_ggd.ip_rating = " ip54 "
        self.assertEqual(self.set_ggd.ip_rating, "IP54")
        self.set_ggd.ip_rating = "IP4X"
        for bad in ("IP7", "IP99", "54", "IPX"):
            with self.subTest(code=bad), self.assertRaises(ValidationError):
                self.set_ggd.ip_rating = bad

    def test_spec_out_of_range_names_the_field(self):
        Template = self.env["product.template"]
        # a refused form leaves nothing behind (the savepoint stands for the RPC's transaction)
        with self.assertRaisesRegex(ValidationError, r"Rated Voltage \(kV\).*-0\.4"):
            with self.env.cr.savepoint():
                Template.create({"name": "Bad voltage", "rated_voltage_kv": -0.4})
        with self.assertRaisesRegex(ValidationError, "Short-circuit Breaking Capacity"):
            with self.env.cr.savepoint():
                Template.create({"name": "Bad breaking", "breaking_capacity_ka": 5000})
        self.assertFalse(Template.search([("name", "like", "Bad ")]))

    def test_set_lists_its_components(self):
        self.assertEqual(self.set_ggd.appliance_component_count, 2)
        self.assertEqual(
            self.set_ggd.appliance_component_ids.mapped("quantity"), [4.0, 1.0]
        )
        with self.assertRaises(ValidationError):
            self.set_ggd.appliance_component_ids = [
                (
                    0,
                    0,
                    {"product_id": self.set_ggd.product_variant_id.id, "quantity": 1},
                )
            ]
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.set_ggd.appliance_component_ids[0].quantity = 0
