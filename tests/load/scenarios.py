"""What the simulated users do: salespeople, approvers and portal customers.

Each user is a thread with its own browser session (``Client``). Salespeople
browse orders and the set catalogue, enter quotations by model code and confirm
them, and import order lists; approvers approve what waits for them; portal
customers open their orders. Every request is timed (``requests`` recorder) and
every user action end to end (``actions`` recorder). Think times are
exponential around their mean, scaled by ``--think-scale``.
"""

import base64
import datetime
import io
import random
import re
import threading
import traceback
import uuid

from odoo_client import Client, RpcError, ViewSet

SET_ACTION = "appliance_sales.product_template_action_appliance_set"
ORDERS_ACTION = "sale.action_orders"
QUOTATIONS_ACTION = "sale.action_quotations_with_onboarding"
APPROVE_ACTION = "appliance_sales.sale_order_action_to_approve"
IMPORT_ACTION = "appliance_sales.appliance_order_import_action"
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"}
CHATTER_REQUESTS = [
    "activities",
    "attachments",
    "contact_fields",
    "followers",
    "scheduledMessages",
    "suggestedRecipients",
]
READ_ACTIONS = (
    "order_list",
    "order_search",
    "order_form",
    "order_form_reload",
    "catalogue_list",
    "catalogue_search",
    "catalogue_form",
    "approval_list",
    "approval_form",
    "portal_orders",
    "portal_order",
)


class Shared:
    """State shared by all users of one run."""

    def __init__(self, options, data, clock, actions, requests):
        self.options = options
        self.data = data
        self.clock = clock
        self.actions = actions
        self.requests = requests
        self.lock = threading.Lock()
        self.next_import_at = options.first_import
        self.quota = {
            "orders": options.quota_orders,
            "imports": options.quota_imports,
            "portal": options.quota_portal,
        }
        self.imported_drafts = {}  # salesperson login -> [order ids]
        self.run_tag = uuid.uuid4().hex[:6].upper()
        self.import_counter = 0
        self.tracebacks = []

    def take(self, what):
        """Soak: take one unit of the quota ``what`` (True), or None when the
        run has no quota for it, or False once it is used up."""
        with self.lock:
            left = self.quota[what]
            if left is None:
                return None
            if left <= 0:
                return False
            self.quota[what] = left - 1
            return True

    def give_back(self, what):
        with self.lock:
            if self.quota[what] is not None:
                self.quota[what] += 1

    def quotas_done(self):
        with self.lock:
            return all(left is not None and left <= 0 for left in self.quota.values())

    def import_due(self):
        """Imports are spread over the run: one every ``--import-every`` seconds
        (load), or in step with the orders of the volume (soak)."""
        with self.lock:
            if self.quota["imports"] is not None:
                if self.quota["imports"] <= 0:
                    return False
                if not self.options.quota_orders or self.quota["orders"] is None:
                    return True
                orders = 1 - self.quota["orders"] / self.options.quota_orders
                imports = 1 - self.quota["imports"] / self.options.quota_imports
                return imports <= orders
            if self.clock.elapsed() < self.next_import_at:
                return False
            self.next_import_at += self.options.import_every
            return True

    def note_traceback(self, who, exc):
        with self.lock:
            if len(self.tracebacks) < 30:
                self.tracebacks.append(
                    {
                        "t": round(self.clock.elapsed(), 1),
                        "user": who,
                        "error": str(exc)[:500],
                        "debug": (getattr(exc, "debug", "") or traceback.format_exc())[
                            -2500:
                        ],
                    }
                )


class SimulatedUser(threading.Thread):
    role = "user"

    def __init__(self, shared, index, login, start_delay):
        super().__init__(daemon=True, name=f"{self.role}-{index}")
        self.shared = shared
        self.options = shared.options
        self.index = index
        self.login = login
        self.start_delay = start_delay
        self.rng = random.Random(f"{self.options.seed}-{self.role}-{index}")
        self.client = Client(shared.options.url, shared.options.db, shared.requests)
        self.views = {}

    # ------------------------------------------------------------------ helpers
    def think(self, mean=None):
        mean = (mean or self.options.think) * self.options.think_scale
        seconds = min(self.rng.expovariate(1 / mean), 4 * mean) if mean > 0 else 0
        return self.shared.clock.sleep(seconds)

    def action(self, label):
        return self.shared.actions.action(label)

    def view(self, xmlid, model):
        """The action's views, loaded once per session as the browser does."""
        if xmlid not in self.views:
            action = self.client.load_action(xmlid)
            self.views[xmlid] = ViewSet(self.client, model, action)
        return self.views[xmlid]

    def read_form(self, views, model, record_id):
        record = self.client.call_kw(
            model, "web_read", [[record_id]], {"specification": views.spec("form")}
        )
        self.client.jsonrpc(
            "/mail/data",
            {
                "fetch_params": [
                    [
                        "mail.thread",
                        {
                            "thread_model": model,
                            "thread_id": record_id,
                            "request_list": CHATTER_REQUESTS,
                        },
                    ]
                ],
                "context": self.client.context,
            },
        )
        self.client.jsonrpc(
            "/mail/thread/messages",
            {
                "thread_model": model,
                "thread_id": record_id,
                "fetch_params": {"limit": 30},
            },
        )
        return record[0]

    def login_session(self):
        with self.action("login"):
            self.client.authenticate(self.login, self.login)
            self.views = {}

    def run(self):
        if not self.shared.clock.sleep(self.start_delay):
            return
        while not self.shared.clock.done():
            try:
                if self.client.uid is None:
                    self.login_session()
                if not self.step():
                    return
            except Exception as exc:  # noqa: BLE001 - recorded, the user goes on
                self.shared.note_traceback(self.name, exc)
                if not getattr(exc, "recorded", False):
                    # failed outside a timed action (loading views...): still an error
                    self.shared.actions.record("other", 0.0, exc)
                if isinstance(exc, RpcError) and "Session" in exc.name:
                    self.client.uid = None
                self.think()

    def step(self):
        """One action and the think time after it; False to stop this user."""
        raise NotImplementedError


# ---------------------------------------------------------------------------
class Salesperson(SimulatedUser):
    role = "sales"

    def __init__(self, shared, index, user, start_delay):
        super().__init__(shared, index, user["login"], start_delay)
        self.customers = user["customers"]
        self.last_orders = []

    def step(self):
        if self.shared.import_due():
            self.import_orders()
            return self.think()
        weights = self.options.sales_weights
        choice = self.rng.choices(list(weights), list(weights.values()))[0]
        if choice == "quote":
            taken = self.shared.take("orders")
            if taken is False:
                if self.shared.quotas_done():
                    return False
                choice = "browse"
            else:
                try:
                    self.quote()
                except Exception:
                    if taken:
                        self.shared.give_back("orders")
                    raise
                return self.think()
        if choice == "browse":
            self.browse_orders()
        elif choice == "open":
            self.open_order()
        elif choice == "catalogue":
            self.browse_catalogue()
        return self.think()

    # -------------------------------------------------------------- reads
    def browse_orders(self):
        views = self.view(ORDERS_ACTION, "sale.order")
        domain = views.domain(self.client.uid)
        label = "order_list"
        if self.rng.random() < 0.3:
            # the user types a customer code into the search box
            _pid, code = self.rng.choice(self.customers)
            domain = [*domain, ("partner_id", "ilike", code[: self.rng.randint(4, 7)])]
            label = "order_search"
        with self.action(label):
            result = self.client.call_kw(
                "sale.order",
                "web_search_read",
                [],
                {
                    "specification": views.spec("list"),
                    "domain": domain,
                    "offset": 0,
                    "limit": 80,
                    "order": views.archs["list"].get("default_order", ""),
                    "count_limit": 10001,
                },
            )
        self.last_orders = [r["id"] for r in result["records"]]

    def open_order(self, order_id=None):
        if order_id is None:
            if not self.last_orders:
                return self.browse_orders()
            order_id = self.rng.choice(self.last_orders)
        views = self.view(ORDERS_ACTION, "sale.order")
        with self.action("order_form"):
            self.read_form(views, "sale.order", order_id)
        return None

    def browse_catalogue(self):
        views = self.view(SET_ACTION, "product.template")
        domain = views.domain(self.client.uid)
        label = "catalogue_list"
        if self.rng.random() < 0.5:
            code = self.rng.choice(self.shared.data["sets"])["appliance_model_code"]
            domain = [*domain, ("appliance_model_code", "ilike", code.split("-")[0])]
            label = "catalogue_search"
        kind = "list" if "list" in views.archs else "form"
        with self.action(label):
            result = self.client.call_kw(
                "product.template",
                "web_search_read",
                [],
                {
                    "specification": views.spec(kind),
                    "domain": domain,
                    "offset": 0,
                    "limit": 80,
                    "order": views.archs[kind].get("default_order", ""),
                    "count_limit": 10001,
                },
            )
        if result["records"] and self.rng.random() < 0.5:
            self.think(self.options.step_think)
            product_id = self.rng.choice(result["records"])["id"]
            with self.action("catalogue_form"):
                self.read_form(views, "product.template", product_id)

    # -------------------------------------------------------------- quotation
    def _typed(self, code):
        """The model code as people type it: lower case, spaces, full width."""
        form = self.rng.random()
        if form < 0.2:
            return code.lower()
        if form < 0.3:
            return code.replace("-", " ")
        if form < 0.35:
            return code.upper().translate(FULL_WIDTH)
        return code

    def _line_products(self):
        data = self.shared.data
        lines = []
        if self.rng.random() < self.options.project_share:
            # a switchgear room: one series, many cabinets (often a large order,
            # which waits for an approver)
            lines.append((self.rng.choice(data["sets"]), self.rng.randint(6, 12)))
        elif self.rng.random() < 0.6:
            lines.append((self.rng.choice(data["sets"]), self.rng.randint(1, 2)))
        for _i in range(self.rng.randint(1 if lines else 2, 4)):
            lines.append((self.rng.choice(data["components"]), self.rng.randint(1, 8)))
        return lines

    def quote(self):
        """New quotation: customer, then lines by model code, save, confirm —
        every onchange the form makes on the way."""
        views = self.view(QUOTATIONS_ACTION, "sale.order")
        form_spec = views.spec("form")
        line_spec = form_spec.get("order_line", {}).get("fields", {})
        fields = views.fields["sale.order"]
        line_fields = views.fields.get("sale.order.line", {})
        partner_id, code = self.rng.choice(self.customers)
        with self.action("quote_new"):
            values = self.client.call_kw(
                "sale.order", "onchange", [[], {}, [], form_spec]
            )["value"]
        self.think(self.options.step_think)
        with self.action("quote_customer"):
            self.client.call_kw(
                "res.partner",
                "web_name_search",
                [],
                {
                    "name": code,
                    "specification": {"display_name": {}},
                    "domain": [("type", "!=", "private")],
                    "operator": "ilike",
                    "limit": 8,
                },
            )
            values["partner_id"] = partner_id
            changed = self.client.call_kw(
                "sale.order",
                "onchange",
                [[], _plain(values, fields), ["partner_id"], form_spec],
            )
            values.update(changed.get("value", {}))
        header = _plain(values, fields)
        header["partner_id"] = partner_id
        commands = []
        for number, (product, qty) in enumerate(self._line_products(), 1):
            self.think(self.options.step_think)
            virtual = f"virtual_{number}"
            with self.action("quote_line"):
                line = self.client.call_kw(
                    "sale.order.line",
                    "onchange",
                    [[], {"order_id": header}, [], line_spec],
                )["value"]
                line["appliance_model_input"] = self._typed(
                    product["appliance_model_code"]
                )
                answer = self.client.call_kw(
                    "sale.order.line",
                    "onchange",
                    [
                        [],
                        {**_plain(line, line_fields), "order_id": header},
                        ["appliance_model_input"],
                        line_spec,
                    ],
                )
                if answer.get("warning"):
                    raise RpcError(
                        f"model code {line['appliance_model_input']!r}: "
                        f"{answer['warning'].get('message', '')[:200]}",
                        "ModelCodeWarning",
                    )
                line.update(answer["value"])
                line["product_uom_qty"] = qty
                answer = self.client.call_kw(
                    "sale.order.line",
                    "onchange",
                    [
                        [],
                        {**_plain(line, line_fields), "order_id": header},
                        ["product_uom_qty"],
                        line_spec,
                    ],
                )
                line.update(answer["value"])
                commands.append([0, virtual, _plain(line, line_fields, writable=True)])
                # the form recomputes the totals with the new line
                self.client.call_kw(
                    "sale.order",
                    "onchange",
                    [[], {**header, "order_line": commands}, ["order_line"], form_spec],
                )
        self.think(self.options.step_think)
        with self.action("quote_save"):
            vals = _plain(values, fields, writable=True)
            vals["partner_id"] = partner_id
            vals["order_line"] = commands
            saved = self.client.call_kw(
                "sale.order", "web_save", [[], vals], {"specification": form_spec}
            )
        order_id = saved[0]["id"]
        self.shared.actions.event("quotations_created")
        if self.rng.random() >= self.options.confirm_share:
            return
        self.think(self.options.step_think)
        self.confirm(views, order_id, form_spec)
        # a salesperson also confirms quotations that came from an import
        with self.shared.lock:
            drafts = self.shared.imported_drafts.get(self.login)
            imported = (
                drafts.pop()
                if drafts and self.rng.random() < self.options.confirm_imported_share
                else None
            )
        if imported:
            self.think(self.options.step_think)
            with self.action("order_form"):
                self.read_form(views, "sale.order", imported)
            self.think(self.options.step_think)
            self.confirm(views, imported, form_spec)

    def confirm(self, views, order_id, form_spec):
        with self.action("confirm"):
            result = self.client.call_button("sale.order", "action_confirm", [order_id])
        with self.action("order_form_reload"):
            record = self.client.call_kw(
                "sale.order", "web_read", [[order_id]], {"specification": form_spec}
            )[0]
        if record["state"] == "sale":
            self.shared.actions.event("orders_confirmed")
            self.shared.actions.event("orders_confirmed_directly")
        elif record.get("validation_status") in ("waiting", "pending"):
            self.shared.actions.event("orders_submitted")
        else:
            raise RpcError(
                f"order {order_id} neither confirmed nor submitted "
                f"({record['state']}, {record.get('validation_status')}): {result}",
                "NotConfirmed",
            )

    # -------------------------------------------------------------- import
    def import_orders(self):
        taken = self.shared.take("imports")
        if taken is False:
            return
        with self.shared.lock:
            self.shared.import_counter += 1
            number = self.shared.import_counter
        content = build_import_file(
            self.rng,
            self.customers,
            self.shared.data,
            self.options.import_rows,
            f"LD{self.shared.run_tag}-{number:03d}",
        )
        views = self.view(IMPORT_ACTION, "appliance.order.import")
        spec = views.spec("form")
        try:
            with self.action("import_upload"):
                saved = self.client.call_kw(
                    "appliance.order.import",
                    "web_save",
                    [
                        [],
                        {
                            "file": base64.b64encode(content).decode(),
                            "filename": f"orders-{number}.xlsx",
                        },
                    ],
                    {"specification": spec},
                )
            wizard = saved[0]["id"]
            self.think(self.options.step_think)
            with self.action("import_check"):
                self.client.call_button(
                    "appliance.order.import", "action_check", [wizard]
                )
                preview = self.client.call_kw(
                    "appliance.order.import",
                    "web_read",
                    [[wizard]],
                    {"specification": spec},
                )[0]
            if preview.get("problem_count"):
                raise RpcError(
                    f"import preview lists {preview['problem_count']} problems",
                    "ImportProblems",
                )
            self.think(self.options.step_think)
            with self.action(f"import_{self.options.import_rows}"):
                self.client.call_button(
                    "appliance.order.import", "action_import", [wizard]
                )
                done = self.client.call_kw(
                    "appliance.order.import",
                    "web_read",
                    [[wizard]],
                    {
                        "specification": {
                            "state": {},
                            "order_ids": {},
                            "order_count": {},
                        }
                    },
                )[0]
            if done["state"] != "done":
                raise RpcError(f"import ended in state {done['state']}", "ImportFailed")
        except Exception:
            if taken:
                self.shared.give_back("imports")
            raise
        self.shared.actions.event("imports_done")
        self.shared.actions.event("quotations_imported", len(done["order_ids"]))
        with self.shared.lock:
            self.shared.imported_drafts.setdefault(self.login, []).extend(
                done["order_ids"]
            )


def build_import_file(rng, customers, data, rows, ref_prefix, lines_per_order=5):
    """An order list of ``rows`` rows (orders of ``lines_per_order`` lines) in
    the import template's layout, for the salesperson's own customers."""
    import xlsxwriter  # noqa: PLC0415 - Odoo's environment has it

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("订单 Orders")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(
        0,
        0,
        [
            "客户 Customer",
            "客户订单号 Customer Order Ref",
            "型号 Model Code",
            "数量 Quantity",
            "单价 Unit Price",
            "要求交货日期 Requested Date",
        ],
    )
    when = datetime.datetime.combine(
        datetime.date.today() + datetime.timedelta(days=30), datetime.time()
    )
    products = data["components"] + data["sets"][: len(data["components"]) // 4]
    order = None
    for row in range(1, rows + 1):
        if (row - 1) % lines_per_order == 0:
            order = (rng.choice(customers)[1], f"{ref_prefix}-{row:05d}")
            chosen = rng.sample(products, lines_per_order)
        product = chosen[(row - 1) % lines_per_order]
        sheet.write_string(row, 0, order[0])
        sheet.write_string(row, 1, order[1])
        sheet.write_string(row, 2, product["appliance_model_code"])
        sheet.write_number(row, 3, rng.randint(1, 6))
        sheet.write_number(row, 4, product["list_price"])
        sheet.write_datetime(row, 5, when, date_format)
    book.close()
    return output.getvalue()


def _plain(values, fields, writable=False):
    """Onchange/web_read values as the client sends them back: many2one as id,
    many2many as a SET command; x2many lines and (with ``writable``) readonly
    fields left out."""
    result = {}
    for name, value in values.items():
        info = fields.get(name)
        if not info or name in ("id", "display_name"):
            continue
        kind = info.get("type")
        if writable and info.get("readonly"):
            continue
        if kind == "many2one":
            result[name] = value["id"] if isinstance(value, dict) else value
        elif kind == "many2many":
            ids = []
            for item in value or []:
                if isinstance(item, dict):
                    ids.append(item["id"])
                elif isinstance(item, int):
                    ids.append(item)
                elif isinstance(item, list) and item and item[0] == 4:
                    ids.append(item[1])
                elif isinstance(item, list) and item and item[0] == 6:
                    ids = list(item[2])
            result[name] = [[6, 0, ids]]
        elif kind == "one2many":
            continue
        elif kind in ("binary", "properties", "properties_definition"):
            continue
        else:
            result[name] = value
    return result


# ---------------------------------------------------------------------------
class Approver(SimulatedUser):
    role = "approver"

    def __init__(self, shared, index, login, start_delay, count):
        super().__init__(shared, index, login, start_delay)
        self.count = count

    def step(self):
        views = self.view(APPROVE_ACTION, "sale.order")
        kind = _first_kind(views)
        domain = views.domain(self.client.uid)
        with self.action("approval_list"):
            result = self.client.call_kw(
                "sale.order",
                "web_search_read",
                [],
                {
                    "specification": views.spec(kind),
                    "domain": domain,
                    "offset": 0,
                    "limit": 80,
                    "order": "",
                    "count_limit": 10001,
                },
            )
        # approvers share the queue; each takes its own share of it so that two of
        # them never click the same order at the same second
        mine = [
            r["id"]
            for r in result["records"]
            if r["id"] % self.count == self.index % self.count
        ]
        if not mine:
            return self.think(self.options.approver_think)
        for order_id in mine[: self.rng.randint(1, 3)]:
            self.think(self.options.step_think)
            with self.action("approval_form"):
                record = self.read_form(views, "sale.order", order_id)
            if not record.get("can_review", True):
                continue
            self.think(self.options.step_think)
            with self.action("approve"):
                self.client.call_button("sale.order", "validate_tier", [order_id])
                state = self.client.call_kw(
                    "sale.order",
                    "web_read",
                    [[order_id]],
                    {"specification": {"state": {}, "validation_status": {}}},
                )[0]
            self.shared.actions.event("approval_clicks")
            if state["state"] == "sale" or state["validation_status"] == "validated":
                self.shared.actions.event("orders_approved")
            if state["state"] == "sale":
                self.shared.actions.event("orders_confirmed")
                self.shared.actions.event("orders_confirmed_after_approval")
            if self.shared.clock.done():
                break
        return self.think(self.options.approver_think)


def _first_kind(views):
    """The view the action opens with (kanban for "To Approve")."""
    for _id, kind in views.action.get("views") or []:
        kind = "list" if kind == "tree" else kind
        if kind in views.archs and kind != "search":
            return kind
    return "list"


# ---------------------------------------------------------------------------
ORDER_LINK = re.compile(r'href="/my/orders/(\d+)[?"]')


class PortalCustomer(SimulatedUser):
    role = "portal"

    def step(self):
        taken = self.shared.take("portal")
        if taken is False:
            return not self.shared.quotas_done() and self.think(
                self.options.portal_think
            )
        with self.action("portal_orders"):
            page = self.client.get("/my/orders")
        self.shared.actions.event("portal_visits")
        ids = list(dict.fromkeys(ORDER_LINK.findall(page.text)))
        for order_id in self.rng.sample(ids, min(len(ids), self.rng.randint(1, 2))):
            self.think(self.options.step_think)
            with self.action("portal_order"):
                self.client.get(f"/my/orders/{order_id}", label="GET /my/orders/<id>")
            if self.rng.random() < self.options.portal_pdf_share:
                self.think(self.options.step_think)
                with self.action("portal_pdf"):
                    response = self.client.get(
                        f"/my/orders/{order_id}?report_type=pdf&download=true",
                        label="GET /my/orders/<id> pdf",
                    )
                    if not response.content.startswith(b"%PDF"):
                        raise RpcError("the order PDF is not a PDF", "PortalPdf")
        return self.think(self.options.portal_think)
