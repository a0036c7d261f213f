from collections import defaultdict
from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

BASES = [
    ("unit_day", "Per unit per day"),
    ("volume_day", "Per m³ per day"),
    ("value_month", "% of value per month"),
]

SECONDS_PER_DAY = 86400.0
DAYS_PER_MONTH = 30.0


class ApplianceStorageCostRule(models.Model):
    """A preset warehousing cost: what one unit, one m³ or one unit of value
    costs to keep in stock over time.

    A run (``_apply_storage_costs``, by the monthly cron or the *Apply Now*
    button) charges every rule from the end of its last run up to now. The
    amount comes from the unit-days the products spent in the valued stock
    locations during the period. The share of the units still in stock is
    added to their receipts through a landed cost (so FIFO/AVCO values and the
    stock account carry it); the share of the units delivered during the
    period goes to the cost of goods sold in the same journal entry.
    """

    _name = "appliance.storage.cost.rule"
    _description = "Warehousing Cost Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    basis = fields.Selection(
        BASES,
        required=True,
        default="unit_day",
        help="Per unit per day: rate × units × days in stock.\n"
        "Per m³ per day: rate × product volume (m³) × units × days.\n"
        "% of value per month: rate % × unit cost × units × days / 30.",
    )
    rate = fields.Float(
        required=True,
        digits="Product Price",
        help="Amount in the company currency per unit-day or per m³-day, or a "
        "percentage of the unit cost per 30 days.",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        help="Only products of this category and its subcategories (all if empty).",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Only stock kept in this warehouse (all warehouses if empty).",
    )
    account_id = fields.Many2one(
        "account.account",
        string="Absorbed Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost', "
        "'asset_current'))]",
        help="Credited with the warehousing cost charged to the products, e.g. the "
        "warehousing expense account or a 'warehousing absorbed' account. Empty: "
        "the expense account of the Warehousing Cost product.",
    )
    date_start = fields.Date(
        string="Charge From",
        required=True,
        default=fields.Date.context_today,
        help="Stock is charged from this day on.",
    )
    date_applied = fields.Datetime(
        string="Charged Until",
        readonly=True,
        copy=False,
        help="End of the last warehousing run; the next one starts here.",
    )
    cost_line_ids = fields.One2many(
        "stock.landed.cost.lines", "appliance_rule_id", string="Charges", readonly=True
    )
    landed_cost_count = fields.Integer(compute="_compute_landed_cost_count")

    @api.constrains("rate")
    def _check_rate(self):
        for rule in self:
            if rule.rate < 0:
                raise ValidationError(
                    self.env._(
                        "Warehousing cost rule %(rule)s: the rate cannot be negative.",
                        rule=rule.name,
                    )
                )

    @api.depends("cost_line_ids")
    def _compute_landed_cost_count(self):
        counts = dict(
            self.env["stock.landed.cost.lines"]._read_group(
                [("appliance_rule_id", "in", self.ids)],
                ["appliance_rule_id"],
                ["cost_id:count_distinct"],
            )
        )
        for rule in self:
            rule.landed_cost_count = counts.get(rule, 0)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_apply_now(self):
        """Charge the selected rules (all active rules if none) up to now."""
        self.env["stock.landed.cost"].check_access("create")
        self.check_access("write")
        rules = self or self.search([("company_id", "in", self.env.companies.ids)])
        costs = rules._apply_storage_costs()
        if not costs:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("Nothing to charge: no stock in the period."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return costs._get_records_action(name=self.env._("Warehousing Costs"))

    def action_view_landed_costs(self):
        self.ensure_one()
        return self.cost_line_ids.cost_id._get_records_action(
            name=self.env._("Warehousing Costs")
        )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_apply_storage_costs(self):
        for (company,) in self._read_group([], ["company_id"]):
            rules = self.with_company(company).search([("company_id", "=", company.id)])
            rules._apply_storage_costs()
            self.env["ir.cron"]._commit_progress(len(rules))

    def _apply_storage_costs(self, date_to=None):
        """Charge the rules in ``self`` up to ``date_to`` (default now).

        :returns: the validated landed costs, one per company with a charge
        """
        date_to = date_to or fields.Datetime.now()
        self._appliance_lock()
        costs = self.env["stock.landed.cost"]
        for company, rules in self.grouped("company_id").items():
            rules = rules.with_company(company).filtered(
                lambda r: r._appliance_date_from() < date_to
            )
            cost = rules._appliance_create_storage_cost(date_to)
            if cost:
                cost.button_validate()
                costs |= cost
            rules.write({"date_applied": date_to})
        return costs

    def _appliance_lock(self):
        """Serialise runs of the same rules (the cron and a manager's *Apply
        Now*): both update the rules' row, so the second one waits, then fails
        with a serialization error and is retried, seeing the new
        ``date_applied`` instead of charging the period twice."""
        if not self:
            return
        self.flush_recordset(["date_applied"])
        self.env.execute_query(
            SQL(
                "SELECT id FROM appliance_storage_cost_rule WHERE id IN %s "
                "FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["date_applied"])

    def _appliance_date_from(self):
        self.ensure_one()
        return self.date_applied or datetime.combine(self.date_start, time.min)

    def _appliance_create_storage_cost(self, date_to):
        """Create the draft landed cost charging ``self`` (rules of one
        company) up to ``date_to``; nothing if there is nothing to charge."""
        company = self.company_id
        rules = self
        if not rules:
            return self.env["stock.landed.cost"]
        cost_product = self.env.ref("appliance_stock.product_warehousing_cost")
        products = self._appliance_products()
        cost_lines = []
        adjustments = []
        for date_from, period_rules in rules.grouped(
            lambda r: r._appliance_date_from()
        ).items():
            period = _Period(self.env, company, products, date_from, date_to)
            for rule in period_rules:
                amounts = rule._appliance_amounts(period)
                adjustment_vals = period.allocate(amounts)
                if not adjustment_vals:
                    continue
                cost_lines.append(
                    {
                        "name": self.env._(
                            "%(rule)s: %(date_from)s – %(date_to)s",
                            rule=rule.name,
                            date_from=fields.Date.to_string(date_from.date()),
                            date_to=fields.Date.to_string(date_to.date()),
                        ),
                        "product_id": cost_product.id,
                        "price_unit": sum(
                            v["appliance_charged_amount"] for v in adjustment_vals
                        ),
                        "split_method": "equal",
                        "account_id": rule.account_id.id,
                        "appliance_rule_id": rule.id,
                        "appliance_date_from": date_from,
                        "appliance_date_to": date_to,
                    }
                )
                adjustments.append(adjustment_vals)
        if not cost_lines:
            return self.env["stock.landed.cost"]
        cost = self.env["stock.landed.cost"].create(
            {
                "appliance_cost_kind": "storage",
                "date": fields.Date.context_today(self, date_to),
                "company_id": company.id,
                "description": self.env._("Warehousing costs"),
                "cost_lines": [fields.Command.create(vals) for vals in cost_lines],
            }
        )
        vals_list = []
        for cost_line, adjustment_vals in zip(
            cost.cost_lines, adjustments, strict=True
        ):
            for vals in adjustment_vals:
                vals.update(cost_id=cost.id, cost_line_id=cost_line.id)
                vals_list.append(vals)
        self.env["stock.valuation.adjustment.lines"].create(vals_list)
        return cost

    def _appliance_products(self):
        """Storable FIFO/AVCO products of the rules' categories (landed costs
        only apply to those)."""
        domain = [
            ("is_storable", "=", True),
            ("company_id", "in", (False, self.company_id.id)),
        ]
        if all(rule.categ_id for rule in self):
            domain.append(("categ_id", "child_of", self.categ_id.ids))
        products = self.env["product.product"].search(domain)
        return products.filtered(lambda p: p.cost_method in ("fifo", "average"))

    def _appliance_amounts(self, period):
        """{product: amount} this rule charges over ``period``."""
        self.ensure_one()
        products = period.products
        if self.categ_id:
            prefix = self.categ_id.parent_path
            products = products.filtered(
                lambda p: p.categ_id.parent_path.startswith(prefix)
            )
        unit_days = period.unit_days(self.warehouse_id)
        amounts = {}
        for product in products:
            days = unit_days.get(product.id, 0.0)
            if days <= 0:
                continue
            if self.basis == "unit_day":
                amount = self.rate * days
            elif self.basis == "volume_day":
                amount = self.rate * product.volume * days
            else:
                amount = (
                    self.rate / 100 * product.standard_price * days / DAYS_PER_MONTH
                )
            amount = self.currency_id.round(amount)
            if not self.currency_id.is_zero(amount):
                amounts[product] = amount
        return amounts


class _Period:
    """Stock of some products over [date_from, date_to] in one company: the
    unit-days it spent in stock, the receipts still in stock at the end and
    the deliveries of the period. Read once for all rules of the period."""

    def __init__(self, env, company, products, date_from, date_to):
        self.env = env
        self.company = company
        self.products = products
        self.date_from = date_from
        self.date_to = date_to
        self._unit_days = self._read_unit_days()
        # only products that were in stock during the period can be charged
        stocked = {
            product_id
            for by_product in self._unit_days.values()
            for product_id, unit_days in by_product.items()
            if unit_days > 0
        }
        charged = products.filtered(lambda p: p.id in stocked)
        self._layers = self._read_layers(charged)
        self._deliveries = self._read_deliveries(charged)

    def _days(self, start, end):
        return max(0.0, (end - start).total_seconds() / SECONDS_PER_DAY)

    def _read_unit_days(self):
        """{warehouse id or None: {product id: unit-days}} of the period.

        unit-days = ∫ quantity dt = Σ over done move lines of ± quantity ×
        days between max(line date, start) and the end.
        """
        if not self.products:
            return {}
        self.env["stock.move.line"].flush_model(
            ["product_id", "location_id", "location_dest_id", "quantity_product_uom"]
        )
        self.env["stock.move.line"].flush_model(["state", "date", "owner_id"])
        self.env["stock.location"].flush_model(["company_id", "usage", "warehouse_id"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH line AS (
                    SELECT ml.product_id, ml.location_id, ml.location_dest_id,
                           ml.quantity_product_uom AS qty,
                           GREATEST(
                               0,
                               EXTRACT(EPOCH FROM (%(end)s - GREATEST(ml.date, %(start)s)))
                           ) / %(day)s AS days
                      FROM stock_move_line ml
                     WHERE ml.state = 'done'
                       AND ml.date <= %(end)s
                       AND ml.product_id IN %(products)s
                       AND (ml.owner_id IS NULL OR ml.owner_id = %(partner)s)
                ), delta AS (
                    SELECT line.product_id, loc.warehouse_id, line.qty * line.days AS ud
                      FROM line
                      JOIN stock_location loc ON loc.id = line.location_dest_id
                     WHERE loc.company_id = %(company)s
                       AND loc.usage IN ('internal', 'transit')
                    UNION ALL
                    SELECT line.product_id, loc.warehouse_id, -line.qty * line.days
                      FROM line
                      JOIN stock_location loc ON loc.id = line.location_id
                     WHERE loc.company_id = %(company)s
                       AND loc.usage IN ('internal', 'transit')
                )
                SELECT warehouse_id, product_id, SUM(ud)
                  FROM delta
                 GROUP BY warehouse_id, product_id
                """,
                start=self.date_from,
                end=self.date_to,
                day=SECONDS_PER_DAY,
                products=tuple(self.products.ids),
                partner=self.company.partner_id.id,
                company=self.company.id,
            )
        )
        result = defaultdict(dict)
        for warehouse_id, product_id, unit_days in rows:
            result[warehouse_id][product_id] = float(unit_days)
        return result

    def unit_days(self, warehouse):
        """{product id: unit-days} in ``warehouse`` (all if empty)."""
        if warehouse:
            return self._unit_days.get(warehouse.id, {})
        total = defaultdict(float)
        for by_product in self._unit_days.values():
            for product_id, unit_days in by_product.items():
                total[product_id] += unit_days
        return total

    def _read_layers(self, products):
        """{product: [(receipt move, quantity still in stock, days held in the
        period)]} by Odoo's own FIFO stack (the one landed costs use)."""
        layers = defaultdict(list)
        products = products.with_company(self.company)
        for product, qty_by_move in products._get_remaining_moves().items():
            for move, qty in qty_by_move.items():
                if qty > 0:
                    days = self._days(max(move.date, self.date_from), self.date_to)
                    layers[product].append((move, qty, days))
        return layers

    def _read_deliveries(self, products):
        """{product: [(delivery move, quantity, days held in the period)]}."""
        moves = self.env["stock.move"].search_fetch(
            [
                ("product_id", "in", products.ids),
                ("company_id", "=", self.company.id),
                ("state", "=", "done"),
                ("is_out", "=", True),
                ("date", ">", self.date_from),
                ("date", "<=", self.date_to),
            ],
            ["product_id", "date", "quantity", "product_uom", "value"],
        )
        deliveries = defaultdict(list)
        for move in moves:
            qty = move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id
            )
            days = self._days(self.date_from, move.date)
            deliveries[move.product_id].append((move, qty, days))
        return deliveries

    def allocate(self, amounts):
        """Valuation adjustment line values spreading ``amounts``
        ({product: amount}) over the receipts still in stock (their share of
        the unit-days) and the deliveries of the period (the rest)."""
        company_unit_days = self.unit_days(False)
        currency = self.company.currency_id
        vals_list = []
        for product, amount in amounts.items():
            layers = self._layers.get(product, [])
            deliveries = self._deliveries.get(product, [])
            in_stock_days = sum(qty * days for _move, qty, days in layers)
            total_days = company_unit_days.get(product.id, 0.0)
            if not deliveries:
                share = 1.0 if layers else 0.0
            elif not layers:
                share = 0.0
            else:
                share = min(1.0, in_stock_days / total_days) if total_days > 0 else 1.0
            on_hand = currency.round(amount * share)
            vals_list += self._spread(
                product,
                on_hand,
                [(m, q, q * d) for m, q, d in layers],
                receipts=True,
            )
            vals_list += self._spread(
                product,
                currency.round(amount - on_hand),
                [(m, q, q * d) for m, q, d in deliveries],
                receipts=False,
            )
        return vals_list

    def _spread(self, product, amount, targets, receipts):
        """Spread ``amount`` over ``targets`` [(move, quantity, weight)]."""
        currency = self.company.currency_id
        if currency.is_zero(amount) or not targets:
            return []
        total_weight = sum(weight for _m, _q, weight in targets)
        if total_weight <= 0:
            targets = [(m, q, q) for m, q, _w in targets]
            total_weight = sum(q for _m, q, _w in targets)
        vals_list = []
        left = amount
        for index, (move, qty, weight) in enumerate(targets):
            if index == len(targets) - 1:
                charged = currency.round(left)
            else:
                charged = currency.round(amount * weight / total_weight)
            left -= charged
            if currency.is_zero(charged):
                continue
            move_qty = move.product_uom._compute_quantity(move.quantity, product.uom_id)
            added = charged
            if receipts and qty < move_qty:
                # FIFO spreads a receipt's value over its whole quantity: gross
                # the charge up so that the units still in stock carry it all
                # (Odoo capitalises added × remaining / quantity = charged)
                added = currency.round(charged * move_qty / qty)
            vals_list.append(
                {
                    "move_id": move.id,
                    "product_id": product.id,
                    "quantity": move_qty,
                    "weight": product.weight * move_qty,
                    "volume": product.volume * move_qty,
                    "former_cost": move.value,
                    "additional_landed_cost": added,
                    "appliance_charged_amount": charged,
                }
            )
        return vals_list
