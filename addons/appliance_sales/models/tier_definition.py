from odoo import api, fields, models
from odoo.exceptions import ValidationError

# rule -> the parameter it needs ("amount", "percent", "days" or None)
APPLIANCE_RULE_PARAMS = {
    "amount": "amount",
    "discount": "percent",
    "margin": "percent",
    "credit": None,
    "overdue": "days",
    "shortage": None,
    "new_customer": None,
}


class TierDefinition(models.Model):
    """Approval rules of sales orders are OCA tier definitions of a new type:
    a condition of ours (amount, discount, margin, credit, overdue invoices,
    shortage, new customer) instead of a domain; reviewer, sequence, company,
    notifications and the review records are OCA's."""

    _inherit = "tier.definition"

    definition_type = fields.Selection(
        selection_add=[("appliance", "Sales order rule")],
        ondelete={"appliance": "set default"},
    )
    appliance_rule = fields.Selection(
        [
            ("amount", "Order total over a threshold"),
            ("discount", "Discount over a percentage"),
            ("margin", "Margin below a floor"),
            ("credit", "Credit exposure over the customer's credit limit"),
            ("overdue", "Overdue invoices older than N days"),
            ("shortage", "A line not available by its requested date"),
            ("new_customer", "New customer (no confirmed order yet)"),
        ],
        string="Condition",
        help="What makes an order need this approval. Orders that meet no "
        "condition of an active rule are confirmed directly.",
    )
    appliance_amount = fields.Monetary(
        string="Threshold",
        currency_field="appliance_currency_id",
        help="Order total (taxes included, in the company currency) above which "
        "the order needs this approval.",
    )
    appliance_currency_id = fields.Many2one(
        "res.currency", string="Currency", compute="_compute_appliance_currency_id"
    )
    appliance_percent = fields.Float(
        string="Percentage",
        digits=(5, 2),
        help="Discount: a line discounted more than this (against the list price) "
        "needs approval. Margin: an order whose margin is below this needs "
        "approval.",
    )
    appliance_days = fields.Integer(
        string="Days Overdue",
        help="Unpaid invoices of the customer due more than this many days ago "
        "send the order to approval.",
    )
    appliance_condition = fields.Char(
        string="Rule", compute="_compute_appliance_condition"
    )

    @api.depends("company_id")
    def _compute_appliance_currency_id(self):
        for definition in self:
            definition.appliance_currency_id = (
                definition.company_id or self.env.company
            ).currency_id

    @api.depends(
        "definition_type", "appliance_rule", "appliance_amount", "appliance_percent",
        "appliance_days", "appliance_currency_id",
    )  # fmt: skip
    def _compute_appliance_condition(self):
        for definition in self:
            definition.appliance_condition = definition._appliance_condition_text()

    def _appliance_condition_text(self):
        """The rule in words, e.g. 'Order total over ¥500,000.00'."""
        self.ensure_one()
        rule = self.appliance_rule
        if self.definition_type != "appliance" or not rule:
            return self.definition_domain or ""
        if rule == "amount":
            return self.env._(
                "Order total over %s",
                self.appliance_currency_id.format(self.appliance_amount),
            )
        if rule == "discount":
            return self.env._("Discount over %s%%", f"{self.appliance_percent:g}")
        if rule == "margin":
            return self.env._("Margin below %s%%", f"{self.appliance_percent:g}")
        if rule == "overdue":
            return self.env._("Invoices overdue more than %s days", self.appliance_days)
        return dict(self._fields["appliance_rule"]._description_selection(self.env))[
            rule
        ]

    @api.constrains(
        "definition_type", "appliance_rule", "appliance_amount", "appliance_percent",
        "appliance_days", "model", "model_id",
    )  # fmt: skip
    def _check_appliance_rule(self):
        for definition in self.filtered(lambda d: d.definition_type == "appliance"):
            rule = definition.appliance_rule
            model = definition.model_id.model
            if model and model != "sale.order":
                raise ValidationError(
                    self.env._(
                        "%(rule)s: sales order rules apply to sales orders only.",
                        rule=definition.name,
                    )
                )
            if not rule:
                raise ValidationError(
                    self.env._("%(rule)s: choose a condition.", rule=definition.name)
                )
            param = APPLIANCE_RULE_PARAMS[rule]
            if param == "amount" and definition.appliance_amount <= 0:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: the threshold must be greater than zero.",
                        rule=definition.name,
                    )
                )
            if param == "percent" and not 0 <= definition.appliance_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: the percentage must be between 0 and 100.",
                        rule=definition.name,
                    )
                )
            if param == "days" and definition.appliance_days < 0:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: the number of days cannot be negative.",
                        rule=definition.name,
                    )
                )

    @api.model
    def _appliance_active_rules(self, companies, rules=None):
        """Active sales order rules of ``companies`` (or of all companies),
        optionally of the given condition types."""
        domain = [
            ("model", "=", "sale.order"),
            ("company_id", "in", [False, *companies.ids]),
        ]
        if rules:
            domain += [
                ("definition_type", "=", "appliance"),
                ("appliance_rule", "in", list(rules)),
            ]
        rules = self.sudo()  # sudo: whether a rule applies does not depend on who looks
        return rules.with_context(active_test=True).search(domain)
