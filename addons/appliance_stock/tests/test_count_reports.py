import io
import shutil
import subprocess
import tempfile

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .count_common import CountCase


@tagged("post_install", "-at_install")
# HttpCase: wkhtmltopdf fetches the report's CSS from the test server, which must
# serve it from the test transaction (with a TransactionCase the request waits
# for the test's uncommitted asset bundle and wkhtmltopdf hangs)
class TestCountReports(CountCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.breaker.name = "塑壳断路器 MCCB 250A"
        cls.meter.name = '=HYPERLINK("http://example.com/x","meter")'
        cls.session = cls.Session.create(
            {"warehouse_id": cls.warehouse.id, "location_ids": [(6, 0, cls.rack.ids)]}
        )
        cls.session.action_start()
        cls.company.appliance_count_recount_pct = 0.0
        lines = cls.session.line_ids
        breaker_line = lines.filtered(lambda line: line.product_id == cls.breaker)
        meter_line = lines - breaker_line
        breaker_line.counted_qty = 37
        meter_line.counted_qty = 12
        cls.session.action_finish_counting()
        breaker_line.write({"reason_id": cls.reason_damage.id, "note": "叉车碰撞"})
        meter_line.write(
            {"reason_id": cls.reason_found.id, "note": "+1+1 found on shelf"}
        )

    def _attachment(self, action):
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        return self.env["ir.attachment"].browse(attachment_id)

    def test_variance_workbook_lists_values_and_neutralises_formulas(self):
        action = self.session.with_user(
            self.warehouse_user
        ).action_export_variance_xlsx()
        attachment = self._attachment(action)
        self.assertEqual(attachment.res_model, "appliance.count.session")
        self.assertEqual(attachment.res_id, self.session.id)
        workbook = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        sheet = workbook.worksheets[0]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header_index = next(i for i, row in enumerate(rows) if row[0] == "Location")
        data = {row[2]: row for row in rows[header_index + 1 :] if row[2]}
        breaker = data["塑壳断路器 MCCB 250A"]
        self.assertEqual(breaker[5:11], [40, 37, -3, -7.5, 520, -1560])
        self.assertEqual(breaker[11:13], ["Damage", "叉车碰撞"])
        meter_name = '\'=HYPERLINK("http://example.com/x","meter")'
        self.assertIn(meter_name, data, "a formula-like name is written as text")
        self.assertEqual(data[meter_name][12], "'+1+1 found on shelf")
        for row in sheet.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f", cell.coordinate)
        by_reason = {
            row[0].value: row[3].value
            for row in workbook.worksheets[1].iter_rows(min_row=2)
        }
        self.assertEqual(by_reason, {"Damage": -1560, "Found Surplus": 700})

    def test_variance_pdf_prints_chinese(self):
        if not shutil.which("pdftotext"):
            self.fail("pdftotext (poppler-utils) is needed to check the PDF text")
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = Report._render_qweb_pdf(
            "appliance_stock.appliance_count_variance_report", self.session.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", handle.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        # the CJK glyphs come from the system font (WenQuanYi): extractable
        # whatever web font the layout loads for Latin text
        self.assertIn("塑壳断路器", text)
        self.assertIn("叉车碰撞", text)

    def test_variance_reports_wait_for_the_end_of_a_blind_count(self):
        session = self.Session.create(
            {
                "warehouse_id": self.warehouse.id,
                "location_ids": [(6, 0, self.rack.ids)],
                "is_blind": True,
            }
        )
        session.action_start()
        with self.assertRaisesRegex(UserError, "blind count"):
            session.with_user(self.warehouse_user).action_export_variance_xlsx()
        with self.assertRaisesRegex(UserError, "blind count"):
            session.with_user(self.warehouse_user).action_print_variance()
