"""Adversarial suite: portal abuse (issue #8, item 3), over real HTTP.

The portal routes of our controllers — the order page of appliance_sales
(``/my/orders/<id>``, HTML and printed, plus Odoo's accept/decline reached
through our subclass), the complaint pages of appliance_crm (list, detail,
confirm, new) and the spreadsheet exports of appliance_reports
(``/web/export/xlsx``, ``/web/pivot/export_xlsx``) — are tried with no token, a
wrong token, another record's token, another customer logged in, and 1,000
enumerated ids. Nothing of customer X may reach anyone else; X's own token and
login work. Forms posted with extra fields change none of the fields they name.
"""

import io
import json
import logging
import time
from urllib.parse import urlparse

import openpyxl

from odoo import Command, http
from odoo.tests import HttpCase, mute_logger, new_test_user, tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase

_logger = logging.getLogger(__name__)

ENUMERATED_IDS = 1000
# fields a hostile form names; none may be taken from a portal post
HOSTILE_FIELDS = {
    "state": "done",
    "stage_id": "0",
    "price_unit": "0.01",
    "amount_total": "1",
    "partner_id": "1",
    "user_id": "1",
    "company_id": "0",
    "customer_confirmed": "1",
    "source": "backend",
    "priority": "2",
    "name": "FORGED-1",
    "sla_breached": "1",
    "date_deadline": "2000-01-01 00:00:00",
    "date_closed": "2000-01-01 00:00:00",
    "resolution": "<p>nothing to do</p>",
    "signed_by": "Forger",
    "validation_status": "validated",
    "appliance_milestone": "delivered",
}


@tagged("post_install", "-at_install")
class TestPortalAbuse(ApplianceCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Complaint = env["appliance.complaint"]
        # customer X: the ApplianceCase customer and its portal buyer
        cls.customer.email = "purchasing@zhongtian.example.com"
        cls.portal_user.partner_id.write(
            {"parent_id": cls.customer.id, "email": "buyer@zhongtian.example.com"}
        )
        # customer Y, a competitor, with its own portal buyer
        cls.customer_y = env["res.partner"].create(
            {
                "name": "Rival Switchgear Co.",
                "is_company": True,
                "user_id": cls.salesperson_b.id,
                "email": "buy@rival.example.com",
            }
        )
        cls.portal_y = new_test_user(
            env, "h_rpc_portal_y", groups="base.group_portal", name="Rival buyer"
        )
        cls.portal_y.partner_id.parent_id = cls.customer_y
        cls.other_company = env["res.company"].create({"name": "Sister Company"})
        cls.quality = env.ref("appliance_crm.appliance_complaint_type_quality")
        cls.stage_confirm = env["appliance.complaint.stage"].search(
            [("state", "=", "confirm")], limit=1
        )

        # X's documents carry secrets that must never reach Y or the public
        cls.order_x = cls._order(cls.customer, "X-SECRET-PO-4711")
        cls.quote_x = cls._quotation(cls.salesperson_a)
        cls.quote_x.write({"client_order_ref": "X-SECRET-QUOTE", "state": "sent"})
        cls.order_y = cls._order(cls.customer_y, "Y-OWN-PO")
        cls.complaint_x = Complaint.create(
            {
                "subject": "X-SECRET-COMPLAINT breaker tripped",
                "partner_id": cls.portal_user.partner_id.id,
                "type_id": cls.quality.id,
                "sale_order_id": cls.order_x.id,
                "resolution": "<p>Replaced</p>",
            }
        )
        cls.complaint_x.stage_id = cls.stage_confirm
        cls.complaint_y = Complaint.create(
            {
                "subject": "Y-OWN-COMPLAINT late",
                "partner_id": cls.portal_y.partner_id.id,
                "type_id": cls.quality.id,
            }
        )
        for record in (
            cls.order_x,
            cls.quote_x,
            cls.order_y,
            cls.complaint_x,
            cls.complaint_y,
        ):
            record._portal_ensure_token()
        cls.x_secrets = [
            cls.order_x.name,
            "X-SECRET-PO-4711",
            cls.quote_x.name,
            "X-SECRET-QUOTE",
            cls.complaint_x.name,
            "X-SECRET-COMPLAINT",
        ]

    @classmethod
    def _order(cls, partner, ref):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "client_order_ref": ref,
                "user_id": (partner.user_id or cls.salesperson_a).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.set_ggd.product_variant_id.id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        # confirmed directly: what is tested is the portal, not the confirmation
        order.write({"state": "sale"})
        return order

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # a public visitor's session (CSRF token)

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _get(self, path, token=None, **params):
        if token is not None:
            params["access_token"] = token
        return self.url_open(path, params=params, allow_redirects=False)

    def _served(self, response, path):
        """True when ``response`` is the page of ``path`` itself (not a redirect
        to the login or the portal home)."""
        return response.status_code == 200 and urlparse(response.url).path == path

    def assertNothingOfX(self, response, what=""):
        text = response.text
        for secret in self.x_secrets:
            self.assertNotIn(secret, text, f"{what}: {secret} leaked")

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _x_routes(self):
        """X's token-protected GET pages: (path, params, token, other token)."""
        order, complaint = self.order_x, self.complaint_x
        return [
            (f"/my/orders/{order.id}", {}, order.access_token, self.order_y),
            (
                f"/my/orders/{order.id}",
                {"report_type": "html"},
                order.access_token,
                self.order_y,
            ),
            (
                f"/my/orders/{self.quote_x.id}",
                {},
                self.quote_x.access_token,
                self.order_y,
            ),
            (
                f"/my/complaints/{complaint.id}",
                {},
                complaint.access_token,
                self.complaint_y,
            ),
        ]

    # ------------------------------------------------------------
    # TOKENS AND LOGINS
    # ------------------------------------------------------------

    def _try_every_wrong_key(self, who):
        """Every X page with no token, a wrong one and Y's token: nothing served."""
        tried = 0
        for path, params, _token, other in self._x_routes():
            for token in (None, "", "0" * 36, "x' OR '1'='1", other.access_token):
                with self.subTest(who=who, path=path, token=token, **params):
                    response = self._get(path, token, **params)
                    self.assertFalse(self._served(response, path))
                    self.assertNothingOfX(response, f"{who} {path}")
                    tried += 1
        return tried

    def test_no_token_wrong_token_other_token_and_other_customer_get_nothing(self):
        tried = self._try_every_wrong_key("public")
        self.authenticate("h_rpc_portal_y", "h_rpc_portal_y")
        tried += self._try_every_wrong_key("customer Y")
        # Y's lists show Y's documents only
        for path in ("/my/orders", "/my/quotes", "/my/complaints", "/my"):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertEqual(response.status_code, 200)
                self.assertNothingOfX(response, path)
                tried += 1
        self.assertIn("Y-OWN-COMPLAINT", self.url_open("/my/complaints").text)
        _logger.info("Portal: %s foreign-access attempts, 0 served", tried)

    def test_right_token_and_owner_login_work(self):
        for path, params, token, _other in self._x_routes():
            with self.subTest(path=path, **params):
                response = self._get(path, token, **params)
                self.assertTrue(self._served(response, path), response.status_code)
        page = self._get(f"/my/complaints/{self.complaint_x.id}", "")
        self.assertFalse(self._served(page, f"/my/complaints/{self.complaint_x.id}"))
        self.authenticate("app_portal", "app_portal")
        for path, params, _token, _other in self._x_routes():
            with self.subTest(path=path, **params):
                response = self._get(path, **params)
                self.assertTrue(self._served(response, path))
        self.assertIn("X-SECRET-COMPLAINT", self.url_open("/my/complaints").text)
        self.assertIn(self.order_x.name, self.url_open("/my/orders").text)

    def test_thousand_enumerated_ids_serve_nothing_foreign(self):
        """Customer Y walks 1,000 ids over the order page, the printed order and
        the complaint page: only Y's own records are ever served."""
        self.authenticate("h_rpc_portal_y", "h_rpc_portal_y")
        env = self.env
        walks = [  # (page, model, extra parameters, share of the 1,000 ids)
            ("orders", "sale.order", {}, 334),
            ("orders", "sale.order", {"report_type": "html"}, 333),
            ("complaints", "appliance.complaint", {}, 333),
        ]
        own = {
            "orders": set(
                env["sale.order"].search([("partner_id", "=", self.customer_y.id)]).ids
            ),
            "complaints": {self.complaint_y.id},
        }
        served = foreign = requests = 0
        started = time.time()
        for kind, model, params, count in walks:
            # a walk ends past the newest record, so that it meets X's and Y's
            last = env[model].search([], order="id desc", limit=1).id
            first = max(1, last + 10 - count)
            x_record = self.order_x if kind == "orders" else self.complaint_x
            self.assertTrue(first <= x_record.id < first + count)
            for record_id in range(first, first + count):
                path = f"/my/{kind}/{record_id}"
                response = self._get(path, **params)
                requests += 1
                if self._served(response, path):
                    served += 1
                    foreign += record_id not in own[kind]
                self.assertNothingOfX(response, path)
        _logger.info(
            "Portal enumeration: %s ids as customer Y in %.1f s: %s own pages"
            " served, %s foreign",
            requests,
            time.time() - started,
            served,
            foreign,
        )
        self.assertEqual(requests, ENUMERATED_IDS)
        self.assertEqual(foreign, 0)
        self.assertEqual(served, 3)  # Y's order (page and print), Y's complaint

    # ------------------------------------------------------------
    # POSTS WITH EXTRA FIELDS
    # ------------------------------------------------------------

    def _complaint_values(self, complaint):
        complaint.invalidate_recordset()
        return complaint.read(
            [
                "name",
                "partner_id",
                "user_id",
                "company_id",
                "sale_order_id",
                "source",
                "priority",
                "stage_id",
                "customer_confirmed",
                "date_deadline",
                "resolution",
            ]
        )[0]

    def test_new_complaint_post_ignores_extra_fields(self):
        self.authenticate("app_portal", "app_portal")
        response = self.url_open(
            "/my/complaints/new",
            data={
                "csrf_token": self._csrf(),
                "subject": "Hinge broken",
                "type_id": str(self.quality.id),
                "sale_order_id": str(self.order_x.id),
                "description": "Cabinet 2",
                **HOSTILE_FIELDS,
                "partner_id": str(self.customer_y.id),
                "user_id": str(self.salesperson_b.id),
                "company_id": str(self.other_company.id),
                "stage_id": str(
                    self.env.ref("appliance_crm.appliance_complaint_stage_done").id
                ),
            },
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.env["appliance.complaint"].search(
            [("subject", "=", "Hinge broken")]
        )
        self.assertEqual(len(complaint), 1)
        values = self._complaint_values(complaint)
        self.assertEqual(values["partner_id"][0], self.portal_user.partner_id.id)
        self.assertEqual(values["user_id"][0], self.salesperson_a.id)
        self.assertEqual(values["company_id"][0], self.order_x.company_id.id)
        self.assertEqual(values["sale_order_id"][0], self.order_x.id)
        self.assertEqual(values["source"], "portal")
        self.assertEqual(values["priority"], "0")
        self.assertFalse(values["customer_confirmed"])
        self.assertNotEqual(values["name"], "FORGED-1")
        self.assertFalse(values["resolution"])
        self.assertEqual(
            complaint.stage_id,
            self.env["appliance.complaint.stage"].search([], limit=1),
        )
        self.assertGreater(complaint.date_deadline.year, 2000)

    def test_new_complaint_cannot_name_another_customers_order(self):
        self.authenticate("h_rpc_portal_y", "h_rpc_portal_y")
        response = self.url_open(
            "/my/complaints/new",
            data={
                "csrf_token": self._csrf(),
                "subject": "Sneaky",
                "type_id": str(self.quality.id),
                "sale_order_id": str(self.order_x.id),
                "product_id": str(self.set_ggd.product_variant_id.id),
            },
        )
        self.assertIn("is-invalid", response.text)
        self.assertNothingOfX(response, "new complaint")
        self.assertFalse(
            self.env["appliance.complaint"].search([("subject", "=", "Sneaky")])
        )

    def test_confirm_post_ignores_extra_fields_and_foreign_confirmations(self):
        complaint = self.complaint_x
        before = self._complaint_values(complaint)
        path = f"/my/complaints/{complaint.id}/confirm"
        hostile = {
            **HOSTILE_FIELDS,
            "partner_id": str(self.customer_y.id),
            "user_id": str(self.salesperson_b.id),
            "company_id": str(self.other_company.id),
        }
        # the public with no, wrong or Y's token; Y logged in: nothing changes
        for token in (None, "wrong", self.complaint_y.access_token):
            data = {"csrf_token": self._csrf(), **hostile}
            if token is not None:
                data["access_token"] = token
            self.url_open(path, data=data, allow_redirects=False)
            self.assertEqual(self._complaint_values(complaint), before, token)
        self.authenticate("h_rpc_portal_y", "h_rpc_portal_y")
        self.url_open(path, data={"csrf_token": self._csrf(), **hostile})
        self.assertEqual(self._complaint_values(complaint), before)
        # X confirms: only the confirmation and the stage change
        self.authenticate("app_portal", "app_portal")
        self.url_open(path, data={"csrf_token": self._csrf(), **hostile})
        after = self._complaint_values(complaint)
        self.assertTrue(after.pop("customer_confirmed"))
        self.assertEqual(complaint.state, "done")
        for field in ("stage_id", "customer_confirmed"):
            before.pop(field, None)
            after.pop(field, None)
        self.assertEqual(after, before)

    def _order_values(self, order):
        order.invalidate_recordset()
        return (
            order.partner_id,
            order.user_id,
            order.company_id,
            order.amount_total,
            order.order_line.mapped("price_unit"),
            order.validation_status,
            order.signed_by,
        )

    def test_order_accept_and_decline_posts_ignore_extra_fields(self):
        quote, order = self.quote_x, self.order_x
        before_quote, before_order = (
            self._order_values(quote),
            self._order_values(order),
        )
        hostile = {
            **HOSTILE_FIELDS,
            "partner_id": self.customer_y.id,
            "user_id": self.salesperson_b.id,
            "company_id": self.other_company.id,
        }
        # Y (logged in) and the public with Y's token: refused
        for login in (None, "h_rpc_portal_y"):
            if login:
                self.authenticate(login, login)
            for target in (quote, order):
                result = self.make_jsonrpc_request(
                    f"/my/orders/{target.id}/accept",
                    {
                        "access_token": self.order_y.access_token,
                        "name": "Forger",
                        "signature": "iVBORw0KGgo=",
                    },
                )
                self.assertIn("error", result)
                response = self.url_open(
                    f"/my/orders/{target.id}/decline",
                    data={
                        "csrf_token": self._csrf(),
                        "access_token": self.order_y.access_token,
                        "decline_message": "cancel it",
                        **{k: str(v) for k, v in hostile.items()},
                    },
                    allow_redirects=False,
                )
                self.assertNotIn(target.name, response.headers.get("Location", ""))
        self.assertEqual(quote.state, "sent")
        self.assertEqual(order.state, "sale")
        self.assertEqual(self._order_values(quote), before_quote)
        self.assertEqual(self._order_values(order), before_order)
        # X declines its quotation with extra fields: cancelled, nothing else moves
        self.authenticate("app_portal", "app_portal")
        self.url_open(
            f"/my/orders/{quote.id}/decline",
            data={
                "csrf_token": self._csrf(),
                "decline_message": "Too expensive",
                **{k: str(v) for k, v in hostile.items()},
            },
        )
        self.assertEqual(quote.state, "cancel")
        self.assertEqual(self._order_values(quote), before_quote)

    # ------------------------------------------------------------
    # SPREADSHEET EXPORTS (appliance_reports/controllers/export.py)
    # ------------------------------------------------------------

    def _export(self, model, domain, fields=("name",)):
        payload = {
            "model": model,
            "fields": [{"name": f, "label": f, "type": "char"} for f in fields],
            "ids": False,
            "domain": domain,
            "groupby": [],
            "context": {},
            "import_compat": False,
        }
        return self.url_open(
            "/web/export/xlsx",
            data={"data": json.dumps(payload), "csrf_token": self._csrf()},
            allow_redirects=False,
        )

    def _xlsx_text(self, response):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return " ".join(
            str(cell.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        )

    def test_exports_serve_nothing_foreign(self):
        # 1,000 enumerated ids, and the fixture's own records wherever the
        # database's sequences stand
        fixture = (self.order_x | self.quote_x | self.order_y).ids + (
            self.complaint_x | self.complaint_y
        ).ids
        ids = sorted(set(range(1, ENUMERATED_IDS + 1)) | set(fixture))
        # the public: the export routes need a login
        for route in ("/web/export/xlsx", "/web/pivot/export_xlsx"):
            response = self.url_open(
                route,
                data={
                    "data": json.dumps({"model": "sale.order"}),
                    "csrf_token": self._csrf(),
                },
                allow_redirects=False,
            )
            self.assertNotEqual(response.status_code, 200, route)
            self.assertNothingOfX(response, route)
        # customer Y: portal users may not export at all
        self.authenticate("h_rpc_portal_y", "h_rpc_portal_y")
        with mute_logger("odoo.addons.web.controllers.export"):
            response = self._export("sale.order", [("id", "in", ids)])
        self.assertNotEqual(response.content[:2], b"PK")
        self.assertNothingOfX(response, "portal export")
        # salesperson B (may export) asks for 1,000 ids of orders and complaints:
        # B's own only, nothing of salesperson A's customer X
        self.salesperson_b.group_ids = [
            Command.link(self.env.ref("base.group_allow_export").id)
        ]
        self.authenticate("app_sales_b", "app_sales_b")
        for model, fields, mine in (
            ("sale.order", ("name", "client_order_ref"), "Y-OWN-PO"),
            ("appliance.complaint", ("name", "subject"), "Y-OWN-COMPLAINT"),
        ):
            with self.subTest(model=model):
                response = self._export(model, [("id", "in", ids)], fields)
                self.assertEqual(response.content[:2], b"PK")
                text = self._xlsx_text(response)
                self.assertIn(mine, text)
                for secret in self.x_secrets:
                    self.assertNotIn(secret, text)
