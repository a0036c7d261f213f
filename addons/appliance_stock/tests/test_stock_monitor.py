from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import StockMonitorCase


@tagged("post_install", "-at_install")
class TestStockMonitor(StockMonitorCase):
    def test_monitor_shows_on_hand_reserved_and_incoming_with_eta(self):
        self._add_stock(self.breaker, 10)
        self._add_stock(self.breaker, 2, self.rack)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=3)
        # approvals are appliance_sales' business; confirm as superuser
        order.sudo().action_confirm()  # sudo: as the portal/approval flows do
        self.assertEqual(order.picking_ids.state, "assigned")
        purchase, eta = self._purchase(self.breaker, 5, days=3)
        self._purchase(self.breaker, 4, days=10)

        row = self._row(self.breaker)
        self.assertEqual(len(row), 1)
        self.assertRecordValues(
            row,
            [
                {
                    "qty_on_hand": 12.0,
                    "qty_reserved": 3.0,
                    "qty_available": 9.0,
                    "qty_incoming": 9.0,
                    "incoming_date": eta,
                    "qty_outgoing": 3.0,
                    "qty_forecast": 18.0,
                    "safety_stock_qty": 0.0,
                    "status": "ok",
                    "appliance_kind": "component",
                    "appliance_brand_id": self.brand.id,
                }
            ],
        )
        self.assertEqual(purchase.picking_ids.move_ids.date, eta)

    def test_location_breakdown_opens_the_quants_of_the_warehouse(self):
        self._add_stock(self.breaker, 10)
        self._add_stock(self.breaker, 2, self.rack)
        action = self._row(self.breaker).action_view_quants()
        quants = self.env["stock.quant"].search(action["domain"])
        self.assertEqual(
            {q.location_id: q.quantity for q in quants},
            {self.stock_location: 10.0, self.rack: 2.0},
        )

    def test_status_goes_out_critical_low_ok(self):
        self._orderpoint(self.meter, safety_stock_qty=4, safety_lead_days=7)
        self.assertEqual(self._row(self.meter).status, "out")
        self._add_stock(self.meter, 2)
        self.assertEqual(self._row(self.meter).status, "critical")
        # a receipt after the lead time does not help
        self._purchase(self.meter, 5, days=30)
        self.assertEqual(self._row(self.meter).status, "critical")
        # one within the lead time does
        self._purchase(self.meter, 5, days=3)
        row = self._row(self.meter)
        self.assertEqual(row.status, "low")
        self.assertEqual(row.qty_incoming_in_lead, 5.0)
        self._add_stock(self.meter, 2)
        self.assertEqual(self._row(self.meter).status, "ok")

    def test_only_storable_sets_and_components_are_listed(self):
        service = self.env["product.product"].create(
            {"name": "Commissioning", "type": "service", "appliance_kind": "set"}
        )
        other = self.env["product.product"].create(
            {"name": "Office chair", "is_storable": True}
        )
        self.assertFalse(
            self.Monitor.search([("product_id", "in", (service | other).ids)])
        )
        self.assertTrue(self._row(self.set_ggd.product_variant_id))

    def test_group_by_status_counts_rows(self):
        self._add_stock(self.breaker, 1)
        groups = dict(
            self.Monitor._read_group(
                [
                    ("product_id", "in", (self.breaker | self.meter).ids),
                    ("warehouse_id", "=", self.warehouse.id),
                ],
                ["status"],
                ["__count"],
            )
        )
        self.assertEqual(groups, {"ok": 1, "out": 1})


@tagged("post_install", "-at_install")
class TestStockMonitorAccess(StockMonitorCase):
    def test_warehouse_purchase_and_sales_read_the_monitor(self):
        self._add_stock(self.breaker, 7)
        for user in (self.warehouse_user, self.purchaser, self.salesperson_a):
            row = self._row(self.breaker, user=user)
            self.assertEqual(row.qty_on_hand, 7.0, user.login)
            self.assertTrue(row.warehouse_id.display_name)

    def test_portal_and_finance_users_are_refused(self):
        for user in (self.portal_user, self.finance_user):
            with self.assertRaises(AccessError, msg=user.login):
                self._row(self.breaker, user=user)

    def test_other_company_rows_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other Switchgear Co"})
        self.warehouse_user.write(
            {"company_ids": [(4, other.id)], "company_id": self.env.company.id}
        )
        other_wh = self.env["stock.warehouse"].search([("company_id", "=", other.id)])
        self.assertTrue(self._row(self.breaker, other_wh))
        self.assertFalse(
            self.Monitor.with_user(self.warehouse_user)
            .with_context(allowed_company_ids=[self.env.company.id])
            .search([("warehouse_id", "=", other_wh.id)])
        )
