from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

from odoo.addons.appliance_sales.tests.common import ApplianceCase


class ApplianceCrmCase(ApplianceCase):
    """ApplianceCase plus a plain product and helpers for order history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["product.product"].create(
            {"name": "Commissioning service", "type": "service", "taxes_id": False}
        )
        cls.company = cls.env.company
        # a name of our own: the demo data has a customer of the fixture's name
        cls.customer.name = "苏测中天电气安装工程有限公司"
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    @classmethod
    def _customer(cls, name, user=None, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": (user or cls.salesperson_a).id,
                **vals,
            }
        )

    @classmethod
    def _history(cls, partner, orders, state="sale", product=None):
        """Confirmed past orders of ``partner``: ``orders`` = [(days_ago, amount)].
        Dates and states are written directly: classification only reads them."""
        created = cls.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": (product or cls.service).id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_ids": False,
                            },
                        )
                    ],
                }
                for _days, amount in orders
            ]
        )
        created.write({"state": state})
        created.flush_recordset()
        # one UPDATE for every date (test setup: classification only reads them)
        cls.env.cr.execute(
            SQL(
                "UPDATE sale_order SET date_order = v.d FROM (SELECT UNNEST(%s) AS id,"
                " UNNEST(%s::timestamp[]) AS d) v WHERE sale_order.id = v.id",
                created.ids,
                [
                    fields.Datetime.to_datetime(cls.today - timedelta(days=days))
                    for days, _amount in orders
                ],
            )
        )
        created.invalidate_recordset(["date_order"])
        return created

    def _only_these_customers(self):
        """Make the test's partners the whole classification population: the
        demo data's orders and customers would otherwise shift percentiles."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE sale_order SET state = 'cancel' WHERE state = 'sale'")
        )
        self.env.cr.execute(SQL("UPDATE res_partner SET customer_rank = 0"))
        self.env.cr.execute(SQL("DELETE FROM appliance_customer_band"))
        self.env.invalidate_all()

    def _set_params(self, **params):
        icp = self.env["ir.config_parameter"].sudo()  # sudo: test setup of settings
        for key, value in params.items():
            icp.set_param(f"appliance_crm.{key}", value)
