from odoo import api, fields, models

DIMENSIONS = [
    ("frequency", "Frequency"),
    ("spend", "Spend"),
    ("region", "Region"),
    ("recency", "Recency"),
    ("rfm", "RFM Segment"),
]


class ApplianceCustomerBandHistory(models.Model):
    """One change of one band of a customer, written by the classification pass."""

    _name = "appliance.customer.band.history"
    _description = "Customer Band Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    dimension = fields.Selection(DIMENSIONS, required=True)
    old_value = fields.Char(string="Old Band (key)")
    new_value = fields.Char(string="New Band (key)")
    old_label = fields.Char(string="From", compute="_compute_labels")
    new_label = fields.Char(string="To", compute="_compute_labels")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    @api.depends("dimension", "old_value", "new_value")
    @api.depends_context("lang")
    def _compute_labels(self):
        # selection labels translated in the user's language, no query per record
        labels = {
            dimension: dict(
                self.env["res.partner"]._fields[field]._description_selection(self.env)
            )
            for dimension, field in (
                ("frequency", "appliance_frequency_band"),
                ("spend", "appliance_spend_band"),
                ("region", "appliance_region_band"),
                ("recency", "appliance_recency_band"),
                ("rfm", "appliance_rfm_segment"),
            )
        }
        for change in self:
            names = labels.get(change.dimension, {})
            change.old_label = names.get(change.old_value, change.old_value or "")
            change.new_label = names.get(change.new_value, change.new_value or "")
