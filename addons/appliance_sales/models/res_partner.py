from odoo import api, fields, models

from ..utils import phone_kind


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

    @api.model
    def _appliance_phone_problem(self, phone):
        """The translated reason why ``phone`` is not accepted, or False."""
        if not phone or phone_kind(phone):
            return False
        return self.env._(
            "%s is not a valid phone number: use a mainland mobile (11 digits starting"
            " with 1), a landline with its area code (e.g. 025-86668888) or an"
            " international number (+country code…).",
            phone,
        )

    @api.onchange("phone")
    def _onchange_phone_appliance_format(self):
        if problem := self._appliance_phone_problem(self.phone):
            return {
                "warning": {
                    "title": self.env._("Check the phone number"),
                    "message": problem
                    + "\n"
                    + self.env._(
                        "Orders for this customer cannot be confirmed until it is corrected."
                    ),
                }
            }
        return None
