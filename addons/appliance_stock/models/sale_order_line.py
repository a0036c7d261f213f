from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date

from .sale_order import format_qty


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    appliance_atp_qty = fields.Float(
        string="Available to Promise",
        compute="_compute_appliance_stock_warning",
        digits="Product Unit",
        help="On hand in the line's warehouse minus what open deliveries and "
        "transfers out of it already commit, in the product's unit.",
    )
    appliance_next_receipt_date = fields.Datetime(
        string="Next Receipt",
        compute="_compute_appliance_stock_warning",
        help="Scheduled date of the earliest open receipt into the warehouse.",
    )
    appliance_stock_warning = fields.Char(
        string="Stock Warning",
        compute="_compute_appliance_stock_warning",
        help="Shown on quotations when the product is below its safety stock or "
        "short for the quantity quoted.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    def _appliance_stock_lines(self):
        """Lines that take goods from a warehouse's stock (not made to order)."""
        lines = self.filtered(
            lambda line: (
                not line.display_type
                and line.product_id.is_storable
                and line.warehouse_id
            )
        )
        # sale_stock's is_mto is only computed on quotations: look at the routes
        global_mto = self.env["stock.route"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "stock.route_warehouse0_mto", raise_if_not_found=False
            )
        )
        return lines.filtered(
            lambda line: (
                (line.warehouse_id.mto_pull_id.route_id or global_mto)
                not in (
                    line.route_ids
                    or line.product_id.route_ids
                    | line.product_id.categ_id.total_route_ids
                )
            )
        )

    @api.depends(
        "product_id",
        "product_uom_qty",
        "product_uom_id",
        "warehouse_id",
        "state",
        # the order's lines of the same product add up
        "order_id.order_line.product_uom_qty",
        "order_id.order_line.product_id",
    )
    def _compute_appliance_stock_warning(self):
        lines = self._appliance_stock_lines().filtered(
            lambda line: line.state in ("draft", "sent")
        )
        (self - lines).update(
            {
                "appliance_atp_qty": 0.0,
                "appliance_next_receipt_date": False,
                "appliance_stock_warning": False,
            }
        )
        if not lines:
            return
        # one query for every product × warehouse of the lines
        figures = self.env["appliance.stock.commitment"]._stock_figures(
            (line.product_id.id, line.warehouse_id.id, None) for line in lines
        )
        # a product quoted on several lines of an order: their total counts
        wanted = defaultdict(float)
        for line in lines:
            wanted[line.order_id, line.product_id, line.warehouse_id] += (
                line._appliance_qty_in_product_uom(line.product_uom_qty)
            )
        for line in lines:
            product, uom = line.product_id, line.product_id.uom_id
            figure = figures[product.id, line.warehouse_id.id, None]
            atp = figure.available_to_promise
            line.appliance_atp_qty = atp
            line.appliance_next_receipt_date = figure.next_receipt_date
            short = (
                float_compare(
                    wanted[line.order_id, product, line.warehouse_id],
                    atp,
                    precision_rounding=uom.rounding,
                )
                > 0
            )
            if not short and not figure.below_safety_stock:
                line.appliance_stock_warning = False
                continue
            if short:
                text = self.env._(
                    "Short: %(available)s %(uom)s available to promise in "
                    "%(warehouse)s.",
                    available=format_qty(max(atp, 0.0), uom),
                    uom=uom.name,
                    warehouse=line.warehouse_id.name,
                )
            else:
                text = self.env._(
                    "Below safety stock (%(safety)s %(uom)s): %(available)s "
                    "%(uom)s available to promise in %(warehouse)s.",
                    safety=format_qty(figure.safety_stock, uom),
                    available=format_qty(max(atp, 0.0), uom),
                    uom=uom.name,
                    warehouse=line.warehouse_id.name,
                )
            if figure.next_receipt_date:
                text += " " + self.env._(
                    "Next receipt %(date)s (%(qty)s %(uom)s incoming).",
                    date=format_date(self.env, figure.next_receipt_date),
                    qty=format_qty(figure.incoming, uom),
                    uom=uom.name,
                )
            else:
                text += " " + self.env._("No receipt planned.")
            line.appliance_stock_warning = text

    def _appliance_qty_in_product_uom(self, qty):
        self.ensure_one()
        return self.product_uom_id._compute_quantity(
            qty, self.product_id.uom_id, round=False
        )

    # ------------------------------------------------------------
    # BUSINESS: oversell guard
    # ------------------------------------------------------------

    def _action_launch_stock_rule(self, *, previous_product_uom_qty=False):
        # Every path that commits stock to a sale (confirmation, a confirmed
        # line increased or added) goes through here before the moves exist.
        if not self.env.context.get("skip_procurement"):
            self._appliance_check_oversell()
        return super()._action_launch_stock_rule(
            previous_product_uom_qty=previous_product_uom_qty
        )

    def _appliance_check_oversell(self):
        """Refuse committing more than is available to promise.

        Locks the commitment rows of the lines' product × warehouse pairs (see
        ``appliance.stock.commitment``), then compares what the lines are about
        to procure with the available-to-promise quantity; orders are taken in
        turn, each consuming what the previous ones in the batch took.
        """
        lines = self._appliance_stock_lines().filtered(
            lambda line: (
                line.state == "sale"
                and not line.order_id.locked
                and line.company_id.appliance_oversell_guard
            )
        )
        demand = defaultdict(float)  # (order, product, warehouse) -> qty
        for line in lines:
            qty = line.product_uom_qty - line._get_qty_procurement()
            if (
                float_compare(qty, 0.0, precision_rounding=line.product_uom_id.rounding)
                > 0
            ):
                demand[line.order_id, line.product_id, line.warehouse_id] += (
                    line._appliance_qty_in_product_uom(qty)
                )
        if not demand:
            return
        Commitment = self.env["appliance.stock.commitment"]
        Commitment._lock_for_commitment(
            (product.id, warehouse.id) for _order, product, warehouse in demand
        )

        def until(order):
            if not order.company_id.appliance_atp_include_incoming:
                return None
            return order.commitment_date or order.expected_date or None

        figures = Commitment._stock_figures(
            (product.id, warehouse.id, until(order))
            for order, product, warehouse in demand
        )
        taken = defaultdict(float)  # by the orders of this batch already checked
        problems = []
        for order in lines.order_id:
            order_demand = [
                (product, warehouse, qty)
                for (line_order, product, warehouse), qty in demand.items()
                if line_order == order
            ]
            shortages = []
            for product, warehouse, qty in order_demand:
                figure = figures[product.id, warehouse.id, until(order)]
                available = (
                    figure.available_to_promise
                    + figure.incoming_until
                    - taken[product, warehouse]
                )
                if (
                    float_compare(
                        qty, available, precision_rounding=product.uom_id.rounding
                    )
                    > 0
                ):
                    shortages.append((product, warehouse, qty, available))
            if shortages and (problem := order._appliance_shortage_refusal(shortages)):
                problems.append(problem)
                continue
            for product, warehouse, qty in order_demand:
                taken[product, warehouse] += qty
        if problems:
            raise UserError("\n\n".join(problems))
