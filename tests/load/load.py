"""Load test of the appliance addons: N simulated users against an Odoo server
with ``--workers`` on the benchmark database (issue #8, items 12 and 13).

    # 50 users for 30 minutes; copies the benchmark template when the DB is missing
    /opt/odoo19/venv/bin/python tests/load/load.py -d load_bench \\
        --from-template appliance_bench_tpl

    # soak: the daily volume (2,000 orders, 100 imports, 500 portal visits), fast
    /opt/odoo19/venv/bin/python tests/load/soak.py -d load_bench \\
        --from-template appliance_bench_tpl

    # against a running server (memory and limits need its pid and log)
    ... load.py -d DB --url http://127.0.0.1:8069 --server-pid PID --server-log LOG

See tests/load/README.md for what the users do and how the figures are taken.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from metrics import Recorder, format_table
from odoo_client import Client, Stopwatch
from scenarios import (
    READ_ACTIONS,
    Approver,
    PortalCustomer,
    Salesperson,
    Shared,
)
from server import LogWatcher, MemorySampler, OdooServer
from setup_data import prepare

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Pass marks of issue #8
READ_P95 = 1.5
CONFIRM_P95 = 3.0
IMPORT_MAX = 10.0
ERROR_RATE = 0.001
ORDERS_PER_HOUR = 1000
MEMORY_GROWTH = 10.0


def parse_args(argv, soak=False):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument(
        "--from-template",
        metavar="TEMPLATE",
        help="create the database as a copy of TEMPLATE when it does not exist",
    )
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument(
        "--server-pid", type=int, help="with --url: master pid (memory)"
    )
    parser.add_argument("--server-log", help="server log to read for limit kills")
    parser.add_argument("--workers", type=int, default=5, help="(2 x cores) + 1")
    parser.add_argument("--port", type=int)
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="extra option for the server we start (repeatable), e.g. --limit-time-real=60",
    )
    parser.add_argument(
        "--update",
        metavar="MODULES",
        help="update these modules in the database first (-u), when the code is "
        "newer than the template, e.g. appliance_sales,appliance_crm",
    )
    parser.add_argument("--data-dir", default=os.path.join(ROOT, ".odoo-data"))
    parser.add_argument(
        "--out", default=os.path.join(HERE, "out"), help="results folder"
    )
    parser.add_argument(
        "--settle-crons",
        type=float,
        default=900,
        help="wait up to this many seconds for overdue scheduled actions to run "
        "before the clock starts (0: don't)",
    )
    parser.add_argument(
        "--async-emails",
        choices=("keep", "on", "off"),
        default="keep",
        help="Odoo's sale.async_emails (confirmation e-mail and its PDF sent by a "
        "cron, not inside the confirmation): as in the database, or set it",
    )
    parser.add_argument("--admin-login", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--users", type=int, default=20 if soak else 50)
    parser.add_argument(
        "--mix",
        default="sales=0.72,approver=0.06,portal=0.22",
        help="share of the users per role (at least one approver when there are sales)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None if soak else 1800,
        help="seconds (soak: until the volume is done)",
    )
    parser.add_argument("--max-duration", type=float, default=4 * 3600)
    parser.add_argument("--ramp-up", type=float, default=60 if soak else 120)
    parser.add_argument("--think", type=float, default=15.0, help="mean think time, s")
    parser.add_argument(
        "--step-think", type=float, default=2.0, help="mean pause between form steps, s"
    )
    parser.add_argument("--approver-think", type=float, default=20.0)
    parser.add_argument("--portal-think", type=float, default=30.0)
    parser.add_argument(
        "--think-scale",
        type=float,
        default=0.1 if soak else 1.0,
        help="multiplies every think time (soak: accelerated time)",
    )
    parser.add_argument(
        "--weights",
        default="browse=30,open=30,catalogue=20,quote=20",
        help="salesperson actions (relative weights)",
    )
    parser.add_argument(
        "--project-share",
        type=float,
        default=0.15,
        help="quotations for a whole switchgear room (6-12 cabinets of one set)",
    )
    parser.add_argument("--confirm-share", type=float, default=0.9)
    parser.add_argument("--confirm-imported-share", type=float, default=0.3)
    parser.add_argument("--import-rows", type=int, default=100 if soak else 1000)
    parser.add_argument(
        "--import-every", type=float, default=180.0, help="load mode, s"
    )
    parser.add_argument("--first-import", type=float, default=None)
    parser.add_argument("--portal-pdf-share", type=float, default=0.1)
    parser.add_argument(
        "--orders", dest="quota_orders", type=int, default=2000 if soak else None
    )
    parser.add_argument(
        "--imports", dest="quota_imports", type=int, default=100 if soak else None
    )
    parser.add_argument(
        "--portal-visits", dest="quota_portal", type=int, default=500 if soak else None
    )
    parser.add_argument(
        "--sample-every", type=float, default=5.0, help="memory sampling, s"
    )
    parser.add_argument("--seed", default="42")
    parser.add_argument("--json", help="results file (default: OUT/<mode>-<time>.json)")
    options = parser.parse_args(argv)
    options.soak = soak
    options.sales_weights = {
        key: float(value)
        for key, value in (part.split("=") for part in options.weights.split(","))
    }
    options.mix_shares = {
        key: float(value)
        for key, value in (part.split("=") for part in options.mix.split(","))
    }
    if options.first_import is None:
        options.first_import = options.ramp_up if not soak else 0.0
    return options


def ensure_database(options, log):
    names = subprocess.run(
        ["psql", "-lqtA", "-F", "|"], capture_output=True, text=True, check=True
    ).stdout
    existing = {line.split("|")[0] for line in names.splitlines()}
    if options.db in existing:
        return False
    if not options.from_template:
        sys.exit(f"database {options.db} does not exist (give --from-template)")
    if options.from_template not in existing:
        sys.exit(f"template {options.from_template} does not exist yet")
    log(f"creating {options.db} from {options.from_template} ...")
    subprocess.run(["createdb", "-T", options.from_template, options.db], check=True)
    return True


def update_modules(options, logfile):
    python = os.environ.get("ODOO_PYTHON", "/opt/odoo19/venv/bin/python")
    subprocess.run(
        [
            python, "-m", "odoo", "-c", os.path.join(ROOT, "odoo.conf"),
            f"--data-dir={options.data_dir}", "-d", options.db, "-u", options.update,
            "--stop-after-init", "--no-http", "--max-cron-threads=0",
            f"--logfile={logfile}",
        ],
        cwd=ROOT,
        check=True,
    )  # fmt: skip


def settle_crons(options, log):
    """A copy of the template finds every scheduled action overdue (nightly
    jobs included); let the cron worker catch up before the clock starts, as
    on a server that has been running."""
    admin = Client(options.url, options.db, Recorder(Stopwatch(None)))
    admin.authenticate(options.admin_login, options.admin_password)
    deadline = time.monotonic() + options.settle_crons
    overdue = None
    while time.monotonic() < deadline:
        stamp = (
            datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
        ).strftime("%Y-%m-%d %H:%M:%S")
        overdue = admin.call_kw(
            "ir.cron",
            "search_read",
            [[("active", "=", True), ("nextcall", "<", stamp)]],
            {"fields": ["cron_name"]},
        )
        if not overdue:
            return
        log(
            f"waiting for {len(overdue)} overdue scheduled actions "
            f"({', '.join(row['cron_name'] for row in overdue[:4])}...)"
        )
        time.sleep(20)
    log(f"scheduled actions still overdue after {options.settle_crons:.0f}s: {overdue}")


def split_users(options):
    total = options.users
    shares = options.mix_shares
    approvers = round(total * shares.get("approver", 0))
    portal = round(total * shares.get("portal", 0))
    if shares.get("sales", 0) and total > 1:
        approvers = max(approvers, 1)
    sales = max(total - approvers - portal, 0)
    portal = min(portal, total - sales - approvers)
    return sales, approvers, portal


def warm_up(url, db, workers):
    """Each worker loads the registry on its first request: do that before the
    clock starts, with parallel requests that reach every worker."""

    def hit(_i):
        try:
            requests.get(f"{url}/web/login?db={db}", timeout=120)
        except requests.RequestException:
            pass

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(hit, range(workers * 4)))


def server_side_count(url, db, options, since_utc, recorder):
    admin = Client(url, db, recorder)
    admin.authenticate(options.admin_login, options.admin_password)
    stamp = since_utc.strftime("%Y-%m-%d %H:%M:%S")
    confirmed = admin.call_kw(
        "sale.order",
        "search_count",
        [[("state", "=", "sale"), ("date_order", ">=", stamp)]],
        label="report",
    )
    created = admin.call_kw(
        "sale.order", "search_count", [[("create_date", ">=", stamp)]], label="report"
    )
    waiting = admin.call_kw(
        "sale.order",
        "search_count",
        [
            [
                ("create_date", ">=", stamp),
                ("validation_status", "in", ("waiting", "pending")),
                ("state", "in", ("draft", "sent")),
            ]
        ],
        label="report",
    )
    return {"confirmed": confirmed, "created": created, "waiting_approval": waiting}


def run(options):
    os.makedirs(options.out, exist_ok=True)
    mode = "soak" if options.soak else "load"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results_path = options.json or os.path.join(options.out, f"{mode}-{stamp}.json")

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    server = None
    if not options.url:
        ensure_database(options, log)
        logfile = options.server_log or os.path.join(options.out, f"server-{stamp}.log")
        if options.update:
            log(f"updating {options.update} in {options.db} ...")
            update_modules(options, logfile)
        server = OdooServer(
            options.db, options.workers, options.data_dir, logfile, options.port,
            options.server_arg,
        )  # fmt: skip
        log(f"starting odoo --workers={options.workers} on {server.url}, log {logfile}")
        server.start()
        options.url = server.url
        options.server_pid = server.pid
        options.server_log = logfile
    try:
        return measure(options, mode, results_path, server, log)
    finally:
        if server:
            log("stopping the server")
            server.stop()


def measure(options, mode, results_path, server, log):
    setup_clock = Stopwatch(None)
    setup_recorder = Recorder(setup_clock)
    sales_n, approver_n, portal_n = split_users(options)
    data = prepare(
        options.url, options.db, setup_recorder, options.admin_login,
        options.admin_password, approver_n, portal_n,
        report_url=server.url if server else None,
        async_emails={"on": True, "off": False}.get(options.async_emails), log=log,
    )  # fmt: skip
    if setup_recorder.errors:
        sys.exit(f"setup failed: {setup_recorder.error_samples}")
    if options.settle_crons:
        settle_crons(options, log)
    log("warming up the workers")
    warm_up(options.url, options.db, options.workers)

    duration = options.duration if options.duration else options.max_duration
    clock = Stopwatch(duration)
    actions = Recorder(clock)
    requests_recorder = Recorder(clock)
    shared = Shared(options, data, clock, actions, requests_recorder)
    watcher = LogWatcher(options.server_log)
    sampler = MemorySampler(
        options.server_pid, clock, watcher, options.sample_every, options.db
    )
    client_cpu_before = time.process_time()
    started_utc = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    load_before = os.getloadavg()

    users = []
    total = sales_n + approver_n + portal_n
    delays = [options.ramp_up * i / max(total, 1) for i in range(total)]
    counts = {"sales": 0, "approver": 0, "portal": 0}
    sequence = _interleave(sales_n, approver_n, portal_n)
    for slot, role in enumerate(sequence):
        index = counts[role]
        counts[role] += 1
        if role == "sales":
            user = data["sales"][index % len(data["sales"])]
            users.append(Salesperson(shared, index, user, delays[slot]))
        elif role == "approver":
            users.append(
                Approver(
                    shared, index, data["approvers"][index], delays[slot], approver_n
                )
            )
        else:
            users.append(
                PortalCustomer(shared, index, data["portal"][index], delays[slot])
            )
    log(
        f"{mode}: {sales_n} salespeople, {approver_n} approvers, {portal_n} portal "
        f"customers; ramp-up {options.ramp_up:.0f}s, "
        + (
            f"duration {options.duration:.0f}s"
            if options.duration
            else f"until {options.quota_orders} orders, {options.quota_imports} imports, "
            f"{options.quota_portal} portal visits are done"
        )
        + f"; think {options.think}s x {options.think_scale}; load average "
        f"{' '.join(f'{x:.2f}' for x in load_before)}"
    )
    sampler.start()
    for user in users:
        user.start()
    loads = []
    last_report = 0
    settled_since = None
    while any(user.is_alive() for user in users):
        time.sleep(2)
        loads.append((round(clock.elapsed()), os.getloadavg()[0]))
        if options.soak and shared.quotas_done():
            if not any(u.is_alive() for u in users if u.role != "approver"):
                settled_since = settled_since or time.monotonic()
                # the last submitted orders get two minutes to be approved
                if approvals_settled(actions) or time.monotonic() - settled_since > 120:
                    clock.stop_event.set()
        if clock.elapsed() - last_report >= 60:
            last_report = clock.elapsed()
            log(progress(clock, actions, shared))
    elapsed = clock.elapsed()
    sampler.stop()
    sampler.join(10)
    log(progress(clock, actions, shared))

    window_start = min(options.ramp_up, elapsed / 2)
    window = max(elapsed - window_start, 1)
    action_summary = actions.summary(since=window_start)
    action_summary_all = actions.summary()
    request_summary = requests_recorder.summary(since=window_start)
    total_actions = sum(row["count"] for row in action_summary_all.values())
    total_errors = sum(row["errors"] for row in action_summary_all.values())
    total_requests = sum(r["count"] for r in requests_recorder.summary().values())
    request_errors = sum(r["errors"] for r in requests_recorder.summary().values())
    confirmed_window = actions.event_total("orders_confirmed", since=window_start)
    orders_per_hour = round(confirmed_window * 3600 / window)
    server_counts = server_side_count(
        options.url, options.db, options, started_utc, Recorder(clock)
    )
    log_scan = watcher.scan()
    memory = sampler.summary(
        since=window_start
        if not options.soak
        else min(options.ramp_up + 60, elapsed / 3)
    )
    load_after = os.getloadavg()
    cpu = sampler.cpu_seconds() if options.server_pid else {}
    cpu["load_client"] = round(time.process_time() - client_cpu_before, 1)
    confirmed_all = actions.event_total("orders_confirmed")
    cpu["cores_busy_mean"] = round(sum(cpu.values()) / max(elapsed, 1), 2)
    if confirmed_all and "odoo" in cpu:
        cpu["server_cpu_s_per_confirmed_order"] = round(
            (cpu["odoo"] + cpu["postgres"]) / confirmed_all, 2
        )

    events = {
        name: actions.event_total(name)
        for name in (
            "quotations_created", "orders_confirmed", "orders_confirmed_directly",
            "orders_submitted", "approval_clicks", "orders_approved",
            "orders_confirmed_after_approval",
            "imports_done", "quotations_imported", "portal_visits",
        )
    }  # fmt: skip
    checks = evaluate(
        options, action_summary, total_actions, total_errors, orders_per_hour,
        log_scan, memory, shared,
    )  # fmt: skip
    results = {
        "mode": mode,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "db": options.db,
        "url": options.url,
        "workers": options.workers if server else None,
        "users": {"sales": sales_n, "approvers": approver_n, "portal": portal_n},
        "options": {
            key: value
            for key, value in vars(options).items()
            if key not in ("admin_password",)
        },
        "elapsed_s": round(elapsed, 1),
        "measured_window_s": [round(window_start, 1), round(elapsed, 1)],
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in load_after],
            "mean_1min_during": round(sum(v for _t, v in loads) / len(loads), 2)
            if loads
            else None,
            "max_1min_during": round(max((v for _t, v in loads), default=0), 2),
        },
        "cpu_count": os.cpu_count(),
        "actions": action_summary,
        "actions_whole_run": action_summary_all,
        "requests": request_summary,
        "totals": {
            "actions": total_actions,
            "action_errors": total_errors,
            "action_error_rate_pct": round(
                100 * total_errors / max(total_actions, 1), 3
            ),
            "requests": total_requests,
            "request_errors": request_errors,
        },
        "events": events,
        "orders_per_hour": orders_per_hour,
        "orders_per_hour_by_5min": actions.rate_windows(
            "orders_confirmed", window_start, elapsed, 300
        ),
        "server_counts_since_start": server_counts,
        "memory": memory,
        "cpu_seconds": cpu,
        "server_log": log_scan,
        "error_samples": actions.error_samples,
        "tracebacks": shared.tracebacks,
        "checks": checks,
        "passed": all(check["ok"] for check in checks),
    }
    with open(results_path, "w") as handle:
        json.dump(results, handle, indent=1, ensure_ascii=False, default=str)
    print_report(results, results_path)
    return 0 if results["passed"] else 1


def _interleave(*counts):
    """Roles spread evenly over the ramp-up: ("sales", "approver", "portal")."""
    names = ("sales", "approver", "portal")
    slots = []
    for name, count in zip(names, counts, strict=True):
        slots += [((i + 0.5) / count, name) for i in range(count)]
    return [name for _pos, name in sorted(slots)]


def approvals_settled(actions):
    """Soak ends when the volume is done and what was submitted is approved."""
    return actions.event_total("orders_submitted") <= actions.event_total(
        "orders_approved"
    )


def progress(clock, actions, shared):
    summary = actions.summary(since=max(clock.elapsed() - 60, 0))
    reads = [row["p95"] for label, row in summary.items() if label in READ_ACTIONS]
    errors = sum(row["errors"] for row in actions.summary().values())
    return (
        f"t={clock.elapsed():5.0f}s load={os.getloadavg()[0]:.2f} "
        f"confirmed={actions.event_total('orders_confirmed')} "
        f"quotes={actions.event_total('quotations_created')} "
        f"submitted={actions.event_total('orders_submitted')} "
        f"approved={actions.event_total('orders_approved')} "
        f"imports={actions.event_total('imports_done')} "
        f"portal={actions.event_total('portal_visits')} errors={errors} "
        f"read p95 (last min)={max(reads) if reads else '-'}"
    )


def evaluate(options, summary, total_actions, total_errors, orders_per_hour,
             log_scan, memory, shared):  # fmt: skip
    checks = []

    def check(name, value, ok, mark):
        checks.append({"check": name, "value": value, "mark": mark, "ok": bool(ok)})

    error_rate = total_errors / max(total_actions, 1)
    killed = log_scan.get("workers_killed_by_limits") if log_scan.get("log") else None
    check("workers killed by limits", killed, killed == 0, "0")
    if options.soak:
        check("errors", total_errors, total_errors == 0, "0")
        growth = (memory or {}).get("growth_pct")
        check(
            "worker memory growth, first vs last 10 % (%)",
            growth,
            growth is not None and growth < MEMORY_GROWTH,
            f"< {MEMORY_GROWTH}",
        )
        left = {key: value for key, value in shared.quota.items() if value}
        check("daily volume done", left or "all", not left, "all")
        return checks
    for label in READ_ACTIONS:
        if label in summary:
            p95 = summary[label]["p95"]
            check(f"p95 {label} (s)", p95, p95 < READ_P95, f"< {READ_P95}")
    for label in ("confirm", "approve"):
        if label in summary:
            p95 = summary[label]["p95"]
            check(f"p95 {label} (s)", p95, p95 < CONFIRM_P95, f"< {CONFIRM_P95}")
    label = f"import_{options.import_rows}"
    if label in summary:
        worst = summary[label]["max"]
        check(f"max {label} (s)", worst, worst < IMPORT_MAX, f"< {IMPORT_MAX}")
    else:
        check(f"max {label} (s)", None, False, "at least one import")
    check(
        "errors (% of actions)",
        round(100 * error_rate, 3),
        error_rate < ERROR_RATE,
        f"< {100 * ERROR_RATE}",
    )
    check("orders confirmed per hour", orders_per_hour,
          orders_per_hour >= ORDERS_PER_HOUR, f">= {ORDERS_PER_HOUR}")  # fmt: skip
    return checks


def print_report(results, path):
    print()
    print(
        f"{results['mode']} on {results['db']} ({results['url']}, "
        f"workers {results['workers']}, {results['cpu_count']} CPUs): "
        f"users {results['users']}, {results['elapsed_s']} s, measured "
        f"{results['measured_window_s'][0]}-{results['measured_window_s'][1]} s"
    )
    load = results["load_average"]
    print(
        f"load average: before {load['before']}, during mean {load['mean_1min_during']} "
        f"max {load['max_1min_during']}, after {load['after']}"
    )
    print()
    print(
        format_table(results["actions"], "User actions (end to end, measured window)")
    )
    print()
    slow = sorted(results["requests"].items(), key=lambda kv: -kv[1]["p95"])[:15]
    print(format_table(dict(slow), "Slowest requests by p95 (measured window)"))
    print()
    totals = results["totals"]
    print(
        f"actions {totals['actions']}, errors {totals['action_errors']} "
        f"({totals['action_error_rate_pct']} %); requests {totals['requests']}, "
        f"errors {totals['request_errors']}"
    )
    print(f"events: {results['events']}")
    print(
        f"orders confirmed/h (measured window): {results['orders_per_hour']}; "
        f"per 5 min window: {results['orders_per_hour_by_5min']}; "
        f"server side since start: {results['server_counts_since_start']}"
    )
    print(f"worker memory: {results['memory']}")
    print(
        f"CPU seconds (odoo processes, postgres backends of the db, this client): "
        f"{results['cpu_seconds']}"
    )
    scan = {
        k: v
        for k, v in results["server_log"].items()
        if k not in ("samples", "server_time_by_request")
    }
    print(f"server log: {scan}")
    server_times = results["server_log"].get("server_time_by_request") or {}
    if server_times:
        print("Inside the workers (access log), by total time:")
        print(f"{'request':52}{'count':>7}{'queries':>9}{'SQL s':>8}{'other s':>9}")
        for label, row in list(server_times.items())[:12]:
            print(
                f"{label[:52]:52}{row['count']:>7}{row['queries']:>9}"
                f"{row['sql_s']:>8.3f}{row['python_s']:>9.3f}"
            )
    for sample in results["server_log"]["samples"][:8]:
        print("   ", sample)
    for sample in results["error_samples"][:8]:
        print("  error:", sample)
    print()
    for check in results["checks"]:
        print(
            f"  {'PASS' if check['ok'] else 'FAIL'}  {check['check']}: "
            f"{check['value']} (mark {check['mark']})"
        )
    print(f"\n{'PASSED' if results['passed'] else 'FAILED'}; results in {path}")


def main(argv=None, soak=False):
    options = parse_args(sys.argv[1:] if argv is None else argv, soak=soak)
    threading.current_thread().name = "load"
    return run(options)


if __name__ == "__main__":
    sys.exit(main())
