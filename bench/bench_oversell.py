"""Benchmark: parallel confirmations of orders for the last units in stock.

Each trial creates a storable product with ``N`` units in the main warehouse
and ``K`` quotations of ``N`` units each (one customer each), then sends the
``K`` confirmations at once as parallel JSON-RPC requests
(``sale.order.action_confirm``, one HTTP connection each, released together)
to a real Odoo server running with workers, which retries serialization
failures as usual. The data of 25 trials is made in a few RPC calls and read
back after their races, so a trial costs its race. A trial is an
over-commitment when the confirmed orders commit more than is on hand, when
their deliveries reserve more than is on hand, or when a quant is reserved
beyond its quantity.

It runs the trials with the oversell guard off (stock Odoo: every order is
confirmed, so "committed > on hand" is by design; "reserved > on hand" is stock
Odoo's own race) and on (the company setting ``appliance_oversell_guard``).
Refused confirmations are those answered with a ``UserError``; failed ones with
any other error (e.g. retries exhausted).

The trials are those of ``tests/adversarial/oversell.py`` (the adversarial
suite, which also races threads and credit limits); this entry point keeps the
benchmark's options. Usage (from the repository root; a database with
appliance_stock and demo data, admin / admin)::

    nice -n 19 /opt/odoo19/venv/bin/python bench/bench_oversell.py -d DB \\
        --start-server [--workers 4] [--trials 200] [--k 2,5,20] [--n 1,5] \\
        [--modes stock,guard] [--port P] [--data-dir /tmp/DIR]

``--start-server`` starts ``odoo -c odoo.conf -d DB --workers=W`` on ``--port``
(default: a free one) with its own data dir for the run and stops it
afterwards; without it a server must already listen on ``--port``.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parent.parent / "tests" / "adversarial")
)

import harness
import oversell


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--port", type=int)
    parser.add_argument("--start-server", action="store_true")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--k", default="2,5,20")
    parser.add_argument("--n", default="1,5")
    parser.add_argument("--modes", default="stock,guard")
    parser.add_argument("--data-dir")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args()
    ks = [int(k) for k in args.k.split(",")]
    ns = [int(n) for n in args.n.split(",")]

    server = None
    if args.start_server:
        server = harness.Server(
            args.database,
            args.data_dir or f"/tmp/bench-oversell-{args.database}-data",
            workers=args.workers,
            port=args.port,
            name="bench-oversell",
        ).start()
        url = server.url
    elif args.port:
        url = f"http://127.0.0.1:{args.port}"
    else:
        sys.exit("give --port of a running server, or --start-server")
    rows = []
    try:
        rpc = harness.Rpc(url, args.database, args.login, args.password)
        trials = oversell.ServerTrials(rpc)
        print(
            f"db={args.database} workers={args.workers} trials={args.trials} "
            f"(K orders of N units each racing for N units), {harness.loadavg()}",
            flush=True,
        )
        label = f"server --workers={args.workers}"
        try:
            for mode in args.modes.split(","):
                rows += oversell.oversell_rows(
                    trials, label, mode == "guard", args.trials, ks, ns
                )
        finally:
            trials.restore()
    finally:
        if server:
            server.stop()
    harness.table(
        "Oversell: K orders of N units racing for N units",
        oversell.OVERSELL_HEADERS,
        rows,
    )


if __name__ == "__main__":
    main()
