from odoo.tests import new_test_user, tagged

from .common import StockMonitorCase


@tagged("post_install", "-at_install")
class TestStockDigest(StockMonitorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only this test's reorder rules: demo data has products below minimum
        cls.env["stock.warehouse.orderpoint"].search([]).action_archive()
        cls.responsible = new_test_user(
            cls.env, "app_resp", groups="stock.group_stock_manager", name="Resp"
        )
        cls.buyer_zh = new_test_user(
            cls.env,
            "app_buyer_zh",
            groups="purchase.group_purchase_user",
            name="采购员",
        )
        cls.env.ref("base.lang_zh_CN").active = True
        cls.buyer_zh.lang = "zh_CN"
        (cls.purchaser | cls.responsible).lang = "en_US"

    def _digests(self):
        return self.Monitor._send_safety_digest()

    def test_nothing_short_nothing_sent(self):
        self._orderpoint(self.breaker, safety_stock_qty=5)
        self._add_stock(self.breaker, 5)
        self.assertFalse(self._digests())
        # products without a safety stock are not "below" it, even out of stock
        self.assertEqual(self._row(self.meter).status, "out")
        self.assertFalse(self._digests())

    def test_purchasing_gets_one_digest_of_the_products_below_safety_stock(self):
        self._orderpoint(self.breaker, safety_stock_qty=10)
        self._orderpoint(self.meter, safety_stock_qty=3)
        self._orderpoint(self.set_ggd.product_variant_id, safety_stock_qty=1)
        self._add_stock(self.breaker, 4)
        self._add_stock(self.set_ggd.product_variant_id, 2)
        self._purchase(self.breaker, 20, days=6)
        self.breaker.with_company(self.env.company).responsible_id = self.responsible

        mails = self._digests()
        by_lang = {mail.recipient_ids[:1].lang: mail for mail in mails}
        self.assertEqual(set(by_lang), {"en_US", "zh_CN"})
        english = by_lang["en_US"]
        self.assertEqual(english.state, "outgoing")  # queued, not sent
        recipients = mails.recipient_ids
        self.assertIn(self.purchaser.partner_id, recipients)
        self.assertIn(self.buyer_zh.partner_id, by_lang["zh_CN"].recipient_ids)
        self.assertIn(self.responsible.partner_id, english.recipient_ids)
        self.assertNotIn(self.salesperson_a.partner_id, recipients)
        self.assertNotIn(self.warehouse_user.partner_id, recipients)
        self.assertNotIn(self.portal_user.partner_id, recipients)
        self.assertIn("2 products below safety stock", english.subject)
        body = str(english.body_html)
        self.assertIn(self.breaker.display_name, body)
        self.assertIn(self.meter.display_name, body)
        self.assertNotIn(self.set_ggd.name, body)
        self.assertIn(self.warehouse.name, body)
        self.assertIn("Low</span>", body)  # receipt within the lead time
        self.assertIn("Out of Stock</span>", body)

    def test_digest_is_a_daily_scheduled_job(self):
        cron = self.env.ref("appliance_stock.ir_cron_send_safety_digest")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertEqual(cron.code.strip(), "model._cron_send_safety_digest()")
        self._orderpoint(self.meter, safety_stock_qty=3)
        before = self.env["mail.mail"].search_count([])
        self.Monitor._cron_send_safety_digest()
        self.assertGreater(self.env["mail.mail"].search_count([]), before)
