import io
import json
import shutil
import subprocess
import zipfile
from datetime import date, timedelta

import openpyxl

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..utils import neutralize_cell
from .common import ReportsCase

EVIL = '=HYPERLINK("http://evil.example/x","点我")'


def pdf_text(pdf):
    """Text of a PDF through poppler's pdftotext (installed by `make test`)."""
    return subprocess.run(
        [shutil.which("pdftotext"), "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


@tagged("post_install", "-at_install")
# HttpCase: wkhtmltopdf fetches the report's CSS from the test server, which must
# serve it from the test transaction (with a TransactionCase the request waits
# for the test's uncommitted asset bundle and wkhtmltopdf hangs)
class TestDailyMonthlyReports(ReportsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        y = cls.YEAR
        cls.evil = cls.customer.copy(
            {
                "name": EVIL,
                "appliance_customer_code": "T-EVIL",
                "user_id": cls.salesperson_a.id,
            }
        )
        cls.order_1 = cls._order(
            cls.salesperson_a, [(cls.breaker, 2, 1000)], f"{y}-07-08"
        )
        cls.order_2 = cls._order(
            cls.salesperson_b,
            [(cls.set_product, 1, 30000)],
            f"{y}-07-08",
            partner=cls.evil,
        )
        cls._order(cls.salesperson_a, [(cls.meter, 5, 600)], f"{y}-07-07")
        cls._order(cls.salesperson_a, [(cls.meter, 1, 600)], f"{y - 1}-07-08")
        Digest = cls.env["appliance.sales.digest"]
        cls.daily = Digest.create({"kind": "daily", "date_from": f"{y}-07-08"})
        cls.monthly = Digest.create({"kind": "monthly", "date_from": f"{y}-07-19"})
        cls.trend = Digest.create(
            {
                "kind": "trend",
                "date_from": f"{y}-01-01",
                "date_to": f"{y}-07-31",
                "months": 6,
            }
        )
        cls.Report = cls.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )

    def _xlsx(self, digest, user=None):
        Report = self.Report.with_user(user) if user else self.Report
        content, fmt = Report._render_xlsx(
            "appliance_reports.action_report_sales_digest_xlsx", digest.ids, data={}
        )
        self.assertEqual(fmt, "xlsx")
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_periods_and_names(self):
        self.assertEqual(self.daily.date_to, date(2015, 7, 8))
        self.assertEqual(self.daily.name, "Daily Report 2015-07-08")
        self.assertEqual(self.monthly.date_to, date(2015, 7, 31))
        self.assertEqual(self.monthly.name, "Monthly Report 2015-07")
        self.assertEqual(self.trend.name, "Trend Report 2015-02 – 2015-07")
        with self.assertRaises(ValidationError):
            self.trend.months = 0

    def test_daily_figures(self):
        data = self.daily._appliance_report_data()
        kpis = {row["key"]: row for row in data["kpis"]}
        self.assertAlmostEqual(kpis["revenue"]["value"], 32000.0)
        self.assertAlmostEqual(kpis["revenue"]["previous"], 3000.0)
        self.assertAlmostEqual(kpis["revenue"]["change_previous"], 100 * 29000 / 3000)
        self.assertAlmostEqual(kpis["revenue"]["last_year"], 600.0)
        self.assertEqual(kpis["order_count"]["value"], 2)
        self.assertAlmostEqual(data["month_to_date"]["revenue"], 35000.0)
        self.assertEqual(
            [o["name"] for o in data["orders"]], [self.order_2.name, self.order_1.name]
        )

    def _pdf(self, digest):
        # wkhtmltopdf fetches the report's styles from the test server
        with self.allow_pdf_render():
            return self.Report._render_qweb_pdf(
                "appliance_reports.action_report_sales_digest", digest.ids
            )

    def test_pdf_renders_chinese_text(self):
        pdf, fmt = self._pdf(self.daily)
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        # searchable text (not outlines), Chinese included (not boxes)
        self.assertIn("Daily Report 2015-07-08", text)
        self.assertIn("江苏中天电气安装工程有限公司", text)
        self.assertIn("江苏省", text)
        self.assertIn(self.order_2.name, text)
        self.assertIn("32,000.00", text)

    def test_monthly_and_trend_pdf(self):
        # one document per call: an unpatched wkhtmltopdf cannot merge several
        text = pdf_text(self._pdf(self.monthly)[0])
        self.assertIn("Monthly Report 2015-07", text)
        self.assertIn("32,000.00", text)
        text = pdf_text(self._pdf(self.trend)[0])
        self.assertIn("Trend Report 2015-02", text)
        self.assertIn("2015-07", text)

    def test_xlsx_content_charts_and_neutralised_formula(self):
        workbook = self._xlsx(self.daily)
        self.assertIn("Summary", workbook.sheetnames)
        summary = workbook["Summary"]
        rows = {row[0]: row for row in summary.iter_rows(min_row=6, values_only=True)}
        self.assertAlmostEqual(rows["Revenue"][1], 32000.0)
        self.assertAlmostEqual(rows["Orders"][1], 2)
        orders = workbook["Orders"]
        customers = [row[1] for row in orders.iter_rows(min_row=2, values_only=True)]
        self.assertIn("'" + EVIL, customers)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(
                        cell.data_type, "f", f"{sheet.title}!{cell.coordinate}"
                    )

    def test_xlsx_has_native_charts(self):
        content, _fmt = self.Report._render_xlsx(
            "appliance_reports.action_report_sales_digest_xlsx", self.trend.ids, data={}
        )
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        self.assertGreaterEqual(len(charts), 5)
        trend = self._xlsx(self.trend)["Trend"]
        months = [row[0] for row in trend.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(months, [f"2015-{m:02d}" for m in range(2, 8)])

    def test_neutralize_cell(self):
        for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
            self.assertEqual(neutralize_cell(value), "'" + value)
        for value in ("GGD2-38", "正泰", 12.5, None, ""):
            self.assertEqual(neutralize_cell(value), value)

    def test_access_to_reports(self):
        self.assertTrue(self._xlsx(self.daily, self.finance_user).sheetnames)
        self.env["appliance.sales.digest"].with_user(self.sales_manager).create(
            {"kind": "monthly", "date_from": "2015-07-01"}
        )
        for user in (self.salesperson_a, self.portal_user, self.warehouse_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["appliance.sales.digest"].with_user(user).search([])

    def test_scheduled_daily_report_is_queued_once(self):
        company = self.env.company
        company.appliance_daily_report_user_ids = self.sales_manager | self.finance_user
        self.sales_manager.email = "manager@example.com"
        self.finance_user.email = "finance@example.com"
        # a real PDF, as outside of tests (Odoo renders HTML in test mode)
        Digest = self.env["appliance.sales.digest"].with_context(
            force_report_rendering=True
        )
        Mail = self.env["mail.mail"]
        before = Mail.search([]).ids
        today = date(2015, 7, 9)
        with self.allow_pdf_render():
            sent = Digest._appliance_send_due_reports(company, today)
        yesterday = today - timedelta(days=1)
        digest = Digest.search(
            [
                ("kind", "=", "daily"),
                ("date_from", "=", yesterday),
                ("company_id", "=", company.id),
            ]
        )
        self.assertEqual(digest, sent)
        self.assertTrue(digest.sent_date)
        mails = Mail.search([("id", "not in", before)])
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(
            mails.recipient_ids, (self.sales_manager | self.finance_user).partner_id
        )
        names = mails.attachment_ids.mapped("name")
        self.assertTrue(any(name.endswith(".xlsx") for name in names), names)
        self.assertTrue(any(name.endswith(".pdf") for name in names), names)
        self.assertFalse(Digest._appliance_send_due_reports(company, today))
        self.assertEqual(Mail.search_count([("id", "not in", before)]), len(mails))

    def test_monthly_report_is_mailed_on_the_first(self):
        company = self.env.company
        company.appliance_daily_report_user_ids = False
        company.appliance_monthly_report_user_ids = self.sales_manager
        # the mail is written in the recipient's language (the test database
        # loads zh_CN, as `make test` does)
        self.sales_manager.write({"email": "manager@example.com", "lang": "zh_CN"})
        Digest = self.env["appliance.sales.digest"]
        self.assertFalse(Digest._appliance_send_due_reports(company, date(2015, 8, 2)))
        sent = Digest._appliance_send_due_reports(company, date(2015, 8, 1))
        self.assertEqual(sent.kind, "monthly")
        self.assertEqual(
            (sent.date_from, sent.date_to), (date(2015, 7, 1), date(2015, 7, 31))
        )
        mail = self.env["mail.mail"].search(
            [("model", "=", sent._name), ("res_id", "=", sent.id)]
        )
        self.assertEqual(mail.recipient_ids, self.sales_manager.partner_id)
        self.assertIn("月报 2015-07", mail.subject)
        self.assertIn("毛利", mail.body_html)

    def test_send_without_recipients_says_what_to_do(self):
        self.env.company.appliance_monthly_report_user_ids = False
        with self.assertRaisesRegex(UserError, "settings"):
            self.monthly.action_send_now()


@tagged("post_install", "-at_install")
class TestSpreadsheetExports(HttpCase):
    """Odoo's own list and pivot exports neutralise formulas too."""

    def setUp(self):
        super().setUp()
        self.partner = self.env["res.partner"].create(
            {"name": EVIL, "city": "+city", "ref": "@ref"}
        )
        self.authenticate("admin", "admin")

    def _post(self, url, payload):
        response = self.url_open(
            url,
            data={
                "data": json.dumps(payload),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        return openpyxl.load_workbook(io.BytesIO(response.content)).active

    def _list_payload(self, groupby=()):
        return {
            "model": "res.partner",
            "fields": [
                {"name": "name", "label": "Name", "type": "char"},
                {"name": "city", "label": "City", "type": "char"},
            ],
            "ids": self.partner.ids,
            "domain": [("id", "=", self.partner.id)],
            "groupby": list(groupby),
            "import_compat": False,
        }

    def test_list_export_keeps_formulas_as_text(self):
        sheet = self._post("/web/export/xlsx", self._list_payload())
        row = list(sheet[2])
        self.assertEqual([c.value for c in row], ["'" + EVIL, "'+city"])
        self.assertEqual({c.data_type for c in row}, {"s"})

    def test_grouped_list_export_keeps_formulas_as_text(self):
        sheet = self._post("/web/export/xlsx", self._list_payload(["ref"]))
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
        self.assertNotIn("f", {cell.data_type for cell in cells})
        self.assertTrue(any(str(c.value).startswith("'@ref") for c in cells))
        self.assertIn("'" + EVIL, [c.value for c in cells])

    def test_pivot_export_keeps_formulas_as_text(self):
        table = {
            "title": "Pivot",
            "model": "res.partner",
            "measure_count": 1,
            "origin_count": 1,
            "col_group_headers": [[{"title": "-Total", "width": 1, "height": 1}]],
            "measure_headers": [
                {"title": "Count", "width": 1, "height": 1, "is_bold": True}
            ],
            "origin_headers": [],
            "rows": [
                {
                    "title": EVIL,
                    "indent": 0,
                    "values": [{"value": 1, "is_bold": False}],
                },
                {
                    "title": 7,
                    "indent": 1,
                    "values": [{"value": "=2+2", "is_bold": True}],
                },
            ],
        }
        sheet = self._post("/web/pivot/export_xlsx", table)
        cells = [
            cell for row in sheet.iter_rows() for cell in row if cell.value is not None
        ]
        values = [cell.value for cell in cells]
        self.assertIn("'" + EVIL, values)
        self.assertIn("'-Total", values)
        self.assertIn("'=2+2", values)
        self.assertNotIn("f", {cell.data_type for cell in cells})
