"""Odoo's own spreadsheet exports, made safe against formula injection.

Odoo's list export (``/web/export/xlsx``) and pivot export
(``/web/pivot/export_xlsx``) write text with ``worksheet.write()``, which turns a
customer named ``=HYPERLINK("http://evil", "Click")`` into a live formula. These
overrides neutralise the text values before Odoo writes them (the routes and
everything else stay Odoo's), for every database where this addon is installed.
"""

import json

from werkzeug.datastructures import FileStorage

from odoo import http

from odoo.addons.web.controllers.export import ExcelExport
from odoo.addons.web.controllers.pivot import TableExporter

from ..utils import neutralize_cell


def _cell(value):
    """:func:`neutralize_cell` for text written with ``worksheet.write()``, which
    also turns ``{=...}`` (an array formula) into a formula."""
    value = neutralize_cell(value)
    if isinstance(value, str) and value.startswith("{="):
        return "'" + value
    return value


def _neutralize_tree(node):
    """Neutralise the group labels and rows of a ``GroupsTreeNode`` in place."""
    node.data = [[_cell(value) for value in row] for row in node.data]
    children = {}
    for key, child in node.children.items():
        if isinstance(key, tuple) and len(key) > 1:
            key = (key[0], _cell(key[1]), *key[2:])
        else:
            key = _cell(key)
        children[key] = child
        _neutralize_tree(child)
    node.children.clear()
    node.children.update(children)


class ApplianceExcelExport(ExcelExport):
    # the column headers are the labels the client sends: neutralised too
    def from_data(self, fields, columns_headers, rows):
        rows = [[_cell(value) for value in row] for row in rows]
        columns_headers = [_cell(header) for header in columns_headers]
        return super().from_data(fields, columns_headers, rows)

    def from_group_data(self, fields, columns_headers, groups):
        _neutralize_tree(groups)
        columns_headers = [_cell(header) for header in columns_headers]
        return super().from_group_data(fields, columns_headers, groups)


class ApplianceTableExporter(TableExporter):
    @http.route()
    def export_xlsx(self, data, **kw):
        if isinstance(data, FileStorage | str):
            table = (
                json.load(data) if isinstance(data, FileStorage) else json.loads(data)
            )
            if table:
                for header_row in table.get("col_group_headers", []):
                    for header in header_row:
                        header["title"] = _cell(header.get("title"))
                for measure in table.get("measure_headers", []):
                    measure["title"] = _cell(measure.get("title"))
                for row in table.get("rows", []):
                    row["title"] = _cell(row.get("title"))
                    for cell in row.get("values", []):
                        cell["value"] = _cell(cell.get("value"))
                data = json.dumps(table)
        return super().export_xlsx(data, **kw)
