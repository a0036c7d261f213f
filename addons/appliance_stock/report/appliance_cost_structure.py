from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

# The row id combines product and company so that it stays stable.
ID_FACTOR = 1000

# per-unit and share columns: weighted in every grouping, as
# purchase.report does for its average price.
_UNIT_COMPONENTS = {
    "purchase_unit_cost": ("purchase_amount", "qty_in"),
    "storage_unit_cost": ("storage_amount", "qty_in"),
    "freight_in_unit_cost": ("freight_in_amount", "qty_in"),
    "other_unit_cost": ("other_amount", "qty_in"),
    "freight_out_unit_cost": ("freight_out_amount", "qty_out"),
}


class ApplianceCostStructureReport(models.Model):
    """Unit cost stack per product: purchase (Odoo's FIFO/AVCO valuation of the
    receipts), warehousing (warehousing runs), inbound and outbound freight and
    other landed costs, set against the sale price.

    A SQL view in the way of ``sale.report``: one row per product and company,
    amounts summed from done receipts and deliveries, validated landed costs
    and confirmed sale order lines. Per-unit figures, shares and margins are
    weighted by quantity in every grouping (``_read_group_select``).
    """

    _name = "appliance.cost.structure.report"
    _description = "Unit Cost Structure"
    _auto = False
    _order = "company_id, categ_id, product_id"
    _rec_name = "product_id"
    _depends = {
        "stock.move": [
            "product_id",
            "company_id",
            "state",
            "is_in",
            "is_out",
            "quantity",
            "product_uom",
            "value",
        ],
        "stock.landed.cost": ["state", "appliance_cost_kind"],
        "stock.valuation.adjustment.lines": [
            "cost_id",
            "move_id",
            "additional_landed_cost",
            "appliance_charged_amount",
            "appliance_cogs_amount",
        ],
        "sale.order": ["state", "company_id", "currency_rate"],
        "sale.order.line": [
            "product_id",
            "product_uom_qty",
            "product_uom_id",
            "price_subtotal",
            "display_type",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id", "uom_id"],
    }

    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product Template", readonly=True
    )
    categ_id = fields.Many2one("product.category", string="Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    qty_in = fields.Float(
        string="Received", digits="Product Unit", readonly=True, aggregator="sum"
    )
    qty_out = fields.Float(
        string="Delivered", digits="Product Unit", readonly=True, aggregator="sum"
    )
    qty_sold = fields.Float(
        string="Sold", digits="Product Unit", readonly=True, aggregator="sum"
    )
    purchase_amount = fields.Monetary(string="Purchase Cost", readonly=True)
    storage_amount = fields.Monetary(string="Warehousing Cost", readonly=True)
    freight_in_amount = fields.Monetary(string="Inbound Freight", readonly=True)
    freight_out_amount = fields.Monetary(string="Outbound Freight", readonly=True)
    other_amount = fields.Monetary(string="Other Landed Costs", readonly=True)
    cogs_direct_amount = fields.Monetary(
        string="Charged to Goods Already Sold",
        readonly=True,
        help="Freight and warehousing booked after the goods had left: posted "
        "straight to the cost of goods sold (perpetual valuation) instead of "
        "the stock.",
    )
    revenue = fields.Monetary(string="Sales", readonly=True)
    purchase_unit_cost = fields.Monetary(
        string="Purchase / Unit", readonly=True, aggregator="avg"
    )
    storage_unit_cost = fields.Monetary(
        string="Warehousing / Unit", readonly=True, aggregator="avg"
    )
    freight_in_unit_cost = fields.Monetary(
        string="Inbound Freight / Unit", readonly=True, aggregator="avg"
    )
    freight_out_unit_cost = fields.Monetary(
        string="Outbound Freight / Unit", readonly=True, aggregator="avg"
    )
    other_unit_cost = fields.Monetary(
        string="Other / Unit", readonly=True, aggregator="avg"
    )
    unit_cost = fields.Monetary(
        string="Full Unit Cost", readonly=True, aggregator="avg"
    )
    sale_price = fields.Monetary(
        string="Sale Price / Unit", readonly=True, aggregator="avg"
    )
    margin = fields.Monetary(string="Margin / Unit", readonly=True, aggregator="avg")
    margin_percent = fields.Float(
        string="Margin (%)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    purchase_share = fields.Float(
        string="Purchase (%)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    storage_share = fields.Float(
        string="Warehousing (%)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    freight_share = fields.Float(
        string="Freight (%)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    other_share = fields.Float(
        string="Other (%)", digits=(16, 2), readonly=True, aggregator="avg"
    )

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    # ------------------------------------------------------------
    # SQL
    # ------------------------------------------------------------

    def _query(self):
        return SQL(
            """
            WITH landed AS (
                SELECT adj.move_id,
                       lc.appliance_cost_kind AS kind,
                       adj.additional_landed_cost AS added,
                       COALESCE(adj.appliance_charged_amount,
                                adj.additional_landed_cost) AS charged,
                       COALESCE(adj.appliance_cogs_amount, 0) AS cogs
                  FROM stock_valuation_adjustment_lines adj
                  JOIN stock_landed_cost lc ON lc.id = adj.cost_id
                 WHERE lc.state = 'done'
                   AND adj.move_id IS NOT NULL
            ), piece AS (
                -- receipts and deliveries: quantities and valuation
                SELECT m.company_id, m.product_id,
                       CASE WHEN m.is_in THEN m.quantity * mu.factor / pu.factor
                            ELSE 0 END AS qty_in,
                       CASE WHEN m.is_out THEN m.quantity * mu.factor / pu.factor
                            ELSE 0 END AS qty_out,
                       0 AS qty_sold,
                       CASE WHEN m.is_in THEN m.value ELSE 0 END AS purchase,
                       0 AS storage, 0 AS freight_in, 0 AS freight_out, 0 AS other,
                       0 AS cogs, 0 AS revenue
                  FROM stock_move m
                  JOIN product_product p ON p.id = m.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                  JOIN uom_uom mu ON mu.id = m.product_uom
                  JOIN uom_uom pu ON pu.id = t.uom_id
                 WHERE m.state = 'done' AND (m.is_in OR m.is_out)
                UNION ALL
                -- landed costs: a receipt's value includes what they added
                SELECT m.company_id, m.product_id, 0, 0, 0,
                       CASE WHEN m.is_in THEN -landed.added ELSE 0 END,
                       CASE WHEN landed.kind = 'storage' THEN landed.charged
                            ELSE 0 END,
                       CASE WHEN landed.kind = 'freight' AND m.is_in
                            THEN landed.charged ELSE 0 END,
                       CASE WHEN landed.kind = 'freight' AND NOT m.is_in
                            THEN landed.charged ELSE 0 END,
                       CASE WHEN landed.kind = 'other' THEN landed.charged
                            ELSE 0 END,
                       landed.cogs,
                       0
                  FROM landed
                  JOIN stock_move m ON m.id = landed.move_id
                UNION ALL
                -- confirmed sales, in the company currency
                SELECT s.company_id, l.product_id, 0, 0,
                       l.product_uom_qty * lu.factor / pu.factor,
                       0, 0, 0, 0, 0, 0,
                       l.price_subtotal / COALESCE(NULLIF(s.currency_rate, 0), 1)
                  FROM sale_order_line l
                  JOIN sale_order s ON s.id = l.order_id
                  JOIN product_product p ON p.id = l.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                  JOIN uom_uom lu ON lu.id = l.product_uom_id
                  JOIN uom_uom pu ON pu.id = t.uom_id
                 WHERE s.state = 'sale' AND l.display_type IS NULL
                   AND t.is_storable
            ), total AS (
                SELECT company_id, product_id,
                       SUM(qty_in) AS qty_in, SUM(qty_out) AS qty_out,
                       SUM(qty_sold) AS qty_sold,
                       SUM(purchase) AS purchase_amount,
                       SUM(storage) AS storage_amount,
                       SUM(freight_in) AS freight_in_amount,
                       SUM(freight_out) AS freight_out_amount,
                       SUM(other) AS other_amount,
                       SUM(cogs) AS cogs_direct_amount,
                       SUM(revenue) AS revenue
                  FROM piece
                 GROUP BY company_id, product_id
            ), unit AS (
                SELECT total.*,
                       purchase_amount / NULLIF(qty_in, 0) AS purchase_unit_cost,
                       storage_amount / NULLIF(qty_in, 0) AS storage_unit_cost,
                       freight_in_amount / NULLIF(qty_in, 0) AS freight_in_unit_cost,
                       other_amount / NULLIF(qty_in, 0) AS other_unit_cost,
                       freight_out_amount / NULLIF(qty_out, 0)
                           AS freight_out_unit_cost,
                       revenue / NULLIF(qty_sold, 0) AS sale_price
                  FROM total
                 WHERE qty_in <> 0 OR qty_out <> 0
            ), stack AS (
                SELECT unit.*,
                       COALESCE(purchase_unit_cost, 0) + COALESCE(storage_unit_cost, 0)
                       + COALESCE(freight_in_unit_cost, 0)
                       + COALESCE(other_unit_cost, 0)
                       + COALESCE(freight_out_unit_cost, 0) AS unit_cost
                  FROM unit
            )
            SELECT stack.product_id * %(factor)s + stack.company_id AS id,
                   stack.product_id, p.product_tmpl_id, t.categ_id,
                   stack.company_id,
                   stack.qty_in, stack.qty_out, stack.qty_sold,
                   stack.purchase_amount, stack.storage_amount,
                   stack.freight_in_amount, stack.freight_out_amount,
                   stack.other_amount, stack.cogs_direct_amount, stack.revenue,
                   stack.purchase_unit_cost, stack.storage_unit_cost,
                   stack.freight_in_unit_cost, stack.freight_out_unit_cost,
                   stack.other_unit_cost, stack.unit_cost, stack.sale_price,
                   stack.sale_price - stack.unit_cost AS margin,
                   100 * (stack.sale_price - stack.unit_cost)
                       / NULLIF(stack.sale_price, 0) AS margin_percent,
                   100 * COALESCE(stack.purchase_unit_cost, 0)
                       / NULLIF(stack.unit_cost, 0) AS purchase_share,
                   100 * COALESCE(stack.storage_unit_cost, 0)
                       / NULLIF(stack.unit_cost, 0) AS storage_share,
                   100 * (COALESCE(stack.freight_in_unit_cost, 0)
                          + COALESCE(stack.freight_out_unit_cost, 0))
                       / NULLIF(stack.unit_cost, 0) AS freight_share,
                   100 * COALESCE(stack.other_unit_cost, 0)
                       / NULLIF(stack.unit_cost, 0) AS other_share
              FROM stack
              JOIN product_product p ON p.id = stack.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
            """,
            factor=ID_FACTOR,
        )

    # ------------------------------------------------------------
    # GROUPING: weighted per-unit figures
    # ------------------------------------------------------------

    def _read_group_select(self, aggregate_spec, query):
        field_name, __, func = aggregate_spec.partition(":")
        if func != "avg" or field_name not in self._weighted_formulas():
            return super()._read_group_select(aggregate_spec, query)
        return self._weighted_formulas()[field_name](
            lambda name: SQL("SUM(%s)", self._field_to_sql(self._table, name, query))
        )

    def _weighted_formulas(self):
        """{field: function(sum_of) -> SQL} for the per-unit columns of a group."""

        def ratio(num, den):
            return SQL("(%s / NULLIF(%s, 0))", num, den)

        def unit(sum_of, name):
            amount, qty = _UNIT_COMPONENTS[name]
            return SQL("COALESCE(%s, 0)", ratio(sum_of(amount), sum_of(qty)))

        def full(sum_of):
            return SQL(
                "(%s)", SQL(" + ").join(unit(sum_of, name) for name in _UNIT_COMPONENTS)
            )

        def sale_price(sum_of):
            return ratio(sum_of("revenue"), sum_of("qty_sold"))

        def share(names):
            return lambda sum_of: SQL(
                "100 * (%s) / NULLIF(%s, 0)",
                SQL(" + ").join(unit(sum_of, name) for name in names),
                full(sum_of),
            )

        formulas = {
            name: (
                lambda sum_of, name=name: ratio(
                    sum_of(_UNIT_COMPONENTS[name][0]), sum_of(_UNIT_COMPONENTS[name][1])
                )
            )
            for name in _UNIT_COMPONENTS
        }
        formulas.update(
            unit_cost=full,
            sale_price=sale_price,
            margin=lambda sum_of: SQL("(%s - %s)", sale_price(sum_of), full(sum_of)),
            margin_percent=lambda sum_of: SQL(
                "100 * (%s - %s) / NULLIF(%s, 0)",
                sale_price(sum_of),
                full(sum_of),
                sale_price(sum_of),
            ),
            purchase_share=share(["purchase_unit_cost"]),
            storage_share=share(["storage_unit_cost"]),
            freight_share=share(["freight_in_unit_cost", "freight_out_unit_cost"]),
            other_share=share(["other_unit_cost"]),
        )
        return formulas
