from typing import NamedTuple

from odoo import api, fields, models
from odoo.tools import SQL

# Moves planned but not done: outgoing ones commit stock, incoming ones bring it.
OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")

FIGURES_SQL = """
WITH ask AS (
    SELECT *
      FROM unnest(%(products)s::int[], %(warehouses)s::int[], %(untils)s::timestamp[])
           WITH ORDINALITY AS ask(product_id, warehouse_id, until, idx)
), quant AS (
    SELECT q.product_id, loc.warehouse_id,
           SUM(q.quantity) AS on_hand, SUM(q.reserved_quantity) AS reserved
      FROM stock_quant q
      JOIN stock_location loc ON loc.id = q.location_id
     WHERE q.product_id = ANY(%(product_ids)s)
       AND loc.usage = 'internal' AND loc.warehouse_id = ANY(%(warehouse_ids)s)
  GROUP BY q.product_id, loc.warehouse_id
), outgoing AS (
    SELECT m.product_id, src.warehouse_id, SUM(m.product_qty) AS committed
      FROM stock_move m
      JOIN stock_location src ON src.id = m.location_id
      JOIN stock_location dest ON dest.id = m.location_dest_id
     WHERE m.product_id = ANY(%(product_ids)s) AND m.state IN %(open_states)s
       AND src.usage = 'internal' AND src.warehouse_id = ANY(%(warehouse_ids)s)
       AND dest.warehouse_id IS DISTINCT FROM src.warehouse_id
  GROUP BY m.product_id, src.warehouse_id
), incoming AS (
    SELECT m.product_id, dest.warehouse_id, m.date, m.product_qty
      FROM stock_move m
      JOIN stock_location dest ON dest.id = m.location_dest_id
      JOIN stock_location src ON src.id = m.location_id
     WHERE m.product_id = ANY(%(product_ids)s) AND m.state IN %(open_states)s
       AND dest.usage = 'internal' AND dest.warehouse_id = ANY(%(warehouse_ids)s)
       AND src.warehouse_id IS DISTINCT FROM dest.warehouse_id
), safety AS (
    SELECT op.product_id, op.warehouse_id, SUM(op.safety_stock_qty) AS safety_stock
      FROM stock_warehouse_orderpoint op
     WHERE op.active AND op.product_id = ANY(%(product_ids)s)
       AND op.warehouse_id = ANY(%(warehouse_ids)s)
  GROUP BY op.product_id, op.warehouse_id
)
SELECT COALESCE(quant.on_hand, 0), COALESCE(quant.reserved, 0),
       COALESCE(outgoing.committed, 0),
       COALESCE((SELECT SUM(i.product_qty) FROM incoming i
                  WHERE i.product_id = ask.product_id
                    AND i.warehouse_id = ask.warehouse_id
                    AND i.date <= ask.until), 0),
       (SELECT MIN(i.date) FROM incoming i
         WHERE i.product_id = ask.product_id AND i.warehouse_id = ask.warehouse_id),
       COALESCE((SELECT SUM(i.product_qty) FROM incoming i
                  WHERE i.product_id = ask.product_id
                    AND i.warehouse_id = ask.warehouse_id), 0),
       COALESCE(safety.safety_stock, 0)
  FROM ask
  LEFT JOIN quant
         ON quant.product_id = ask.product_id AND quant.warehouse_id = ask.warehouse_id
  LEFT JOIN outgoing
         ON outgoing.product_id = ask.product_id
        AND outgoing.warehouse_id = ask.warehouse_id
  LEFT JOIN safety
         ON safety.product_id = ask.product_id AND safety.warehouse_id = ask.warehouse_id
 ORDER BY ask.idx
"""


class StockFigures(NamedTuple):
    """Quantities of one product in one warehouse, in the product's unit."""

    on_hand: float
    reserved: float
    committed: float  # open moves out of the warehouse
    incoming_until: float  # open moves into it scheduled by the asked date
    next_receipt_date: object  # datetime of the earliest open incoming move
    incoming: float
    safety_stock: float

    @property
    def available_to_promise(self):
        """On hand minus what open deliveries and transfers already commit."""
        return self.on_hand - self.committed

    @property
    def below_safety_stock(self):
        # the stock monitor's and the alerts' rule: available < safety stock
        return self.on_hand - self.reserved < self.safety_stock


class ApplianceStockCommitment(models.Model):
    """One row per product × warehouse that sales confirmations lock.

    Every transaction that commits stock of a product in a warehouse (a sales
    order confirmed, a confirmed line increased) locks its row with
    ``SELECT ... FOR NO KEY UPDATE`` and updates it before it checks the
    available-to-promise quantity. Under REPEATABLE READ, a competing
    transaction that locks the same row afterwards gets a serialization
    failure and is retried by Odoo with a fresh snapshot, in which it sees the
    winner's stock moves. The rows carry no quantity: the stock moves are the
    truth, the row only serialises the check.
    """

    _name = "appliance.stock.commitment"
    _description = "Stock Commitment Lock"
    _order = "product_id, warehouse_id"
    _rec_name = "product_id"

    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, ondelete="cascade"
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="warehouse_id.company_id", store=True, readonly=True
    )
    commit_count = fields.Integer(
        string="Commitments",
        readonly=True,
        help="Confirmations checked against the available-to-promise quantity.",
    )

    _product_warehouse_uniq = models.Constraint(
        "UNIQUE(product_id, warehouse_id)",
        "There is one commitment lock per product and warehouse.",
    )

    @api.model
    def _lock_for_commitment(self, pairs):
        """Lock (creating them if needed) and update the rows of ``pairs``.

        ``pairs`` are ``(product_id, warehouse_id)``; rows are locked in the order
        of their ids so that two transactions locking overlapping sets cannot
        deadlock. Raises a serialization failure (retried by Odoo) when another
        transaction committed on one of these rows after ours started.
        """
        pairs = sorted(set(pairs))
        if not pairs:
            return
        products = [product_id for product_id, _wh in pairs]
        warehouses = [warehouse_id for _product, warehouse_id in pairs]
        cr = self.env.cr
        # A serialization failure here is expected under concurrency and retried:
        # no "bad query" error in the log for it.
        cr.execute(
            SQL(
                """
INSERT INTO appliance_stock_commitment
       (product_id, warehouse_id, company_id, commit_count,
        create_uid, create_date, write_uid, write_date)
SELECT ask.product_id, ask.warehouse_id, wh.company_id, 0,
       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
  FROM unnest(%(products)s::int[], %(warehouses)s::int[])
       AS ask(product_id, warehouse_id)
  JOIN stock_warehouse wh ON wh.id = ask.warehouse_id
 ORDER BY ask.product_id, ask.warehouse_id
ON CONFLICT (product_id, warehouse_id) DO NOTHING
                """,
                uid=self.env.uid,
                products=products,
                warehouses=warehouses,
            ),
            log_exceptions=False,
        )
        cr.execute(
            SQL(
                """
SELECT c.id
  FROM appliance_stock_commitment c
  JOIN unnest(%(products)s::int[], %(warehouses)s::int[])
       AS ask(product_id, warehouse_id)
    ON ask.product_id = c.product_id AND ask.warehouse_id = c.warehouse_id
 ORDER BY c.id
   FOR NO KEY UPDATE OF c
                """,
                products=products,
                warehouses=warehouses,
            ),
            log_exceptions=False,
        )
        ids = [row[0] for row in cr.fetchall()]
        # the update makes a competing locker fail instead of just waiting
        cr.execute(
            SQL(
                """
UPDATE appliance_stock_commitment
   SET commit_count = commit_count + 1,
       write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
 WHERE id IN %(ids)s
                """,
                uid=self.env.uid,
                ids=tuple(ids),
            ),
            log_exceptions=False,
        )
        self.invalidate_model(["commit_count", "write_uid", "write_date"])

    @api.model
    def _stock_figures(self, keys):
        """Stock figures for ``keys`` = ``(product_id, warehouse_id, until)``.

        ``until`` (a datetime or None) bounds the incoming moves counted in
        ``incoming_until``. One query for all keys; returns ``{key: StockFigures}``.
        """
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.move"].flush_model(
            [
                "product_id",
                "location_id",
                "location_dest_id",
                "state",
                "date",
                "product_uom_qty",
                "product_qty",
            ]
        )
        self.env["stock.warehouse.orderpoint"].flush_model(
            ["product_id", "warehouse_id", "active", "safety_stock_qty"]
        )
        rows = self.env.execute_query(
            SQL(
                FIGURES_SQL,
                products=[key[0] for key in keys],
                warehouses=[key[1] for key in keys],
                untils=[key[2] for key in keys],
                product_ids=list({key[0] for key in keys}),
                warehouse_ids=list({key[1] for key in keys}),
                open_states=OPEN_MOVE_STATES,
            )
        )
        return {
            key: StockFigures(*figures) for key, figures in zip(keys, rows, strict=True)
        }
