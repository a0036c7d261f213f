from odoo import fields, models


class ApplianceComplaintStage(models.Model):
    _name = "appliance.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    state = fields.Selection(
        [
            ("new", "New"),
            ("progress", "In progress"),
            ("confirm", "Waiting for customer confirmation"),
            ("done", "Resolved"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="progress",
        help="What the stage means for deadlines and statistics: resolved and"
        " cancelled complaints are closed; customers confirm the resolution of"
        " complaints waiting for confirmation on the portal.",
    )
