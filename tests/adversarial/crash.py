"""Crash consistency (issue #8, item 11): worker kills and a database crash
under load, then the invariant suite.

Everything runs in a PRIVATE PostgreSQL cluster (``initdb`` in /tmp, own port
and socket; the machine's shared server is only read, by ``pg_dump``, when
``--copy-from`` is given). An Odoo server with ``--workers`` serves clients
that, in a loop, import Excel order lists over JSON-RPC (``import_orders``),
confirm the imported quotations (oversell guard on, scarce stock), and run
count sessions to their end. Meanwhile the killer SIGKILLs ``--kills`` workers,
each one caught mid-request (a worker whose CPU time grows: Odoo runs a request
in one transaction), and once, half-way, the cluster is
crashed with ``pg_ctl restart -m immediate``. Clients send a failed import
again (the import key makes a second import of a file a no-op or a refusal).
After the load stops, ``invariants.py`` runs on the database: 0 rows pass.

Usage::

    nice -n 19 /opt/odoo19/venv/bin/python tests/adversarial/crash.py \\
        -d h_adv_crash (--create | --copy-from DB_ON_SHARED_SERVER) \\
        [--kills 50] [--clients 4] [--workers 4]
"""

import argparse
import base64
import io
import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import invariants

PREFIX = "adversarial"
HEADER = (
    "客户 Customer", "联系人 Contact", "电话 Phone", "送货地址 Delivery Address",
    "客户订单号 Customer Order Ref", "型号 Model Code", "数量 Quantity", "单价 Unit Price",
    "要求交货日期 Requested Date", "备注 Note",
)  # fmt: skip
ORDERS_PER_FILE = 3
LINES_PER_ORDER = 3


def order_file(file_key, customers, codes, rng):
    """An .xlsx of ORDERS_PER_FILE orders of LINES_PER_ORDER lines each; the
    references say which file and how many orders and lines (see invariants)."""
    import xlsxwriter  # noqa: PLC0415 - Odoo's environment

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("订单 Orders")
    sheet.write_row(0, 0, HEADER)
    row = 1
    for i in range(1, ORDERS_PER_FILE + 1):
        customer = rng.choice(customers)
        ref = f"{file_key}-{i}of{ORDERS_PER_FILE}L{LINES_PER_ORDER}"
        for code in rng.sample(codes, LINES_PER_ORDER):
            sheet.write_string(row, 0, customer)
            sheet.write_string(row, 4, ref)
            sheet.write_string(row, 5, code)
            sheet.write_number(row, 6, rng.randint(1, 3))
            row += 1
    book.close()
    return base64.b64encode(output.getvalue()).decode()


class Load:
    """Clients looping over imports, confirmations and count sessions."""

    def __init__(self, server, args):
        self.server = server
        self.args = args
        self.stop = threading.Event()
        self.stats = Counter()
        self.lock = threading.Lock()
        self.file_no = 0
        self.tag = f"C{int(time.time()) % 100000}"

    def count(self, key, n=1):
        with self.lock:
            self.stats[key] += n

    def rpc(self):
        while not self.stop.is_set():
            try:
                return self.server.rpc(timeout=300)
            except Exception:  # noqa: BLE001 - the server may be restarting
                time.sleep(1)
        return None

    def setup(self):
        rpc = self.rpc()
        company = rpc("res.users", "read", [rpc.uid], ["company_id"])[0]["company_id"]
        self.company_id = company[0]
        rpc(
            "res.company",
            "write",
            [self.company_id],
            {
                "appliance_oversell_guard": True,
                "appliance_count_recount_pct": 0,
                "appliance_count_approval_value": 0,
            },
        )
        self.warehouse_id, self.stock_location_id = rpc.main_stock(self.company_id)
        self.reason_id = rpc.ref("appliance_stock.reason_damage")
        cn, js = rpc.ref("base.cn"), rpc.ref("base.state_cn_JS")
        self.customers = []
        for n in range(8):
            code = f"{self.tag}-CU{n}"
            rpc(
                "res.partner",
                "create",
                {
                    "name": f"Crash customer {code}",
                    "appliance_customer_code": code,
                    "is_company": True,
                    "phone": "025-86668888",
                    "street": "江宁区天元中路 1 号",
                    "city": "南京",
                    "state_id": js,
                    "country_id": cn,
                },
            )
            self.customers.append(code)
        self.codes = []
        ctx = {"context": {"inventory_mode": True}}
        for n in range(12):
            code = f"{self.tag}-P{n}"
            product_id = rpc(
                "product.product",
                "create",
                {
                    "name": f"Crash breaker {code}",
                    "is_storable": True,
                    "appliance_kind": "component",
                    "appliance_model_code": code,
                    "list_price": 100,
                    "standard_price": 60,
                },
            )
            # scarce: confirmations run out of stock and the guard refuses
            quant = rpc(
                "stock.quant",
                "create",
                {
                    "product_id": product_id,
                    "location_id": self.stock_location_id,
                    "inventory_quantity": 40,
                },
                **ctx,
            )
            rpc("stock.quant", "action_apply_inventory", [quant], **ctx)
            self.codes.append(code)
        self.racks = [
            rpc(
                "stock.location",
                "create",
                {
                    "name": f"Crash rack {self.tag}-{n}",
                    "location_id": self.stock_location_id,
                },
            )
            for n in range(3)
        ]
        for rack in self.racks:
            for code in self.codes[:4]:
                product_id = rpc(
                    "product.product", "search", [("appliance_model_code", "=", code)]
                )[0]
                quant = rpc(
                    "stock.quant",
                    "create",
                    {
                        "product_id": product_id,
                        "location_id": rack,
                        "inventory_quantity": 20,
                    },
                    **ctx,
                )
                rpc("stock.quant", "action_apply_inventory", [quant], **ctx)

    # ------------------------------------------------------------ operations

    def do_import(self, rpc, rng):
        with self.lock:
            self.file_no += 1
            key = f"{self.tag}F{self.file_no}"
        content = order_file(key, self.customers, self.codes, rng)
        for attempt in range(5):  # send it again after a crash, as a user would
            try:
                result = rpc(
                    "appliance.order.import", "import_orders", content, f"{key}.xlsx"
                )
            except harness.RpcError as error:
                self.count("import: error answer")
                if error.user_error:
                    return
            except OSError:
                self.count("import: attempts cut off (connection lost)")
            else:
                if result["orders"]:
                    self.count("import: orders created", len(result["orders"]))
                    self.count("import: files imported")
                else:
                    # a second send of a file the first one imported
                    self.count("import: refused (already imported)")
                if attempt:
                    self.count("import: sent again")
                return
            if self.stop.is_set():
                return
            time.sleep(0.5)

    def do_confirm(self, rpc, rng):
        ids = rpc(
            "sale.order",
            "search",
            [("state", "=", "draft"), ("client_order_ref", "like", f"{self.tag}F")],
            limit=20,
        )
        if not ids:
            return
        try:
            rpc("sale.order", "action_confirm", [rng.choice(ids)])
            self.count("confirm: confirmed")
        except harness.RpcError as error:
            self.count(
                "confirm: refused" if error.user_error else "confirm: error answer"
            )

    def do_count(self, rpc, rng):
        rack = rng.choice(self.racks)
        session = rpc(
            "appliance.count.session",
            "create",
            {"warehouse_id": self.warehouse_id, "location_ids": [(6, 0, [rack])]},
        )
        try:
            rpc("appliance.count.session", "action_start", [session])
            lines = rpc(
                "appliance.count.line",
                "search_read",
                [("session_id", "=", session)],
                ["theoretical_qty"],
            )
            for line in lines:
                rpc(
                    "appliance.count.line",
                    "write",
                    [line["id"]],
                    {
                        "counted_qty": max(
                            line["theoretical_qty"] - rng.randint(0, 2), 0
                        )
                    },
                )
            rpc("appliance.count.session", "action_finish_counting", [session])
            variance = rpc(
                "appliance.count.line",
                "search",
                [("session_id", "=", session), ("has_variance", "=", True)],
            )
            if variance:
                rpc(
                    "appliance.count.line",
                    "write",
                    variance,
                    {"reason_id": self.reason_id, "note": "crash suite"},
                )
            rpc("appliance.count.session", "action_validate", [session])
            self.count("count: applied")
        except harness.RpcError as error:
            # another session moved the stock since the snapshot, the rack is
            # being counted...: refused, cancel ours
            self.count("count: refused" if error.user_error else "count: error answer")
            try:
                rpc("appliance.count.session", "action_cancel", [session])
            except (harness.RpcError, OSError):
                pass

    def client(self, seed):
        rng = random.Random(seed)
        rpc = self.rpc()
        operations = [self.do_import, self.do_import, self.do_confirm, self.do_confirm]
        operations.append(self.do_count)
        while not self.stop.is_set():
            operation = rng.choice(operations)
            name = operation.__name__.removeprefix("do_")
            try:
                operation(rpc, rng)
                self.count("requests: operations done")
            except harness.RpcError:
                self.count(f"{name}: error answer")
            except OSError:  # a killed worker, the database restarting
                self.count(f"{name}: connection lost")
                time.sleep(0.5)


def busy_workers(server, window=0.15):
    """Workers of ``server`` running a request now: their CPU time grows
    within ``window`` seconds. (``pg_stat_activity`` cannot tell the workers
    apart: they inherit the master's ``application_name``, odoo-<master pid>.)
    A request is one transaction from its start to its end: a worker busy with
    one is killed mid-transaction."""
    import psutil  # noqa: PLC0415 - Odoo's environment

    def cpu(pids):
        times = {}
        for pid in pids:
            try:
                t = psutil.Process(pid).cpu_times()
            except psutil.NoSuchProcess:
                continue
            times[pid] = t.user + t.system
        return times

    before = cpu(server.workers())
    time.sleep(window)
    after = cpu(before)
    return sorted(pid for pid, t in after.items() if t > before[pid])


def open_transactions(cluster, db):
    """Odoo sessions inside a transaction in the database now."""
    out = cluster.psql(
        db,
        "SELECT COUNT(*) FROM pg_stat_activity"
        f" WHERE datname = '{db}' AND xact_start IS NOT NULL"
        " AND application_name LIKE 'odoo-%'",
    )
    return int(out.strip() or 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--create", action="store_true")
    source.add_argument("--copy-from", help="database on the shared server to copy")
    parser.add_argument(
        "--copy-data-dir", help="data dir of --copy-from (its filestore is copied)"
    )
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument(
        "--interval",
        type=lambda text: tuple(float(x) for x in text.split(",")),
        default=(2.0, 6.0),
        help="seconds between kills: min,max (random)",
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--max-seconds", type=int, default=2400, help="of killing; then it stops"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--prefix", default=PREFIX, help="of /tmp paths")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    data_dir = Path(f"/tmp/{args.prefix}-crash-data")
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)

    started = time.monotonic()
    print(f"start: {harness.loadavg()}", flush=True)
    cluster = harness.PrivateCluster(args.prefix).init().start()
    server = None
    try:
        host, port = str(cluster.sock), cluster.port
        if args.create:
            harness.create_db(args.database, data_dir, host=host, port=port)
        else:
            cluster.copy_from_shared(args.copy_from, args.database)
            source = (
                Path(args.copy_data_dir or f"/tmp/adversarial-{args.copy_from}-data")
                / "filestore"
                / args.copy_from
            )
            if source.exists():
                shutil.copytree(source, data_dir / "filestore" / args.database)
        print(f"database ready in {time.monotonic() - started:.0f}s", flush=True)
        server = harness.Server(
            args.database,
            data_dir,
            workers=args.workers,
            host=host,
            db_port=port,
            name="crash",
        ).start()
        load = Load(server, args)
        load.setup()
        load_started = time.monotonic()
        clients = [
            threading.Thread(target=load.client, args=(seed,), daemon=True)
            for seed in range(args.clients)
        ]
        for thread in clients:
            thread.start()
        rng = random.Random(42)
        kills = Counter()
        restart_at = args.kills // 2
        restarted = None
        deadline = time.monotonic() + args.max_seconds
        while kills["total"] < args.kills and time.monotonic() < deadline:
            time.sleep(rng.uniform(*args.interval))
            if server.proc.poll() is not None:
                # Odoo's prefork master checks the registries with a database
                # connection before it respawns a worker: a worker killed while
                # PostgreSQL is down takes the master with it. Start it again,
                # as the service manager (systemd Restart=always) would.
                kills["master restarts (as systemd would)"] += 1
                print("the Odoo master died: starting it again", flush=True)
                server.start()
                continue
            busy = busy_workers(server)
            if busy:
                in_transaction = open_transactions(cluster, args.database)
                server.kill_worker(rng.choice(busy))
                kills["mid-request"] += 1
                kills["with transactions open in PostgreSQL"] += in_transaction > 0
            elif (idle := server.workers()) and rng.random() < 0.05:
                server.kill_worker(rng.choice(idle))  # between requests, now and then
                kills["between requests"] += 1
            else:
                continue
            kills["total"] += 1
            if kills["total"] == restart_at and restarted is None:
                began = time.monotonic()
                cluster.restart_immediate()
                restarted = time.monotonic() - began
                print(
                    f"PostgreSQL crashed and restarted in {restarted:.1f}s", flush=True
                )
            if kills["total"] % 10 == 0:
                print(f"{kills['total']} kills, {dict(load.stats)}", flush=True)
        time.sleep(5)  # the load goes on a bit after the last kill
        load.stop.set()
        for thread in clients:
            thread.join(timeout=330)
        load_seconds = time.monotonic() - load_started
        alive = server.healthy()
        server.stop()
        server = None
        found = invariants.run(
            args.database, host, port, data_dir=str(data_dir), show=3
        )
        harness.table(
            "Crash consistency: load, kills and a PostgreSQL crash",
            ["figure", "value"],
            [
                ["worker kills (SIGKILL)", kills["total"]],
                ["  of a worker mid-request", kills["mid-request"]],
                [
                    "    while Odoo transactions were open",
                    kills["with transactions open in PostgreSQL"],
                ],
                ["  of a worker between requests", kills["between requests"]],
                [
                    "PostgreSQL restart -m immediate",
                    f"1 ({restarted:.1f}s)" if restarted else 0,
                ],
                [
                    "Odoo master restarts (it died)",
                    kills["master restarts (as systemd would)"],
                ],
                ["server answering after the load", "yes" if alive else "NO"],
                *[[key, value] for key, value in sorted(load.stats.items())],
                ["load duration (s)", f"{load_seconds:.0f}"],
                ["total duration (s)", f"{time.monotonic() - started:.0f}"],
                ["load average", harness.loadavg()],
                ["invariant rows", found],
            ],
        )
        ok = (
            found == 0
            and alive
            and kills["total"] >= args.kills
            and restarted is not None
            and load.stats["import: files imported"] > 0
        )
        if not ok:
            print("\nFAILED")
            sys.exit(1)
        print("\nPASS: 0 invariant rows after the kills and the database crash")
    finally:
        if server:
            server.stop()
        if not args.keep:
            try:
                cluster.stop()
            except subprocess.CalledProcessError:
                pass


if __name__ == "__main__":
    main()
