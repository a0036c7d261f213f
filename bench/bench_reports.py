"""Benchmark: sales statistics, bought-together mining, purchase cycles, dashboard.

Run on the benchmark database (``bench/generate.py --scale bench``: 50,000
confirmed orders, ~226,000 confirmed lines over 24 months), as a sales manager
(access rules applied), everything in one transaction that is rolled back:

* ``pivot``: ``appliance.sales.analysis.formatted_read_group`` by month x
  product category with the pivot's measures (revenue, profit, margin %, count)
  over the whole history, against the raw SQL ``GROUP BY`` on
  ``sale_order_line`` / ``sale_order`` / ``product_template`` computing the same
  figures (same month buckets in the user's time zone); the two results are
  compared to the cent. ``sale.report`` (Odoo's own) is timed for reference.
* ``mining``: ``appliance.product.affinity._appliance_mine`` over every confirmed
  order (pairs and sets of three, stored), against a naive SQL self-join of the
  order lines and one query + a Python ``Counter``, which count the same pairs.
* ``cycles``: ``appliance.purchase.cycle._appliance_refresh`` (all customers,
  customer x category too); ``dashboard``: ``get_dashboard_data`` for a month;
  ``reports``: the monthly report as XLSX.

Usage (a database with the four addons and the bench history)::

    /opt/odoo19/venv/bin/python bench/bench_reports.py -d DB [--repeat 5]
"""

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from itertools import combinations

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TZ = "Asia/Shanghai"


def timed(func, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times), result


def report(label, median, low, high):
    print(f"{label:58s} median {median:8.1f} ms  (min {low:8.1f}, max {high:8.1f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", default="/tmp/bench-reports-data")
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
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US", "tz": TZ})
        manager = new_test_user(
            env, "bench_reports_mgr", groups="sales_team.group_sale_manager", tz=TZ
        )
        env.flush_all()
        cr.execute("ANALYZE")
        cr.execute(
            "SELECT COUNT(*), MIN(date_order) FROM sale_order WHERE state = 'sale'"
        )
        n_orders, first_order = cr.fetchone()
        cr.execute(
            """SELECT COUNT(*) FROM sale_order_line l JOIN sale_order s
               ON s.id = l.order_id WHERE s.state = 'sale'"""
        )
        (n_lines,) = cr.fetchone()
        print(f"database {args.db}: {n_orders} confirmed orders, {n_lines} lines")
        menv = env(user=manager, context={"lang": "en_US", "tz": TZ})

        # ---------------------------------------------------------------- pivot
        Analysis = menv["appliance.sales.analysis"]
        measures = ["revenue:sum", "profit:sum", "margin_percent:avg", "__count"]

        def orm_pivot():
            return Analysis.formatted_read_group(
                [], ["date:month", "categ_id"], measures
            )

        raw = SQL(
            """
            SELECT date_trunc('month', timezone(%s, timezone('UTC', s.date_order))),
                   t.categ_id,
                   SUM(l.price_subtotal),
                   SUM(l.price_subtotal - COALESCE(l.purchase_price, 0) * l.product_uom_qty),
                   100.0 * SUM(l.price_subtotal - COALESCE(l.purchase_price, 0)
                               * l.product_uom_qty) / NULLIF(SUM(l.price_subtotal), 0),
                   COUNT(*)
              FROM sale_order_line l
              JOIN sale_order s ON s.id = l.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
             WHERE s.state = 'sale' AND l.display_type IS NULL
               AND l.is_downpayment IS NOT TRUE
             GROUP BY 1, 2
            """,
            TZ,
        )

        def sql_pivot():
            cr.execute(raw)
            return cr.fetchall()

        def sale_report_pivot():
            return menv["sale.report"].formatted_read_group(
                [("state", "=", "sale")],
                ["date:month", "categ_id"],
                ["price_subtotal:sum", "__count"],
            )

        orm_pivot()
        sql_pivot()
        print("\npivot by month x category, whole history")
        o_med, o_min, o_max, groups = timed(orm_pivot, args.repeat)
        report(
            f"ORM  appliance.sales.analysis ({len(groups)} groups)", o_med, o_min, o_max
        )
        s_med, s_min, s_max, rows = timed(sql_pivot, args.repeat)
        report(
            f"SQL  GROUP BY on the order lines ({len(rows)} groups)",
            s_med,
            s_min,
            s_max,
        )
        r_med, r_min, r_max, _ = timed(sale_report_pivot, max(1, args.repeat // 2))
        report("ORM  sale.report (Odoo's own, for reference)", r_med, r_min, r_max)
        print(f"ratio ORM / SQL (median): {o_med / s_med:.2f}  (goal <= 1.5)")
        orm_total = round(sum(g["revenue:sum"] for g in groups), 2)
        sql_total = round(sum(float(r[2]) for r in rows), 2)
        orm_profit = round(sum(g["profit:sum"] for g in groups), 2)
        sql_profit = round(sum(float(r[3]) for r in rows), 2)
        print(
            f"revenue ORM {orm_total:,.2f} / SQL {sql_total:,.2f}; "
            f"profit ORM {orm_profit:,.2f} / SQL {sql_profit:,.2f}; "
            f"groups {len(groups)} / {len(rows)}"
        )
        assert abs(orm_total - sql_total) < 0.01 and abs(orm_profit - sql_profit) < 0.01

        # --------------------------------------------------------------- mining
        print(
            f"\nbought together over every confirmed order since {first_order:%Y-%m-%d}"
        )
        Affinity = env["appliance.product.affinity"]
        company = env.company
        window = {"date_from": first_order, "min_orders": 3}

        def pairs_only():
            # what _appliance_mine does up to the pairs: read the baskets, count
            rows = env.execute_query(
                SQL(
                    "SELECT array_agg(DISTINCT b.product_id ORDER BY b.product_id)"
                    " FROM (%s) b GROUP BY b.order_id",
                    Affinity._appliance_basket_sql(
                        company, first_order, odoo.fields.Datetime.now()
                    ),
                )
            )
            baskets = [tuple(products) for (products,) in rows]
            return Affinity._appliance_count_itemsets(
                baskets, window["min_orders"], with_triples=False
            )

        def mine():
            return Affinity._appliance_mine(company, **window)

        pairs_only()
        p_med, p_min, p_max, (_items, pairs, _t) = timed(pairs_only, args.repeat)
        report(f"pair mining: read + count ({len(pairs)} pairs)", p_med, p_min, p_max)
        print(f"  goal <= 1000 ms: {'met' if p_med <= 1000 else 'NOT met'}")
        m_med, m_min, m_max, stats = timed(mine, args.repeat)
        report(
            f"_appliance_mine: {stats['orders']} orders, {stats['pairs']} pairs, "
            f"{stats['triples']} sets of 3, stored",
            m_med,
            m_min,
            m_max,
        )
        print(
            "  last run: read {seconds_read:.2f} s, count pairs + sets of 3 "
            "{seconds_count:.2f} s, store {seconds_store:.2f} s".format(**stats)
        )

        naive = SQL(
            """
            SELECT a.product_id, b.product_id, COUNT(DISTINCT a.order_id)
              FROM sale_order_line a
              JOIN sale_order s ON s.id = a.order_id
              JOIN sale_order_line b ON b.order_id = a.order_id
                                    AND b.product_id > a.product_id
             WHERE s.state = 'sale' AND s.company_id = %s AND s.date_order >= %s
               AND a.display_type IS NULL AND b.display_type IS NULL
             GROUP BY 1, 2 HAVING COUNT(DISTINCT a.order_id) >= 3
            """,
            company.id,
            first_order,
        )

        def sql_self_join():
            cr.execute(naive)
            return cr.fetchall()

        def python_counter():
            cr.execute(
                SQL(
                    """SELECT array_agg(DISTINCT l.product_id ORDER BY l.product_id)
                         FROM sale_order_line l JOIN sale_order s ON s.id = l.order_id
                        WHERE s.state = 'sale' AND s.company_id = %s
                          AND s.date_order >= %s AND l.product_id IS NOT NULL
                          AND l.display_type IS NULL
                        GROUP BY l.order_id""",
                    company.id,
                    first_order,
                )
            )
            counter = Counter()
            for (products,) in cr.fetchall():
                counter.update(combinations(products, 2))
            return [pair for pair, n in counter.items() if n >= 3]

        j_med, j_min, j_max, pairs_sql = timed(sql_self_join, max(1, args.repeat // 2))
        report(
            f"naive SQL self-join of the lines ({len(pairs_sql)} pairs)",
            j_med,
            j_min,
            j_max,
        )
        c_med, c_min, c_max, pairs_py = timed(python_counter, max(1, args.repeat // 2))
        report(
            f"one query + Python Counter ({len(pairs_py)} pairs)", c_med, c_min, c_max
        )
        assert len(pairs_sql) == len(pairs_py) == stats["pairs"], (
            len(pairs_sql),
            len(pairs_py),
            stats["pairs"],
        )

        # --------------------------------------------------- cycles, dashboard
        print("\npurchase cycles, dashboard, reports")
        Cycle = env["appliance.purchase.cycle"]
        y_med, y_min, y_max, count = timed(
            lambda: Cycle._appliance_refresh(company), max(1, args.repeat // 2)
        )
        report(f"_appliance_refresh ({count} cycles)", y_med, y_min, y_max)
        partners = Cycle.search([("categ_id", "=", False)], limit=200).partner_id
        h_med, h_min, h_max, _ = timed(
            partners._appliance_predict_next_purchase, args.repeat
        )
        report(f"crm hook, {len(partners)} customers, live", h_med, h_min, h_max)
        Kpi = menv["appliance.sales.kpi"]
        d_med, d_min, d_max, _ = timed(
            lambda: Kpi.get_dashboard_data("month", -1), args.repeat
        )
        report("dashboard data, last month (manager)", d_med, d_min, d_max)
        d_med, d_min, d_max, _ = timed(
            lambda: Kpi.get_dashboard_data("year", 0), args.repeat
        )
        report("dashboard data, this year (manager)", d_med, d_min, d_max)
        last_month = date.today().replace(day=1) - timedelta(days=1)
        digest = menv["appliance.sales.digest"].create(
            {"kind": "monthly", "date_from": last_month}
        )
        x_med, x_min, x_max, _ = timed(
            lambda: menv["ir.actions.report"]._render_xlsx(
                "appliance_reports.action_report_sales_digest_xlsx", digest.ids, {}
            ),
            max(1, args.repeat // 2),
        )
        report("monthly report XLSX", x_med, x_min, x_max)
        cr.rollback()


if __name__ == "__main__":
    main()
