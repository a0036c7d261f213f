from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.appliance_crm.models.res_partner import (
    FREQUENCY_BANDS,
    REGION_BANDS,
    RFM_SEGMENTS,
    SPEND_BANDS,
)

CUSTOMER_TYPES = [
    ("contractor", "Electrical contractor"),
    ("developer", "Real-estate developer"),
    ("factory", "Factory / industrial user"),
    ("utility", "Power utility"),
    ("institution", "Public institution"),
    ("distributor", "Distributor"),
    ("other", "Other"),
]


class ApplianceSalesAnalysis(models.Model):
    """Sales statistics: one row per product line of a confirmed sales order.

    Built like Odoo's ``sale.report`` (a ``_table_query`` assembled from hook
    methods) but without a ``GROUP BY`` inside the view: PostgreSQL inlines the
    query, drops the joins a pivot does not use and aggregates the order lines
    directly, so that a pivot costs about what the raw SQL ``GROUP BY`` costs.

    Amounts are in the current company's currency (orders converted at their
    own rate, then companies at today's rate, as ``sale.report`` does). The
    cost of a line is the sum of :meth:`_cost_components` (today the product
    cost ``sale_margin`` keeps on the line); profit = revenue - cost.
    Ratios (margin %, average order value) are computed from the sums of the
    group (see :meth:`_read_group_select`), never averaged over lines.
    """

    _name = "appliance.sales.analysis"
    _description = "Sales Statistics"
    _auto = False
    _rec_name = "name"
    _order = "date desc, id desc"
    # flushed before the view is read
    _depends = {
        "sale.order": [
            "name", "date_order", "company_id", "user_id", "team_id", "state",
            "partner_id", "currency_rate", "appliance_channel_id",
        ],
        "sale.order.line": [
            "order_id", "product_id", "product_uom_id", "product_uom_qty",
            "price_subtotal", "purchase_price", "display_type", "is_downpayment",
        ],
        "res.partner": [
            "commercial_partner_id", "country_id", "state_id", "city",
            "appliance_customer_type",
        ],
        "appliance.customer.band": [
            "region_band", "frequency_band", "spend_band", "rfm_segment",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": [
            "categ_id", "appliance_brand_id", "appliance_model_code",
            "appliance_series", "appliance_kind", "uom_id",
        ],
    }  # fmt: skip

    # -- order --
    name = fields.Char(string="Order Reference", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    date = fields.Datetime(string="Order Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    channel_id = fields.Many2one(
        "appliance.sales.channel", string="Sales Channel", readonly=True
    )
    # -- customer --
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer Company", readonly=True
    )
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    city = fields.Char(readonly=True)
    region_band = fields.Selection(
        REGION_BANDS, string="Local / Non-local", readonly=True
    )
    frequency_band = fields.Selection(FREQUENCY_BANDS, readonly=True)
    spend_band = fields.Selection(SPEND_BANDS, readonly=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="Segment", readonly=True)
    # -- product --
    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product Template", readonly=True
    )
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    brand_id = fields.Many2one("appliance.brand", readonly=True)
    model_code = fields.Char(readonly=True)
    series = fields.Char(readonly=True)
    product_kind = fields.Selection(
        [("set", "Complete set"), ("component", "Component")],
        string="Kind",
        readonly=True,
    )
    # -- measures --
    product_uom_qty = fields.Float(
        string="Quantity", digits="Product Unit", readonly=True, aggregator="sum"
    )
    revenue = fields.Float(
        digits="Product Price",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount of the lines.",
    )
    cost = fields.Float(
        digits="Product Price",
        readonly=True,
        aggregator="sum",
        help="Cost of the goods sold: the product cost recorded on the line "
        "(valuation cost, landed costs included once they are posted).",
    )
    profit = fields.Float(
        digits="Product Price",
        readonly=True,
        aggregator="sum",
        help="Revenue minus cost.",
    )
    margin_percent = fields.Float(
        string="Margin (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
        help="Profit / revenue of the group, in percent.",
    )
    order_count = fields.Integer(
        string="Orders",
        readonly=True,
        aggregator="sum",
        help="Number of distinct orders in the group.",
    )
    average_order_value = fields.Float(
        digits="Product Price",
        readonly=True,
        aggregator="avg",
        help="Revenue / number of distinct orders of the group.",
    )

    # ------------------------------------------------------------
    # QUERY (hooks in the style of sale.report)
    # ------------------------------------------------------------

    @property
    def _table_query(self):
        return self._query()

    @api.model
    def _query(self):
        select = self._select_analysis() | self._select_additional_fields()
        return SQL(
            "%s SELECT %s FROM %s WHERE %s",
            self._with_analysis(),
            SQL(", ").join(
                SQL("%s AS %s", expr, SQL.identifier(fname))
                for fname, expr in select.items()
            ),
            self._from_analysis(),
            self._where_analysis(),
        )

    @api.model
    def _with_analysis(self):
        """Hook: a ``WITH ...`` clause (SQL) placed before the SELECT."""
        return SQL()

    @api.model
    def _to_company_currency(self, amount):
        """SQL converting ``amount`` of an order line to the report currency.

        An order in the company's currency has the company's rate: the amount is
        then used as it is, without the two numeric divisions a line would cost
        otherwise (they are most of a pivot's time on 200,000 lines).
        """
        return SQL(
            "CASE WHEN s.currency_rate = account_currency_table.rate THEN %s"
            " ELSE %s / COALESCE(NULLIF(s.currency_rate, 0), 1.0)"
            " * COALESCE(NULLIF(account_currency_table.rate, 0), 1.0) END",
            amount,
            amount,
        )

    @api.model
    def _cost_components(self):
        """Hook: the parts of a line's cost, ``{name: SQL}``, each an amount in
        the order's currency for the whole line (not per unit).

        The view sums them into ``cost``. Another component (freight, installation
        labour...) is added by an override returning one more entry.
        """
        return {"product": SQL("COALESCE(l.purchase_price, 0) * l.product_uom_qty")}

    @api.model
    def _select_analysis(self):
        """Columns of the view: ``{field name: SQL expression}``."""
        revenue = self._to_company_currency(SQL("l.price_subtotal"))
        cost = self._to_company_currency(
            SQL("(%s)", SQL(" + ").join(self._cost_components().values()))
        )
        return {
            "id": SQL("l.id"),
            "name": SQL("s.name"),
            "order_id": SQL("l.order_id"),
            "date": SQL("s.date_order"),
            "company_id": SQL("s.company_id"),
            "currency_id": SQL("%s::int", self.env.company.currency_id.id),
            "user_id": SQL("s.user_id"),
            "team_id": SQL("s.team_id"),
            "channel_id": SQL("s.appliance_channel_id"),
            "partner_id": SQL("s.partner_id"),
            "commercial_partner_id": SQL("partner.commercial_partner_id"),
            "customer_type": SQL("cp.appliance_customer_type"),
            "country_id": SQL("COALESCE(partner.country_id, cp.country_id)"),
            "state_id": SQL("COALESCE(partner.state_id, cp.state_id)"),
            "city": SQL("COALESCE(partner.city, cp.city)"),
            "region_band": SQL("cb.region_band"),
            "frequency_band": SQL("cb.frequency_band"),
            "spend_band": SQL("cb.spend_band"),
            "rfm_segment": SQL("cb.rfm_segment"),
            "product_id": SQL("l.product_id"),
            "product_tmpl_id": SQL("p.product_tmpl_id"),
            "categ_id": SQL("t.categ_id"),
            "brand_id": SQL("t.appliance_brand_id"),
            "model_code": SQL("t.appliance_model_code"),
            "series": SQL("t.appliance_series"),
            "product_kind": SQL("t.appliance_kind"),
            "product_uom_qty": SQL(
                "l.product_uom_qty * COALESCE(u.factor / NULLIF(u2.factor, 0), 1.0)"
            ),
            "revenue": revenue,
            "cost": cost,
            "profit": SQL("%s - %s", revenue, cost),
            "margin_percent": SQL(
                "CASE WHEN l.price_subtotal <> 0 THEN 100.0 * (%s - %s) / %s END",
                revenue,
                cost,
                revenue,
            ),
            "order_count": SQL("1"),
            "average_order_value": revenue,
        }

    @api.model
    def _select_additional_fields(self):
        """Hook: more columns, ``{field name: SQL expression}`` (as in sale.report)."""
        return {}

    @api.model
    def _from_analysis(self):
        currency_table = self.env["res.currency"]._get_simple_currency_table(
            self.env.companies
        )
        # LEFT JOINs on primary keys: PostgreSQL removes those a query does not use
        return SQL(
            """
            sale_order_line l
            JOIN sale_order s ON s.id = l.order_id
            JOIN %(currency_table)s ON account_currency_table.company_id = s.company_id
            LEFT JOIN res_partner partner ON partner.id = s.partner_id
            LEFT JOIN res_partner cp ON cp.id = partner.commercial_partner_id
            LEFT JOIN appliance_customer_band cb ON cb.id = cp.id
            LEFT JOIN product_product p ON p.id = l.product_id
            LEFT JOIN product_template t ON t.id = p.product_tmpl_id
            LEFT JOIN uom_uom u ON u.id = l.product_uom_id
            LEFT JOIN uom_uom u2 ON u2.id = t.uom_id
            """,
            currency_table=currency_table,
        )

    @api.model
    def _where_analysis(self):
        return SQL(
            "s.state = 'sale' AND l.display_type IS NULL"
            " AND l.product_id IS NOT NULL AND l.is_downpayment IS NOT TRUE"
        )

    # ------------------------------------------------------------
    # READ GROUP: ratios of the group's sums
    # ------------------------------------------------------------

    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(":")[0]
        if fname in ("margin_percent", "order_count", "average_order_value"):
            table = self._table

            def sql(field):
                return self._field_to_sql(table, field, query)

            if fname == "margin_percent":
                return SQL(
                    "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                    sql("profit"),
                    sql("revenue"),
                )
            if fname == "order_count":
                return SQL("COUNT(DISTINCT %s)", sql("order_id"))
            return SQL(
                "SUM(%s) / NULLIF(COUNT(DISTINCT %s), 0)",
                sql("revenue"),
                sql("order_id"),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    @api.readonly
    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [[False, "form"]],
        }
