from odoo.fields import Command
from odoo.tests import tagged

from .count_common import CountCase

# Queries of applying a session: a fixed part, and per product (line with a
# variance) what Odoo's move validation needs (lock the quant, create the
# inventory location's quant of a product never adjusted before).
APPLY_BASE = 55
APPLY_PER_PRODUCT = 2
# the snapshot and entering the counts take the same queries for 3 or 9 products
SNAPSHOT = 46
COUNT = 15


@tagged("post_install", "-at_install")
class TestCountPerformance(CountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.appliance_count_recount_pct = 0.0
        cls.company.appliance_count_approval_value = 0.0

    def _counted_session(self, n_products, user):
        rack = self.env["stock.location"].create(
            {"name": f"Perf rack {n_products}", "location_id": self.stock_location.id}
        )
        products = self.env["product.product"].create(
            [
                {"name": f"Perf item {n_products}-{i}", "is_storable": True,
                 "standard_price": 10.0 + i}
                for i in range(n_products)
            ]
        )  # fmt: skip
        for product in products:
            self._add_stock(product, 10, rack)
        session = self.Session.with_user(user).create(
            {"warehouse_id": self.warehouse.id, "location_ids": [Command.set(rack.ids)]}
        )
        return session, products

    def _run(self, sessions, counts=None):
        """Start, count, review and apply ``sessions`` step by step; with
        ``counts`` (expected queries per step and size), assert them."""
        for session in sessions:
            self.env.invalidate_all()
            with self.assertQueryCount(counts["start"] if counts else 999):
                session.action_start()
        for session in sessions:
            self.env.invalidate_all()
            with self.assertQueryCount(counts["count"] if counts else 999):
                session.line_ids._set_counts(
                    {line.id: line.theoretical_qty - 1 for line in session.line_ids},
                    mode="set",
                )
            session.action_finish_counting()
            session.line_ids.reason_id = self.reason_loss
        for session in sessions:
            self.env.invalidate_all()
            expected = counts["apply"](len(session.line_ids)) if counts else 999
            with self.assertQueryCount(expected):
                session.action_validate()

    def test_snapshot_count_and_apply_queries_are_constant_per_product(self):
        user = self.warehouse_user
        counts = {
            "start": SNAPSHOT,
            "count": COUNT,
            "apply": lambda n: APPLY_BASE + n * APPLY_PER_PRODUCT,
        }
        # a first session warms the caches (registry, access rules, fields)
        self._run(self._counted_session(3, user)[:1])
        small, _products = self._counted_session(3, user)
        self._run(small, counts)
        large, large_products = self._counted_session(9, user)
        self._run(large, counts)
        self.assertEqual(large.state, "done")
        self.assertEqual(len(large.move_ids), 9)
        for product in large_products:
            self.assertEqual(self._on_hand(product, large.location_ids), 9.0)
