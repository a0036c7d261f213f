"""Benchmark: a stock count session of 10,000 lines, from snapshot to apply.

Adds ``--products`` storable components (default 10,000) with stock on a new
rack of the first warehouse (quants written in SQL, like opening stock), then,
as an inventory manager (access rules applied, no approval wait):

* ``start``: the snapshot (one line per product on the rack);
* ``count``: every line counted at once (what an import does), ``--share`` of
  them (default 1.0: every line, the worst case) one unit short of the book;
* ``review``: finishing the count and giving the variances a reason;
* ``apply``: validating the session: locks, book quantities read again, one
  inventory move per variance validated by Odoo (``_action_done``, in batches).

Checked afterwards: the rack's quants equal the counted quantities and there
is one done move per variance. Reported: wall time, CPU time of this process
and queries of each step. Everything runs in one transaction that is rolled
back: the database is left as it was.

Usage (a database with appliance_stock installed)::

    /opt/odoo19/venv/bin/python bench/bench_count_session.py -d DB \
        [--products 10000] [--share 1.0]
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def populate(env, n_products):
    """Products and their stock on a new rack; returns (warehouse, rack)."""
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    rack = env["stock.location"].create(
        {"name": "Bench count rack", "location_id": warehouse.lot_stock_id.id}
    )
    products = env["product.product"]
    for start in range(0, n_products, 1000):
        products |= products.create(
            [
                {
                    "name": f"Bench count item {i:05d}",
                    "is_storable": True,
                    "appliance_kind": "component",
                    "default_code": f"BCNT-{i:05d}",
                    "standard_price": 10 + i % 90,
                }
                for i in range(start, min(start + 1000, n_products))
            ]
        )
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                 reserved_quantity, in_date, create_date,
                                 write_date, create_uid, write_uid)
        SELECT p.id, %s, %s, 10 + (p.id %% 7), 0, NOW(), NOW(), NOW(), 1, 1
          FROM product_product p WHERE p.id = ANY(%s)
        """,
        [rack.id, env.company.id, products.ids],
    )
    env.invalidate_all()
    return warehouse, rack, products


class Step:
    def __init__(self, env, label):
        self.env = env
        self.label = label

    def __enter__(self):
        self.env.flush_all()
        self.queries = self.env.cr.sql_log_count
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *exc):
        self.env.flush_all()
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        queries = self.env.cr.sql_log_count - self.queries
        print(
            f"{self.label:<8} {wall:8.1f} s wall {cpu:8.1f} s cpu {queries:8d} queries",
            flush=True,
        )


def baseline(env, rack, share):
    """Stock Odoo's physical inventory on the same quants: inventory quantity
    set on each quant, then Apply All (``action_apply_inventory``)."""
    quants = env["stock.quant"].search([("location_id", "=", rack.id)])
    every = max(1, round(1 / share)) if share else 0
    with Step(env, "count"):
        by_qty = {}
        for i, quant in enumerate(quants):
            qty = quant.quantity - (1 if every and i % every == 0 else 0)
            by_qty.setdefault(qty, env["stock.quant"])
            by_qty[qty] |= quant
        for qty, group in by_qty.items():
            group.with_context(inventory_mode=True).write({"inventory_quantity": qty})
    with Step(env, "apply"):
        quants.with_context(inventory_mode=True).action_apply_inventory()
    env.cr.execute(
        "SELECT COUNT(*) FROM stock_move WHERE is_inventory AND state = 'done'"
        " AND location_id = %s",
        [rack.id],
    )
    print(f"Odoo's Apply All: {len(quants)} quants, {env.cr.fetchone()[0]} done moves")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument(
        "--share", type=float, default=1.0, help="share of lines with a variance"
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="apply the same counts with stock Odoo's inventory mode instead "
        "(quants' inventory quantity, Apply All) for comparison",
    )
    parser.add_argument("--data-dir", default="/tmp/bench-count-session-data")
    args = parser.parse_args()

    sys.path.insert(0, ROOT)
    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", os.path.join(ROOT, "odoo.conf"), "--data-dir", args.data_dir]
    )
    from odoo.fields import Command  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tests import new_test_user  # noqa: PLC0415

    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"lang": "en_US", "tracking_disable": True}
        )
        start = time.perf_counter()
        warehouse, rack, products = populate(env, args.products)
        manager = new_test_user(
            env, "bench_count_mgr", groups="stock.group_stock_manager"
        )
        env.company.appliance_count_recount_pct = 0.0
        reason = env.ref("appliance_stock.reason_loss")
        env.flush_all()
        cr.execute("ANALYZE stock_quant")
        print(
            f"populated {len(products)} products in {time.perf_counter() - start:.1f} s"
        )

        menv = env(user=manager)
        if args.baseline:
            baseline(menv, rack, args.share)
            cr.rollback()
            return
        session = menv["appliance.count.session"].create(
            {"warehouse_id": warehouse.id, "location_ids": [Command.set(rack.ids)]}
        )
        with Step(env, "start"):
            session.action_start()
        lines = session.line_ids
        every = max(1, round(1 / args.share)) if args.share else 0
        with Step(env, "count"):
            counts = {
                line.id: line.theoretical_qty - (1 if every and i % every == 0 else 0)
                for i, line in enumerate(lines)
            }
            menv["appliance.count.line"]._set_counts(counts, mode="set")
        with Step(env, "review"):
            session.action_finish_counting()
            variances = lines.filtered("has_variance")
            variances.write({"reason_id": reason.id})
        with Step(env, "apply"):
            session.action_validate()

        env.invalidate_all()
        cr.execute(
            "SELECT COUNT(*) FROM stock_move WHERE appliance_count_session_id = %s"
            " AND state = 'done'",
            [session.id],
        )
        (n_moves,) = cr.fetchone()
        cr.execute(
            """
            SELECT COUNT(*) FROM appliance_count_line l
              LEFT JOIN (SELECT product_id, SUM(quantity) qty FROM stock_quant
                          WHERE location_id = %s GROUP BY product_id) q
                ON q.product_id = l.product_id
             WHERE l.session_id = %s AND COALESCE(q.qty, 0) <> l.counted_qty
            """,
            [rack.id, session.id],
        )
        (mismatches,) = cr.fetchone()
        print(
            f"session {session.state}: {len(lines)} lines, {len(variances)} variances, "
            f"{n_moves} done moves, {mismatches} quants differing from the count"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
