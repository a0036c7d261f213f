from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReportsCase


@tagged("post_install", "-at_install")
class TestPurchaseCycle(ReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        base = {
            "is_company": True,
            "phone": "025-86668888",
            "street": "中山路 1 号",
            "city": "南京",
            "state_id": cls.env.ref("base.state_cn_JS").id,
            "country_id": cls.env.ref("base.cn").id,
        }
        cls.regular = Partner.create(
            base | {"name": "Regular buyer", "user_id": cls.salesperson_a.id}
        )
        cls.irregular = Partner.create(
            base | {"name": "Irregular buyer", "user_id": cls.salesperson_b.id}
        )
        cls.once = Partner.create(base | {"name": "One-off buyer"})
        cls.due = Partner.create(
            base | {"name": "Due buyer", "user_id": cls.salesperson_a.id}
        )
        y = cls.YEAR
        sp = cls.salesperson_a
        # every 30 days; sets on the first two, breakers on all four
        for day, with_set in (
            (f"{y}-01-01", True),
            (f"{y}-01-31", True),
            (f"{y}-03-02", False),
            (f"{y}-04-01", False),
        ):
            lines = [(cls.breaker, 1, 1000)] + (
                [(cls.set_product, 1, 26000)] if with_set else []
            )
            cls._order(sp, lines, day, partner=cls.regular)
        # a second order on the same day counts as one purchase day
        cls._order(sp, [(cls.meter, 1, 600)], f"{y}-04-01", partner=cls.regular)
        # gaps of 10 and 50 days: median 30, neither within 25 % of it
        for day in (f"{y}-01-01", f"{y}-01-11", f"{y}-03-02"):
            cls._order(
                cls.salesperson_b, [(cls.meter, 1, 600)], day, partner=cls.irregular
            )
        cls._order(sp, [(cls.meter, 1, 600)], f"{y}-05-05", partner=cls.once)
        # bought 90, 60 and 30 days ago: next purchase due today
        today = cls.env["appliance.sales.kpi"]._appliance_today()
        for days in (90, 60, 30):
            cls._order(
                sp, [(cls.meter, 1, 600)], today - timedelta(days=days), partner=cls.due
            )
        cls.Cycle = cls.env["appliance.purchase.cycle"]
        cls.count = cls.Cycle._appliance_refresh(cls.env.company)
        cls.today = today

    def _cycle(self, partner, categ=False):
        return self.Cycle.search(
            [("partner_id", "=", partner.id), ("categ_id", "=", categ and categ.id)]
        )

    def test_regular_customer_median_prediction_and_confidence(self):
        cycle = self._cycle(self.regular)
        self.assertEqual(cycle.order_count, 4)
        self.assertEqual(
            (cycle.first_date, cycle.last_date), (date(2015, 1, 1), date(2015, 4, 1))
        )
        self.assertEqual(cycle.median_interval, 30)
        self.assertEqual(cycle.predicted_date, date(2015, 5, 1))
        # 3 regular intervals / (3 + 1)
        self.assertAlmostEqual(cycle.confidence, 0.75)
        self.assertEqual(cycle.user_id, self.salesperson_a)

    def test_cycle_per_category(self):
        sets = self._cycle(self.regular, self.categ_sets)
        self.assertEqual((sets.order_count, sets.median_interval), (2, 30))
        self.assertEqual(sets.predicted_date, date(2015, 3, 2))
        self.assertAlmostEqual(sets.confidence, 0.5)
        parts = self._cycle(self.regular, self.categ_parts)
        self.assertEqual(parts.predicted_date, date(2015, 5, 1))

    def test_irregular_customer_gets_a_low_confidence(self):
        cycle = self._cycle(self.irregular)
        self.assertEqual(cycle.median_interval, 30)
        self.assertEqual(cycle.predicted_date, date(2015, 4, 1))
        self.assertEqual(cycle.confidence, 0.0)

    def test_a_single_purchase_gives_no_cycle(self):
        self.assertFalse(self._cycle(self.once))

    def test_crm_hook_returns_the_prediction(self):
        partners = self.regular | self.irregular | self.once
        predictions = partners._appliance_predict_next_purchase()
        self.assertEqual(predictions[self.regular.id]["date"], date(2015, 5, 1))
        self.assertAlmostEqual(predictions[self.regular.id]["confidence"], 0.75)
        self.assertEqual(predictions[self.irregular.id]["confidence"], 0.0)
        self.assertNotIn(self.once.id, predictions)
        # a contact of the company gets the company's prediction
        contact = self.env["res.partner"].create(
            {"name": "Buyer's contact", "parent_id": self.regular.id}
        )
        self.assertIn(self.regular.id, contact._appliance_predict_next_purchase())

    def test_hook_is_live_not_the_nightly_table(self):
        self._order(
            self.salesperson_a,
            [(self.meter, 1, 600)],
            "2015-05-01",
            partner=self.regular,
        )
        prediction = self.regular._appliance_predict_next_purchase()[self.regular.id]
        self.assertEqual(prediction["date"], date(2015, 5, 31))
        self.assertAlmostEqual(prediction["confidence"], 0.8)

    def test_due_soon_list(self):
        due = self.Cycle.search(self.Cycle._appliance_due_domain(days=7))
        self.assertIn(self.due, due.partner_id)
        self.assertNotIn(self.regular, due.partner_id)
        self.assertEqual(self._cycle(self.due).predicted_date, self.today)
        action = self.Cycle.with_user(self.sales_manager)._appliance_action_due_soon()
        self.assertEqual(action["res_model"], "appliance.purchase.cycle")
        self.assertIn(("categ_id", "=", False), action["domain"])

    def test_salesperson_sees_the_cycles_of_their_own_customers(self):
        own = self.Cycle.with_user(self.salesperson_a).search([])
        self.assertIn(self.regular, own.partner_id)
        self.assertNotIn(self.irregular, own.partner_id)
        self.assertIn(
            self.irregular, self.Cycle.with_user(self.approver).search([]).partner_id
        )
        with self.assertRaises(AccessError):
            self.Cycle.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.Cycle.with_user(self.salesperson_a).action_recompute()

    def test_refresh_replaces_the_rows(self):
        count = self.Cycle._appliance_refresh(self.env.company)
        self.assertEqual(count, self.count)
        self.assertEqual(len(self._cycle(self.regular)), 1)
