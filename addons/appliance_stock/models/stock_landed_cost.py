from odoo import api, fields, models
from odoo.exceptions import UserError

COST_KINDS = [
    ("freight", "Freight"),
    ("storage", "Warehousing"),
    ("other", "Other"),
]


class StockLandedCost(models.Model):
    """Landed costs carry the freight and warehousing parts of the unit cost.

    Odoo 19 only capitalises the share of a landed cost that is still in stock
    (``remaining_qty``) and posts nothing for the share already delivered
    (odoo/odoo#249198). Here the delivered share, and freight on deliveries, is
    posted to the product's expense (COGS) account in the same journal entry.
    Warehousing runs (:mod:`appliance_storage_cost_rule`) create landed costs of
    kind *storage* whose valuation lines are computed by the run, not split.
    """

    _inherit = "stock.landed.cost"

    appliance_cost_kind = fields.Selection(
        COST_KINDS,
        string="Cost Type",
        default="freight",
        required=True,
        tracking=True,
        help="Freight: transport on receipts (capitalised) or deliveries (cost of "
        "goods sold). Warehousing: charged by the warehousing cost rules. Other: "
        "duties, insurance...",
    )
    appliance_cogs_amount = fields.Monetary(
        string="Posted to Cost of Goods Sold",
        compute="_compute_appliance_cogs_amount",
        help="Part of this cost that was charged to goods already delivered: "
        "posted to the products' expense account instead of the stock.",
    )

    @api.depends("valuation_adjustment_lines.appliance_cogs_amount")
    def _compute_appliance_cogs_amount(self):
        for cost in self:
            cost.appliance_cogs_amount = sum(
                cost.valuation_adjustment_lines.mapped("appliance_cogs_amount")
            )

    # ------------------------------------------------------------
    # CORE HOOKS
    # ------------------------------------------------------------

    def _get_targeted_move_ids(self):
        # warehousing runs target the receipts and deliveries they charged,
        # which need not belong to a transfer (opening stock, adjustments)
        if self.appliance_cost_kind == "storage":
            return self.valuation_adjustment_lines.move_id
        return super()._get_targeted_move_ids()

    def compute_landed_cost(self):
        if any(cost.appliance_cost_kind == "storage" for cost in self):
            raise UserError(
                self.env._(
                    "Warehousing costs are computed by their rules: they cannot be "
                    "split again."
                )
            )
        return super().compute_landed_cost()

    def get_valuation_lines(self):
        lines = super().get_valuation_lines()
        # the "current cost" of a delivery is what it took out of stock, not
        # a value recomputed as if it were a receipt
        moves = self.env["stock.move"].browse([vals["move_id"] for vals in lines])
        value_by_move = {move.id: move.value for move in moves if move.is_out}
        for vals in lines:
            if vals["move_id"] in value_by_move:
                vals["former_cost"] = value_by_move[vals["move_id"]]
        return lines

    def _check_sum(self):
        storage = self.filtered(lambda c: c.appliance_cost_kind == "storage")
        for cost in storage:
            # the valuation lines of a receipt are grossed up to its whole
            # quantity (see _appliance_storage_adjustment_vals): compare what
            # was charged
            charged = {}
            for line in cost.valuation_adjustment_lines:
                charged[line.cost_line_id] = (
                    charged.get(line.cost_line_id, 0.0) + line.appliance_charged_amount
                )
            currency = cost.currency_id
            if not currency.is_zero(sum(charged.values()) - cost.amount_total):
                return False
            if any(
                not currency.is_zero(cost_line.price_unit - amount)
                for cost_line, amount in charged.items()
            ):
                return False
        return super(StockLandedCost, self - storage)._check_sum()

    def button_validate(self):
        self._appliance_check_moves_done()
        # Odoo re-values every targeted move after validation, re-running FIFO
        # on deliveries: a delivery keeps the value it took out of stock (its
        # freight goes to COGS instead, see _create_accounting_entries)
        deliveries = self.valuation_adjustment_lines.move_id.filtered("is_out")
        deliveries |= self.picking_ids.move_ids.filtered("is_out")
        values = {move: move.value for move in deliveries}
        res = super().button_validate()
        for move, value in values.items():
            if move.value != value:
                move.value = value
        self.valuation_adjustment_lines._appliance_store_cogs_amount()
        return res

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _appliance_check_moves_done(self):
        """Refuse freight on transfers not done yet.

        Odoo would add it to the receipt's value when it is validated later
        but never post it to the accounts.
        """
        for cost in self.filtered(lambda c: c.appliance_cost_kind != "storage"):
            pending = cost._get_targeted_move_ids().filtered(
                lambda m: m.state not in ("done", "cancel")
            )
            if pending:
                raise UserError(
                    self.env._(
                        "Landed cost %(cost)s: transfer %(picking)s is not done yet. "
                        "Validate it before posting its costs.",
                        cost=cost.name,
                        picking=pending.picking_id[:1].name or pending[:1].reference,
                    )
                )


class StockLandedCostLines(models.Model):
    _inherit = "stock.landed.cost.lines"

    appliance_rule_id = fields.Many2one(
        "appliance.storage.cost.rule",
        string="Warehousing Rule",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    appliance_date_from = fields.Datetime(string="Charged From", readonly=True)
    appliance_date_to = fields.Datetime(string="Charged Until", readonly=True)


class StockValuationAdjustmentLines(models.Model):
    _inherit = "stock.valuation.adjustment.lines"

    appliance_cost_kind = fields.Selection(
        related="cost_id.appliance_cost_kind", string="Cost Type"
    )
    appliance_charged_amount = fields.Monetary(
        string="Charged",
        readonly=True,
        help="Cost charged to the goods of this line. For warehousing on a "
        "receipt it covers only the units still in stock; the additional landed "
        "cost is grossed up to the receipt's whole quantity so that these units "
        "carry it.",
    )
    appliance_cogs_amount = fields.Monetary(
        string="To Cost of Goods Sold",
        readonly=True,
        help="Share charged to goods already delivered, posted to the product's "
        "expense account.",
    )

    def _appliance_cogs_share(self, remaining_qty):
        """The part of this line that belongs to goods no longer in stock."""
        self.ensure_one()
        if self.appliance_cost_kind == "storage" and self.move_id.is_in:
            # computed on the units in stock only (see the warehousing run)
            return 0.0
        if not self.quantity:
            return 0.0
        in_stock = (
            max(0.0, min(remaining_qty, self.quantity)) if self.move_id.is_in else 0
        )
        return self.currency_id.round(
            self.additional_landed_cost * (1 - in_stock / self.quantity)
        )

    def _appliance_store_cogs_amount(self):
        """Record, after validation, the share that went to COGS (the report
        shows it). Quantities do not change on validation: remaining_qty is the
        one the journal entry used."""
        for line in self.filtered("move_id"):
            line.appliance_cogs_amount = line._appliance_cogs_share(
                line.move_id.remaining_qty
            )
            if line.appliance_cost_kind != "storage":
                line.appliance_charged_amount = line.additional_landed_cost

    def _create_accounting_entries(self, remaining_qty):
        lines = super()._create_accounting_entries(remaining_qty) or []
        cogs = self._appliance_cogs_share(remaining_qty)
        if self.currency_id.is_zero(cogs):
            return lines
        credit_account = (
            self.cost_line_id.account_id
            or self.cost_line_id.product_id._get_product_accounts()["expense"]
        )
        debit_account = self.product_id.product_tmpl_id.get_product_accounts()[
            "expense"
        ]
        if not debit_account:
            raise UserError(
                self.env._(
                    "Please set an expense account on product %(product)s or its "
                    "category: its delivered share of %(cost)s goes there.",
                    product=self.product_id.display_name,
                    cost=self.cost_id.name,
                )
            )
        base = dict(
            self._prepare_account_move_line_values(),
            name=self.env._("%(name)s (delivered)", name=self.name),
        )
        debit = dict(base, account_id=debit_account.id)
        credit = dict(base, account_id=credit_account.id)
        if cogs > 0:
            debit["debit"] = credit["credit"] = cogs
        else:
            debit["credit"] = credit["debit"] = -cogs
        return [*lines, [0, 0, debit], [0, 0, credit]]
