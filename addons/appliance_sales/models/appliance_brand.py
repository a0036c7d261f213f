from odoo import fields, models


class ApplianceBrand(models.Model):
    _name = "appliance.brand"
    _description = "Equipment Brand"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code used in model codes and imports, e.g. CHINT.")
    sequence = fields.Integer(default=10)
    country_id = fields.Many2one("res.country")
    active = fields.Boolean(default=True)
    product_count = fields.Integer(compute="_compute_product_count")

    _code_unique = models.Constraint(
        "UNIQUE(code)",
        "A brand code must be unique.",
    )

    def _compute_product_count(self):
        counts = dict(
            self.env["product.template"]._read_group(
                [("appliance_brand_id", "in", self.ids)],
                ["appliance_brand_id"],
                ["__count"],
            )
        )
        for brand in self:
            brand.product_count = counts.get(brand, 0)
