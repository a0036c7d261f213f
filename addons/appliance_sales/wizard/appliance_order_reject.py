from odoo import fields, models


class ApplianceOrderReject(models.TransientModel):
    """The reviewer's rejection of an order, with the reason the salesperson reads."""

    _name = "appliance.order.reject"
    _description = "Reject an Order Under Approval"

    order_id = fields.Many2one("sale.order", required=True)
    reason = fields.Text(
        required=True,
        help="Why the order is rejected and what to change: it goes to the order's "
        "chatter and to the salesperson.",
    )

    def action_reject(self):
        self.ensure_one()
        self.order_id._appliance_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
