from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .appliance_order_milestone import MILESTONE_RANK, SHIPMENT_MILESTONES

# Written only by the milestone methods below (as superuser, after their checks).
PROTECTED_FIELDS = {
    "appliance_milestone",
    "appliance_pod_signer",
    "appliance_pod_date",
    "appliance_pod_signature",
    "appliance_pod_photo",
    "appliance_pod_photo_name",
}


class StockPicking(models.Model):
    _inherit = "stock.picking"

    appliance_milestone = fields.Selection(
        SHIPMENT_MILESTONES,
        string="Shipment Milestone",
        compute="_compute_appliance_milestone",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Shipped when the delivery is validated; in transit and delivered"
        " are set by the warehouse.",
    )
    appliance_milestone_ids = fields.One2many(
        "appliance.order.milestone", "picking_id", string="Shipment History"
    )
    appliance_pod_signer = fields.Char(
        string="Signed By", copy=False, readonly=True, tracking=True
    )
    appliance_pod_date = fields.Datetime(string="Signed On", copy=False, readonly=True)
    # proof of delivery: private attachments (res_field set), readable by staff only
    appliance_pod_signature = fields.Binary(
        string="Delivery Signature",
        attachment=True,
        copy=False,
        readonly=True,
        groups="stock.group_stock_user,sales_team.group_sale_salesman",
    )
    appliance_pod_photo = fields.Binary(
        string="Delivery Photo",
        attachment=True,
        copy=False,
        readonly=True,
        groups="stock.group_stock_user,sales_team.group_sale_salesman",
    )
    appliance_pod_photo_name = fields.Char(
        string="Photo File Name", copy=False, readonly=True
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends(
        "appliance_milestone_ids.milestone",
        "appliance_milestone_ids.date",
        "state",
        "sale_id",
        "picking_type_id.code",
        "location_dest_id.usage",
    )
    def _compute_appliance_milestone(self):
        for picking in self:
            latest = picking.appliance_milestone_ids.sorted(
                lambda e: (e.date, e.id), reverse=True
            )[:1]
            if latest:
                picking.appliance_milestone = latest.milestone
            elif (
                picking.state == "done"
                and picking.sale_id
                and picking._appliance_is_customer_shipment()
            ):
                # validated before tracking existed (or bulk-loaded history)
                picking.appliance_milestone = "shipped"
            else:
                picking.appliance_milestone = False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if not self.env.su and PROTECTED_FIELDS.intersection(vals):
            raise AccessError(
                self.env._(
                    "A shipment's milestone and proof of delivery are set with the"
                    " milestone buttons only."
                )
            )
        return super().write(vals)

    def _action_done(self):
        self._appliance_check_waybill()
        res = super()._action_done()
        shipped = self.filtered(
            lambda p: (
                p.state == "done"
                and p.sale_id
                and p._appliance_is_customer_shipment()
                and not p.appliance_milestone_ids
            )
        )
        if shipped:
            # Validation has its own access checks: "shipped" follows from it.
            shipped.sudo()._appliance_set_milestone("shipped")  # sudo: automatic step
        return res

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_appliance_milestone_in_transit(self):
        return self._appliance_milestone_dialog("in_transit")

    def action_appliance_milestone_delivered(self):
        return self._appliance_milestone_dialog("delivered")

    def _appliance_milestone_dialog(self, milestone):
        self.ensure_one()
        self.env["appliance.order.milestone"]._appliance_check_role(
            milestone, self.sale_id
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env["appliance.order.milestone"]._appliance_milestone_label(
                milestone
            ),
            "res_model": "appliance.milestone.set",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_picking_id": self.id,
                "default_order_id": self.sale_id.id,
                "default_milestone": milestone,
                "default_pod_signer": self.partner_id.name
                if milestone == "delivered"
                else False,
            },
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _appliance_is_customer_shipment(self):
        """A delivery to the customer (the last step of a multi-step delivery),
        not a return nor an internal pick or pack."""
        self.ensure_one()
        return (
            self.picking_type_code == "outgoing"
            and self.location_dest_id.usage == "customer"
        )

    def _appliance_check_waybill(self):
        """A customer shipment handed to a carrier without a shipping API needs
        its waybill number before it leaves: the "shipped" e-mail carries it.
        (API carriers return it themselves when the delivery is validated.)"""
        missing = self.filtered(
            lambda p: (
                p.sale_id
                and p.carrier_id.delivery_type in ("fixed", "base_on_rule")
                and not p.carrier_tracking_ref
                and p._appliance_is_customer_shipment()
            )
        )
        if missing:
            raise UserError(
                self.env._(
                    "Enter the waybill number (tracking reference) before validating:"
                    " %(shipments)s.",
                    shipments=", ".join(
                        f"{p.name} ({p.carrier_id.name})" for p in missing
                    ),
                )
            )

    def _appliance_set_milestone(self, milestone, note=False, pod=None):
        """Move these shipments to ``milestone`` (shipped, in transit or
        delivered), append the history and notify the customer. Setting the
        current milestone again does nothing. ``pod``: proof of delivery for
        "delivered" (signer, date, signature and/or photo)."""
        Event = self.env["appliance.order.milestone"]
        label = Event._appliance_milestone_label(milestone)
        if milestone not in dict(SHIPMENT_MILESTONES):
            raise UserError(
                self.env._(
                    "“%(milestone)s” is set on the order, not on a shipment.",
                    milestone=label,
                )
            )
        if milestone == "shipped" and not self.env.su:
            raise UserError(
                self.env._("A shipment is shipped by validating the delivery.")
            )
        Event._appliance_check_role(milestone, self.sale_id)
        self.check_access("write")
        Event._appliance_lock(self)
        # "shipped" without its event: validated just now (the event follows)
        todo = self.filtered(
            lambda p: (
                p.appliance_milestone != milestone
                or milestone not in p.appliance_milestone_ids.mapped("milestone")
            )
        )
        for picking in todo:
            if not picking.sale_id or not picking._appliance_is_customer_shipment():
                raise UserError(
                    self.env._(
                        "%(shipment)s is not a delivery of a sales order.",
                        shipment=picking.name,
                    )
                )
            if picking.state != "done":
                raise UserError(
                    self.env._(
                        "%(shipment)s: validate the delivery before setting"
                        " “%(milestone)s”.",
                        shipment=picking.name,
                        milestone=label,
                    )
                )
            current = picking.appliance_milestone
            if current and MILESTONE_RANK[current] > MILESTONE_RANK[milestone]:
                raise UserError(
                    self.env._(
                        "%(shipment)s is already “%(current)s”: milestones only move"
                        " forward.",
                        shipment=picking.name,
                        current=Event._appliance_milestone_label(current),
                    )
                )
        if not todo:
            return Event
        if milestone == "delivered":
            todo._appliance_write_proof_of_delivery(pod or {})
        return Event._appliance_record_events(
            [
                {
                    "order_id": picking.sale_id.id,
                    "picking_id": picking.id,
                    "milestone": milestone,
                    "note": note or False,
                }
                for picking in todo
            ]
        )

    def _appliance_write_proof_of_delivery(self, pod):
        signer = (pod.get("appliance_pod_signer") or "").strip()
        missing = []
        if not signer:
            missing.append(self.env._("who signed for it"))
        if not pod.get("appliance_pod_date"):
            missing.append(self.env._("when"))
        if not pod.get("appliance_pod_signature") and not pod.get(
            "appliance_pod_photo"
        ):
            missing.append(self.env._("a signature or a photo"))
        if missing:
            raise ValidationError(
                self.env._(
                    "%(shipments)s: proof of delivery is missing %(missing)s.",
                    shipments=", ".join(self.mapped("name")),
                    missing=", ".join(missing),
                )
            )
        vals = {
            key: value
            for key, value in pod.items()
            if key in PROTECTED_FIELDS and key != "appliance_milestone"
        }
        vals["appliance_pod_signer"] = signer
        # sudo: the proof of delivery is written only here, after the checks above
        self.sudo().write(vals)
