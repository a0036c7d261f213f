from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.appliance_sales.tests.common import ApplianceCase


class CostStackCase(ApplianceCase):
    """Two components in a FIFO (or AVCO) category with perpetual valuation,
    dedicated accounts and helpers to receive, deliver and bill freight."""

    cost_method = "fifo"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        Account = env["account.account"]
        cls.stock_account = Account.create(
            {
                "name": "Stock (cost test)",
                "code": "110901",
                "account_type": "asset_current",
            }
        )
        cls.cogs_account = Account.create(
            {
                "name": "COGS (cost test)",
                "code": "500901",
                "account_type": "expense_direct_cost",
            }
        )
        cls.freight_account = Account.create(
            {"name": "Freight clearing", "code": "600901", "account_type": "expense"}
        )
        cls.storage_account = Account.create(
            {
                "name": "Warehousing absorbed",
                "code": "600902",
                "account_type": "expense",
            }
        )
        cls.category = env["product.category"].create(
            {
                "name": f"Cost stack {cls.cost_method}",
                "property_cost_method": cls.cost_method,
                "property_valuation": "real_time",
                "property_stock_valuation_account_id": cls.stock_account.id,
                "property_account_expense_categ_id": cls.cogs_account.id,
            }
        )
        Product = env["product.product"]
        cls.product_a = Product.create(
            {
                "name": "ACB 1600A",
                "is_storable": True,
                "categ_id": cls.category.id,
                "weight": 2.0,
                "volume": 0.1,
                "list_price": 150,
            }
        )
        cls.product_b = Product.create(
            {
                "name": "Busbar kit",
                "is_storable": True,
                "categ_id": cls.category.id,
                "weight": 6.0,
                "volume": 0.05,
                "list_price": 80,
            }
        )
        cls.vendor = env["res.partner"].create({"name": "Cost Test Vendor"})
        cls.carrier = env["res.partner"].create({"name": "Cost Test Carrier"})
        cls.freight = env.ref("appliance_stock.product_freight_cost")
        # the story starts after the products' creation: AVCO replays moves
        # from the last price record (written when a product is created)
        cls.t0 = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    @classmethod
    def _set_date(cls, picking, date):
        picking.move_ids.write({"date": date})
        picking.move_ids.move_line_ids.write({"date": date})
        picking.date_done = date

    @classmethod
    def _receive(cls, lines, date):
        """Purchase and receive [(product, qty, price)] at ``date``."""
        order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.vendor.id,
                "picking_type_id": cls.warehouse.in_type_id.id,
                "order_line": [
                    fields.Command.create(
                        {"product_id": p.id, "product_qty": q, "price_unit": price}
                    )
                    for p, q, price in lines
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        cls._set_date(picking, date)
        return picking

    @classmethod
    def _sell(cls, product, qty, price, date):
        """Sell and deliver ``qty`` at ``price`` on ``date``."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        picking.button_validate()
        cls._set_date(picking, date)
        return picking

    def _freight_bill(self, amount, pickings, split_method, account=True):
        """A carrier's bill with a freight line, turned into a validated landed
        cost on ``pickings`` (Odoo's vendor bill → landed cost flow). With
        ``account`` False, the accounts Odoo picks are kept."""
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.carrier.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": self.freight.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                            "is_landed_costs_line": True,
                        }
                    )
                ],
            }
        )
        if account:
            bill.invoice_line_ids.account_id = self.freight_account
        bill.action_post()
        action = bill.button_create_landed_costs()
        cost = self.env["stock.landed.cost"].browse(action["res_id"])
        cost.picking_ids = pickings
        cost.cost_lines.split_method = split_method
        if account:
            cost.cost_lines.account_id = self.freight_account
        cost.compute_landed_cost()
        cost.button_validate()
        return cost

    def _storage_rule(self, **vals):
        return self.env["appliance.storage.cost.rule"].create(
            {
                "name": "Main warehouse",
                "basis": "unit_day",
                "rate": 0.5,
                "categ_id": self.category.id,
                "account_id": self.storage_account.id,
                "date_start": self.t0.date(),
                **vals,
            }
        )

    def _balances(self, journal_entry):
        """{(account, product): balance} of a journal entry."""
        balances = {}
        for line in journal_entry.line_ids:
            key = (line.account_id, line.product_id)
            balances[key] = round(balances.get(key, 0.0) + line.balance, 2)
        return {key: balance for key, balance in balances.items() if balance}

    def _report(self, product):
        report = self.env["appliance.cost.structure.report"]
        report.invalidate_model()
        return report.search([("product_id", "=", product.id)])

    def _stock_value(self, product):
        product.invalidate_recordset()
        return round(product.with_company(self.company).total_value, 2)


@tagged("post_install", "-at_install")
class TestCostStackFifo(CostStackCase):
    def test_full_unit_cost_of_purchase_freight_by_weight_and_storage(self):
        """10 A at 100 and 5 B at 40 in one receipt; 50 of freight by weight
        (A 20 kg, B 30 kg); 0.5 per unit per day for 30 days."""
        receipt = self._receive(
            [(self.product_a, 10, 100), (self.product_b, 5, 40)], self.t0
        )
        freight = self._freight_bill(50, receipt, "by_weight")

        self.assertEqual(freight.state, "done")
        self.assertEqual(
            self._balances(freight.account_move_id),
            {
                (self.stock_account, self.product_a): 20.0,
                (self.stock_account, self.product_b): 30.0,
                (self.freight_account, self.product_a): -20.0,
                (self.freight_account, self.product_b): -30.0,
            },
        )

        rule = self._storage_rule()
        storage = rule._apply_storage_costs(self.t0 + timedelta(days=30))
        self.assertEqual(storage.appliance_cost_kind, "storage")
        self.assertEqual(storage.amount_total, 225.0)  # (10 + 5) × 30 × 0.5
        self.assertEqual(
            self._balances(storage.account_move_id),
            {
                (self.stock_account, self.product_a): 150.0,
                (self.stock_account, self.product_b): 75.0,
                (self.storage_account, self.product_a): -150.0,
                (self.storage_account, self.product_b): -75.0,
            },
        )
        self.assertEqual(rule.date_applied, self.t0 + timedelta(days=30))
        # the units in stock carry it all: 10 × (100 + 2 + 15)
        self.assertEqual(self._stock_value(self.product_a), 1170.0)
        self.assertEqual(self._stock_value(self.product_b), 305.0)  # 5 × 61

        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=31))
        row = self._report(self.product_a)
        self.assertRecordValues(
            row,
            [
                {
                    "qty_in": 10,
                    "qty_out": 4,
                    "qty_sold": 4,
                    "purchase_unit_cost": 100.0,
                    "freight_in_unit_cost": 2.0,
                    "storage_unit_cost": 15.0,
                    "freight_out_unit_cost": 0.0,
                    "unit_cost": 117.0,
                    "sale_price": 150.0,
                    "margin": 33.0,
                    "margin_percent": 22.0,
                    "storage_share": round(100 * 15 / 117, 2),
                }
            ],
        )
        self.assertAlmostEqual(self._report(self.product_b).unit_cost, 61.0, places=2)

    def test_freight_after_partial_sale_reaches_cost_of_goods_sold(self):
        """Receive 10 at 100, deliver 4, then the 50 freight bill arrives:
        6/10 is capitalised, 4/10 goes straight to COGS (odoo/odoo#249198)."""
        receipt = self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=1))
        freight = self._freight_bill(50, receipt, "by_quantity")

        self.assertEqual(
            self._balances(freight.account_move_id),
            {
                (self.stock_account, self.product_a): 30.0,
                (self.cogs_account, self.product_a): 20.0,
                (self.freight_account, self.product_a): -50.0,
            },
        )
        self.assertEqual(freight.appliance_cogs_amount, 20.0)
        self.assertEqual(self._stock_value(self.product_a), 630.0)
        row = self._report(self.product_a)
        self.assertEqual(row.freight_in_unit_cost, 5.0)
        self.assertEqual(row.cogs_direct_amount, 20.0)
        self.assertEqual(row.unit_cost, 105.0)

        # the 6 left in stock go out at 105
        delivery = self._sell(self.product_a, 6, 150, self.t0 + timedelta(days=2))
        self.assertEqual(delivery.move_ids.value, 630.0)

    def test_periodic_valuation_values_stock_and_reports_without_entries(self):
        self.category.property_valuation = "periodic"
        receipt = self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=1))
        freight = self._freight_bill(50, receipt, "by_quantity")
        self.assertFalse(freight.account_move_id)
        self.assertEqual(self._stock_value(self.product_a), 630.0)
        self.assertEqual(self._report(self.product_a).cogs_direct_amount, 20.0)

    def test_freight_bill_booked_on_stock_leaves_only_the_share_in_stock(self):
        """Freight product in the perpetual category: Odoo books the bill on
        the stock account; the landed cost moves the delivered share to COGS."""
        self.freight.categ_id = self.category
        receipt = self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=1))
        freight = self._freight_bill(50, receipt, "by_quantity", account=False)
        entries = freight.vendor_bill_id | freight.account_move_id
        lines = entries.line_ids
        stock = lines.filtered(lambda line: line.account_id == self.stock_account)
        cogs = lines.filtered(lambda line: line.account_id == self.cogs_account)
        self.assertAlmostEqual(sum(stock.mapped("balance")), 30.0)
        self.assertAlmostEqual(sum(cogs.mapped("balance")), 20.0)

    def test_freight_on_fully_sold_receipt_still_posts_an_entry(self):
        receipt = self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 10, 150, self.t0 + timedelta(days=1))
        freight = self._freight_bill(50, receipt, "by_quantity")
        self.assertEqual(
            self._balances(freight.account_move_id),
            {
                (self.cogs_account, self.product_a): 50.0,
                (self.freight_account, self.product_a): -50.0,
            },
        )

    def test_outbound_freight_goes_to_cost_of_goods_sold(self):
        self._receive([(self.product_a, 10, 100)], self.t0)
        delivery = self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=1))
        freight = self._freight_bill(12, delivery, "by_quantity")

        self.assertEqual(
            self._balances(freight.account_move_id),
            {
                (self.cogs_account, self.product_a): 12.0,
                (self.freight_account, self.product_a): -12.0,
            },
        )
        # the delivery keeps the value it took out of stock
        self.assertEqual(delivery.move_ids.value, 400.0)
        self.assertEqual(self._stock_value(self.product_a), 600.0)
        row = self._report(self.product_a)
        self.assertEqual(row.freight_out_unit_cost, 3.0)  # 12 / 4 delivered
        self.assertEqual(row.unit_cost, 103.0)

    def test_storage_of_units_sold_during_the_period_goes_to_cogs(self):
        """10 received at t0, 4 delivered at t0+10d, run at t0+30d:
        4 × 10 × 0.5 = 20 to COGS, 6 × 30 × 0.5 = 90 onto the 6 in stock."""
        self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=10))
        storage = self._storage_rule()._apply_storage_costs(
            self.t0 + timedelta(days=30)
        )
        self.assertEqual(storage.amount_total, 110.0)
        self.assertEqual(
            self._balances(storage.account_move_id),
            {
                (self.stock_account, self.product_a): 90.0,
                (self.cogs_account, self.product_a): 20.0,
                (self.storage_account, self.product_a): -110.0,
            },
        )
        self.assertEqual(self._stock_value(self.product_a), 690.0)  # 6 × 115
        self.assertEqual(storage.appliance_cogs_amount, 20.0)
        row = self._report(self.product_a)
        self.assertEqual(row.storage_unit_cost, 11.0)  # 110 / 10 received

    def test_storage_bases_volume_and_value(self):
        self._receive([(self.product_a, 10, 100)], self.t0)
        rules = self._storage_rule(basis="volume_day", rate=2.0) | self._storage_rule(
            name="Capital", basis="value_month", rate=1.5
        )
        storage = rules._apply_storage_costs(self.t0 + timedelta(days=30))
        charged = {
            line.appliance_rule_id: line.price_unit for line in storage.cost_lines
        }
        # 2 per m³-day × 0.1 m³ × 10 units × 30 days
        self.assertEqual(charged[rules[0]], 60.0)
        # 1.5 % per month of a unit cost of 100 × 10 units × 30/30 months
        self.assertEqual(charged[rules[1]], 15.0)

    def test_second_run_charges_only_the_new_period(self):
        self._receive([(self.product_a, 10, 100)], self.t0)
        rule = self._storage_rule()
        rule._apply_storage_costs(self.t0 + timedelta(days=30))
        second = rule._apply_storage_costs(self.t0 + timedelta(days=40))
        self.assertEqual(second.amount_total, 50.0)  # 10 × 10 days × 0.5
        self.assertFalse(rule._apply_storage_costs(self.t0 + timedelta(days=40)))

    def test_monthly_job_and_apply_now_charge_up_to_now(self):
        self._receive([(self.product_a, 10, 100)], self.t0 - timedelta(days=2))
        rule = self._storage_rule(date_start=self.t0.date() - timedelta(days=2))
        Rule = self.env["appliance.storage.cost.rule"]
        with patch.object(type(self.env["ir.cron"]), "_commit_progress") as progress:
            Rule._cron_apply_storage_costs()
        progress.assert_called()
        self.assertTrue(rule.date_applied)
        job_cost = rule.cost_line_ids.cost_id
        self.assertEqual(job_cost.state, "done")
        self.assertEqual(rule.landed_cost_count, 1)
        # nothing new to charge right after the job
        action = rule.with_user(self.warehouse_manager).action_apply_now()
        self.assertEqual(action["tag"], "display_notification")

    def test_warehouse_rule_charges_only_its_warehouse(self):
        other = self.env["stock.warehouse"].create(
            {"name": "Cost test WH2", "code": "CTW2", "company_id": self.company.id}
        )
        self._receive([(self.product_a, 10, 100)], self.t0)
        rule = self._storage_rule(warehouse_id=other.id)
        self.assertFalse(rule._apply_storage_costs(self.t0 + timedelta(days=30)))

    def test_freight_on_a_receipt_not_done_is_refused(self):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    fields.Command.create(
                        {"product_id": self.product_a.id, "product_qty": 3}
                    )
                ],
            }
        )
        order.button_confirm()
        cost = self.env["stock.landed.cost"].create(
            {
                "picking_ids": [fields.Command.set(order.picking_ids.ids)],
                "cost_lines": [
                    fields.Command.create(
                        {
                            "product_id": self.freight.id,
                            "price_unit": 10,
                            "split_method": "equal",
                        }
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "is not done yet"):
            cost.button_validate()

    def test_negative_rate_is_refused_with_the_rule_name(self):
        with self.assertRaisesRegex(ValidationError, "Handling"):
            self._storage_rule(name="Handling", rate=-1)

    def test_warehousing_costs_cannot_be_split_again(self):
        self._receive([(self.product_a, 10, 100)], self.t0)
        storage = self._storage_rule()._apply_storage_costs(
            self.t0 + timedelta(days=30)
        )
        with self.assertRaises(UserError):
            storage.compute_landed_cost()

    def test_category_grouping_weights_unit_costs_by_quantity(self):
        receipt = self._receive(
            [(self.product_a, 10, 100), (self.product_b, 5, 40)], self.t0
        )
        self._freight_bill(50, receipt, "by_weight")
        groups = self.env["appliance.cost.structure.report"]._read_group(
            [("categ_id", "=", self.category.id)],
            ["categ_id"],
            ["purchase_unit_cost:avg", "freight_in_unit_cost:avg", "unit_cost:avg"],
        )
        (_categ, purchase, freight, unit_cost) = groups[0]
        self.assertAlmostEqual(purchase, 1200 / 15, places=2)
        self.assertAlmostEqual(freight, 50 / 15, places=2)
        self.assertAlmostEqual(unit_cost, 1250 / 15, places=2)

    def test_report_reads_in_constant_queries(self):
        self._receive([(self.product_a, 10, 100), (self.product_b, 5, 40)], self.t0)
        report = self.env["appliance.cost.structure.report"]
        fields_ = ["product_id", "unit_cost", "margin", "storage_share"]
        report.search_read([("categ_id", "=", self.category.id)], fields_)
        report.invalidate_model()
        with self.assertQueryCount(__system__=1):
            rows = report.search_read([("categ_id", "=", self.category.id)], fields_)
        self.assertEqual(len(rows), 2)


@tagged("post_install", "-at_install")
class TestCostStackAvco(CostStackCase):
    cost_method = "average"

    def test_avco_freight_after_partial_sale(self):
        receipt = self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=1))
        freight = self._freight_bill(50, receipt, "by_quantity")
        self.assertEqual(
            self._balances(freight.account_move_id),
            {
                (self.stock_account, self.product_a): 30.0,
                (self.cogs_account, self.product_a): 20.0,
                (self.freight_account, self.product_a): -50.0,
            },
        )
        self.assertEqual(self._stock_value(self.product_a), 630.0)
        self.assertAlmostEqual(
            self.product_a.with_company(self.company).standard_price, 105.0
        )

    def test_avco_storage_with_partial_sale(self):
        self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=10))
        storage = self._storage_rule()._apply_storage_costs(
            self.t0 + timedelta(days=30)
        )
        self.assertEqual(
            self._balances(storage.account_move_id),
            {
                (self.stock_account, self.product_a): 90.0,
                (self.cogs_account, self.product_a): 20.0,
                (self.storage_account, self.product_a): -110.0,
            },
        )
        self.assertEqual(self._stock_value(self.product_a), 690.0)
        row = self._report(self.product_a)
        self.assertEqual(row.purchase_unit_cost, 100.0)
        self.assertEqual(row.storage_unit_cost, 11.0)


@tagged("post_install", "-at_install")
class TestCostStackAccess(CostStackCase):
    def test_finance_and_stock_managers_read_costs(self):
        self._receive([(self.product_a, 10, 100)], self.t0)
        report = self.env["appliance.cost.structure.report"]
        for user in (self.finance_user, self.warehouse_manager):
            rows = report.with_user(user).search(
                [("product_id", "=", self.product_a.id)]
            )
            self.assertEqual(rows.purchase_unit_cost, 100.0, user.login)
            self.assertTrue(
                self.env["appliance.storage.cost.rule"]
                .with_user(user)
                .has_access("read")
            )

    def test_finance_reads_what_reached_cost_of_goods_sold(self):
        receipt = self._receive([(self.product_a, 10, 100)], self.t0)
        self._sell(self.product_a, 4, 150, self.t0 + timedelta(days=1))
        cost = self._freight_bill(50, receipt, "by_quantity")
        values = cost.with_user(self.finance_user).read(
            ["amount_total", "appliance_cogs_amount"]
        )[0]
        self.assertEqual(values["amount_total"], 50.0)
        self.assertEqual(values["appliance_cogs_amount"], 20.0)
        with self.assertRaises(AccessError):
            cost.with_user(self.finance_user).write({"description": "x"})

    def test_salespeople_warehouse_users_and_portal_cannot_read_costs(self):
        self._receive([(self.product_a, 10, 100)], self.t0)
        rule = self._storage_rule()
        cost = rule._apply_storage_costs(self.t0 + timedelta(days=30))
        for user in (
            self.salesperson_a,
            self.sales_manager,
            self.warehouse_user,
            self.purchaser,
            self.portal_user,
        ):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["appliance.cost.structure.report"].with_user(user).search(
                        []
                    )
                with self.assertRaises(AccessError):
                    rule.with_user(user).read(["rate"])
                with self.assertRaises(AccessError):
                    cost.with_user(user).read(["amount_total"])
                with self.assertRaises(AccessError):
                    cost.valuation_adjustment_lines.with_user(user).read(
                        ["additional_landed_cost"]
                    )

    def test_only_managers_apply_storage_costs(self):
        rule = self._storage_rule()
        with self.assertRaises(AccessError):
            rule.with_user(self.finance_user).action_apply_now()
        with self.assertRaises(AccessError):
            rule.with_user(self.warehouse_user).action_apply_now()

    def test_rule_form_for_a_stock_manager(self):
        form = Form(
            self.env["appliance.storage.cost.rule"].with_user(self.warehouse_manager)
        )
        form.name = "Rented warehouse"
        form.basis = "volume_day"
        form.rate = 1.2
        rule = form.save()
        self.assertEqual(rule.company_id, self.company)
