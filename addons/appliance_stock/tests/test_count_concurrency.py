"""Two people counting or adjusting the same stock at the same moment.

Each worker is a thread with its own cursor that commits, retried on a
serialization failure the way Odoo retries a request. The data are committed
(other cursors must see them) and deleted again at the end.
"""

import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.orm.registry import DummyRLock, Registry
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

MAX_TRIES = 5


@tagged("post_install", "-at_install")
class TestCountConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.registry_ = self.registry
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            self.rack_id = (
                env["stock.location"]
                .create(
                    {
                        "name": "Concurrency rack",
                        "location_id": warehouse.lot_stock_id.id,
                    }
                )
                .id
            )
            product = env["product.product"].create(
                {
                    "name": "Concurrency breaker",
                    "is_storable": True,
                    "standard_price": 10,
                }
            )
            self.product_id = product.id
            self.warehouse_id = warehouse.id
            env["stock.quant"]._update_available_quantity(
                product, env["stock.location"].browse(self.rack_id), 10
            )
            self.reason_id = env.ref("appliance_stock.reason_loss").id
            self.damage_id = env.ref("appliance_stock.reason_damage").id
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].browse(self.product_id)
            template_id = product.product_tmpl_id.id
            for query in (
                "DELETE FROM stock_move_line WHERE product_id = %(product)s",
                "DELETE FROM stock_move WHERE product_id = %(product)s",
                "DELETE FROM stock_quant WHERE product_id = %(product)s",
                "DELETE FROM appliance_count_session WHERE id IN ("
                " SELECT session_id FROM appliance_count_line WHERE product_id = %(product)s)",
                "DELETE FROM product_product WHERE id = %(product)s",
                "DELETE FROM product_template WHERE id = %(template)s",
                "DELETE FROM stock_location WHERE id = %(rack)s",
            ):
                cr.execute(
                    SQL(
                        query,
                        product=self.product_id,
                        template=template_id,
                        rack=self.rack_id,
                    )
                )

    # ------------------------------------------------------------------

    def _committed(self, func):
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            return func(env)

    def _counted_session(self, counted, policy="stop"):
        """A session of the rack counted ``counted``, in review, committed."""

        def build(env):
            env.company.appliance_count_recount_pct = 0.0
            session = env["appliance.count.session"].create(
                {
                    "warehouse_id": self.warehouse_id,
                    "location_ids": [Command.set([self.rack_id])],
                    "book_change_policy": policy,
                }
            )
            session.action_start()
            session.line_ids._set_counts({session.line_ids.id: counted}, mode="set")
            session.action_finish_counting()
            session.line_ids.filtered("has_variance").reason_id = self.reason_id
            return session.id

        return self._committed(build)

    def _race(self, *jobs):
        """Run the jobs at once, each in a thread with its own cursor; a job
        that loses a serialization conflict runs again, as Odoo retries a
        request. Returns each job's result, or the UserError it raised."""
        barrier = threading.Barrier(len(jobs))
        results = [None] * len(jobs)

        def worker(index, job):
            for attempt in range(MAX_TRIES):
                with self.registry_.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                    # take the snapshot, then start together
                    cr.execute("SELECT 1")
                    if attempt == 0:
                        barrier.wait(timeout=30)
                    try:
                        results[index] = job(env)
                        cr.commit()  # pylint: disable=invalid-commit  # the race needs it
                        return
                    except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                        cr.rollback()
                    except UserError as error:
                        cr.rollback()
                        results[index] = error
                        return
            results[index] = RuntimeError("too many retries")

        threads = [
            threading.Thread(target=worker, args=(index, job))
            for index, job in enumerate(jobs)
        ]
        # the test runner holds the registry lock while tests run; a new
        # environment looks the registry up under it (as HttpCase, disable it)
        with mute_logger("odoo.sql_db"), patch.object(Registry, "_lock", DummyRLock()):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        return results

    def _book_and_moves(self):
        """(quantity of the rack's quants, rack quantity the done moves make)."""

        def read(env):
            env.cr.execute(
                SQL(
                    "SELECT COALESCE(SUM(quantity), 0) FROM stock_quant"
                    " WHERE product_id = %s AND location_id = %s",
                    self.product_id,
                    self.rack_id,
                )
            )
            (book,) = env.cr.fetchone()
            env.cr.execute(
                SQL(
                    """
                    SELECT COALESCE(SUM(CASE WHEN location_dest_id = %(rack)s
                                             THEN quantity ELSE -quantity END), 0)
                      FROM stock_move_line
                     WHERE product_id = %(product)s AND state = 'done'
                       AND %(rack)s IN (location_id, location_dest_id)
                    """,
                    rack=self.rack_id,
                    product=self.product_id,
                )
            )
            (moved,) = env.cr.fetchone()
            return book, moved

        return self._committed(read)

    # ------------------------------------------------------------------

    def test_two_phones_scanning_the_same_line_lose_no_count(self):
        def start(env):
            session = env["appliance.count.session"].create(
                {
                    "warehouse_id": self.warehouse_id,
                    "location_ids": [Command.set([self.rack_id])],
                }
            )
            session.action_start()
            return session.id

        session_id = self._committed(start)

        def scan(env):
            line = env["appliance.count.line"].search([("session_id", "=", session_id)])
            for _i in range(3):
                line._set_count(1.0)
            return line.counted_qty

        self._race(scan, scan)
        counted = self._committed(
            lambda env: (
                env["appliance.count.line"]
                .search([("session_id", "=", session_id)])
                .counted_qty
            )
        )
        self.assertEqual(counted, 6.0)

    def test_two_sessions_counting_the_same_quant_apply_it_once(self):
        # book 10; two teams both count 8 and apply at the same moment
        first = self._counted_session(8)
        second = self._counted_session(8)

        def apply(session_id):
            def job(env):
                env["appliance.count.session"].browse(session_id).action_validate()
                return "applied"

            return job

        results = self._race(apply(first), apply(second))
        self.assertEqual(sorted(map(type, results), key=str), [UserError, str], results)
        self.assertIn(
            "moved since the snapshot", str(next(r for r in results if r != "applied"))
        )
        book, moved = self._book_and_moves()
        self.assertEqual(book, 8.0, "the stock was corrected once, not twice")
        self.assertEqual(book, 10.0 + moved)

    def test_a_count_trusting_the_count_and_an_adjustment_stay_in_step(self):
        # book 10; the count (8) is applied while 1 unit is written off as damaged
        session_id = self._counted_session(8, policy="counted")

        def apply(env):
            env["appliance.count.session"].browse(session_id).action_validate()
            return "applied"

        def adjust(env):
            env["appliance.count.adjustment"].create(
                {
                    "product_id": self.product_id,
                    "location_id": self.rack_id,
                    "direction": "remove",
                    "quantity": 1,
                    "reason_id": self.damage_id,
                }
            )._apply()
            return "adjusted"

        results = self._race(apply, adjust)
        self.assertEqual(results, ["applied", "adjusted"])
        book, moved = self._book_and_moves()
        # whichever committed first, the other read the book again under lock:
        # count first -> 8 - 1 = 7; damage first -> 9, then set to the count: 8
        self.assertIn(book, (7.0, 8.0))
        self.assertEqual(book, 10.0 + moved, "book and moves in step")

    def test_two_write_offs_of_the_last_units_never_go_negative(self):
        # book 10; two people each write off 6 damaged units at once
        def adjust(env):
            env["appliance.count.adjustment"].create(
                {
                    "product_id": self.product_id,
                    "location_id": self.rack_id,
                    "direction": "remove",
                    "quantity": 6,
                    "reason_id": self.damage_id,
                }
            )._apply()
            return "adjusted"

        results = self._race(adjust, adjust)
        self.assertEqual(sorted(map(type, results), key=str), [UserError, str], results)
        book, moved = self._book_and_moves()
        self.assertEqual(book, 4.0)
        self.assertEqual(book, 10.0 + moved)
