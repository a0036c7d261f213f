from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import float_compare

from .sale_order_approval import BOUND_LINE_FIELDS


# one file per concern: sale_order_line.py is shared by parallel work on this addon
class SaleOrderLine(models.Model):
    """Line figures of the approver cockpit, and the approval binding: a change
    of a line's product, quantity, unit, price, discount or taxes (or adding or
    removing a line) takes its order's approval away."""

    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    appliance_effective_discount = fields.Float(
        string="Discount vs List (%)",
        compute="_compute_appliance_effective_discount",
        digits=(5, 2),
        help="How far the net price is below the product's list price, whether "
        "given as a discount or as a lower unit price.",
    )
    appliance_shortage = fields.Boolean(
        string="Short",
        compute="_compute_appliance_shortage",
        help="Not enough forecast stock in the warehouse by the requested date.",
    )
    appliance_incoming_qty = fields.Float(
        string="Incoming",
        compute="_compute_appliance_incoming",
        digits="Product Unit",
        help="Quantity on its way into the warehouse (receipts not done yet).",
    )
    appliance_incoming_date = fields.Datetime(
        string="Incoming ETA",
        compute="_compute_appliance_incoming",
        help="Date of the earliest receipt on its way into the warehouse.",
    )

    # ------------------------------------------------------------
    # CRUD: approval binding
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._appliance_recheck_approval()
        return lines

    def write(self, vals):
        orders = self.order_id
        result = super().write(vals)
        if BOUND_LINE_FIELDS & vals.keys():
            (orders | self.order_id)._appliance_recheck_approval()
        return result

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        orders._appliance_recheck_approval()
        return result

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    def _appliance_priced_lines(self):
        """Lines that sell a product (no sections, notes or down payments)."""
        return self.filtered(
            lambda line: (
                not line.display_type and not line.is_downpayment and line.product_id
            )
        )

    @api.depends(
        "price_unit", "discount", "product_id", "product_uom_id",
        "order_id.currency_id", "order_id.date_order",
    )  # fmt: skip
    def _compute_appliance_effective_discount(self):
        for line in self:
            product = line.product_id
            order = line.order_id
            if not product or line.display_type or not order.company_id:
                line.appliance_effective_discount = 0.0
                continue
            list_price = product.lst_price
            if line.product_uom_id and line.product_uom_id != product.uom_id:
                list_price = product.uom_id._compute_price(
                    list_price, line.product_uom_id
                )
            list_price = order.company_id.currency_id._convert(
                list_price,
                order.currency_id,
                order.company_id,
                order.date_order or fields.Date.today(),
            )
            net = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            below_list = (1 - net / list_price) * 100 if list_price > 0 else 0.0
            line.appliance_effective_discount = max(
                line.discount or 0.0, below_list, 0.0
            )

    @api.depends(
        "state", "display_qty_widget", "is_mto", "virtual_available_at_date",
        "qty_to_deliver",
    )  # fmt: skip
    def _compute_appliance_shortage(self):
        for line in self:
            line.appliance_shortage = bool(
                line.state in ("draft", "sent")
                and line.display_qty_widget
                and not line.is_mto
                and float_compare(
                    line.virtual_available_at_date,
                    line.qty_to_deliver,
                    precision_rounding=line.product_uom_id.rounding or 0.01,
                )
                < 0
            )

    @api.depends("product_id", "warehouse_id", "product_uom_id")
    def _compute_appliance_incoming(self):
        storable = self.filtered(
            lambda line: line.product_id.is_storable and line.warehouse_id
        )
        (self - storable).appliance_incoming_qty = 0.0
        (self - storable).appliance_incoming_date = False
        Move = self.env["stock.move"].sudo()  # sudo: incoming totals only
        for warehouse, lines in storable.grouped("warehouse_id").items():
            incoming = {
                product.id: (qty, date)
                for product, qty, date in Move._read_group(
                    [
                        ("product_id", "in", lines.product_id.ids),
                        (
                            "state",
                            "in",
                            ("waiting", "confirmed", "partially_available", "assigned"),
                        ),
                        ("location_dest_id", "child_of", warehouse.view_location_id.id),
                        ("location_id.usage", "not in", ("internal", "transit")),
                    ],
                    ["product_id"],
                    ["product_qty:sum", "date:min"],
                )
            }
            for line in lines:
                qty, date = incoming.get(line.product_id.id, (0.0, False))
                line.appliance_incoming_qty = line.product_id.uom_id._compute_quantity(
                    qty, line.product_uom_id or line.product_id.uom_id, round=False
                )
                line.appliance_incoming_date = date

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _appliance_replenishment_days(self):
        """Days to get the product when none is in stock or on its way: the
        first vendor's lead time."""
        self.ensure_one()
        product_sudo = self.product_id.sudo()  # sudo: vendors are purchasing data
        seller = product_sudo.seller_ids[:1]
        return seller.delay or 0

    def _appliance_availability_date(self, today):
        """Date this line can be delivered complete: the requested date (or the
        customer lead time), later when stock is short."""
        self.ensure_one()
        scheduled = (
            fields.Date.context_today(self, self.scheduled_date)
            if self.scheduled_date
            else today + timedelta(days=self.customer_lead or 0)
        )
        needed = self.qty_to_deliver
        if not self.product_id.is_storable or self.is_mto or needed <= 0:
            return scheduled
        rounding = self.product_uom_id.rounding or 0.01
        if self.state == "sale":
            available, eta = self.free_qty_today, self.forecast_expected_date
            if eta:
                return max(scheduled, fields.Date.context_today(self, eta))
        else:
            available = self.virtual_available_at_date
            eta = self.appliance_incoming_date
            shortfall = needed - max(available, 0.0)
            if (
                eta
                and float_compare(available, needed, precision_rounding=rounding) < 0
                and float_compare(
                    self.appliance_incoming_qty, shortfall, precision_rounding=rounding
                )
                >= 0
            ):
                return max(scheduled, fields.Date.context_today(self, eta))
        if float_compare(available, needed, precision_rounding=rounding) >= 0:
            return scheduled
        lead = self._appliance_replenishment_days() + (self.customer_lead or 0)
        return max(scheduled, today + timedelta(days=lead))
