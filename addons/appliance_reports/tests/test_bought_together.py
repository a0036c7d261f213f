from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ReportsCase


@tagged("post_install", "-at_install")
class TestBoughtTogether(ReportsCase):
    """Five orders of the test year: {A, B}, {A, B, C}, {A, C}, {B}, {A, B, C}
    with A = breaker, B = meter, C = set. N = 5; n(A) = 4, n(B) = 4, n(C) = 3,
    n(AB) = 3, n(AC) = 3, n(BC) = 2, n(ABC) = 2."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a, b, c = cls.breaker, cls.meter, cls.set_product
        baskets = [(a, b), (a, b, c), (a, c), (b,), (a, b, c)]
        for i, basket in enumerate(baskets):
            cls._order(
                cls.salesperson_a,
                [(product, 1, product.list_price) for product in basket],
                f"{cls.YEAR}-06-{i + 1:02d}",
            )
        cls.Affinity = cls.env["appliance.product.affinity"]
        cls.company = cls.env.company
        cls.company.appliance_affinity_min_lift = 1.2
        cls.stats = cls.Affinity._appliance_mine(
            cls.company,
            date_from=cls._at(f"{cls.YEAR}-01-01", 0),
            date_to=cls._at(f"{cls.YEAR + 1}-01-01", 0),
            min_orders=2,
        )

    def _pair(self, first, second):
        low, high = sorted((first, second), key=lambda p: p.id)
        return self.Affinity.search(
            [
                ("company_id", "=", self.company.id),
                ("product_a_id", "=", low.id),
                ("product_b_id", "=", high.id),
                ("product_c_id", "=", False),
            ]
        )

    def test_support_confidence_and_lift_of_pairs(self):
        self.assertEqual(self.stats["orders"], 5)
        self.assertEqual(self.stats["pairs"], 3)
        a, b, c = self.breaker, self.meter, self.set_product
        expected = {
            # pair: (orders, support, lift, confidence first->second, second->first)
            (a, b): (3, 0.6, 0.9375, 0.75, 0.75),
            (a, c): (3, 0.6, 1.25, 0.75, 1.0),
            (b, c): (2, 0.4, 5 / 6, 0.5, 2 / 3),
        }
        for (first, second), (
            count,
            support,
            lift,
            conf_12,
            conf_21,
        ) in expected.items():
            with self.subTest(pair=(first.name, second.name)):
                pair = self._pair(first, second)
                self.assertEqual(pair.order_count, count)
                self.assertAlmostEqual(pair.support, support)
                self.assertAlmostEqual(pair.lift, lift)
                forward = (
                    pair.confidence_ab
                    if pair.product_a_id == first
                    else pair.confidence_ba
                )
                backward = (
                    pair.confidence_ba
                    if pair.product_a_id == first
                    else pair.confidence_ab
                )
                self.assertAlmostEqual(forward, conf_12)
                self.assertAlmostEqual(backward, conf_21)
                self.assertAlmostEqual(pair.confidence, max(conf_12, conf_21))

    def test_set_of_three(self):
        self.assertEqual(self.stats["triples"], 1)
        triple = self.Affinity.search(
            [("company_id", "=", self.company.id), ("size", "=", 3)]
        )
        self.assertEqual(
            triple.product_a_id | triple.product_b_id | triple.product_c_id,
            self.breaker | self.meter | self.set_product,
        )
        self.assertEqual(triple.order_count, 2)
        self.assertAlmostEqual(triple.support, 0.4)
        # {B, C} -> A: 2 of the 2 orders holding B and C
        self.assertAlmostEqual(triple.confidence, 1.0)
        self.assertAlmostEqual(triple.lift, 2 * 25 / (4 * 4 * 3))

    def test_minimum_orders_prunes_and_recomputing_replaces(self):
        stats = self.Affinity._appliance_mine(
            self.company,
            date_from=self._at(f"{self.YEAR}-01-01", 0),
            date_to=self._at(f"{self.YEAR + 1}-01-01", 0),
            min_orders=3,
        )
        self.assertEqual((stats["pairs"], stats["triples"]), (2, 0))
        self.assertEqual(
            self.Affinity.search_count([("company_id", "=", self.company.id)]), 2
        )
        with self.assertRaises(UserError):
            self.Affinity._appliance_mine(self.company, min_orders=-1)

    def test_quotation_suggests_products_bought_together_and_adds_them(self):
        quotation = self._order(
            self.salesperson_a, [(self.breaker, 1, 1000)], confirm=False
        ).with_user(self.salesperson_a)
        suggestions = quotation.appliance_bought_together()
        # A -> C has lift 1.25 >= 1.2; A -> B (lift 0.94) is not suggested
        self.assertEqual([s["product_id"] for s in suggestions], [self.set_product.id])
        self.assertAlmostEqual(suggestions[0]["confidence"], 0.75)
        self.assertEqual(suggestions[0]["because_of"], self.breaker.display_name)
        # the form's products, saved or not, can be passed explicitly
        unsaved = quotation.appliance_bought_together([self.set_product.id])
        self.assertEqual([s["product_id"] for s in unsaved], [self.breaker.id])
        quotation.action_appliance_add_product(self.set_product.id)
        self.assertEqual(
            quotation.order_line.product_id, self.breaker | self.set_product
        )
        self.assertEqual(quotation.appliance_bought_together(), [])

    def test_suggestions_for_a_new_unsaved_quotation(self):
        # the form widget passes the products of a quotation not saved yet
        suggestions = (
            self.env["sale.order"]
            .with_user(self.salesperson_a)
            .appliance_bought_together([self.set_product.id])
        )
        self.assertEqual([s["product_id"] for s in suggestions], [self.breaker.id])

    def test_confirmed_orders_get_no_added_product(self):
        order = self._order(self.salesperson_a, [(self.breaker, 1, 1000)])
        with self.assertRaises(UserError):
            order.with_user(self.salesperson_a).action_appliance_add_product(
                self.meter.id
            )

    def test_list_is_for_managers_and_finance_suggestions_for_salespeople(self):
        self.assertTrue(self.Affinity.with_user(self.approver).search_count([]))
        self.assertTrue(self.Affinity.with_user(self.finance_user).search_count([]))
        for user in (self.salesperson_a, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Affinity.with_user(user).search([])
        with self.assertRaises(AccessError):
            self.Affinity.with_user(self.approver).action_recompute()
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(
                self.portal_user
            ).appliance_bought_together([self.breaker.id])

    def test_drill_down_lists_the_orders_holding_the_pair(self):
        pair = self._pair(self.breaker, self.set_product)
        pair.company_id.appliance_affinity_window_days = 365 * 30
        action = pair.action_open_orders()
        orders = self.env["sale.order"].search(action["domain"])
        self.assertEqual(
            len(orders.filtered(lambda o: o.date_order.year == self.YEAR)), 3
        )

    def test_suggestions_cost_few_queries(self):
        quotation = self._order(
            self.salesperson_a, [(self.breaker, 1, 1000)], confirm=False
        )
        quotation = quotation.with_user(self.salesperson_a)
        quotation.appliance_bought_together()
        quotation.invalidate_recordset()
        with self.assertQueryCount(6):
            quotation.appliance_bought_together()
