from odoo.fields import Command

from .common import StockMonitorCase


class CountCase(StockMonitorCase):
    """Stock of the breaker and the meter on a rack, count thresholds known."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "appliance_count_recount_pct": 20.0,
                "appliance_count_approval_value": 5000.0,
            }
        )
        cls.breaker.barcode = "6901234567892"
        cls.Session = cls.env["appliance.count.session"]
        cls.Line = cls.env["appliance.count.line"]
        cls.reason_damage = cls.env.ref("appliance_stock.reason_damage")
        cls.reason_theft = cls.env.ref("appliance_stock.reason_theft")
        cls.reason_loss = cls.env.ref("appliance_stock.reason_loss")
        cls.reason_found = cls.env.ref("appliance_stock.reason_found")
        cls.reason_data = cls.env.ref("appliance_stock.reason_data_error")
        cls.reason_return = cls.env.ref("appliance_stock.reason_customer_return")
        cls._add_stock(cls.breaker, 40, cls.rack)
        cls._add_stock(cls.meter, 10, cls.rack)

    def _session(self, user=None, **vals):
        Session = self.Session.with_user(user) if user else self.Session
        return Session.create(
            {
                "warehouse_id": self.warehouse.id,
                "location_ids": [Command.set(self.rack.ids)],
                **vals,
            }
        )

    def _on_hand(self, product, location=None):
        return product.with_context(location=(location or self.rack).id).qty_available

    def _line(self, session, product):
        return session.line_ids.filtered(lambda line: line.product_id == product)

    def _count(self, session, user, code, quantity=1.0, **vals):
        """Count through the phone screen, as ``user``."""
        Entry = self.env["appliance.count.entry"].with_user(user)
        entry = Entry.create(
            {"session_id": session.id, "code": code, "quantity": quantity, **vals}
        )
        return entry.action_count()
