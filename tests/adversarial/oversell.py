"""Oversell and credit races (issue #8, items 8 and 9).

Oversell: each trial creates a storable product with ``N`` units in the main
warehouse and ``K`` quotations of ``N`` units each (one customer each), then
confirms the ``K`` orders at once:

* ``server``: ``K`` parallel JSON-RPC ``sale.order.action_confirm`` requests
  (one HTTP connection each, released together) to an Odoo server with
  ``--workers`` (Odoo retries serialization failures as usual);
* ``threads``: ``K`` threads in this process, each with its own cursor, each
  request run through Odoo's ``retrying`` (``ThreadTrials`` of
  test_appliance_adversarial's test_concurrency.py).

After each trial it counts an over-commitment when the confirmed orders commit
more than is on hand, when their deliveries reserve more than is on hand, or
when a quant is reserved beyond its quantity. With the oversell guard on, the
pass mark is 0; stock Odoo (guard off) runs fewer trials, as a baseline.

Credit race: ``K`` orders of 60,000 for one customer whose credit limit is
100,000 (credit rule active), confirmed at once; pass: at most one confirmed
(the others go to approval) in every trial.

Usage (Odoo's interpreter; any working directory)::

    nice -n 19 /opt/odoo19/venv/bin/python tests/adversarial/oversell.py \\
        -d h_adv_oversell --create [--modes server,threads] [--trials 200] \\
        [--baseline-trials 20] [--credit-trials 100] [--k 2,5,20] [--n 1,5]

``--create`` (re)creates the database from scratch (appliance_stock with demo
data) when it does not exist. Exits non-zero when the guard lets anything be
over-committed or a credit race confirms two orders.
"""

import argparse
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


class ServerTrials:
    """The trials of ``ThreadTrials``, through JSON-RPC to a server."""

    def __init__(self, rpc):
        self.rpc = rpc
        company = rpc("res.users", "read", [rpc.uid], ["company_id"])[0]["company_id"]
        self.company_id = company[0]
        self.warehouse_id, self.stock_location_id = rpc.main_stock(self.company_id)
        self.credit_rule_id = rpc.ref("appliance_sales.tier_definition_credit_limit")
        self.saved_guard = rpc(
            "res.company", "read", [self.company_id], ["appliance_oversell_guard"]
        )[0]["appliance_oversell_guard"]
        self.saved_credit = rpc(
            "tier.definition",
            "read",
            [self.credit_rule_id],
            ["active"],
            context={"active_test": False},
        )[0]["active"]
        self.partner_ids = []

    def set_guard(self, on):
        self.rpc(
            "res.company", "write", [self.company_id], {"appliance_oversell_guard": on}
        )

    def set_credit_rule(self, on):
        self.rpc("tier.definition", "write", [self.credit_rule_id], {"active": on})

    def restore(self):
        self.set_guard(self.saved_guard)
        self.set_credit_rule(self.saved_credit)

    def _race(self, order_ids):
        barrier = threading.Barrier(len(order_ids))

        def confirm(order_id):
            barrier.wait(timeout=120)
            try:
                self.rpc("sale.order", "action_confirm", [order_id])
                return "confirmed"
            except harness.RpcError as error:
                return "refused" if error.user_error else "failed"
            except OSError:
                return "failed"

        with ThreadPoolExecutor(max_workers=len(order_ids)) as pool:
            return Counter(pool.map(confirm, order_ids))

    def _partners(self, k):
        missing = k - len(self.partner_ids)
        if missing > 0:
            self.partner_ids += self.rpc(
                "res.partner",
                "create",
                [{"name": f"Oversell race customer {i}"} for i in range(missing)],
            )
        return self.partner_ids[:k]

    def oversell_many(self, k, n, runs, chunk=25):
        """``runs`` trials; the data of ``chunk`` trials is made in a few RPC
        calls and read back after their races, so a trial costs its race only."""
        results = []
        while len(results) < runs:
            trials = self._prepare(k, n, min(chunk, runs - len(results)))
            outcomes = [self._race(order_ids) for _product, order_ids in trials]
            results += self._evaluate(trials, outcomes)
        return results

    def _prepare(self, k, n, count):
        rpc = self.rpc
        partner_ids = self._partners(k)
        product_ids = rpc(
            "product.product",
            "create",
            [{"name": f"Race breaker K{k} N{n}", "is_storable": True}] * count,
        )
        ctx = {"context": {"inventory_mode": True}}
        quants = rpc(
            "stock.quant",
            "create",
            [
                {
                    "product_id": product_id,
                    "location_id": self.stock_location_id,
                    "inventory_quantity": n,
                }
                for product_id in product_ids
            ],
            **ctx,
        )
        rpc("stock.quant", "action_apply_inventory", quants, **ctx)
        order_ids = rpc(
            "sale.order",
            "create",
            [
                {
                    "partner_id": partner_id,
                    "warehouse_id": self.warehouse_id,
                    "order_line": [
                        (0, 0, {"product_id": product_id, "product_uom_qty": n})
                    ],
                }
                for product_id in product_ids
                for partner_id in partner_ids
            ],
        )
        return [
            (product_id, order_ids[i * k : (i + 1) * k])
            for i, product_id in enumerate(product_ids)
        ]

    def _evaluate(self, trials, outcomes):
        rpc = self.rpc
        product_ids = [product_id for product_id, _orders in trials]
        all_orders = [order_id for _product, orders in trials for order_id in orders]
        states = {
            o["id"]: o["state"]
            for o in rpc("sale.order", "read", all_orders, ["state"])
        }
        committed, reserved, on_hand, quant_over = (Counter() for _i in range(4))
        for line in rpc(
            "sale.order.line",
            "search_read",
            [("order_id", "in", all_orders), ("state", "=", "sale")],
            ["product_id", "product_uom_qty"],
        ):
            committed[line["product_id"][0]] += line["product_uom_qty"]
        for move in rpc(
            "stock.move",
            "search_read",
            # the deliveries (the inventory adjustment that put the stock is done)
            [
                ("product_id", "in", product_ids),
                ("state", "not in", ("draft", "cancel", "done")),
            ],
            ["product_id", "quantity"],
        ):
            reserved[move["product_id"][0]] += move["quantity"]
        for quant in rpc(
            "stock.quant",
            "search_read",
            [("product_id", "in", product_ids), ("location_id.usage", "=", "internal")],
            ["product_id", "quantity", "reserved_quantity"],
        ):
            product_id = quant["product_id"][0]
            on_hand[product_id] += quant["quantity"]
            quant_over[product_id] += quant["reserved_quantity"]
            if quant["reserved_quantity"] > quant["quantity"]:
                quant_over[product_id] += 1e9
        results = []
        for (product_id, orders), outcome in zip(trials, outcomes, strict=True):
            over_quant = quant_over[product_id] > on_hand[product_id]
            results.append(
                {
                    "outcomes": outcome,
                    "on_hand": on_hand[product_id],
                    "committed": committed[product_id],
                    "reserved": reserved[product_id],
                    "quant_over": over_quant,
                    "over": committed[product_id] > on_hand[product_id]
                    or reserved[product_id] > on_hand[product_id]
                    or over_quant,
                    "confirmed": sum(1 for o in orders if states[o] == "sale"),
                }
            )
        return results

    def credit(self, k, limit=100000, price=60000):
        rpc = self.rpc
        partner_id = rpc(
            "res.partner",
            "create",
            {"name": "Credit race customer", "is_company": True},
        )
        rpc("res.partner", "write", [partner_id], {"credit_limit": limit})
        product_id = getattr(self, "credit_product_id", None)
        if not product_id:
            product_id = self.credit_product_id = rpc(
                "product.product",
                "create",
                {
                    "name": "Credit race commissioning",
                    "type": "service",
                    "list_price": price,
                    "taxes_id": [(5, 0, 0)],
                },
            )
        order_ids = rpc(
            "sale.order",
            "create",
            [
                {
                    "partner_id": partner_id,
                    "order_line": [
                        (0, 0, {"product_id": product_id, "product_uom_qty": 1})
                    ],
                }
                for _i in range(k)
            ],
        )
        outcomes = self._race(order_ids)
        orders = rpc("sale.order", "read", order_ids, ["state", "validation_status"])
        confirmed = [o["id"] for o in orders if o["state"] == "sale"]
        pending = sum(1 for o in orders if o["validation_status"] == "pending")
        if confirmed:
            rpc(
                "sale.order",
                "action_cancel",
                confirmed,
                context={"disable_cancel_warning": True},
            )
        return outcomes, len(confirmed), pending


def oversell_rows(trials, label, guard, runs, ks, ns):
    trials.set_guard(guard)
    rows = []
    for n in ns:
        for k in ks:
            started = time.monotonic()
            over = over_committed = over_reserved = 0
            outcomes = Counter()
            if hasattr(trials, "oversell_many"):
                results = trials.oversell_many(k, n, runs)
            else:
                results = (trials.oversell(k, n) for _run in range(runs))
            for figures in results:
                outcomes.update(figures["outcomes"])
                over += figures["over"]
                over_committed += figures["committed"] > figures["on_hand"]
                over_reserved += (
                    figures["reserved"] > figures["on_hand"] or figures["quant_over"]
                )
            row = [
                label,
                "on" if guard else "off (stock)",
                k,
                n,
                runs,
                over,
                over_committed,
                over_reserved,
                " ".join(f"{key}={value}" for key, value in sorted(outcomes.items())),
                f"{time.monotonic() - started:.0f}",
                harness.loadavg(),
            ]
            print("  ".join(map(str, row)), flush=True)
            rows.append(row)
    return rows


def credit_rows(trials, label, runs, ks):
    rows = []
    for k in ks:
        started = time.monotonic()
        per_trial = Counter()
        outcomes = Counter()
        for _run in range(runs):
            outcome, confirmed, _pending = trials.credit(k)
            outcomes.update(outcome)
            per_trial[confirmed] += 1
        row = [
            label,
            k,
            runs,
            sum(count for confirmed, count in per_trial.items() if confirmed > 1),
            " ".join(f"{c} confirmed: {t}" for c, t in sorted(per_trial.items())),
            " ".join(f"{key}={value}" for key, value in sorted(outcomes.items())),
            f"{time.monotonic() - started:.0f}",
            harness.loadavg(),
        ]
        print("  ".join(map(str, row)), flush=True)
        rows.append(row)
    return rows


def thread_trials(args):
    """ThreadTrials in this process (imports Odoo)."""
    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        [
            "-c",
            str(harness.ROOT / "odoo.conf"),
            f"--data-dir={args.data_dir}",
            "-d",
            args.database,
            "--log-level=warn",
            *harness.db_args(args.db_host, args.db_port),
        ]
    )
    odoo.modules.module.initialize_sys_path()
    from odoo.addons.test_appliance_adversarial.tests.test_concurrency import (  # noqa: PLC0415
        ThreadTrials,
    )

    return ThreadTrials(args.database)


OVERSELL_HEADERS = [
    "path",
    "guard",
    "K",
    "N",
    "trials",
    "over-commitments",
    "committed>on hand",
    "reserved>on hand",
    "outcomes",
    "seconds",
    "load avg (1 5 15)",
]
CREDIT_HEADERS = [
    "path",
    "K",
    "trials",
    "trials with >1 confirmed",
    "confirmed per trial",
    "outcomes",
    "seconds",
    "load avg",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--create", action="store_true", help="create the database if missing"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="drop and create the database first"
    )
    parser.add_argument("--modes", default="server,threads")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--baseline-trials", type=int, default=20)
    parser.add_argument("--credit-trials", type=int, default=100)
    parser.add_argument("--k", default="2,5,20")
    parser.add_argument("--n", default="1,5")
    parser.add_argument("--credit-k", default="2,5")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--db-host")
    parser.add_argument("--db-port")
    args = parser.parse_args()
    args.data_dir = args.data_dir or f"/tmp/adversarial-{args.database}-data"
    ks = [int(k) for k in args.k.split(",")]
    ns = [int(n) for n in args.n.split(",")]
    credit_ks = [int(k) for k in args.credit_k.split(",") if k]
    modes = args.modes.split(",")

    harness.ensure_db(args)
    started = time.monotonic()
    print(f"start: {harness.loadavg()}", flush=True)
    oversell, credit = [], []
    if "server" in modes:
        server = None
        if args.url:
            url = args.url
        else:
            server = harness.Server(
                args.database,
                args.data_dir,
                workers=args.workers,
                port=args.port,
                host=args.db_host,
                db_port=args.db_port,
                name="oversell",
            ).start()
            url = server.url
        try:
            rpc = harness.Rpc(url, args.database)
            trials = ServerTrials(rpc)
            label = f"server --workers={args.workers}"
            try:
                if args.trials:
                    oversell += oversell_rows(trials, label, True, args.trials, ks, ns)
                if args.baseline_trials:
                    oversell += oversell_rows(
                        trials, label, False, args.baseline_trials, ks, ns
                    )
                if args.credit_trials and credit_ks:
                    trials.set_guard(True)
                    trials.set_credit_rule(True)
                    credit += credit_rows(trials, label, args.credit_trials, credit_ks)
            finally:
                trials.restore()
        finally:
            if server:
                server.stop()
    if "threads" in modes:
        trials = thread_trials(args)
        label = "threads, own cursors"
        try:
            if args.trials:
                oversell += oversell_rows(trials, label, True, args.trials, ks, ns)
            if args.baseline_trials:
                oversell += oversell_rows(
                    trials, label, False, args.baseline_trials, ks, ns
                )
            if args.credit_trials and credit_ks:
                trials.set_guard(True)
                credit += credit_rows(trials, label, args.credit_trials, credit_ks)
        finally:
            trials.cleanup()

    print(f"\ndatabase {args.database}, {time.monotonic() - started:.0f}s in all")
    harness.table(
        "Oversell: K orders of N units racing for N units", OVERSELL_HEADERS, oversell
    )
    harness.table(
        "Credit race: K orders of 60,000, credit limit 100,000",
        CREDIT_HEADERS,
        credit,
    )
    failures = [row for row in oversell if row[1] == "on" and row[5]]
    failures += [row for row in credit if row[3]]
    if failures:
        print(f"\nFAILED: {len(failures)} rows above their pass mark")
        sys.exit(1)
    print("\nPASS: 0 over-commitments with the guard, <= 1 confirmed per credit race")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
