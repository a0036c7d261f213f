from odoo import api, fields, models
from odoo.tools import SQL, drop_view_if_exists

STATUS = [
    ("out", "Out of Stock"),
    ("critical", "Critical"),
    ("low", "Low"),
    ("ok", "OK"),
]

# Moves that are planned but not yet done: they make the incoming / outgoing columns.
OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")

# The row id combines product and warehouse so that it stays stable between reads
# (a drill-down button acts on the row it was clicked on).
ID_FACTOR = 100000


class ApplianceStockMonitor(models.Model):
    """Stock of every storable set and component in every warehouse.

    A SQL view (one row per product × warehouse): quantities come straight from
    ``stock_quant`` and the open ``stock_move`` rows, the safety stock from the
    warehouse's reorder rules, so that thousands of rows open at once.
    """

    _name = "appliance.stock.monitor"
    _description = "Stock Monitor"
    _auto = False
    _order = "status_rank, product_id, warehouse_id"
    _rec_name = "product_id"
    # flush what the view reads before querying it
    _depends = {
        "stock.quant": ["product_id", "location_id", "quantity", "reserved_quantity"],
        "stock.move": [
            "product_id",
            "location_id",
            "location_dest_id",
            "state",
            "date",
            "product_qty",
        ],
        "stock.location": ["usage", "warehouse_id"],
        "stock.warehouse.orderpoint": [
            "product_id",
            "warehouse_id",
            "active",
            "safety_stock_qty",
            "safety_lead_days",
        ],
        "stock.warehouse": ["active", "company_id"],
        "product.product": ["active", "product_tmpl_id"],
        "product.template": [
            "active",
            "is_storable",
            "appliance_kind",
            "appliance_brand_id",
            "categ_id",
            "uom_id",
            "company_id",
        ],
    }

    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product Template", readonly=True
    )
    categ_id = fields.Many2one("product.category", string="Category", readonly=True)
    appliance_brand_id = fields.Many2one(
        "appliance.brand", string="Brand", readonly=True
    )
    appliance_kind = fields.Selection(
        [("set", "Complete set"), ("component", "Component")],
        string="Kind",
        readonly=True,
    )
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    qty_on_hand = fields.Float(
        string="On Hand", digits="Product Unit", readonly=True, aggregator="sum"
    )
    qty_reserved = fields.Float(
        string="Reserved", digits="Product Unit", readonly=True, aggregator="sum"
    )
    qty_available = fields.Float(
        string="Available",
        digits="Product Unit",
        readonly=True,
        aggregator="sum",
        help="On hand minus reserved for transfers.",
    )
    qty_incoming = fields.Float(
        string="Incoming", digits="Product Unit", readonly=True, aggregator="sum"
    )
    qty_incoming_in_lead = fields.Float(
        string="Incoming within Lead Time",
        digits="Product Unit",
        readonly=True,
        aggregator="sum",
    )
    incoming_date = fields.Datetime(
        string="ETA",
        readonly=True,
        aggregator="min",
        help="Earliest scheduled date of the incoming moves.",
    )
    qty_outgoing = fields.Float(
        string="Outgoing", digits="Product Unit", readonly=True, aggregator="sum"
    )
    qty_forecast = fields.Float(
        string="Forecast",
        digits="Product Unit",
        readonly=True,
        aggregator="sum",
        help="On hand + incoming - outgoing.",
    )
    safety_stock_qty = fields.Float(
        string="Safety Stock", digits="Product Unit", readonly=True, aggregator="sum"
    )
    safety_lead_days = fields.Integer(string="Lead Time (days)", readonly=True)
    status = fields.Selection(STATUS, readonly=True)
    status_rank = fields.Integer(readonly=True, aggregator=None)

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    @api.model
    def _query(self):
        return SQL(
            """
WITH safety AS (
    SELECT op.product_id, op.warehouse_id,
           SUM(COALESCE(op.safety_stock_qty, 0)) AS safety_stock_qty,
           MAX(COALESCE(op.safety_lead_days, 0)) AS safety_lead_days
      FROM stock_warehouse_orderpoint op
     WHERE op.active
  GROUP BY op.product_id, op.warehouse_id
), quant AS (
    SELECT q.product_id, loc.warehouse_id,
           SUM(q.quantity) AS qty_on_hand,
           SUM(q.reserved_quantity) AS qty_reserved
      FROM stock_quant q
      JOIN stock_location loc ON loc.id = q.location_id
     WHERE loc.usage = 'internal' AND loc.warehouse_id IS NOT NULL
  GROUP BY q.product_id, loc.warehouse_id
), incoming AS (
    SELECT m.product_id, dest.warehouse_id,
           SUM(m.product_qty) AS qty_incoming,
           SUM(m.product_qty) FILTER (
               WHERE m.date <= (NOW() AT TIME ZONE 'UTC')
                   + COALESCE(s.safety_lead_days, 0) * INTERVAL '1 day'
           ) AS qty_incoming_in_lead,
           MIN(m.date) AS incoming_date
      FROM stock_move m
      JOIN stock_location dest ON dest.id = m.location_dest_id
      JOIN stock_location src ON src.id = m.location_id
 LEFT JOIN safety s
        ON s.product_id = m.product_id AND s.warehouse_id = dest.warehouse_id
     WHERE m.state IN %(open_states)s
       AND dest.usage = 'internal' AND dest.warehouse_id IS NOT NULL
       AND src.warehouse_id IS DISTINCT FROM dest.warehouse_id
  GROUP BY m.product_id, dest.warehouse_id
), outgoing AS (
    SELECT m.product_id, src.warehouse_id, SUM(m.product_qty) AS qty_outgoing
      FROM stock_move m
      JOIN stock_location src ON src.id = m.location_id
      JOIN stock_location dest ON dest.id = m.location_dest_id
     WHERE m.state IN %(open_states)s
       AND src.usage = 'internal' AND src.warehouse_id IS NOT NULL
       AND dest.warehouse_id IS DISTINCT FROM src.warehouse_id
  GROUP BY m.product_id, src.warehouse_id
), base AS (
    SELECT p.id AS product_id, t.id AS product_tmpl_id, t.categ_id,
           t.appliance_brand_id, t.appliance_kind, t.uom_id,
           w.id AS warehouse_id, w.company_id,
           COALESCE(quant.qty_on_hand, 0) AS qty_on_hand,
           COALESCE(quant.qty_reserved, 0) AS qty_reserved,
           COALESCE(quant.qty_on_hand, 0) - COALESCE(quant.qty_reserved, 0)
               AS qty_available,
           COALESCE(incoming.qty_incoming, 0) AS qty_incoming,
           COALESCE(incoming.qty_incoming_in_lead, 0) AS qty_incoming_in_lead,
           incoming.incoming_date,
           COALESCE(outgoing.qty_outgoing, 0) AS qty_outgoing,
           COALESCE(safety.safety_stock_qty, 0) AS safety_stock_qty,
           COALESCE(safety.safety_lead_days, 0) AS safety_lead_days
      FROM product_product p
      JOIN product_template t ON t.id = p.product_tmpl_id
      JOIN stock_warehouse w
        ON w.active AND (t.company_id IS NULL OR t.company_id = w.company_id)
 LEFT JOIN quant ON quant.product_id = p.id AND quant.warehouse_id = w.id
 LEFT JOIN incoming ON incoming.product_id = p.id AND incoming.warehouse_id = w.id
 LEFT JOIN outgoing ON outgoing.product_id = p.id AND outgoing.warehouse_id = w.id
 LEFT JOIN safety ON safety.product_id = p.id AND safety.warehouse_id = w.id
     WHERE p.active AND t.active AND t.is_storable AND t.appliance_kind IS NOT NULL
), ranked AS (
    SELECT base.*,
           CASE
               WHEN qty_available <= 0 THEN 'out'
               WHEN qty_available + qty_incoming_in_lead < safety_stock_qty
                   THEN 'critical'
               WHEN qty_available < safety_stock_qty THEN 'low'
               ELSE 'ok'
           END AS status
      FROM base
)
SELECT product_id::bigint * %(factor)s + warehouse_id AS id,
       ranked.*,
       qty_on_hand + qty_incoming - qty_outgoing AS qty_forecast,
       CASE status WHEN 'out' THEN 0 WHEN 'critical' THEN 1 WHEN 'low' THEN 2
                   ELSE 3 END AS status_rank
  FROM ranked
            """,
            open_states=OPEN_MOVE_STATES,
            factor=ID_FACTOR,
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_quants(self):
        """Location breakdown: the quants of this product in this warehouse."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(product)s in %(warehouse)s",
                product=self.product_id.display_name,
                warehouse=self.warehouse_id.name,
            ),
            "res_model": "stock.quant",
            "views": [[self.env.ref("stock.view_stock_quant_tree_simple").id, "list"]],
            "domain": [
                ("product_id", "=", self.product_id.id),
                ("location_id", "child_of", self.warehouse_id.view_location_id.id),
                ("location_id.usage", "=", "internal"),
            ],
            "context": {"group_by": ["location_id"], "create": False},
        }
