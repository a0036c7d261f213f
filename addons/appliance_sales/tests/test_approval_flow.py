import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_approval import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalFlow(ApprovalCase):
    """Submit → the approvers are told → approve (the order confirms) or reject
    with a reason (the order returns to draft and the salesperson is told)."""

    def _bus_messages(self, users):
        self.env.cr.precommit.run()  # creates the bus.bus records
        channels = {
            (self.env.cr.dbname, "res.partner", partner.id)
            for partner in users.partner_id
        }
        Bus = self.env["bus.bus"].sudo()  # sudo: bus records are system data
        notifications = Bus.search([], order="id desc", limit=50)
        return [
            json.loads(n.message)
            for n in notifications
            if tuple(json.loads(n.channel)) in channels
            and json.loads(n.message)["type"] == "simple_notification"
        ]

    def test_submitting_tells_every_approver_but_the_requester(self):
        second = self._user_in_approver_group("app_approver_2")
        order = self._big_quotation()
        # the salesperson presses "Submit for Approval"
        action = order.with_user(self.salesperson_a).action_appliance_submit()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(order.validation_status, "pending")
        reviewers = order.review_ids.reviewer_ids
        self.assertIn(self.approver, reviewers)
        self.assertIn(second, reviewers)
        self.assertNotIn(self.salesperson_a, reviewers)
        # an activity each
        activities = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("appliance_sales.mail_activity_type_order_approval")
            )
        )
        self.assertEqual(activities.user_id, reviewers)
        # an e-mail through the queue
        mails = self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        # one per language of the reviewers, from the approval request template
        request = mails.filtered(
            lambda m: m.recipient_ids & reviewers.partner_id and order.name in m.subject
        )
        self.assertTrue(request)
        self.assertEqual(request.recipient_ids, reviewers.partner_id)
        self.assertEqual(set(request.mapped("state")), {"outgoing"})
        # a web notification
        messages = self._bus_messages(self.approver)
        self.assertTrue(
            any(order.name in m["payload"]["message"] for m in messages), messages
        )
        # the approver finds it in "To Approve by Me"
        to_approve = (
            self.env["sale.order"]
            .with_user(self.approver)
            .search([("can_review", "=", True)])
        )
        self.assertIn(order, to_approve)
        self.assertNotIn(
            order,
            self.env["sale.order"]
            .with_user(self.salesperson_a)
            .search([("can_review", "=", True)]),
        )

    def test_approval_confirms_the_order(self):
        order = self._big_quotation()
        self._submit(order)
        action = order.with_user(self.approver).validate_tier()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.review_ids.done_by, self.approver)
        approval = self.env.ref("appliance_sales.mail_activity_type_order_approval")
        self.assertFalse(
            order.activity_ids.filtered(lambda a: a.activity_type_id == approval)
        )

    def test_sales_manager_cannot_approve_his_own_order(self):
        order = self._big_quotation(user=self.sales_manager)
        self._submit(order)
        self.assertNotIn(self.sales_manager, order.review_ids.reviewer_ids)
        with self.assertRaises(AccessError):
            order.with_user(self.sales_manager).validate_tier()
        order.with_user(self.approver).validate_tier()
        self.assertEqual(order.state, "sale")

    def test_rejection_needs_a_reason_and_returns_the_order_to_draft(self):
        order = self._big_quotation()
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")
        self._submit(order)
        action = order.with_user(self.approver).reject_tier()
        self.assertEqual(action["res_model"], "appliance.order.reject")
        wizard = Form(
            self.env["appliance.order.reject"]
            .with_user(self.approver)
            .with_context(**action["context"])
        )
        with self.assertRaises(AssertionError):  # the reason is required
            wizard.save()
        with self.assertRaisesRegex(UserError, "give the reason"):
            order.with_user(self.approver)._appliance_reject("   ")
        wizard.reason = "Discount too deep for a contractor: at most 8 %."
        wizard.save().action_reject()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.review_ids)
        self.assertEqual(order.validation_status, "no")
        note = order.message_ids.filtered(lambda m: "at most 8 %" in (m.body or ""))
        self.assertTrue(note, "the reason is in the chatter")
        self.assertIn(self.salesperson_a.partner_id, note.partner_ids)
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesperson_a)
        self.assertIn("at most 8 %", todo.note)
        # changed and submitted again, it goes back to the approver
        order.with_user(self.salesperson_a).order_line.discount = 5
        self._submit(order)
        self.assertEqual(order.validation_status, "pending")

    def test_only_a_reviewer_rejects(self):
        order = self._big_quotation()
        self._submit(order)
        for user in (self.salesperson_a, self.salesperson_b, self.warehouse_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).reject_tier()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user)._appliance_reject("no")
        self.assertEqual(order.validation_status, "pending")

    def test_withdrawn_request_can_be_changed_and_resubmitted(self):
        order = self._big_quotation()
        self._submit(order)
        order.with_user(self.salesperson_a).restart_validation()
        self.assertFalse(order.review_ids)
        self.assertFalse(
            order.activity_ids.filtered(lambda a: a.user_id == self.approver)
        )
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson_b).restart_validation()

    def test_approval_that_cannot_confirm_keeps_the_approval_and_says_why(self):
        order = self._big_quotation()
        self._submit(order)
        good_phone = self.customer.phone
        self.customer.phone = "12345"
        action = order.with_user(self.approver).validate_tier()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("12345", action["params"]["message"])
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.validation_status, "validated")
        self.customer.phone = good_phone
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_waiting_order_cannot_be_confirmed(self):
        order = self._big_quotation()
        self._submit(order)
        with self.assertRaisesRegex(UserError, "waiting for approval"):
            order.with_user(self.salesperson_a).action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.sales_manager).action_confirm()
        with self.assertRaises(UserError):
            order.sudo().action_confirm()  # sudo: as the portal does
        self.assertEqual(order.state, "draft")

    def test_portal_user_sees_no_reviews(self):
        order = self._big_quotation()
        self._submit(order)
        with self.assertRaises(AccessError):
            order.review_ids.with_user(self.portal_user).read(["status"])
