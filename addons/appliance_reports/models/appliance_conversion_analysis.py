from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.appliance_crm.models.res_partner import REGION_BANDS

from .appliance_sales_analysis import CUSTOMER_TYPES

# measure -> (numerator, denominator) of the rates computed over a group
RATES = {
    "conversion_rate": ("won_count", "quotation_count"),
    "value_conversion_rate": ("won_amount", "quoted_amount"),
    "opportunity_conversion_rate": ("opportunity_won_count", "opportunity_count"),
}


class ApplianceConversionAnalysis(models.Model):
    """Conversion: quotations -> confirmed orders, opportunities -> orders.

    One row per quotation (every sales order, dated by its creation: confirmed,
    cancelled or still open) and one row per opportunity (active or lost),
    which counts as converted when it has at least one confirmed order. Rates
    are computed from the sums of the group (:meth:`_read_group_select`).
    """

    _name = "appliance.conversion.analysis"
    _description = "Conversion Analysis"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "sale.order": [
            "create_date", "company_id", "user_id", "team_id", "state", "partner_id",
            "currency_rate", "amount_untaxed", "appliance_channel_id", "opportunity_id",
        ],
        "crm.lead": [
            "create_date", "company_id", "user_id", "team_id", "partner_id", "type",
        ],
        "res.partner": [
            "commercial_partner_id", "state_id", "appliance_customer_type",
        ],
        "appliance.customer.band": ["region_band"],
    }  # fmt: skip

    kind = fields.Selection(
        [("quotation", "Quotation"), ("opportunity", "Opportunity")], readonly=True
    )
    name = fields.Char(string="Reference", readonly=True)
    order_id = fields.Many2one("sale.order", string="Quotation", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    date = fields.Datetime(string="Created On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    channel_id = fields.Many2one(
        "appliance.sales.channel", string="Sales Channel", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    region_band = fields.Selection(
        REGION_BANDS, string="Local / Non-local", readonly=True
    )
    quotation_count = fields.Integer(string="Quotations", readonly=True)
    won_count = fields.Integer(string="Confirmed Orders", readonly=True)
    quoted_amount = fields.Float(digits="Product Price", readonly=True)
    won_amount = fields.Float(
        string="Confirmed Amount", digits="Product Price", readonly=True
    )
    conversion_rate = fields.Float(
        string="Conversion (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Confirmed orders / quotations, by count, in percent.",
    )
    value_conversion_rate = fields.Float(
        string="Value Conversion (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Confirmed amount / quoted amount (untaxed), in percent.",
    )
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    opportunity_won_count = fields.Integer(
        string="Opportunities with Order",
        readonly=True,
        help="Opportunities with at least one confirmed sales order.",
    )
    opportunity_conversion_rate = fields.Float(
        string="Opportunity Conversion (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Opportunities with a confirmed order / opportunities, in percent.",
    )

    @property
    def _table_query(self):
        return self._query()

    @api.model
    def _query(self):
        currency_table = self.env["res.currency"]._get_simple_currency_table(
            self.env.companies
        )
        amount = SQL(
            "s.amount_untaxed / COALESCE(NULLIF(s.currency_rate, 0), 1.0)"
            " * COALESCE(NULLIF(account_currency_table.rate, 0), 1.0)"
        )
        # ids: quotations even, opportunities odd, so that both kinds share one id space
        return SQL(
            """
            SELECT s.id * 2 AS id, 'quotation' AS kind, s.name AS name,
                   s.id AS order_id, NULL::int AS lead_id, s.create_date AS date,
                   s.company_id, s.user_id, s.team_id,
                   s.appliance_channel_id AS channel_id,
                   partner.commercial_partner_id AS partner_id,
                   cp.appliance_customer_type AS customer_type,
                   COALESCE(partner.state_id, cp.state_id) AS state_id,
                   cb.region_band AS region_band,
                   1 AS quotation_count,
                   (s.state = 'sale')::int AS won_count,
                   %(amount)s AS quoted_amount,
                   CASE WHEN s.state = 'sale' THEN %(amount)s ELSE 0 END AS won_amount,
                   CASE WHEN s.state = 'sale' THEN 100.0 ELSE 0 END AS conversion_rate,
                   CASE WHEN s.state = 'sale' THEN 100.0 ELSE 0 END
                       AS value_conversion_rate,
                   0 AS opportunity_count, 0 AS opportunity_won_count,
                   NULL::numeric AS opportunity_conversion_rate
              FROM sale_order s
              JOIN %(currency_table)s
                ON account_currency_table.company_id = s.company_id
              LEFT JOIN res_partner partner ON partner.id = s.partner_id
              LEFT JOIN res_partner cp ON cp.id = partner.commercial_partner_id
              LEFT JOIN appliance_customer_band cb ON cb.id = cp.id
            UNION ALL
            SELECT lead.id * 2 + 1, 'opportunity', lead.name,
                   NULL, lead.id, lead.create_date,
                   lead.company_id, lead.user_id, lead.team_id,
                   NULL,
                   COALESCE(partner.commercial_partner_id, lead.partner_id),
                   cp.appliance_customer_type,
                   COALESCE(partner.state_id, cp.state_id, lead.state_id),
                   cb.region_band,
                   0, 0, 0, 0, NULL, NULL,
                   1, won.won,
                   100.0 * won.won
              FROM crm_lead lead
              LEFT JOIN res_partner partner ON partner.id = lead.partner_id
              LEFT JOIN res_partner cp ON cp.id = partner.commercial_partner_id
              LEFT JOIN appliance_customer_band cb ON cb.id = cp.id
              CROSS JOIN LATERAL (
                  SELECT EXISTS (
                      SELECT 1 FROM sale_order so
                       WHERE so.opportunity_id = lead.id AND so.state = 'sale'
                  )::int AS won
              ) won
             WHERE lead.type = 'opportunity'
            """,
            amount=amount,
            currency_table=currency_table,
        )

    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(":")[0]
        if fname in RATES:
            numerator, denominator = RATES[fname]
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.readonly
    def action_open_document(self):
        self.ensure_one()
        record = self.order_id or self.lead_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [[False, "form"]],
        }
