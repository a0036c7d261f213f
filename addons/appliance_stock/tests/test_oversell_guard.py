import logging
import threading
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import OperationalError

from odoo import api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import Form, tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from .common import StockMonitorCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestOversellGuard(StockMonitorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.appliance_oversell_guard = True
        cls.SaleOrder = cls.env.registry["sale.order"]

    def _confirm(self, order, user=None):
        order.with_user(user or self.salesperson_a).action_confirm()

    def assertRefused(self, order, regex, user=None):
        """Confirming ``order`` raises a UserError matching ``regex``; the
        order stays a quotation without delivery."""
        # assertRaises (not assertRaisesRegex) rolls back to a savepoint
        with self.assertRaises(UserError) as caught:
            self._confirm(order, user)
        self.assertRegex(str(caught.exception), regex)
        for record in order:
            self.assertIn(record.state, ("draft", "sent"))
        self.assertFalse(order.picking_ids)
        return str(caught.exception)

    def _committed(self, product):
        lines = self.env["sale.order.line"].search(
            [("product_id", "=", product.id), ("state", "=", "sale")]
        )
        return sum(lines.mapped("product_uom_qty"))

    # ------------------------------------------------------------
    # refusal
    # ------------------------------------------------------------

    def test_confirming_more_than_available_is_refused_naming_what_is_short(self):
        self._add_stock(self.breaker, 3)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=5)
        message = self.assertRefused(order, "5 Units wanted, 3 available to promise")
        self.assertIn(order.name, message)
        self.assertIn(self.breaker.display_name, message)
        self.assertIn(self.warehouse.name, message)
        # what is there can be sold
        order.order_line.product_uom_qty = 3
        self._confirm(order)
        self.assertEqual(order.state, "sale")

    def test_confirmed_undelivered_orders_are_no_longer_available(self):
        self._add_stock(self.breaker, 5)
        first = self._quotation(self.salesperson_a, product=self.breaker, qty=3)
        self._confirm(first)
        second = self._quotation(self.salesperson_b, product=self.breaker, qty=3)
        self.assertRefused(second, "3 Units wanted, 2 available", self.salesperson_b)
        second.order_line.product_uom_qty = 2
        self._confirm(second, self.salesperson_b)
        self.assertEqual(self._committed(self.breaker), 5)
        # delivering the first order does not free anything: on hand drops too
        picking = first.picking_ids
        picking.move_ids.quantity = 3
        picking.button_validate()
        third = self._quotation(self.salesperson_a, product=self.breaker, qty=1)
        self.assertRefused(third, "1 Units wanted, 0 available")
        # cancelling the second one does
        # as admin: stock Odoo's cancel reads purchase lines salespeople cannot
        second.with_env(self.env).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        self._confirm(third)

    def test_guard_off_confirms_like_stock_odoo(self):
        self.env.company.appliance_oversell_guard = False
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=5)
        self._confirm(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.picking_ids.state, "confirmed")

    def test_services_and_made_to_order_lines_are_not_guarded(self):
        service = self.env["product.product"].create(
            {"name": "Commissioning", "type": "service", "list_price": 500}
        )
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        order = self._quotation(self.salesperson_a, product=service, qty=3)
        self._confirm(order)
        self.assertEqual(order.state, "sale")
        # bought for the order: its receipt is the order's, not the stock's
        self.meter.write(
            {
                "route_ids": [
                    (
                        6,
                        0,
                        (mto | self.env.ref("purchase_stock.route_warehouse0_buy")).ids,
                    )
                ],
                "seller_ids": [(0, 0, {"partner_id": self.vendor.id, "price": 300})],
            }
        )
        order = self._quotation(self.salesperson_a, product=self.meter, qty=2)
        self._confirm(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.picking_ids.move_ids.procure_method, "make_to_order")

    def test_increasing_a_confirmed_line_is_guarded_too(self):
        self._add_stock(self.breaker, 4)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=2)
        self._confirm(order)
        line = order.order_line.with_user(self.salesperson_a)
        with self.assertRaises(UserError) as caught:
            line.product_uom_qty = 5
        self.assertIn("3 Units wanted, 2 available", str(caught.exception))
        self.assertEqual(line.product_uom_qty, 2)
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 2)
        line.product_uom_qty = 4
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 4)

    def test_orders_confirmed_together_share_the_stock(self):
        self._add_stock(self.breaker, 4)
        order_a = self._quotation(self.salesperson_a, product=self.breaker, qty=3)
        order_b = self._quotation(self.salesperson_a, product=self.breaker, qty=2)
        message = self.assertRefused(order_a | order_b, "2 Units wanted, 1 available")
        self.assertIn(order_b.name, message)
        self.assertNotIn(order_a.name, message)
        self.assertEqual(order_a.state, "draft")  # all or nothing

    # ------------------------------------------------------------
    # warehouses, units, receipts
    # ------------------------------------------------------------

    def test_each_warehouse_promises_its_own_stock(self):
        other = self.env["stock.warehouse"].create(
            {"name": "Wuxi Depot", "code": "WXD"}
        )
        self._add_stock(self.breaker, 4, other.lot_stock_id)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=2)
        self.assertRefused(order, "in .*: 2 Units wanted, 0 available")
        order.warehouse_id = other
        self.assertEqual(order.order_line.warehouse_id, other)
        self._confirm(order)
        self.assertEqual(order.picking_ids.picking_type_id.warehouse_id, other)
        order_main = self._quotation(self.salesperson_a, product=self.breaker, qty=3)
        order_main.warehouse_id = other
        self.assertRefused(order_main, "Wuxi Depot: 3 Units wanted, 2 avail")

    def test_quantities_in_other_units_count_in_the_product_unit(self):
        self._add_stock(self.breaker, 14)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=1)
        order.order_line.product_uom_id = self.env.ref("uom.product_uom_dozen")
        self._confirm(order)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=3)
        self.assertRefused(order, "3 Units wanted, 2 available")
        order.order_line.product_uom_qty = 2
        self._confirm(order)

    def test_receipts_due_by_the_delivery_date_count_when_enabled(self):
        self._purchase(self.meter, 10, days=5)
        order = self._quotation(self.salesperson_a, product=self.meter, qty=4)
        order.commitment_date = fields.Datetime.now() + timedelta(days=10)
        self.assertRefused(order, "4 Units wanted, 0 available")
        self.env.company.appliance_atp_include_incoming = True
        early = self._quotation(self.salesperson_a, product=self.meter, qty=4)
        early.commitment_date = fields.Datetime.now() + timedelta(days=2)
        self.assertRefused(early, "4 Units wanted, 0 available")
        self._confirm(order)
        late = self._quotation(self.salesperson_b, product=self.meter, qty=7)
        late.commitment_date = fields.Datetime.now() + timedelta(days=20)
        self.assertRefused(late, "7 Units wanted, 6 available", self.salesperson_b)

    # ------------------------------------------------------------
    # approval routing (appliance_sales' shortage rule)
    # ------------------------------------------------------------

    def test_shortage_rule_routes_the_order_to_approval(self):
        self._add_stock(self.breaker, 1)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=2)
        with patch.object(
            self.SaleOrder, "_appliance_shortage_rule_active", lambda order: True
        ):
            self.assertRefused(
                order, "short of stock: submit it for approval(.|\n)*2 Units wanted"
            )
            with patch.object(
                self.SaleOrder,
                "_appliance_approval_allows_shortage",
                lambda order: True,
            ):
                self._confirm(order)
        self.assertEqual(order.state, "sale")
        # the approved shortage is committed: the next order sees nothing left
        other = self._quotation(self.salesperson_b, product=self.breaker, qty=1)
        self.assertRefused(other, "1 Units wanted, 0 available", self.salesperson_b)

    def test_approval_hooks_are_not_consulted_without_a_shortage(self):
        self._add_stock(self.breaker, 2)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=2)
        with patch.object(
            self.SaleOrder, "_appliance_shortage_rule_active", lambda order: True
        ):
            self._confirm(order)
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------
    # roles
    # ------------------------------------------------------------

    def test_lock_rows_are_for_managers_and_portal_cannot_confirm(self):
        self._add_stock(self.breaker, 2)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=1)
        self._confirm(order)
        Commitment = self.env["appliance.stock.commitment"]
        row = Commitment.search([("product_id", "=", self.breaker.id)])
        self.assertEqual(row.warehouse_id, self.warehouse)
        self.assertEqual(row.commit_count, 1)
        for user in (self.warehouse_manager, self.sales_manager):
            self.assertEqual(
                Commitment.with_user(user).search(
                    [("product_id", "=", self.breaker.id)]
                ),
                row,
            )
            with self.assertRaises(AccessError):
                row.with_user(user).commit_count = 5
        for user in (self.salesperson_a, self.portal_user, self.finance_user):
            with self.assertRaises(AccessError):
                Commitment.with_user(user).search([])
        quotation = self._quotation(self.salesperson_a, product=self.breaker, qty=1)
        with self.assertRaises(AccessError):
            quotation.with_user(self.portal_user).action_confirm()
        # the lock helpers are private: not callable over RPC
        self.assertTrue(Commitment._lock_for_commitment.__name__.startswith("_"))

    def test_lock_rows_of_another_company_are_hidden(self):
        other = self.env["res.company"].create({"name": "Guard Other Co"})
        other_wh = self.env["stock.warehouse"].search([("company_id", "=", other.id)])
        Commitment = self.env["appliance.stock.commitment"]
        Commitment._lock_for_commitment(
            [(self.breaker.id, self.warehouse.id), (self.breaker.id, other_wh.id)]
        )
        rows = Commitment.search([("product_id", "=", self.breaker.id)])
        self.assertEqual(rows.company_id, self.env.company | other)
        self.assertEqual(
            Commitment.with_user(self.warehouse_manager)
            .search([("product_id", "=", self.breaker.id)])
            .warehouse_id,
            self.warehouse,
        )


@tagged("post_install", "-at_install")
class TestQuotationStockWarning(StockMonitorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.appliance_oversell_guard = True

    def test_salesperson_sees_available_and_next_receipt_below_safety_stock(self):
        self._orderpoint(self.breaker, safety_stock_qty=10)
        self._add_stock(self.breaker, 4)
        _purchase, eta = self._purchase(self.breaker, 20, days=6)
        order = self._quotation(self.salesperson_a, product=self.breaker, qty=2)
        line = order.order_line.with_user(self.salesperson_a)
        self.assertEqual(line.appliance_atp_qty, 4)
        self.assertEqual(line.appliance_next_receipt_date, eta)
        self.assertIn("Below safety stock (10 Units)", line.appliance_stock_warning)
        self.assertIn("4 Units available to promise", line.appliance_stock_warning)
        self.assertIn("(20 Units incoming)", line.appliance_stock_warning)

    def test_short_line_warns_and_ok_line_does_not(self):
        self._add_stock(self.meter, 3)
        self._add_stock(self.breaker, 50)
        order = self._quotation(self.salesperson_a, product=self.meter, qty=5)
        order.order_line = [
            (0, 0, {"product_id": self.breaker.id, "product_uom_qty": 5})
        ]
        short, fine = order.order_line.with_user(self.salesperson_a)
        self.assertEqual(
            short.appliance_stock_warning,
            f"Short: 3 Units available to promise in {self.warehouse.name}. "
            "No receipt planned.",
        )
        self.assertFalse(fine.appliance_stock_warning)
        # two lines of the same product add up
        order.order_line = [
            (0, 0, {"product_id": self.breaker.id, "product_uom_qty": 46})
        ]
        breaker_lines = order.order_line.filtered(
            lambda line: line.product_id == self.breaker
        )
        self.assertEqual(sorted(breaker_lines.mapped("product_uom_qty")), [5, 46])
        for line in breaker_lines:
            self.assertIn("Short: 50 Units", line.appliance_stock_warning or "")
        # once confirmed (approved shortage), the warning is gone
        self.env.company.appliance_oversell_guard = False
        order.with_user(self.salesperson_a).action_confirm()
        self.assertFalse(any(order.order_line.mapped("appliance_stock_warning")))

    def test_warning_shows_while_entering_the_quotation(self):
        self._add_stock(self.meter, 1)
        with Form(self.env["sale.order"].with_user(self.salesperson_a)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.meter
                line.product_uom_qty = 2
                self.assertIn("Short: 1 Units", line.appliance_stock_warning)
                line.product_uom_qty = 1
                self.assertFalse(line.appliance_stock_warning)

    def test_warning_costs_one_query_for_any_number_of_lines(self):
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Contactor {n}",
                    "is_storable": True,
                    "appliance_kind": "component",
                }
                for n in range(12)
            ]
        )
        for product in products[:6]:
            self._orderpoint(product, safety_stock_qty=2)
        self._purchase(products[0], 5, days=2)
        order = self._quotation(self.salesperson_a, product=products[0], qty=1)
        order.order_line = [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})
            for product in products[1:]
        ]
        lines = order.order_line.with_user(self.salesperson_a)
        fnames = [
            "appliance_stock_warning",
            "appliance_atp_qty",
            "appliance_next_receipt_date",
        ]
        lines.mapped("appliance_stock_warning")  # products, routes... in cache
        # the stock figures: one query whatever the number of lines
        for subset in (lines[:1], lines):
            lines.invalidate_recordset(fnames)
            with self.assertQueryCount(1):
                warnings = subset.mapped("appliance_stock_warning")
        self.assertEqual(len([w for w in warnings if w]), 12)


class OversellRace:
    """Committed data and threads confirming orders at once, each in its own
    transaction through Odoo's retrying (as an RPC request would be)."""

    def __init__(self, dbname, guard=True):
        self.registry = Registry(dbname)
        self.guard = guard
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.previous_guard = company.appliance_oversell_guard
            company.appliance_oversell_guard = guard
            self.uid = env.ref("base.user_admin").id
            self.warehouse_id = (
                env["stock.warehouse"]
                .search([("company_id", "=", company.id)], limit=1)
                .id
            )
            self.partner_ids = []
            self.product_ids = []

    def trial(self, k, n):
        """``k`` orders of ``n`` units each race for ``n`` units in stock.

        Returns ``(outcomes, committed, reserved)``: how many orders were
        confirmed / refused / failed, the quantity the confirmed orders commit
        and the quantity reserved on their deliveries.
        """
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            # one customer per order: Odoo serialises the confirmations of one
            # customer already (it locks the partner to raise its customer rank)
            self.partner_ids += (
                env["res.partner"]
                .create(
                    [
                        {"name": f"Race customer {i}"}
                        for i in range(len(self.partner_ids), k)
                    ]
                )
                .ids
            )
            product = env["product.product"].create(
                {"name": "Race breaker", "is_storable": True, "list_price": 1}
            )
            self.product_ids.append(product.id)
            warehouse = env["stock.warehouse"].browse(self.warehouse_id)
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, n
            )
            order_ids = (
                env["sale.order"]
                .create(
                    [
                        {
                            "partner_id": partner_id,
                            "warehouse_id": self.warehouse_id,
                            "order_line": [
                                (0, 0, {"product_id": product.id, "product_uom_qty": n})
                            ],
                        }
                        for partner_id in self.partner_ids[:k]
                    ]
                )
                .ids
            )
        barrier = threading.Barrier(k)
        outcomes = [None] * k
        threads = [
            threading.Thread(
                target=self._confirm, args=(order_id, barrier, outcomes, i)
            )
            for i, order_id in enumerate(order_ids)
        ]
        # The test runner's main thread holds Registry._lock while tests run; the
        # threads need the registry (Environment, retrying's reset): give them a
        # lock of their own.
        with patch.object(Registry, "_lock", threading.RLock()):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            orders = env["sale.order"].browse(order_ids)
            confirmed = orders.filtered(lambda o: o.state == "sale")
            committed = sum(confirmed.order_line.mapped("product_uom_qty"))
            reserved = sum(confirmed.picking_ids.move_ids.mapped("quantity"))
        return Counter(outcomes), committed, reserved

    def _confirm(self, order_id, barrier, outcomes, index):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.uid, {})
            first_try = [True]

            def confirm():
                order = env["sale.order"].browse(order_id)
                if first_try:
                    # take the snapshot before anyone commits, then go together
                    first_try.clear()
                    order.read(["state"])
                    barrier.wait(timeout=60)
                order.action_confirm()

            try:
                retrying(confirm, env)
                outcomes[index] = "confirmed"
            except UserError:
                cr.rollback()
                outcomes[index] = "refused"
            except OperationalError:
                cr.rollback()
                outcomes[index] = "failed"

    def cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            company.appliance_oversell_guard = self.previous_guard
            products = env["product.product"].browse(self.product_ids)
            orders = env["sale.order"].search([("partner_id", "in", self.partner_ids)])
            pickings = orders.picking_ids
            references = orders.stock_reference_ids
            orders._action_cancel()
            pickings.unlink()
            orders.unlink()
            references.unlink()
            # superuser: quants may be deleted
            env["stock.quant"].search([("product_id", "in", products.ids)]).unlink()
            env["appliance.stock.commitment"].search(
                [("product_id", "in", products.ids)]
            ).unlink()
            products.unlink()
            env["res.partner"].browse(self.partner_ids).unlink()


@tagged("post_install", "-at_install")
class TestOversellRace(BaseCase):
    """A few parallel confirmations on committed data (the slow suite runs 200)."""

    @mute_logger("odoo.sql_db", "odoo.service.model", "odoo.models.unlink")
    def test_parallel_confirmations_never_commit_the_last_unit_twice(self):
        race = OversellRace(get_db_name())
        self.addCleanup(race.cleanup)
        for k, n in ((3, 1), (2, 5)):
            outcomes, committed, reserved = race.trial(k, n)
            with self.subTest(k=k, n=n):
                self.assertEqual(outcomes["confirmed"], 1, outcomes)
                self.assertEqual(outcomes["refused"], k - 1, outcomes)
                self.assertEqual(committed, n)
                self.assertEqual(reserved, n)


@tagged("-standard", "appliance_slow", "post_install", "-at_install")
class TestOversellRaceSlow(BaseCase):
    """200 trials per (K, N): ``--test-tags=appliance_slow/appliance_stock``."""

    TRIALS = 200
    BASELINE_TRIALS = 40  # stock Odoo, for comparison only

    def _run(self, guard, trials):
        race = OversellRace(get_db_name(), guard=guard)
        self.addCleanup(race.cleanup)
        figures = {}
        for n in (1, 5):
            for k in (2, 5, 20):
                over_committed = over_reserved = 0
                totals = Counter()
                for _trial in range(trials):
                    outcomes, committed, reserved = race.trial(k, n)
                    totals.update(outcomes)
                    over_committed += committed > n
                    over_reserved += reserved > n
                figures[k, n] = (over_committed, over_reserved, totals["confirmed"])
                _logger.info(
                    "oversell race guard=%s K=%s N=%s: %s trials, over-committed %s, "
                    "over-reserved %s, outcomes %s",
                    guard,
                    k,
                    n,
                    trials,
                    over_committed,
                    over_reserved,
                    dict(totals),
                )
        return figures

    @mute_logger("odoo.sql_db", "odoo.service.model", "odoo.models.unlink")
    def test_guard_holds_in_200_trials_per_k_and_n(self):
        figures = self._run(guard=True, trials=self.TRIALS)
        for (k, n), (over_committed, over_reserved, confirmed) in figures.items():
            with self.subTest(k=k, n=n):
                self.assertEqual(over_committed, 0)
                self.assertEqual(over_reserved, 0)
                # and the stock is sold: one order per trial gets it
                self.assertEqual(confirmed, self.TRIALS)

    @mute_logger("odoo.sql_db", "odoo.service.model", "odoo.models.unlink")
    def test_stock_odoo_baseline_is_logged(self):
        # without the guard every order is confirmed (over-committed by design);
        # the log gives how often stock Odoo also over-reserves
        self._run(guard=False, trials=self.BASELINE_TRIALS)
