from odoo import api, fields, models

COCKPIT_GROUPS = "sales_team.group_sale_salesman"


# one file per concern: sale_order.py is shared by parallel work on this addon
class SaleOrder(models.Model):
    """The approver's cockpit on the order: the customer's credit, overdue
    ageing, margin and discount against the rules, stock per line and the rules
    with their tiers. Non-stored, computed for a whole batch of orders at once."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    appliance_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    appliance_credit_limit = fields.Monetary(
        string="Credit Limit",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
    )
    appliance_receivable = fields.Monetary(
        string="Receivable",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
        help="Posted invoices of the customer not paid yet.",
    )
    appliance_open_orders_amount = fields.Monetary(
        string="Open Orders",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
        help="Confirmed orders of the customer not invoiced yet (other than this one).",
    )
    appliance_order_amount = fields.Monetary(
        string="This Order",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
    )
    appliance_credit_exposure = fields.Monetary(
        string="Credit Exposure",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
        help="Receivable + open orders + this order.",
    )
    appliance_credit_headroom = fields.Monetary(
        string="Credit Left",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
        help="Credit limit minus the exposure with this order; negative when over.",
    )
    appliance_overdue_1_30 = fields.Monetary(
        string="Overdue 1-30 Days",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
    )
    appliance_overdue_31_60 = fields.Monetary(
        string="Overdue 31-60 Days",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
    )
    appliance_overdue_61_90 = fields.Monetary(
        string="Overdue 61-90 Days",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
    )
    appliance_overdue_over_90 = fields.Monetary(
        string="Overdue Over 90 Days",
        currency_field="appliance_company_currency_id",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
    )
    appliance_overdue_days = fields.Integer(
        string="Oldest Overdue (Days)",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
    )
    appliance_max_discount = fields.Float(
        string="Largest Discount (%)",
        compute="_compute_appliance_cockpit",
        digits=(5, 2),
        groups=COCKPIT_GROUPS,
        help="Largest discount of a line against the list price.",
    )
    appliance_discount_limit = fields.Float(
        string="Discount Limit (%)",
        compute="_compute_appliance_cockpit",
        digits=(5, 2),
        groups=COCKPIT_GROUPS,
        help="Discounts above this need approval (active discount rule).",
    )
    appliance_margin_floor = fields.Float(
        string="Margin Floor (%)",
        compute="_compute_appliance_cockpit",
        digits=(5, 2),
        groups=COCKPIT_GROUPS,
        help="Margins below this need approval (active margin rule).",
    )
    appliance_margin_pct = fields.Float(
        string="Order Margin (%)",
        compute="_compute_appliance_cockpit",
        digits=(5, 2),
        groups=COCKPIT_GROUPS,
    )
    appliance_delivery_preview = fields.Date(
        string="Deliverable By",
        compute="_compute_appliance_cockpit",
        groups=COCKPIT_GROUPS,
        help="Expected delivery date of the complete order if confirmed today, "
        "from stock, incoming receipts and lead times.",
    )
    appliance_rules_html = fields.Html(
        string="Approval Rules",
        compute="_compute_appliance_cockpit",
        sanitize=False,
        groups=COCKPIT_GROUPS,
    )
    appliance_lines_html = fields.Html(
        string="Stock per Line",
        compute="_compute_appliance_cockpit",
        sanitize=False,
        groups=COCKPIT_GROUPS,
    )

    @api.depends_context("uid", "lang")
    @api.depends(
        "partner_id", "company_id", "amount_total", "order_line.price_unit",
        "order_line.discount", "order_line.product_uom_qty", "margin_percent",
        "review_ids.status", "commitment_date",
    )  # fmt: skip
    def _compute_appliance_cockpit(self):
        orders = self.filtered(lambda order: isinstance(order.id, int))
        (self - orders).update(self._appliance_cockpit_empty())
        if not orders:
            return
        credit = orders._appliance_credit_figures()
        overdue = orders._appliance_overdue_figures()
        rules_by_company = {
            company: self.env["tier.definition"]._appliance_active_rules(company)
            for company in orders.company_id
        }
        hits = orders._appliance_rule_hits()
        today = fields.Date.context_today(self)
        QWeb = self.env["ir.qweb"]
        for order in orders:
            rules = rules_by_company[order.company_id]
            data = credit[order.id]
            ageing = overdue[order.partner_id.commercial_partner_id.id]
            lines = order.order_line._appliance_priced_lines()
            discount_rules = rules.filtered(lambda r: r.appliance_rule == "discount")
            margin_rules = rules.filtered(lambda r: r.appliance_rule == "margin")
            dates = [line._appliance_availability_date(today) for line in lines]
            order.update(
                {
                    "appliance_credit_limit": data["limit"],
                    "appliance_receivable": data["receivable"],
                    "appliance_open_orders_amount": data["open_orders"],
                    "appliance_order_amount": data["this_order"],
                    "appliance_credit_exposure": data["exposure"],
                    "appliance_credit_headroom": data["limit"] - data["exposure"]
                    if data["limit"] > 0
                    else 0.0,
                    "appliance_overdue_1_30": ageing["buckets"][0],
                    "appliance_overdue_31_60": ageing["buckets"][1],
                    "appliance_overdue_61_90": ageing["buckets"][2],
                    "appliance_overdue_over_90": ageing["buckets"][3],
                    "appliance_overdue_days": ageing["oldest_days"],
                    "appliance_max_discount": max(
                        lines.mapped("appliance_effective_discount"), default=0.0
                    ),
                    "appliance_discount_limit": min(
                        discount_rules.mapped("appliance_percent"), default=0.0
                    ),
                    "appliance_margin_floor": max(
                        margin_rules.mapped("appliance_percent"), default=0.0
                    ),
                    "appliance_margin_pct": order.margin_percent * 100,
                    "appliance_delivery_preview": max(
                        [d for d in dates if d], default=today
                    ),
                    "appliance_rules_html": QWeb._render(
                        "appliance_sales.approval_cockpit_rules",
                        order._appliance_cockpit_rule_values(
                            rules, hits.get(order.id, {})
                        ),
                    ),
                    "appliance_lines_html": QWeb._render(
                        "appliance_sales.approval_cockpit_lines",
                        order._appliance_cockpit_line_values(lines, today),
                    ),
                }
            )

    def _appliance_cockpit_empty(self):
        return {
            fname: False
            for fname, field in self._fields.items()
            if field.compute == "_compute_appliance_cockpit"
        }

    def _appliance_cockpit_rule_values(self, rules, hits):
        """Rows of the rules table: each active rule, whether the order meets it
        now (and why), and the tier its review got when submitted."""
        self.ensure_one()
        reviews = self.sudo().review_ids  # sudo: reviews are server data
        reasons = {rule.id: why for rule, why in hits.items()}
        rows = []
        for rule in rules | reviews.definition_id:
            review = reviews.filtered(lambda r, d=rule: r.definition_id == d)[:1]
            rows.append(
                {
                    "name": rule.name,
                    "condition": rule.appliance_condition,
                    "met": rule.id in reasons,
                    "reason": reasons.get(rule.id) or review.appliance_reason or "",
                    "review": review,
                }
            )
        rows.sort(
            key=lambda row: (not row["review"], not row["met"], row["review"].sequence)
        )
        return {"order": self, "rows": rows}

    def _appliance_cockpit_line_values(self, lines, today):
        self.ensure_one()
        rows = []
        for line in lines:
            product_sudo = line.product_id.sudo()  # sudo: the approver sees the floor
            floor = product_sudo.appliance_floor_price
            net = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            rows.append(
                {
                    "line": line,
                    "date": line._appliance_availability_date(today),
                    "requested": fields.Date.context_today(self, line.scheduled_date)
                    if line.scheduled_date
                    else False,
                    "below_floor": bool(floor) and net < floor,
                    "margin": line.margin_percent * 100,
                }
            )
        return {"order": self, "rows": rows}
