from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .appliance_order_milestone import MILESTONE_RANK, MILESTONES, ORDER_STEPS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # sale_margin leaves the order's margin readable by whoever reads the order,
    # the portal customer included; its line margins are internal users' only
    margin = fields.Monetary(groups="base.group_user")
    margin_percent = fields.Float(groups="base.group_user")

    # Set by the Excel import only: "<commercial partner id>/<customer order ref>".
    # The unique index makes two imports of the same order that run at the same
    # time collide in the database (the second waits, then fails), where the
    # import's own check cannot see an order the other has not committed yet.
    appliance_import_key = fields.Char(string="Import Key", copy=False, readonly=True)

    _appliance_import_key_unique = models.UniqueIndex(
        "(company_id, appliance_import_key)"
        " WHERE appliance_import_key IS NOT NULL AND state != 'cancel'",
        "This customer order was already imported.",
    )

    # Milestones (tracking): derived from the append-only history, see
    # appliance_order_milestone.py; set with the buttons, never written directly.
    appliance_milestone = fields.Selection(
        MILESTONES,
        string="Milestone",
        compute="_compute_appliance_milestone",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Where the order stands: confirmed, in production, ready, then per"
        " shipment shipped, in transit, delivered (the least advanced shipment"
        " counts; shipped while a part has not left yet).",
    )
    appliance_milestone_date = fields.Datetime(
        string="Milestone Since",
        compute="_compute_appliance_milestone",
        store=True,
        copy=False,
    )
    appliance_milestone_ids = fields.One2many(
        "appliance.order.milestone", "order_id", string="Milestone History"
    )
    appliance_partially_shipped = fields.Boolean(
        string="Partially Shipped",
        compute="_compute_appliance_milestone",
        store=True,
        copy=False,
    )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("commitment_date")
    def _check_commitment_date_not_past(self):
        today = fields.Date.context_today(self)
        for order in self:
            if (
                order.state in ("draft", "sent")
                and order.commitment_date
                and fields.Date.context_today(self, order.commitment_date) < today
            ):
                raise ValidationError(
                    self.env._(
                        "%(order)s: the requested delivery date %(date)s is in the past.",
                        order=order.name,
                        date=fields.Date.to_string(
                            fields.Date.context_today(self, order.commitment_date)
                        ),
                    )
                )

    def _appliance_order_entry_problems(self):
        """Problems that keep this order from being confirmed, as translated texts."""
        self.ensure_one()
        problems = []
        if not self.order_line._appliance_lines():
            return problems
        customer = self.partner_id
        phone = customer.phone or customer.commercial_partner_id.phone
        if not phone:
            problems.append(
                self.env._("Customer %s has no phone number.", customer.display_name)
            )
        elif problem := customer._appliance_phone_problem(phone):
            problems.append(problem)
        shipping = self.partner_shipping_id
        missing = [
            label
            for field, label in (
                ("street", self.env._("street")),
                ("city", self.env._("city")),
                ("country_id", self.env._("country")),
            )
            if not shipping[field]
        ]
        if shipping.country_id.code == "CN" and not shipping.state_id:
            missing.append(self.env._("province"))
        if missing:
            problems.append(
                self.env._(
                    "Delivery address of %(partner)s is incomplete: %(missing)s missing.",
                    partner=shipping.display_name,
                    missing=", ".join(missing),
                )
            )
        return problems

    # ------------------------------------------------------------
    # HOOKS used by appliance_stock's oversell guard
    # ------------------------------------------------------------

    def _appliance_shortage_rule_active(self):
        """True when an active approval rule of this order's company routes
        orders short of stock to approval (instead of refusing them)."""
        self.ensure_one()
        return bool(
            self.env["tier.definition"]._appliance_active_rules(
                self.company_id, rules=["shortage"]
            )
        )

    def _appliance_approval_allows_shortage(self):
        """True when this order's current, still valid approval was granted with
        the shortage rule triggered, i.e. an approver accepted the shortage."""
        self.ensure_one()
        order = self.sudo()  # sudo: reviews and rules are server data
        return bool(
            order.validation_status == "validated"
            and "shortage" in order.review_ids.definition_id.mapped("appliance_rule")
            and order._appliance_approval_is_current()
        )

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_confirm(self):
        # sale_stock lets warehouse staff write sale orders (for procurement
        # fields), which in plain Odoo also lets them confirm quotations. Only the
        # sales roles may commit the company to a sale; trusted flows (portal
        # signature/payment, crons) run as superuser and are not affected.
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_salesman"
        ):
            raise AccessError(
                self.env._(
                    "Only salespeople and sales managers may confirm sales orders."
                )
            )
        problems = [
            f"{order.name}: {problem}"
            for order in self
            for problem in order._appliance_order_entry_problems()
        ]
        if problems:
            raise ValidationError("\n".join(problems))
        return super().action_confirm()

    # ------------------------------------------------------------
    # MILESTONES (tracking; history in appliance_order_milestone.py)
    # ------------------------------------------------------------

    @api.depends(
        "state",
        "appliance_milestone_ids.milestone",
        "appliance_milestone_ids.date",
        "picking_ids.state",
        "picking_ids.appliance_milestone",
    )
    def _compute_appliance_milestone(self):
        for order in self:
            milestone, since, partial = order._appliance_expected_milestone()
            order.appliance_milestone = milestone
            order.appliance_milestone_date = since
            order.appliance_partially_shipped = partial

    def _appliance_expected_milestone(self):
        """(milestone, since, partially shipped) from the history: once a shipment
        has left, the least advanced shipment counts ("shipped" while another
        shipment has not left); before, the latest order-level event."""
        self.ensure_one()
        if self.state != "sale":
            return False, False, False
        events = self.appliance_milestone_ids.sorted(lambda e: (e.date, e.id))
        shipments = self.picking_ids.filtered(
            lambda p: p.state != "cancel" and p._appliance_is_customer_shipment()
        )
        left = shipments.filtered("appliance_milestone")
        if left:
            pending = bool(shipments - left)
            milestone = (
                "shipped"
                if pending
                else min(left.mapped("appliance_milestone"), key=MILESTONE_RANK.get)
            )
            since = max(events.filtered("picking_id").mapped("date"), default=False)
            return milestone, since, pending
        order_events = events.filtered(lambda e: not e.picking_id)
        if order_events:
            return order_events[-1].milestone, order_events[-1].date, False
        return "confirmed", self.date_order, False

    @api.constrains("appliance_milestone")
    def _check_appliance_milestone_from_history(self):
        # The stored milestone follows the history only; a direct write (over
        # RPC, a salesperson may write his orders) must not skip the buttons.
        for order in self:
            if order.appliance_milestone != order._appliance_expected_milestone()[0]:
                raise AccessError(
                    self.env._(
                        "%(order)s: the milestone is set with the milestone buttons"
                        " only.",
                        order=order.name,
                    )
                )

    def _action_confirm(self):
        res = super()._action_confirm()
        self.env["appliance.order.milestone"]._appliance_record_events(
            [{"order_id": order.id, "milestone": "confirmed"} for order in self]
        )
        return res

    def action_appliance_milestone_in_production(self):
        return self._appliance_milestone_dialog("in_production")

    def action_appliance_milestone_ready(self):
        return self._appliance_milestone_dialog("ready")

    def _appliance_milestone_dialog(self, milestone):
        self.ensure_one()
        self.env["appliance.order.milestone"]._appliance_check_role(milestone, self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env["appliance.order.milestone"]._appliance_milestone_label(
                milestone
            ),
            "res_model": "appliance.milestone.set",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id, "default_milestone": milestone},
        }

    def _appliance_set_milestone(self, milestone, note=False):
        """Move these orders to a production step (in production, ready), append
        the history and notify the customer. Setting the current milestone again
        does nothing; milestones only move forward."""
        Event = self.env["appliance.order.milestone"]
        label = Event._appliance_milestone_label(milestone)
        if milestone not in ORDER_STEPS:
            raise UserError(
                self.env._(
                    "“%(milestone)s” is set per shipment, on the delivery.",
                    milestone=label,
                )
            )
        Event._appliance_check_role(milestone, self)
        self.check_access("write")
        Event._appliance_lock(self)
        todo = self.filtered(lambda o: o.appliance_milestone != milestone)
        for order in todo:
            if order.state != "sale":
                raise UserError(
                    self.env._("%(order)s is not a confirmed order.", order=order.name)
                )
            current = order.appliance_milestone
            if MILESTONE_RANK.get(current, -1) > MILESTONE_RANK[milestone]:
                raise UserError(
                    self.env._(
                        "%(order)s is already “%(current)s”: milestones only move"
                        " forward.",
                        order=order.name,
                        current=Event._appliance_milestone_label(current),
                    )
                )
        return Event._appliance_record_events(
            [
                {"order_id": order.id, "milestone": milestone, "note": note or False}
                for order in todo
            ]
        )
