import hashlib
import json
import time
from ast import literal_eval
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_repr, str2bool

# Context keys plain OCA honours to skip or defer its checks. Every RPC call
# carries the client's context, so in sales orders they mean nothing: server code
# that must bypass a check uses sudo(), which no client can ask for.
UNTRUSTED_CONTEXT = dict.fromkeys(
    (
        "skip_validation_check",
        "skip_check_state_condition",
        "tier_validation_defer_compute_can_review",
        # sale_stock's: a confirmation without deliveries, and without the
        # oversell guard (appliance_stock)
        "skip_procurement",
    ),
    False,
) | {"active_test": True}  # archived rules and done activities stay out

# What an approval is given for; a change of any of them takes it away.
BOUND_ORDER_FIELDS = {
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "payment_term_id",
    "currency_id",
    "pricelist_id",
    "company_id",
}
BOUND_LINE_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom_id",
    "price_unit",
    "discount",
    "tax_ids",
    "display_type",
    "order_id",
}
# Written by server code only (sudo); a client setting them is refused. (Reviews
# themselves are guarded in tier.review.)
SERVER_ONLY_FIELDS = {
    "validation_status",
    "appliance_confirmation_sent",
    "appliance_expected_delivery_date",
}
APPROVAL_ACTIVITY = "appliance_sales.mail_activity_type_order_approval"


# one file per concern: sale_order.py is shared by parallel work on this addon
class SaleOrder(models.Model):
    """Approval of sales orders on OCA's tier validation, hardened:

    * only the designated reviewer decides (checked here; reviews are written by
      server code only, see tier_review.py);
    * an approval binds the content it was given for (digest on each review);
    * no context key sent by a client skips a check;
    * confirmation re-checks the rules under a lock on the customer, confirms or
      routes the order to approval, and sends the customer one e-mail.
    """

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited
    # our own approval block, buttons and labels (translated); see the views
    _tier_validation_manual_config = True

    appliance_confirmation_sent = fields.Boolean(
        string="Confirmation Sent",
        readonly=True,
        copy=False,
        help="The customer has been sent the order confirmation e-mail; it is not "
        "sent again when the order is confirmed again.",
    )
    appliance_expected_delivery_date = fields.Date(
        string="Expected Delivery",
        readonly=True,
        copy=False,
        help="Date the customer was told at confirmation, from stock availability, "
        "incoming receipts and lead times.",
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _appliance_check_server_only_fields(self, vals):
        """Refuse a client's value for a server-only field: on create anything but
        the empty default, on write anything but the current value."""
        if self.env.su:
            return
        offending = []
        for fname in SERVER_ONLY_FIELDS & vals.keys():
            field = self._fields[fname]
            if not self:
                if vals[fname] not in (False, None, "no"):
                    offending.append(fname)
                continue
            for order in self:
                value = field.convert_to_record(
                    field.convert_to_cache(vals[fname], order), order
                )
                if order[fname] != value:
                    offending.append(fname)
                    break
        if offending:
            raise AccessError(
                self.env._(
                    "%(fields)s of a sales order are set by the approval process only.",
                    fields=", ".join(
                        self._fields[f]._description_string(self.env)
                        for f in sorted(offending)
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # refused before Odoo draws the order number (sequences do not roll back)
        self.check_access("create")
        for vals in vals_list:
            self.browse()._appliance_check_server_only_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._appliance_check_server_only_fields(vals)
        result = super().write(vals)
        if BOUND_ORDER_FIELDS & vals.keys():
            self._appliance_recheck_approval()
        return result

    def unlink(self):
        self.check_access("unlink")
        self.sudo().review_ids.unlink()  # sudo: reviews go with their order; access checked above
        return super().unlink()

    # ------------------------------------------------------------
    # OCA TIER VALIDATION, HARDENED
    # ------------------------------------------------------------

    def _tier_validation_check_write_allowed(self, vals):
        return super(
            SaleOrder, self.with_context(**UNTRUSTED_CONTEXT)
        )._tier_validation_check_write_allowed(vals)

    def _check_allow_write_under_validation(self, vals):
        # Edits under validation are allowed: an edit of the approved content
        # withdraws the request (_appliance_recheck_approval), other edits are
        # harmless. Plain OCA refused them on the order but not on its lines.
        return True

    def _check_state_from_condition(self):
        return super(
            SaleOrder, self.with_context(**UNTRUSTED_CONTEXT)
        )._check_state_from_condition()

    def _tier_validation_check_state_on_write(self, vals):
        # need_validation is not stored: never decide on a value computed before
        # the reviews changed in this transaction
        self.invalidate_recordset(["need_validation"])
        return super(
            SaleOrder, self.with_context(**UNTRUSTED_CONTEXT)
        )._tier_validation_check_state_on_write(vals)

    def _tier_validation_check_write_remove_reviews(self, vals):
        # OCA deletes the reviews of a cancelled order; reviews are deleted by
        # server code only
        return super(
            SaleOrder,
            self.sudo(),  # sudo: see above, the order write is checked by the ORM
        )._tier_validation_check_write_remove_reviews(vals)

    def _compute_need_validation(self):
        triggered = self._appliance_triggered_rules()
        for order in self:
            order.need_validation = bool(
                isinstance(order.id, int)
                and not order.review_ids
                and triggered.get(order.id)
                and order._check_state_from_condition()
            )

    @api.private  # takes a tier.definition record: server code only
    def evaluate_tier(self, tier):
        if tier.definition_type == "appliance":
            return self.browse(list(self._appliance_rule_reasons(tier)))
        return super().evaluate_tier(tier)

    def _prepare_tier_review_vals(self, definition, sequence):
        vals = super()._prepare_tier_review_vals(definition, sequence)
        vals["appliance_digest"] = self._appliance_content_digest()
        if definition.definition_type == "appliance":
            vals["appliance_reason"] = self._appliance_rule_reasons(definition).get(
                self.id
            )
        return vals

    def request_validation(self):
        self.check_access("write")
        orders = self.with_context(**UNTRUSTED_CONTEXT).filtered(
            lambda order: order.state in ("draft", "sent")
        )
        orders.invalidate_recordset(["need_validation"])
        for order in orders:
            if problems := order._appliance_order_entry_problems():
                raise ValidationError(
                    "\n".join(f"{order.name}: {problem}" for problem in problems)
                )
        reviews = super(
            SaleOrder,
            orders.sudo(),  # sudo: reviews are written by server code only; access checked above
        ).request_validation()
        if orphans := reviews.filtered(lambda review: not review.reviewer_ids):
            raise UserError(
                self.env._(
                    "Nobody can approve %(rules)s for this order: give the rule an "
                    "approver other than the salesperson.",
                    rules=", ".join(orphans.mapped("name")),
                )
            )
        return reviews.sudo(False)

    def restart_validation(self):
        self.check_access("write")
        orders = self.filtered("review_ids")
        orders._appliance_close_approval_activities()
        return super(
            SaleOrder,
            self.sudo(),  # sudo: reviews are written by server code only; access checked above
        ).restart_validation()

    def validate_tier(self):
        self.ensure_one()
        order = self.with_context(**UNTRUSTED_CONTEXT)
        order._appliance_check_reviewer()
        if withdrawn := order._appliance_withdraw_if_changed():
            return withdrawn
        result = super(SaleOrder, order).validate_tier()
        if isinstance(result, dict):  # OCA's comment wizard
            return result
        return order._appliance_after_approval()

    def _validate_tier(self, tiers=False):
        self.ensure_one()
        reviews = self._appliance_decidable_reviews(tiers)
        if not reviews:
            return None
        self._appliance_close_approval_activities(self.env.user)
        order_sudo = self.sudo()  # sudo: reviewer checked above
        result = super(SaleOrder, order_sudo)._validate_tier(
            reviews.with_env(order_sudo.env)
        )
        # the other approvers of the decided tiers have nothing left to do
        self._appliance_close_approval_activities(
            keep=order_sudo.review_ids.filtered(
                lambda review: review.status in ("waiting", "pending")
            ).reviewer_ids
        )
        return result

    def _appliance_withdraw_if_changed(self):
        """Withdraw the request when the order changed since it was submitted;
        return the notification saying so (None when nothing changed)."""
        self.ensure_one()
        if self._appliance_approval_is_current():
            return None
        self._appliance_reset_approval(
            self.env._(
                "The order changed after it was submitted: the approval request "
                "was withdrawn. Submit it again."
            )
        )
        return self._appliance_notification(
            self.env._("The order changed since it was submitted; nothing approved."),
            "warning",
        )

    def reject_tier(self):
        self.ensure_one()
        self._appliance_check_reviewer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject %s", self.name),
            "res_model": "appliance.order.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _rejected_tier(self, tiers=False):
        self.ensure_one()
        reviews = self._appliance_decidable_reviews(tiers)
        if not reviews:
            return None
        order_sudo = self.sudo()  # sudo: reviewer checked above
        return super(SaleOrder, order_sudo)._rejected_tier(
            reviews.with_env(order_sudo.env)
        )

    # ------------------------------------------------------------
    # REVIEWERS
    # ------------------------------------------------------------

    def _appliance_decidable_reviews(self, tiers=False):
        """The open reviews of this order the current user may decide now."""
        self.ensure_one()
        reviews = self.review_ids
        if tiers:
            reviews &= tiers
        sequences = self._get_sequences_to_approve(self.env.user)
        return reviews.filtered(
            lambda review: (
                review.status in ("waiting", "pending")
                and self.env.user in review.reviewer_ids
                and review.sequence in sequences
            )
        )

    def _appliance_check_reviewer(self):
        self.ensure_one()
        if not self._appliance_decidable_reviews():
            raise AccessError(
                self.env._(
                    "%(order)s: you are not a reviewer of its pending approval.",
                    order=self.name,
                )
            )

    def _appliance_reject(self, reason):
        """Reject the current user's reviews of this order with ``reason``: the
        order returns to draft, the reason goes to the chatter and to the
        salesperson."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "%(order)s: give the reason for the rejection; the salesperson "
                    "reads it.",
                    order=self.name,
                )
            )
        reviews = self._appliance_decidable_reviews()
        if not reviews:
            self._appliance_check_reviewer()
        reviews_sudo = reviews.sudo()  # sudo: reviewer checked above
        reviews_sudo.write({"comment": reason})
        self._rejected_tier(reviews)
        body = Markup("%s<br/>%s") % (
            self.env._(
                "Rejected by %(user)s (%(rules)s). Reason:",
                user=self.env.user.name,
                rules=", ".join(reviews.mapped("name")),
            ),
            reason,
        )
        salesperson = self.user_id
        self.message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            partner_ids=salesperson.partner_id.ids,
        )
        if salesperson:
            self.sudo().with_context(  # sudo: the approver may not manage the salesperson's activities
                mail_activity_automation_skip=False  # a client key: the to-do is due
            ).activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=salesperson.id,
                summary=self.with_context(lang=salesperson.lang).env._(
                    "Rejected: rework the order"
                ),
                note=reason,
            )
        self._appliance_reset_approval(message=None)
        if self.state == "sent":
            self.action_draft()
        return True

    # ------------------------------------------------------------
    # NOTIFICATIONS
    # ------------------------------------------------------------

    def _appliance_notify_reviewers(self, reviews):
        """Tell the reviewers of ``reviews`` (now pending) that an order waits for
        them: an activity, an e-mail through the queue and a web notification."""
        template = self.env.ref(
            "appliance_sales.mail_template_order_approval_request",
            raise_if_not_found=False,
        )
        orders_sudo = self.sudo()  # sudo: server bookkeeping
        for order in orders_sudo:
            users = reviews.filtered(lambda r, o=order: r.res_id == o.id).reviewer_ids
            users = users.filtered(lambda user: not user.share)
            if not users:
                continue
            for user in users:
                order_lang = order.with_context(lang=user.lang or "en_US")
                summary = order_lang.env._(
                    "Approve %(order)s (%(amount)s)",
                    order=order.name,
                    amount=order.currency_id.format(order.amount_total),
                )
                order.with_context(
                    mail_activity_quick_update=True,  # the e-mail below says it
                    mail_activity_automation_skip=False,
                ).activity_schedule(APPROVAL_ACTIVITY, user_id=user.id, summary=summary)
                user._bus_send(
                    "simple_notification",
                    {
                        "type": "info",
                        "sticky": True,
                        "title": order_lang.env._("Approval requested"),
                        "message": summary,
                    },
                )
            if template:
                for lang, lang_users in users.grouped("lang").items():
                    template.with_context(lang=lang or "en_US").send_mail(
                        order.id,
                        force_send=False,
                        email_layout_xmlid="mail.mail_notification_light",
                        email_values={
                            "recipient_ids": [(6, 0, lang_users.partner_id.ids)],
                        },
                    )

    def _appliance_close_approval_activities(self, users=None, keep=None):
        """Mark done the approval activities of ``users``; without ``users``
        delete them, but those of the users in ``keep``."""
        activity_type = self.env.ref(APPROVAL_ACTIVITY, raise_if_not_found=False)
        if not activity_type:
            return
        activities = (
            self.sudo()  # sudo: activities of other reviewers close with the decision
            .with_context(active_test=True)  # done ones stay (a client may send False)
            .activity_ids
        ).filtered(
            lambda act: (
                act.activity_type_id == activity_type
                and (users is None or act.user_id in users)
                and (keep is None or act.user_id not in keep)
            )
        )
        if users is None:
            activities.unlink()
        else:
            activities.action_feedback(feedback=self.env._("Approved"))

    def _appliance_notification(self, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------
    # APPROVAL BINDS THE CONTENT
    # ------------------------------------------------------------

    def _appliance_content_digest(self):
        """Fingerprint of what an approval is given for."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        ).sorted("id")
        digits = self.currency_id.decimal_places or 2
        content = {
            "customer": self.partner_id.id,
            "invoice_address": self.partner_invoice_id.id,
            "delivery_address": self.partner_shipping_id.id,
            "payment_terms": self.payment_term_id.id,
            "currency": self.currency_id.id,
            "pricelist": self.pricelist_id.id,
            "company": self.company_id.id,
            "untaxed": float_repr(self.amount_untaxed, digits),
            "total": float_repr(self.amount_total, digits),
            "lines": [
                [
                    line.id,
                    line.product_id.id,
                    float_repr(line.product_uom_qty, 6),
                    line.product_uom_id.id,
                    float_repr(line.price_unit, 6),
                    float_repr(line.discount, 6),
                    sorted(line.tax_ids.ids),
                ]
                for line in lines
            ],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def _appliance_approval_is_current(self):
        """True when every review of this order was given for its content now."""
        self.ensure_one()
        reviews = self.sudo().review_ids  # sudo: digests are server data
        digest = self._appliance_content_digest()
        return bool(reviews) and all(r.appliance_digest == digest for r in reviews)

    def _appliance_recheck_approval(self):
        """After a change: withdraw the approvals of quotations whose content
        changed; refuse the change on confirmed orders approved as they were."""
        if not self:
            return
        Review = self.env["tier.review"].sudo()  # sudo: checked whoever edits
        reviewed = Review.search_fetch(
            [("model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"]
        )
        if not reviewed:
            return
        orders = self.browse(set(reviewed.mapped("res_id"))).sudo()  # sudo: server data
        stale = orders.filtered(
            lambda order: not order._appliance_approval_is_current()
        )
        if not stale:
            return
        confirmed = stale.filtered(lambda order: order.state == "sale")
        if confirmed and not self.env.su:
            raise ValidationError(
                self.env._(
                    "%(orders)s: the amount, lines, prices, discounts, customer, payment"
                    " terms and delivery address of an order confirmed with an approval"
                    " cannot change. Cancel the order, set it back to quotation and"
                    " submit it again.",
                    orders=", ".join(confirmed.mapped("name")),
                )
            )
        stale.filtered(lambda order: order.state in ("draft", "sent")).with_env(
            self.env
        )._appliance_reset_approval(
            self.env._(
                "The order changed after approval was requested: the approval was "
                "withdrawn. Submit the order again."
            )
        )

    def _appliance_reset_approval(self, message):
        """Delete the reviews of these orders (with their activities) and say why."""
        for order in self:
            order._appliance_close_approval_activities()
            order.sudo().review_ids.unlink()  # sudo: reviews are written by server code only
            if message:
                order.sudo().message_post(  # sudo: the editor may be a reviewer without write access
                    body=message,
                    subtype_xmlid="mail.mt_note",
                    partner_ids=order.user_id.partner_id.ids,
                )

    # ------------------------------------------------------------
    # RULES
    # ------------------------------------------------------------

    def _appliance_rule_hits(self):
        """{order id: {tier.definition: why}} of the active rules each order
        meets now (why is empty for plain OCA domain rules)."""
        result = defaultdict(dict)
        orders = self.filtered(lambda order: isinstance(order.id, int))
        for company, company_orders in orders.grouped("company_id").items():
            for rule in self.env["tier.definition"]._appliance_active_rules(company):
                if rule.definition_type == "appliance":
                    hits = company_orders._appliance_rule_reasons(rule)
                else:
                    hits = dict.fromkeys(company_orders.evaluate_tier(rule).ids, "")
                for order_id, why in hits.items():
                    result[order_id][rule] = why
        return result

    def _appliance_triggered_rules(self):
        """{order id: tier.definition} of the active rules each order meets now."""
        Rule = self.env["tier.definition"]
        return {
            order_id: Rule.browse([rule.id for rule in hits])
            for order_id, hits in self._appliance_rule_hits().items()
        }

    def _appliance_rule_reasons(self, rule):
        """{order id: why} of the orders of ``self`` that meet the condition of the
        sales order rule ``rule`` (and its optional domain)."""
        orders = self.filtered(
            lambda order: (
                isinstance(order.id, int)
                and (not rule.company_id or order.company_id == rule.company_id)
            )
        )
        if not orders or not rule.appliance_rule:
            return {}
        reasons = getattr(orders, f"_appliance_rule_{rule.appliance_rule}")(rule)
        if reasons and rule.definition_domain:
            kept = self.browse(list(reasons)).filtered_domain(
                literal_eval(rule.definition_domain)
            )
            reasons = {oid: why for oid, why in reasons.items() if oid in kept.ids}
        return reasons

    def _appliance_company_amount(self, amount):
        """``amount`` of this order in its company's currency."""
        self.ensure_one()
        return amount / self.currency_rate if self.currency_rate else amount

    def _appliance_rule_amount(self, rule):
        reasons = {}
        for order in self:
            # the threshold is in the order company's currency
            currency = order.company_id.currency_id
            total = order._appliance_company_amount(order.amount_total)
            if currency.compare_amounts(total, rule.appliance_amount) > 0:
                reasons[order.id] = self.env._(
                    "Total %(total)s is over %(limit)s",
                    total=currency.format(total),
                    limit=currency.format(rule.appliance_amount),
                )
        return reasons

    def _appliance_rule_discount(self, rule):
        reasons = {}
        for order in self:
            lines = order.order_line._appliance_priced_lines()
            if not lines:
                continue
            worst = max(lines, key=lambda line: line.appliance_effective_discount)
            if (
                float_compare(
                    worst.appliance_effective_discount,
                    rule.appliance_percent,
                    precision_digits=2,
                )
                > 0
            ):
                reasons[order.id] = self.env._(
                    "%(product)s: %(discount)s%% off the list price",
                    product=worst.product_id.display_name,
                    discount=f"{worst.appliance_effective_discount:.1f}",
                )
        return reasons

    def _appliance_rule_margin(self, rule):
        reasons = {}
        for order in self:
            if not order.amount_untaxed:
                continue
            margin = order.margin_percent * 100
            if float_compare(margin, rule.appliance_percent, precision_digits=2) < 0:
                reasons[order.id] = self.env._(
                    "Margin %(margin)s%% is below %(floor)s%%",
                    margin=f"{margin:.1f}",
                    floor=f"{rule.appliance_percent:g}",
                )
        return reasons

    def _appliance_rule_credit(self, rule):
        reasons = {}
        figures = self._appliance_credit_figures()
        for order in self:
            data = figures[order.id]
            currency = order.company_id.currency_id
            if (
                data["limit"] > 0
                and currency.compare_amounts(data["exposure"], data["limit"]) > 0
            ):
                reasons[order.id] = self.env._(
                    "Credit exposure %(exposure)s is over the limit %(limit)s",
                    exposure=currency.format(data["exposure"]),
                    limit=currency.format(data["limit"]),
                )
        return reasons

    def _appliance_rule_overdue(self, rule):
        reasons = {}
        overdue = self._appliance_overdue_figures(min_days=rule.appliance_days)
        for order in self:
            data = overdue[order.partner_id.commercial_partner_id.id]
            if data["total"] > 0:
                currency = order.company_id.currency_id
                reasons[order.id] = self.env._(
                    "%(amount)s overdue more than %(days)s days (oldest: %(oldest)s days)",
                    amount=currency.format(data["total"]),
                    days=rule.appliance_days,
                    oldest=data["oldest_days"],
                )
        return reasons

    def _appliance_rule_shortage(self, rule):
        reasons = {}
        for order in self:
            short = order.order_line.filtered("appliance_shortage")
            if short:
                reasons[order.id] = "; ".join(
                    self.env._(
                        "%(product)s: %(available)s of %(qty)s available by %(date)s",
                        product=line.product_id.display_name,
                        available=f"{max(line.virtual_available_at_date, 0):g}",
                        qty=f"{line.qty_to_deliver:g}",
                        date=fields.Date.to_string(
                            fields.Date.context_today(self, line.scheduled_date)
                        )
                        if line.scheduled_date
                        else "",
                    )
                    for line in short
                )
        return reasons

    def _appliance_rule_new_customer(self, rule):
        customers = self.partner_id.commercial_partner_id
        Orders = self.env["sale.order"].sudo()  # sudo: all salespeople's orders
        previous = Orders._read_group(
            [
                ("state", "=", "sale"),
                ("partner_id", "child_of", customers.ids),
                ("id", "not in", self.ids),
            ],
            ["partner_id"],
            ["__count"],
        )
        known = {partner.commercial_partner_id.id for partner, _count in previous}
        return {
            order.id: self.env._(
                "First order of %s", order.partner_id.commercial_partner_id.name
            )
            for order in self
            if order.partner_id.commercial_partner_id.id not in known
        }

    # ------------------------------------------------------------
    # CUSTOMER FIGURES (credit, overdue) -- set-based, company currency
    # ------------------------------------------------------------

    def _appliance_receivable_domain(self, company, customers):
        return [
            ("partner_id", "child_of", customers.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("company_id", "child_of", company.root_id.id),
        ]

    def _appliance_credit_figures(self):
        """{order id: {limit, receivable, open_orders, this_order, exposure}} in
        the order company's currency. Open orders are the customer's confirmed
        orders not invoiced yet (other than this one)."""
        result = {}
        AccountLine = self.env["account.move.line"].sudo()  # sudo: totals only
        Orders = self.env["sale.order"].sudo()  # sudo: all salespeople's orders
        for company, orders in self.grouped("company_id").items():
            customers = orders.partner_id.commercial_partner_id
            receivable = defaultdict(float)
            for partner, amount in AccountLine._read_group(
                self._appliance_receivable_domain(company, customers),
                ["partner_id"],
                ["amount_residual:sum"],
            ):
                receivable[partner.commercial_partner_id.id] += amount
            open_orders = defaultdict(float)
            confirmed = Orders.search_fetch(
                [
                    ("state", "=", "sale"),
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", customers.ids),
                    ("id", "not in", orders.ids),
                ],
                ["partner_id", "currency_id", "currency_rate"],
            ) | orders.filtered(lambda order: order.state == "sale").with_env(
                Orders.env
            )
            for order in confirmed:
                open_orders[(order.partner_id.commercial_partner_id.id, order.id)] = (
                    order._appliance_company_amount(order.amount_to_invoice)
                )
            limits = customers.with_company(company).sudo()  # sudo: accounting field
            for order in orders:
                customer = order.partner_id.commercial_partner_id
                this_order = order._appliance_company_amount(order.amount_total)
                open_amount = sum(
                    amount
                    for (partner_id, order_id), amount in open_orders.items()
                    if partner_id == customer.id and order_id != order.id
                )
                result[order.id] = {
                    "limit": limits.browse(customer.id).credit_limit,
                    "receivable": receivable[customer.id],
                    "open_orders": open_amount,
                    "this_order": this_order,
                    "exposure": receivable[customer.id] + open_amount + this_order,
                }
        return result

    def _appliance_overdue_figures(self, min_days=0):
        """{customer id: {total, oldest_days, buckets}} of the unpaid invoices of
        the orders' customers due more than ``min_days`` days ago; buckets are
        the amounts 1-30, 31-60, 61-90 and over 90 days overdue."""
        today = fields.Date.context_today(self)
        result = defaultdict(
            lambda: {"total": 0.0, "oldest_days": 0, "buckets": [0.0, 0.0, 0.0, 0.0]}
        )
        AccountLine = self.env["account.move.line"].sudo()  # sudo: totals only
        for company, orders in self.grouped("company_id").items():
            customers = orders.partner_id.commercial_partner_id
            domain = self._appliance_receivable_domain(company, customers) + [
                ("amount_residual", ">", 0),
                ("date_maturity", "<", fields.Date.subtract(today, days=min_days)),
            ]
            for partner, due, amount in AccountLine._read_group(
                domain, ["partner_id", "date_maturity:day"], ["amount_residual:sum"]
            ):
                data = result[partner.commercial_partner_id.id]
                days = (today - due).days
                data["total"] += amount
                data["oldest_days"] = max(data["oldest_days"], days)
                bucket = (
                    0 if days <= 30 else 1 if days <= 60 else 2 if days <= 90 else 3
                )
                data["buckets"][bucket] += amount
        return result

    # ------------------------------------------------------------
    # CONFIRMATION
    # ------------------------------------------------------------

    def _appliance_lock_customers(self):
        """Serialise the credit decisions on the customers of these orders.

        Transactions are REPEATABLE READ: a confirmation reads the customer's
        exposure in its snapshot. Both competing confirmations update the
        customer row, so the second one waits for the first, then fails with a
        serialization error and is retried by Odoo on a snapshot that sees the
        first order confirmed."""
        customers = self.partner_id.commercial_partner_id
        if not customers or not self.env["tier.definition"]._appliance_active_rules(
            self.company_id, rules=["credit"]
        ):
            return
        ids = tuple(sorted(customers.ids))
        # a serialization failure here is the expected outcome for the loser: Odoo
        # retries its request, no need to log the statement as a bad query
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                ids,
            ),
            log_exceptions=False,
        )
        self.env.cr.execute(
            SQL("UPDATE res_partner SET write_date = write_date WHERE id IN %s", ids),
            log_exceptions=False,
        )

    def _appliance_confirmation_route(self):
        """'confirm' or 'submit' for this quotation, after re-checking the rules
        and its approval; raises while an approval is open."""
        self.ensure_one()
        triggered = self._appliance_triggered_rules().get(
            self.id, self.env["tier.definition"]
        )
        reviews = self.sudo().review_ids  # sudo: reviews are server data
        if reviews and not self._appliance_approval_is_current():
            self._appliance_reset_approval(
                self.env._(
                    "The order changed after approval was requested: the approval "
                    "was withdrawn."
                )
            )
            reviews = reviews.browse()
        if not reviews:
            return "submit" if triggered else "confirm"
        order_sudo = self.sudo()  # sudo: reviews are server data
        status = order_sudo.validation_status
        if status == "validated":
            new_rules = triggered - reviews.definition_id
            if new_rules:
                self._appliance_reset_approval(
                    self.env._(
                        "Since the approval, the order also meets: %s. It needs a new "
                        "approval.",
                        ", ".join(new_rules.mapped("name")),
                    )
                )
                return "submit"
            return "confirm"
        if status == "rejected":
            raise UserError(
                self.env._(
                    "%(order)s was rejected: change it and submit it again.",
                    order=self.name,
                )
            )
        raise UserError(
            self.env._(
                "%(order)s is waiting for approval by %(reviewers)s.",
                order=self.name,
                reviewers=", ".join(filter(None, reviews.mapped("todo_by"))),
            )
        )

    def action_confirm(self):
        if not (
            self.env.su or self.env.user.has_group("sales_team.group_sale_salesman")
        ):
            return super().action_confirm()  # refused there, with the reason
        orders = self.with_context(**UNTRUSTED_CONTEXT)
        confirmed = submitted = self.browse()
        for order in orders:
            if order.state not in ("draft", "sent"):
                super(SaleOrder, order).action_confirm()  # Odoo says why not
                continue
            order._appliance_lock_customers()
            if order._appliance_confirmation_route() == "submit":
                order.request_validation()
                submitted |= order
            else:
                super(SaleOrder, order).action_confirm()
                confirmed |= order
        confirmed._appliance_after_confirmation()
        if submitted:
            return self._appliance_notification(
                self.env._(
                    "%s needs approval: the approvers have been asked.",
                    ", ".join(submitted.mapped("name")),
                ),
                "warning",
            )
        return True

    def action_appliance_submit(self):
        """Button: submit the quotation for approval (or confirm it when no rule
        applies)."""
        return self.action_confirm()

    def _appliance_after_approval(self):
        """After a reviewer's decision: confirm the order once fully approved."""
        self.ensure_one()
        if self.validation_status != "validated" or self.state not in ("draft", "sent"):
            return self._appliance_notification(self.env._("Approved."))
        try:
            with self.env.cr.savepoint():
                result = self.sudo().action_confirm()  # sudo: the approval confirms for the salesperson; the approver may lack sales rights
        except UserError as error:
            message = self.env._(
                "Approved, but the order could not be confirmed: %s", error.args[0]
            )
            self.sudo().message_post(  # sudo: the approver may not write this order
                body=message,
                subtype_xmlid="mail.mt_note",
                partner_ids=self.user_id.partner_id.ids,
            )
            return self._appliance_notification(message, "warning")
        if self.state == "sale":
            return self._appliance_notification(
                self.env._("Approved and confirmed: the customer has been informed.")
            )
        return result

    def _appliance_after_confirmation(self):
        if not self:
            return
        self._appliance_close_approval_activities()
        dates = self._appliance_expected_delivery_dates()
        for order in self:
            order_sudo = order.sudo()  # sudo: server-only field
            order_sudo.appliance_expected_delivery_date = dates.get(order.id)
        self._appliance_send_confirmation_mail()

    def _send_order_confirmation_mail(self):
        # Portal acceptance and online payment ask for Odoo's confirmation mail:
        # ours replaces it (with the expected delivery date), once per order.
        confirmed = self.filtered(lambda order: order.state == "sale")
        confirmed._appliance_after_confirmation()
        return super(SaleOrder, self - confirmed)._send_order_confirmation_mail()

    def _appliance_send_confirmation_mail(self):
        """Queue the confirmation e-mail (order number, expected delivery date,
        total, portal link, PDF) in the customer's language, once per order.

        With Odoo's "asynchronous order e-mails" (``sale.async_emails``) the
        e-mail, and the PDF it carries, is left to the *Sales: Send pending
        emails* cron, so that confirming does not wait for the PDF."""
        template = self.env.ref(
            "appliance_sales.mail_template_order_confirmed", raise_if_not_found=False
        )
        if not template:
            return
        ICP = self.env["ir.config_parameter"].sudo()  # sudo: read a setting
        cron = self.env.ref("sale.send_pending_emails_cron", raise_if_not_found=False)
        deferred = (
            str2bool(ICP.get_param("sale.async_emails"))
            and cron
            and cron.sudo().active  # sudo: the confirming user may not read crons
        )
        for order in self.filtered(lambda order: not order.appliance_confirmation_sent):
            order.sudo().appliance_confirmation_sent = True  # sudo: server-only field
            if not order.partner_id.email:
                order.sudo().message_post(  # sudo: a note of the server
                    body=self.env._(
                        "No confirmation e-mail: %s has no e-mail address.",
                        order.partner_id.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            if deferred:
                order.sudo().pending_email_template_id = template  # sudo: server field
                continue
            order._appliance_post_confirmation_mail(template)
        if deferred:
            cron.sudo()._trigger()  # sudo: wake the cron of Odoo's sale module

    @api.model
    def _cron_send_pending_emails(self):
        """Odoo's loop sends one e-mail before it looks at the time left, and the
        cron runner calls it at least ten times a run: with the order PDF (about
        1 s per e-mail, far more on a busy server) a run then outlasts the cron
        worker's time limit and the worker is killed, mid-e-mail. Once the run's
        time is up, send nothing more: report what is left, the cron comes back
        for it at once."""
        end_time = self.env.context.get("cron_end_time")
        if end_time is not None and time.monotonic() >= end_time:
            left = self.search_count([("pending_email_template_id", "!=", False)])
            self.env["ir.cron"]._commit_progress(remaining=left)
            return
        super()._cron_send_pending_emails()

    def _send_order_notification_mail(self, mail_template, allow_deferred_sending=True):
        # the pending-e-mails cron sends ours as we do, with the salesperson as author
        template = self.env.ref(
            "appliance_sales.mail_template_order_confirmed", raise_if_not_found=False
        )
        if template and mail_template == template and not allow_deferred_sending:
            self._appliance_post_confirmation_mail(template)
            return None
        return super()._send_order_notification_mail(
            mail_template, allow_deferred_sending=allow_deferred_sending
        )

    def _appliance_post_confirmation_mail(self, template):
        self.ensure_one()
        # through the mail queue: a retried transaction sends nothing twice
        self.sudo().with_context(  # sudo: the confirming user may be the approver
            mail_notify_force_send=False
        ).message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
            force_send=False,
            author_id=(self.user_id.partner_id or self.env.user.partner_id).id,
        )

    def _appliance_expected_delivery_dates(self):
        """{order id: date} the complete order can be delivered: per line the
        requested date (or the customer lead time), later when stock is short:
        the incoming receipt's date, else today + the replenishment lead time."""
        today = fields.Date.context_today(self)
        result = {}
        for order in self:
            dates = [
                line._appliance_availability_date(today)
                for line in order.order_line._appliance_priced_lines()
            ]
            dates = [date for date in dates if date]
            if order.commitment_date:
                dates.append(fields.Date.context_today(self, order.commitment_date))
            result[order.id] = max(dates) if dates else today
        return result
