import base64
import binascii
import io
import math
import re
import unicodedata
import zipfile
from collections import defaultdict

import openpyxl

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..report.appliance_count_xlsx import COUNT_SHEET_COLUMNS

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_MEMBERS = 500
MAX_ROWS = 20_000
MAX_COLUMNS = 30
HEADER_SCAN_ROWS = 10
MAX_QUANTITY = 10**9
# errors shown at once; the message says how many more there are
MAX_ERRORS_SHOWN = 30
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_LABEL_STRIP_RE = re.compile(r"[\s*:：()（）/_\-.·、]+")
_LABELS = {
    "location": ("库位", "货位", "仓位", "location", "bin"),
    "code": (
        "产品编码", "型号", "条码", "编码", "product code", "model code", "barcode",
        "code", "internal reference", "reference",
    ),
    "lot": ("批次", "批号", "序列号", "lot", "lot/serial", "serial", "serial number"),
    "counted": (
        "盘点数量", "实盘数量", "实盘", "counted", "counted quantity", "count",
        "quantity counted",
    ),
}  # fmt: skip


def _label_key(text):
    return _LABEL_STRIP_RE.sub("", unicodedata.normalize("NFKC", str(text)).lower())


def _label_index():
    index = {}
    for key, labels in _LABELS.items():
        for label in labels:
            index[_label_key(label)] = key
    for key, zh, en in COUNT_SHEET_COLUMNS:
        if key in _LABELS:
            for label in (zh, en, f"{zh} {en}", f"{en} {zh}"):
                index[_label_key(label)] = key
    return index


LABEL_INDEX = _label_index()


class ApplianceCountImport(models.TransientModel):
    """Counts from an Excel file (the session's count sheet, or any sheet
    with the columns Location, Product Code, Lot and Counted Quantity).
    Every row is checked first; one bad row and nothing is imported."""

    _name = "appliance.count.import"
    _description = "Import Counts"

    session_id = fields.Many2one(
        "appliance.count.session", required=True, ondelete="cascade"
    )
    file = fields.Binary(string="Excel File", attachment=False)
    filename = fields.Char()
    mode = fields.Selection(
        [("set", "Replace Counts"), ("add", "Add to Counts")],
        required=True,
        default="set",
        help="Replace: the file's quantity becomes the line's count (rows of "
        "the same line are added up). Add: the quantities are added to what is "
        "counted already.",
    )

    def action_import(self):
        self.ensure_one()
        session = self.session_id
        session.check_access("write")
        session._check_state("counting")
        rows = self._read_rows()
        counts, new_lines, errors = self._resolve_rows(rows)
        if errors:
            shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
            if len(errors) > MAX_ERRORS_SHOWN:
                shown += "\n" + self.env._(
                    "... and %s more problems.", len(errors) - MAX_ERRORS_SHOWN
                )
            raise UserError(
                self.env._(
                    "Nothing was imported: fix these rows and import the file "
                    "again.\n%s",
                    shown,
                )
            )
        Line = self.env["appliance.count.line"]
        if new_lines:
            created = Line.create(
                [
                    {
                        "session_id": session.id,
                        "product_id": product_id,
                        "location_id": location_id,
                        "lot_id": lot_id,
                    }
                    for product_id, location_id, lot_id in new_lines
                ]
            )
            for line in created:
                counts[line.id] = new_lines[line._key()]
        Line._set_counts(counts, mode=self.mode)
        session.message_post(
            body=self.env._(
                "%(count)s counts imported from %(file)s.",
                count=len(counts),
                file=self.filename or self.env._("a file"),
            )
        )
        return session.action_open_lines()

    # ------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------

    def _read_rows(self):
        """``[(row number, {column key: value})]`` of the first visible sheet
        with a header row; refuses files that are too big or not .xlsx before
        reading them."""
        content = self._decoded()
        workbook = self._open_workbook(content)
        try:
            sheet = next(
                (ws for ws in workbook.worksheets if ws.sheet_state == "visible"), None
            )
            if sheet is None:
                raise UserError(self.env._("The workbook has no visible sheet."))
            # no max_row: openpyxl streams the rows; the first row beyond the
            # limit stops the reading (the unpacked size is capped above)
            rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            columns, header_row = None, 0
            for number, values in enumerate(rows, start=1):
                if number > HEADER_SCAN_ROWS:
                    break
                found = {}
                for index, value in enumerate(values):
                    if isinstance(value, str):
                        key = LABEL_INDEX.get(_label_key(value))
                        if key and key not in found:
                            found[key] = index
                if {"code", "counted"} <= found.keys():
                    columns, header_row = found, number
                    break
            if columns is None:
                raise UserError(
                    self.env._(
                        "No header row found in the first %(rows)s rows of sheet "
                        "%(sheet)s: it needs the columns %(columns)s (in Chinese or "
                        "English).",
                        rows=HEADER_SCAN_ROWS,
                        sheet=sheet.title,
                        columns="产品编码 Product Code, 盘点数量 Counted Quantity",
                    )
                )
            result = []
            for number, values in enumerate(rows, start=header_row + 1):
                row = {
                    key: values[index]
                    for key, index in columns.items()
                    if values[index] is not None
                    and not (
                        isinstance(values[index], str) and not values[index].strip()
                    )
                }
                if not row:
                    continue
                if number > header_row + MAX_ROWS:
                    raise UserError(
                        self.env._(
                            "Sheet %(sheet)s has more than %(max)s rows of counts (row "
                            "%(row)s): split the file.",
                            sheet=sheet.title,
                            max=f"{MAX_ROWS:,}",
                            row=number,
                        )
                    )
                result.append((number, row))
        finally:
            workbook.close()
        if not result:
            raise UserError(self.env._("The file has a header row but no counts."))
        return result

    def _decoded(self):
        data = self.file or b""
        if len(data) * 3 // 4 > MAX_FILE_BYTES:
            raise UserError(self._too_big(len(data) * 3 // 4))
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise UserError(self.env._("The file content is not valid.")) from exc
        if not content:
            raise UserError(self.env._("The file is empty."))
        return content

    def _too_big(self, size):
        return self.env._(
            "The file is %(size).1f MB; at most %(max)s MB can be imported at once. "
            "Split it into several files.",
            size=size / 1024 / 1024,
            max=MAX_FILE_BYTES // 1024 // 1024,
        )

    def _not_xlsx(self):
        return UserError(
            self.env._(
                "The file is not a valid Excel workbook (.xlsx): it is damaged or of "
                "another type."
            )
        )

    def _open_workbook(self, content):
        if len(content) > MAX_FILE_BYTES:
            raise UserError(self._too_big(len(content)))
        if content[:8] == OLE2_MAGIC:
            raise UserError(
                self.env._(
                    "This is an Excel 97-2003 (.xls) or password-protected workbook. "
                    "Save it as an unprotected Excel workbook (.xlsx) and upload it "
                    "again."
                )
            )
        if self.filename and not self.filename.lower().endswith(".xlsx"):
            raise UserError(
                self.env._(
                    "%s is not an Excel workbook: upload an .xlsx file.", self.filename
                )
            )
        # refuse what expands too much before openpyxl reads anything
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise self._not_xlsx() from exc
        if len(members) > MAX_ZIP_MEMBERS or any(m.flag_bits & 0x1 for m in members):
            raise self._not_xlsx()
        unpacked = sum(member.file_size for member in members)
        if unpacked > min(MAX_UNPACKED_BYTES, MAX_ZIP_RATIO * len(content)):
            raise UserError(
                self.env._(
                    "The workbook expands to %(size).1f MB when unpacked: too much "
                    "for a count sheet, it is not read.",
                    size=unpacked / 1024 / 1024,
                )
            )
        try:
            # read-only: rows are streamed; data_only: cached values, never formulas
            return openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
        except Exception as exc:  # openpyxl raises all sorts on damaged files
            raise self._not_xlsx() from exc

    # ------------------------------------------------------------
    # Checking the rows
    # ------------------------------------------------------------

    def _resolve_rows(self, rows):
        """Match every row to a line of the session, set-based.

        :returns: ``(counts, new_lines, errors)``: ``{line id: quantity}``,
            ``{(product, location, lot) ids: quantity}`` for stock found where
            the session has no line, and the translated row errors.
        """
        maps = self._resolution_maps(rows)
        counts = defaultdict(float)
        new_lines = defaultdict(float)
        errors = []
        for number, row in rows:
            quantity, problem = self._quantity(row.get("counted"))
            problems = [problem] if problem else []
            product = self._row_product(row, maps, problems)
            location = self._row_location(row, maps, problems)
            lot = self._row_lot(row, product, maps, problems)
            if product and not problems:
                key, problem = self._line_key(
                    product,
                    location,
                    lot,
                    maps["line_by_key"],
                    maps["lines_by_product"],
                )
                if problem:
                    problems.append(problem)
                elif key in maps["line_by_key"]:
                    counts[maps["line_by_key"][key].id] += quantity
                else:
                    new_lines[key] += quantity
            errors += [
                self.env._("Row %(row)s: %(problem)s", row=number, problem=problem)
                for problem in problems
            ]
        return counts, new_lines, errors

    def _resolution_maps(self, rows):
        """What the rows refer to, read in a few queries: products by code,
        the session's locations by name, lots, lines, the products in scope."""
        session = self.session_id
        env = self.env
        Line = env["appliance.count.line"]
        codes = {_text(row.get("code")) for _number, row in rows} - {""}
        products_by_code = Line._match_products(codes, session.company_id)
        product_ids = list({p.id for ps in products_by_code.values() for p in ps})
        location_by_name = defaultdict(lambda: env["stock.location"])
        for location in env["stock.location"].search(session._scope_location_domain()):
            for name in {location.complete_name, location.name, location.barcode}:
                if name:
                    location_by_name[_label_key(name)] |= location
        lot_names = [_text(row["lot"]) for _number, row in rows if row.get("lot")]
        lots = env["stock.lot"].search_fetch(
            [("name", "in", lot_names), ("product_id", "in", product_ids)],
            ["name", "product_id"],
        )
        lines = Line.search_fetch(
            [("session_id", "=", session.id)], ["product_id", "location_id", "lot_id"]
        )
        lines_by_product = defaultdict(list)
        for line in lines:
            lines_by_product[line.product_id.id].append(line)
        in_scope = env["product.product"].search(
            session._scope_product_domain() & Domain("id", "in", product_ids)
        )
        return {
            "products_by_code": products_by_code,
            "location_by_name": location_by_name,
            "lot_by_key": {(lot.product_id.id, lot.name): lot for lot in lots},
            "line_by_key": {line._key(): line for line in lines},
            "lines_by_product": lines_by_product,
            "in_scope": set(in_scope.ids),
        }

    def _row_product(self, row, maps, problems):
        env = self.env
        code = _text(row.get("code"))
        if not code:
            problems.append(env._("the product code is empty."))
            return env["product.product"]
        product = maps["products_by_code"].get(code) or env["product.product"]
        if not product:
            problems.append(env._("no stored product has the code %s.", code))
        elif len(product) > 1:
            problems.append(
                env._(
                    "%(code)s matches several products (%(products)s): use the "
                    "barcode or internal reference.",
                    code=code,
                    products=", ".join(product.mapped("display_name")),
                )
            )
            product = env["product.product"]
        elif product.id not in maps["in_scope"]:
            problems.append(
                env._(
                    "%(product)s is not in the scope of %(session)s.",
                    product=product.display_name,
                    session=self.session_id.name,
                )
            )
            product = env["product.product"]
        return product

    def _row_location(self, row, maps, problems):
        env = self.env
        location_name = _text(row.get("location"))
        if not location_name:
            return env["stock.location"]
        location = maps["location_by_name"].get(_label_key(location_name))
        if not location:
            problems.append(
                env._(
                    "the location %(location)s is not counted by %(session)s.",
                    location=location_name,
                    session=self.session_id.name,
                )
            )
            return env["stock.location"]
        if len(location) > 1:
            problems.append(
                env._(
                    "several locations are named %s: write its full name (e.g. "
                    "WH/Stock/Rack A).",
                    location_name,
                )
            )
            return env["stock.location"]
        return location

    def _row_lot(self, row, product, maps, problems):
        lot_name = _text(row.get("lot"))
        if not lot_name or not product:
            return self.env["stock.lot"]
        lot = maps["lot_by_key"].get((product.id, lot_name))
        if not lot:
            problems.append(
                self.env._(
                    "%(product)s has no lot or serial number %(lot)s.",
                    product=product.display_name,
                    lot=lot_name,
                )
            )
            return self.env["stock.lot"]
        return lot

    def _line_key(self, product, location, lot, line_by_key, lines_by_product):
        """The (product, location, lot) key a row counts, or a problem."""
        env = self.env
        if location:
            if product.tracking != "none" and not lot:
                same = [
                    line
                    for line in lines_by_product[product.id]
                    if line.location_id == location
                ]
                if len(same) == 1:
                    return same[0]._key(), None
                return None, env._(
                    "%s is tracked: write its lot or serial number.",
                    product.display_name,
                )
            return (product.id, location.id, lot.id or False), None
        candidates = [
            line
            for line in lines_by_product[product.id]
            if not lot or line.lot_id == lot
        ]
        if len(candidates) == 1:
            return candidates[0]._key(), None
        if not candidates and len(self.session_id.location_ids) == 1:
            return (product.id, self.session_id.location_ids.id, lot.id or False), None
        return None, env._(
            "%s is counted in several locations (or none yet): write the location.",
            product.display_name,
        )

    def _quantity(self, value):
        """``(quantity, problem)``: a number ≥ 0 from a numeric cell or digits."""
        env = self.env
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0.0, env._("the counted quantity is empty.")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return 0.0, env._("the counted quantity %s is not a number.", value)
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
            try:
                value = float(text)
            except ValueError:
                return 0.0, env._(
                    "the counted quantity %s is not a number: write digits only, "
                    "with a dot for decimals.",
                    value.strip(),
                )
        if not math.isfinite(value):
            return 0.0, env._("the counted quantity %s is not a number.", value)
        if value < 0:
            return 0.0, env._("the counted quantity %s is negative.", value)
        if value > MAX_QUANTITY:
            return 0.0, env._("the counted quantity %s is too large.", value)
        return float(value), None


def _text(value):
    """A cell as text: numbers without a trailing .0 (codes typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()
