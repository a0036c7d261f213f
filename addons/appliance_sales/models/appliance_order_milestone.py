from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

# Fulfilment milestones of a confirmed order, in their only allowed direction.
MILESTONES = [
    ("confirmed", "Confirmed"),
    ("in_production", "In Production"),
    ("ready", "Ready to Ship"),
    ("shipped", "Shipped"),
    ("in_transit", "In Transit"),
    ("delivered", "Delivered (Signed For)"),
]
MILESTONE_RANK = {code: rank for rank, (code, _label) in enumerate(MILESTONES)}
# set on the order by its salesperson (or a sales manager / approver)
ORDER_STEPS = ("in_production", "ready")
# set per shipment by the warehouse; "shipped" only by validating the delivery
SHIPMENT_STEPS = ("shipped", "in_transit", "delivered")
SHIPMENT_MILESTONES = [m for m in MILESTONES if m[0] in SHIPMENT_STEPS]


class ApplianceOrderMilestone(models.Model):
    """One step of an order's (or one of its shipments') fulfilment: the history
    the timeline, the portal and the customer notifications are built from.

    Append-only: nobody has create/write/unlink rights; events are created by
    ``_appliance_record_events`` after the caller checked the user's role."""

    _name = "appliance.order.milestone"
    _description = "Order Milestone"
    _order = "date desc, id desc"
    # found by the order or delivery number it shows
    _rec_names_search = ["order_id", "picking_id"]

    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Shipment",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )
    milestone = fields.Selection(MILESTONES, required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Set By",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
    )
    note = fields.Text(
        readonly=True,
        help="Shown to the customer in the notification and on the portal.",
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True, index=True
    )
    salesperson_id = fields.Many2one(
        related="order_id.user_id", string="Salesperson", store=True
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    carrier_id = fields.Many2one(related="picking_id.carrier_id")
    carrier_tracking_ref = fields.Char(
        related="picking_id.carrier_tracking_ref", string="Waybill Number"
    )
    carrier_tracking_url = fields.Char(
        related="picking_id.carrier_tracking_url", string="Tracking Link"
    )
    message_id = fields.Many2one(
        "mail.message",
        string="Customer Notification",
        readonly=True,
        ondelete="set null",
        help="The message that told the customer about this milestone.",
    )
    milestone_label = fields.Char(compute="_compute_milestone_label")

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("order_id.name", "picking_id.name", "milestone")
    def _compute_display_name(self):
        for event in self:
            parts = [event.order_id.name, event.milestone_label]
            if event.picking_id:
                parts.append(event.picking_id.name)
            event.display_name = " · ".join(p for p in parts if p)

    @api.depends("milestone")
    @api.depends_context("lang")
    def _compute_milestone_label(self):
        labels = dict(self._fields["milestone"]._description_selection(self.env))
        for event in self:
            event.milestone_label = labels.get(event.milestone, "")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _appliance_check_role(self, milestone, orders):
        """Raise AccessError unless the current user may set ``milestone`` on
        ``orders``: production steps belong to the order's salesperson (or the
        approvers / sales managers who see all orders), shipment steps to the
        warehouse. The superuser (automatic steps) passes."""
        if self.env.su:
            return
        user = self.env.user
        if milestone in ORDER_STEPS:
            if user.has_group("sales_team.group_sale_salesman_all_leads"):
                return
            if user.has_group("sales_team.group_sale_salesman"):
                foreign = orders.filtered(lambda o: o.user_id != user)
                if not foreign:
                    return
                raise AccessError(
                    self.env._(
                        "%(orders)s: only the order's salesperson or a sales manager"
                        " may set the milestone “%(milestone)s”.",
                        orders=", ".join(foreign.mapped("name")),
                        milestone=self._appliance_milestone_label(milestone),
                    )
                )
        elif milestone in SHIPMENT_STEPS and user.has_group("stock.group_stock_user"):
            return
        raise AccessError(
            self.env._(
                "You may not set the milestone “%(milestone)s”: production steps"
                " belong to the salesperson, shipment steps to the warehouse.",
                milestone=self._appliance_milestone_label(milestone),
            )
        )

    @api.model
    def _appliance_milestone_label(self, milestone):
        return dict(self._fields["milestone"]._description_selection(self.env)).get(
            milestone, milestone
        )

    @api.model
    def _appliance_lock(self, records):
        """Row-lock ``records`` (orders or shipments) for the rest of the
        transaction: their milestone is UPDATEd when an event is recorded, so a
        concurrent double tap fails with a serialization error, is retried by
        Odoo and then sees the milestone already set (and sends nothing)."""
        if not records:
            return
        records.flush_recordset()
        self.env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE",
                SQL.identifier(records._table),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset()

    @api.model
    def _appliance_record_events(self, vals_list):
        """Append events (history) and notify the customer where configured.
        Callers have checked the user's role and the milestone's direction."""
        if not vals_list:
            return self.browse()
        # the history is append-only for everybody; callers checked the role
        events = self.sudo().create(vals_list)  # sudo: append-only history
        events._appliance_notify_customer()
        return events.sudo(self.env.su)

    def _appliance_notify_customer(self):
        """Post one message per event on its order, addressed to the customer,
        in the customer's language, through the mail queue (never sent inside
        the transaction, so a retried request sends nothing twice)."""
        settings = self.env["appliance.milestone.notification"]._appliance_settings(
            self.company_id
        )
        by_template = {}
        for event in self:
            setting = settings.get((event.company_id.id, event.milestone)) or (
                settings.get((False, event.milestone))
            )
            if not setting or not setting.notify_customer:
                continue
            template = setting.mail_template_id or self.env.ref(
                "appliance_sales.mail_template_appliance_milestone",
                raise_if_not_found=False,
            )
            if template:
                by_template.setdefault(template, self.browse())
                by_template[template] |= event
        for template, events in by_template.items():
            rendered = template._generate_template(
                events.ids, ("subject", "body_html", "lang")
            )
            for event in events:
                values = rendered[event.id]
                order = event.order_id
                # warehouse staff may not post on sales orders; the caller
                # checked that the user may set this milestone
                message = order.sudo().message_post(  # sudo: see above
                    body=values["body_html"],
                    subject=values["subject"],
                    partner_ids=order.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
                    force_email_lang=values.get("lang") or order.partner_id.lang,
                    force_send=False,
                )
                event.message_id = message


class ApplianceMilestoneNotification(models.Model):
    """Which milestones tell the customer, with which e-mail template; per company
    or, without company, for every company that has no setting of its own."""

    _name = "appliance.milestone.notification"
    _description = "Milestone Notification"
    _order = "company_id, id"

    milestone = fields.Selection(MILESTONES, required=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to apply to every company without its own setting.",
    )
    notify_customer = fields.Boolean(
        default=True,
        help="Send the customer an e-mail (and a portal message) when an order or"
        " shipment reaches this milestone.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "appliance.order.milestone")],
        help="Leave empty for the standard milestone e-mail.",
    )
    active = fields.Boolean(default=True)

    _milestone_company_unique = models.UniqueIndex(
        "(milestone, COALESCE(company_id, 0)) WHERE active",
        "This milestone already has a notification setting for this company.",
    )

    @api.constrains("mail_template_id")
    def _check_mail_template_model(self):
        for setting in self:
            template = setting.mail_template_id
            if template and template.model != "appliance.order.milestone":
                raise ValidationError(
                    self.env._(
                        "Milestone %(milestone)s: the template %(template)s is not"
                        " a template for order milestones.",
                        milestone=setting.milestone,
                        template=template.display_name,
                    )
                )

    @api.model
    def _appliance_settings(self, companies):
        """{(company id or False, milestone): setting} for ``companies``."""
        # everybody who may set a milestone applies the configured
        # notifications, not only the sales managers who maintain them
        settings = self.sudo().search(  # sudo: see above
            [("company_id", "in", [*companies.ids, False])]
        )
        return {(s.company_id.id, s.milestone): s for s in settings}
