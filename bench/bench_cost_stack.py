"""Benchmark: the unit cost stack on a large catalogue.

Adds ``--products`` storable FIFO components with perpetual valuation (default
1,000), receives 20 of each (two receipts, 30 and 15 days ago) and delivers 5
of half of them 10 days ago, then measures as superuser:

* ``unit-days``: the one SQL query that reads the unit-days of every product
  in the period (the core of a warehousing run);
* ``run``: a whole warehousing run (``_apply_storage_costs``): unit-days,
  Odoo's FIFO stack per product (core ``_get_remaining_moves``), the landed
  cost with one valuation line per receipt and delivery, its validation
  (journal entry, receipts revalued);
* ``report``: the Unit Cost Structure as finance opens it (80 rows + count)
  and grouped by category.

Everything runs in one transaction that is rolled back. Reported: time and
query count (run), median and max of ``--repeat`` runs (reads).

Usage (a database with appliance_stock installed)::

    /opt/odoo19/venv/bin/python bench/bench_cost_stack.py -d DB [--products 1000]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

REPORT_FIELDS = [
    "product_id",
    "categ_id",
    "purchase_unit_cost",
    "storage_unit_cost",
    "freight_in_unit_cost",
    "freight_out_unit_cost",
    "unit_cost",
    "sale_price",
    "margin",
    "margin_percent",
]


def timed(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def move_stock(env, products, qty, source, dest, date):
    moves = env["stock.move"].create(
        [
            {
                "product_id": product.id,
                "product_uom_qty": qty,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "price_unit": 100 + product.id % 50,
            }
            for product in products
        ]
    )
    moves._action_confirm()
    moves._action_assign()
    moves.quantity = qty
    moves.picked = True
    moves._action_done()
    moves.write({"date": date})
    moves.move_line_ids.write({"date": date})
    return moves


def populate(env, n_products, now):
    category = env["product.category"].create(
        {
            "name": "Bench cost stack",
            "property_cost_method": "fifo",
            "property_valuation": "real_time",
        }
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench cost component {i:05d}",
                "is_storable": True,
                "categ_id": category.id,
                "weight": 1 + i % 7,
                "volume": 0.01 * (1 + i % 5),
            }
            for i in range(n_products)
        ]
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    stock = warehouse.lot_stock_id
    supplier = env.ref("stock.stock_location_suppliers")
    customer = env.ref("stock.stock_location_customers")
    move_stock(env, products, 10, supplier, stock, now - timedelta(days=30))
    move_stock(env, products, 10, supplier, stock, now - timedelta(days=15))
    move_stock(env, products[::2], 5, stock, customer, now - timedelta(days=10))
    env.flush_all()
    return category, products


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--data-dir", default="/tmp/bench-cost-stack-data")
    args = parser.parse_args()

    sys.path.insert(0, ROOT)
    import odoo  # noqa: PLC0415
    from odoo import fields  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", os.path.join(ROOT, "odoo.conf"), "--data-dir", args.data_dir]
    )
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tests import new_test_user  # noqa: PLC0415

    from odoo.addons.appliance_stock.models.appliance_storage_cost_rule import (  # noqa: PLC0415
        _Period,
    )

    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        now = fields.Datetime.now().replace(microsecond=0)
        start = time.perf_counter()
        category, products = populate(env, args.products, now)
        print(
            f"populated {len(products)} products (2 receipts each, "
            f"{len(products[::2])} deliveries) in {time.perf_counter() - start:.1f} s"
        )
        cr.execute("ANALYZE")

        date_from = now - timedelta(days=30)
        period = _Period(env, env.company, products, date_from, now)
        median, worst = timed(period._read_unit_days, args.repeat)
        print(f"unit-days SQL ({len(products)} products): median {median:.1f} ms")

        rule = env["appliance.storage.cost.rule"].create(
            {
                "name": "Bench",
                "basis": "unit_day",
                "rate": 0.5,
                "categ_id": category.id,
                "date_start": date_from.date(),
            }
        )
        env.flush_all()
        queries = cr.sql_log_count
        start = time.perf_counter()
        cost = rule._appliance_create_storage_cost(now)
        env.flush_all()
        built = time.perf_counter() - start
        built_queries = cr.sql_log_count - queries
        cost.button_validate()
        env.flush_all()
        elapsed = time.perf_counter() - start
        print(
            f"warehousing run: {len(cost.valuation_adjustment_lines)} valuation "
            f"lines, {cost.amount_total:.2f} charged, {elapsed:.2f} s, "
            f"{cr.sql_log_count - queries} queries; of which building the landed "
            f"cost (unit-days, FIFO stacks, lines) {built:.2f} s, {built_queries} "
            "queries, and Odoo's validation (entry, receipts revalued) the rest"
        )

        finance = new_test_user(
            env, "bench_cost_finance", groups="account.group_account_invoice"
        )
        report = env["appliance.cost.structure.report"].with_user(finance)

        def orm_list():
            report.invalidate_model()
            report.search_read([], REPORT_FIELDS, limit=80)
            report.search_count([])

        def orm_group():
            report.formatted_read_group(
                [], ["categ_id"], ["unit_cost:avg", "margin:avg", "__count"]
            )

        orm_list()
        for label, func in (
            ("report list  (80 rows + count)", orm_list),
            ("report group (by category)    ", orm_group),
        ):
            median, worst = timed(func, args.repeat)
            print(f"{label}: median {median:7.1f} ms   max {worst:7.1f} ms")
        cr.rollback()


if __name__ == "__main__":
    main()
