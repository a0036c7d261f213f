"""Adversarial suite: concurrency and retries with threads (issue #8, items 8-10).

Threads with their own database cursors race on committed data, each request
run through Odoo's ``retrying`` (``odoo/service/model.py``) as an RPC request
is. The server-based counterparts (workers over JSON-RPC, fault injection in
real requests, worker kills) are the scripts of ``tests/adversarial/``, which
also import :class:`ThreadTrials` to run these trials outside the test runner.

Fast checks run with every ``make test``; the 200-trial runs are tagged
``appliance_adversarial`` (``make test-adversarial``).
"""

import logging
import os
import threading
import time
from collections import Counter
from unittest.mock import patch

from psycopg2 import OperationalError

from odoo import Command, api
from odoo.exceptions import UserError, ValidationError
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)

QUIET = ("odoo.sql_db", "odoo.service.model", "odoo.models.unlink")


def raise_serialization_failure(cr, where):
    """A real ``psycopg2.errors.SerializationFailure`` (SQLSTATE 40001) raised
    by the database in this transaction, as a concurrent update would."""
    _logger.info("injecting a serialization failure: %s", where)
    cr.execute(
        SQL(
            "DO $$BEGIN RAISE EXCEPTION 'injected serialization failure' "
            "USING ERRCODE = 'serialization_failure'; END$$"
        ),
        log_exceptions=False,
    )


class ThreadTrials:
    """Orders raced by threads, each with its own cursor, on committed data.

    ``oversell(k, n)``: ``k`` quotations of ``n`` units each race for the ``n``
    units of a new product. ``credit(k)``: ``k`` quotations of one customer,
    each within his credit limit alone but no two together. Every trial's data
    is committed (threads see only committed data) and removed by
    :meth:`cleanup`.
    """

    def __init__(self, dbname):
        self.registry = Registry(dbname)
        self.partner_ids = []
        self.product_ids = []
        self.order_ids = []
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.company_id = company.id
            self.saved = {
                "guard": company.appliance_oversell_guard,
                "credit_rule": env.ref(
                    "appliance_sales.tier_definition_credit_limit"
                ).active,
            }
            self.uid = env.ref("base.user_admin").id
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            )
            self.warehouse_id = warehouse.id
            self.stock_location_id = warehouse.lot_stock_id.id

    def set_guard(self, on):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["res.company"].browse(self.company_id).appliance_oversell_guard = on

    # ------------------------------------------------------------ races

    def _race(self, order_ids, hook=None):
        """Confirm ``order_ids`` at once, one thread and cursor each; returns
        ``{order id: (outcome, attempts)}`` with outcome confirmed (no error),
        refused (UserError) or failed (retries exhausted, any other error)."""
        barrier = threading.Barrier(len(order_ids))
        results = {}

        def request(order_id):
            attempts = []
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, self.uid, {})

                    def confirm():
                        attempts.append(time.monotonic())
                        order = env["sale.order"].browse(order_id)
                        order.read(["state"])  # the snapshot is taken here
                        if len(attempts) == 1:
                            # every snapshot before anyone commits, then all go
                            barrier.wait(timeout=120)
                        order.action_confirm()
                        if hook:
                            hook(env, order, len(attempts))

                    retrying(confirm, env)
                results[order_id] = ("confirmed", len(attempts))
            except (UserError, ValidationError):
                results[order_id] = ("refused", len(attempts))
            except (OperationalError, threading.BrokenBarrierError) as error:
                _logger.info("race request failed: %s", error)
                results[order_id] = ("failed", len(attempts))
            except Exception:  # reported as a failure of the trial
                _logger.exception("race request crashed")
                results[order_id] = ("failed", len(attempts))

        threads = [
            threading.Thread(target=request, args=(order_id,)) for order_id in order_ids
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        return results

    def _partners(self, k):
        # one customer per order: Odoo serialises the confirmations of one
        # customer already (it locks the partner to raise its customer rank)
        missing = k - len(self.partner_ids)
        if missing > 0:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                self.partner_ids += (
                    env["res.partner"]
                    .create([{"name": f"Race customer {i}"} for i in range(missing)])
                    .ids
                )
        return self.partner_ids[:k]

    def oversell(self, k, n):
        """One trial. Returns a dict: ``outcomes`` (Counter), ``on_hand``,
        ``committed`` (quantity of the confirmed lines), ``reserved`` (on their
        deliveries), ``quant_over`` (a quant reserved beyond its quantity),
        ``over`` (committed or reserved > on hand, or quant_over), ``retried``."""
        partner_ids = self._partners(k)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": f"Race breaker K{k} N{n}", "is_storable": True}
            )
            self.product_ids.append(product.id)
            env["stock.quant"]._update_available_quantity(
                product, env["stock.location"].browse(self.stock_location_id), n
            )
            order_ids = (
                env["sale.order"]
                .create(
                    [
                        {
                            "partner_id": partner_id,
                            "warehouse_id": self.warehouse_id,
                            "order_line": [
                                Command.create(
                                    {"product_id": product.id, "product_uom_qty": n}
                                )
                            ],
                        }
                        for partner_id in partner_ids
                    ]
                )
                .ids
            )
            self.order_ids += order_ids
        results = self._race(order_ids)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            figures = self._stock_figures(env, product, order_ids)
            # free the stock of the next trials' products: nothing stays confirmed
            orders = env["sale.order"].browse(order_ids)
            orders.filtered(lambda o: o.state == "sale")._action_cancel()
        figures["outcomes"] = Counter(outcome for outcome, _n in results.values())
        figures["retried"] = sum(1 for _o, attempts in results.values() if attempts > 1)
        return figures

    @staticmethod
    def _stock_figures(env, product, order_ids):
        orders = env["sale.order"].browse(order_ids)
        confirmed = orders.filtered(lambda o: o.state == "sale")
        quants = env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id.usage", "=", "internal")]
        )
        on_hand = sum(quants.mapped("quantity"))
        committed = sum(confirmed.order_line.mapped("product_uom_qty"))
        moves = env["stock.move"].search(
            [
                ("product_id", "=", product.id),
                ("state", "not in", ("draft", "cancel", "done")),
            ]
        )
        reserved = sum(moves.mapped("quantity"))
        quant_over = (
            any(q.reserved_quantity > q.quantity for q in quants)
            or sum(quants.mapped("reserved_quantity")) > on_hand
        )
        return {
            "on_hand": on_hand,
            "committed": committed,
            "demanded": sum(moves.mapped("product_qty")),
            "reserved": reserved,
            "quant_over": quant_over,
            "over": committed > on_hand or reserved > on_hand or quant_over,
        }

    def credit(self, k, limit=100000, price=60000):
        """One credit race: ``k`` orders of ``price`` for a customer whose limit
        is ``limit``. Returns ``(outcomes, confirmed, pending)``."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env.ref("appliance_sales.tier_definition_credit_limit").active = True
            partner = env["res.partner"].create(
                {"name": "Credit race customer", "is_company": True}
            )
            partner.credit_limit = limit
            self.partner_ids.append(partner.id)
            product = env["product.product"].create(
                {
                    "name": "Credit race commissioning",
                    "type": "service",
                    "list_price": price,
                    "taxes_id": [Command.clear()],
                }
            )
            self.product_ids.append(product.id)
            order_ids = (
                env["sale.order"]
                .create(
                    [
                        {
                            "partner_id": partner.id,
                            "order_line": [
                                Command.create(
                                    {"product_id": product.id, "product_uom_qty": 1}
                                )
                            ],
                        }
                        for _i in range(k)
                    ]
                )
                .ids
            )
            self.order_ids += order_ids
        results = self._race(order_ids)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            orders = env["sale.order"].browse(order_ids)
            confirmed = len(orders.filtered(lambda o: o.state == "sale"))
            pending = len(orders.filtered(lambda o: o.validation_status == "pending"))
            orders.filtered(lambda o: o.state == "sale")._action_cancel()
        outcomes = Counter(outcome for outcome, _n in results.values())
        return outcomes, confirmed, pending

    # ------------------------------------------------------------ cleanup

    def cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env["res.company"].browse(self.company_id)
            company.appliance_oversell_guard = self.saved["guard"]
            env.ref("appliance_sales.tier_definition_credit_limit").active = self.saved[
                "credit_rule"
            ]
            orders = env["sale.order"].browse(self.order_ids).exists()
            pickings = orders.picking_ids
            references = orders.stock_reference_ids
            orders._action_cancel()
            orders.review_ids.sudo().unlink()  # sudo: reviews are server data
            pickings.unlink()
            orders.unlink()
            references.unlink()
            products = env["product.product"].browse(self.product_ids).exists()
            env["stock.quant"].search([("product_id", "in", products.ids)]).unlink()
            env["stock.move.line"].search([("product_id", "in", products.ids)]).unlink()
            env["stock.move"].search([("product_id", "in", products.ids)]).unlink()
            env["appliance.stock.commitment"].search(
                [("product_id", "in", products.ids)]
            ).unlink()
            products.unlink()
            env["res.partner"].browse(self.partner_ids).exists().unlink()


def oversell_table(trials, guard, runs, ks=(2, 5, 20), ns=(1, 5)):
    """Run ``runs`` trials per (K, N); returns the figure rows."""
    trials.set_guard(guard)
    rows = []
    for n in ns:
        for k in ks:
            started = time.monotonic()
            over = over_committed = over_reserved = retried = 0
            outcomes = Counter()
            for _run in range(runs):
                figures = trials.oversell(k, n)
                outcomes.update(figures["outcomes"])
                over += figures["over"]
                over_committed += figures["committed"] > figures["on_hand"]
                over_reserved += (
                    figures["reserved"] > figures["on_hand"] or figures["quant_over"]
                )
                retried += figures["retried"]
            rows.append(
                {
                    "guard": guard,
                    "k": k,
                    "n": n,
                    "trials": runs,
                    "over": over,
                    "over_committed": over_committed,
                    "over_reserved": over_reserved,
                    "outcomes": dict(outcomes),
                    "retried": retried,
                    "seconds": round(time.monotonic() - started, 1),
                }
            )
            _logger.info("oversell threads: %s", rows[-1])
    return rows


class ThreadCase(BaseCase):
    """Committed data raced by threads: the test runner's main thread holds
    Registry._lock, the threads get a lock of their own."""

    def setUp(self):
        super().setUp()
        patcher = patch.object(Registry, "_lock", DummyRLock())
        patcher.start()
        self.addCleanup(patcher.stop)
        self.trials = ThreadTrials(get_db_name())
        self.addCleanup(self.trials.cleanup)


@tagged("post_install", "-at_install")
class TestConcurrencyQuick(ThreadCase):
    @mute_logger(*QUIET)
    def test_five_confirmations_for_the_last_unit_commit_it_once(self):
        self.trials.set_guard(True)
        for k, n in ((5, 1), (3, 5)):
            figures = self.trials.oversell(k, n)
            with self.subTest(k=k, n=n):
                self.assertEqual(figures["outcomes"]["confirmed"], 1, figures)
                self.assertEqual(figures["outcomes"]["refused"], k - 1, figures)
                self.assertFalse(figures["over"], figures)
                self.assertEqual(figures["committed"], n)

    @mute_logger(*QUIET)
    def test_stock_odoo_commits_the_last_unit_to_everyone(self):
        # the race is real: without the guard all five confirm what only one can have
        self.trials.set_guard(False)
        figures = self.trials.oversell(5, 1)
        self.assertEqual(figures["outcomes"]["confirmed"], 5, figures)
        self.assertTrue(figures["over"])

    @mute_logger(*QUIET)
    def test_three_orders_over_the_credit_limit_together_one_confirms(self):
        outcomes, confirmed, pending = self.trials.credit(3)
        self.assertEqual(confirmed, 1, outcomes)
        self.assertEqual(pending, 2, outcomes)

    @mute_logger(*QUIET)
    def test_confirmation_retried_after_a_serialization_failure_does_it_once(self):
        """Odoo's retry loop runs the whole confirmation again after a failure
        raised at its very end (delivery, customer mail queued): nothing of the
        failed attempt may stay, nothing may be done twice."""
        self.trials.set_guard(True)
        fired = []

        def fail_once(env, order, attempt):
            if attempt == 1:
                fired.append(order.id)
                raise_serialization_failure(env.cr, "end of confirmation")

        with self.trials.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            customer = env["res.partner"].create(
                {"name": "Retry customer", "email": "retry@example.com"}
            )
            self.trials.partner_ids.append(customer.id)
            product = env["product.product"].create(
                {"name": "Retry breaker", "is_storable": True}
            )
            self.trials.product_ids.append(product.id)
            env["stock.quant"]._update_available_quantity(
                product,
                env["stock.location"].browse(self.trials.stock_location_id),
                2,
            )
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 2})
                    ],
                }
            )
            self.trials.order_ids.append(order.id)
        results = self.trials._race([order.id], hook=fail_once)
        self.assertEqual(fired, [order.id])
        self.assertEqual(results[order.id], ("confirmed", 2))
        with self.trials.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            order = env["sale.order"].browse(order.id)
            self.assertEqual(order.state, "sale")
            self.assertEqual(len(order.picking_ids), 1)
            self.assertEqual(len(order.picking_ids.move_ids), 1)
            self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 2)
            mails = env["mail.mail"].search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("recipient_ids", "in", customer.id),
                ]
            )
            self.assertEqual(len(mails), 1)
            commitment = env["appliance.stock.commitment"].search(
                [("product_id", "=", product.id)]
            )
            self.assertEqual(commitment.commit_count, 1)


@tagged("-standard", "appliance_adversarial", "post_install", "-at_install")
class TestConcurrencyTrials(ThreadCase):
    """Item 8 (threads) and 9: ``--test-tags=appliance_adversarial``."""

    # fewer for a try-out: ADVERSARIAL_TRIALS=2 ADVERSARIAL_CREDIT_TRIALS=2 ...
    TRIALS = int(os.environ.get("ADVERSARIAL_TRIALS", "200"))
    BASELINE_TRIALS = int(os.environ.get("ADVERSARIAL_BASELINE_TRIALS", "20"))
    CREDIT_TRIALS = int(os.environ.get("ADVERSARIAL_CREDIT_TRIALS", "100"))

    @mute_logger(*QUIET)
    def test_oversell_200_trials_per_k_and_n(self):
        rows = oversell_table(self.trials, guard=True, runs=self.TRIALS)
        for row in rows:
            with self.subTest(k=row["k"], n=row["n"]):
                self.assertEqual(row["over"], 0, row)
                # and the stock is sold: one order per trial gets it
                self.assertEqual(row["outcomes"].get("confirmed"), self.TRIALS, row)

    @mute_logger(*QUIET)
    def test_oversell_stock_odoo_baseline(self):
        rows = oversell_table(self.trials, guard=False, runs=self.BASELINE_TRIALS)
        # stock Odoo confirms every order: over-committed whenever K > 1
        for row in rows:
            self.assertEqual(row["over_committed"], self.BASELINE_TRIALS, row)

    @mute_logger(*QUIET)
    def test_credit_race_100_trials(self):
        for k in (2, 5):
            confirmed_per_trial = Counter()
            for _run in range(self.CREDIT_TRIALS):
                _outcomes, confirmed, pending = self.trials.credit(k)
                confirmed_per_trial[confirmed] += 1
                self.assertEqual(confirmed + pending, k)
            _logger.info(
                "credit race threads K=%s: %s trials, confirmed per trial %s",
                k,
                self.CREDIT_TRIALS,
                dict(confirmed_per_trial),
            )
            self.assertEqual(
                confirmed_per_trial, Counter({1: self.CREDIT_TRIALS}), f"K={k}"
            )
