from datetime import date, datetime, time

import pytz

from odoo import fields
from odoo.tools import SQL

from odoo.addons.appliance_sales.tests.common import ApplianceCase


class ReportsCase(ApplianceCase):
    """ApplianceCase plus small, hand-countable order histories.

    Orders are created and confirmed through the ORM (as their salesperson),
    then dated in a past year of their own (``YEAR``) so that the demo data of
    the test database never falls into the windows the tests read.
    """

    YEAR = 2015

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "Asia/Shanghai"
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.finance_user.tz = cls.salesperson_a.tz = "Asia/Shanghai"
        cls.set_product = cls.set_ggd.product_variant_id
        cls.categ_sets = cls.env["product.category"].create({"name": "Test sets"})
        cls.categ_parts = cls.env["product.category"].create({"name": "Test parts"})
        cls.set_ggd.categ_id = cls.categ_sets
        (cls.breaker | cls.meter).categ_id = cls.categ_parts
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        for product in cls.breaker | cls.meter | cls.set_product:
            cls.env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 10000
            )
        cls.customer_b = cls.customer.copy(
            {
                "name": "浙江华东配电设备有限公司",
                "appliance_customer_code": "T-ZJ-002",
                "user_id": cls.salesperson_b.id,
                "city": "杭州",
                "state_id": cls.env.ref("base.state_cn_ZJ").id,
            }
        )

    @classmethod
    def _at(cls, day, hour=10):
        """A local (Asia/Shanghai) day and hour as the naive UTC datetime Odoo stores."""
        if isinstance(day, str):
            day = date.fromisoformat(day)
        local = pytz.timezone("Asia/Shanghai").localize(
            datetime.combine(day, time(hour))
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @classmethod
    def _order(cls, user, lines, day=None, partner=None, confirm=True):
        """An order of ``user`` with ``lines`` = [(product, qty, unit price)],
        confirmed (default) and dated ``day`` (local)."""
        order = (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "user_id": user.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
            assert order.state == "sale", (
                f"{order.name} was not confirmed: {order.state}"
            )
        if day:
            order.sudo().write(  # sudo: test fixture dating
                {"date_order": cls._at(day)}
            )
        return order.sudo()  # sudo: tests read the fixture as superuser

    @classmethod
    def _created_on(cls, records, day):
        """Backdate the creation of ``records`` (the quotation date of the
        conversion analysis); ``create_date`` is not writable through the ORM."""
        records.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET create_date = %s WHERE id IN %s",
                SQL.identifier(records._table),
                cls._at(day),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset(["create_date"])

    @classmethod
    def _year_domain(cls, field="date"):
        return [
            (field, ">=", fields.Datetime.to_string(cls._at(f"{cls.YEAR}-01-01", 0))),
            (
                field,
                "<",
                fields.Datetime.to_string(cls._at(f"{cls.YEAR + 1}-01-01", 0)),
            ),
        ]
