from odoo import models
from odoo.tools import float_repr, float_round


def format_qty(qty, uom):
    """``qty`` rounded to the unit's precision, without trailing zeros."""
    digits = max(0, len(f"{uom.rounding:.10f}".rstrip("0").split(".")[1]))
    text = float_repr(float_round(qty, precision_rounding=uom.rounding), digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # BUSINESS: oversell guard
    # ------------------------------------------------------------

    def _appliance_shortage_refusal(self, shortages):
        """Why this order may not commit ``shortages``, or None when it may.

        ``shortages`` = ``[(product, warehouse, wanted, available)]`` in the
        product's unit. With appliance_sales' shortage approval rule active, an
        approval granted for the shortage lets the order through; without it the
        order must be submitted for approval. Otherwise the order is refused.
        """
        self.ensure_one()
        details = "\n".join(
            self.env._(
                "• %(product)s in %(warehouse)s: %(wanted)s %(uom)s wanted, "
                "%(available)s available to promise.",
                product=product.display_name,
                warehouse=warehouse.name,
                wanted=format_qty(wanted, product.uom_id),
                available=format_qty(max(available, 0.0), product.uom_id),
                uom=product.uom_id.name,
            )
            for product, warehouse, wanted, available in shortages
        )
        if self._appliance_shortage_rule_active():
            if self._appliance_approval_allows_shortage():
                return None
            return self.env._(
                "%(order)s is short of stock: submit it for approval before "
                "confirming it.\n%(details)s",
                order=self.name,
                details=details,
            )
        return self.env._(
            "%(order)s cannot be confirmed: not enough stock.\n%(details)s",
            order=self.name,
            details=details,
        )
