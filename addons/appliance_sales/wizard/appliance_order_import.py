import base64
import copy
import datetime
import logging
import time
from collections import defaultdict

import psycopg2.errors
import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL, float_is_zero, format_amount
from odoo.tools.misc import clean_context

from ..utils import normalize_model_code, normalize_phone, phone_kind
from . import appliance_order_import_template as template
from . import appliance_order_import_xlsx as xlsx

_logger = logging.getLogger(__name__)

# how much of a big file the preview spells out
PREVIEW_ORDERS = 50
PREVIEW_PROBLEMS = 300
# problems spelled out (sorted by row) in results; all are counted
REPORTED_PROBLEMS = 1000
NEAR_MISS_CODES = 30
TEMPLATE_LIST_LIMIT = 5000
TEMPLATE_FILENAME = "order_import_template.xlsx"
ORDERS_PER_CREATE = 200
# order line fields that depend on the product and the order's customer language,
# fiscal position, currency and company only, never on the quantity or the price:
# computed once per distinct (product, order context) by _add_line_precomputes
LINE_PRECOMPUTES = (
    "name",
    "product_uom_id",
    "tax_ids",
    "customer_lead",
    "purchase_price",
    "qty_delivered_method",
)
# the values of a line that may differ between lines sharing those precomputes
LINE_OWN_VALUES = frozenset(("product_uom_qty", "price_unit", "analytic_distribution"))


def _phone_key(phone):
    """A phone number as compared between the file and the partners."""
    number = normalize_phone(phone)
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            return number[len(prefix) :]
    return number


def _address_key(text):
    return (
        "".join(xlsx.normalize_text(text or "").lower().split())
        .replace(",", "")
        .replace("，", "")
    )


class _Batch:
    """What one run over a file found: rows, problems, orders to create."""

    def __init__(self):
        self.problems = []  # dicts: row, column (key), cell, reason
        self.rows = []  # parsed rows (dicts)
        self.orders = []  # grouped orders (dicts)
        self.timings = {}
        self.sheet = None
        self.analytic = {}
        self.filename = None

    def add(self, row, column, reason, cell=None):
        self.problems.append(
            {"row": row, "column": column, "cell": cell, "reason": reason}
        )


class ApplianceOrderImport(models.TransientModel):
    """Import quotations from an Excel file: one file, many orders.

    Rows are grouped into orders by customer and customer order reference; the
    file is checked as a whole and imported all or nothing. ``import_orders``
    offers the same to integrations over ``/json/2``.
    """

    _name = "appliance.order.import"
    _description = "Import Sales Orders from Excel"
    _rec_name = "filename"

    file = fields.Binary(string="Excel File", attachment=False)
    filename = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")],
        default="upload",
        required=True,
    )
    preview_html = fields.Html(string="Preview", readonly=True)
    problem_count = fields.Integer(readonly=True)
    order_count = fields.Integer(readonly=True)
    line_count = fields.Integer(readonly=True)
    order_ids = fields.Many2many(
        "sale.order", string="Created Quotations", readonly=True
    )
    template_file = fields.Binary(attachment=False, readonly=True)
    template_filename = fields.Char(readonly=True)

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_download_template(self):
        self.ensure_one()
        self._check_import_access()
        self.write(
            {
                "template_file": base64.b64encode(self._template_xlsx()),
                "template_filename": TEMPLATE_FILENAME,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/template_file/{TEMPLATE_FILENAME}"
            "?download=true",
            "target": "download",
        }

    def action_check(self):
        """Read and check the file; show what would be imported and every problem."""
        self.ensure_one()
        result = self._run(self._file_content(), self.filename, dry_run=True)
        self._show(result, "preview")
        return self._reopen()

    def action_import(self):
        """Check the file again and create its quotations, all or nothing."""
        self.ensure_one()
        result = self._run(self._file_content(), self.filename, dry_run=False)
        self._show(result, "done" if result["created"] else "preview")
        return self._reopen()

    def action_reset(self):
        self.ensure_one()
        self.write(
            {
                "file": False,
                "filename": False,
                "state": "upload",
                "preview_html": False,
                "problem_count": 0,
                "order_count": 0,
                "line_count": 0,
            }
        )
        return self._reopen()

    def action_open_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.action_quotations_with_onboarding"
        )
        action["domain"] = [("id", "in", self.order_ids.ids)]
        action["context"] = {"create": False}
        return action

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Orders from Excel"),
        }

    def _file_content(self):
        if not self.file:
            raise UserError(self.env._("Choose the Excel file to import first."))
        return self.file  # base64, decoded by _run once its size is known to be sane

    def _show(self, result, state):
        self.write(
            {
                "state": state,
                "preview_html": self._preview_html(result),
                "problem_count": result["error_count"],
                "order_count": result["stats"]["orders"],
                "line_count": result["stats"]["lines"],
                "order_ids": [Command.set(result["created"].ids)],
            }
        )

    # ------------------------------------------------------------
    # API
    # ------------------------------------------------------------

    @api.model
    def import_orders(self, file_content_base64, filename, dry_run=False):
        """Import quotations from an order-list ``.xlsx`` (JSON-RPC entry point).

        ``POST /json/2/appliance.order.import/import_orders`` with
        ``{"file_content_base64": "...", "filename": "orders.xlsx", "dry_run": false}``.
        The same checks as the wizard apply, all or nothing.

        :returns: ``{"orders": [{"id", "name", "partner_id", "client_order_ref",
            "line_count"}], "errors": [{"row", "column", "cell", "message"}],
            "error_count": int, "stats": {...}}``; ``orders`` is empty when
            anything is wrong, or lists the orders that would be created when
            ``dry_run``; ``errors`` spells out the first 1,000 problems by row.
        """
        self._check_import_access()
        result = self._run(file_content_base64, filename, dry_run=bool(dry_run))
        if result["created"]:
            orders = [
                {
                    "id": order.id,
                    "name": order.name,
                    "partner_id": order.partner_id.id,
                    "client_order_ref": order.client_order_ref,
                    "line_count": len(
                        order.order_line.filtered(lambda line: not line.display_type)
                    ),
                }
                for order in result["created"]
            ]
        elif not result["errors"]:
            orders = [
                {
                    "id": False,
                    "name": False,
                    "partner_id": order["partner"].id,
                    "client_order_ref": order["ref"],
                    "line_count": len(order["lines"]),
                }
                for order in result["orders"]
            ]
        else:
            orders = []
        return {
            "orders": orders,
            "errors": [
                {
                    "row": problem["row"] or False,
                    "column": xlsx.column_label(problem["column"])
                    if problem["column"]
                    else False,
                    "cell": problem["cell"] or False,
                    "message": problem["message"],
                }
                for problem in result["errors"]
            ],
            "error_count": result["error_count"],
            "stats": result["stats"],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _check_import_access(self):
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_salesman"
        ):
            raise AccessError(
                self.env._(
                    "Only salespeople and sales managers may import sales orders."
                )
            )

    @api.model
    def _run(self, encoded, filename, dry_run):
        """Read the base64-``encoded`` file, check it and (unless ``dry_run`` or
        anything is wrong) create its quotations.

        :returns: dict with ``errors`` (problems with a translated ``message``),
            ``orders`` (the grouped orders), ``created`` (sale.order) and ``stats``.
        """
        self._check_import_access()
        batch = _Batch()
        batch.filename = filename
        started = time.monotonic()
        try:
            content = xlsx.decode_upload(encoded, self.env)
            sheet = xlsx.read_orders_sheet(content, filename, self.env)
        except xlsx.FileRejected as exc:
            batch.add(None, None, exc.args[0])
            sheet = None
        batch.timings["read"] = time.monotonic() - started
        if sheet:
            batch.sheet = sheet
            for row, column, cell, reason in sheet.problems:
                batch.add(row, column, reason, cell)
            _logger.info(
                "order import: %s rows read from sheet %s in %.2fs",
                len(sheet.rows), sheet.sheet,
                batch.timings["read"],
            )  # fmt: skip
            checked = time.monotonic()
            self._check_rows(batch, sheet)
            batch.timings["check"] = time.monotonic() - checked
        created = self.env["sale.order"]
        if not batch.problems and not dry_run and batch.orders:
            creating = time.monotonic()
            created = self._create_orders(batch)
            batch.timings["create"] = time.monotonic() - creating
            if created:
                _logger.info(
                    "order import: %s quotations with %s lines created in %.2fs",
                    len(created), len(batch.rows), batch.timings["create"],
                )  # fmt: skip
        return {
            "errors": self._problem_messages(batch.problems),
            "error_count": len(batch.problems),
            "orders": batch.orders,
            "created": created,
            "stats": {
                "sheet": sheet.sheet if sheet else False,
                "header_row": sheet.header_row if sheet else False,
                "rows": len(batch.rows),
                "orders": len(batch.orders),
                "lines": sum(len(order["lines"]) for order in batch.orders),
                "seconds": {
                    key: round(value, 3) for key, value in batch.timings.items()
                },
            },
        }

    def _problem_messages(self, problems):
        """The first problems by row, each with its translated ``message``."""
        problems = sorted(problems, key=lambda p: (p["row"] or 0, p["cell"] or ""))
        problems = problems[:REPORTED_PROBLEMS]
        for problem in problems:
            if problem["row"] and problem["column"]:
                problem["message"] = self.env._(
                    "Row %(row)s, column %(column)s: %(reason)s",
                    row=problem["row"],
                    column=xlsx.column_label(problem["column"]),
                    reason=problem["reason"],
                )
            elif problem["row"]:
                problem["message"] = self.env._(
                    "Row %(row)s: %(reason)s",
                    row=problem["row"],
                    reason=problem["reason"],
                )
            else:
                problem["message"] = problem["reason"]
        return problems

    # ------------------------------------------------------------
    # Checking the rows
    # ------------------------------------------------------------

    def _check_rows(self, batch, sheet):
        if not sheet.rows:
            batch.add(
                None, None,
                self.env._("Sheet %(sheet)s has a header row (row %(row)s) but no orders below it.",
                           sheet=sheet.sheet, row=sheet.header_row),
            )  # fmt: skip
            return
        batch.rows = [
            self._parse_row(batch, number, values, sheet)
            for number, values in sheet.rows
        ]
        self._match_customers(batch)
        self._group_orders(batch)
        self._check_existing_refs(batch)
        self._match_products(batch)
        self._check_lines(batch)
        self._match_shipping(batch)

    def _parse_row(self, batch, number, values, sheet):
        """One row's values, converted; what cannot be converted is a problem."""
        text = {key: xlsx.cell_text(values.get(key)) for key in xlsx.COLUMNS_BY_KEY}
        row = {
            "row": number,
            "customer": text["customer"],
            "contact": text["contact"],
            "phone": text["phone"],
            "address": text["address"],
            "ref": text["order_ref"],
            "code": text["model_code"],
            "note": text["note"],
            "quantity": None,
            "price": None,
            "date": None,
            "partner": None,
            "product": None,
        }
        for key, label in (
            ("customer", "customer"),
            ("ref", "order_ref"),
            ("code", "model_code"),
        ):
            if not row[key] and label not in values:
                batch.add(number, label, self.env._("this column must be filled in."))
        if row["phone"] and not phone_kind(row["phone"]):
            batch.add(
                number, "phone",
                self.env["res.partner"]._appliance_phone_problem(row["phone"]),
                values["phone"].ref,
            )  # fmt: skip
        if (value := values.get("quantity")) is None:
            batch.add(number, "quantity", self.env._("this column must be filled in."))
        elif value.kind not in ("formula", "error"):
            row["quantity"], reason = xlsx.parse_quantity(value, self.env)
            if reason:
                batch.add(number, "quantity", reason, value.ref)
        if (value := values.get("price_unit")) is not None and value.kind not in (
            "formula",
            "error",
        ):
            row["price"], reason = xlsx.parse_price(value, self.env)
            if reason:
                batch.add(number, "price_unit", reason, value.ref)
        if (value := values.get("requested_date")) is not None and value.kind not in (
            "formula",
            "error",
        ):
            row["date"], reason = xlsx.parse_date(value, sheet.epoch, self.env)
            if reason:
                batch.add(number, "requested_date", reason, value.ref)
            elif row["date"] < fields.Date.context_today(self):
                batch.add(
                    number, "requested_date",
                    self.env._("%s is in the past.", row["date"].isoformat()),
                    value.ref,
                )  # fmt: skip
                row["date"] = None
        return row

    # customers -------------------------------------------------------

    def _match_customers(self, batch):
        """Find each row's customer by code, exact name (Chinese or English) or
        phone, among the customers of the current company and shared ones."""
        values = {row["customer"] for row in batch.rows if row["customer"]}
        if not values:
            return
        candidates = self._customer_candidates(values)
        by_code, by_name, by_phone = (
            defaultdict(list),
            defaultdict(list),
            defaultdict(list),
        )
        for partner in candidates:
            if partner.appliance_customer_code:
                by_code[partner.appliance_customer_code.strip().upper()].append(
                    partner.id
                )
            for name in {partner.name, partner.appliance_name_en} - {False, None, ""}:
                by_name[xlsx.normalize_text(name).lower()].append(partner.id)
            if partner.phone:
                by_phone[_phone_key(partner.phone)].append(partner.id)
        company = self.env.company
        found = {}
        for value in values:
            phone = _phone_key(value) if phone_kind(value) else None
            ids = (
                by_code.get(value.upper())
                or by_name.get(value.lower())
                or (phone and by_phone.get(phone))
                or []
            )
            match = candidates.browse(list(dict.fromkeys(ids)))
            here = match.filtered(lambda p: not p.company_id or p.company_id == company)
            if len(here) == 1:
                found[value] = here
            elif here:
                found[value] = self.env._(
                    "ambiguous customer %(value)s: %(count)s customers match (%(list)s). Use the"
                    " customer code.",
                    value=value,
                    count=len(here),
                    list="; ".join(self._describe_partner(p) for p in here[:10]),
                )
            elif match:
                found[value] = self.env._(
                    "customer %(value)s belongs to another company (%(companies)s): switch to"
                    " that company to import its orders.",
                    value=value,
                    companies=", ".join(match.company_id.mapped("name")),
                )
            else:
                found[value] = self.env._(
                    "unknown customer %s: enter the customer code, the exact name or the phone"
                    " number of an existing customer.",
                    value,
                )
        for row in batch.rows:
            if not row["customer"]:
                continue
            match = found[row["customer"]]
            if isinstance(match, str):
                batch.add(row["row"], "customer", match)
            else:
                row["partner"] = match

    def _customer_candidates(self, values):
        """Customers any of ``values`` may designate, in one query, readable by
        the user in any of their companies (to explain "other company" errors)."""
        codes = sorted({value.upper() for value in values})
        names = sorted({value.lower() for value in values})
        phones = sorted({_phone_key(value) for value in values if phone_kind(value)})
        Partner = self.env["res.partner"]
        conditions = [
            SQL("UPPER(BTRIM(p.appliance_customer_code)) = ANY(%s)", codes),
            SQL(
                r"LOWER(BTRIM(REGEXP_REPLACE(NORMALIZE(p.name, NFKC), '\s+', ' ', 'g'))) = ANY(%s)",
                names,
            ),
            SQL(
                r"LOWER(BTRIM(REGEXP_REPLACE(NORMALIZE(p.appliance_name_en, NFKC), '\s+', ' ', 'g')))"
                r" = ANY(%s)",
                names,
            ),
        ]
        if phones:
            conditions.append(
                SQL(
                    r"""REGEXP_REPLACE(REGEXP_REPLACE(NORMALIZE(p.phone, NFKC), '[\s().-]+', '', 'g'),
                                       '^(\+86|0086)', '') = ANY(%s)""",
                    phones,
                )
            )
        ids = [
            partner_id
            for (partner_id,) in self.env.execute_query(
                SQL(
                    "SELECT p.id FROM res_partner p WHERE p.active AND (p.is_company OR p.parent_id"
                    " IS NULL) AND (%s)",
                    SQL(" OR ").join(conditions),
                    to_flush=[
                        Partner._fields[name]
                        for name in ("name", "appliance_name_en", "appliance_customer_code",
                                     "phone", "parent_id", "is_company", "active")
                    ],
                )
            )
        ]  # fmt: skip
        if not ids:
            return Partner
        # the search applies the user's record rules, across all their companies
        return Partner.with_context(allowed_company_ids=self.env.user.company_ids.ids).search_fetch(
            [("id", "in", ids)],
            ["name", "appliance_name_en", "appliance_customer_code", "phone", "company_id",
             "commercial_partner_id", "city"],
        ).with_env(self.env)  # fmt: skip

    def _describe_partner(self, partner):
        details = [
            d
            for d in (partner.appliance_customer_code, partner.city, partner.phone)
            if d
        ]
        return f"{partner.name} ({', '.join(details)})" if details else partner.name

    # orders -------------------------------------------------------------

    def _group_orders(self, batch):
        """Rows of one customer and order ref make one order; its rows must be
        consecutive and agree on the delivery contact, phone and address."""
        orders = {}
        current = None
        for row in batch.rows:
            if not row["ref"] or not row["customer"]:
                continue
            key = (row["partner"].id if row["partner"] else row["customer"], row["ref"])
            order = orders.get(key)
            if order is None:
                order = orders[key] = {
                    "key": key,
                    "partner": row["partner"],
                    "customer": row["customer"],
                    "ref": row["ref"],
                    "first_row": row["row"],
                    "last_row": row["row"],
                    "contact": "",
                    "phone": "",
                    "address": "",
                    "date": None,
                    "lines": [],
                    "shipping": None,
                    "shipping_vals": None,
                }
            elif key != current:
                batch.add(
                    row["row"], "order_ref",
                    self.env._("order %(ref)s of customer %(customer)s appears twice in the file (rows"
                      " %(first)s–%(last)s, then again here): keep the rows of one order"
                      " together, or give the two orders different order refs.",
                      ref=row["ref"], customer=row["customer"],
                      first=order["first_row"], last=order["last_row"]),
                )  # fmt: skip
            current = key
            order["last_row"] = row["row"]
            for field in ("contact", "phone", "address"):
                if not row[field]:
                    continue
                if not order[field]:
                    order[field] = row[field]
                    order[field + "_row"] = row["row"]
                elif self._order_value_key(field, row[field]) != self._order_value_key(
                    field, order[field]
                ):
                    batch.add(
                        row["row"], field,
                        self.env._("%(value)s differs from %(other)s in row %(row)s of the same order"
                          " %(ref)s: one order has one delivery contact and address.",
                          value=row[field], other=order[field], row=order[field + "_row"],
                          ref=row["ref"]),
                    )  # fmt: skip
            if row["date"] and (not order["date"] or row["date"] < order["date"]):
                order["date"] = row["date"]
            order["lines"].append(row)
        batch.orders = list(orders.values())

    @staticmethod
    def _order_value_key(field, value):
        if field == "phone":
            return _phone_key(value)
        if field == "address":
            return _address_key(value)
        return xlsx.normalize_text(value).lower()

    def _check_existing_refs(self, batch):
        """Refuse orders already imported (customer + order ref), whoever did it."""
        orders = [order for order in batch.orders if order["partner"]]
        if not orders:
            return
        # sudo: the "own documents" rule hides other salespeople's orders, yet a ref
        # they imported must still block a second import; only the name is shown
        existing = (
            self.env["sale.order"]
            .sudo()  # sudo: see above
            .search_fetch(
                [
                    ("company_id", "=", self.env.company.id),
                    ("state", "!=", "cancel"),
                    (
                        "client_order_ref",
                        "in",
                        list({order["ref"] for order in orders}),
                    ),
                    (
                        "partner_id.commercial_partner_id",
                        "in",
                        list(
                            {
                                order["partner"].commercial_partner_id.id
                                for order in orders
                            }
                        ),
                    ),
                ],
                ["name", "client_order_ref", "partner_id"],
            )
        )
        known = defaultdict(list)
        for sale in existing:
            known[
                (sale.partner_id.commercial_partner_id.id, sale.client_order_ref)
            ].append(sale.name)
        for order in orders:
            names = known.get((order["partner"].commercial_partner_id.id, order["ref"]))
            if names:
                batch.add(
                    order["first_row"], "order_ref",
                    self.env._(
                        "order %(ref)s of customer %(customer)s was already imported (%(orders)s).",
                        ref=order["ref"], customer=order["partner"].name, orders=", ".join(names),
                    ),
                )  # fmt: skip

    # products -----------------------------------------------------------

    def _match_products(self, batch):
        """Resolve every row's model code with ``_appliance_match_model_codes``
        (the customer's own code first, then our model code), all rows at once."""
        rows = [row for row in batch.rows if row["code"]]
        if not rows:
            return
        for row in rows:
            row["key"] = normalize_model_code(row["code"])
        company = self.env.company
        Product = self.env["product.product"]
        base = Product._appliance_sale_domain(company)
        matches = Product._appliance_match_model_codes(
            [(row["code"], row["partner"]) for row in rows], company
        )
        near_misses = {}
        for row in rows:
            key = row["key"]
            partner = row["partner"]
            partner_id = (partner and partner.commercial_partner_id.id) or False
            matched = matches.get((key, partner_id), Product)
            if len(matched) == 1:
                row["product"] = matched
            elif matched:
                batch.add(
                    row["row"], "model_code",
                    self.env._("ambiguous model code %(code)s: %(products)s match. Ask for the model"
                      " code or the customer's code to be made unique.",
                      code=row["code"],
                      products="; ".join(matched.mapped("display_name")[:10])),
                )  # fmt: skip
            else:
                if (
                    key
                    and key not in near_misses
                    and len(near_misses) < NEAR_MISS_CODES
                ):
                    near_misses[key] = Product._appliance_near_misses(
                        key, base, company
                    )
                suggestions = near_misses.get(key) or Product
                reason = self.env._("unknown model code %s.", row["code"])
                if suggestions:
                    reason += " " + self.env._(
                        "Did you mean: %s?",
                        ", ".join(
                            p.appliance_model_code or p.display_name
                            for p in suggestions
                        ),
                    )
                batch.add(row["row"], "model_code", reason)

    def _check_lines(self, batch):
        """Whole units for unit-measured products, prices above the floor."""
        unit = self.env.ref("uom.product_uom_unit")
        below_floor_ok = self.env.user.has_group(
            "appliance_sales.group_appliance_below_floor"
        )
        for row in batch.rows:
            product, quantity = row["product"], row["quantity"]
            if not product:
                continue
            uom = product.uom_id
            if quantity is not None and uom._has_common_reference(unit):
                units = uom._compute_quantity(float(quantity), unit, round=False)
                if not float_is_zero(units - round(units), precision_digits=6):
                    batch.add(
                        row["row"], "quantity",
                        self.env._("%(qty)s is not a whole number of %(uom)s (%(product)s).",
                          qty=xlsx.format_decimal(quantity), uom=uom.name,
                          product=product.display_name),
                    )  # fmt: skip
            if (
                row["price"] is not None
                and not below_floor_ok
                and product.appliance_kind
            ):
                floor = product.appliance_floor_price
                if floor and float(row["price"]) < floor - 1e-6:
                    batch.add(
                        row["row"], "price_unit",
                        self.env._("%(price)s is below the floor price %(floor).2f of %(product)s; ask a"
                          " sales manager to import it.",
                          price=xlsx.format_decimal(row["price"]), floor=floor,
                          product=product.display_name),
                    )  # fmt: skip

    # ------------------------------------------------------------
    # Creating the orders
    # ------------------------------------------------------------

    def _create_orders(self, batch):
        """Create delivery contacts and quotations in one savepoint: when the
        ORM refuses anything (a constraint, an access rule), nothing stays."""
        # the wizard may be opened from a list whose context holds default_* keys
        # meant for other models: replace the context, merging would keep them
        importer = self.with_context(clean_context(self.env.context))  # pylint: disable=context-overridden
        try:
            with self.env.cr.savepoint():
                return importer._create_all(batch)
        except psycopg2.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != "sale_order_appliance_import_key_unique":
                raise
            # another import of the same file committed its orders while this one
            # ran: the index refused them (the savepoint undid everything)
            batch.add(
                None, None,
                self.env._("These orders were imported at the same time by someone"
                           " else; nothing was imported. Check the quotations list."),
            )  # fmt: skip
            for order in batch.orders:
                if order["shipping_vals"]:
                    order["shipping"] = None
            return self.env["sale.order"]
        except (ValidationError, UserError, AccessError) as exc:
            batch.add(
                None, None,
                self.env._("The quotations could not be created, nothing was imported: %s",
                           exc.args[0] if exc.args else exc),
            )  # fmt: skip
            for order in batch.orders:
                if order["shipping_vals"]:
                    order["shipping"] = None
            return self.env["sale.order"]

    def _create_all(self, batch):
        self._create_shipping(batch)
        batch.analytic = self._analytic_distributions(batch)
        vals_list = self._with_defaults(
            [self._prepare_order_vals(order, batch) for order in batch.orders]
        )
        self._add_order_precomputes(batch, vals_list)
        self._add_line_precomputes(vals_list)
        # created in slices: the same queries, a bounded ORM cache. Without the
        # chatter's per-order work (a follower query and a creation message per
        # order): _log_import does the same for all orders at once.
        SaleOrder = self.env["sale.order"].with_context(tracking_disable=True)
        orders = SaleOrder.browse()
        for start in range(0, len(vals_list), ORDERS_PER_CREATE):
            orders |= SaleOrder.create(vals_list[start : start + ORDERS_PER_CREATE])
        orders = orders.with_env(self.env)
        self._log_import(orders, batch)
        return orders

    def _log_import(self, orders, batch):
        """What ``mail.thread`` does for each created record, once for all: the
        importing user (and the salesperson) follow the quotations, and each
        quotation's chatter says it was imported, from which file and rows."""
        self.env["mail.followers"]._insert_followers(
            "sale.order",
            orders.ids,
            (self.env.user.partner_id | orders.user_id.partner_id).ids,
            check_existing=False,
        )
        bodies = {}
        for order, grouped in zip(orders, batch.orders, strict=True):
            bodies[order.id] = Markup("<p>%s</p>") % self.env._(
                "Quotation created by the Excel import of %(file)s (rows %(rows)s).",
                file=batch.filename or "",
                rows=", ".join(str(row["row"]) for row in grouped["lines"]),
            )
        orders._message_log_batch(bodies=bodies)

    def _add_order_precomputes(self, batch, vals_list):
        """Order values the ORM would otherwise work out order by order.

        ``sale.order.create`` draws one number from the sequence per order (two
        queries), asks for the user's default warehouse per order and looks the
        fiscal position up per customer and slice. All of them depend only on the
        company, the user, the customer and the delivery address, so work them out
        once per distinct value with the same methods the computes call. Values
        the file or a hook set keep precedence.
        """
        company = self.env.company
        # the warehouse compute depends on the company and the salesperson only
        warehouse = (
            self.env["sale.order"]
            .new({"company_id": company.id, "user_id": self.env.uid})
            .warehouse_id
        )
        FiscalPosition = self.env["account.fiscal.position"].with_company(company)
        # address_get() and _get_fiscal_position() read a few fields of each
        # customer, its contacts and delivery addresses: one query per field
        # for the whole batch instead of a few per customer
        partners = (
            self.env["res.partner"]
            .browse(
                {order["partner"].id for order in batch.orders}
                | {order["shipping"].id for order in batch.orders if order["shipping"]}
            )
            .with_company(company)
        )
        address_fields = ["type", "is_company", "parent_id", "child_ids"]
        fiscal_fields = ["property_account_position_id", "country_id", "state_id",
                         "zip", "vat"]  # fmt: skip
        partners.fetch(address_fields + fiscal_fields)
        partners.child_ids.fetch(address_fields + fiscal_fields)
        shipping_of = {}
        fiscal_positions = {}
        for order, vals in zip(batch.orders, vals_list, strict=True):
            partner = order["partner"]
            if "partner_shipping_id" not in vals:
                if partner.id not in shipping_of:
                    shipping_of[partner.id] = partner.address_get(["delivery"])[
                        "delivery"
                    ]
                vals["partner_shipping_id"] = shipping_of[partner.id]
            key = (partner.id, vals["partner_shipping_id"])
            if key not in fiscal_positions:
                fiscal_positions[key] = FiscalPosition._get_fiscal_position(
                    partner, self.env["res.partner"].browse(key[1])
                ).id
            vals.setdefault("fiscal_position_id", fiscal_positions[key])
            if warehouse:
                vals.setdefault("warehouse_id", warehouse.id)
        # the default name is the placeholder create() replaces by a number
        placeholder = self.env["sale.order"].default_get(["name"]).get("name")
        unnamed = [v for v in vals_list if v.get("name", placeholder) == placeholder]
        names = self._next_order_names(len(unnamed))
        for vals, name in zip(unnamed, names or (), strict=False):
            vals["name"] = name

    def _add_line_precomputes(self, vals_list):
        """Line values the ORM would otherwise compute line by line (see
        ``LINE_PRECOMPUTES``), worked out once per distinct product and order
        context by the ORM itself on a new line, then given to every line.

        The context of an order is what those computes read of it: its customer's
        language, fiscal position, currency, company, quotation template and date.
        Two lines share the values when all their other values are equal too
        (a hook adding a unit of measure, say, gets its own). Values the file or a
        hook set keep precedence.
        """
        SaleOrder = self.env["sale.order"]
        SaleOrderLine = self.env["sale.order.line"]
        if not all(fname in SaleOrderLine._fields for fname in LINE_PRECOMPUTES):
            return
        # what the new orders read of their customers, read for all of them at
        # once (a new record prefetches only itself: a few queries per customer)
        partners = self.env["res.partner"].browse({v["partner_id"] for v in vals_list})
        partners.fetch(["lang", "user_ids"])
        partners.mapped("is_public")
        partners.with_company(self.env.company).mapped("property_product_pricelist")
        context_of = {}  # order context -> representative new order
        templates = {}  # (order context, line values) -> index in new_lines
        new_lines = []
        todo = []
        for vals in vals_list:
            order_vals = {k: v for k, v in vals.items() if k != "order_line"}
            # orders of a customer differ in the fields below only by what the file
            # gave; the customer decides the language and the currency
            order_key = (
                vals["partner_id"],
                vals.get("fiscal_position_id"),
                vals.get("pricelist_id"),
                vals.get("company_id"),
                vals.get("sale_order_template_id"),
                vals.get("date_order"),
            )
            if order_key not in context_of:
                order = SaleOrder.new(order_vals)
                context_of[order_key] = (
                    order._get_lang(),
                    order.fiscal_position_id.id,
                    order.currency_id.id,
                    order.company_id.id,
                    order.sale_order_template_id.id,
                    order.date_order,
                    order,
                )
            context = context_of[order_key]
            for command in vals["order_line"]:
                line_vals = command[2]
                if line_vals.get("display_type") or not line_vals.get("product_id"):
                    continue
                own = {k: v for k, v in line_vals.items() if k not in LINE_OWN_VALUES}
                try:
                    key = (context[:-1], frozenset(own.items()))
                except TypeError:  # an unhashable value (x2many commands): ORM's way
                    continue
                if key not in templates:
                    templates[key] = len(templates)
                    new_lines.append(
                        SaleOrderLine.new({**own, "order_id": context[-1]})
                    )
                todo.append((line_vals, templates[key]))
        # iterated as one recordset, the new lines are computed together (their
        # products read in one query per field, not one per product)
        lines = SaleOrderLine.concat(*new_lines)
        values = [
            {
                fname: line._fields[fname].convert_to_write(line[fname], line)
                for fname in LINE_PRECOMPUTES
            }
            for line in lines
        ]
        for line_vals, index in todo:
            for fname, value in values[index].items():
                if fname not in line_vals:
                    # x2many commands: each line its own list
                    line_vals[fname] = (
                        copy.deepcopy(value) if isinstance(value, list) else value
                    )

    def _next_order_names(self, count):
        """``count`` quotation numbers drawn at once from the ``sale.order``
        sequence — what ``sale.order.create`` draws one by one — or None when
        the sequence is not a plain one (no gaps or dates ranges: then the
        ORM draws them)."""
        Sequence = self.env["ir.sequence"]
        Sequence.browse().check_access("read")
        sequence = Sequence.search(
            [
                ("code", "=", "sale.order"),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if (
            not count
            or not sequence
            or sequence.implementation != "standard"
            or sequence.use_date_range
        ):
            return None
        numbers = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(number) for (number,) in numbers]

    def _analytic_distributions(self, batch):
        """The analytic distribution of each (product, customer) of the batch.

        Order lines compute it one line at a time, two queries a line; the models
        are the same for every line of a product and customer, so ask once per
        pair — with exactly the values the line compute passes — or not at all
        when no distribution model exists.
        """
        # sudo: like the line's stored compute (compute_sudo), which reads the
        # models salespeople have no access to
        Model = self.env[
            "account.analytic.distribution.model"
        ].sudo()  # sudo: see above
        if not Model.search_count([], limit=1):
            return defaultdict(bool)
        company = self.env.company
        result = {}
        for order in batch.orders:
            partner = order["partner"]
            for row in order["lines"]:
                product = row["product"]
                if (product.id, partner.id) not in result:
                    result[product.id, partner.id] = Model._get_distribution({
                        "product_id": product.id,
                        "product_categ_id": product.categ_id.id,
                        "partner_id": partner.id,
                        "partner_category_id": partner.category_id.ids,
                        "company_id": company.id,
                    }) or False  # fmt: skip
        return result

    def _with_defaults(self, vals_list):
        """``vals_list`` completed with the default values of orders and lines.

        ``create`` asks ``default_get`` once per record, and some defaults run a
        query each (quotation documents, UTM...). Defaults depend on the context
        only, never on the values, so ask once for the whole batch; values given
        keep precedence, exactly as in ``create``.
        """
        order_defaults = self.env["sale.order"]._add_missing_default_values({})
        line_defaults = self.env["sale.order.line"]._add_missing_default_values({})
        result = []
        for vals in vals_list:
            vals = {**copy.deepcopy(order_defaults), **vals}
            vals["order_line"] = [
                Command.create({**copy.deepcopy(line_defaults), **command[2]})
                for command in vals["order_line"]
            ]
            result.append(vals)
        return result

    def _prepare_order_vals(self, order, batch):
        """Values of the quotation of one grouped ``order`` (hook)."""
        vals = {
            "partner_id": order["partner"].id,
            "client_order_ref": order["ref"],
            "appliance_import_key": order["ref"]
            and f"{order['partner'].commercial_partner_id.id}/{order['ref']}",
            "user_id": self.env.uid,
            "company_id": self.env.company.id,
            "order_line": [],
        }
        if order["shipping"]:
            vals["partner_shipping_id"] = order["shipping"].id
        if order["date"]:
            vals["commitment_date"] = self._date_to_datetime(order["date"])
        for row in order["lines"]:
            line_vals = self._prepare_line_vals(row)
            line_vals.setdefault(
                "analytic_distribution",
                batch.analytic[row["product"].id, order["partner"].id],
            )
            vals["order_line"].append(Command.create(line_vals))
            if row["note"]:
                vals["order_line"].append(
                    Command.create({"display_type": "line_note", "name": row["note"]})
                )
        return vals

    def _prepare_line_vals(self, row):
        """Values of the order line of one row (hook)."""
        vals = {
            "product_id": row["product"].id,
            "product_uom_qty": float(row["quantity"]),
        }
        if row["price"] is not None:
            vals["price_unit"] = float(row["price"])
        return vals

    def _date_to_datetime(self, date):
        """The start of ``date`` in the user's time zone, as naive UTC."""
        # the context's zone comes from the client: an unknown one falls back
        names = (self.env.context.get("tz"), self.env.user.tz)
        tz = pytz.timezone(
            next((n for n in names if n in pytz.all_timezones_set), "UTC")
        )
        local = tz.localize(datetime.datetime.combine(date, datetime.time(0, 0)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _match_shipping(self, batch):
        """Find the delivery contact of every order that names one, or plan a
        new one under the customer (created with the orders)."""
        orders = [
            o
            for o in batch.orders
            if o["partner"] and (o["contact"] or o["phone"] or o["address"])
        ]
        if not orders:
            return
        Partner = self.env["res.partner"]
        commercial_ids = list({o["partner"].commercial_partner_id.id for o in orders})
        children = Partner.search_fetch(
            [
                ("parent_id", "in", commercial_ids),
                ("type", "in", ("delivery", "contact", "other")),
            ],
            [
                "name",
                "parent_id",
                "type",
                "phone",
                "street",
                "street2",
                "city",
                "state_id",
                "zip",
            ],
        )
        by_parent = defaultdict(list)
        for child in children:
            by_parent[child.parent_id.id].append(child.id)
        states = self.env["res.country.state"].search_fetch(
            [("country_id.code", "=", "CN")], ["name", "code", "country_id"]
        )
        may_create = Partner.has_access("create")
        for order in orders:
            customer = order["partner"].commercial_partner_id
            match = self._find_shipping(
                order, customer | Partner.browse(by_parent[customer.id])
            )
            if match:
                order["shipping"] = match
            elif may_create:
                order["shipping_vals"] = self._prepare_shipping_vals(
                    order, customer, states
                )
            else:
                column = (
                    "address"
                    if order["address"]
                    else "contact"
                    if order["contact"]
                    else "phone"
                )
                batch.add(
                    order.get(column + "_row") or order["first_row"], column,
                    self.env._(
                        "%(customer)s has no delivery contact with %(value)s, and you may not"
                        " create contacts: ask for the contact to be created, or leave the"
                        " delivery columns empty to deliver to the customer's address.",
                        customer=customer.name, value=order[column],
                    ),
                )  # fmt: skip

    def _create_shipping(self, batch):
        """Create the planned delivery contacts, one per distinct address."""
        to_create = {}
        for order in batch.orders:
            vals = order["shipping_vals"]
            if not vals:
                continue
            key = (
                vals["parent_id"],
                xlsx.normalize_text(vals["name"]).lower(),
                _phone_key(vals.get("phone") or ""),
                _address_key(order["address"]),
            )
            to_create.setdefault(key, (vals, []))[1].append(order)
        if to_create:
            created = self.env["res.partner"].create(
                [vals for vals, _orders in to_create.values()]
            )
            for partner, (_vals, linked) in zip(
                created, to_create.values(), strict=True
            ):
                for order in linked:
                    order["shipping"] = partner

    def _find_shipping(self, order, partners):
        """The customer itself or one of its contacts, if it has this address,
        contact name and phone (those given)."""
        address = _address_key(order["address"])
        name = xlsx.normalize_text(order["contact"]).lower()
        phone = _phone_key(order["phone"])
        matches = []
        for partner in partners:
            if address:
                full = _address_key(
                    f"{partner.state_id.name or ''}{partner.city or ''}{partner.street or ''}"
                    f"{partner.street2 or ''}"
                )
                if address not in (full, _address_key(partner.street)):
                    continue
            if name and xlsx.normalize_text(partner.name or "").lower() != name:
                continue
            if phone and _phone_key(partner.phone or "") != phone:
                continue
            if not address and not partner.parent_id:
                continue  # a new contact person: not the company itself
            matches.append(partner)
        matches.sort(key=lambda p: (p.type != "delivery", not p.parent_id, p.id))
        return matches[0] if matches else None

    def _prepare_shipping_vals(self, order, customer, states):
        """A new delivery contact under ``customer`` (hook)."""
        vals = {
            "parent_id": customer.id,
            "type": "delivery",
            "name": order["contact"] or customer.name,
        }
        if order["phone"]:
            vals["phone"] = order["phone"]
        if order["address"]:
            state, city, street = self._split_address(order["address"], states)
            vals.update(
                street=street,
                city=city or False,
                state_id=state.id if state else False,
                country_id=(state.country_id.id if state else customer.country_id.id)
                or False,
            )
        else:
            vals.update(
                street=customer.street,
                street2=customer.street2,
                city=customer.city,
                zip=customer.zip,
                state_id=customer.state_id.id,
                country_id=customer.country_id.id,
            )
        return vals

    @api.model
    def _split_address(self, text, states):
        """Province, city and the rest of a Chinese address; ``(None, "", text)``
        when it does not start with a province."""
        text = xlsx.normalize_text(text)
        compact = text.replace(" ", "")
        for state in states:
            name = state.name or ""
            short = name
            for suffix in (
                "特别行政区",
                "维吾尔自治区",
                "壮族自治区",
                "回族自治区",
                "自治区",
                "省",
                "市",
            ):
                if short.endswith(suffix):
                    short = short[: -len(suffix)]
                    break
            for prefix in (name, short):
                if prefix and compact.startswith(prefix):
                    rest = compact[len(prefix) :]
                    if name.endswith("市"):  # municipalities: the province is the city
                        return state, name, rest or text
                    for marker in ("自治州", "地区", "市", "盟", "州"):
                        index = rest.find(marker)
                        if 0 < index <= 8:
                            cut = index + len(marker)
                            return state, rest[:cut], rest[cut:] or rest
                    return state, "", rest or text
        return None, "", text

    # ------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------

    def _preview_html(self, result):
        stats = result["stats"]
        errors = result["errors"]
        created = result["created"]
        parts = []
        seconds = stats["seconds"]
        note = self.env._(
            "%(rows)s rows read in %(read).1f s, checked in %(check).1f s: %(orders)s orders with"
            " %(lines)s lines.",
            rows=stats["rows"],
            read=seconds.get("read", 0.0),
            check=seconds.get("check", 0.0),
            orders=stats["orders"],
            lines=stats["lines"],
        )
        if stats["sheet"]:
            note = (
                self.env._(
                    "Sheet %(sheet)s, header in row %(row)s.",
                    sheet=stats["sheet"],
                    row=stats["header_row"],
                )
                + " "
                + note
            )
        if created:
            note += " " + self.env._(
                "%(count)s quotations created in %(seconds).1f s.",
                count=len(created),
                seconds=seconds.get("create", 0.0),
            )
        parts.append(Markup('<p class="text-muted small mb-2">%s</p>') % note)
        if errors:
            items = Markup("").join(
                Markup("<li>%s</li>") % problem["message"]
                for problem in errors[:PREVIEW_PROBLEMS]
            )
            more = ""
            if result["error_count"] > PREVIEW_PROBLEMS:
                more = Markup("<p>%s</p>") % self.env._(
                    "… and %s more problems.", result["error_count"] - PREVIEW_PROBLEMS
                )
            parts.append(
                Markup(
                    '<div class="alert alert-danger" role="alert"><p><strong>%s</strong></p>'
                    '<ul class="mb-0 ps-3">%s</ul>%s</div>'
                )
                % (
                    self.env._(
                        "%s problems: nothing will be imported until they are corrected.",
                        result["error_count"],
                    ),
                    items,
                    more,
                )
            )
        elif created:
            parts.append(
                Markup('<div class="alert alert-success" role="status">%s</div>')
                % self.env._(
                    "%s quotations were created.",
                    len(created),
                )
            )
        elif result["orders"]:
            parts.append(
                Markup('<div class="alert alert-info" role="status">%s</div>')
                % self.env._(
                    "No problems found: click Import to create these quotations."
                )
            )
        names = {}
        if created:
            names = dict(
                zip(
                    [id(o) for o in result["orders"]],
                    created.mapped("name"),
                    strict=True,
                )
            )
        for order in result["orders"][:PREVIEW_ORDERS]:
            parts.append(self._preview_order_html(order, names.get(id(order))))
        if len(result["orders"]) > PREVIEW_ORDERS:
            parts.append(
                Markup('<p class="text-muted">%s</p>')
                % self.env._(
                    "… and %s more orders.", len(result["orders"]) - PREVIEW_ORDERS
                )
            )
        return Markup("").join(parts)

    def _preview_order_html(self, order, name=None):
        partner = order["partner"]
        title = Markup("%s · %s") % (
            partner.display_name if partner else order["customer"],
            order["ref"],
        )
        if name:
            title = Markup("%s · %s") % (name, title)
        details = [
            self.env._(
                "rows %(first)s–%(last)s",
                first=order["first_row"],
                last=order["last_row"],
            )
        ]
        delivery = ", ".join(
            v for v in (order["contact"], order["phone"], order["address"]) if v
        )
        if order["shipping"]:
            details.append(self.env._("deliver to: %s", order["shipping"].display_name))
        elif order["shipping_vals"]:
            details.append(self.env._("new delivery contact: %s", delivery))
        elif delivery:
            details.append(self.env._("deliver to: %s", delivery))
        if order["date"]:
            details.append(self.env._("requested for %s", order["date"].isoformat()))
        lines = []
        for row in order["lines"]:
            product = row["product"]
            what = (
                Markup("<strong>%s</strong>") % product.display_name
                if product
                else Markup('<span class="text-danger">%s</span>')
                % (row["code"] or "?")
            )
            spec = (
                Markup('<br/><span class="text-muted">%s</span>')
                % product.appliance_spec_summary
                if product and product.appliance_spec_summary
                else ""
            )
            quantity = (
                xlsx.format_decimal(row["quantity"])
                if row["quantity"] is not None
                else "?"
            )
            uom = product.uom_id.name if product else ""
            price = (
                format_amount(
                    self.env, float(row["price"]), self.env.company.currency_id
                )
                if row["price"] is not None
                else self.env._("pricelist price")
            )
            note = Markup("<br/><em>%s</em>") % row["note"] if row["note"] else ""
            lines.append(
                Markup(
                    '<li class="mb-1"><span class="text-muted">%s</span> %s × %s %s · %s%s%s</li>'
                )
                % (
                    self.env._("Row %s", row["row"]),
                    what,
                    quantity,
                    uom,
                    price,
                    spec,
                    note,
                )
            )
        return Markup(
            '<div class="card mb-2"><div class="card-body p-2">'
            '<div class="fw-bold">%s</div><div class="small text-muted">%s</div>'
            '<ul class="list-unstyled small mb-0 mt-1">%s</ul></div></div>'
        ) % (title, " · ".join(details), Markup("").join(lines))

    # ------------------------------------------------------------
    # Template
    # ------------------------------------------------------------

    def _template_xlsx(self):
        """The order-list template, with the model codes and customer codes of
        the current company in its drop-down lists."""
        products = self.env["product.product"].search_fetch(
            Domain("sale_ok", "=", True)
            & Domain("appliance_model_code", "!=", False)
            & Domain(
                self.env["product.product"]._check_company_domain(self.env.company)
            ),
            ["appliance_model_code", "display_name", "appliance_kind"],
            order="id",
            limit=TEMPLATE_LIST_LIMIT,
        )
        # complete sets first: they are what customers order most by code
        products = products.sorted(
            lambda p: (p.appliance_kind != "set", p.appliance_model_code)
        )
        customers = self.env["res.partner"].search_fetch(
            [
                ("appliance_customer_code", "!=", False),
                ("company_id", "in", [False, self.env.company.id]),
            ],
            ["appliance_customer_code", "name"],
            order="appliance_customer_code",
            limit=TEMPLATE_LIST_LIMIT,
        )
        return template.build_template(
            [(p.appliance_model_code, p.display_name) for p in products],
            [(c.appliance_customer_code, c.name) for c in customers],
            fields.Date.context_today(self),
        )
