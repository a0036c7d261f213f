"""Benchmark: Excel import of sales orders, ours against Odoo's ``base_import``.

Imports the same 1,000 orders x 5 lines (5,000 rows) twice, each in its own
process so that peak memory is measured separately, and each inside a
transaction that is rolled back (the database is left as it was):

* ``ours``: ``appliance.order.import.import_orders`` on the order-list layout
  (customer code, customer order ref, model code, quantity, unit price, date);
* ``base_import``: ``base_import.import.execute_import`` of ``sale.order`` with
  the same rows in Odoo's layout (customer name, reference, date on the first
  row of each order; order_line/product_id by model code, quantity, price).

and the check a user runs before importing: our preview (``dry_run=True``:
read + validate, nothing created) against base_import's "Test" button
(``dryrun=True``: it creates everything and rolls back).

Both run as the same salesperson. Reported: wall time, SQL queries, peak RSS of
the process (and its growth during the import).

Usage (a database with appliance_sales installed, base_import is auto-installed)::

    /opt/odoo19/venv/bin/python bench/bench_order_import.py -d DB [--orders 1000 --lines 5]

``BENCH_PROFILE=/tmp/imp`` writes a cProfile of our import to ``/tmp/imp.ours``
(``python -m pstats``).

``--bombs`` (no database needed) instead feeds hostile workbooks to the reader,
each in a fresh process, and prints its answer, time and peak RSS.
"""

import argparse
import datetime
import importlib.util
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

N_CUSTOMERS = 200
MODES = ("ours", "base_import", "ours_check", "base_import_test")
N_PRODUCTS = 50


def customer_code(index):
    return f"BCH-{index:04d}"


def customer_name(index):
    return f"基准测试客户{index:04d}电气有限公司"


def model_code(index):
    return f"BCH{index % 7}-{index:03d}/4"


def order_rows(orders, lines):
    """(order index, customer index, ref, model code, qty, price, date) per row."""
    when = datetime.date.today() + datetime.timedelta(days=45)
    for order in range(orders):
        customer = order % N_CUSTOMERS
        for line in range(lines):
            product = (order * lines + line) % N_PRODUCTS
            yield (
                order,
                customer,
                f"BENCH-{order:05d}",
                model_code(product),
                line + 1,
                1000 + product,
                when,
            )


def write_files(directory, orders, lines):
    """Both xlsx files, written before any measured process starts."""
    import xlsxwriter  # noqa: PLC0415

    ours = os.path.join(directory, "ours.xlsx")
    book = xlsxwriter.Workbook(ours)
    sheet = book.add_worksheet("订单 Orders")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(
        0,
        0,
        [
            "客户 Customer",
            "客户订单号 Customer Order Ref",
            "型号 Model Code",
            "数量 Quantity",
            "单价 Unit Price",
            "要求交货日期 Requested Date",
        ],
    )
    for row, (_o, customer, ref, code, qty, price, when) in enumerate(
        order_rows(orders, lines), 1
    ):
        sheet.write_string(row, 0, customer_code(customer))
        sheet.write_string(row, 1, ref)
        sheet.write_string(row, 2, code)
        sheet.write_number(row, 3, qty)
        sheet.write_number(row, 4, price)
        sheet.write_datetime(
            row, 5, datetime.datetime.combine(when, datetime.time()), date_format
        )
    book.close()

    stock = os.path.join(directory, "base_import.xlsx")
    book = xlsxwriter.Workbook(stock)
    sheet = book.add_worksheet("Orders")
    sheet.write_row(
        0,
        0,
        [
            "Customer",
            "Customer Reference",
            "Delivery Date",
            "Order Lines/Product",
            "Order Lines/Quantity",
            "Order Lines/Unit Price",
        ],
    )
    previous = None
    for row, (order, customer, ref, code, qty, price, when) in enumerate(
        order_rows(orders, lines), 1
    ):
        if order != previous:  # base_import: order fields on the first line only
            sheet.write_string(row, 0, customer_name(customer))
            sheet.write_string(row, 1, ref)
            sheet.write_string(row, 2, f"{when.isoformat()} 00:00:00")
            previous = order
        sheet.write_string(row, 3, code)
        sheet.write_number(row, 4, qty)
        sheet.write_number(row, 5, price)
    book.close()
    return ours, stock


def rss_mb():
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not
    inherited from the parent that spawned it)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(args):
    """One measured import in this process, rolled back."""
    sys.path.insert(0, "/opt/odoo19/src")
    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-c", os.path.join(ROOT, "odoo.conf"), "--data-dir", args.data_dir,
         "--addons-path", f"{ROOT}/addons,{ROOT}/tests/addons", "--log-level", "warn"]
    )  # fmt: skip
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tests import new_test_user  # noqa: PLC0415

    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tz": "Asia/Shanghai", "lang": "en_US"}
        )
        user = new_test_user(
            env, "bench_import_sales", groups="sales_team.group_sale_salesman",
            tz="Asia/Shanghai",
        )  # fmt: skip
        state = env.ref("base.state_cn_JS")
        env["res.partner"].create([
            {"name": customer_name(i), "is_company": True, "appliance_customer_code": customer_code(i),
             "phone": f"025-8{i:07d}", "street": f"软件大道{i}号", "city": "南京",
             "state_id": state.id, "country_id": state.country_id.id}
            for i in range(N_CUSTOMERS)
        ])  # fmt: skip
        env["product.template"].create([
            {"name": f"Bench cabinet {i}", "appliance_kind": "set", "appliance_model_code": model_code(i),
             "list_price": 1000 + i, "is_storable": True}
            for i in range(N_PRODUCTS)
        ])  # fmt: skip
        env.flush_all()
        with open(args.file, "rb") as handle:
            content = handle.read()
        uenv = env(user=user)
        if args.no_tracking:
            # what base_import's dialog does by default ("Track history" unticked)
            uenv = uenv(context=dict(uenv.context, tracking_disable=True))
        rss_before = rss_mb()
        queries_before = cr.sql_log_count
        started = time.perf_counter()
        cpu_started = time.process_time()
        if args.mode.startswith("ours"):
            import base64  # noqa: PLC0415

            profile = None
            if os.environ.get("BENCH_PROFILE"):
                import cProfile  # noqa: PLC0415

                profile = cProfile.Profile()
                profile.enable()
            result = uenv["appliance.order.import"].import_orders(
                base64.b64encode(content).decode(),
                "ours.xlsx",
                dry_run=args.mode == "ours_check",
            )
            uenv.flush_all()
            if profile:
                profile.disable()
                profile.dump_stats(f"{os.environ['BENCH_PROFILE']}.{args.mode}")
            errors = result["errors"]
            orders = len(result["orders"])
            detail = result["stats"]["seconds"]
        else:
            importer = uenv["base_import.import"].create(
                {
                    "res_model": "sale.order",
                    "file": content,
                    "file_name": "base_import.xlsx",
                    "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }
            )
            fields = ["partner_id", "client_order_ref", "commitment_date", "order_line/product_id",
                      "order_line/product_uom_qty", "order_line/price_unit"]  # fmt: skip
            options = {
                "has_headers": True, "advanced": True, "keep_matches": False,
                "date_format": "%Y-%m-%d", "datetime_format": "%Y-%m-%d %H:%M:%S",
                "float_thousand_separator": ",", "float_decimal_separator": ".",
                "separator": ",", "quoting": '"', "encoding": "utf-8", "sheet": "Orders",
                "name_create_enabled_fields": {}, "import_set_empty_fields": [],
                "import_skip_records": [], "fallback_values": {}, "skip": 0,
            }  # fmt: skip
            result = importer.execute_import(
                fields, fields, options, dryrun=args.mode == "base_import_test"
            )
            uenv.flush_all()
            errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
            orders = len(result.get("ids") or [])
            detail = {}
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        queries = cr.sql_log_count - queries_before
        env.invalidate_all()
        lines = env["sale.order.line"].search_count(
            [
                ("order_id.client_order_ref", "=like", "BENCH-%"),
                ("display_type", "=", False),
            ]
        )
        cr.rollback()
    print(json.dumps({
        "mode": args.mode, "seconds": round(seconds, 2), "cpu": round(cpu_seconds, 2), "queries": queries, "orders": orders,
        "lines": lines, "errors": [str(e.get("message"))[:200] for e in errors[:5]],
        "error_count": len(errors), "rss_before_mb": round(rss_before), "rss_peak_mb": round(rss_mb()),
        "detail": detail,
    }))  # fmt: skip


# ---------------------------------------------------------------------------
# Hostile workbooks
# ---------------------------------------------------------------------------

READER = os.path.join(
    ROOT, "addons/appliance_sales/wizard/appliance_order_import_xlsx.py"
)
SHEET_NS = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER = (
    "客户 Customer",
    "客户订单号 Customer Order Ref",
    "型号 Model Code",
    "数量 Quantity",
)


def _zip(parts, pad=0):
    """A zip of ``parts``; ``pad`` bytes of noise keep the expansion ratio under
    the limit so that the parser itself is exercised."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        if pad:
            archive.writestr("xl/media/pad.bin", os.urandom(pad))
    return output.getvalue()


def _sheet(rows_xml, after=b""):
    header = b'<row r="1">' + b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (c.encode(), h.encode())
        for c, h in zip("ABCD", HEADER, strict=True)
    ) + b"</row>"  # fmt: skip
    return (
        SHEET_NS
        + b"<sheetData>"
        + header
        + rows_xml
        + b"</sheetData>"
        + after
        + b"</worksheet>"
    )


def bomb_cases():
    import xlsxwriter  # noqa: PLC0415

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    book.add_worksheet("O").write_row(0, 0, HEADER)
    book.close()
    with zipfile.ZipFile(output) as archive:
        base = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    dimension = (
        SHEET_NS + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1048576">'
    )
    dimension += b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    laughs = b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8)
    ) + b"]>"  # fmt: skip
    yield "cell at XFD1048576", _zip(base | {sheet: dimension})
    yield "3M empty cells in one row", _zip(base | {sheet: _sheet(b'<row r="2">' + b'<c r="XFD2" s="1"/>' * 3_000_000 + b"</row>")}, 600_000)  # fmt: skip
    yield "1M empty rows", _zip(base | {sheet: _sheet(b"".join(b'<row r="%d"/>' % r for r in range(2, 1_000_002)))}, 300_000)  # fmt: skip
    yield "1M merged cells", _zip(base | {sheet: _sheet(b"", b"<mergeCells>" + b'<mergeCell ref="A1:B1"/>' * 1_000_000 + b"</mergeCells>")}, 300_000)  # fmt: skip
    yield "700k shared strings", _zip(base | {"xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * 700_000 + b"</sst>"}, 150_000)  # fmt: skip
    yield "billion laughs", _zip(base | {sheet: laughs + _sheet(b'<row r="2"><c r="A2" t="inlineStr"><is><t>&i;</t></is></c></row>')})  # fmt: skip
    yield "9 MB text in a cell", _zip(base | {sheet: _sheet(b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 9_000_000 + b"</t></is></c></row>")}, 100_000)  # fmt: skip
    yield "10,001 data rows", _zip(base | {sheet: _sheet(b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (r, r) for r in range(2, 10_003)))})  # fmt: skip
    yield (
        "zip bomb (40 MB of zeros)",
        _zip(base | {"xl/media/zeros.bin": bytes(40 * 1024 * 1024)}),
    )
    legit = b"".join(
        b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (c.encode(), r, r) for c in ("A", "B", "C", "D") * 12 + ("E", "F"))
        + b"</row>"
        for r in range(2, 10_002)
    )  # fmt: skip
    yield "legit maximum: 10,000 rows x 50 cells", _zip(base | {sheet: _sheet(legit)})


def run_bomb(path):
    spec = importlib.util.spec_from_file_location("order_import_xlsx", READER)
    reader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)

    class Env:
        """Stands in for odoo's env: only ``_`` is used."""

        _ = staticmethod(
            lambda text, *args, **kw: text % (args or kw) if args or kw else text
        )

    with open(path, "rb") as handle:
        content = handle.read()
    started = time.perf_counter()
    try:
        data = reader.read_orders_sheet(content, "bomb.xlsx", Env)
        answer = f"read {len(data.rows)} rows"
    except reader.FileRejected as exc:
        answer = "refused: " + exc.args[0][:90]
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2),
                      "rss_mb": round(rss_mb()), "answer": answer}))  # fmt: skip


def bombs():
    print(f"{'file':40}{'size KB':>9}{'seconds':>9}{'RSS MB':>8}  answer")
    for name, content in bomb_cases():
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(content)
            handle.flush()
            output = subprocess.run(
                [sys.executable, __file__, "--bomb", handle.name],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
        if not lines:
            print(f"{name:40} failed: {output.stderr[-500:]}")
            continue
        result = json.loads(lines[-1])
        print(f"{name:40}{len(content) // 1024:>9}{result['seconds']:>9}{result['rss_mb']:>8}"
              f"  {result['answer']}")  # fmt: skip


def main():
    if "--bombs" in sys.argv:
        return bombs()
    if "--bomb" in sys.argv:
        return run_bomb(sys.argv[sys.argv.index("--bomb") + 1])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--data-dir", default=os.path.join(ROOT, ".odoo-data"))
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-tracking",
        action="store_true",
        help="both imports with tracking_disable, as base_import's dialog defaults to",
    )
    args = parser.parse_args()
    if args.mode:
        return run_child(args)

    results = {}
    with tempfile.TemporaryDirectory() as directory:
        ours_file, stock_file = write_files(directory, args.orders, args.lines)
        for mode in MODES:
            output = subprocess.run(
                [sys.executable, __file__, "-d", args.db, "--data-dir", args.data_dir,
                 "--mode", mode, "--file", ours_file if mode.startswith("ours") else stock_file,
                 *(["--no-tracking"] if args.no_tracking else [])],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            lines = [
                line for line in output.stdout.splitlines() if line.startswith("{")
            ]
            if not lines:
                sys.exit(f"{mode} failed:\n{output.stdout}\n{output.stderr[-4000:]}")
            results[mode] = json.loads(lines[-1])

    rows = args.orders * args.lines
    print(
        f"\nImport of {args.orders} orders x {args.lines} lines ({rows} rows), database {args.db}\n"
    )
    print(f"{'':18}{'seconds':>9}{'cpu s':>8}{'queries':>10}{'orders':>8}{'lines':>7}{'errors':>8}"
          f"{'RSS peak MB':>13}{'RSS growth MB':>15}")  # fmt: skip
    for mode, result in results.items():
        print(
            f"{mode:18}{result['seconds']:>9}{result['cpu']:>8}{result['queries']:>10}{result['orders']:>8}"
            f"{result['lines']:>7}{result['error_count']:>8}{result['rss_peak_mb']:>13}"
            f"{result['rss_peak_mb'] - result['rss_before_mb']:>15}"
        )
        if result["errors"]:
            print("   first errors:", result["errors"])
    for ours, stock in (("ours", "base_import"), ("ours_check", "base_import_test")):
        ours, stock = results[ours], results[stock]
        print(
            f"{ours['mode']} vs {stock['mode']}: {stock['seconds'] / max(ours['seconds'], 0.01):.1f}x"
            f" faster (CPU {stock['cpu'] / max(ours['cpu'], 0.01):.1f}x), "
            f"{stock['queries'] / max(ours['queries'], 1):.1f}x fewer queries; phases: {ours['detail']}"
        )
    return None


if __name__ == "__main__":
    main()
