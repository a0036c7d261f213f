import math
import statistics
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common import StockMonitorCase


@tagged("post_install", "-at_install")
class TestSafetyStock(StockMonitorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref(
            "appliance_stock.mail_activity_type_safety_stock"
        )
        cls.env.company.appliance_stock_alert_user_id = cls.purchaser

    def _deliver(self, product, qty, date, location=None):
        """A done delivery of ``qty`` to the customer, back-dated to ``date``."""
        location = location or self.stock_location
        self._add_stock(product, qty, location)
        move = self.env["stock.move"].create(
            {
                "product_id": product.id,
                "product_uom_qty": qty,
                "location_id": location.id,
                "location_dest_id": self.customer_location.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.picked = True
        move._action_done()
        move.date = date
        return move

    def _alerts(self, product):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "product.product"),
                ("res_id", "=", product.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    # ------------------------------------------------------------
    # safety stock from demand
    # ------------------------------------------------------------

    def test_safety_stock_from_demand_is_z_sigma_sqrt_lead_time(self):
        now = datetime(2026, 3, 15, 12, 0)
        day = timedelta(days=1)
        orderpoint = self._orderpoint(
            self.breaker,
            safety_stock_mode="demand",
            safety_window_days=10,
            safety_lead_days=4,
            safety_service_level=95.0,
        )
        # 10-day window: day -1 ships 2 + 4, day -2 ships 6, day -5 ships 2
        self._deliver(self.breaker, 2, now - day - timedelta(hours=2))
        self._deliver(self.breaker, 4, now - day - timedelta(hours=1))
        self._deliver(self.breaker, 6, now - 2 * day)
        self._deliver(self.breaker, 2, now - 5 * day)
        # outside the window, from a non-warehouse location, or not done: ignored
        self._deliver(self.breaker, 100, now - 20 * day)
        self._deliver(self.breaker, 50, now + day)
        transit = self.env.ref("stock.stock_location_inter_company")
        self._deliver(self.breaker, 70, now - 3 * day, location=transit)
        self.env["stock.move"].create(
            {
                "product_id": self.breaker.id,
                "product_uom_qty": 30,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
            }
        )._action_confirm()
        fixed = self._orderpoint(self.meter, safety_stock_qty=3.0)

        (orderpoint | fixed)._compute_safety_stock_from_demand(now=now)

        daily = [6, 6, 0, 0, 2, 0, 0, 0, 0, 0]
        expected = 1.6448536 * statistics.stdev(daily) * math.sqrt(4)
        # 1.6449 × 2.5033 × 2 = 8.2352, stored to the unit's 2 decimals
        self.assertAlmostEqual(orderpoint.safety_stock_qty, expected, places=2)
        self.assertEqual(orderpoint.safety_stock_qty, 8.24)
        self.assertEqual(fixed.safety_stock_qty, 3.0)

    def test_no_demand_gives_no_safety_stock(self):
        orderpoint = self._orderpoint(
            self.meter, safety_stock_mode="demand", safety_stock_qty=5
        )
        orderpoint._compute_safety_stock_from_demand()
        self.assertEqual(orderpoint.safety_stock_qty, 0.0)

    def test_cron_recomputes_only_demand_rules(self):
        now = datetime.now()
        self._deliver(self.breaker, 3, now - timedelta(days=2))
        demand = self._orderpoint(self.breaker, safety_stock_mode="demand")
        fixed = self._orderpoint(self.meter, safety_stock_qty=3.0)
        # the cron commits after each batch: not inside a test
        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", return_value=float("inf")
        ):
            self.env["stock.warehouse.orderpoint"]._cron_compute_safety_stock()
        self.assertGreater(demand.safety_stock_qty, 0.0)
        self.assertEqual(fixed.safety_stock_qty, 3.0)

    # ------------------------------------------------------------
    # alerts
    # ------------------------------------------------------------

    def test_alert_raised_once_and_closed_when_stock_recovers(self):
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        self.breaker.with_company(self.env.company).responsible_id = self.approver
        orderpoint = self._orderpoint(self.breaker, safety_stock_qty=4)
        self._add_stock(self.breaker, 2)

        Orderpoint._scan_safety_alerts()
        alert = self._alerts(self.breaker)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.approver)
        self.assertEqual(orderpoint.safety_alert_activity_id, alert)

        # a second scan, and a second rule in the warehouse, raise nothing more
        self._orderpoint(
            self.breaker,
            safety_stock_qty=1,
            location_id=self.rack.id,
        )
        opened, closed = Orderpoint._scan_safety_alerts()
        self.assertFalse(opened or closed)
        self.assertEqual(self._alerts(self.breaker), alert)

        # stock recovers: the alert is done by itself
        self._add_stock(self.breaker, 10)
        opened, closed = Orderpoint._scan_safety_alerts()
        self.assertEqual(closed, alert)
        self.assertFalse(self._alerts(self.breaker))
        self.assertFalse(orderpoint.safety_alert_activity_id)
        self.assertIn(
            "back above", self.breaker.message_ids[:1].body or "", "feedback posted"
        )

        # and falls again: a new alert, for the fallback purchasing user
        self.breaker.with_company(self.env.company).responsible_id = False
        self._add_stock(self.breaker, -10)
        opened, _closed = Orderpoint._scan_safety_alerts()
        self.assertEqual(self._alerts(self.breaker), opened)
        self.assertEqual(opened.user_id, self.purchaser)

    def test_alert_done_by_hand_is_raised_again_if_still_low(self):
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        orderpoint = self._orderpoint(self.meter, safety_stock_qty=4)
        opened, _closed = Orderpoint._scan_safety_alerts()
        opened.with_user(self.purchaser).action_feedback()
        self.assertFalse(self._alerts(self.meter))
        opened, _closed = Orderpoint._scan_safety_alerts()
        self.assertEqual(len(opened), 1)
        self.assertEqual(orderpoint.safety_alert_activity_id, opened)
        self.assertEqual(self._alerts(self.meter), opened)

    def test_no_alert_without_safety_stock(self):
        self._orderpoint(self.meter, safety_stock_qty=0)
        opened, _closed = self.env["stock.warehouse.orderpoint"]._scan_safety_alerts()
        self.assertFalse(self._alerts(self.meter))
        self.assertFalse(opened)

    def test_alert_scan_queries_do_not_grow_with_products(self):
        Orderpoint = self.env["stock.warehouse.orderpoint"]

        def make(n):
            products = self.env["product.product"].create(
                [
                    {
                        "name": f"Fuse {n}-{i}",
                        "is_storable": True,
                        "appliance_kind": "component",
                    }
                    for i in range(n)
                ]
            )
            for product in products:
                self._orderpoint(product, safety_stock_qty=5)
            self.env.flush_all()
            return products

        def count_queries(func):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = func()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before, result

        make(2)
        open_2, (opened, _closed) = count_queries(Orderpoint._scan_safety_alerts)
        self.assertEqual(len(opened), 2)
        steady_2, _res = count_queries(Orderpoint._scan_safety_alerts)

        make(8)
        self.env.invalidate_all()
        with self.assertQueryCount(open_2):
            opened, _closed = Orderpoint._scan_safety_alerts()
            self.env.flush_all()
        self.assertEqual(len(opened), 8)
        self.env.invalidate_all()
        with self.assertQueryCount(steady_2):
            opened, closed = Orderpoint._scan_safety_alerts()
            self.env.flush_all()
        self.assertFalse(opened or closed)
