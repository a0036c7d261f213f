import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

SERVICE_FACTORS = {"0": 1.0, "1": 0.5, "2": 0.25}
# keywords that tell the type of a complaint received by email
TYPE_KEYWORDS = (
    (
        "quality",
        re.compile(r"质量|故障|损坏|坏|缺陷|quality|defect|broken|fault", re.I),
    ),
    ("delivery", re.compile(r"发货|交货|到货|物流|延迟|delivery|late|shipping", re.I)),
    ("suggestion", re.compile(r"建议|suggest|idea|proposal", re.I)),
    ("praise", re.compile(r"表扬|感谢|满意|praise|thank", re.I)),
)


class ApplianceComplaint(models.Model):
    """A customer complaint or feedback: recorded in the backend, received by
    email (mail alias) or submitted on the portal; handled through stages by a
    responsible person within a deadline (SLA), confirmed by the customer."""

    _name = "appliance.complaint"
    _description = "Customer Complaint"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default="/",
        index=True,
    )
    subject = fields.Char(required=True, tracking=True)
    description = fields.Html()
    type_id = fields.Many2one(
        "appliance.complaint.type",
        required=True,
        tracking=True,
        default=lambda self: self.env.ref(
            "appliance_crm.appliance_complaint_type_service", raise_if_not_found=False
        ),
    )
    stage_id = fields.Many2one(
        "appliance.complaint.stage",
        required=True,
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_expand_full",
        default=lambda self: self.env["appliance.complaint.stage"].search([], limit=1),
    )
    state = fields.Selection(related="stage_id.state", store=True, index=True)
    is_closed = fields.Boolean(compute="_compute_is_closed", store=True)
    source = fields.Selection(
        [("backend", "Backend"), ("email", "Email"), ("portal", "Portal")],
        default="backend",
        required=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    customer_user_id = fields.Many2one(
        related="commercial_partner_id.user_id",
        string="Customer's Salesperson",
        store=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('share', '=', False)]",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id),"
        " ('picking_type_code', '=', 'outgoing')]",
    )
    product_id = fields.Many2one(
        "product.product", string="Model", index="btree_not_null", check_company=True
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")],
        compute="_compute_priority",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    date_deadline = fields.Datetime(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    resolve_hours = fields.Float(
        string="Hours to Resolve", readonly=True, copy=False, aggregator="avg"
    )
    sla_breached = fields.Boolean(
        string="Deadline Missed",
        compute="_compute_sla_breached",
        store=True,
        index=True,
        help="Closed after its deadline, or still open past it (flagged by the"
        " hourly job).",
    )
    resolution = fields.Html()
    customer_confirmed = fields.Boolean(readonly=True, copy=False, tracking=True)
    date_confirmed = fields.Datetime(readonly=True, copy=False)
    # -- root cause --
    root_cause = fields.Text()
    root_cause_product_id = fields.Many2one(
        "product.product", string="Faulty Model / Component", check_company=True
    )
    root_cause_lot_id = fields.Many2one(
        "stock.lot",
        string="Batch / Serial",
        domain="[('product_id', '=?', root_cause_product_id)]",
        check_company=True,
    )
    root_cause_supplier_id = fields.Many2one(
        "res.partner", string="Supplier", check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    color = fields.Integer()

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("stage_id.state")
    def _compute_is_closed(self):
        for complaint in self:
            complaint.is_closed = complaint.stage_id.state in ("done", "cancel")

    @api.depends("partner_id")
    def _compute_user_id(self):
        for complaint in self:
            if not complaint.user_id:
                complaint.user_id = complaint.partner_id.commercial_partner_id.user_id

    @api.depends("partner_id")
    def _compute_priority(self):
        for complaint in self:
            complaint.priority = (
                complaint.partner_id.commercial_partner_id.appliance_service_priority
                or "0"
            )

    @api.depends("type_id", "priority", "create_date")
    def _compute_date_deadline(self):
        for complaint in self:
            hours = complaint.type_id.sla_hours
            if not hours:
                complaint.date_deadline = False
                continue
            start = complaint.create_date or fields.Datetime.now()
            factor = SERVICE_FACTORS.get(complaint.priority or "0", 1.0)
            complaint.date_deadline = start + timedelta(hours=hours * factor)

    @api.depends("date_deadline", "date_closed")
    def _compute_sla_breached(self):
        now = fields.Datetime.now()
        for complaint in self:
            end = complaint.date_closed or now
            complaint.sla_breached = bool(
                complaint.date_deadline and end > complaint.date_deadline
            )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return result

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # refused before a reference number is drawn (sequence numbers are not
        # given back when the transaction rolls back)
        self.check_access("create")
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("appliance.complaint") or "/"
                )
        complaints = super().create(vals_list)
        for complaint in complaints.filtered("partner_id"):
            complaint.message_subscribe(partner_ids=complaint.partner_id.ids)
        return complaints

    def write(self, vals):
        if "stage_id" in vals:
            stage = self.env["appliance.complaint.stage"].browse(vals["stage_id"])
            now = fields.Datetime.now()
            if stage.state in ("done", "cancel"):
                for complaint in self.filtered(lambda c: not c.date_closed):
                    super(ApplianceComplaint, complaint).write(
                        {
                            "date_closed": now,
                            "resolve_hours": (
                                now - complaint.create_date
                            ).total_seconds()
                            / 3600,
                        }
                    )
            else:
                closed = self.filtered("date_closed")
                if closed:
                    super(ApplianceComplaint, closed).write(
                        {"date_closed": False, "resolve_hours": 0}
                    )
        return super().write(vals)

    # ------------------------------------------------------------
    # MAIL
    # ------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint received by email: the sender's customer, type guessed
        from the subject and body."""
        values = dict(custom_values or {})
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if not author and (email := email_normalize(msg_dict.get("email_from"))):
            author = self.env["res.partner"].search(
                [("email_normalized", "=", email)], limit=1
            )
        text = f"{msg_dict.get('subject') or ''} {msg_dict.get('body') or ''}"
        type_code = next(
            (code for code, pattern in TYPE_KEYWORDS if pattern.search(text)), "service"
        )
        complaint_type = self.env["appliance.complaint.type"].search(
            [("code", "=", type_code)], limit=1
        )
        values.setdefault(
            "subject", msg_dict.get("subject") or self.env._("(no subject)")
        )
        values.setdefault("source", "email")
        values.setdefault("name", "/")  # the sequence, not the subject
        if complaint_type:
            values.setdefault("type_id", complaint_type.id)
        if author:
            values.setdefault("partner_id", author.id)
            if author.company_id:
                values.setdefault("company_id", author.company_id.id)
        else:
            raise UserError(
                self.env._(
                    "Complaint from %s: the sender is not a known customer.",
                    msg_dict.get("email_from"),
                )
            )
        values.setdefault("description", msg_dict.get("body"))
        return super().message_new(msg_dict, custom_values=values)

    def _message_get_suggested_recipients(self, **kwargs):
        recipients = super()._message_get_suggested_recipients(**kwargs)
        for complaint in self:
            if complaint.partner_id and complaint.partner_id.email:
                complaint._message_add_suggested_recipient(
                    recipients,
                    partner=complaint.partner_id,
                    reason=self.env._("Customer"),
                )
        return recipients

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def _stage(self, state):
        return self.env["appliance.complaint.stage"].search(
            [("state", "=", state)], limit=1
        )

    def action_start(self):
        self.write({"stage_id": self._stage("progress").id})

    def action_ask_confirmation(self):
        for complaint in self:
            if complaint.type_id.needs_resolution and not complaint.resolution:
                raise UserError(
                    self.env._(
                        "%s: describe the resolution before asking the customer to"
                        " confirm it.",
                        complaint.name,
                    )
                )
        self.write({"stage_id": self._stage("confirm").id})
        for complaint in self:
            complaint.message_post(
                body=self.env._(
                    "Please confirm on the portal that the complaint is resolved."
                ),
                partner_ids=complaint.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def action_close(self):
        self.write({"stage_id": self._stage("done").id})

    def action_cancel(self):
        self.write({"stage_id": self._stage("cancel").id})

    def _action_customer_confirm(self):
        """The customer confirms the resolution (portal): the complaint closes."""
        self.ensure_one()
        if self.state != "confirm":
            raise UserError(
                self.env._("%s is not waiting for your confirmation.", self.name)
            )
        self.write(
            {
                "customer_confirmed": True,
                "date_confirmed": fields.Datetime.now(),
                "stage_id": self._stage("done").id,
            }
        )

    @api.model
    def _cron_flag_sla_breaches(self):
        """Flag the open complaints whose deadline passed (stored, for statistics)."""
        late = self.search(
            [
                ("is_closed", "=", False),
                ("sla_breached", "=", False),
                ("date_deadline", "<", fields.Datetime.now()),
            ]
        )
        self.env.add_to_compute(self._fields["sla_breached"], late)
        late.flush_recordset(["sla_breached"])
        return late
