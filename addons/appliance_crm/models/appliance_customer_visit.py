from odoo import api, fields, models


class ApplianceCustomerVisit(models.Model):
    """A visit, call or meeting with a customer, logged by the salesperson. The
    cadence follow-ups count from the last one and are closed by it."""

    _name = "appliance.customer.visit"
    _description = "Customer Visit"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "summary"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        default=lambda self: self.env.user,
        index=True,
    )
    customer_user_id = fields.Many2one(
        related="commercial_partner_id.user_id",
        string="Customer's Salesperson",
        store=True,
        index=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    kind = fields.Selection(
        [
            ("visit", "On-site visit"),
            ("call", "Phone call"),
            ("meeting", "Meeting at our office"),
            ("online", "Online / WeChat"),
        ],
        required=True,
        default="visit",
    )
    summary = fields.Char(required=True)
    note = fields.Html(string="Notes")
    next_step = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        visits._close_cadence_followups()
        return visits

    def _close_cadence_followups(self):
        """A visit answers the open "visit every N days" reminders of its customer."""
        followups = (
            self.env["appliance.followup"]
            .sudo()  # sudo: the visitor may not be the reminder's assignee
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("trigger", "=", "cadence"),
                    ("state", "=", "open"),
                ]
            )
        )
        for followup in followups:
            visit = self.filtered(
                lambda v, f=followup: v.commercial_partner_id == f.partner_id
            )[:1]
            followup.activity_id.action_feedback(
                feedback=self.env._("Visit logged: %s", visit.summary)
            )
