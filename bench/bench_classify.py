#!/usr/bin/env python3
"""Benchmark of the customer classification of appliance_crm.

    python bench/bench_classify.py -c odoo.conf -d DB [--runs 3] [--commit]

On a database built by ``bench/generate.py --scale bench`` (20,000 customers,
50,000 confirmed orders) it measures, inside one transaction rolled back at the
end unless ``--commit``:

1. a full classification after every band was cleared (every customer written,
   every band change logged): the goal is <= 1 s;
2. a classification with nothing to change (the nightly job on a quiet day);
3. a classification after 10 % of the customers bought again (a few thousand
   changes);
4. matching every customer to its strategy and applying it (``_apply_all``) with
   four strategies, and the customer 360 figures of one page of 80 customers.

Times are wall-clock seconds of the Python call, SQL included.
"""

import argparse
import statistics
import sys
import time

import odoo
from odoo.api import SUPERUSER_ID
from odoo.modules.registry import Registry


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commit", action="store_true", help="keep the bands written")
    return parser.parse_known_args(argv)


def timed(label, func, runs=1, before=None):
    results = []
    value = None
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        value = func()
        results.append(time.perf_counter() - started)
    best, median = min(results), statistics.median(results)
    print(f"{label:<58} best {best:7.3f} s  median {median:7.3f} s  -> {value}")
    return value


def main(argv=None):
    args, odoo_args = parse_args(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--log-level") for a in odoo_args):
        odoo_args.append("--log-level=warn")
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, *odoo_args])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        Partner = env["res.partner"]
        cr.execute("SELECT COUNT(*) FROM sale_order WHERE state = 'sale'")
        orders = cr.fetchone()[0]
        cr.execute(
            "SELECT COUNT(*) FROM res_partner WHERE id = commercial_partner_id AND active"
        )
        partners = cr.fetchone()[0]
        print(
            f"database {args.database}: {partners} commercial partners, {orders} confirmed orders"
        )

        def clear():
            env.flush_all()
            cr.execute("DELETE FROM appliance_customer_band")
            cr.execute("DELETE FROM appliance_customer_band_history")
            env.invalidate_all()

        def classify():
            stats = Partner._appliance_classify()
            return {
                k: round(v, 3) if isinstance(v, float) else v for k, v in stats.items()
            }

        timed(
            "1. full classification from scratch (all written)",
            classify,
            args.runs,
            clear,
        )
        timed("2. classification, nothing changed", classify, args.runs)

        def bought_again():
            cr.execute(
                """UPDATE sale_order SET date_order = NOW() - INTERVAL '1 day'
                    WHERE id IN (SELECT MAX(so.id) FROM sale_order so
                                   JOIN res_partner p ON p.id = so.partner_id
                                  WHERE so.state = 'sale' AND p.id % 10 = 0
                               GROUP BY p.commercial_partner_id)"""
            )
            env.invalidate_all()

        timed("3. after 10 % of the customers bought again", classify, 1, bought_again)

        Strategy = env["appliance.customer.strategy"]
        pricelist = env["product.pricelist"].search([], limit=1)
        terms = env["account.payment.term"].search([], limit=2)
        Strategy.search([]).active = False
        Strategy.create(
            [
                {"name": "Champions", "rfm_segment": "champion", "visit_interval_days": 14,
                 "service_priority": "2", "pricelist_id": pricelist.id,
                 "payment_term_id": terms[:1].id},
                {"name": "Loyal", "rfm_segment": "loyal", "visit_interval_days": 30,
                 "service_priority": "1", "payment_term_id": terms[1:2].id},
                {"name": "At risk", "rfm_segment": "at_risk", "visit_interval_days": 21},
                {"name": "Others", "visit_interval_days": 90},
            ]
        )  # fmt: skip
        timed("4a. match and apply 4 strategies (first time)", Strategy._apply_all)
        timed("4b. match and apply 4 strategies (no change)", Strategy._apply_all)

        page = Partner.search([("appliance_frequency_band", "!=", False)], limit=80)

        def page_360():
            env.invalidate_all()
            page.read(["appliance_360_order_count", "appliance_360_total_spend",
                       "appliance_avg_days_to_pay", "appliance_360_html",
                       "appliance_duplicate_count"])  # fmt: skip
            return len(page)

        timed("5. customer 360 of 80 customers (one list page)", page_360, args.runs)
        cr.execute(
            """SELECT rfm_segment, COUNT(*) FROM appliance_customer_band
                WHERE rfm_segment IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"""
        )
        print("RFM segments:", dict(cr.fetchall()))
        if args.commit:
            cr.commit()
            print("committed")
        else:
            cr.rollback()
            print("rolled back (use --commit to keep the bands)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
