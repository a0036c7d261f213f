from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReportsCase

MEASURES = [
    "revenue:sum",
    "cost:sum",
    "profit:sum",
    "margin_percent:avg",
    "product_uom_qty:sum",
    "order_count:sum",
    "average_order_value:avg",
]


@tagged("post_install", "-at_install")
class TestSalesStatistics(ReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        y = cls.YEAR
        # A: 2 breakers at 1,000 (cost 520 each), salesperson A, March
        cls.order_a = cls._order(
            cls.salesperson_a, [(cls.breaker, 2, 1000)], f"{y}-03-05"
        )
        # B: one set at 30,000 (cost 18,000) + one meter at 600 (cost 350), B, March
        cls.order_b = cls._order(
            cls.salesperson_b,
            [(cls.set_product, 1, 30000), (cls.meter, 1, 600)],
            f"{y}-03-20",
            partner=cls.customer_b,
        )
        # C: 5 meters at 600 (cost 350), salesperson A, April
        cls.order_c = cls._order(cls.salesperson_a, [(cls.meter, 5, 600)], f"{y}-04-02")
        # neither a cancelled order nor a quotation counts
        cls._order(cls.salesperson_a, [(cls.breaker, 9, 1000)], f"{y}-03-06").with_user(
            cls.salesperson_a
        )._action_cancel()
        cls._order(
            cls.salesperson_a, [(cls.breaker, 7, 1000)], f"{y}-03-07", confirm=False
        )
        cls.Analysis = cls.env["appliance.sales.analysis"]

    def _totals(self, user=None, domain=()):
        Analysis = self.Analysis.with_user(user) if user else self.Analysis
        values = Analysis._read_group(self._year_domain() + list(domain), [], MEASURES)[
            0
        ]
        return dict(zip([m.split(":")[0] for m in MEASURES], values, strict=True))

    def test_year_figures_match_the_hand_computed_ones(self):
        totals = self._totals()
        # revenue 2,000 + 30,600 + 3,000; cost 1,040 + 18,350 + 1,750
        self.assertAlmostEqual(totals["revenue"], 35600.0)
        self.assertAlmostEqual(totals["cost"], 21140.0)
        self.assertAlmostEqual(totals["profit"], 14460.0)
        self.assertAlmostEqual(totals["margin_percent"], 100 * 14460 / 35600)
        self.assertEqual(totals["product_uom_qty"], 9)
        self.assertEqual(totals["order_count"], 3)
        self.assertAlmostEqual(totals["average_order_value"], 35600 / 3)

    def test_margin_of_a_group_is_profit_over_revenue_not_an_average(self):
        rows = self.Analysis._read_group(
            self._year_domain(),
            ["date:month"],
            ["revenue:sum", "profit:sum", "margin_percent:avg", "order_count:sum"],
        )
        march, april = rows
        self.assertEqual(march[0].month, 3)
        self.assertAlmostEqual(march[1], 32600.0)
        self.assertAlmostEqual(march[2], 960 + 12250)
        # lines of March: 48 %, 40 %, 41.67 % -> their average would be 43.2 %
        self.assertAlmostEqual(march[3], 100 * 13210 / 32600)
        self.assertEqual(march[4], 2)
        self.assertAlmostEqual(april[1], 3000.0)
        self.assertAlmostEqual(april[3], 100 * 1250 / 3000)

    def test_figures_by_category_brand_model_and_province(self):
        by_categ = dict(
            self.Analysis._read_group(
                self._year_domain(), ["categ_id"], ["revenue:sum"]
            )
        )
        self.assertEqual(by_categ, {self.categ_sets: 30000.0, self.categ_parts: 5600.0})
        by_brand = dict(
            self.Analysis._read_group(
                self._year_domain(), ["brand_id"], ["revenue:sum"]
            )
        )
        # the breaker and the set carry the brand, the meter does not
        self.assertEqual(by_brand[self.brand], 32000.0)
        by_model = dict(
            self.Analysis._read_group(
                self._year_domain(), ["model_code"], ["product_uom_qty:sum"]
            )
        )
        self.assertEqual(by_model, {"TBM1-250/3300": 2, "GGX9-38": 1, "TBD-3": 6})
        by_province = dict(
            self.Analysis._read_group(
                self._year_domain(), ["state_id"], ["revenue:sum"]
            )
        )
        self.assertEqual(
            by_province,
            {
                self.env.ref("base.state_cn_JS"): 5000.0,
                self.env.ref("base.state_cn_ZJ"): 30600.0,
            },
        )
        rows = self.Analysis._read_group(
            self._year_domain(), ["customer_type", "user_id"], ["order_count:sum"]
        )
        self.assertEqual(
            {(kind, user): count for kind, user, count in rows},
            {
                ("contractor", self.salesperson_a): 2,
                ("contractor", self.salesperson_b): 1,
            },
        )

    def test_cost_follows_the_cost_recorded_on_the_line(self):
        # e.g. landed costs raising the valuation cost before the line is re-costed
        line = self.order_c.order_line
        line.purchase_price = 420
        totals = self._totals(domain=[("order_id", "=", self.order_c.id)])
        self.assertAlmostEqual(totals["cost"], 2100.0)
        self.assertAlmostEqual(totals["profit"], 900.0)
        self.assertIn("product", self.Analysis._cost_components())

    def test_an_order_in_another_currency_is_converted_at_its_rate(self):
        # e.g. an order in US dollars: 1 company-currency unit = 0.14 of them
        self.order_c.currency_rate = 0.14
        totals = self._totals(domain=[("order_id", "=", self.order_c.id)])
        self.assertAlmostEqual(totals["revenue"], 3000 / 0.14, places=2)
        self.assertAlmostEqual(totals["cost"], 1750 / 0.14, places=2)
        self.assertAlmostEqual(totals["margin_percent"], 100 * 1250 / 3000)
        # the orders in the company's currency are taken as they are
        others = self._totals(domain=[("order_id", "!=", self.order_c.id)])
        self.assertAlmostEqual(others["revenue"], 32600.0)

    def test_salesperson_sees_only_the_figures_of_their_own_orders(self):
        own = self._totals(self.salesperson_a)
        self.assertAlmostEqual(own["revenue"], 5000.0)
        self.assertEqual(own["order_count"], 2)
        other = self._totals(self.salesperson_b)
        self.assertAlmostEqual(other["revenue"], 30600.0)

    def test_approver_manager_and_finance_see_every_order(self):
        for user in (self.approver, self.sales_manager, self.finance_user):
            with self.subTest(user=user.login):
                self.assertAlmostEqual(self._totals(user)["revenue"], 35600.0)

    def test_portal_and_warehouse_users_have_no_access(self):
        for user in (self.portal_user, self.warehouse_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Analysis.with_user(user)._read_group([], [], ["revenue:sum"])

    def test_drill_down_opens_the_order(self):
        row = self.Analysis.search([("order_id", "=", self.order_a.id)])
        self.assertEqual(len(row), 1)
        action = row.action_open_order()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("sale.order", self.order_a.id)
        )

    def test_pivot_by_month_and_category_costs_a_fixed_number_of_queries(self):
        self.env.flush_all()
        Analysis = self.Analysis.with_user(self.sales_manager)
        Analysis._read_group([], [], ["revenue:sum"])  # warm the caches (rules, fields)
        # the grouped query, the category names, the access rules: not per row
        with self.assertQueryCount(5):
            Analysis.formatted_read_group(
                self._year_domain(),
                ["date:month", "categ_id"],
                ["revenue:sum", "profit:sum", "margin_percent:avg", "__count"],
            )
