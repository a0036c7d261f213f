from odoo import fields, models
from odoo.exceptions import UserError

from ..models.appliance_order_milestone import MILESTONES


class ApplianceMilestoneSet(models.TransientModel):
    """The dialog behind the milestone buttons: note and, for "delivered", the
    proof of delivery. Applying it goes through the order's or shipment's own
    checks (role, direction, state), so it grants nothing by itself."""

    _name = "appliance.milestone.set"
    _description = "Set Order Milestone"

    order_id = fields.Many2one("sale.order", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Shipment", readonly=True)
    milestone = fields.Selection(MILESTONES, required=True, readonly=True)
    note = fields.Text(
        help="Shown to the customer in the notification and on the portal."
    )
    pod_signer = fields.Char(string="Signed By")
    pod_date = fields.Datetime(string="Signed On", default=fields.Datetime.now)
    pod_signature = fields.Binary(string="Signature", attachment=False)
    pod_photo = fields.Binary(string="Photo", attachment=False)
    pod_photo_name = fields.Char(string="Photo File Name")

    def action_apply(self):
        self.ensure_one()
        if self.picking_id:
            pod = {}
            if self.milestone == "delivered":
                pod = {
                    "appliance_pod_signer": self.pod_signer,
                    "appliance_pod_date": self.pod_date,
                    "appliance_pod_signature": self.pod_signature,
                    "appliance_pod_photo": self.pod_photo,
                    "appliance_pod_photo_name": self.pod_photo_name,
                }
            self.picking_id._appliance_set_milestone(
                self.milestone, note=self.note, pod=pod
            )
        elif self.order_id:
            self.order_id._appliance_set_milestone(self.milestone, note=self.note)
        else:
            raise UserError(self.env._("Choose an order or a shipment."))
        return {"type": "ir.actions.act_window_close"}
