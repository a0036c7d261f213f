from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.appliance_customer_band_history import DIMENSION_FIELDS
from .common import ApplianceCrmCase


@tagged("post_install", "-at_install")
class TestClassification(ApplianceCrmCase):
    def setUp(self):
        super().setUp()
        self._only_these_customers()
        self.js = self.env.ref("base.state_cn_JS")
        self.zj = self.env.ref("base.state_cn_ZJ")
        self.company.partner_id.write(
            {
                "state_id": self.js.id,
                "city": "南京",
                "country_id": self.env.ref("base.cn").id,
            }
        )
        cn = self.env.ref("base.cn").id
        self.a = self._customer(
            "Champion Co", state_id=self.js.id, country_id=cn, city="南京"
        )
        self.b = self._customer("Loyal Co", state_id=self.zj.id, country_id=cn)
        self.c = self._customer("Lost Co")
        self.d = self._customer("New Co", country_id=self.env.ref("base.de").id)
        self._history(self.a, [(10, 50000), (40, 40000), (100, 30000)])
        self._history(self.b, [(150, 10000), (240, 20000)])
        self._history(self.c, [(400, 50000)])
        self._history(self.d, [(10, 10000)])
        # cancelled orders never count
        self._history(self.d, [(5, 900000), (6, 900000)], state="cancel")
        self._set_params(
            window_months=12,
            frequency_mode="absolute", frequency_high=3, frequency_mid=2,
            spend_mode="absolute", spend_large=100000, spend_mid=30000,
            recent_days=90, lapsing_days=365, region_level="state",
        )  # fmt: skip

    def _bands(self, partner):
        return (
            partner.appliance_frequency_band,
            partner.appliance_spend_band,
            partner.appliance_recency_band,
            partner.appliance_region_band,
            partner.appliance_rfm_segment,
        )

    def test_manager_classifies_customers_on_absolute_thresholds(self):
        stats = (
            self.env["res.partner"].with_user(self.sales_manager)._appliance_classify()
        )
        self.assertEqual(stats["classified"], 4)
        self.assertEqual(
            self._bands(self.a), ("high", "large", "recent", "local", "champion")
        )
        # 2 orders = mid; 30,000 exactly reaches the mid spend threshold
        self.assertEqual(
            self._bands(self.b), ("mid", "mid", "lapsing", "non_local", "loyal")
        )
        # its only order is older than the 12-month window: nothing counts
        self.assertEqual(
            self._bands(self.c), ("low", "small", "dormant", False, "lost")
        )
        self.assertEqual(
            self._bands(self.d), ("low", "small", "recent", "non_local", "new")
        )
        self.assertEqual(self.a.appliance_order_count, 3)
        self.assertEqual(self.a.appliance_total_spend, 120000)
        self.assertEqual(self.c.appliance_order_count, 0)
        self.assertEqual(self.c.appliance_lifetime_order_count, 1)
        self.assertEqual(self.d.appliance_order_count, 1)

    def test_thresholds_edge_just_below(self):
        self._set_params(spend_mid=30000.01, frequency_high=4)
        self.env["res.partner"]._appliance_classify()
        self.assertEqual(self.b.appliance_spend_band, "small")
        self.assertEqual(self.a.appliance_frequency_band, "mid")

    def test_city_level_region(self):
        self.b.write({"state_id": self.js.id, "city": "苏州"})
        self._set_params(region_level="city")
        self.env["res.partner"]._appliance_classify()
        self.assertEqual(self.a.appliance_region_band, "local")
        self.assertEqual(self.b.appliance_region_band, "non_local")

    def test_percentile_thresholds_rank_the_whole_population(self):
        customers = [self._customer(f"P{n}") for n in range(6)]
        # another 6 customers: P0..P5 have 1..6 orders within the window
        for n, partner in enumerate(customers, start=1):
            self._history(partner, [(d + 1, 1000) for d in range(n)])
        self._set_params(
            frequency_mode="percentile", frequency_high=20, frequency_mid=50,
            spend_mode="percentile", spend_large=10, spend_mid=50,
        )  # fmt: skip
        self.env["res.partner"]._appliance_classify()
        # 10 customers: a has 3 orders, b 2, c 0, d 1; P0..P5 have 1..6.
        # high = top 20 % (2 of 10): P5 (1/10) and P4 (2/10); P3 is 3/10.
        # mid = top 50 %: P3 (3/10); P2 ties with a at 3 orders: 5/10 buy at
        # least that often, still within 50 %; P1 ties with b at 2: 7/10: low
        bands = {p.name: p.appliance_frequency_band for p in customers}
        self.assertEqual(bands["P5"], "high")
        self.assertEqual(bands["P4"], "high")
        self.assertEqual(bands["P3"], "mid")
        self.assertEqual(bands["P2"], "mid")
        self.assertEqual(self.a.appliance_frequency_band, "mid")
        self.assertEqual(bands["P1"], "low")
        self.assertEqual(self.b.appliance_frequency_band, "low")
        self.assertEqual(self.c.appliance_frequency_band, "low")
        # spend: a (120,000) is the single largest; top 10 % = 1 customer
        self.assertEqual(self.a.appliance_spend_band, "large")
        # b (30,000) is 2/10, d (10,000) 3/10, P5 (6,000) 4/10: mid
        self.assertEqual(self.b.appliance_spend_band, "mid")
        self.assertEqual(customers[5].appliance_spend_band, "mid")

    def test_percentile_ties_fall_in_the_lower_band(self):
        self._set_params(
            frequency_mode="percentile", frequency_high=25, frequency_mid=50
        )
        self._history(self.b, [(3, 1000)])  # a and b both have 3 orders now
        self.env["res.partner"]._appliance_classify()
        # a and b tie at the top: 2 of 4 customers = 50 % > 25 %: both mid
        self.assertEqual(self.a.appliance_frequency_band, "mid")
        self.assertEqual(self.b.appliance_frequency_band, "mid")

    def _logged(self, change):
        """``{dimension: (before, after)}`` of the bands a history row marks changed."""
        return {
            dimension: (change[f"old_{field}"], change[f"new_{field}"])
            for dimension, field in DIMENSION_FIELDS.items()
            if change[f"{dimension}_changed"]
        }

    def test_band_changes_are_logged_once(self):
        Partner = self.env["res.partner"]
        Partner._appliance_classify()
        history = self.env["appliance.customer.band.history"]
        first = history.search([("partner_id", "=", self.b.id)])
        # one row per customer and run, every band from nothing to its value
        self.assertEqual(
            self._logged(first),
            {
                "frequency": (False, "mid"),
                "spend": (False, "mid"),
                "region": (False, "non_local"),
                "recency": (False, "lapsing"),
                "rfm": (False, "loyal"),
            },
        )
        Partner._appliance_classify()
        self.assertEqual(history.search([("partner_id", "=", self.b.id)]), first)
        # b buys again this week: recent, 3 orders, 40,000
        self._history(self.b, [(2, 10000)])
        stats = Partner._appliance_classify()
        self.assertEqual(stats["changed"], 1)
        new = history.search([("partner_id", "=", self.b.id)]) - first
        self.assertEqual(
            self._logged(new),
            {
                "frequency": ("mid", "high"),
                "recency": ("lapsing", "recent"),
                "rfm": ("loyal", "champion"),
            },
        )
        # bands that did not change are kept on the row, unmarked
        self.assertEqual((new.old_spend_band, new.new_spend_band), ("mid", "mid"))
        self.assertEqual(
            new.summary,
            "RFM Segment: Loyal → Champions; Frequency: Mid → High;"
            " Recency: Lapsing → Recent",
        )
        self.assertEqual(
            history.search(
                [("rfm_changed", "=", True), ("new_rfm_segment", "=", "champion")]
            ),
            history.search([("partner_id", "=", self.a.id)]) | new,
        )

    def test_orders_of_contacts_count_for_their_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.c.id}
        )
        self._history(contact, [(1, 200000)])
        self.env["res.partner"]._appliance_classify()
        self.assertEqual(self.c.appliance_order_count, 1)
        self.assertEqual(self.c.appliance_spend_band, "large")
        self.assertFalse(contact.appliance_spend_band)

    def test_partial_run_matches_full_run(self):
        Partner = self.env["res.partner"]
        Partner._appliance_classify(partner_ids=self.b.ids)
        self.assertEqual(
            self._bands(self.b), ("mid", "mid", "lapsing", "non_local", "loyal")
        )
        self.assertFalse(self.a.appliance_frequency_band)

    def test_partner_list_filters_sorts_and_groups_by_band(self):
        self.env["res.partner"]._appliance_classify()
        customers = self.a | self.b | self.c | self.d
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.a.id}
        )
        # as a salesperson: the bands live in their own table, read through the partner
        Partner = self.env["res.partner"].with_user(self.salesperson_a)
        in_test = [("id", "in", (customers | contact).ids)]
        self.assertEqual(
            dict(Partner._read_group(in_test, ["appliance_rfm_segment"], ["__count"])),
            {"champion": 1, "loyal": 1, "lost": 1, "new": 1, False: 1},
        )
        self.assertEqual(
            dict(
                Partner._read_group(
                    [*in_test, ("appliance_frequency_band", "!=", False)],
                    ["appliance_frequency_band"],
                    ["appliance_total_spend:sum"],
                )
            ),
            {"high": 120000, "mid": 30000, "low": 10000},
        )
        self.assertEqual(
            Partner.search([*in_test, ("appliance_rfm_segment", "=", "champion")]),
            self.a,
        )
        self.assertEqual(
            Partner.search([*in_test, ("appliance_rfm_segment", "in", ["new", False])]),
            self.d | contact,
        )
        self.assertEqual(
            Partner.search([*in_test, ("appliance_region_band", "!=", "local")]),
            self.b | self.c | self.d | contact,
        )
        self.assertEqual(
            Partner.search(
                [*in_test, ("appliance_last_order_date", "!=", False)],
                order="appliance_total_spend desc",
            ).ids,
            (self.a | self.b | self.d | self.c).ids,
        )
        self.assertEqual(Partner.browse(self.a.id).appliance_rfm_segment, "champion")
        # the rows themselves: readable by the sales team, written by the pass only
        Band = self.env["appliance.customer.band"].with_user(self.salesperson_a)
        self.assertEqual(
            Band.search([("partner_id", "=", self.a.id)]).rfm_segment, "champion"
        )
        self.assertFalse(Band.has_access("write"))
        described = Partner.fields_get(
            ["appliance_rfm_segment", "appliance_total_spend"],
            ["groupable", "sortable"],
        )
        self.assertTrue(
            all(d["groupable"] and d["sortable"] for d in described.values())
        )

    def test_only_changed_customers_are_written(self):
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._appliance_classify()["updated"], 4)
        stats = Partner._appliance_classify()
        self.assertEqual((stats["updated"], stats["changed"]), (0, 0))
        # one customer's figures change without a band change: its row only
        self._history(self.a, [(3, 1000)])
        stats = Partner._appliance_classify()
        self.assertEqual((stats["updated"], stats["changed"]), (1, 0))
        self.assertEqual(self.a.appliance_order_count, 4)
        band = self.env["appliance.customer.band"].search(
            [("partner_id", "=", self.a.id)]
        )
        self.assertEqual(band.id, self.a.id)
        self.assertEqual(self.a.appliance_band_id, band)

    def test_merged_customers_are_reclassified_as_one(self):
        self.env["res.partner"]._appliance_classify()
        history = self.env["appliance.customer.band.history"]
        b_history = history.search([("partner_id", "=", self.b.id)])
        self.env["appliance.partner.merge"].with_user(self.sales_manager)._merge(
            self.a, self.b
        )
        self.assertFalse(self.b.exists())
        # b's row could not move to a (a row has its customer's id): deleted, and
        # a is reclassified with b's orders
        Band = self.env["appliance.customer.band"]
        self.assertFalse(Band.browse(self.b.id).exists())
        self.assertEqual(Band.search([("partner_id", "=", self.a.id)]).id, self.a.id)
        self.assertEqual(self.a.appliance_order_count, 5)
        self.assertEqual(self.a.appliance_total_spend, 150000)
        self.assertEqual(b_history.partner_id, self.a)

    def test_salesperson_cannot_reclassify(self):
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesperson_a)._appliance_classify()

    def test_customer_without_orders_loses_bands_when_no_longer_customer(self):
        Partner = self.env["res.partner"]
        Partner._appliance_classify()
        self.d.sale_order_ids.filtered(lambda o: o.state == "sale").write(
            {"state": "cancel"}
        )
        stats = Partner._appliance_classify()
        self.assertEqual(stats["updated"], 1)
        self.assertFalse(self.d.appliance_frequency_band)
        self.assertFalse(self.d.appliance_rfm_segment)
        self.assertFalse(self.d.appliance_band_id)
        # the change is logged: every band it had goes back to empty
        removed = self.env["appliance.customer.band.history"].search(
            [("partner_id", "=", self.d.id)], limit=1
        )
        self.assertEqual(
            self._logged(removed),
            {
                "frequency": ("low", False),
                "spend": ("small", False),
                "region": ("non_local", False),
                "recency": ("recent", False),
                "rfm": ("new", False),
            },
        )

    def test_strategy_per_segment_is_applied_to_customers(self):
        self.env["res.partner"]._appliance_classify()
        pricelist = self.env["product.pricelist"].create({"name": "Key accounts"})
        other_pricelist = self.env["product.pricelist"].create({"name": "Special deal"})
        term = self.env.ref("account.account_payment_term_30days")
        Strategy = self.env["appliance.customer.strategy"]
        champions = Strategy.create(
            {
                "name": "Champions",
                "sequence": 1,
                "rfm_segment": "champion",
                "pricelist_id": pricelist.id,
                "payment_term_id": term.id,
                "visit_interval_days": 14,
                "service_priority": "2",
            }
        )
        others = Strategy.create(
            {"name": "Others", "sequence": 9, "visit_interval_days": 90}
        )
        Strategy._apply_all()
        self.assertEqual(self.a.appliance_strategy_id, champions)
        self.assertEqual(self.a.specific_property_product_pricelist, pricelist)
        self.assertEqual(self.a.property_payment_term_id, term)
        self.assertEqual(self.a.appliance_visit_interval_days, 14)
        self.assertEqual(self.a.appliance_service_priority, "2")
        self.assertEqual((self.b | self.c | self.d).appliance_strategy_id, others)
        self.assertNotEqual(self.b.property_payment_term_id, term)
        # a deal agreed by hand survives the nightly job...
        self.a.specific_property_product_pricelist = other_pricelist
        Strategy._apply_all()
        self.assertEqual(self.a.specific_property_product_pricelist, other_pricelist)
        # ...until a manager re-applies the strategy; salespeople may not
        with self.assertRaises(AccessError):
            champions.with_user(self.salesperson_a).action_apply()
        champions.with_user(self.sales_manager).action_apply()
        self.assertEqual(self.a.specific_property_product_pricelist, pricelist)
        # b buys a lot again: it becomes a champion and gets the terms
        self._history(self.b, [(1, 200000), (2, 1000)])
        self.env["res.partner"]._cron_appliance_classify()
        self.assertEqual(self.b.appliance_strategy_id, champions)
        self.assertEqual(self.b.property_payment_term_id, term)

    def test_bands_are_the_sales_teams_not_the_portal_customers(self):
        self.env["res.partner"]._appliance_classify()
        own = self.portal_user.partner_id
        with self.assertRaises(AccessError):
            own.with_user(self.portal_user).read(["appliance_spend_band"])
        with self.assertRaises(AccessError):
            own.with_user(self.portal_user).read(["appliance_band_id"])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.warehouse_user).read(["appliance_rfm_segment"])
        [values] = self.customer.with_user(self.salesperson_a).read(
            ["appliance_spend_band", "appliance_order_count"]
        )
        self.assertIn("appliance_spend_band", values)
