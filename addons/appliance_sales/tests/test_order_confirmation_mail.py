import time
from contextlib import suppress
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common_approval import ApprovalCase


class AttemptFailed(Exception):
    """Stands for whatever makes Odoo roll a request back and retry it."""


@tagged("post_install", "-at_install")
class TestOrderConfirmationMail(ApprovalCase):
    """On confirmation the customer gets one e-mail, in his language, with the
    order number, expected delivery date, total, portal link and the PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("appliance_sales.mail_template_order_confirmed")
        # the shipped zh_CN translation lives in i18n/zh_CN.po; the test pins one
        cls.template.update_field_translations(
            "subject",
            {"zh_CN": "{{ object.company_id.name }}：订单 {{ object.name }} 已确认"},
        )
        cls.english_customer = cls.customer.copy(
            {
                "name": "Zhongtian International",
                "lang": "en_US",
                "email": "intl@zhongtian.example.com",
            }
        )

    def _customer_mails(self, order):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "in", order.ids),
                ("recipient_ids", "in", order.partner_id.ids),
            ]
        )

    def test_approved_order_mails_the_customer_once_in_chinese(self):
        order = self._big_quotation()
        self._submit(order)
        order.with_user(self.approver).validate_tier()
        self.assertEqual(order.state, "sale")
        mail = self._customer_mails(order)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "sent by the mail queue")
        self.assertIn("已确认", mail.subject)
        self.assertIn(order.name, mail.subject)
        self.assertTrue(order.appliance_expected_delivery_date)
        self.assertIn(order.name, mail.body_html)
        self.assertIn("130,000.00", mail.body_html)
        expected = format_date(
            self.env(context={"lang": "zh_CN"}), order.appliance_expected_delivery_date
        )
        self.assertIn(expected, mail.body_html)
        self.assertIn(f"access_token={order.access_token}", mail.body_html)
        # the order's PDF (tests render reports as HTML, so only the name says it)
        self.assertEqual(self.template.report_template_ids.report_type, "qweb-pdf")
        self.assertTrue(mail.attachment_ids.filtered(lambda a: order.name in a.name))
        self.assertTrue(order.appliance_confirmation_sent)

    def _run_pending_emails_cron(self):
        # the cron commits after each order: a test cursor may not
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: float("inf")
        ):
            self.env["sale.order"]._cron_send_pending_emails()

    def test_async_emails_leave_the_mail_and_pdf_to_the_cron_once(self):
        ICP = self.env["ir.config_parameter"].sudo()  # sudo: a system setting
        ICP.set_param("sale.async_emails", "True")
        order = self._big_quotation(qty=1, partner=self.english_customer)
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._customer_mails(order), "nothing rendered on confirm")
        self.assertEqual(order.pending_email_template_id, self.template)
        self._run_pending_emails_cron()
        mail = self._customer_mails(order)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.author_id, order.user_id.partner_id)
        self.assertIn("Expected delivery date", mail.body_html)
        self.assertFalse(order.pending_email_template_id)
        self._run_pending_emails_cron()
        order._send_order_confirmation_mail()
        self.assertEqual(len(self._customer_mails(order)), 1, "sent once")

    def test_pending_emails_cron_sends_nothing_once_its_time_is_up(self):
        # the cron runner calls the job again and again until its time is up,
        # then at least ten times: each late call must not start an e-mail
        ICP = self.env["ir.config_parameter"].sudo()  # sudo: a system setting
        ICP.set_param("sale.async_emails", "True")
        orders = self._big_quotation(
            qty=1, partner=self.english_customer
        ) | self._big_quotation(qty=1, partner=self.english_customer)
        orders.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(orders.pending_email_template_id, self.template)
        reported = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            reported.append((processed, remaining))
            return float("inf")

        SaleOrder = self.env["sale.order"]
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", commit_progress
        ):
            SaleOrder.with_context(
                cron_end_time=time.monotonic() - 1
            )._cron_send_pending_emails()
            self.assertEqual(reported, [(0, 2)], "two left, none sent")
            self.assertFalse(self._customer_mails(orders))
            self.assertEqual(orders.pending_email_template_id, self.template)
            # with time left, Odoo's loop sends them
            SaleOrder.with_context(
                cron_end_time=time.monotonic() + 60
            )._cron_send_pending_emails()
        self.assertEqual(len(self._customer_mails(orders)), 2)
        self.assertFalse(orders.pending_email_template_id)

    def test_english_customer_gets_english(self):
        order = self._big_quotation(qty=1, partner=self.english_customer)
        order.with_user(self.salesperson_a).action_confirm()
        mail = self._customer_mails(order)
        self.assertEqual(len(mail), 1)
        self.assertIn("confirmed", mail.subject)
        self.assertNotIn("已确认", mail.subject)
        self.assertIn("Expected delivery date", mail.body_html)

    def test_expected_delivery_date_follows_stock_and_lead_times(self):
        product = self.set_ggd.product_variant_id
        receipt = self._incoming(product, 10, days=15)
        order = self._big_quotation(qty=2, partner=self.english_customer)
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(
            order.appliance_expected_delivery_date,
            fields.Date.context_today(order, receipt.scheduled_date),
        )
        in_stock = self._big_quotation(qty=1, partner=self.english_customer)
        self._stock(self.breaker, 10)
        in_stock.order_line.product_id = self.breaker
        in_stock.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(
            in_stock.appliance_expected_delivery_date,
            fields.Date.context_today(in_stock, in_stock.date_order),
        )

    def test_repeated_confirmation_sends_nothing_more(self):
        order = self._big_quotation(qty=1)
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(len(self._customer_mails(order)), 1)
        order._action_cancel()
        order.action_draft()
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(order.state, "sale")
        # Odoo's own confirmation mail (portal acceptance, payment) is not added
        order._send_order_confirmation_mail()
        self.assertEqual(len(self._customer_mails(order)), 1)

    def test_portal_acceptance_sends_one_mail(self):
        order = self._big_quotation(qty=1)
        order.sudo()._validate_order()  # sudo: as the portal signature does
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self._customer_mails(order)), 1)

    def test_retried_confirmation_mails_once(self):
        order = self._big_quotation(qty=1)
        with suppress(AttemptFailed), self.env.cr.savepoint():
            order.with_user(self.salesperson_a).action_confirm()
            self.assertEqual(len(self._customer_mails(order)), 1)
            raise AttemptFailed
        self.assertEqual(order.state, "draft")
        self.assertFalse(self._customer_mails(order), "rolled back with the attempt")
        order.with_user(self.salesperson_a).action_confirm()
        self.assertEqual(len(self._customer_mails(order)), 1)

    def test_customer_without_email_gets_a_note_instead(self):
        self.customer.email = False
        order = self._big_quotation(qty=1)
        order.with_user(self.salesperson_a).action_confirm()
        self.assertFalse(self._customer_mails(order))
        self.assertIn("no e-mail address", order.message_ids[0].body)
