import base64
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.appliance_sales.tests.test_order_import import OrderImportCase

from .common import ApplianceCrmCase


@tagged("post_install", "-at_install")
class TestChannelsAnd360(ApplianceCrmCase):
    """Sales channels on orders, and the customer 360 figures."""

    def test_order_gets_direct_channel_by_default(self):
        direct = self.env.ref("appliance_crm.appliance_sales_channel_direct")
        order = self._quotation(self.salesperson_a)
        self.assertEqual(order.appliance_channel_id, direct)

    def test_order_gets_customer_usual_channel(self):
        shop = self.env.ref("appliance_crm.appliance_sales_channel_online_shop")
        self.customer.appliance_channel_id = shop
        contact = self.env["res.partner"].create(
            {"name": "Site manager", "parent_id": self.customer.id}
        )
        with Form(self.env["sale.order"].with_user(self.salesperson_a)) as form:
            form.partner_id = contact
            self.assertEqual(form.appliance_channel_id, shop)
        # the salesperson may still pick another channel
        phone = self.env.ref("appliance_crm.appliance_sales_channel_phone")
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "appliance_channel_id": phone.id}
        )
        self.assertEqual(order.appliance_channel_id, phone)

    def test_channel_code_unique_per_company(self):
        Channel = self.env["appliance.sales.channel"]
        other = self.env["res.company"].create({"name": "Other Co"})
        Channel.create(
            {"name": "Shop B", "code": "online_shop", "company_id": other.id}
        )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            Channel.create({"name": "Shop", "code": "online_shop"})
        self.assertEqual(
            Channel.with_company(other)
            ._appliance_find("online_shop", other)
            .company_id,
            other,
        )

    def test_only_managers_edit_channels(self):
        Channel = self.env["appliance.sales.channel"]
        self.assertTrue(Channel.with_user(self.salesperson_a).search([]))
        with self.assertRaises(AccessError):
            Channel.with_user(self.salesperson_a).create({"name": "X", "code": "x"})
        Channel.with_user(self.sales_manager).create(
            {"name": "WeChat", "code": "wechat"}
        )

    def test_figures_of_the_customer_and_its_contacts(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id}
        )
        self._history(self.customer, [(100, 10000), (60, 30000)])
        self._history(contact, [(20, 20000)])
        self._history(self.customer, [(5, 99999)], state="cancel")
        self.env["appliance.complaint"].create(
            {"subject": "x", "partner_id": contact.id}
        )
        for partner in (self.customer, contact):
            partner.invalidate_recordset()
            self.assertEqual(partner.appliance_360_order_count, 3)
            self.assertEqual(partner.appliance_360_total_spend, 60000)
            self.assertEqual(partner.appliance_360_avg_order, 20000)
            self.assertEqual(partner.appliance_360_interval_days, 40)
            self.assertEqual(partner.appliance_open_complaint_count, 1)
        html = self.customer.appliance_360_html
        self.assertIn("Commissioning service", html)
        self.assertIn("Direct Sales", html)

    def test_salesperson_opens_the_customer_form_with_its_360(self):
        self._history(self.customer, [(10, 5000)])
        form = Form(self.customer.with_user(self.salesperson_a))
        self.assertEqual(form.appliance_360_order_count, 1)
        self.assertEqual(form.appliance_360_total_spend, 5000)
        # the warehouse sees the contact, not the sales figures
        form = Form(self.customer.with_user(self.warehouse_user))
        self.assertNotIn("appliance_360_total_spend", form._view["fields"])

    def test_payment_behaviour_in_the_360(self):
        def invoice(amount, invoice_days, due_days):
            move = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": self.today - timedelta(days=invoice_days),
                    "invoice_date_due": self.today - timedelta(days=due_days),
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {"name": "Cabinet", "price_unit": amount, "tax_ids": False},
                        )
                    ],
                }
            )
            move.action_post()
            return move

        paid = invoice(1000, 30, 20)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create(
            {"payment_date": self.today - timedelta(days=10)}
        ).action_create_payments()
        invoice(500, 30, 5)  # unpaid, due 5 days ago
        invoice(700, 1, -30)  # unpaid, not due yet
        self.assertEqual(self.customer.appliance_avg_days_to_pay, 20)
        self.assertEqual(self.customer.appliance_overdue_amount, 500)
        self.assertIn("Payment methods", self.customer.appliance_360_html)

    def test_360_is_computed_in_constant_queries(self):
        customers = [self._customer(f"C{n}") for n in range(10)]
        for customer in customers:
            self._history(customer, [(10, 1000), (20, 2000)])
        fields = [
            "appliance_360_order_count", "appliance_360_total_spend",
            "appliance_avg_days_to_pay", "appliance_open_complaint_count",
            "appliance_installed_set_count", "appliance_duplicate_count",
            "appliance_360_html",
        ]  # fmt: skip
        Partner = self.env["res.partner"].with_user(self.salesperson_a)
        one = Partner.browse(customers[0].id)
        many = Partner.browse([c.id for c in customers])
        self.env.invalidate_all()
        one.read(fields)  # warm-up (access rules, metadata)
        self.env.invalidate_all()
        with self.assertQueryCount(15):
            one.read(fields)
        self.env.invalidate_all()
        with self.assertQueryCount(15):
            many.read(fields)


@tagged("post_install", "-at_install")
class TestChannelOrderImport(OrderImportCase):
    def test_imported_orders_carry_the_channel(self):
        content = base64.b64encode(self.xlsx([self.row(ref="SHOP-1")])).decode()
        result = self.Import.import_orders(
            content, "orders.xlsx", channel_code="online_shop"
        )
        self.assertFalse(result["errors"])
        order = self.env["sale.order"].browse(result["orders"][0]["id"])
        self.assertEqual(order.appliance_channel_id.code, "online_shop")
        with self.assertRaises(UserError):
            self.Import.import_orders(content, "orders.xlsx", channel_code="nope")
