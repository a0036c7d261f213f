from odoo import api, fields, models

from ..utils import normalize_model_code


class ApplianceModelAlias(models.Model):
    """A customer's own code for one of our models (客户物料编码).

    Typed on that customer's orders or imports, it finds our product like our
    own model code does.
    """

    _name = "appliance.model.alias"
    _description = "Customer Model Code"
    _order = "partner_id, code"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
        check_company=True,
    )
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    code = fields.Char(string="Customer's Model Code", required=True)
    key = fields.Char(compute="_compute_key", store=True, index=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )

    _partner_key_unique = models.UniqueIndex(
        "(partner_id, key)",
        "This customer already uses this code for another product.",
    )

    @api.depends("code")
    def _compute_key(self):
        for alias in self:
            alias.key = normalize_model_code(alias.code)

    @api.depends("code", "partner_id")
    def _compute_display_name(self):
        for alias in self:
            alias.display_name = f"{alias.code} ({alias.partner_id.display_name})"
