"""Adversarial suite: injection and XSS (issue #8, item 6).

* SQL-ish strings in every filter and report parameter: the fields of our
  models (search, ``_read_group``, name search), the dashboard RPC, the report
  digests, the purchase-cycle and bought-together recomputations (with a hostile
  ``tz`` context too) and every field of the three imports (orders, customers,
  counts): 0 SQL errors (no ``psycopg2`` error raised or logged).
* ``<script>`` and ``"><img onerror>`` in customer name, product name and
  complaint text: escaped in every render — portal pages over HTTP, QWeb report
  HTML, e-mail bodies (``mail.mail.body_html``) and chatter messages.
* Formula payloads in our XLSX files (report digest, list and pivot exports,
  count sheets): 0 formulas (read back with openpyxl).
"""

import base64
import io
import json
import logging
from contextlib import contextmanager

import lxml.html
import openpyxl
import psycopg2

from odoo import Command, fields, http
from odoo.fields import Domain
from odoo.tests import HttpCase, tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase
from odoo.addons.appliance_stock.report import appliance_count_xlsx

_logger = logging.getLogger(__name__)

SQL_PAYLOADS = (
    "'; DROP TABLE x; --",
    "1) OR 1=1 --",
    "%s",
    "%(x)s",
    "\\'; SELECT pg_sleep(0); --",
    "Ω≈ç√ 中文 🚀 \u202e ＧＧＤ２－３８ '\"",
)
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
XSS = f"{XSS_SCRIPT}{XSS_IMG}"
# the six payloads of the issue (tab and CR separately) and xlsxwriter's array
# formula form, which write() turns into a formula too
FORMULA_PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "{=1+1}",
)
# text a spreadsheet would run once typed or re-opened from CSV ("{=...}" typed
# is text: only a cell of formula type is an array formula)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SqlErrorCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage()[:300])


@tagged("post_install", "-at_install")
class TestSqlInjection(ApplianceCase):
    """SQL-ish strings everywhere a user types a filter or a report parameter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")

    def setUp(self):
        super().setUp()
        self.sql_errors = []
        self.calls = 0

    @contextmanager
    def _watch(self):
        """Count SQL errors: raised psycopg2 errors and 'bad query' logs."""
        handler = SqlErrorCounter()
        logger = logging.getLogger("odoo.sql_db")
        logger.addHandler(handler)
        try:
            yield handler
        finally:
            logger.removeHandler(handler)
        self.sql_errors += handler.records

    def _try(self, label, func):
        """Run ``func`` in a savepoint; any error but an SQL one is an acceptable
        refusal of a bad value."""
        self.calls += 1
        try:
            with self.env.cr.savepoint():
                func()
        except psycopg2.Error as error:
            self.sql_errors.append(f"{label}: {error}")
        except Exception:
            _logger.debug("%s refused", label, exc_info=True)

    def _our_fields(self):
        """``{model: [field]}``: the searchable fields our addons define, on our
        models and on the models we extend."""
        result = {}
        for name in self.env.registry:
            Model = self.env[name]
            if Model._abstract or Model._transient:
                continue
            ours = Model._original_module.startswith("appliance_")
            for field in Model._fields.values():
                module = getattr(field, "_module", None) or ""
                if not (ours or module.startswith("appliance_")):
                    continue
                if not (field.store or field.search):
                    continue
                if field.type in ("char", "text", "html", "selection", "many2one"):
                    result.setdefault(name, []).append(field)
        return result

    def test_filters_searches_and_groupings_make_no_sql_error(self):
        """Every payload in every searchable field of ours, through the operators
        a search view and a filter editor produce, and in a grouping: one query
        per field and operator holds all the payloads (OR)."""
        by_model = self._our_fields()
        self.assertIn("appliance.sales.analysis", by_model)
        any_payload = lambda field, operator: Domain.OR(  # noqa: E731
            [(field, operator, payload)] for payload in SQL_PAYLOADS
        )
        with self._watch():
            for model, model_fields in by_model.items():
                Model = self.env[model].with_user(self.admin)
                for payload in SQL_PAYLOADS:
                    self._try(
                        f"{model}.name_search",
                        lambda M=Model, p=payload: M.name_search(p, limit=5),
                    )
                for field in model_fields:
                    operators = ("ilike", "not ilike", "=", "=like")
                    if field.type == "selection":
                        operators = ("=",)
                    for operator in operators:
                        domain = any_payload(field.name, operator)
                        self._try(
                            f"{model}.{field.name} {operator}",
                            lambda M=Model, d=domain: M.search(d, limit=5),
                        )
                    self._try(
                        f"{model}.{field.name} in",
                        lambda M=Model, f=field.name: M.search(
                            [(f, "in", list(SQL_PAYLOADS))], limit=5
                        ),
                    )
                    group = [field.name] if field.type != "html" else []
                    self._try(
                        f"{model} group by {field.name}",
                        lambda M=Model, f=field.name, g=group: M._read_group(
                            any_payload(f, "ilike"), g, ["__count"]
                        ),
                    )
            # product searches by customer code (context partner) and display name
            for payload in SQL_PAYLOADS:
                for model in ("product.product", "product.template"):
                    Model = (
                        self.env[model]
                        .with_user(self.salesperson_a)
                        .with_context(partner_id=self.customer.id)
                    )
                    self._try(
                        f"{model} code search",
                        lambda M=Model, p=payload: M.name_search(p),
                    )
                    self._try(
                        f"{model} display_name",
                        lambda M=Model, p=payload: M.search(
                            [("display_name", "ilike", p)]
                        ),
                    )
        _logger.info(
            "SQL payloads in filters: %s models, %s calls, %s SQL errors",
            len(by_model),
            self.calls,
            len(self.sql_errors),
        )
        self.assertEqual(self.sql_errors, [])

    def test_dashboard_and_reports_make_no_sql_error(self):
        manager = self.sales_manager
        Kpi = self.env["appliance.sales.kpi"].with_user(manager)
        Digest = self.env["appliance.sales.digest"].with_user(manager)
        digest = Digest.create({"kind": "daily", "date_from": fields.Date.today()})
        with self._watch():
            for payload in SQL_PAYLOADS:
                self._try(
                    "dashboard period", lambda p=payload: Kpi.get_dashboard_data(p)
                )
                self._try(
                    "dashboard offset",
                    lambda p=payload: Kpi.get_dashboard_data("month", p),
                )
                self._try(
                    "dashboard tz",
                    lambda p=payload: Kpi.with_context(tz=p).get_dashboard_data(),
                )
                for vals in (
                    {"kind": payload},
                    {"date_from": payload},
                    {"date_to": payload},
                    {"months": payload},
                ):
                    self._try("digest", lambda v=vals: Digest.create(v))
                self._try(
                    "digest data tz",
                    lambda p=payload: digest.with_context(
                        tz=p
                    )._appliance_report_data(),
                )
                self._try(
                    "purchase cycles tz",
                    lambda p=payload: (
                        self.env["appliance.purchase.cycle"]
                        .with_user(manager)
                        .with_context(tz=p)
                        .action_recompute()
                    ),
                )
                self._try(
                    "bought together",
                    lambda p=payload: (
                        self.env["appliance.product.affinity"]
                        .with_user(manager)
                        .with_context(tz=p)
                        .action_recompute()
                    ),
                )
                order = self._quotation(self.salesperson_a)
                self._try(
                    "suggestions",
                    lambda o=order, p=payload: o.with_user(
                        self.salesperson_a
                    ).appliance_bought_together([p]),
                )
                self._try(
                    "one-click add",
                    lambda o=order, p=payload: o.with_user(
                        self.salesperson_a
                    ).action_appliance_add_product(p),
                )
                self._try(
                    "complaint by e-mail",
                    lambda p=payload: self.env["appliance.complaint"].message_new(
                        {"subject": p, "email_from": p, "body": p}
                    ),
                )
        _logger.info(
            "SQL payloads in dashboard and report parameters: %s calls, %s SQL errors",
            self.calls,
            len(self.sql_errors),
        )
        self.assertEqual(self.sql_errors, [])

    # ------------------------------------------------------------
    # IMPORTS
    # ------------------------------------------------------------

    def _workbook(self, headers, rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        content = io.BytesIO()
        book.save(content)
        return base64.b64encode(content.getvalue()).decode()

    def test_imports_make_no_sql_error(self):
        from odoo.addons.appliance_sales.wizard import (  # noqa: PLC0415
            appliance_order_import_xlsx as order_xlsx,
        )

        headers = [column.en for column in order_xlsx.COLUMNS]
        rows = []
        for payload in SQL_PAYLOADS:
            # the payload in every column, then in each column of a valid row
            rows.append([payload] * len(headers))
            valid = [
                self.customer.name,
                "王工",
                "13800000000",
                "南京市江宁区",
                "PO-1",
                "GGX9-38",
                1,
                100,
                "2030-01-01",
                "",
            ]
            for index in range(len(headers)):
                row = list(valid)
                row[index] = payload
                row[4] = f"PO-{len(rows)}" if index != 4 else payload
                rows.append(row)
        orders_file = self._workbook(headers, rows)
        Import = self.env["appliance.order.import"].with_user(self.salesperson_a)
        customer_rows = [
            dict.fromkeys(("name", "phone", "vat", "email", "street", "city", "province", "code", "channel"), payload)
            for payload in SQL_PAYLOADS
        ]  # fmt: skip
        CustomerImport = self.env["appliance.customer.import"].with_user(
            self.salesperson_a
        )
        session = self._count_session()
        count_headers = [
            en for _key, _zh, en in appliance_count_xlsx.COUNT_SHEET_COLUMNS
        ]
        count_file = self._workbook(
            count_headers,
            [[payload] * len(count_headers) for payload in SQL_PAYLOADS]
            + [
                [session.location_ids[0].name, payload, payload, payload, 0, 1]
                for payload in SQL_PAYLOADS
            ],
        )
        with self._watch():
            for dry_run in (True, False):
                self._try(
                    "order import",
                    lambda d=dry_run: Import.import_orders(orders_file, "o.xlsx", d),
                )
                self._try(
                    "customer import",
                    lambda d=dry_run: CustomerImport.import_customers(
                        customer_rows, dry_run=d
                    ),
                )
            for payload in SQL_PAYLOADS:
                self._try(
                    "order import file name",
                    lambda p=payload: Import.import_orders(orders_file, p, True),
                )
                self._try(
                    "customer import channel",
                    lambda p=payload: CustomerImport.import_customers(
                        customer_rows[:1], channel_code=p, dry_run=True
                    ),
                )
                self._try(
                    "order import channel",
                    lambda p=payload: Import.import_orders(
                        orders_file, "o.xlsx", True, channel_code=p
                    ),
                )
            wizard = (
                self.env["appliance.count.import"]
                .with_user(self.warehouse_user)
                .create(
                    {
                        "session_id": session.id,
                        "file": count_file,
                        "filename": "count.xlsx",
                    }
                )
            )
            self._try("count import", wizard.action_import)
        _logger.info(
            "SQL payloads in import fields: %s calls, %s SQL errors",
            self.calls,
            len(self.sql_errors),
        )
        self.assertEqual(self.sql_errors, [])

    def _count_session(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(
            self.breaker, warehouse.lot_stock_id, 3
        )
        session = (
            self.env["appliance.count.session"]
            .with_user(self.warehouse_user)
            .create(
                {
                    "warehouse_id": warehouse.id,
                    "location_ids": [Command.set(warehouse.lot_stock_id.ids)],
                }
            )
        )
        session.action_start()
        return session


def live_xss(html):
    """What of the payloads is live in ``html``: the raw ``<script>`` payload,
    a script element running ``alert(1)``, an element with an event handler."""
    if not html:
        return []
    html = str(html)
    found = []
    if XSS_SCRIPT in html:
        found.append("raw <script> payload")
    document = lxml.html.document_fromstring(html)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and "alert(1)" in (element.text or ""):
            found.append("script element")
        for attribute, value in element.attrib.items():
            if attribute.lower().startswith("on") and "alert(1)" in value:
                found.append(f"<{element.tag} {attribute}>")
    return found


@tagged("post_install", "-at_install")
class TestXssEscaping(ApplianceCase, HttpCase):
    """Customer, product and complaint texts carrying script payloads, rendered
    everywhere they are shown."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # the shipped approval rules off, one rule of our own (a big order)
        env["tier.definition"].search([("model", "=", "sale.order")]).active = False
        cls.approver.email = "approver@example.com"
        env["tier.definition"].create(
            {
                "name": "Big order",
                "model_id": env.ref("sale.model_sale_order").id,
                "review_type": "group",
                "reviewer_group_id": env.ref(
                    "appliance_sales.group_appliance_approver"
                ).id,
                "definition_domain": "[('amount_total', '>', 1000000)]",
            }
        )
        cls.customer.write({"name": f"{XSS} Evil Electric", "email": "evil@x.example"})
        cls.portal_user.partner_id.write(
            {"parent_id": cls.customer.id, "email": "buyer@x.example"}
        )
        cls.set_ggd.write({"name": f"{XSS} cabinet", "taxes_id": [Command.clear()]})
        cls.product = cls.set_ggd.product_variant_id
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 100
        )
        cls.order = cls._quotation(cls.salesperson_a)
        cls.order.client_order_ref = f"{XSS} PO"
        cls.order.with_user(cls.salesperson_a).action_confirm()
        cls.big_order = cls._quotation(cls.salesperson_a, qty=50)
        cls.big_order.with_user(cls.salesperson_a).action_appliance_submit()
        cls.order.with_user(cls.salesperson_a)._appliance_set_milestone(
            "in_production", note=f"{XSS} welding"
        )
        cls.complaint = env["appliance.complaint"].create(
            {
                "subject": f"{XSS} door",
                "description": f"<p>{XSS} description</p>",
                "resolution": f"<p>{XSS} resolution</p>",
                "partner_id": cls.portal_user.partner_id.id,
                "sale_order_id": cls.order.id,
                "product_id": cls.product.id,
            }
        )
        cls.complaint.action_ask_confirmation()
        cls.complaint.message_post(body=f"{XSS} plain text note")
        cls.twin = env["res.partner"].create(
            {"name": f"{XSS} Evil Electric twin", "is_company": True, "phone": "1"}
        )
        env["appliance.partner.merge"]._merge(cls.customer, cls.twin)
        cls.count_session = cls._count_session()
        cls.digest = env["appliance.sales.digest"].create(
            {"kind": "daily", "date_from": fields.Date.today()}
        )
        for record in (cls.order, cls.complaint):
            record._portal_ensure_token()

    @classmethod
    def _count_session(cls):
        env = cls.env
        session = env["appliance.count.session"].create(
            {
                "warehouse_id": cls.warehouse.id,
                "location_ids": [Command.set(cls.warehouse.lot_stock_id.ids)],
            }
        )
        session.action_start()
        lines = session.line_ids
        lines._set_count(0.0, mode="set")
        import_file = io.BytesIO(appliance_count_xlsx.count_sheet_workbook(session))
        session.message_post(body=f"{XSS} counted")
        wizard = env["appliance.count.import"].create(
            {
                "session_id": session.id,
                "file": base64.b64encode(import_file.getvalue()),
                "filename": f"{XSS}.xlsx",
            }
        )
        try:
            with env.cr.savepoint():
                wizard.action_import()
        except Exception:
            _logger.debug("count import refused", exc_info=True)
        return session

    def setUp(self):
        super().setUp()
        self.renders = 0

    def assertEscaped(self, html, where, visible=True):
        """No live payload in ``html``; with ``visible``, the payload's text is
        shown (escaped), so the render did carry it."""
        self.renders += 1
        self.assertEqual(live_xss(html), [], where)
        if visible:
            self.assertIn("alert(1)", str(html), f"{where}: the payload is not shown")

    def test_portal_pages_escape_the_payloads(self):
        pages = [
            "/my",
            "/my/orders",
            f"/my/orders/{self.order.id}",
            f"/my/orders/{self.order.id}?report_type=html",
            "/my/complaints",
            f"/my/complaints/{self.complaint.id}",
            "/my/complaints/new",
        ]
        self.authenticate("app_portal", "app_portal")
        # the portal home and the order list name neither customer nor product
        silent = {"/my", "/my/orders"}
        for page in pages:
            response = self.url_open(page)
            self.assertEqual(response.status_code, 200, page)
            self.assertEscaped(response.text, page, visible=page not in silent)
        # the complaint form posted with the payloads, then its page
        response = self.url_open(
            "/my/complaints/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": f"{XSS} portal subject",
                "type_id": str(self.complaint.type_id.id),
                "description": f"{XSS} portal description",
                "product_id": str(self.product.id),
                "sale_order_id": str(self.order.id),
            },
        )
        self.assertEscaped(response.text, "new complaint page")
        self.assertIn("portal description", response.text)
        # the token links, without login
        self.authenticate(None, None)
        for record in (self.order, self.complaint):
            response = self.url_open(record.get_portal_url())
            self.assertEscaped(response.text, f"{record._name} by token")
        _logger.info("XSS: %s portal renders, 0 live payloads", self.renders)

    def test_report_html_escapes_the_payloads(self):
        Report = self.env["ir.actions.report"]
        for report, records in (
            ("sale.action_report_saleorder", self.order),
            ("appliance_stock.appliance_count_variance_report", self.count_session),
            ("appliance_reports.action_report_sales_digest", self.digest),
        ):
            html, _kind = Report._render_qweb_html(report, records.ids)
            self.assertEscaped(html.decode(), report)
        _logger.info("XSS: %s report HTML renders, 0 live payloads", self.renders)

    def test_mails_and_chatter_escape_the_payloads(self):
        records = (
            self.order,
            self.big_order,
            self.complaint,
            self.count_session,
            self.customer,
        )
        messages = self.env["mail.message"].search(
            [
                ("model", "in", [r._name for r in records]),
                ("res_id", "in", [r.id for r in records]),
            ]
        )
        messages = messages.filtered(
            lambda m: (m.model, m.res_id) in {(r._name, r.id) for r in records}
        )
        shown = 0
        for message in messages:
            self.assertEscaped(message.body, f"message {message.id}", visible=False)
            shown += "alert(1)" in (message.body or "")
        # the order confirmation, the approval request, the milestone notice, the
        # complaint's question and the merge note all carry the payload
        self.assertGreaterEqual(shown, 5)
        mails = self.env["mail.mail"].search([("mail_message_id", "in", messages.ids)])
        mails |= self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", self.big_order.id)]
        )
        self.assertGreaterEqual(len(mails), 3)
        carrying = 0
        for mail in mails:
            self.assertEscaped(mail.body_html, f"mail {mail.subject}", visible=False)
            carrying += "alert(1)" in (mail.body_html or "")
        # the confirmation, the approval request and the milestone notice name
        # the customer, the product or the note
        self.assertGreaterEqual(carrying, 3)
        # the report digest's mail, rendered from its template
        template = self.env.ref("appliance_reports.mail_template_sales_digest")
        body = template._render_field("body_html", self.digest.ids)[self.digest.id]
        self.assertEscaped(body, "digest mail", visible=False)
        _logger.info(
            "XSS: %s chatter messages (%s with the payload) and %s mails (%s with"
            " the payload) + 1 digest mail body: 0 live payloads",
            len(messages),
            shown,
            len(mails),
            carrying,
        )


@tagged("post_install", "-at_install")
class TestFormulaNeutralisation(ApplianceCase, HttpCase):
    """Formula payloads in every XLSX we write or let Odoo export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["tier.definition"].search([("model", "=", "sale.order")]).active = False
        cls.category = env["product.category"].create({"name": FORMULA_PAYLOADS[0]})
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        cls.partners = env["res.partner"].create(
            [
                {
                    "name": payload,
                    "is_company": True,
                    "user_id": cls.salesperson_a.id,
                    "city": payload,
                    "ref": payload,
                }
                for payload in FORMULA_PAYLOADS
            ]
        )
        cls.products = env["product.product"].create(
            [
                {
                    "name": payload,
                    "is_storable": True,
                    "categ_id": cls.category.id,
                    "list_price": 10,
                    "taxes_id": [Command.clear()],
                }
                for payload in FORMULA_PAYLOADS
            ]
        )
        for product in cls.products:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 10
            )
        for partner, product in zip(cls.partners, cls.products, strict=True):
            order = cls._quotation(cls.salesperson_a, partner=partner, product=product)
            order.with_user(cls.salesperson_a).action_confirm()
        cls.digest = env["appliance.sales.digest"].create(
            {"kind": "daily", "date_from": fields.Date.today()}
        )
        cls.count_session = env["appliance.count.session"].create(
            {
                "warehouse_id": warehouse.id,
                "location_ids": [Command.set(warehouse.lot_stock_id.ids)],
                "product_ids": [Command.set(cls.products.ids)],
            }
        )
        cls.count_session.action_start()
        # every line counted short: each product is a variance
        cls.count_session.line_ids._set_count(0.0, mode="set")

    def setUp(self):
        super().setUp()
        self.files = self.cells = 0

    def assertNoFormula(self, content, where):
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.files += 1
        payload_cells = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    self.cells += 1
                    self.assertNotEqual(
                        cell.data_type, "f", f"{where} {cell.coordinate}"
                    )
                    if isinstance(cell.value, str):
                        self.assertFalse(
                            cell.value.startswith(FORMULA_STARTS),
                            f"{where} {cell.coordinate}: {cell.value!r}",
                        )
                        payload_cells += any(
                            p.strip() in cell.value for p in FORMULA_PAYLOADS
                        )
        self.assertGreater(payload_cells, 0, f"{where}: no payload in the file")
        return payload_cells

    def _post(self, url, payload):
        response = self.url_open(
            url,
            data={
                "data": json.dumps(payload),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.content

    def test_no_formula_in_any_xlsx(self):
        Report = self.env["ir.actions.report"].with_user(self.sales_manager)
        content, _kind = Report._render_xlsx(
            "appliance_reports.action_report_sales_digest_xlsx",
            self.digest.ids,
            data={},
        )
        self.assertNoFormula(content, "sales digest")
        self.assertNoFormula(
            appliance_count_xlsx.count_sheet_workbook(self.count_session), "count sheet"
        )
        self.assertNoFormula(
            appliance_count_xlsx.variance_workbook(self.count_session), "variances"
        )
        self.authenticate("admin", "admin")
        fields_ = [
            {"name": "name", "label": payload, "type": "char"}
            for payload in FORMULA_PAYLOADS[:1]
        ] + [
            {"name": "city", "label": "City", "type": "char"},
            {"name": "ref", "label": "Ref", "type": "char"},
            {"name": "user_id", "label": "Salesperson", "type": "many2one"},
        ]
        for groupby in ([], ["name"], ["city", "ref"]):
            content = self._post(
                "/web/export/xlsx",
                {
                    "model": "res.partner",
                    "fields": fields_,
                    "ids": self.partners.ids,
                    "domain": [("id", "in", self.partners.ids)],
                    "groupby": groupby,
                    "import_compat": False,
                },
            )
            self.assertNoFormula(content, f"list export {groupby}")
        content = self._post(
            "/web/export/xlsx",
            {
                "model": "sale.order.line",
                "fields": [
                    {
                        "name": "order_partner_id",
                        "label": "Customer",
                        "type": "many2one",
                    },
                    {"name": "product_id", "label": "Product", "type": "many2one"},
                    {"name": "name", "label": "Description", "type": "text"},
                ],
                "ids": False,
                "domain": [("product_id", "in", self.products.ids)],
                "groupby": [],
                "import_compat": False,
            },
        )
        self.assertNoFormula(content, "order lines export")
        table = {
            "title": "Pivot",
            "model": "sale.order",
            "measure_count": 1,
            "origin_count": 1,
            "col_group_headers": [
                [{"title": payload, "width": 1, "height": 1}]
                for payload in FORMULA_PAYLOADS
            ],
            "measure_headers": [
                {"title": payload, "width": 1, "height": 1, "is_bold": True}
                for payload in FORMULA_PAYLOADS
            ],
            "origin_headers": [],
            "rows": [
                {
                    "title": payload,
                    "indent": 0,
                    "values": [{"value": payload, "is_bold": i % 2 == 0}],
                }
                for i, payload in enumerate(FORMULA_PAYLOADS)
            ],
        }
        self.assertNoFormula(self._post("/web/pivot/export_xlsx", table), "pivot")
        _logger.info(
            "XLSX: %s payloads, %s files, %s cells read back, 0 formulas",
            len(FORMULA_PAYLOADS),
            self.files,
            self.cells,
        )
