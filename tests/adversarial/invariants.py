"""Invariant suite: what must hold in the database whatever crashed (issue #8,
item 11). Each invariant is a query for the rows that break it; a consistent
database has 0 rows for every one.

Usage (Odoo's interpreter)::

    /opt/odoo19/venv/bin/python tests/adversarial/invariants.py -d DB \\
        [--db-host /tmp/sock --db-port 5544] [--show 5]

Prints each invariant with its row count (and the first rows), exits 1 when
any has rows. Reusable: ``check(cr, env=None)`` returns ``[(name, rows)]`` for a
DB-API cursor; with an Odoo ``env`` the approval fingerprints are recomputed by
the ORM too.

Partial imports are found by the order references of the suites' files:
``<file>-<i>of<n>L<lines>`` (order ``i`` of ``n`` in the file, ``lines`` lines
each). Orders with other references are checked by the other invariants.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

EPS = 0.0001

INVARIANTS = [
    (
        "orders without lines",
        "a quotation or order with no product line",
        """
SELECT so.id, so.name, so.state
  FROM sale_order so
 WHERE so.state IN ('draft', 'sent', 'sale')
   AND NOT EXISTS (SELECT 1 FROM sale_order_line l
                    WHERE l.order_id = so.id AND l.display_type IS NULL)
 ORDER BY so.id
        """,
    ),
    (
        "reserved > on hand (quants)",
        "an internal quant reserved beyond its quantity",
        f"""
SELECT q.id, q.product_id, q.location_id, q.quantity, q.reserved_quantity
  FROM stock_quant q
  JOIN stock_location l ON l.id = q.location_id
 WHERE l.usage = 'internal' AND q.reserved_quantity > {EPS}
   AND q.reserved_quantity > q.quantity + {EPS}
 ORDER BY q.id
        """,
    ),
    (
        "reserved > on hand (product x warehouse)",
        "reservations of a product in a warehouse beyond what it holds",
        f"""
SELECT q.product_id, l.warehouse_id, SUM(q.quantity), SUM(q.reserved_quantity)
  FROM stock_quant q
  JOIN stock_location l ON l.id = q.location_id
 WHERE l.usage = 'internal'
 GROUP BY q.product_id, l.warehouse_id
HAVING SUM(q.reserved_quantity) > GREATEST(SUM(q.quantity), 0) + {EPS}
        """,
    ),
    (
        "quant reservations out of step with move lines",
        "a quant's reserved quantity differs from its open move lines'",
        f"""
WITH ml AS (
    SELECT ml.product_id, ml.location_id, ml.lot_id, ml.package_id, ml.owner_id,
           SUM(ml.quantity_product_uom) AS reserved
      FROM stock_move_line ml
      JOIN stock_move m ON m.id = ml.move_id
      JOIN stock_location l ON l.id = ml.location_id
      JOIN product_product pp ON pp.id = ml.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE m.state IN ('assigned', 'partially_available', 'confirmed', 'waiting')
       AND l.usage = 'internal' AND pt.is_storable
  GROUP BY 1, 2, 3, 4, 5
), q AS (
    SELECT q.product_id, q.location_id, q.lot_id, q.package_id, q.owner_id,
           SUM(q.reserved_quantity) AS reserved
      FROM stock_quant q
      JOIN stock_location l ON l.id = q.location_id
     WHERE l.usage = 'internal'
  GROUP BY 1, 2, 3, 4, 5
)
SELECT COALESCE(q.product_id, ml.product_id), COALESCE(q.location_id, ml.location_id),
       COALESCE(q.reserved, 0) AS on_quants, COALESCE(ml.reserved, 0) AS on_move_lines
  FROM q FULL JOIN ml
    ON ml.product_id = q.product_id AND ml.location_id = q.location_id
   AND ml.lot_id IS NOT DISTINCT FROM q.lot_id
   AND ml.package_id IS NOT DISTINCT FROM q.package_id
   AND ml.owner_id IS NOT DISTINCT FROM q.owner_id
 WHERE ABS(COALESCE(q.reserved, 0) - COALESCE(ml.reserved, 0)) > {EPS}
        """,
    ),
    (
        "over-committed under the guard",
        "a product x warehouse whose open deliveries commit more than is on hand,"
        " among those confirmed under the oversell guard (a lock row exists)",
        f"""
WITH oh AS (
    SELECT q.product_id, l.warehouse_id, SUM(q.quantity) AS on_hand
      FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
     WHERE l.usage = 'internal'
  GROUP BY 1, 2
), outgoing AS (
    SELECT m.product_id, src.warehouse_id, SUM(m.product_qty) AS committed
      FROM stock_move m
      JOIN stock_location src ON src.id = m.location_id
      JOIN stock_location dest ON dest.id = m.location_dest_id
     WHERE m.state IN ('waiting', 'confirmed', 'partially_available', 'assigned')
       AND src.usage = 'internal'
       AND dest.warehouse_id IS DISTINCT FROM src.warehouse_id
  GROUP BY 1, 2
)
SELECT c.product_id, c.warehouse_id, COALESCE(oh.on_hand, 0), outgoing.committed
  FROM appliance_stock_commitment c
  JOIN stock_warehouse wh ON wh.id = c.warehouse_id
  JOIN res_company co ON co.id = wh.company_id AND co.appliance_oversell_guard
  JOIN outgoing ON outgoing.product_id = c.product_id
               AND outgoing.warehouse_id = c.warehouse_id
  LEFT JOIN oh ON oh.product_id = c.product_id AND oh.warehouse_id = c.warehouse_id
 WHERE outgoing.committed > COALESCE(oh.on_hand, 0) + {EPS}
        """,
    ),
    (
        "confirmed orders without deliveries",
        "a line of a storable product with no stock move, on an order confirmed"
        " through appliance_sales (which dates it; Odoo's demo orders are not)",
        """
SELECT so.name, l.id, l.product_uom_qty
  FROM sale_order_line l
  JOIN sale_order so ON so.id = l.order_id
  JOIN product_product pp ON pp.id = l.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id
 WHERE so.state = 'sale' AND pt.is_storable AND l.product_uom_qty > 0
   AND l.display_type IS NULL AND so.appliance_expected_delivery_date IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM stock_move m WHERE m.sale_line_id = l.id)
        """,
    ),
    (
        "deliveries beyond the ordered quantity",
        "a sale line whose open and done deliveries exceed what was ordered"
        " (a procurement run twice)",
        f"""
SELECT so.name, l.id, l.product_uom_qty, SUM(m.product_uom_qty)
  FROM sale_order_line l
  JOIN sale_order so ON so.id = l.order_id
  JOIN stock_move m ON m.sale_line_id = l.id AND m.state != 'cancel'
  JOIN stock_location dest ON dest.id = m.location_dest_id
 WHERE dest.usage = 'customer' AND m.product_uom = l.product_uom_id
   AND m.origin_returned_move_id IS NULL
 GROUP BY so.name, l.id, l.product_uom_qty
HAVING SUM(m.product_uom_qty) > l.product_uom_qty + {EPS}
        """,
    ),
    (
        "partial imports",
        "a file's orders present in part, or an order with part of its lines",
        r"""
WITH ref AS (
    SELECT so.id, so.client_order_ref,
           (regexp_match(so.client_order_ref, '^(.+)-(\d+)of(\d+)L(\d+)$')) AS m
      FROM sale_order so
     WHERE so.state != 'cancel' AND so.client_order_ref ~ '-\d+of\d+L\d+$'
), lines AS (
    SELECT ref.id, COUNT(l.id) AS n
      FROM ref LEFT JOIN sale_order_line l
        ON l.order_id = ref.id AND l.display_type IS NULL
  GROUP BY ref.id
)
SELECT ref.m[1] AS file, MAX(ref.m[3]::int) AS orders_in_file,
       COUNT(DISTINCT ref.client_order_ref) AS orders_present,
       COUNT(*) AS order_rows,
       SUM(CASE WHEN lines.n <> ref.m[4]::int THEN 1 ELSE 0 END) AS orders_missing_lines
  FROM ref JOIN lines ON lines.id = ref.id
 GROUP BY ref.m[1]
HAVING COUNT(DISTINCT ref.client_order_ref) <> MAX(ref.m[3]::int)
    OR COUNT(*) <> COUNT(DISTINCT ref.client_order_ref)
    OR SUM(CASE WHEN lines.n <> ref.m[4]::int THEN 1 ELSE 0 END) > 0
        """,
    ),
    (
        "imports done twice",
        "two live orders with the same import key",
        """
SELECT company_id, appliance_import_key, COUNT(*)
  FROM sale_order
 WHERE appliance_import_key IS NOT NULL AND state != 'cancel'
 GROUP BY company_id, appliance_import_key
HAVING COUNT(*) > 1
        """,
    ),
    (
        "count sessions half applied: moves before done",
        "a count session not done (or cancelled) with stock moves",
        """
SELECT s.id, s.name, s.state, COUNT(m.id)
  FROM appliance_count_session s
  JOIN stock_move m ON m.appliance_count_session_id = s.id AND m.state != 'cancel'
 WHERE s.state != 'done'
 GROUP BY s.id, s.name, s.state
        """,
    ),
    (
        "count sessions half applied: done without their moves",
        "a done count session whose applied variances differ from its done moves"
        " (per product and location) or with open moves",
        f"""
WITH applied AS (
    SELECT l.session_id, l.product_id, l.location_id, SUM(l.applied_qty) AS qty
      FROM appliance_count_line l
      JOIN appliance_count_session s ON s.id = l.session_id AND s.state = 'done'
  GROUP BY 1, 2, 3
), moved AS (
    SELECT m.appliance_count_session_id AS session_id, m.product_id,
           CASE WHEN dest.usage = 'internal' THEN m.location_dest_id
                ELSE m.location_id END AS location_id,
           SUM(CASE WHEN m.state != 'done' THEN 1e9
                    WHEN dest.usage = 'internal' THEN m.product_qty
                    ELSE -m.product_qty END) AS qty
      FROM stock_move m
      JOIN stock_location dest ON dest.id = m.location_dest_id
      JOIN appliance_count_session s
        ON s.id = m.appliance_count_session_id AND s.state = 'done'
     WHERE m.state != 'cancel'
  GROUP BY 1, 2, 3
)
SELECT COALESCE(a.session_id, mv.session_id), COALESCE(a.product_id, mv.product_id),
       COALESCE(a.qty, 0) AS applied, COALESCE(mv.qty, 0) AS moved
  FROM applied a FULL JOIN moved mv
    ON mv.session_id = a.session_id AND mv.product_id = a.product_id
   AND mv.location_id = a.location_id
 WHERE ABS(COALESCE(a.qty, 0) - COALESCE(mv.qty, 0)) > {EPS}
        """,
    ),
    (
        "count sessions half applied: done without date",
        "a done count session without its applied date or user",
        """
SELECT id, name FROM appliance_count_session
 WHERE state = 'done' AND (date_done IS NULL OR applied_by_id IS NULL)
        """,
    ),
]


def approval_mismatches(env):
    """Orders (not cancelled) whose approval reviews were given for another
    content than theirs now (``_appliance_content_digest``)."""
    Review = env["tier.review"].sudo()  # sudo: the suite reads every company
    reviews = Review.search([("model", "=", "sale.order")])
    orders = env["sale.order"].sudo().browse(set(reviews.mapped("res_id"))).exists()
    rows = []
    for order in orders.filtered(lambda o: o.state != "cancel"):
        digest = order._appliance_content_digest()
        stale = order.review_ids.filtered(lambda r, d=digest: r.appliance_digest != d)
        if stale:
            rows.append((order.id, order.name, order.state, len(stale)))
    return rows


def check(cr, env=None):
    """``[(name, rows)]`` for every invariant (the approval one needs ``env``)."""
    results = []
    for name, _why, query in INVARIANTS:
        cr.execute(query)
        results.append((name, cr.fetchall()))
    if env is not None:
        results.append(("approvals on changed content", approval_mismatches(env)))
    return results


def report(results, show=3):
    harness.table(
        "Invariants (rows that break them; 0 expected)",
        ["invariant", "rows", "first rows"],
        [
            [name, len(rows), "; ".join(map(str, rows[:show])) if rows else ""]
            for name, rows in results
        ],
    )
    return sum(len(rows) for _name, rows in results)


def run(db, host=None, port=None, data_dir=None, show=3):
    """Open ``db`` with Odoo (read only: rolled back) and report; returns the
    number of rows found."""
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        [
            "-c",
            str(harness.ROOT / "odoo.conf"),
            f"--data-dir={data_dir or f'/tmp/adversarial-{db}-data'}",
            "-d",
            db,
            "--log-level=warn",
            *harness.db_args(host, port),
        ]
    )
    odoo.modules.module.initialize_sys_path()
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        results = check(cr._obj, env)
        cr.rollback()
    return report(results, show)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--db-host")
    parser.add_argument("--db-port")
    parser.add_argument("--data-dir")
    parser.add_argument("--show", type=int, default=3, help="rows shown per invariant")
    args = parser.parse_args()
    found = run(args.database, args.db_host, args.db_port, args.data_dir, args.show)
    print(f"\n{found} rows break the invariants")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
