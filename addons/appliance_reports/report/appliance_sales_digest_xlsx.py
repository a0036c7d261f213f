from odoo import api, models

from ..utils import neutralize_cell

MONEY = "#,##0.00"


class ApplianceSalesDigestXlsx(models.AbstractModel):
    """The daily / monthly / trend report as an Excel workbook with native charts.

    Every text cell goes through :func:`neutralize_cell` and ``write_string``:
    a customer or product named ``=HYPERLINK(...)`` stays text.
    """

    _name = "report.appliance_reports.sales_digest_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Sales Report (Excel)"

    # ------------------------------------------------------------
    # CELLS
    # ------------------------------------------------------------

    def _text(self, sheet, row, col, value, fmt=None):
        sheet.write_string(row, col, neutralize_cell(str(value or "")), fmt)

    def _number(self, sheet, row, col, value, fmt=None):
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        else:
            sheet.write_number(row, col, value, fmt)

    def _sheet_name(self, title):
        """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
        return "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:31]

    def _formats(self, workbook):
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#E9ECEF", "border": 1, "text_wrap": True}
            ),
            "money": workbook.add_format({"num_format": MONEY}),
            "integer": workbook.add_format({"num_format": "#,##0"}),
            "number": workbook.add_format({"num_format": "#,##0.##"}),
            "percent": workbook.add_format({"num_format": '0.0"%"'}),
            "change": workbook.add_format({"num_format": '+0.0"%";-0.0"%"'}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "muted": workbook.add_format({"font_color": "#666666"}),
        }

    def _write_table(self, sheet, row, headers, rows, formats):
        """Write ``headers`` and ``rows`` (lists of ``(value, format name)``
        where format ``None`` means text) from ``row``; returns the next free row."""
        for col, header in enumerate(headers):
            self._text(sheet, row, col, header, formats["header"])
        for values in rows:
            row += 1
            for col, (value, fmt) in enumerate(values):
                if fmt is None:
                    self._text(sheet, row, col, value)
                elif fmt == "date":
                    sheet.write_datetime(row, col, value, formats["date"])
                else:
                    self._number(sheet, row, col, value, formats[fmt])
        return row + 1

    def _chart(self, workbook, sheet, kind, name, cats, series, anchor, **options):
        """A native Excel chart; ``cats`` and each of ``series`` are
        ``(first_row, last_row, col)`` ranges of ``sheet``."""
        subtype = options.pop("subtype", None)
        chart = workbook.add_chart(
            {"type": kind, **({"subtype": subtype} if subtype else {})}
        )
        first, last, col = cats
        for title, (s_first, s_last, s_col), extra in series:
            chart.add_series(
                {
                    "name": title,
                    "categories": [sheet.name, first, col, last, col],
                    "values": [sheet.name, s_first, s_col, s_last, s_col],
                    **extra,
                }
            )
        chart.set_title({"name": name})
        chart.set_size({"width": options.get("width", 620), "height": 300})
        if kind != "pie":
            chart.set_legend({"position": "bottom"})
        sheet.insert_chart(anchor, chart)
        return chart

    # ------------------------------------------------------------
    # SHEETS
    # ------------------------------------------------------------

    @api.private  # called by report_xlsx with a workbook: server code only
    def generate_xlsx_report(self, workbook, data, objs):
        formats = self._formats(workbook)
        for digest in objs:
            report = digest._appliance_report_data()
            self._sheet_summary(workbook, digest, report, formats)
            self._sheet_series(workbook, digest, report, formats)
            for key, (title, rows) in report["breakdowns"].items():
                self._sheet_breakdown(workbook, digest, key, title, rows, formats)
            if report.get("orders") is not None:
                self._sheet_orders(workbook, report, formats)
            if report.get("pairs"):
                self._sheet_pairs(workbook, report, formats)

    def _sheet_summary(self, workbook, digest, report, formats):
        sheet = workbook.add_worksheet(self.env._("Summary"))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 5, 16)
        self._text(sheet, 0, 0, digest.name, formats["title"])
        self._text(sheet, 1, 0, report["company"], formats["muted"])
        sheet.write_datetime(2, 0, report["date_from"], formats["date"])
        sheet.write_datetime(2, 1, report["date_to"], formats["date"])
        if digest.kind == "trend":
            return sheet
        rows = [
            [
                (row["label"], None),
                (row["value"], row["format"]),
                (row["previous"], row["format"]),
                (row["change_previous"], "change"),
                (row["last_year"], row["format"]),
                (row["change_last_year"], "change"),
            ]
            for row in report["kpis"]
        ]
        self._write_table(
            sheet,
            4,
            [
                self.env._("Figure"),
                self.env._("This period"),
                report["previous_label"],
                self.env._("Change"),
                self.env._("Last year"),
                self.env._("YoY"),
            ],
            rows,
            formats,
        )
        return sheet

    def _sheet_series(self, workbook, digest, report, formats):
        if digest.kind == "trend":
            sheet = workbook.add_worksheet(self.env._("Trend"))
            rows = report["trend"]
            headers = [
                self.env._("Month"),
                self.env._("Revenue"),
                self.env._("Profit"),
                self.env._("Margin (%)"),
                self.env._("Orders"),
                self.env._("Average Order Value"),
                self.env._("Same month last year"),
                self.env._("MoM"),
                self.env._("YoY"),
            ]
            table = [
                [
                    (row["start"].strftime("%Y-%m"), None),
                    (row["revenue"], "money"),
                    (row["profit"], "money"),
                    (row["margin_percent"], "percent"),
                    (row["order_count"], "integer"),
                    (row["average_order_value"], "money"),
                    (row["revenue_last_year"], "money"),
                    (row["change_previous"], "change"),
                    (row["change_last_year"], "change"),
                ]
                for row in rows
            ]
        else:
            sheet = workbook.add_worksheet(self.env._("Per Day"))
            rows = report["series"]
            headers = [
                self.env._("Day"),
                self.env._("Revenue"),
                self.env._("Profit"),
                self.env._("Orders"),
            ]
            table = [
                [
                    (row["start"], "date"),
                    (row["revenue"], "money"),
                    (row["profit"], "money"),
                    (row["order_count"], "integer"),
                ]
                for row in rows
            ]
        sheet.set_column(0, len(headers) - 1, 15)
        self._write_table(sheet, 0, headers, table, formats)
        last = len(rows)
        if last:
            series = [
                (self.env._("Revenue"), (1, last, 1), {"fill": {"color": "#1F5E8C"}}),
            ]
            chart = self._chart(
                workbook,
                sheet,
                "column",
                self.env._("Revenue and profit"),
                (1, last, 0),
                series,
                f"{chr(ord('A') + len(headers) + 1)}2",
                width=760,
            )
            profit = workbook.add_chart({"type": "line"})
            profit.add_series(
                {
                    "name": self.env._("Profit"),
                    "categories": [sheet.name, 1, 0, last, 0],
                    "values": [sheet.name, 1, 2, last, 2],
                    "line": {"color": "#F0A202", "width": 2.25},
                }
            )
            if digest.kind == "trend":
                profit.add_series(
                    {
                        "name": self.env._("Same month last year"),
                        "categories": [sheet.name, 1, 0, last, 0],
                        "values": [sheet.name, 1, 6, last, 6],
                        "line": {"color": "#9AA5AD", "dash_type": "dash"},
                    }
                )
            chart.combine(profit)
        return sheet

    def _sheet_breakdown(self, workbook, digest, key, title, rows, formats):
        sheet = workbook.add_worksheet(self._sheet_name(title))
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 5, 15)
        self._text(sheet, 0, 0, title, formats["title"])
        headers = [
            "",
            self.env._("Revenue"),
            self.env._("Profit"),
            self.env._("Margin (%)"),
            self.env._("Quantity"),
            self.env._("Orders"),
        ]
        table = [
            [
                (row["label"], None),
                (row["revenue"], "money"),
                (row["profit"], "money"),
                (row["margin_percent"], "percent"),
                (row["qty"], "number"),
                (row["order_count"], "integer"),
            ]
            for row in rows
        ]
        self._write_table(sheet, 2, headers, table, formats)
        if rows:
            kind = "pie" if key in ("customer_type", "region", "channel") else "bar"
            self._chart(
                workbook,
                sheet,
                kind,
                title,
                (3, 2 + len(rows), 0),
                [(self.env._("Revenue"), (3, 2 + len(rows), 1), {})],
                "H3",
            )
        return sheet

    def _sheet_orders(self, workbook, report, formats):
        sheet = workbook.add_worksheet(self.env._("Orders"))
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 40)
        sheet.set_column(2, 3, 18)
        table = [
            [
                (order["name"], None),
                (order["customer"], None),
                (order["salesperson"], None),
                (order["amount"], "money"),
            ]
            for order in report["orders"]
        ]
        self._write_table(
            sheet,
            0,
            [
                self.env._("Order"),
                self.env._("Customer"),
                self.env._("Salesperson"),
                self.env._("Untaxed Amount"),
            ],
            table,
            formats,
        )
        return sheet

    def _sheet_pairs(self, workbook, report, formats):
        sheet = workbook.add_worksheet(self.env._("Bought Together"))
        sheet.set_column(0, 0, 50)
        table = [
            [
                (pair["name"], None),
                (pair["order_count"], "integer"),
                (pair["confidence"] * 100, "percent"),
                (pair["lift"], "number"),
            ]
            for pair in report["pairs"]
        ]
        self._write_table(
            sheet,
            0,
            [
                self.env._("Products"),
                self.env._("Orders"),
                self.env._("Confidence"),
                self.env._("Lift"),
            ],
            table,
            formats,
        )
        return sheet
