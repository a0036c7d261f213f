from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero

from ..utils import normalize_model_code


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    appliance_model_input = fields.Char(
        string="Model Code",
        compute="_compute_appliance_model_input",
        readonly=False,
        help="Type a model code in any form (ggd2-38, GGD2 38, ＧＧＤ２－３８) or the "
        "customer's own code: the matching product is filled in.",
    )
    appliance_spec_summary = fields.Char(related="product_id.appliance_spec_summary")

    @api.depends("product_id")
    def _compute_appliance_model_input(self):
        for line in self:
            line.appliance_model_input = line.product_id.appliance_model_code

    @api.onchange("appliance_model_input")
    def _onchange_appliance_model_input(self):
        code = self.appliance_model_input
        key = normalize_model_code(code)
        if not key or key == self.product_id.appliance_model_key:
            return None
        products, suggestions = self.env["product.product"]._appliance_match_model_code(
            code, partner=self.order_id.partner_id, company=self.order_id.company_id
        )
        if len(products) == 1:
            self.product_id = products
            return None
        if products:
            return {
                "warning": {
                    "title": self.env._("Several products match %s", code),
                    "message": self.env._(
                        "Model code %(code)s matches:\n%(candidates)s\nChoose the product.",
                        code=code,
                        candidates="\n".join(f"• {p.display_name}" for p in products),
                    ),
                }
            }
        message = self.env._("No product has the model code %s.", code)
        if suggestions:
            message += "\n" + self.env._(
                "Did you mean: %s?",
                ", ".join(suggestions.mapped("appliance_model_code")),
            )
        return {
            "warning": {"title": self.env._("Unknown model code"), "message": message}
        }

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    def _appliance_lines(self):
        """Product lines of our sets and components: the lines our rules apply to."""
        return self.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and line.product_id.appliance_kind
            )
        )

    @api.constrains("product_uom_qty", "product_uom_id", "product_id")
    def _check_appliance_quantity(self):
        unit = self.env.ref("uom.product_uom_unit")
        for line in self._appliance_lines():
            qty = line.product_uom_qty
            if float_compare(qty, 0.0, precision_rounding=0.000001) <= 0:
                raise ValidationError(
                    self.env._(
                        "%(order)s, %(product)s: the quantity must be greater than zero.",
                        order=line.order_id.name,
                        product=line.product_id.display_name,
                    )
                )
            uom = line.product_uom_id
            if uom and uom._has_common_reference(unit):
                units = uom._compute_quantity(qty, unit, round=False)
                if not float_is_zero(units - round(units), precision_digits=6):
                    raise ValidationError(
                        self.env._(
                            "%(order)s, %(product)s: %(qty)s %(uom)s is not a whole number"
                            " of units.",
                            order=line.order_id.name,
                            product=line.product_id.display_name,
                            qty=qty,
                            uom=uom.name,
                        )
                    )

    @api.constrains("price_unit", "discount", "product_id")
    def _check_appliance_floor_price(self):
        if self.env.user.has_group("appliance_sales.group_appliance_below_floor"):
            return
        for line in self._appliance_lines():
            # the floor is hidden from some roles, but must hold for all of them
            floor = line.product_id.sudo().appliance_floor_price  # sudo: see above
            if not floor:
                continue
            order = line.order_id
            floor_in_order_currency = order.company_id.currency_id._convert(
                floor,
                order.currency_id,
                order.company_id,
                order.date_order or fields.Date.today(),
            )
            net = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            if line.product_uom_id and line.product_id.uom_id != line.product_uom_id:
                net = line.product_uom_id._compute_price(net, line.product_id.uom_id)
            if order.currency_id.compare_amounts(net, floor_in_order_currency) < 0:
                raise ValidationError(
                    self.env._(
                        "%(product)s: a net unit price of %(net).2f is below the floor price"
                        " %(floor).2f. Ask a sales manager to approve a lower price.",
                        product=line.product_id.display_name,
                        net=net,
                        floor=floor_in_order_currency,
                    )
                )
