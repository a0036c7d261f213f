from odoo import fields, models

from .res_partner import (
    FREQUENCY_BANDS,
    RECENCY_BANDS,
    REGION_BANDS,
    RFM_SEGMENTS,
    SPEND_BANDS,
)


class ApplianceCustomerBand(models.Model):
    """Bands and purchase figures of one classified customer (commercial partner),
    written by the classification pass (see res_partner_classification.py).

    A narrow table beside ``res_partner`` rather than columns of it: a full
    classification writes 20,000 short rows with one index instead of rewriting
    20,000 wide partner rows and every index of ``res_partner``. The row of a
    customer has the customer's id (``id = partner_id``), so ``res.partner``
    reaches it by its primary key (``appliance_band_id``), and the partner's
    band fields are related fields that filter, sort and group in SQL.
    """

    _name = "appliance.customer.band"
    _description = "Customer Classification"
    _rec_name = "partner_id"
    _order = "total_spend desc, id"
    # written only by the classification's SQL (when: the band history's date)
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    frequency_band = fields.Selection(FREQUENCY_BANDS, readonly=True)
    spend_band = fields.Selection(SPEND_BANDS, readonly=True)
    region_band = fields.Selection(REGION_BANDS, readonly=True)
    recency_band = fields.Selection(RECENCY_BANDS, readonly=True)
    rfm_segment = fields.Selection(
        RFM_SEGMENTS,
        string="RFM Segment",
        readonly=True,
        help="Recency, frequency and monetary value combined: champions buy often,"
        " recently and much; customers at risk used to buy often but not lately.",
    )
    order_count = fields.Integer(
        string="Orders (window)",
        readonly=True,
        help="Confirmed orders in the classification window.",
    )
    total_spend = fields.Float(
        string="Spend (window)",
        readonly=True,
        digits="Product Price",
        aggregator="sum",
        help="Untaxed amount of the confirmed orders in the classification window,"
        " in company currency.",
    )
    first_order_date = fields.Date(string="First Purchase", readonly=True)
    last_order_date = fields.Date(string="Last Purchase", readonly=True)
    lifetime_order_count = fields.Integer(string="Orders (all time)", readonly=True)
    # the partner reaches its row by primary key (see _field_to_sql of the
    # classification mixin). A partner merge cannot move a row to the kept partner
    # (base merge deletes the rows it cannot move); the kept one is reclassified.
    _partner_is_id = models.Constraint(
        "CHECK (partner_id = id)",
        "A customer classification belongs to the customer with the same id.",
    )
