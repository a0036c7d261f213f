import base64
import io
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..wizard import appliance_count_import
from .count_common import CountCase

HEADER = (
    "库位 Location",
    "产品编码 Product Code",
    "批次 Lot",
    "盘点数量 Counted Quantity",
)


def workbook_bytes(rows, header=HEADER, title="盘点"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@tagged("post_install", "-at_install")
class TestCountImport(CountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session = cls._session_started()

    @classmethod
    def _session_started(cls):
        session = cls.Session.create(
            {"warehouse_id": cls.warehouse.id, "location_ids": [(6, 0, cls.rack.ids)]}
        )
        session.action_start()
        return session

    def _import(self, content, filename="counts.xlsx", user=None, mode="set"):
        Import = self.env["appliance.count.import"].with_user(
            user or self.warehouse_user
        )
        wizard = Import.create(
            {
                "session_id": self.session.id,
                "file": base64.b64encode(content),
                "filename": filename,
                "mode": mode,
            }
        )
        return wizard.action_import()

    def test_count_sheet_round_trip(self):
        action = self.session.with_user(self.warehouse_user).action_export_count_sheet()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(
            header,
            ["库位 Location", "产品编码 Product Code", "产品 Product", "批次 Lot",
             "账面数量 Book Quantity", "盘点数量 Counted Quantity"],
        )  # fmt: skip
        codes = {sheet.cell(row, 2).value: row for row in range(2, sheet.max_row + 1)}
        self.assertEqual(set(codes), {"TBM1-250/3300", "TBD-3"})
        sheet.cell(codes["TBM1-250/3300"], 6).value = 38
        sheet.cell(codes["TBD-3"], 6).value = 10
        output = io.BytesIO()
        sheet.parent.save(output)
        self._import(output.getvalue())
        self.assertEqual(self._line(self.session, self.breaker).counted_qty, 38.0)
        self.assertEqual(self._line(self.session, self.meter).counted_qty, 10.0)
        self.assertTrue(all(self.session.line_ids.mapped("is_counted")))
        self.assertEqual(
            self._line(self.session, self.breaker).counted_by_id, self.warehouse_user
        )

    def test_a_blind_count_sheet_hides_the_book(self):
        self.session.is_blind = True
        action = self.session.action_export_count_sheet()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        header = [cell.value for cell in sheet[1]]
        self.assertNotIn("账面数量 Book Quantity", header)
        self.assertNotIn(40, [cell.value for row in sheet.iter_rows() for cell in row])

    def test_rows_of_one_line_add_up_and_codes_match_loosely(self):
        rows = [
            ["Rack T", "tbm1 250 3300", None, 20],
            [self.rack.complete_name, "6901234567892", None, "19"],
            [None, "ＴＢＤ－３", None, 9.0],  # full-width, typed on a Chinese keyboard
        ]
        self._import(workbook_bytes(rows))
        self.assertEqual(self._line(self.session, self.breaker).counted_qty, 39.0)
        self.assertEqual(self._line(self.session, self.meter).counted_qty, 9.0)
        # "add" puts the next file on top
        self._import(workbook_bytes([[None, "TBD-3", None, 1]]), mode="add")
        self.assertEqual(self._line(self.session, self.meter).counted_qty, 10.0)

    def test_stock_found_in_the_file_adds_a_line(self):
        rows = [["Rack T", "GGX9-38", None, 2]]
        self._import(workbook_bytes(rows))
        line = self._line(self.session, self.set_ggd.product_variant_id)
        self.assertEqual((line.theoretical_qty, line.counted_qty), (0.0, 2.0))

    def test_every_bad_row_is_named_and_nothing_is_imported(self):
        rows = [
            ["Rack T", "TBM1-250/3300", None, 38],  # fine
            ["Rack T", "NOPE-9", None, 1],
            ["Rack Z", "TBD-3", None, 1],
            ["Rack T", "TBD-3", None, -2],
            ["Rack T", "TBD-3", None, "twelve"],
            ["Rack T", None, None, 3],
            ["Rack T", "TBD-3", None, None],
            ["Rack T", "TBD-3", "LOT-X", 1],
        ]
        with self.assertRaises(UserError) as caught:
            self._import(workbook_bytes(rows))
        message = str(caught.exception)
        self.assertIn("Nothing was imported", message)
        for expected in (
            "Row 3: no stored product has the code NOPE-9",
            "Row 4: the location Rack Z is not counted",
            "Row 5: the counted quantity -2 is negative",
            "Row 6: the counted quantity twelve is not a number",
            "Row 7: the product code is empty",
            "Row 8: the counted quantity is empty",
            "no lot or serial number LOT-X",
        ):
            self.assertIn(expected, message)
        self.assertNotIn("Row 2", message)
        self.assertFalse(any(self.session.line_ids.mapped("is_counted")))

    def test_products_outside_the_scope_are_row_errors(self):
        session = self.Session.create(
            {
                "warehouse_id": self.warehouse.id,
                "location_ids": [(6, 0, self.rack.ids)],
                "product_ids": [(6, 0, self.breaker.ids)],
            }
        )
        session.action_start()
        wizard = self.env["appliance.count.import"].create(
            {
                "session_id": session.id,
                "file": base64.b64encode(
                    workbook_bytes([["Rack T", "TBD-3", None, 1]])
                ),
                "filename": "c.xlsx",
            }
        )
        with self.assertRaisesRegex(UserError, "Row 2: .*not in the scope"):
            wizard.action_import()

    def test_files_that_are_not_count_sheets_are_refused(self):
        cases = [
            (b"", "counts.xlsx", "empty"),
            (
                b"plain text, not a workbook",
                "counts.xlsx",
                "not a valid Excel workbook",
            ),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "97-2003"),
            (workbook_bytes([]), "counts.csv", "upload an .xlsx file"),
            (
                workbook_bytes([["x", "y"]], header=["A", "B"]),
                "c.xlsx",
                "No header row",
            ),
            (workbook_bytes([]), "c.xlsx", "no counts"),
        ]
        for content, filename, expected in cases:
            with (
                self.subTest(expected=expected),
                self.assertRaisesRegex(UserError, expected),
            ):
                self._import(content, filename)

    def test_limits_on_size_rows_and_expansion(self):
        with patch.object(appliance_count_import, "MAX_ROWS", 2):
            rows = [["Rack T", "TBD-3", None, 1]] * 3
            with self.assertRaisesRegex(UserError, "more than 2 rows of counts"):
                self._import(workbook_bytes(rows))
        # a cell at the sheet's last row is a row beyond the limit, found without
        # reading a million empty rows into memory
        workbook = openpyxl.Workbook()
        workbook.active.append(HEADER)
        workbook.active.cell(1_048_576, 2).value = "TBD-3"
        workbook.active.cell(1_048_576, 4).value = 1
        output = io.BytesIO()
        workbook.save(output)
        with self.assertRaisesRegex(UserError, "more than 20,000 rows"):
            self._import(output.getvalue())
        with patch.object(appliance_count_import, "MAX_FILE_BYTES", 1000):
            with self.assertRaisesRegex(UserError, "at most 0 MB"):
                self._import(workbook_bytes([["Rack T", "TBD-3", None, 1]]))
        # texts that compress a thousand times: refused before openpyxl reads them
        padding = "A" * 30_000
        bomb = workbook_bytes(
            [["Rack T", f"TBD-3{padding}{i}", None, 1] for i in range(100)]
        )
        with self.assertRaisesRegex(UserError, "when unpacked"):
            self._import(bomb)
        self.assertFalse(any(self.session.line_ids.mapped("is_counted")))

    def test_import_only_while_counting_and_only_for_the_warehouse(self):
        content = workbook_bytes([["Rack T", "TBD-3", None, 10]])
        with self.assertRaises(AccessError):
            self._import(content, user=self.salesperson_a)
        with self.assertRaises(AccessError):
            self._import(content, user=self.portal_user)
        self.session.action_cancel()
        with self.assertRaisesRegex(UserError, "not possible now"):
            self._import(content)
