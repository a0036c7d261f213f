from odoo import fields, models


class ApplianceComplaintType(models.Model):
    _name = "appliance.complaint.type"
    _description = "Complaint Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    sla_hours = fields.Integer(
        string="Resolve Within (hours)",
        default=72,
        help="Deadline of a complaint of this type from its creation, for a customer"
        " of normal service priority (high: half of it, urgent: a quarter). 0: none.",
    )
    needs_resolution = fields.Boolean(
        default=True,
        help="Untick for feedback (suggestions, praise) that is acknowledged rather"
        " than resolved.",
    )

    _code_unique = models.Constraint(
        "UNIQUE(code)", "The complaint type code must be unique."
    )
