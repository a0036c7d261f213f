from odoo import models
from odoo.exceptions import AccessError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_confirm(self):
        # sale_stock lets warehouse staff write sale orders (for procurement
        # fields), which in plain Odoo also lets them confirm quotations. Only the
        # sales roles may commit the company to a sale; trusted flows (portal
        # signature/payment, crons) run as superuser and are not affected.
        if not self.env.su and not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._("Only salespeople and sales managers may confirm sales orders.")
            )
        return super().action_confirm()
