import json
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common_approval import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalCannotBeForged(ApprovalCase):
    """Only the designated reviewer decides; nobody else can make an order look
    approved, whichever door they use."""

    def assertStillUnapproved(self, order):
        order.invalidate_recordset()
        self.assertNotEqual(order.validation_status, "validated")
        with self.assertRaises(UserError):
            order.with_user(self.salesperson_a).action_confirm()
        self.assertIn(order.state, ("draft", "sent"))

    def test_salesperson_cannot_write_his_review_approved(self):
        order = self._big_quotation()
        review = self._submit(order)
        with self.assertRaises(AccessError):
            review.with_user(self.salesperson_a).write(
                {"status": "approved", "done_by": self.salesperson_a.id}
            )
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson_a).write(
                {"review_ids": [Command.update(review.id, {"status": "approved"})]}
            )
        self.assertEqual(review.status, "pending")
        self.assertStillUnapproved(order)

    def test_salesperson_cannot_create_an_approved_review(self):
        order = self._big_quotation()
        vals = {
            "model": "sale.order",
            "res_id": order.id,
            "definition_id": self.big_order_rule.id,
            "status": "approved",
            "sequence": 1,
        }
        with self.assertRaises(AccessError):
            self.env["tier.review"].with_user(self.salesperson_a).create(vals)
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson_a).write(
                {"review_ids": [Command.create(vals)]}
            )
        self.assertFalse(order.review_ids)

    def test_salesperson_cannot_mark_the_order_validated(self):
        order = self._big_quotation()
        self._submit(order)
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson_a).write(
                {"validation_status": "validated"}
            )
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson_a).with_context(
                skip_validation_check=True
            ).write({"validation_status": "validated"})
        self.assertStillUnapproved(order)

    def test_salesperson_cannot_delete_the_reviews(self):
        order = self._big_quotation()
        review = self._submit(order)
        with self.assertRaises(AccessError):
            review.with_user(self.salesperson_a).unlink()
        self.assertTrue(review.exists())

    def test_only_the_designated_reviewer_decides(self):
        self.big_order_rule.write(
            {
                "review_type": "individual",
                "reviewer_id": self.sales_manager.id,
                "reviewer_group_id": False,
            }
        )
        order = self._big_quotation()
        review = self._submit(order)
        for intruder in (self.salesperson_a, self.salesperson_b, self.approver):
            with self.subTest(user=intruder.login), self.assertRaises(AccessError):
                order.with_user(intruder).validate_tier()
        self.assertEqual(review.status, "pending")
        order.with_user(self.sales_manager).validate_tier()
        self.assertEqual(review.status, "approved")
        self.assertEqual(review.done_by, self.sales_manager)

    def test_comment_wizard_decides_for_the_reviewer(self):
        self.big_order_rule.has_comment = True
        order = self._big_quotation()
        self._submit(order)
        action = order.with_user(self.approver).validate_tier()
        self.assertEqual(action["res_model"], "comment.wizard")
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.approver)
            .with_context(**action["context"])
            .create({"comment": "Good customer, approved."})
        )
        wizard.add_comment()
        self.assertEqual(order.review_ids.comment, "Good customer, approved.")
        self.assertEqual(order.state, "sale")

    def test_comment_wizard_cannot_decide_for_someone_else(self):
        order = self._big_quotation()
        review = self._submit(order)
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.salesperson_a)
            .create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "review_ids": [Command.set(review.ids)],
                    "validate_reject": "validate",
                    "comment": "looks fine to me",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.add_comment()
        self.assertEqual(review.status, "pending")
        self.assertFalse(review.comment)


@tagged("post_install", "-at_install")
class TestApprovalForgeryOverRpc(ApprovalCase, HttpCase):
    """The same doors over JSON-RPC (/jsonrpc) and JSON-2 (/json/2), as a
    salesperson with his own credentials."""

    def _jsonrpc(self, user, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    user.id,
                    user.login,  # new_test_user: password = login
                    model,
                    method,
                    args,
                    kwargs or {},
                ],
            },
        }
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def _json2(self, user, model, method, payload):
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            ._generate(
                scope="rpc",
                name="approval forgery test",
                expiration_date=datetime.now() + timedelta(days=1),
            )
        )
        return self.url_open(
            f"/json/2/{model}/{method}",
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key}",
            },
        )

    def test_jsonrpc_write_of_review_status_is_refused(self):
        order = self._big_quotation()
        review = self._submit(order)
        result = self._jsonrpc(
            self.salesperson_a,
            "tier.review",
            "write",
            [review.ids, {"status": "approved"}],
            {"context": {"skip_validation_check": True}},
        )
        self.assertIn("error", result)
        self.assertIn("AccessError", result["error"]["data"]["name"])
        result = self._jsonrpc(
            self.salesperson_a,
            "sale.order",
            "write",
            [order.ids, {"validation_status": "validated"}],
            {"context": {"skip_validation_check": True}},
        )
        self.assertIn("error", result)
        result = self._jsonrpc(
            self.salesperson_a, "sale.order", "validate_tier", [order.ids]
        )
        self.assertIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(review.status, "pending")
        self.assertNotEqual(order.validation_status, "validated")
        result = self._jsonrpc(
            self.salesperson_a, "sale.order", "action_confirm", [order.ids]
        )
        self.assertIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "draft")

    def test_json2_create_of_approved_review_is_refused(self):
        order = self._big_quotation()
        response = self._json2(
            self.salesperson_a,
            "tier.review",
            "create",
            {
                "vals_list": [
                    {
                        "model": "sale.order",
                        "res_id": order.id,
                        "definition_id": self.big_order_rule.id,
                        "status": "approved",
                        "sequence": 1,
                    }
                ],
                "context": {"skip_validation_check": True},
            },
        )
        self.assertEqual(response.status_code, 403, response.text)
        self.env.invalidate_all()
        self.assertFalse(order.review_ids)
