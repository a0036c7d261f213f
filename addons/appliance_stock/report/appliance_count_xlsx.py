"""Excel files of count sessions: the variance report and the count sheet.

Built with xlsxwriter in memory. Every text cell is written as a string and
texts that a spreadsheet would read as a formula (starting with = + - @ or a
control character) are prefixed with an apostrophe, so that a product name
like ``=HYPERLINK(...)`` never becomes a live formula (CSV/formula injection).
"""

import io
from collections import defaultdict

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

# (key, Chinese, English): the count sheet's columns, also what the import reads
COUNT_SHEET_COLUMNS = (
    ("location", "库位", "Location"),
    ("code", "产品编码", "Product Code"),
    ("product", "产品", "Product"),
    ("lot", "批次", "Lot"),
    ("book", "账面数量", "Book Quantity"),
    ("counted", "盘点数量", "Counted Quantity"),
)


def safe_text(value):
    """The text of a cell, neutralised when a spreadsheet would run it."""
    text = "" if value in (None, False) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def product_code(product):
    """What identifies a product on a count sheet: model code, internal
    reference or barcode."""
    return product.appliance_model_code or product.default_code or product.barcode or ""


def _formats(workbook):
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "label": workbook.add_format({"bold": True}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
        ),
        "text": workbook.add_format({}),
        "qty": workbook.add_format({"num_format": "#,##0.###"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "pct": workbook.add_format({"num_format": "0.0"}),
        "total": workbook.add_format({"bold": True, "num_format": "#,##0.00"}),
    }


def _write_row(sheet, row, values, formats):
    """Write ``(value, format name)`` pairs; numbers as numbers, texts as
    neutralised strings."""
    for col, (value, fmt) in enumerate(values):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, col, value, formats[fmt])
        else:
            sheet.write_string(row, col, safe_text(value), formats[fmt])


def _session_header(session, sheet, formats, title):
    env = session.env
    sheet.write_string(0, 0, safe_text(title), formats["title"])
    state = dict(session._fields["state"]._description_selection(env))[session.state]
    rows = [
        (env._("Session"), session.name),
        (env._("Warehouse"), session.warehouse_id.display_name),
        (env._("Locations"), ", ".join(session.location_ids.mapped("display_name"))),
        (env._("Status"), state),
        (
            env._("Snapshot Taken"),
            (session.date_start and str(session.date_start)) or "",
        ),
        (env._("Applied On"), (session.date_done and str(session.date_done)) or ""),
    ]
    for row, (label, value) in enumerate(rows, start=1):
        sheet.write_string(row, 0, safe_text(label), formats["label"])
        sheet.write_string(row, 1, safe_text(value), formats["text"])
    return len(rows) + 2


def variance_workbook(session):
    """The variance report: every line with a variance, and the totals by
    reason. Returns the ``.xlsx`` bytes."""
    env = session.env
    lines = env["appliance.count.line"].search_fetch(
        [("session_id", "=", session.id), ("has_variance", "=", True)],
        [
            "location_id",
            "product_id",
            "lot_id",
            "theoretical_qty",
            "counted_qty",
            "variance_qty",
            "variance_pct",
            "unit_cost",
            "variance_value",
            "reason_id",
            "note",
            "counted_by_id",
        ],
    )
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = _formats(workbook)
    sheet = workbook.add_worksheet(env._("Variances")[:31])
    row = _session_header(session, sheet, formats, env._("Stock Count Variances"))
    headers = [
        env._("Location"),
        env._("Product Code"),
        env._("Product"),
        env._("Lot/Serial"),
        env._("Unit"),
        env._("Book Quantity"),
        env._("Counted"),
        env._("Variance"),
        env._("Variance (%)"),
        env._("Unit Cost"),
        env._("Variance Value"),
        env._("Reason"),
        env._("Note"),
        env._("Counted By"),
    ]
    _write_row(sheet, row, [(h, "header") for h in headers], formats)
    sheet.freeze_panes(row + 1, 0)
    by_reason = defaultdict(lambda: [0, 0.0, 0.0])
    total_value = 0.0
    for line in lines:
        row += 1
        product = line.product_id
        _write_row(
            sheet,
            row,
            [
                (line.location_id.display_name, "text"),
                (product_code(product), "text"),
                (product.display_name, "text"),
                (line.lot_id.name or "", "text"),
                (product.uom_id.name, "text"),
                (line.theoretical_qty, "qty"),
                (line.counted_qty, "qty"),
                (line.variance_qty, "qty"),
                (line.variance_pct, "pct"),
                (line.unit_cost, "money"),
                (line.variance_value, "money"),
                (line.reason_id.name or "", "text"),
                (line.note or "", "text"),
                (line.counted_by_id.name or "", "text"),
            ],
            formats,
        )
        reason = by_reason[line.reason_id.name or env._("(no reason)")]
        reason[0] += 1
        reason[1] += line.variance_qty
        reason[2] += line.variance_value
        total_value += line.variance_value
    row += 1
    sheet.write_string(row, 9, safe_text(env._("Total")), formats["label"])
    sheet.write_number(row, 10, total_value, formats["total"])
    sheet.set_column(0, 2, 24)
    sheet.set_column(3, 13, 12)

    summary = workbook.add_worksheet(env._("By Reason")[:31])
    _write_row(
        summary,
        0,
        [
            (env._("Reason"), "header"),
            (env._("Lines"), "header"),
            (env._("Variance"), "header"),
            (env._("Variance Value"), "header"),
        ],
        formats,
    )
    for row, (name, (count, qty, value)) in enumerate(
        sorted(by_reason.items()), start=1
    ):
        _write_row(
            summary,
            row,
            [(name, "text"), (count, "qty"), (qty, "qty"), (value, "money")],
            formats,
        )
    summary.set_column(0, 0, 24)
    summary.set_column(1, 3, 14)
    workbook.close()
    return output.getvalue()


def count_sheet_workbook(session):
    """A sheet to count on paper or in Excel and import back: one row per
    line, the book quantity only when the count is not blind."""
    env = session.env
    lines = env["appliance.count.line"].search_fetch(
        [("session_id", "=", session.id)],
        ["location_id", "product_id", "lot_id", "theoretical_qty", "counted_qty",
         "is_counted"],
    )  # fmt: skip
    show_book = not session.is_blind
    columns = [c for c in COUNT_SHEET_COLUMNS if show_book or c[0] != "book"]
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = _formats(workbook)
    sheet = workbook.add_worksheet(safe_text(session.name.replace("/", "-"))[:31])
    _write_row(
        sheet, 0, [(f"{zh} {en}", "header") for _key, zh, en in columns], formats
    )
    sheet.freeze_panes(1, 0)
    for row, line in enumerate(lines, start=1):
        values = {
            "location": (line.location_id.display_name, "text"),
            "code": (product_code(line.product_id), "text"),
            "product": (line.product_id.display_name, "text"),
            "lot": (line.lot_id.name or "", "text"),
            "book": (line.theoretical_qty, "qty"),
            "counted": (line.counted_qty if line.is_counted else "", "qty"),
        }
        _write_row(sheet, row, [values[key] for key, _zh, _en in columns], formats)
    sheet.set_column(0, 2, 26)
    sheet.set_column(3, len(columns), 14)
    workbook.close()
    return output.getvalue()
