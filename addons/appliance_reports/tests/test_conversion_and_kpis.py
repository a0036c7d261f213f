from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReportsCase


@tagged("post_install", "-at_install")
class TestConversionAndKpis(ReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        y = cls.YEAR
        sp = cls.salesperson_a
        # quotations of May: 4 created, 2 confirmed (1,000 and 3,000), 1 cancelled
        # (2,000), 1 still sent (4,000) -> 50 % by count, 4,000 / 10,000 by value
        cls.won_1 = cls._order(sp, [(cls.breaker, 1, 1000)], f"{y}-05-06")
        cls.won_2 = cls._order(sp, [(cls.meter, 5, 600)], f"{y}-05-08")
        cls.lost = cls._order(sp, [(cls.breaker, 2, 1000)], confirm=False)
        cls.lost.with_user(sp)._action_cancel()
        cls.open = cls._order(sp, [(cls.breaker, 4, 1000)], confirm=False)
        cls._created_on(cls.won_1 | cls.won_2 | cls.lost | cls.open, f"{y}-05-04")
        # April, the month before: one order of 2,000; May a year earlier: 1,000
        cls._created_on(
            cls._order(sp, [(cls.breaker, 2, 1000)], f"{y}-04-10"), f"{y}-04-09"
        )
        cls._created_on(
            cls._order(sp, [(cls.breaker, 1, 1000)], f"{y - 1}-05-10"), f"{y - 1}-05-09"
        )
        # opportunities of May: one with a confirmed order, one with a quotation
        # only, one without anything -> 1 / 3 converted
        Lead = cls.env["crm.lead"]
        cls.opportunities = Lead.create(
            [
                {
                    "name": f"Opportunity {i}",
                    "type": "opportunity",
                    "user_id": sp.id,
                    "partner_id": cls.customer.id,
                }
                for i in range(3)
            ]
        )
        cls.won_1.opportunity_id = cls.opportunities[0]
        cls.open.opportunity_id = cls.opportunities[1]
        cls._created_on(cls.opportunities, f"{y}-05-02")
        cls.Kpi = cls.env["appliance.sales.kpi"]

    def _may(self):
        return self.Kpi._appliance_period("month", reference=date(self.YEAR, 5, 15))

    def test_quotation_and_opportunity_conversion(self):
        conversion = self.Kpi._appliance_conversion(
            date(self.YEAR, 5, 1), date(self.YEAR, 6, 1)
        )
        self.assertEqual(conversion["quotation_count"], 4)
        self.assertEqual(conversion["won_count"], 2)
        self.assertAlmostEqual(conversion["conversion_rate"], 50.0)
        self.assertAlmostEqual(conversion["value_conversion_rate"], 40.0)
        self.assertEqual(conversion["opportunity_count"], 3)
        self.assertAlmostEqual(conversion["opportunity_conversion_rate"], 100 / 3)

    def test_period_bounds_and_comparisons(self):
        info = self._may()
        self.assertEqual(
            (info["date_from"], info["date_to"]), (date(2015, 5, 1), date(2015, 6, 1))
        )
        self.assertEqual(info["previous"], (date(2015, 4, 1), date(2015, 5, 1)))
        self.assertEqual(info["last_year"], (date(2014, 5, 1), date(2014, 6, 1)))
        self.assertFalse(info["running"])
        quarter = self.Kpi._appliance_period("quarter", reference=date(2015, 5, 15))
        self.assertEqual(quarter["date_from"], date(2015, 4, 1))
        self.assertEqual(quarter["previous"], (date(2015, 1, 1), date(2015, 4, 1)))
        week = self.Kpi._appliance_period("week", -1, reference=date(2015, 5, 15))
        self.assertEqual(
            (week["date_from"], week["date_to"]), (date(2015, 5, 4), date(2015, 5, 11))
        )

    def test_running_period_is_compared_to_date(self):
        today = self.Kpi._appliance_today()
        info = self.Kpi._appliance_period("month")
        elapsed = today.day
        self.assertTrue(info["running"])
        self.assertEqual((info["date_to"] - info["date_from"]).days, elapsed)
        start, end = info["last_year"]
        self.assertEqual((end - start).days, elapsed)

    def test_aov_month_on_month_and_year_on_year(self):
        kpis = self.Kpi._appliance_kpis(self._may())
        self.assertAlmostEqual(kpis["revenue"]["value"], 4000.0)
        self.assertEqual(kpis["order_count"]["value"], 2)
        self.assertAlmostEqual(kpis["average_order_value"]["value"], 2000.0)
        self.assertAlmostEqual(kpis["revenue"]["previous"], 2000.0)
        self.assertAlmostEqual(kpis["revenue"]["change_previous"], 100.0)
        self.assertAlmostEqual(kpis["revenue"]["last_year"], 1000.0)
        self.assertAlmostEqual(kpis["revenue"]["change_last_year"], 300.0)
        self.assertAlmostEqual(kpis["conversion_rate"]["value"], 50.0)

    def test_trend_has_every_month_with_mom_and_yoy(self):
        trend = self.Kpi._appliance_trend(3, date(self.YEAR, 5, 31))
        self.assertEqual(
            [row["start"] for row in trend],
            [date(2015, 3, 1), date(2015, 4, 1), date(2015, 5, 1)],
        )
        self.assertEqual([row["revenue"] for row in trend], [0.0, 2000.0, 4000.0])
        self.assertIsNone(
            trend[1]["change_previous"]
        )  # nothing in March to compare with
        self.assertAlmostEqual(trend[2]["change_previous"], 100.0)
        self.assertAlmostEqual(trend[2]["change_last_year"], 300.0)

    def test_dashboard_data_follow_the_user_rules(self):
        manager = self.Kpi.with_user(self.sales_manager).get_dashboard_data("month", 0)
        self.assertIn("revenue", manager["kpis"])
        self.assertEqual(len(manager["trend"]), 12)
        self.assertTrue(
            {
                "category",
                "customer_type",
                "province",
                "salesperson",
                "channel",
                "region",
            }
            <= set(manager["breakdowns"])
        )
        # salesperson B has no order in the history of this test: own figures only
        own = self.Kpi.with_user(self.salesperson_b)
        may_b = own._appliance_kpis(self._may())
        may_manager = self.Kpi.with_user(self.sales_manager)._appliance_kpis(
            self._may()
        )
        self.assertEqual(may_b["revenue"]["value"], 0.0)
        self.assertAlmostEqual(may_manager["revenue"]["value"], 4000.0)
        with self.assertRaises(AccessError):
            self.Kpi.with_user(self.portal_user).get_dashboard_data("month", 0)

    def test_dashboard_rejects_an_unknown_period(self):
        with self.assertRaises(ValueError):
            self.Kpi.get_dashboard_data("fortnight", 0)

    def test_dashboard_query_count_is_bounded(self):
        Kpi = self.Kpi.with_user(self.sales_manager)
        Kpi.get_dashboard_data("month", -1)
        with self.assertQueryCount(40):
            Kpi.get_dashboard_data("month", -1)
