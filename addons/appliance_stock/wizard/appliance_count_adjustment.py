from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ApplianceCountAdjustment(models.TransientModel):
    """An ad-hoc stock correction outside a count session (a damaged unit,
    a customer return found on the shelf...): recorded like a count's
    variances, as an inventory move with its reason, user and time."""

    _name = "appliance.count.adjustment"
    _description = "Stock Adjustment"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    tracking = fields.Selection(related="product_id.tracking")
    location_id = fields.Many2one(
        "stock.location",
        required=True,
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        default=lambda self: (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        ),
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    direction = fields.Selection(
        [("remove", "Remove from Stock"), ("add", "Add to Stock")],
        required=True,
        default="remove",
    )
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit")
    reason_id = fields.Many2one(
        "appliance.stock.reason",
        required=True,
        check_company=True,
        domain="[('direction', 'in', ('both', direction == 'remove' and 'decrease' or 'increase'))]",
    )
    note = fields.Char()
    on_hand_qty = fields.Float(
        string="On Hand", compute="_compute_on_hand_qty", digits="Product Unit"
    )
    value = fields.Monetary(compute="_compute_value")

    @api.depends("product_id", "location_id", "lot_id")
    def _compute_on_hand_qty(self):
        for wizard in self:
            wizard.on_hand_qty = wizard._on_hand() if wizard.product_id else 0.0

    @api.depends("product_id", "quantity", "company_id")
    def _compute_value(self):
        for wizard in self:
            cost = wizard.product_id.with_company(wizard.company_id).standard_price
            wizard.value = wizard.quantity * cost

    def _on_hand(self):
        Line = self.env["appliance.count.line"]
        return Line._book_quantities_of(self.product_id, self.location_id).get(
            (self.product_id.id, self.location_id.id, self.lot_id.id or False), 0.0
        )

    def action_apply(self):
        self.ensure_one()
        self._apply()
        product = self.product_id
        label = f"{product.display_name} @ {self.location_id.display_name}"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(line)s: %(qty)s %(unit)s %(direction)s (%(reason)s).",
                    line=label,
                    qty=self.quantity,
                    unit=product.uom_id.name,
                    direction=self.env._("added")
                    if self.direction == "add"
                    else self.env._("removed"),
                    reason=self.reason_id.name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _apply(self):
        """Check, lock, read the stock again and validate the move."""
        self.ensure_one()
        product = self.product_id
        label = f"{product.display_name} @ {self.location_id.display_name}"
        if product.uom_id.compare(self.quantity, 0.0) <= 0:
            raise UserError(self.env._("Quantity: enter a quantity greater than zero."))
        if product.tracking != "none" and not self.lot_id:
            raise UserError(
                self.env._(
                    "Lot/Serial: %s is tracked, choose its lot or serial number.",
                    product.display_name,
                )
            )
        delta = self.quantity if self.direction == "add" else -self.quantity
        self.reason_id._assert_explains(delta, label)
        if self.reason_id.note_required and not self.note:
            raise UserError(
                self.env._("Note: the reason %s needs a note.", self.reason_id.name)
            )
        threshold = self.company_id.appliance_count_approval_value
        if (
            threshold
            and self.currency_id.compare_amounts(abs(self.value), threshold) > 0
            and not self.env.user.has_group("stock.group_stock_manager")
        ):
            raise AccessError(
                self.env._(
                    "This adjustment is worth %(value)s %(currency)s, above the "
                    "approval threshold (%(threshold)s): ask an inventory manager.",
                    value=self.value,
                    currency=self.currency_id.name,
                    threshold=threshold,
                )
            )
        # lock, then read the stock again: a competing adjustment or count of
        # this stock is serialised with this one
        self.env["appliance.count.line"]._lock_stock(self.location_id, product)
        on_hand = self._on_hand()
        if delta < 0 and product.uom_id.compare(on_hand + delta, 0.0) < 0:
            raise UserError(
                self.env._(
                    "%(line)s: only %(qty)s on hand, %(remove)s cannot be removed.",
                    line=label,
                    qty=on_hand,
                    remove=self.quantity,
                )
            )
        StockMove = self.env["stock.move"]
        return StockMove._appliance_adjust(
            [
                StockMove._appliance_adjustment_vals(
                    product,
                    self.location_id,
                    delta,
                    self.company_id,
                    self.reason_id,
                    lot=self.lot_id,
                    note=self.note,
                )
            ]
        )
