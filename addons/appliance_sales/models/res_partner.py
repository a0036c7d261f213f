from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    appliance_customer_type = fields.Selection(
        [
            ("contractor", "Electrical contractor"),
            ("developer", "Real-estate developer"),
            ("factory", "Factory / industrial user"),
            ("utility", "Power utility"),
            ("institution", "Public institution"),
            ("distributor", "Distributor"),
            ("other", "Other"),
        ],
        string="Customer Type",
        index=True,
        tracking=True,
    )
    appliance_name_en = fields.Char(
        string="English Name",
        help="Name printed on English documents for customers registered under a Chinese name.",
    )
    appliance_customer_code = fields.Char(
        string="Customer Code",
        index=True,
        copy=False,
        help="Short code the sales team and Excel imports use for this customer.",
    )

    _appliance_customer_code_unique = models.UniqueIndex(
        "(appliance_customer_code, COALESCE(company_id, 0))"
        " WHERE appliance_customer_code IS NOT NULL",
        "Another customer of this company already has this customer code.",
    )
