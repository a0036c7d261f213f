from odoo import api, fields, models
from odoo.exceptions import UserError


class ApplianceStockReason(models.Model):
    """Why a stock quantity was corrected: every variance of a count session
    and every ad-hoc adjustment names one (damage, loss, theft, customer
    return...). Shipped as data, extended by inventory managers."""

    _name = "appliance.stock.reason"
    _description = "Stock Adjustment Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Short code for imports and reports, e.g. DAMAGE.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    direction = fields.Selection(
        [
            ("both", "Increase or Decrease"),
            ("decrease", "Decrease Only"),
            ("increase", "Increase Only"),
        ],
        required=True,
        default="both",
        help="Which corrections this reason may explain: damage or theft only "
        "remove stock, a customer return only adds it.",
    )
    note_required = fields.Boolean(
        help="Adjustments with this reason must carry a note (e.g. the police "
        "report of a theft).",
    )
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to use the reason in every company.",
    )

    _code_company_unique = models.UniqueIndex(
        "(code, COALESCE(company_id, 0))",
        "Another reason of this company already has this code.",
    )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _assert_explains(self, quantity, label):
        """Refuse a reason that cannot explain a change of ``quantity``.

        :param label: what the message names (product and location).
        """
        self.ensure_one()
        if (self.direction == "decrease" and quantity > 0) or (
            self.direction == "increase" and quantity < 0
        ):
            raise UserError(
                self.env._(
                    "%(line)s: the reason %(reason)s only explains stock that was "
                    "%(direction)s.",
                    line=label,
                    reason=self.name,
                    direction=self.env._("removed")
                    if self.direction == "decrease"
                    else self.env._("added"),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if (
            self.env["stock.move"]
            .sudo()
            .search_count(  # sudo: any company's moves
                [("appliance_reason_id", "in", self.ids)], limit=1
            )
        ):
            raise UserError(
                self.env._(
                    "A reason used by stock adjustments cannot be deleted: archive it."
                )
            )
