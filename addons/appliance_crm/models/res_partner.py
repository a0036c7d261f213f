from datetime import timedelta

from odoo import api, fields, models

from ..utils import name_key, phone_key, vat_key

FREQUENCY_BANDS = [("high", "High"), ("mid", "Mid"), ("low", "Low")]
SPEND_BANDS = [("large", "Large"), ("mid", "Mid"), ("small", "Small")]
REGION_BANDS = [("local", "Local"), ("non_local", "Non-local")]
RECENCY_BANDS = [("recent", "Recent"), ("lapsing", "Lapsing"), ("dormant", "Dormant")]
RFM_SEGMENTS = [
    ("champion", "Champions"),
    ("loyal", "Loyal"),
    ("new", "New"),
    ("promising", "Promising"),
    ("at_risk", "At risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = [
        "res.partner",
        "appliance.partner.classification",
        "appliance.partner.360",
    ]

    appliance_channel_id = fields.Many2one(
        "appliance.sales.channel",
        string="Usual Channel",
        index="btree_not_null",
        help="Channel new orders of this customer get by default.",
    )

    appliance_band_history_ids = fields.One2many(
        "appliance.customer.band.history",
        "partner_id",
        string="Band Changes",
        groups="sales_team.group_sale_salesman",
    )

    appliance_phone_key = fields.Char(
        compute="_compute_appliance_keys", store=True, index="btree_not_null"
    )
    appliance_vat_key = fields.Char(
        compute="_compute_appliance_keys", store=True, index="btree_not_null"
    )
    appliance_name_key = fields.Char(
        compute="_compute_appliance_keys", store=True, index="btree_not_null"
    )
    appliance_strategy_id = fields.Many2one(
        "appliance.customer.strategy",
        string="Strategy",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the classification job: the first strategy whose conditions the"
        " customer meets.",
    )
    appliance_visit_interval_days = fields.Integer(
        related="appliance_strategy_id.visit_interval_days", string="Visit Every (days)"
    )
    appliance_service_priority = fields.Selection(
        related="appliance_strategy_id.service_priority", string="Service Priority"
    )

    # ------------------------------------------------------------
    # HOOKS
    # ------------------------------------------------------------

    def _appliance_predict_next_purchase(self):
        """Predicted next purchase of these customers.

        :returns: ``{partner_id: {"date": date, "confidence": float 0..1}}`` for
            the (commercial) partners of ``self`` with a prediction.

        This fallback extrapolates the average interval between the first and
        last purchase (known after a classification pass) for customers with at
        least three orders, with a low confidence; ``appliance_reports``
        overrides it with its purchase-cycle analysis.
        """
        result = {}
        for partner in self.commercial_partner_id:
            count = partner.appliance_lifetime_order_count
            first, last = (
                partner.appliance_first_order_date,
                partner.appliance_last_order_date,
            )
            if count < 3 or not first or not last or last <= first:
                continue
            interval = (last - first).days / (count - 1)
            result[partner.id] = {
                "date": last + timedelta(days=round(interval)),
                "confidence": min(0.5, 0.1 * (count - 1)),
            }
        return result

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "appliance_channel_id"]

    @api.depends("phone", "vat", "name", "is_company")
    def _compute_appliance_keys(self):
        for partner in self:
            partner.appliance_phone_key = phone_key(partner.phone)
            partner.appliance_vat_key = vat_key(partner.vat)
            partner.appliance_name_key = name_key(partner.name)
