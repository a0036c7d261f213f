"""Spreadsheet safety shared by every XLSX this addon writes or lets Odoo export."""

# A cell starting with one of these is a formula to Excel / LibreOffice (tab and
# carriage return too, as OWASP's CSV-injection advice lists).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value):
    """``value`` safe to put in a spreadsheet cell: a string that would start a
    formula gets a leading apostrophe, so that it stays (visible) text even when
    the file is re-saved as CSV. Anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
