from odoo import api, fields, models

from .res_partner import (
    FREQUENCY_BANDS,
    RECENCY_BANDS,
    REGION_BANDS,
    RFM_SEGMENTS,
    SPEND_BANDS,
)

# dimension -> field of appliance.customer.band (and old_<field>/new_<field> here)
DIMENSION_FIELDS = {
    "rfm": "rfm_segment",
    "frequency": "frequency_band",
    "spend": "spend_band",
    "recency": "recency_band",
    "region": "region_band",
}


class ApplianceCustomerBandHistory(models.Model):
    """The band changes of one customer in one classification run: each band's
    value before and after, and which bands changed. Written by the
    classification's SQL, one row per customer and run (not one per band: a
    first classification logs 20,000 rows, not 100,000)."""

    _name = "appliance.customer.band.history"
    _description = "Customer Band Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # written only by the classification's SQL; ``date`` says when
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    old_rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment Before")
    new_rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment")
    rfm_changed = fields.Boolean(string="RFM Segment Changed")
    old_frequency_band = fields.Selection(FREQUENCY_BANDS, string="Frequency Before")
    new_frequency_band = fields.Selection(FREQUENCY_BANDS, string="Frequency")
    frequency_changed = fields.Boolean()
    old_spend_band = fields.Selection(SPEND_BANDS, string="Spend Before")
    new_spend_band = fields.Selection(SPEND_BANDS, string="Spend")
    spend_changed = fields.Boolean()
    old_recency_band = fields.Selection(RECENCY_BANDS, string="Recency Before")
    new_recency_band = fields.Selection(RECENCY_BANDS, string="Recency")
    recency_changed = fields.Boolean()
    old_region_band = fields.Selection(REGION_BANDS, string="Region Before")
    new_region_band = fields.Selection(REGION_BANDS, string="Region")
    region_changed = fields.Boolean()
    summary = fields.Char(string="Changes", compute="_compute_summary")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    @api.depends(
        *(
            f"{prefix}_{field}"
            for field in DIMENSION_FIELDS.values()
            for prefix in ("old", "new")
        ),
        *(f"{dimension}_changed" for dimension in DIMENSION_FIELDS),
    )
    @api.depends_context("lang")
    def _compute_summary(self):
        # selection labels in the user's language, no query per record
        labels = {
            field: dict(self._fields[f"new_{field}"]._description_selection(self.env))
            for field in DIMENSION_FIELDS.values()
        }
        names = {
            field: self._fields[f"new_{field}"]._description_string(self.env)
            for field in DIMENSION_FIELDS.values()
        }
        empty = self.env._("none")
        for change in self:
            parts = []
            for dimension, field in DIMENSION_FIELDS.items():
                if not change[f"{dimension}_changed"]:
                    continue
                old, new = change[f"old_{field}"], change[f"new_{field}"]
                parts.append(
                    self.env._(
                        "%(band)s: %(old)s → %(new)s",
                        band=names[field],
                        old=labels[field].get(old, empty) if old else empty,
                        new=labels[field].get(new, empty) if new else empty,
                    )
                )
            change.summary = "; ".join(parts)
