"""Safe, streaming reader of order-import workbooks (no ORM).

Odoo's stock importer trusts the file: a 5 KB ``.xlsx`` whose only cell sits
at XFD1048576 makes it allocate the whole declared sheet. This reader refuses
what it cannot read cheaply *before* parsing (size, zip expansion ratio, part
sizes), then streams what it needs with hard limits on rows, columns and XML
elements, and never looks at a sheet's declared dimension:

* openpyxl reads the workbook's structure and styles (sheet names, hidden
  sheets, date formats, 1900/1904 epoch) — small parts, capped in size;
* the shared strings and the order sheet are streamed with expat (no tree is
  built, DTDs are refused): openpyxl's read-only loader would scan a sheet
  without ``<dimension>`` in full into a tree before we could stop it, build
  each row whole, and its ``data_only`` hides formulas that have no cached
  value — we report those instead, and take every other formula's cached value.

Messages are translated with the ``env`` the caller passes in (``env._``).
"""

import base64
import datetime
import io
import math
import re
import unicodedata
import zipfile
from collections import namedtuple
from decimal import Decimal
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.datetime import from_excel
from openpyxl.xml.constants import SHARED_STRINGS

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 10_000
MAX_COLUMNS = 50
MAX_ZIP_RATIO = 100
MAX_ZIP_MEMBERS = 500
HEADER_SCAN_ROWS = 20
# XML elements streamed (shared strings and sheets together): 10,000 rows of 50
# cells with their values fit well below; files padded beyond are refused
MAX_XML_ELEMENTS = 1_600_000
MAX_SHARED_STRINGS = 200_000
MAX_CELL_CHARS = 32_767  # Excel's own limit
# uncompressed sizes of the parts that openpyxl parses whole, and of the others
MAX_PART_BYTES = {
    "xl/sharedStrings.xml": 16 * 1024 * 1024,
    "xl/styles.xml": 2 * 1024 * 1024,
    "xl/workbook.xml": 2 * 1024 * 1024,
}
MAX_SHEET_BYTES = 60 * 1024 * 1024
MAX_OTHER_XML_BYTES = 4 * 1024 * 1024
MAX_QUANTITY = Decimal(10**9)
CHUNK_BYTES = 64 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Names of sheets that only show how to fill the template, never imported.
EXAMPLE_SHEET_PREFIXES = ("示例", "example", "说明", "help", "instructions")

Column = namedtuple("Column", "key zh en required aliases")

COLUMNS = (
    Column("customer", "客户", "Customer", True,
           ("客户名称", "客户编码", "客户代码", "customer name", "customer code", "client")),
    Column("contact", "联系人", "Contact", False,
           ("收货人", "联系人姓名", "contact person", "consignee")),
    Column("phone", "电话", "Phone", False,
           ("联系电话", "手机", "电话号码", "telephone", "mobile", "tel")),
    Column("address", "送货地址", "Delivery Address", False,
           ("收货地址", "交货地址", "地址", "address", "shipping address")),
    Column("order_ref", "客户订单号", "Customer Order Ref", True,
           ("订单号", "客户单号", "采购单号", "po", "po number", "order ref",
            "customer po", "customer reference", "customer order reference")),
    Column("model_code", "型号", "Model Code", True,
           ("规格型号", "产品型号", "客户物料编码", "model", "product code")),
    Column("quantity", "数量", "Quantity", True, ("订货数量", "qty")),
    Column("price_unit", "单价", "Unit Price", False, ("price", "unit price excl. tax")),
    Column("requested_date", "要求交货日期", "Requested Date", False,
           ("交货日期", "交期", "要求交期", "delivery date", "requested delivery date")),
    Column("note", "备注", "Note", False, ("notes", "remark", "remarks")),
)  # fmt: skip
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

_LABEL_STRIP_RE = re.compile(r"[\s*:：()（）/_\-.·、]+")
_CELL_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_EXCEL_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_DATE_TEXT_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_SPACES_RE = re.compile(r"\s+")
_OOXML_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")

# element names as expat reports them ("namespace}local"), transitional and strict
_ROW, _CELL, _VALUE, _FORMULA, _INLINE, _TEXT, _PHONETIC, _STRING = range(1, 9)
_TAGS = {
    f"{namespace}}}{local}": code
    for namespace in (
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    for local, code in (
        ("row", _ROW), ("c", _CELL), ("v", _VALUE), ("f", _FORMULA), ("is", _INLINE),
        ("t", _TEXT), ("rPh", _PHONETIC), ("si", _STRING),
    )
}  # fmt: skip


class FileRejected(Exception):
    """The whole file is refused; ``args[0]`` is the translated reason."""


class _Stop(Exception):
    """Enough of a sheet was read."""


class CellValue:
    """One non-empty cell: ``kind`` is text, number, date, bool, error or
    formula (without a cached value); numbers keep the text Excel stored
    (``raw``) so that nothing is rounded."""

    __slots__ = ("kind", "raw", "ref", "value")

    def __init__(self, ref, kind, value, raw=None):
        self.ref = ref
        self.kind = kind
        self.value = value
        self.raw = raw

    def __repr__(self):
        return f"CellValue({self.ref}, {self.kind}, {self.value!r})"


SheetData = namedtuple("SheetData", "sheet header_row columns rows problems epoch")
# problems: (row, column key or None, cell reference, translated reason)


def normalize_text(value):
    """Half-width (NFKC), trimmed, inner runs of spaces collapsed."""
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def _label_key(text):
    return _LABEL_STRIP_RE.sub("", unicodedata.normalize("NFKC", text).lower())


def _build_label_index():
    index = {}
    for column in COLUMNS:
        labels = {column.zh, column.en, column.zh + column.en, column.en + column.zh}
        labels.update(column.aliases)
        for label in labels:
            index[_label_key(label)] = column.key
    return index


_LABEL_INDEX = _build_label_index()


def column_label(key):
    """'Quantity (数量)': how messages name a column."""
    column = COLUMNS_BY_KEY[key]
    return f"{column.en} ({column.zh})"


def template_label(key):
    """'数量 Quantity': the header the template writes."""
    column = COLUMNS_BY_KEY[key]
    return f"{column.zh} {column.en}"


def column_letter(index):
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters):
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def _unescape(text):
    """Excel writes control characters as ``_xHHHH_``."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE_RE.sub(lambda match: chr(int(match.group(1), 16)), text)


# ----------------------------------------------------------------------------
# The file as a whole
# ----------------------------------------------------------------------------


def _not_xlsx(env):
    return env._(
        "The file is not a valid Excel workbook (.xlsx): it is damaged or of another type."
    )


def _check_size(size, env):
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            env._(
                "The file is %(size).1f MB; at most %(max)s MB can be imported at once."
                " Split it into several files.",
                size=size / 1024 / 1024,
                max=MAX_FILE_BYTES // 1024 // 1024,
            )
        )


def decode_upload(data, env):
    """The bytes of a base64-encoded upload, refused unread when too large."""
    _check_size(len(data or "") * 3 // 4, env)
    try:
        return base64.b64decode(data or b"", validate=True)
    except (ValueError, TypeError) as exc:
        raise FileRejected(env._("The file content is not valid base64.")) from exc


def check_file(content, filename, env):
    """Refuse, without parsing any XML, what is not a small, sane ``.xlsx``.

    :returns: the open :class:`zipfile.ZipFile`
    """
    if not content:
        raise FileRejected(env._("The file is empty."))
    _check_size(len(content), env)
    if content[:8] == OLE2_MAGIC:
        raise FileRejected(
            env._(
                "This is an Excel 97-2003 (.xls) or password-protected workbook. Save it"
                " as an unprotected Excel workbook (.xlsx) and upload it again."
            )
        )
    if filename and not filename.lower().endswith(".xlsx"):
        raise FileRejected(
            env._("%s is not an Excel workbook: upload an .xlsx file.", filename)
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
    ) as exc:
        raise FileRejected(_not_xlsx(env)) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileRejected(
            env._(
                "The workbook holds %s parts, more than an order list ever needs.",
                len(members),
            )
        )
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise FileRejected(_not_xlsx(env))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:  # encrypted member
            raise FileRejected(_not_xlsx(env))
        total += member.file_size
        name = member.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            limit = MAX_SHEET_BYTES
        elif name.endswith((".xml", ".rels", ".vml")):
            limit = MAX_PART_BYTES.get(name, MAX_OTHER_XML_BYTES)
        else:
            continue  # pictures and other binaries are never read
        if member.file_size > limit:
            raise FileRejected(
                env._(
                    "The part %(part)s of the workbook expands to %(size).1f MB, more than an"
                    " order list of %(rows)s rows can hold.",
                    part=name,
                    size=member.file_size / 1024 / 1024,
                    rows=f"{MAX_DATA_ROWS:,}",
                )
            )
    # sizes are what the members declare; zipfile never inflates a member beyond
    # its declared size (a lie fails its CRC). The denominator is the upload
    # itself, not the sum of the compressed sizes that overlapping members inflate.
    if total > MAX_ZIP_RATIO * len(content):
        raise FileRejected(
            env._(
                "The workbook expands %(ratio)s times when unpacked (at most %(max)s):"
                " it looks like a zip bomb and is not read.",
                ratio=total // len(content),
                max=MAX_ZIP_RATIO,
            )
        )
    return archive


def read_orders_sheet(content, filename, env):
    """Check the file, find the sheet with the header row and read its rows.

    :returns: :class:`SheetData`; cell-level problems (formulas without a cached
        value, Excel error values) are listed in ``problems``, rows still read.
    :raises FileRejected: for anything that makes the file as a whole unusable.
    """
    archive = check_file(content, filename, env)
    try:
        # read-only: the parts are read, nothing is built for writing; formulas
        # are never evaluated nor kept, the sheet reader takes cached values
        reader = ExcelReader(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
        reader.read_manifest()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        workbook = reader.wb
        sheets = [
            (sheet.name, sheet.state, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.Type.endswith("/worksheet") and rel.target in archive.namelist()
        ]
        strings_part = reader.package.find(SHARED_STRINGS)
        strings_path = strings_part.PartName[1:] if strings_part is not None else None
    except FileRejected:
        raise
    except Exception as exc:  # openpyxl raises all sorts on damaged parts
        raise FileRejected(_not_xlsx(env)) from exc
    budget = [MAX_XML_ELEMENTS]
    shared_strings = []
    if strings_path and strings_path in archive.namelist():
        shared_strings = _SharedStringsReader(
            archive, strings_path, budget, env
        ).parse()
    for name, state, path in sheets:
        if state != "visible":
            continue
        if normalize_text(name).lower().startswith(EXAMPLE_SHEET_PREFIXES):
            continue
        data = _SheetReader(
            archive,
            path,
            name,
            shared_strings,
            workbook._date_formats,
            workbook.epoch,
            budget,
            env,
        ).parse()
        if data is not None:
            return data
    raise FileRejected(
        env._(
            "No visible sheet has a header row within its first %(rows)s rows. The header"
            " needs at least the columns %(columns)s (in Chinese or English).",
            rows=HEADER_SCAN_ROWS,
            columns=", ".join(template_label(c.key) for c in COLUMNS if c.required),
        )
    )


class _PartReader:
    """Streams one XML part of the archive through expat: no tree, no DTD,
    every element counted against the shared ``budget``."""

    def __init__(self, archive, path, title, budget, env):
        self.env = env
        self.archive = archive
        self.path = path
        self.title = title
        self.budget = budget

    def _damaged(self, detail):
        return FileRejected(
            self.env._(
                "The workbook is damaged (%(part)s: %(error)s).",
                part=self.title,
                error=detail,
            )
        )

    def _spend(self):
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise FileRejected(
                self.env._(
                    "%(part)s holds far more cells than %(rows)s rows of %(columns)s columns:"
                    " the file is not read.",
                    part=self.title,
                    rows=f"{MAX_DATA_ROWS:,}",
                    columns=MAX_COLUMNS,
                )
            )

    def _refuse_dtd(self, *args):
        raise self._damaged("DTD")

    def _stream(self):
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        try:
            with self.archive.open(self.path) as source:
                while chunk := source.read(CHUNK_BYTES):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Stop:
            return  # the rest of the part is not needed
        except expat.ExpatError as exc:
            raise self._damaged(expat.ErrorString(exc.code)) from exc
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise FileRejected(_not_xlsx(self.env)) from exc

    def _collect(self, text):
        self.text_chars += len(text)
        if self.text_chars > MAX_CELL_CHARS:
            raise self._damaged(
                self.env._(
                    "a text longer than the %s characters Excel allows", MAX_CELL_CHARS
                )
            )
        self.text.append(text)


class _SharedStringsReader(_PartReader):
    def __init__(self, archive, path, budget, env):
        super().__init__(archive, path, path, budget, env)
        self.strings = []
        self.text = None
        self.text_chars = 0
        self.collecting = False
        self.phonetic = 0

    def parse(self):
        self._stream()
        return self.strings

    def _start(self, name, attrs):
        self._spend()
        code = _TAGS.get(name)
        if code == _STRING:
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise self._damaged(
                    self.env._("more than %s texts", f"{MAX_SHARED_STRINGS:,}")
                )
            self.text = []
            self.text_chars = 0
        elif code == _PHONETIC:
            self.phonetic += 1
        elif code == _TEXT and self.text is not None and not self.phonetic:
            self.collecting = True

    def _end(self, name):
        code = _TAGS.get(name)
        if code == _TEXT:
            self.collecting = False
        elif code == _PHONETIC:
            self.phonetic -= 1
        elif code == _STRING:
            self.strings.append(_unescape("".join(self.text)))
            self.text = None

    def _data(self, text):
        if self.collecting:
            self._collect(text)


class _SheetReader(_PartReader):
    """Reads a sheet row by row: finds the header row within the first rows,
    then keeps the cells under known headers, with limits on rows and columns."""

    def __init__(
        self, archive, path, title, shared_strings, date_styles, epoch, budget, env
    ):
        super().__init__(archive, path, title, budget, env)
        self.shared_strings = shared_strings
        self.date_styles = date_styles
        self.epoch = epoch
        self.header_row = None
        self.columns = {}
        self.rows = []
        self.problems = []
        # streaming state
        self.row_number = 0
        self.column = 0
        self.cells = {}
        self.in_cell = False
        self.cell = None
        self.text = []
        self.text_chars = 0
        self.collecting = False
        self.phonetic = 0

    def parse(self):
        self._stream()
        if self.header_row is None:
            return None
        return SheetData(
            self.title,
            self.header_row,
            self.columns,
            self.rows,
            self.problems,
            self.epoch,
        )

    # expat handlers ---------------------------------------------------------

    def _start(self, name, attrs):
        budget = self.budget
        budget[0] -= 1
        if budget[0] < 0:
            self._spend()
        code = _TAGS.get(name)
        if code == _CELL:
            self.in_cell = True
            # ref, type, style, value text, has formula, inline texts
            self.cell = [
                attrs.get("r"),
                attrs.get("t", "n"),
                attrs.get("s"),
                None,
                False,
                None,
            ]
        elif code == _ROW:
            number = attrs.get("r")
            try:
                self.row_number = int(number) if number else self.row_number + 1
            except ValueError:
                self.row_number = -1
            if not 0 < self.row_number <= 1_048_576:
                raise self._damaged(self.env._("row number %s", (number or "")[:20]))
            self.column = 0
            self.cells = {}
        elif not self.in_cell:
            return
        elif code == _VALUE:
            self._open_text()
        elif code == _FORMULA:
            self.cell[4] = True
        elif code == _INLINE:
            self.cell[5] = []
        elif code == _PHONETIC:
            self.phonetic += 1
        elif code == _TEXT and self.cell[5] is not None and not self.phonetic:
            self._open_text()

    def _open_text(self):
        self.text = []
        self.text_chars = 0
        self.collecting = True

    def _data(self, text):
        if self.collecting:
            self._collect(text)

    def _end(self, name):
        code = _TAGS.get(name)
        if not code:
            return
        if code == _VALUE and self.collecting:
            self.cell[3] = "".join(self.text)
            self.collecting = False
        elif code == _TEXT and self.collecting:
            self.cell[5].append("".join(self.text))
            self.collecting = False
        elif code == _PHONETIC:
            self.phonetic -= 1
        elif code == _CELL:
            self.in_cell = False
            self._take_cell()
        elif code == _ROW:
            if not self._take_row():
                raise _Stop()

    # cells and rows ---------------------------------------------------------------

    def _take_cell(self):
        ref, data_type, style, text, has_formula, inline = self.cell
        if text is None and inline is None and not has_formula:
            # an empty cell, most often only formatted: its column matters only
            # to a next cell without reference, worked out then
            self.column = ref or self._previous_column() + 1
            return
        if ref:
            match = _CELL_REF_RE.match(ref)
            if not match:
                raise self._damaged(self.env._("cell reference %s", ref[:20]))
            column = _column_index(match.group(1))
            ref = f"{match.group(1)}{match.group(2)}"
        else:
            column = self._previous_column() + 1
            ref = f"{column_letter(column)}{self.row_number}"
        self.column = column
        value = self._value(ref, data_type, style, text, has_formula, inline)
        if value is None:
            return
        if column > MAX_COLUMNS:
            raise FileRejected(
                self.env._(
                    "Sheet %(sheet)s has data in cell %(ref)s, beyond the %(max)s columns an"
                    " order list may use (up to column %(last)s).",
                    sheet=self.title,
                    ref=ref,
                    max=MAX_COLUMNS,
                    last=column_letter(MAX_COLUMNS),
                )
            )
        self.cells[column] = value

    def _previous_column(self):
        """Column number of the previous cell (kept as its reference if empty)."""
        if isinstance(self.column, str):
            match = _CELL_REF_RE.match(self.column)
            if not match:
                raise self._damaged(self.env._("cell reference %s", self.column[:20]))
            self.column = _column_index(match.group(1))
        return self.column

    def _value(self, ref, data_type, style, text, has_formula, inline):
        if has_formula and (
            text is None or (text == "" and data_type not in ("str", "inlineStr", "s"))
        ):
            return CellValue(ref, "formula", None)
        if data_type == "inlineStr":
            text = _unescape("".join(inline or ()))
            return CellValue(ref, "text", text) if text.strip() else None
        if not text:
            return None
        if data_type == "s":
            try:
                text = self.shared_strings[int(text)]
            except (ValueError, IndexError) as exc:
                raise self._damaged(
                    self.env._("cell %s points to a missing text", ref)
                ) from exc
            return CellValue(ref, "text", text) if text.strip() else None
        if data_type == "str":
            text = _unescape(text)
            return CellValue(ref, "text", text) if text.strip() else None
        if data_type == "b":
            return CellValue(ref, "bool", text.strip() in ("1", "true"))
        if data_type == "e":
            return CellValue(ref, "error", text)
        if data_type == "d":
            try:
                moment = datetime.datetime.fromisoformat(text.strip().rstrip("Z"))
            except ValueError:
                return CellValue(ref, "text", text)
            return CellValue(ref, "date", moment, text)
        # numbers ("n" or anything unknown): keep Excel's own text
        raw = text.strip()
        if not _EXCEL_NUMBER_RE.match(raw):
            return CellValue(ref, "error", raw[:40])
        if style and style.isdigit() and int(style) in self.date_styles:
            try:
                moment = from_excel(float(raw), self.epoch)
            except (OverflowError, ValueError):
                return CellValue(ref, "error", raw)
            if isinstance(moment, datetime.datetime):
                return CellValue(ref, "date", moment, raw)
            return CellValue(ref, "error", raw)
        return CellValue(ref, "number", float(raw), raw)

    def _take_row(self):
        """Take one row; returns False when reading this sheet should stop."""
        cells, row_number = self.cells, self.row_number
        self.cells = {}
        if self.header_row is None:
            if row_number > HEADER_SCAN_ROWS:
                return False
            self._header(row_number, cells)
            return True
        values = {
            key: cells[index] for key, index in self.columns.items() if index in cells
        }
        if not values:
            return True
        if len(self.rows) >= MAX_DATA_ROWS:
            raise FileRejected(
                self.env._(
                    "Sheet %(sheet)s has more than %(max)s rows of orders (row %(row)s):"
                    " split the file.",
                    sheet=self.title,
                    max=f"{MAX_DATA_ROWS:,}",
                    row=row_number,
                )
            )
        for key, value in values.items():
            if value.kind == "formula":
                self.problems.append((row_number, key, value.ref, self.env._(
                    "cell %s holds a formula without a computed value: open the file in"
                    " Excel and save it, or paste the values only.", value.ref
                )))  # fmt: skip
            elif value.kind == "error":
                self.problems.append((row_number, key, value.ref, self.env._(
                    "cell %(ref)s holds the error value %(value)s.",
                    ref=value.ref, value=value.value
                )))  # fmt: skip
        self.rows.append((row_number, values))
        return True

    def _header(self, row_number, cells):
        found = {}
        for index, value in sorted(cells.items()):
            if value.kind != "text":
                continue
            key = _LABEL_INDEX.get(_label_key(value.value))
            if key and key not in found:
                found[key] = index
        if {c.key for c in COLUMNS if c.required} <= found.keys():
            self.header_row = row_number
            self.columns = found


# ----------------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------------


def cell_text(value):
    """The text of a cell for text columns: numbers without a trailing ``.0``."""
    if value is None:
        return ""
    if value.kind == "number":
        number = value.value
        if math.isfinite(number) and number == int(number) and abs(number) < 1e15:
            return str(int(number))
        return value.raw
    if value.kind == "date":
        return value.value.date().isoformat()
    if value.kind == "bool":
        return "TRUE" if value.value else "FALSE"
    if value.kind in ("formula", "error"):
        return ""
    return normalize_text(value.value)


def parse_number(value, env):
    """A Decimal from a numeric cell or from plain digits typed as text.

    :returns: ``(number, reason)``, one of them None.
    """
    if value.kind == "number":
        number = value.value
        if not math.isfinite(number):
            return None, env._("%s is not a number.", value.raw)
        return Decimal(value.raw), None
    if value.kind != "text":
        return None, env._("%s is not a number.", cell_text(value) or value.raw or "?")
    text = normalize_text(value.value).replace(" ", "")
    if not _PLAIN_NUMBER_RE.match(text):
        return None, env._(
            "%s is not a number: write digits only, with a dot for decimals (e.g. 12 or"
            " 12.5), without thousands separators or exponents.",
            value.value.strip(),
        )
    return Decimal(text), None


def parse_quantity(value, env):
    """:returns: ``(Decimal quantity > 0, reason)``, one of them None."""
    number, reason = parse_number(value, env)
    if reason:
        return None, reason
    shown = format_decimal(number)
    if number <= 0:
        return None, env._("%s: the quantity must be greater than zero.", shown)
    if number > MAX_QUANTITY:
        return None, env._("%s is too large a quantity.", shown)
    return number, None


def parse_price(value, env):
    number, reason = parse_number(value, env)
    if reason:
        return None, reason
    if number < 0:
        return None, env._("%s: a price cannot be negative.", format_decimal(number))
    if number > MAX_QUANTITY * 100:
        return None, env._("%s is too large a price.", format_decimal(number))
    return number, None


def parse_date(value, epoch, env):
    """A date from an Excel date, an Excel serial number or ISO-like text.

    :returns: ``(date, reason)``, one of them None.
    """
    if value.kind == "date":
        return value.value.date(), None
    if value.kind == "number":
        serial = value.value
        if math.isfinite(serial) and 1 <= serial < 2958466:
            moment = from_excel(serial, epoch)
            if isinstance(moment, datetime.datetime):
                return moment.date(), None
        return None, env._("%s is not a date.", value.raw)
    if value.kind == "text":
        text = normalize_text(value.value)
        match = _DATE_TEXT_RE.match(text)
        try:
            if match:
                return datetime.date(*(int(part) for part in match.groups())), None
        except ValueError:
            match = None  # 2027-02-30: the right form, not a date
        return None, env._(
            "%s is not a valid date: use an Excel date or write it as 2027-01-15.", text
        )
    return None, env._("%s is not a date.", cell_text(value) or "?")


def format_decimal(number):
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
