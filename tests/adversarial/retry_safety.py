"""Retry safety (issue #8, item 10): serialization failures injected into real
requests; Odoo's retry loop must not do anything twice.

An Odoo server with workers runs with the server-wide module
``adversarial_faults`` (``server_wide/``), which wraps the methods listed in its
``POINTS``. Arming a point (a file) makes PostgreSQL raise one real
serialization failure (SQLSTATE 40001) in the next request that passes it,
right after the wrapped method returned: everything the method did is done
(moves, lines, queued mails). Odoo's ``retrying`` rolls the request back and
runs it again. Each scenario runs once without a fault (control) and
``--repeat`` times per point with one; it checks that the fault fired, that the
request still succeeded, and counts what it made (orders, lines, moves,
pickings, chatter messages, reviews, activities, queued mails) against the
expected figures. At the end the mail queue is sent to an SMTP sink of this
script, which counts the e-mails that really went out per recipient and
subject: a duplicate is any recipient receiving one subject twice.

Scenarios and points: confirmation (after ``action_confirm``, after the
deliveries are launched, after the customer's mail is queued), Excel order
import over JSON-RPC (after ``import_orders``, after the orders are created
inside its savepoint), count session apply (after ``_apply``), notifications
(approval request to the reviewers, milestone message to the customer) and the
safety-stock digest (a cron job: not retried within the run; the scheduler's
next run must send it once).

Usage::

    nice -n 19 /opt/odoo19/venv/bin/python tests/adversarial/retry_safety.py \\
        -d h_adv_retry --create [--repeat 5] [--workers 2]
"""

import argparse
import base64
import io
import itertools
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

FAULTS_ADDONS = harness.HERE / "server_wide"
HEADER = (
    "客户 Customer", "联系人 Contact", "电话 Phone", "送货地址 Delivery Address",
    "客户订单号 Customer Order Ref", "型号 Model Code", "数量 Quantity", "单价 Unit Price",
    "要求交货日期 Requested Date", "备注 Note",
)  # fmt: skip
_seq = itertools.count(1)
SAME_AS_CONTROL = object()  # expected: what the run without a fault gave


def order_xlsx(rows):
    """An order list: rows of (customer ref, order ref, model code, quantity)."""
    import xlsxwriter  # noqa: PLC0415 - Odoo's environment

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("订单 Orders")
    sheet.write_row(0, 0, HEADER)
    for number, (customer, ref, code, qty) in enumerate(rows, start=1):
        sheet.write_string(number, 0, customer)
        sheet.write_string(number, 4, ref)
        sheet.write_string(number, 5, code)
        sheet.write_number(number, 6, qty)
    book.close()
    return base64.b64encode(output.getvalue()).decode()


class Scenarios:
    def __init__(self, rpc, fault_dir, tag):
        self.rpc = rpc
        self.fault_dir = fault_dir
        self.tag = tag  # unique per run: names, refs and e-mail addresses
        company = rpc("res.users", "read", [rpc.uid], ["company_id"])[0]["company_id"]
        self.company_id = company[0]
        self.warehouse_id, self.stock_location_id = rpc.main_stock(self.company_id)
        self.saved = rpc(
            "res.company",
            "read",
            [self.company_id],
            [
                "appliance_oversell_guard",
                "appliance_count_recount_pct",
                "appliance_count_approval_value",
            ],
        )[0]
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
        self.country_cn = rpc.ref("base.cn")
        self.state_js = rpc.ref("base.state_cn_JS")
        # (scenario, point, recipient, order name, mails expected) to count
        self.mail_keys = []

    def restore(self):
        vals = dict(self.saved)
        vals.pop("id")
        self.rpc("res.company", "write", [self.company_id], vals)

    # ------------------------------------------------------------ helpers

    def arm(self, point):
        if point:
            (self.fault_dir / point).touch()

    def fired(self, point):
        """True when the armed point fired (its file was taken)."""
        if not point:
            return None
        return not (self.fault_dir / point).exists()

    def disarm(self, point):
        if point:
            (self.fault_dir / point).unlink(missing_ok=True)

    def _customer(self, label):
        n = next(_seq)
        email = f"{label}-{self.tag}-{n}@adversarial.example.com".lower()
        partner_id = self.rpc(
            "res.partner",
            "create",
            {
                "name": f"Retry {label} customer {self.tag}-{n}",
                "appliance_customer_code": f"ADV-{self.tag}-{n}",
                "is_company": True,
                "email": email,
                # what order entry requires before a confirmation
                "phone": "025-86668888",
                "street": "江宁区天元中路 1 号",
                "city": "南京",
                "state_id": self.state_js,
                "country_id": self.country_cn,
            },
        )
        return partner_id, email, f"ADV-{self.tag}-{n}"

    def _product(self, qty=0, price=100.0, location_id=None):
        n = next(_seq)
        code = f"ADV-{self.tag}-P{n}"
        product_id = self.rpc(
            "product.product",
            "create",
            {
                "name": f"Retry breaker {self.tag}-{n}",
                "is_storable": True,
                "appliance_kind": "component",
                "appliance_model_code": code,
                "list_price": price,
                "standard_price": price / 2,
            },
        )
        if qty:
            ctx = {"context": {"inventory_mode": True}}
            quant = self.rpc(
                "stock.quant",
                "create",
                {
                    "product_id": product_id,
                    "location_id": location_id or self.stock_location_id,
                    "inventory_quantity": qty,
                },
                **ctx,
            )
            self.rpc("stock.quant", "action_apply_inventory", [quant], **ctx)
        return product_id, code

    def _count(self, model, domain):
        return self.rpc(model, "search_count", domain)

    def _order_figures(self, order_id, customer_id):
        rpc = self.rpc
        order = rpc("sale.order", "read", [order_id], ["state", "order_line", "name"])[
            0
        ]
        lines = order["order_line"]
        return {
            "state": order["state"],
            "lines": len(lines),
            "pickings": self._count("stock.picking", [("sale_id", "=", order_id)]),
            "moves": self._count(
                "stock.move",
                [("sale_line_id", "in", lines), ("state", "!=", "cancel")],
            ),
            "customer mails": self._count(
                "mail.mail",
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("recipient_ids", "in", customer_id),
                ],
            ),
            "chatter": self._count(
                "mail.message",
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("message_type", "!=", "notification"),
                ],
            ),
        }

    # ------------------------------------------------------------ scenarios

    def confirm(self, point):
        customer_id, email, _ref = self._customer("confirm")
        product_id, _code = self._product(qty=5)
        order_id = self.rpc(
            "sale.order",
            "create",
            {
                "partner_id": customer_id,
                "warehouse_id": self.warehouse_id,
                "order_line": [
                    (0, 0, {"product_id": product_id, "product_uom_qty": 2})
                ],
            },
        )
        self.arm(point)
        self.rpc("sale.order", "action_confirm", [order_id])
        figures = self._order_figures(order_id, customer_id)
        figures["lock rows"] = self.rpc(
            "appliance.stock.commitment",
            "search_read",
            [("product_id", "=", product_id)],
            ["commit_count"],
        )[0]["commit_count"]
        name = self.rpc("sale.order", "read", [order_id], ["name"])[0]["name"]
        self.mail_keys.append(("confirm", point, email, name, 1))
        return figures, {
            "state": "sale",
            "lines": 1,
            "pickings": 1,
            "moves": 1,
            "customer mails": 1,
            "lock rows": 1,
            "chatter": SAME_AS_CONTROL,
        }

    def order_import(self, point):
        rows, expected_orders = [], {}
        _product_a, code_a = self._product()
        _product_b, code_b = self._product()
        for i in range(3):
            customer_id, _email, ref = self._customer("import")
            order_ref = f"PO-{self.tag}-{next(_seq)}"
            rows += [(ref, order_ref, code_a, 2 + i), (ref, order_ref, code_b, 1)]
            expected_orders[customer_id] = order_ref
        self.arm(point)
        result = self.rpc(
            "appliance.order.import",
            "import_orders",
            order_xlsx(rows),
            f"retry-{self.tag}.xlsx",
        )
        if result["errors"]:
            raise SystemExit(f"import refused: {result['errors'][:3]}")
        order_ids = self.rpc(
            "sale.order",
            "search",
            [
                ("partner_id", "in", list(expected_orders)),
                ("state", "!=", "cancel"),
            ],
        )
        figures = {
            "orders": len(order_ids),
            "answered orders": len(result["orders"]),
            "lines": self._count(
                "sale.order.line",
                [("order_id", "in", order_ids), ("display_type", "=", False)],
            ),
            "import messages": self._count(
                "mail.message",
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "in", order_ids),
                    ("body", "ilike", "Excel import"),
                ],
            ),
            "followers of importer": self._count(
                "mail.followers",
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", order_ids),
                    ("partner_id.user_ids", "in", self.rpc.uid),
                ],
            ),
        }
        # the answer names the orders that exist (not those of a failed attempt)
        answered = {order["id"] for order in result["orders"]}
        figures["answer matches"] = answered == set(order_ids)
        return figures, {
            "orders": 3,
            "answered orders": 3,
            "lines": 6,
            "import messages": 3,
            "followers of importer": 3,
            "answer matches": True,
        }

    def count_apply(self, point):
        location_id = self.rpc(
            "stock.location",
            "create",
            {
                "name": f"Retry rack {self.tag}-{next(_seq)}",
                "location_id": self.stock_location_id,
            },
        )
        product_id, _code = self._product(qty=10, location_id=location_id)
        session_id = self.rpc(
            "appliance.count.session",
            "create",
            {
                "warehouse_id": self.warehouse_id,
                "location_ids": [(6, 0, [location_id])],
            },
        )
        self.rpc("appliance.count.session", "action_start", [session_id])
        lines = self.rpc(
            "appliance.count.line",
            "search_read",
            [("session_id", "=", session_id)],
            ["product_id"],
        )
        self.rpc(
            "appliance.count.line",
            "write",
            [line["id"] for line in lines],
            {"counted_qty": 7},
        )
        self.rpc("appliance.count.session", "action_finish_counting", [session_id])
        damage = self.rpc.ref("appliance_stock.reason_damage")
        self.rpc(
            "appliance.count.line",
            "write",
            [line["id"] for line in lines],
            {"reason_id": damage, "note": "retry safety"},
        )
        self.arm(point)
        self.rpc("appliance.count.session", "action_validate", [session_id])
        session = self.rpc("appliance.count.session", "read", [session_id], ["state"])[
            0
        ]
        quants = self.rpc(
            "stock.quant",
            "search_read",
            [("product_id", "=", product_id), ("location_id", "=", location_id)],
            ["quantity"],
        )
        return {
            "state": session["state"],
            "lines": len(lines),
            "moves": self._count(
                "stock.move", [("appliance_count_session_id", "=", session_id)]
            ),
            "done moves": self._count(
                "stock.move",
                [
                    ("appliance_count_session_id", "=", session_id),
                    ("state", "=", "done"),
                ],
            ),
            "on hand": sum(q["quantity"] for q in quants),
            "applied messages": self._count(
                "mail.message",
                [
                    ("model", "=", "appliance.count.session"),
                    ("res_id", "=", session_id),
                    ("body", "ilike", "Applied:"),
                ],
            ),
        }, {
            "state": "done",
            "lines": 1,
            "moves": 1,
            "done moves": 1,
            "on hand": 7.0,
            "applied messages": 1,
        }

    def approval(self, point):
        customer_id, _email, _ref = self._customer("approval")
        product_id, _code = self._product(qty=1, price=900000.0)
        order_id = self.rpc(
            "sale.order",
            "create",
            {
                "partner_id": customer_id,
                "order_line": [
                    (0, 0, {"product_id": product_id, "product_uom_qty": 1})
                ],
            },
        )
        self.arm(point)
        self.rpc("sale.order", "action_confirm", [order_id])
        order = self.rpc(
            "sale.order", "read", [order_id], ["state", "validation_status", "name"]
        )[0]
        reviews = self.rpc(
            "tier.review",
            "search_read",
            [("model", "=", "sale.order"), ("res_id", "=", order_id)],
            ["reviewer_ids"],
        )
        reviewers = sorted(
            {uid for review in reviews for uid in review["reviewer_ids"]}
        )
        reviewer_partners = {
            user["partner_id"][0]: user["email"]
            for user in self.rpc(
                "res.users", "read", reviewers, ["partner_id", "email", "share"]
            )
            if not user["share"]
        }
        for email in reviewer_partners.values():
            if email:
                self.mail_keys.append(
                    ("approval", point, email.lower(), order["name"], 1)
                )
        activity_type = self.rpc.ref(
            "appliance_sales.mail_activity_type_order_approval"
        )
        figures = {
            "state": order["state"],
            "status": order["validation_status"],
            "reviews": len(reviews),
            "activities per reviewer": Counter(
                a["user_id"][0]
                for a in self.rpc(
                    "mail.activity",
                    "search_read",
                    [
                        ("res_model", "=", "sale.order"),
                        ("res_id", "=", order_id),
                        ("activity_type_id", "=", activity_type),
                    ],
                    ["user_id"],
                )
            ),
            "request mails per reviewer": Counter(
                partner
                for mail in self.rpc(
                    "mail.mail",
                    "search_read",
                    [
                        ("model", "=", "sale.order"),
                        ("res_id", "=", order_id),
                        ("subject", "ilike", "Approval needed"),
                    ],
                    ["recipient_ids"],
                )
                for partner in mail["recipient_ids"]
            ),
        }
        expected = {
            "state": "draft",
            "status": "pending",
            "reviews": 1,
            "activities per reviewer": Counter(
                dict.fromkeys(
                    [u for u in reviewers if self._internal(u)],
                    1,
                )
            ),
            "request mails per reviewer": Counter(dict.fromkeys(reviewer_partners, 1)),
        }
        return figures, expected

    def _internal(self, uid):
        return not self.rpc("res.users", "read", [uid], ["share"])[0]["share"]

    def milestone(self, point):
        customer_id, email, _ref = self._customer("milestone")
        product_id, _code = self._product(qty=5)
        order_id = self.rpc(
            "sale.order",
            "create",
            {
                "partner_id": customer_id,
                "order_line": [
                    (0, 0, {"product_id": product_id, "product_uom_qty": 1})
                ],
            },
        )
        self.rpc("sale.order", "action_confirm", [order_id])
        wizard = self.rpc(
            "appliance.milestone.set",
            "create",
            {"order_id": order_id, "milestone": "in_production"},
        )
        self.arm(point)
        self.rpc("appliance.milestone.set", "action_apply", [wizard])
        order = self.rpc("sale.order", "read", [order_id], ["name"])[0]
        # the confirmation and the milestone message
        self.mail_keys.append(("milestone", point, email, order["name"], 2))
        events = self.rpc(
            "appliance.order.milestone",
            "search_read",
            [("order_id", "=", order_id), ("milestone", "=", "in_production")],
            ["message_id"],
        )
        return {
            "events": len(events),
            "events with message": sum(1 for e in events if e["message_id"]),
            "customer mails": self._count(
                "mail.mail",
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("recipient_ids", "in", customer_id),
                ],
            ),
        }, {
            "events": 1,
            "events with message": 1,
            # the confirmation and the milestone
            "customer mails": 2,
        }

    def digest(self, point):
        """The cron job (no retry within the request: the failed run is rolled
        back, the scheduler's next run sends the digest)."""
        if not getattr(self, "short_product", None):
            # one product below its safety stock: the digest has something to say
            self.short_product, _code = self._product(qty=2)
            self.rpc(
                "stock.warehouse.orderpoint",
                "create",
                {
                    "product_id": self.short_product,
                    "warehouse_id": self.warehouse_id,
                    "location_id": self.stock_location_id,
                    "product_min_qty": 0,
                    "product_max_qty": 0,
                    "safety_stock_qty": 10,
                },
            )
        cron = self.rpc.ref("appliance_stock.ir_cron_send_safety_digest")
        domain = [("subject", "ilike", "below safety stock")]
        before = set(self.rpc("mail.mail", "search", domain))
        self.arm(point)
        failed_run_mails = 0
        if point:
            self.rpc("ir.cron", "method_direct_trigger", [cron])
            failed_run_mails = len(
                set(self.rpc("mail.mail", "search", domain)) - before
            )
        self.rpc("ir.cron", "method_direct_trigger", [cron])
        new = sorted(set(self.rpc("mail.mail", "search", domain)) - before)
        recipients = Counter(
            partner
            for mail in self.rpc("mail.mail", "read", new, ["recipient_ids"])
            for partner in mail["recipient_ids"]
        )
        return {
            "mails left by the failed run": failed_run_mails,
            "digest mails": len(new),
            "recipients": len(recipients),
            "recipients mailed twice": sum(1 for n in recipients.values() if n > 1),
        }, {
            "mails left by the failed run": 0,
            "digest mails": SAME_AS_CONTROL,
            "recipients": SAME_AS_CONTROL,
            "recipients mailed twice": 0,
        }

    SCENARIOS = {
        "confirm": ("confirm", ["confirm", "stock_rule", "confirm_mail"]),
        "import": ("order_import", ["import", "import_create"]),
        "count apply": ("count_apply", ["count_apply"]),
        "approval request": ("approval", ["approval_notify"]),
        "milestone notification": ("milestone", ["milestone_notify"]),
        "safety digest (cron)": ("digest", ["digest"]),
    }


def run(args):
    fault_dir = Path(f"/tmp/adversarial-faults-{args.database}")
    shutil.rmtree(fault_dir, ignore_errors=True)
    fault_dir.mkdir(parents=True)
    sink = harness.SmtpSink()
    addons_path = ",".join(
        str(path)
        for path in (
            harness.ROOT / "addons",
            harness.ROOT / "tests" / "addons",
            FAULTS_ADDONS,
        )
    )
    server = harness.Server(
        args.database,
        args.data_dir,
        workers=args.workers,
        host=args.db_host,
        db_port=args.db_port,
        extra=[
            f"--addons-path={addons_path}",
            "--load=base,web,adversarial_faults",
            "--smtp=127.0.0.1",
            f"--smtp-port={sink.port}",
            # demo data configure no sender (mail.default.from, catchall)
            "--email-from=adversarial@example.com",
        ],
        env={"ADVERSARIAL_FAULT_DIR": str(fault_dir)},
        name="retry",
    ).start()
    rows, failures = [], []
    started = time.monotonic()
    try:
        rpc = server.rpc()
        scenarios = Scenarios(rpc, fault_dir, tag=f"{int(time.time()) % 100000}")
        # what the demo data left in the queue goes out first, uncounted
        rpc("mail.mail", "process_email_queue")
        time.sleep(1)
        sink.reset()
        try:
            for label, (method, points) in Scenarios.SCENARIOS.items():
                if args.only and label.split()[0] not in args.only.split(","):
                    continue
                control, expected = getattr(scenarios, method)(None)
                expected = {
                    key: control.get(key) if value is SAME_AS_CONTROL else value
                    for key, value in expected.items()
                }
                for point in points:
                    for _repeat in range(args.repeat):
                        began = time.monotonic()
                        figures, _expected = getattr(scenarios, method)(point)
                        fired = scenarios.fired(point)
                        scenarios.disarm(point)
                        want = expected
                        ok = fired and figures == want
                        if not ok:
                            failures.append((label, point, figures, want, fired))
                        rows.append(
                            [
                                label,
                                point,
                                "yes" if fired else "NO",
                                "ok" if figures == want else "DIFFERS",
                                f"{time.monotonic() - began:.1f}",
                            ]
                        )
                        print("  ".join(rows[-1]), flush=True)
                        if figures != want:
                            print(f"    got {figures}\n    want {want}", flush=True)
                if control != expected:
                    failures.append((label, "control", control, expected, None))
                    rows.append([label, "(control)", "-", "DIFFERS", "-"])
            # send the queue to the sink: what really goes out
            rpc("mail.mail", "process_email_queue")
            time.sleep(2)
        finally:
            scenarios.restore()
        received = sink.received()
        # the digest runs once per scenario run by design: checked per run above
        duplicates = {
            key: n
            for key, n in received.items()
            if n > 1 and "below safety stock" not in key[1]
        }
        mail_rows = []
        for label, point, email, order_name, expected in scenarios.mail_keys:
            got = Counter(
                {
                    subject: n
                    for (rcpt, subject), n in received.items()
                    if rcpt == email
                    and re.search(rf"\b{re.escape(order_name)}\b", subject)
                }
            )
            mail_rows.append(
                (
                    label,
                    point or "(control)",
                    email,
                    order_name,
                    sum(n - 1 for n in got.values() if n > 1),  # same mail twice
                    max(expected - len(got), 0),  # expected mails not received
                )
            )
        mail_dupes = [row for row in mail_rows if row[4]]
        mail_missing = [row for row in mail_rows if row[5]]
    finally:
        server.stop()
    fired_log = (
        (fault_dir / "fired.log").read_text()
        if (fault_dir / "fired.log").exists()
        else ""
    )
    harness.table(
        "Retry safety: one serialization failure injected per request",
        ["scenario", "fault point", "fired", "figures vs expected", "seconds"],
        rows,
    )
    per_label = Counter((row[0], row[1]) for row in mail_rows)
    harness.table(
        "E-mails received by the SMTP sink (after the queue ran)",
        ["scenario", "fault point", "recipients checked", "received twice", "missing"],
        [
            [
                label,
                point,
                n,
                sum(1 for r in mail_dupes if (r[0], r[1]) == (label, point)),
                sum(1 for r in mail_missing if (r[0], r[1]) == (label, point)),
            ]
            for (label, point), n in sorted(per_label.items(), key=str)
        ],
    )
    print(
        f"\ninjections fired: {len(fired_log.splitlines())}; sink received "
        f"{sum(received.values())} mails, {len(duplicates)} (recipient, subject) "
        f"pairs more than once; {time.monotonic() - started:.0f}s, {harness.loadavg()}"
    )
    for key, n in duplicates.items():
        print(f"  received {n}x: {key}")
    for failure in failures:
        print(
            f"FAILED {failure[0]} / {failure[1]}: got {failure[2]}, want {failure[3]}, fired={failure[4]}"
        )
    for row in mail_dupes + mail_missing:
        print(f"FAILED mail {row}")
    return not (failures or mail_dupes or mail_missing or duplicates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--create", action="store_true", help="create the database if missing"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="drop and create the database first"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="comma-separated first words of scenarios")
    parser.add_argument("--data-dir")
    parser.add_argument("--db-host")
    parser.add_argument("--db-port")
    args = parser.parse_args()
    args.data_dir = args.data_dir or f"/tmp/adversarial-{args.database}-data"
    harness.ensure_db(args)
    if not run(args):
        print("\nFAILED")
        sys.exit(1)
    print("\nPASS: 0 duplicate e-mails, moves, lines or orders after the retries")


if __name__ == "__main__":
    main()
