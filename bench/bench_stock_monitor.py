"""Benchmark: opening the Stock Monitor on a large catalogue.

Adds ``--products`` storable components (default 5,000) with stock in every
warehouse (at least 2: a second one is created if needed), a reorder rule with
a safety stock in the first warehouse and open incoming moves for a tenth of
them, then measures, as a warehouse user (access rules applied):

* ``list``: ``search_read`` of the first 80 rows with the list view's fields,
  plus the count shown in the pager (``search_count``);
* ``group``: ``formatted_read_group`` by status (the kanban columns / filter);
* the same two through raw SQL on the view, without the ORM.

Everything runs in one transaction that is rolled back: the database is left
as it was. Reported: median and max of ``--repeat`` runs, in milliseconds.

Usage (a database with appliance_stock installed)::

    /opt/odoo19/venv/bin/python bench/bench_stock_monitor.py -d DB [--products 5000]
"""

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

LIST_FIELDS = [
    "product_id",
    "warehouse_id",
    "qty_on_hand",
    "qty_reserved",
    "qty_available",
    "qty_incoming",
    "incoming_date",
    "qty_outgoing",
    "safety_stock_qty",
    "status",
]


def timed(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def populate(env, n_products):
    """Products, stock in 2 warehouses, reorder rules and open receipts."""
    warehouses = env["stock.warehouse"].search([("company_id", "=", env.company.id)])
    if len(warehouses) < 2:
        warehouses |= env["stock.warehouse"].create(
            {"name": "Bench Warehouse", "code": "BWH"}
        )
    warehouses = warehouses[:2]
    products = env["product.product"].create(
        [
            {
                "name": f"Bench breaker {i:05d}",
                "is_storable": True,
                "appliance_kind": "component",
                "default_code": f"BENCH-{i:05d}",
            }
            for i in range(n_products)
        ]
    )
    env.flush_all()
    # quants straight in SQL: the benchmark is about reading them
    for rank, warehouse in enumerate(warehouses):
        env.cr.execute(
            """
            INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                     reserved_quantity, in_date, create_date,
                                     write_date, create_uid, write_uid)
            SELECT p.id, %s, %s, (p.id %% 37) - %s, (p.id %% 5), NOW(), NOW(),
                   NOW(), 1, 1
              FROM product_product p WHERE p.id = ANY(%s)
            """,
            [
                warehouse.lot_stock_id.id,
                env.company.id,
                rank * 5,
                products.ids,
            ],
        )
    env["stock.warehouse.orderpoint"].create(
        [
            {
                "product_id": product.id,
                "warehouse_id": warehouses[0].id,
                "location_id": warehouses[0].lot_stock_id.id,
                "product_min_qty": 0,
                "product_max_qty": 0,
                "safety_stock_qty": 10 + product.id % 20,
            }
            for product in products
        ]
    )
    supplier = env.ref("stock.stock_location_suppliers")
    moves = env["stock.move"].create(
        [
            {
                "product_id": product.id,
                "product_uom_qty": 5,
                "location_id": supplier.id,
                "location_dest_id": warehouses[0].lot_stock_id.id,
            }
            for product in products[::10]
        ]
    )
    moves._action_confirm()
    env.flush_all()
    return warehouses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--data-dir", default="/tmp/bench-stock-monitor-data")
    args = parser.parse_args()

    sys.path.insert(0, ROOT)
    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", os.path.join(ROOT, "odoo.conf"), "--data-dir", args.data_dir]
    )
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tests import new_test_user  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        start = time.perf_counter()
        populate(env, args.products)
        user = new_test_user(env, "bench_stock_wh", groups="stock.group_stock_user")
        env.flush_all()
        print(f"populated in {time.perf_counter() - start:.1f} s")
        cr.execute("ANALYZE")

        Monitor = env["appliance.stock.monitor"].with_user(user)
        n_rows = Monitor.search_count([])
        print(f"monitor rows visible to the warehouse user: {n_rows}")

        def orm_list():
            Monitor.invalidate_model()
            Monitor.search_read([], LIST_FIELDS, limit=80)
            Monitor.search_count([])

        def orm_group():
            Monitor.formatted_read_group([], ["status"], ["__count"])

        table = SQL.identifier(Monitor._table)
        columns = SQL(", ").join(SQL.identifier(f) for f in ["id", *LIST_FIELDS])

        def sql_list():
            cr.execute(
                SQL(
                    "SELECT %s FROM %s ORDER BY status_rank, product_id, "
                    "warehouse_id LIMIT 80",
                    columns,
                    table,
                )
            )
            cr.fetchall()
            cr.execute(SQL("SELECT COUNT(*) FROM %s", table))
            cr.fetchall()

        def sql_group():
            cr.execute(SQL("SELECT status, COUNT(*) FROM %s GROUP BY status", table))
            cr.fetchall()

        orm_list()  # warm caches (registry, rules, views)
        for label, func in (
            ("ORM list  (search_read 80 + count)", orm_list),
            ("ORM group (read_group by status)  ", orm_group),
            ("SQL list  (80 rows + count)       ", sql_list),
            ("SQL group (GROUP BY status)       ", sql_group),
        ):
            median, worst = timed(func, args.repeat)
            print(f"{label}: median {median:7.1f} ms   max {worst:7.1f} ms")

        Orderpoint = env["stock.warehouse.orderpoint"]
        env.company.appliance_stock_alert_user_id = env.ref("base.user_admin")
        start = time.perf_counter()
        opened, _closed = Orderpoint._scan_safety_alerts()
        print(
            f"alert scan, first run: {len(opened)} alerts opened in "
            f"{(time.perf_counter() - start) * 1000:.0f} ms"
        )
        median, worst = timed(Orderpoint._scan_safety_alerts, 3)
        print(f"alert scan, steady state: median {median:.0f} ms")
        cr.rollback()


if __name__ == "__main__":
    main()
