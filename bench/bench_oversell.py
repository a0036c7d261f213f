"""Benchmark: parallel confirmations of orders for the last units in stock.

Each trial creates a storable product with ``N`` units in the main warehouse
and ``K`` quotations of ``N`` units each, then sends the ``K`` confirmations at
once as parallel JSON-RPC requests (``sale.order.action_confirm``, one HTTP
connection each, released together by a barrier) to a real Odoo server running
with workers, which retries serialization failures as usual. After the trial it
reads back, through RPC:

* over-committed: the confirmed orders commit more than ``N`` units;
* over-reserved: their deliveries reserve more than ``N`` units, or the quants
  of the product are reserved beyond their quantity.

It runs the trials twice: with the oversell guard off (stock Odoo: every order
is confirmed, so "over-committed" is by design; "over-reserved" is stock Odoo's
own race) and on (the company setting ``appliance_oversell_guard``). Refused
confirmations are those answered with a ``UserError``; failed ones with any
other error (e.g. retries exhausted). Confirmed orders are cancelled after each
trial; the products (archived) and customers stay in the database.

Usage (from the repository root; a database with appliance_stock and demo data,
admin / admin)::

    /opt/odoo19/venv/bin/python bench/bench_oversell.py -d DB --port 48150 \
        --start-server [--workers 4] [--trials 200] [--k 2,5,20] [--n 1,5]

``--start-server`` starts ``odoo -c odoo.conf -d DB --workers=W`` on ``--port``
for the run and stops it afterwards; without it a server must already listen
there.
"""

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

LAUNCHER = """import sys, time
if len(sys.argv) > 1 and sys.argv[1] == "gevent":
    while True:  # the long-polling process: not needed for RPC
        time.sleep(3600)
from odoo.cli.command import main
main()
"""

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
_ids = itertools.count(1)


class Rpc:
    def __init__(self, url, db, login, password):
        self.url = f"{url}/jsonrpc"
        self.db = db
        self.password = password
        self.uid = self.call("common", "login", db, login, password)
        if not self.uid:
            sys.exit(f"cannot log in as {login} on {db}")

    def call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": next(_ids),
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=600) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")

    def __call__(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )


class RpcError(Exception):
    def __init__(self, error):
        super().__init__(error.get("data", {}).get("message") or error.get("message"))
        self.name = error.get("data", {}).get("name", "")


def start_server(db, port, workers):
    log = open(os.path.join("/tmp", f"bench_oversell_{db}_{port}.log"), "w")  # noqa: SIM115
    python = os.environ.get("ODOO_PYTHON", sys.executable)
    # With workers, Odoo starts its long-polling process by re-running its own
    # command line with "gevent" added. RPC does not use it, and where gevent
    # cannot start the master respawns it in a loop that eats a core: the
    # launcher parks it instead.
    launcher = os.path.join(tempfile.gettempdir(), "bench_oversell_odoo.py")
    with open(launcher, "w") as handle:
        handle.write(LAUNCHER)
    server = subprocess.Popen(
        [
            python,
            launcher,
            "-c",
            "odoo.conf",
            f"--data-dir={ROOT}/.odoo-data",
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--workers={workers}",
            "--max-cron-threads=0",
            f"--http-port={port}",
            "--limit-time-real=600",
            "--log-level=warn",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(240):
        if server.poll() is not None:
            sys.exit(f"server stopped (port {port} in use?), see {log.name}")
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/web/health", timeout=10
            ):
                return server
        except OSError:  # refused, or a timeout while the server starts
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"server did not start, see {log.name}")


class Bench:
    def __init__(self, rpc):
        self.rpc = rpc
        company = rpc("res.users", "read", [rpc.uid], ["company_id"])[0]["company_id"]
        self.company_id = company[0]
        warehouse = rpc(
            "stock.warehouse",
            "search_read",
            [("company_id", "=", self.company_id)],
            ["lot_stock_id"],
            limit=1,
        )[0]
        self.warehouse_id = warehouse["id"]
        self.stock_location_id = warehouse["lot_stock_id"][0]
        self.previous_guard = rpc(
            "res.company", "read", [self.company_id], ["appliance_oversell_guard"]
        )[0]["appliance_oversell_guard"]
        # one customer per order: Odoo already serialises the confirmations of a
        # customer (it locks the partner to raise its customer rank)
        self.partner_ids = []

    def set_guard(self, on):
        self.rpc(
            "res.company", "write", [self.company_id], {"appliance_oversell_guard": on}
        )

    def trial(self, k, n):
        rpc = self.rpc
        if len(self.partner_ids) < k:
            self.partner_ids += rpc(
                "res.partner",
                "create",
                [
                    {"name": f"Oversell bench customer {i}"}
                    for i in range(len(self.partner_ids), k)
                ],
            )
        product_id = rpc(
            "product.product",
            "create",
            {"name": f"Bench last unit K{k} N{n}", "is_storable": True},
        )
        ctx = {"context": {"inventory_mode": True}}
        quant = rpc(
            "stock.quant",
            "create",
            {
                "product_id": product_id,
                "location_id": self.stock_location_id,
                "inventory_quantity": n,
            },
            **ctx,
        )
        rpc("stock.quant", "action_apply_inventory", [quant], **ctx)
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
                for partner_id in self.partner_ids[:k]
            ],
        )
        barrier = threading.Barrier(k)

        def confirm(order_id):
            barrier.wait(timeout=120)
            try:
                rpc("sale.order", "action_confirm", [order_id])
                return "confirmed"
            except RpcError as error:
                return "refused" if error.name.endswith("UserError") else "failed"

        with ThreadPoolExecutor(max_workers=k) as pool:
            outcomes = Counter(pool.map(confirm, order_ids))
        orders = rpc(
            "sale.order", "read", order_ids, ["state", "amount_untaxed", "order_line"]
        )
        confirmed = [o["id"] for o in orders if o["state"] == "sale"]
        lines = rpc(
            "sale.order.line",
            "search_read",
            [("order_id", "in", confirmed)],
            ["product_uom_qty"],
        )
        committed = sum(line["product_uom_qty"] for line in lines)
        moves = rpc(
            "stock.move",
            "search_read",
            # the deliveries (the inventory adjustment that put the stock is done)
            [("product_id", "=", product_id), ("state", "not in", ("cancel", "done"))],
            ["quantity"],
        )
        reserved = sum(move["quantity"] for move in moves)
        quants = rpc(
            "stock.quant",
            "search_read",
            [
                ("product_id", "=", product_id),
                ("location_id.usage", "=", "internal"),
            ],
            ["quantity", "reserved_quantity"],
        )
        quant_over = sum(q["reserved_quantity"] for q in quants) > sum(
            q["quantity"] for q in quants
        )
        if confirmed:
            rpc(
                "sale.order",
                "action_cancel",
                confirmed,
                context={"disable_cancel_warning": True},
            )
        rpc("product.product", "write", [product_id], {"active": False})
        return outcomes, committed > n, reserved > n or quant_over


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--start-server", action="store_true")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--k", default="2,5,20")
    parser.add_argument("--n", default="1,5")
    parser.add_argument("--modes", default="stock,guard")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args()

    server = None
    if args.start_server:
        server = start_server(args.database, args.port, args.workers)
    try:
        rpc = Rpc(
            f"http://127.0.0.1:{args.port}", args.database, args.login, args.password
        )
        bench = Bench(rpc)
        print(
            f"db={args.database} workers={args.workers} trials={args.trials} "
            "(K orders of N units each racing for N units)"
        )
        print("mode   K  N  trials  over-committed  over-reserved  outcomes  seconds")
        for mode in args.modes.split(","):
            bench.set_guard(mode == "guard")
            for n in map(int, args.n.split(",")):
                for k in map(int, args.k.split(",")):
                    start = time.perf_counter()
                    over_committed = over_reserved = 0
                    totals = Counter()
                    for _trial in range(args.trials):
                        outcomes, committed, reserved = bench.trial(k, n)
                        totals.update(outcomes)
                        over_committed += committed
                        over_reserved += reserved
                    print(
                        f"{mode:5} {k:2} {n:2} {args.trials:7} {over_committed:15} "
                        f"{over_reserved:14}  {dict(totals)}  "
                        f"{time.perf_counter() - start:.0f}",
                        flush=True,
                    )
        bench.set_guard(bench.previous_guard)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
