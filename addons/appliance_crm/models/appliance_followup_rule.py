from odoo import fields, models

from .res_partner import FREQUENCY_BANDS, RFM_SEGMENTS, SPEND_BANDS

TRIGGERS = [
    ("cadence", "Every N days (visit cadence)"),
    ("after_delivery", "N days after a delivery"),
    ("before_purchase", "N days before the predicted next purchase"),
    ("inspection", "Yearly inspection of installed sets"),
]


class ApplianceFollowupRule(models.Model):
    """When the responsible salesperson gets a follow-up reminder (an activity on
    the customer). The scheduled job applies every rule; each reminder has a
    reason key, so the same reason never gives two reminders."""

    _name = "appliance.followup.rule"
    _description = "Follow-up Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="cadence")
    days = fields.Integer(
        help="Cadence: visit every N days (0: the customer strategy's visit interval)."
        " After delivery: N days after the delivery. Before purchase / inspection: N"
        " days ahead.",
    )
    min_confidence = fields.Float(
        string="Minimum Confidence",
        default=0.3,
        help="Predicted purchases less certain than this (0 to 1) are ignored.",
    )
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment")
    frequency_band = fields.Selection(FREQUENCY_BANDS)
    spend_band = fields.Selection(SPEND_BANDS)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ),
        domain="[('res_model', 'in', (False, 'res.partner'))]",
    )
    note = fields.Html(translate=True)
    escalate_after_days = fields.Integer(
        string="Escalate After (days)",
        default=3,
        help="A reminder still open this many days after its deadline is escalated to"
        " the sales team leader (or the escalation manager). 0: never.",
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalation Manager",
        help="Used when the customer's sales team has no leader.",
    )
    followup_count = fields.Integer(
        compute="_compute_followup_count", string="Reminders"
    )

    _days_positive = models.Constraint(
        "CHECK(days >= 0 AND escalate_after_days >= 0)",
        "Days cannot be negative.",
    )

    def _compute_followup_count(self):
        counts = dict(
            self.env["appliance.followup"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.followup_count = counts.get(rule, 0)

    def action_generate(self):
        """Create the due reminders of these rules now."""
        self.env["appliance.followup"].check_access("create")
        created = self.env["appliance.followup"]._generate(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s reminders created.", len(created)),
            },
        }

    def action_view_followups(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "appliance.followup",
            "view_mode": "list,form",
            "domain": [("rule_id", "=", self.id)],
        }
