"""Adversarial suite: hostile client context (issue #8, item 5).

Every RPC call carries the client's context, and the server merges it into the
environment of the call. The state-changing calls of our addons — confirm,
submit, approve and reject, the order and customer imports, the count session's
validation and approval, milestones, customer merge, classification, complaint
stages — are each run twice from the same state (a savepoint rolled back in
between): once with a plain context and once with keys a client could send to
skip a check or change a default. The outcome (result or refusal, and the
records it leaves: orders, lines, moves, quants, reviews, milestones, counts,
complaints, customers, activities, mails, chatter) must be the same.
"""

import base64
import contextlib
import io
import logging
import re

import xlsxwriter

from odoo import Command
from odoo.tests import tagged
from odoo.tools import html2plaintext

from odoo.addons.appliance_sales.tests.common import ApplianceCase
from odoo.addons.appliance_sales.tests.test_milestones import PNG

_logger = logging.getLogger(__name__)

# keys plain Odoo / OCA / our code read, grouped by what they would bypass
HOSTILE_GROUPS = {
    "validation": {
        "skip_validation_check": True,
        "skip_check_state_condition": True,
        "tier_validation_defer_compute_can_review": True,
        "skip_procurement": True,
        "skip_oversell_check": True,
        "bypass_approval": True,
        "bypass_risk": True,
        "skip_credit_check": True,
    },
    "scope": {
        "force_company": "OTHER_COMPANY",
        "active_test": False,
        "partner_id": "OTHER_PARTNER",
        "appliance_channel_id": "CHANNEL",
    },
    "defaults": {
        "default_state": "sale",
        "default_user_id": "OTHER_USER",
        "default_partner_id": "OTHER_PARTNER",
        "default_company_id": "OTHER_COMPANY",
        "default_validation_status": "validated",
        "default_status": "approved",
        "default_done_by": "OTHER_USER",
        "default_milestone": "delivered",
        "default_stage_id": "DONE_STAGE",
        "default_counted_qty": 999.0,
        "default_is_counted": True,
        "default_theoretical_qty": 999.0,
        "default_quantity": 999.0,
        "default_price_unit": 0.01,
        "default_customer_confirmed": True,
        "default_appliance_confirmation_sent": True,
    },
    "mail_and_modes": {
        "tracking_disable": True,
        "mail_notrack": True,
        "mail_create_nolog": True,
        "mail_auto_subscribe_no_notify": True,
        "mail_activity_automation_skip": True,
        "mail_notify_force_send": True,
        "install_mode": True,
        "import_file": True,
        "module": "appliance_sales",
    },
}
# fields that legitimately differ between two runs of the same call
RUN_NOISE = {
    "id",
    "res_name",
    "appliance_digest",
    "name",
    "display_name",
    "access_token",
    "origin",
    "reference",
    "message_id",
    "mail_message_id",
    "record_name",
    "subject",
    "body",
    "body_html",
    "preview",
    "body_content",
    "references",
    "ref",
    "activity_date_deadline",
    "summary",
}
WATCHED = (
    "sale.order",
    "sale.order.line",
    "stock.picking",
    "stock.move",
    "stock.quant",
    "tier.review",
    "appliance.order.milestone",
    "appliance.count.session",
    "appliance.count.line",
    "appliance.complaint",
    "appliance.customer.visit",
    "mail.activity",
    "mail.mail",
    "mail.message",
    "res.partner",
)
# Odoo's automatic audit of mail.thread — field-change tracking, the "created"
# log and the creator's subscription — is switched off by documented client keys
# (tracking_disable, mail_notrack, mail_create_nolog; Odoo's own import dialog
# offers tracking_disable): it is left out of the comparison. Explicit chatter
# posts, notifications, mails and activities stay in.
AUTOMATIC_AUDIT_FIELDS = {
    "message_ids",
    "message_follower_ids",
    "website_message_ids",
    "message_partner_ids",
    "tracking_value_ids",
    # a post answers the thread's first message: the "created" log, when there is one
    "parent_id",
    "child_ids",
}


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestHostileContext(ApplianceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.floor = {model: cls._max_id(model) for model in WATCHED}
        # the fixture customer of ApplianceCase (created before the floor)
        cls.floor["res.partner"] = min(cls.floor["res.partner"], cls.customer.id - 1)
        cls.other_company = env["res.company"].create({"name": "Hostile Ltd"})
        cls.other_partner = env["res.partner"].create({"name": "Hostile Co"})
        cls.done_stage = env.ref("appliance_crm.appliance_complaint_stage_done")
        cls.channel = env["appliance.sales.channel"].search([], limit=1)
        cls.customer.email = "purchasing@zhongtian.example.com"
        cls.portal_user.partner_id.write(
            {"parent_id": cls.customer.id, "email": "buyer@zhongtian.example.com"}
        )
        cls.approver.email = "approver@example.com"
        cls.salesperson_a.group_ids += env.ref("base.group_partner_manager")
        # approvals: the shipped rules off (an archived one must stay off), one
        # rule of our own: totals over 100,000 go to the approvers
        cls.shipped_rules = env["tier.definition"].search(
            [("model", "=", "sale.order")]
        )
        cls.shipped_rules.active = False
        env["tier.definition"].create(
            {
                "name": "Big order",
                "model_id": env.ref("sale.model_sale_order").id,
                "review_type": "group",
                "reviewer_group_id": env.ref(
                    "appliance_sales.group_appliance_approver"
                ).id,
                "definition_domain": "[('amount_total', '>', 100000)]",
                "exclude_requester": True,
            }
        )
        (cls.set_ggd | cls.breaker.product_tmpl_id | cls.meter.product_tmpl_id).write(
            {"taxes_id": [Command.clear()]}
        )
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        env.company.appliance_oversell_guard = True
        cls.ggd = cls.set_ggd.product_variant_id
        env["stock.quant"]._update_available_quantity(cls.ggd, cls.stock, 3)
        env["stock.quant"]._update_available_quantity(cls.breaker, cls.stock, 40)
        # orders: a quotation in stock, one short of stock, one under approval
        cls.quote = cls._quotation(cls.salesperson_a, qty=1)
        cls.short_quote = cls._quotation(cls.salesperson_a, qty=50)
        cls.short_quote.order_line.price_unit = 1000  # under the approval limit
        cls.big = cls._quotation(cls.salesperson_a, qty=2)
        cls.big.order_line.price_unit = 60000
        cls.big.with_user(cls.salesperson_a).action_appliance_submit()
        cls.confirmed = cls._quotation(cls.salesperson_a, qty=1)
        cls.confirmed.with_user(cls.salesperson_a).action_confirm()
        cls.in_production = cls._quotation(cls.salesperson_a, qty=1)
        cls.in_production.with_user(cls.salesperson_a).action_confirm()
        cls.picking = cls.confirmed.picking_ids[:1]
        # the shipment has left: the warehouse may record its delivery
        cls.picking.move_ids.quantity = 1
        cls.picking.button_validate()
        # a count session in review whose variance needs a manager
        env.company.write(
            {
                "appliance_count_approval_value": 100.0,
                "appliance_count_recount_pct": 0.0,
            }
        )
        Session = env["appliance.count.session"].with_user(cls.warehouse_user)
        cls.session = Session.create(
            {
                "warehouse_id": cls.warehouse.id,
                "location_ids": [Command.set(cls.stock.ids)],
                "product_ids": [Command.set(cls.breaker.ids)],
            }
        )
        cls.session.action_start()
        damage = env.ref("appliance_stock.reason_damage")
        cls.session.line_ids._set_count(30.0, mode="set")
        cls.session.line_ids.reason_id = damage
        cls.session.action_finish_counting()
        cls.session_to_approve = Session.create(
            {
                "warehouse_id": cls.warehouse.id,
                "location_ids": [Command.set(cls.stock.ids)],
                "product_ids": [Command.set(cls.breaker.ids)],
            }
        )
        cls.session_to_approve.action_start()
        cls.session_to_approve.line_ids._set_count(35.0, mode="set")
        cls.session_to_approve.line_ids.reason_id = damage
        cls.session_to_approve.action_finish_counting()
        cls.session_to_approve.action_validate()
        # complaints, customers to merge
        cls.complaint = env["appliance.complaint"].create(
            {
                "subject": "Door lock",
                "partner_id": cls.customer.id,
                "resolution": "<p>Lock replaced</p>",
            }
        )
        cls.twin = env["res.partner"].create(
            {
                "name": "Jiangsu Zhongtian (duplicate)",
                "is_company": True,
                "phone": "025-86668888",
                "user_id": cls.salesperson_a.id,
            }
        )
        cls.strategy = env["appliance.customer.strategy"].create(
            {"name": "Everyone", "service_priority": "1"}
        )
        cls.orders_file = base64.b64encode(cls._orders_xlsx()).decode()
        cls.hostile_values = {
            "OTHER_COMPANY": cls.other_company.id,
            "OTHER_PARTNER": cls.other_partner.id,
            "OTHER_USER": cls.salesperson_b.id,
            "DONE_STAGE": cls.done_stage.id,
            "CHANNEL": cls.channel.id,
        }

    @classmethod
    def _max_id(cls, model):
        Model = cls.env[model].sudo().with_context(active_test=False)
        return Model.search([], order="id desc", limit=1).id or 0

    @classmethod
    def _orders_xlsx(cls):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet("Orders")
        sheet.write_row(
            0, 0, ["Customer", "Customer Order Ref", "Model Code", "Quantity"]
        )
        sheet.write_row(1, 0, ["T-JS-001", "PO-HOSTILE-1", "GGX9-38", 1])
        book.close()
        return output.getvalue()

    # ------------------------------------------------------------
    # RUNS
    # ------------------------------------------------------------

    def _hostile_context(self, groups):
        context = {}
        for group in groups:
            for key, value in HOSTILE_GROUPS[group].items():
                context[key] = self.hostile_values.get(value, value)
        return context

    def _normalize(self, value):
        if isinstance(value, dict):
            return {
                k: self._normalize(v)
                for k, v in value.items()
                if k not in ("res_id", "context", "id", "domain", "seconds")
            }
        if isinstance(value, str):
            return re.sub(r"\d+", "#", value)  # order numbers, ids
        if isinstance(value, list | tuple):
            return [self._normalize(v) for v in value]
        if hasattr(value, "_name"):
            return (value._name, len(value))
        return value

    def _value(self, record, field):
        value = record[field.name]
        if field.type == "many2one":
            comodel_floor = self.floor.get(field.comodel_name)
            if value and comodel_floor is not None and value.id > comodel_floor:
                # created in a run: compared by existence, not id
                return f"new {field.comodel_name}"
            return value.id
        if field.type in ("many2many", "one2many"):
            return len(value)
        return value

    def _snapshot(self):
        """Everything the watched models hold above the class's floor (customers:
        all of them), without what differs between any two runs."""
        self.env.cr.flush()
        self.env.invalidate_all()
        state = {}
        for model in WATCHED:
            Model = self.env[model].sudo().with_context(active_test=False)
            records = Model.search([("id", ">", self.floor[model])], order="id")
            if model == "mail.message":
                records = records.filtered(lambda m: not self._automatic_audit(m))
            names = [
                field
                for name, field in Model._fields.items()
                if field.store
                and name not in RUN_NOISE
                and name not in AUTOMATIC_AUDIT_FIELDS
                and not name.startswith(("create_", "write_", "__"))
                and field.type not in ("datetime", "binary", "html", "properties")
            ]
            rows = []
            for record in records:
                row = tuple(
                    (field.name, self._value(record, field))
                    for field in names
                    if not (
                        field.name in ("res_id", "mail_message_id")
                        and record.id > self.floor[model]
                    )
                )
                rows.append(row if record.id <= self.floor[model] else ("new", row))
            # new records compared as a multiset of their contents
            old = [row for row in rows if row[0] != "new"]
            new = sorted((row[1] for row in rows if row[0] == "new"), key=repr)
            state[model] = (old, new)
        return state

    def _automatic_audit(self, message):
        """A tracking message or a "<document> created" log."""
        if message.tracking_value_ids and not html2plaintext(message.body or ""):
            return True
        record = (
            self.env[message.model].browse(message.res_id).exists()
            if message.model in self.env
            else None
        )
        if record:
            return html2plaintext(message.body or "").strip() == (
                record._creation_message()
            )
        return False

    def _run(self, call, context):
        """Outcome of ``call(context)`` — its result or refusal and the state it
        leaves — then everything rolled back."""
        holder = {}
        with contextlib.suppress(_Rollback), self.env.cr.savepoint():
            try:
                with self.env.cr.savepoint():
                    result = call(context)
                    self.env.cr.flush()
                holder["result"] = ("done", self._normalize(result))
            except Exception as error:  # noqa: BLE001 - the outcome compared
                holder["result"] = ("refused", type(error).__name__)
                holder["why"] = str(error)[:300]
            holder["state"] = self._snapshot()
            raise _Rollback  # undo the run: the next one starts from the same state
        return holder

    def _diff(self, baseline, hostile):
        """Human-readable difference of two outcomes (empty when equal)."""
        lines = []
        if baseline["result"] != hostile["result"]:
            lines.append(f"result {baseline['result']} -> {hostile['result']}")
        for model, (old, new) in baseline["state"].items():
            h_old, h_new = hostile["state"][model]
            if old != h_old:
                for a, b in zip(old, h_old, strict=False):
                    if a != b:
                        changed = [
                            f"{x[0]}: {x[1]!r} -> {y[1]!r}"
                            for x, y in zip(a, b, strict=False)
                            if x != y
                        ]
                        lines.append(f"{model}: {changed}")
                if len(old) != len(h_old):
                    lines.append(f"{model}: {len(old)} -> {len(h_old)} records")
            if new != h_new:
                lines.append(f"{model}: created {len(new)} -> {len(h_new)}")
                for a, b in zip(new, h_new, strict=False):
                    changed = [
                        f"{x[0]}: {x[1]!r} -> {y[1]!r}"
                        for x, y in zip(a, b, strict=False)
                        if x != y
                    ]
                    if changed:
                        lines.append(f"{model} new: {changed}")
        return lines

    # ------------------------------------------------------------
    # THE CALLS
    # ------------------------------------------------------------

    def _as(self, user, context, record):
        # the client's context only: not the test's (which disables tracking)
        return record.with_env(self.env(user=user, context=dict(context)))

    def _calls(self):
        A, B = self.salesperson_a, self.salesperson_b
        wh, mgr = self.warehouse_user, self.warehouse_manager

        def wizard(model, user, context, vals):
            return self._as(user, context, self.env[model]).create(vals)

        return {
            "confirm in stock": lambda c: self._as(A, c, self.quote).action_confirm(),
            "confirm short of stock": lambda c: self._as(
                A, c, self.short_quote
            ).action_confirm(),
            "confirm by the warehouse": lambda c: self._as(
                wh, c, self.quote
            ).action_confirm(),
            "confirm a big order": lambda c: self._as(
                A,
                c,
                self.quote.copy(
                    {
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.ggd.id,
                                    "product_uom_qty": 2,
                                    "price_unit": 60000,
                                }
                            )
                        ]
                    }
                ),
            ).action_confirm(),
            "approve": lambda c: self._as(self.approver, c, self.big).validate_tier(),
            "approve own order": lambda c: self._as(A, c, self.big).validate_tier(),
            "reject": lambda c: wizard(
                "appliance.order.reject",
                self.approver,
                c,
                {"order_id": self.big.id, "reason": "Price too low"},
            ).action_reject(),
            "reject by another salesperson": lambda c: wizard(
                "appliance.order.reject",
                B,
                c,
                {"order_id": self.big.id, "reason": "No"},
            ).action_reject(),
            "import orders": lambda c: self._as(
                A, c, self.env["appliance.order.import"]
            ).import_orders(self.orders_file, "orders.xlsx"),
            "import customers": lambda c: self._as(
                A, c, self.env["appliance.customer.import"]
            ).import_customers(
                [{"name": "Hangzhou New Grid Co.", "phone": "0571-88886666"}]
            ),
            "count: validate over the limit": lambda c: self._as(
                wh, c, self.session
            ).action_validate(),
            "count: approve": lambda c: self._as(
                mgr, c, self.session_to_approve
            ).action_approve(),
            "count: approve by a counter": lambda c: self._as(
                wh, c, self.session_to_approve
            ).action_approve(),
            "milestone in production": lambda c: wizard(
                "appliance.milestone.set",
                A,
                c,
                {"order_id": self.in_production.id, "milestone": "in_production"},
            ).action_apply(),
            "milestone by another salesperson": lambda c: wizard(
                "appliance.milestone.set",
                B,
                c,
                {"order_id": self.in_production.id, "milestone": "ready"},
            ).action_apply(),
            "milestone delivered": lambda c: wizard(
                "appliance.milestone.set",
                wh,
                c,
                {
                    "picking_id": self.picking.id,
                    "milestone": "delivered",
                    "pod_signer": "王工",
                    "pod_signature": PNG,
                },
            ).action_apply(),
            "merge customers": lambda c: wizard(
                "appliance.partner.merge",
                self.sales_manager,
                c,
                {
                    "partner_ids": [Command.set((self.customer | self.twin).ids)],
                    "dst_partner_id": self.customer.id,
                },
            ).action_merge(),
            "merge by a salesperson": lambda c: self._as(
                A, c, self.env["appliance.partner.merge"]
            )._merge(self.customer, self.twin),
            "classify and apply strategies": lambda c: self._as(
                self.sales_manager, c, self.strategy
            ).action_apply(),
            "complaint: start": lambda c: self._as(A, c, self.complaint).action_start(),
            "complaint: ask confirmation": lambda c: self._as(
                A, c, self.complaint
            ).action_ask_confirmation(),
            "complaint: close by another salesperson": lambda c: self._as(
                B, c, self.complaint
            ).action_close(),
            "complaint: stage written by the portal": lambda c: self._as(
                self.portal_user, c, self.complaint
            ).write({"stage_id": self.done_stage.id}),
        }

    def test_hostile_context_changes_no_outcome(self):
        """Every key at once (fast)."""
        self._compare([tuple(HOSTILE_GROUPS)])

    def _compare(self, variants):
        calls = self._calls()
        changed, runs, refused = [], 0, 0
        for name, call in calls.items():
            baseline = self._run(call, {})
            runs += 1
            refused += baseline["result"][0] == "refused"
            for groups in variants:
                hostile = self._run(call, self._hostile_context(groups))
                runs += 1
                if diff := self._diff(baseline, hostile):
                    changed.append((name, groups, diff))
        _logger.info(
            "Hostile context: %s calls (%s refused as they should), %s keys in %s"
            " variant(s), %s runs, %s changed outcomes",
            len(calls),
            refused,
            sum(len(keys) for keys in HOSTILE_GROUPS.values()),
            len(variants),
            runs,
            len(changed),
        )
        for name, groups, diff in changed:
            _logger.info("  %s with %s: %s", name, "+".join(groups), diff[:8])
        self.assertEqual([(n, g) for n, g, _d in changed], [])

    def test_baselines_do_what_they_should(self):
        """The plain runs themselves: what is refused is refused, the rest done
        (otherwise comparing with them would prove little)."""
        expected_refusals = {
            "confirm short of stock",
            "confirm by the warehouse",
            "approve own order",
            "reject by another salesperson",
            "count: approve by a counter",
            "milestone by another salesperson",
            "merge by a salesperson",
            "complaint: close by another salesperson",
            "complaint: stage written by the portal",
        }
        runs = {name: self._run(call, {}) for name, call in self._calls().items()}
        for name, run in runs.items():
            _logger.info("baseline %s: %s %s", name, run["result"], run.get("why", ""))
        outcomes = {name: run["result"][0] for name, run in runs.items()}
        self.assertEqual(
            {name for name, kind in outcomes.items() if kind == "refused"},
            expected_refusals,
        )


@tagged("-standard", "appliance_adversarial", "post_install", "-at_install")
class TestHostileContextByGroup(TestHostileContext):
    """The same, one group of keys at a time (a key's effect cannot hide behind
    another's refusal)."""

    def test_hostile_context_changes_no_outcome(self):
        self._compare([(group,) for group in HOSTILE_GROUPS])

    def test_baselines_do_what_they_should(self):
        """Run by the fast class."""
