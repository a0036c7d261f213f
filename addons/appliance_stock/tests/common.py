from datetime import timedelta

from odoo import fields

from odoo.addons.appliance_sales.tests.common import ApplianceCase


class StockMonitorCase(ApplianceCase):
    """ApplianceCase plus the company's warehouse and helpers to move stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.rack = cls.env["stock.location"].create(
            {"name": "Rack T", "location_id": cls.stock_location.id}
        )
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.vendor = cls.env["res.partner"].create({"name": "Breaker Works"})
        cls.Monitor = cls.env["appliance.stock.monitor"]

    @classmethod
    def _add_stock(cls, product, qty, location=None):
        cls.env["stock.quant"]._update_available_quantity(
            product, location or cls.stock_location, qty
        )

    @classmethod
    def _orderpoint(cls, product, **vals):
        return cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": product.id,
                "warehouse_id": cls.warehouse.id,
                "location_id": cls.stock_location.id,
                "product_min_qty": 0,
                "product_max_qty": 0,
                **vals,
            }
        )

    @classmethod
    def _purchase(cls, product, qty, days):
        """A confirmed purchase of ``qty`` arriving in ``days`` days."""
        date_planned = fields.Datetime.now().replace(microsecond=0) + timedelta(
            days=days
        )
        order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.vendor.id,
                "picking_type_id": cls.warehouse.in_type_id.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_qty": qty,
                            "price_unit": 100,
                            "date_planned": date_planned,
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        return order, date_planned

    def _row(self, product, warehouse=None, user=None):
        # the view's rows change under the same ids: read them afresh
        self.Monitor.invalidate_model()
        monitor = self.Monitor.with_user(user) if user else self.Monitor
        return monitor.search(
            [
                ("product_id", "=", product.id),
                ("warehouse_id", "=", (warehouse or self.warehouse).id),
            ]
        )
