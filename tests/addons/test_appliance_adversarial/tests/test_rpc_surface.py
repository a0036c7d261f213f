"""Adversarial suite: the RPC surface of our models (issue #8, item 4).

Every public method (no leading ``_``, not ``@api.private``) defined in our
addons' Python files is called over JSON-RPC (``/web/dataset/call_kw``, the
route the web client uses; ``/json/2`` dispatches through the same
``get_public_method``) by a portal customer and by an internal user without any
application group. Each call must be refused with AccessError, UserError or
MissingError, and leave nothing behind (records, messages, mails, sequence
numbers, fixture values).
"""

import base64
import json
import logging
from collections import Counter

from odoo import Command
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase

_logger = logging.getLogger(__name__)

OUR_MODULES = "odoo.addons.appliance_"
# what a refusal looks like in the JSON-RPC error (ValidationError and
# RedirectWarning are UserErrors)
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.RedirectWarning",
    "odoo.exceptions.MissingError",
}
# Overrides of Odoo's own read APIs: Odoo gives every employee read access to
# products, so a product search or description stays open to them (the override
# adds customer codes to the search, read with the user's own rights). They are
# checked to return exactly what the user's own search returns, nothing more.
CORE_READS_FOR_EMPLOYEES = {
    ("product.product", "name_search"),
    ("product.template", "name_search"),
    ("product.product", "get_product_multiline_description_sale"),
}
WATCHED_SEQUENCES = ("appliance.complaint", "appliance.count.session", "sale.order")


def public_methods(env):
    """``[(model, method, is_model_method)]``: every method defined in one of our
    addons' files that ``get_public_method`` lets a client call."""
    found = {}
    for model_name in env.registry:
        model = env[model_name]
        for klass in type(model).mro():
            module = getattr(klass, "__module__", "") or ""
            if not module.startswith(OUR_MODULES) or ".tests" in module:
                continue
            for name, value in vars(klass).items():
                if name.startswith("_") or not callable(value):
                    continue
                try:
                    method = get_public_method(model, name)
                except (AccessError, AttributeError):
                    continue
                found[model_name, name] = bool(getattr(method, "_api_model", False))
    return sorted(
        (model, name, api_model) for (model, name), api_model in found.items()
    )


@tagged("post_install", "-at_install")
class TestRpcSurface(ApplianceCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.bare_user = new_test_user(
            env, "h_rpc_bare", groups="base.group_user", name="Employee, no app group"
        )
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            cls.breaker, cls.warehouse.lot_stock_id, 5
        )
        cls.quotation = cls._quotation(cls.salesperson_a)
        cls.order = cls._quotation(cls.salesperson_a)
        cls.order.write({"state": "sale"})
        cls.complaint = env["appliance.complaint"].create(
            {"subject": "Door lock", "partner_id": cls.customer.id}
        )
        cls.draft_session = env["appliance.count.session"].create(
            {
                "warehouse_id": cls.warehouse.id,
                "location_ids": [Command.set(cls.warehouse.lot_stock_id.ids)],
            }
        )
        cls.session_counting = cls.draft_session.copy()
        cls.session_counting.action_start()
        cls.picking = env["stock.picking"].create(
            {
                "picking_type_id": cls.warehouse.out_type_id.id,
                "partner_id": cls.customer.id,
            }
        )
        cls.rule = env["tier.definition"].search(
            [("model", "=", "sale.order")], limit=1
        )
        cls.review = (
            env["tier.review"]
            .sudo()  # sudo: test setup, reviews are written by server code only
            .create(
                {
                    "model": "sale.order",
                    "res_id": cls.quotation.id,
                    "definition_id": cls.rule.id,
                }
            )
        )
        cls.strategy = env["appliance.customer.strategy"].create({"name": "Key"})
        cls.storage_rule = env["appliance.storage.cost.rule"].create(
            {"name": "Rent", "rate": 1.0}
        )
        cls.digest = env["appliance.sales.digest"].create(
            {"date_from": "2026-01-01", "date_to": "2026-01-31", "kind": "daily"}
        )
        cls.landed_cost = env["stock.landed.cost"].create({})
        cls.other_partner = env["res.partner"].create(
            {"name": "Twin of Zhongtian", "is_company": True}
        )
        cls.followup = env["appliance.followup"].create(
            {
                "rule_id": env["appliance.followup.rule"].search([], limit=1).id,
                "partner_id": cls.customer.id,
                "reason_key": "h_rpc",
                "company_id": env.company.id,
                "summary": "Call back",
                "date_deadline": "2026-01-31",
            }
        )
        cls.affinity = env["appliance.product.affinity"].create(
            {
                "company_id": env.company.id,
                "size": 2,
                "product_a_id": cls.breaker.id,
                "product_b_id": cls.meter.id,
            }
        )
        cls.cycle = env["appliance.purchase.cycle"].create(
            {"company_id": env.company.id, "partner_id": cls.customer.id}
        )
        cls.samples = cls._samples()

    @classmethod
    def _first(cls, model):
        records = cls.env[model].sudo().with_context(active_test=False)
        if records._abstract:
            return records.browse(1)
        return records.search([], limit=1) or records.browse(1)

    @classmethod
    def _samples(cls):
        """One record per model the methods are called on: the customer's own
        records where a portal user reads them (order, complaint, partner), a
        record of the model otherwise."""
        env = cls.env
        line = cls.session_counting.line_ids[:1]
        wizard_vals = cls._wizard_vals()
        samples = {
            "sale.order": cls.order,
            "sale.order.line": cls.order.order_line,
            "appliance.complaint": cls.complaint,
            "appliance.count.session": cls.session_counting,
            "appliance.count.line": line,
            "stock.picking": cls.picking,
            "tier.review": cls.review,
            "appliance.customer.strategy": cls.strategy,
            "appliance.storage.cost.rule": cls.storage_rule,
            "appliance.sales.digest": cls.digest,
            "appliance.followup": cls.followup,
            "appliance.product.affinity": cls.affinity,
            "appliance.purchase.cycle": cls.cycle,
            "stock.landed.cost": cls.landed_cost,
            "res.partner": cls.customer,
            "appliance.partner.360": cls.customer,
            "product.product": cls.breaker,
            "product.template": cls.set_ggd,
            "res.config.settings": env["res.config.settings"].create({}),
        }
        for model, vals in wizard_vals.items():
            samples[model] = env[model].create(vals)
        return samples

    @classmethod
    def _wizard_vals(cls):
        return {
            "appliance.order.import": {},
            "appliance.customer.import": {},
            "appliance.milestone.set": {
                "order_id": cls.order.id,
                "milestone": "in_production",
            },
            "appliance.order.reject": {
                "order_id": cls.quotation.id,
                "reason": "Too cheap",
            },
            "comment.wizard": {
                "res_model": "sale.order",
                "res_id": cls.quotation.id,
                "validate_reject": "validate",
                "review_ids": [Command.set(cls.review.ids)],
                "comment": "ok",
            },
            "appliance.partner.merge": {
                "partner_ids": [Command.set((cls.customer | cls.other_partner).ids)],
                "dst_partner_id": cls.other_partner.id,
            },
            "appliance.count.entry": {"session_id": cls.session_counting.id},
            "appliance.count.import": {"session_id": cls.session_counting.id},
            "appliance.count.adjustment": {
                "product_id": cls.breaker.id,
                "direction": "add",
                "quantity": 1000,
                "reason_id": cls.env.ref("appliance_stock.reason_damage").id,
            },
        }

    def _args(self, model, method):
        """Arguments a client would send (besides the record ids)."""
        product = self.breaker.id
        by_method = {
            "create": [self._create_vals(model)],
            "write": [{"name": "Hijacked"} if "name" in self.env[model] else {}],
            "import_orders": [base64.b64encode(b"PK not really").decode(), "o.xlsx"],
            "import_customers": [[{"name": "Evil Co", "phone": "13800000000"}]],
            "appliance_bought_together": [[product]],
            "action_appliance_add_product": [product],
            "name_search": ["TB"],
            "message_new": [
                {
                    "subject": "broken",
                    "email_from": "wang@zhongtian.example.com",
                    "body": "<p>x</p>",
                }
            ],
        }
        return by_method.get(method, [])

    def _create_vals(self, model):
        vals = {
            "appliance.complaint": {
                "subject": "Forged",
                "partner_id": self.customer.id,
            },
            "appliance.count.session": {
                "warehouse_id": self.warehouse.id,
                "location_ids": [Command.set(self.warehouse.lot_stock_id.ids)],
            },
            "appliance.count.line": {
                "session_id": self.session_counting.id,
                "product_id": self.breaker.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "counted_qty": 1000,
            },
            "appliance.customer.visit": {"partner_id": self.customer.id},
            "sale.order": {"partner_id": self.customer.id},
            "sale.order.line": {
                "order_id": self.order.id,
                "product_id": self.breaker.id,
                "price_unit": 0.01,
            },
            "tier.review": {
                "model": "sale.order",
                "res_id": self.quotation.id,
                "definition_id": self.rule.id,
                "status": "approved",
            },
            "product.template": {"name": "Forged product"},
        }
        return vals.get(model, {"name": "Forged"})

    # ------------------------------------------------------------
    # RPC
    # ------------------------------------------------------------

    def _call(self, model, method, args):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        body = response.json()
        if "error" in body:
            return "error", body["error"]["data"]["name"], body["error"]["data"]
        return "ok", body.get("result"), None

    def _records_for(self, model):
        """Ids to call a record method with. A wizard is first created by the
        attacker when the access rights let them (the realistic attack), else
        the one created by the administrator is used."""
        sample = self.samples.get(model)
        if self.env[model]._transient and model in self._wizard_vals():
            vals = self._wizard_vals()[model]
            kind, result, _data = self._call(model, "create", [vals])
            if kind == "ok":
                return [result]
        if sample is None:
            sample = self._first(model)
        return sample.ids or [1]

    def _snapshot(self):
        env = self.env
        env.invalidate_all()
        counts = {
            model: env[model].sudo().with_context(active_test=False).search_count([])
            for model in {m for m, _n, _a in public_methods(env)}
            if not env[model]._transient and not env[model]._abstract
        }
        for model in ("mail.message", "mail.mail", "appliance.order.milestone"):
            counts[model] = env[model].sudo().search_count([])
        sequences = {
            code: env["ir.sequence"]
            .sudo()  # sudo: reading the counters of the sequences
            .search([("code", "=", code)])
            .mapped("number_next_actual")
            for code in WATCHED_SEQUENCES
        }
        values = {
            "quotation": self.quotation.read(
                ["state", "amount_total", "partner_id", "user_id", "validation_status"]
            ),
            "order": self.order.read(["state", "appliance_milestone", "order_line"]),
            "complaint": self.complaint.read(["stage_id", "user_id", "partner_id"]),
            "session": self.session_counting.read(["state"]),
            "lines": self.session_counting.line_ids.read(["counted_qty"]),
            "review": self.review.sudo().read(["status", "done_by"]),
            "customer": self.customer.read(
                ["name", "active", "property_product_pricelist", "user_id"]
            ),
            "twin": self.other_partner.read(["active"]),
            "products": (self.breaker | self.set_ggd.product_variant_id).read(
                ["name", "list_price"]
            ),
        }
        return counts, sequences, values

    def _attack(self, login, methods):
        """Call every method as ``login``: ``{outcome: [(model, method, detail)]}``."""
        self.authenticate(login, login)
        outcomes = {"refused": [], "accepted": [], "crashed": []}
        for model, method, api_model in methods:
            args = self._args(model, method)
            if not api_model:
                args = [self._records_for(model), *args]
            kind, result, data = self._call(model, method, args)
            if kind == "ok":
                outcomes["accepted"].append((model, method, repr(result)[:200]))
            elif result in REFUSALS:
                outcomes["refused"].append((model, method, result))
            else:
                outcomes["crashed"].append(
                    (model, method, f"{result}: {data.get('message')}")
                )
        return outcomes

    def _report(self, who, methods, outcomes):
        _logger.info(
            "RPC surface as %s: %s public methods, %s refused, %s accepted, %s crashed",
            who,
            len(methods),
            len(outcomes["refused"]),
            len(outcomes["accepted"]),
            len(outcomes["crashed"]),
        )
        by_error = Counter(
            error.rsplit(".", 1)[-1] for _m, _n, error in outcomes["refused"]
        )
        _logger.info("  refusals as %s: %s", who, dict(sorted(by_error.items())))
        for kind in ("accepted", "crashed"):
            for model, method, detail in outcomes[kind]:
                _logger.info("  %s: %s.%s -> %s", kind, model, method, detail)

    # ------------------------------------------------------------
    # TESTS
    # ------------------------------------------------------------

    def test_every_public_method_is_refused_to_portal_and_plain_employee(self):
        methods = public_methods(self.env)
        _logger.info(
            "RPC surface: %s public methods on %s models: %s",
            len(methods),
            len({m for m, _n, _a in methods}),
            ", ".join(f"{m}.{n}" for m, n, _a in methods),
        )
        # the enumeration finds what it must (a broken one would pass anything)
        self.assertGreater(len(methods), 60)
        # every record method is called on a real record (not refused for lack
        # of one); mixins and abstract reports have no records of their own
        for model in {m for m, _n, api_model in methods if not api_model}:
            if not self.env[model]._abstract:
                sample = self.samples.get(model) or self._first(model)
                self.assertTrue(sample.exists(), f"no record of {model} to call")
        for expected in (
            ("sale.order", "action_confirm"),
            ("appliance.order.import", "import_orders"),
            ("appliance.count.session", "action_approve"),
            ("appliance.sales.kpi", "get_dashboard_data"),
        ):
            self.assertIn(expected, [(m, n) for m, n, _a in methods])
        before = self._snapshot()

        portal = self._attack("app_portal", methods)
        self._report("portal customer", methods, portal)
        employee = self._attack("h_rpc_bare", methods)
        self._report("employee without group", methods, employee)

        self.assertEqual(portal["crashed"], [])
        self.assertEqual(portal["accepted"], [])
        self.assertEqual(employee["crashed"], [])
        self.assertEqual(
            [(m, n) for m, n, _r in employee["accepted"]],
            sorted(CORE_READS_FOR_EMPLOYEES & {(m, n) for m, n, _a in methods}),
        )
        self.assertEqual(self._snapshot(), before)

    def test_product_search_override_returns_only_what_the_user_reads(self):
        """The product searches an employee may call return what their own
        search returns: the override reads with the user's rights."""
        other_company = self.env["res.company"].create({"name": "Rival Ltd"})
        secret = self.breaker.copy(
            {
                "name": "Other company breaker",
                "appliance_model_code": "TBM1-400/3300",
                "company_id": other_company.id,
            }
        )
        self.authenticate("h_rpc_bare", "h_rpc_bare")
        kind, result, _data = self._call("product.product", "name_search", ["TBM1"])
        self.assertEqual(kind, "ok")
        found = {product_id for product_id, _name in result}
        self.assertIn(self.breaker.id, found)
        self.assertNotIn(secret.id, found)
