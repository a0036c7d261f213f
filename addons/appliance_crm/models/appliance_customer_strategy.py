from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain

from .res_partner import FREQUENCY_BANDS, REGION_BANDS, RFM_SEGMENTS, SPEND_BANDS

SERVICE_PRIORITIES = [("0", "Normal"), ("1", "High"), ("2", "Urgent")]


class ApplianceCustomerStrategy(models.Model):
    """What the company does for a segment of customers: pricelist, payment
    terms, visit cadence and service priority. The first strategy (by sequence)
    whose conditions a customer meets is the customer's strategy; it is applied
    to the customer (pricelist and payment terms written on the partner) when the
    customer enters the segment, and on demand."""

    _name = "appliance.customer.strategy"
    _description = "Customer Strategy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    # -- conditions (empty = any) --
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment")
    frequency_band = fields.Selection(FREQUENCY_BANDS)
    spend_band = fields.Selection(SPEND_BANDS)
    region_band = fields.Selection(REGION_BANDS)
    category_id = fields.Many2one(
        "res.partner.category",
        string="Tag",
        help="Only customers with this tag.",
    )
    # -- what applies --
    pricelist_id = fields.Many2one(
        "product.pricelist", check_company=True, help="Written on the customer."
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        check_company=True,
        help="Written on the customer.",
    )
    visit_interval_days = fields.Integer(
        string="Visit Every (days)",
        help="The salesperson gets a follow-up reminder when the customer has not"
        " been visited for this many days (0: no cadence).",
    )
    service_priority = fields.Selection(
        SERVICE_PRIORITIES,
        default="0",
        required=True,
        help="Priority of this customer's complaints; high and urgent shorten the"
        " response deadline.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _visit_interval_positive = models.Constraint(
        "CHECK(visit_interval_days >= 0)",
        "The visit interval cannot be negative.",
    )

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("appliance_strategy_id", "in", self.ids)],
                ["appliance_strategy_id"],
                ["__count"],
            )
        )
        for strategy in self:
            strategy.partner_count = counts.get(strategy, 0)

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_apply(self):
        """Re-match every customer and re-apply these strategies to their customers
        (also to customers whose pricelist or terms were changed by hand)."""
        self.check_access("write")  # sales managers only: it rewrites customers
        self._apply_all(force_strategies=self)
        return True

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,kanban,form",
            "domain": [("appliance_strategy_id", "=", self.id)],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _partner_domain(self):
        self.ensure_one()
        domain = Domain("is_company", "=", True) | Domain("parent_id", "=", False)
        domain &= Domain("company_id", "in", [self.company_id.id, False])
        domain &= Domain("customer_rank", ">", 0) | Domain(
            "appliance_frequency_band", "!=", False
        )
        for field, value in (
            ("appliance_rfm_segment", self.rfm_segment),
            ("appliance_frequency_band", self.frequency_band),
            ("appliance_spend_band", self.spend_band),
            ("appliance_region_band", self.region_band),
        ):
            if value:
                domain &= Domain(field, "=", value)
        if self.category_id:
            domain &= Domain("category_id", "in", self.category_id.ids)
        return domain

    @api.model
    def _apply_all(self, force_strategies=None):
        """Match every customer to its first strategy per company and apply the
        strategies of the customers whose strategy changed (and, for
        ``force_strategies``, of all their customers). A few queries per
        strategy: one search and one batch write per field, never per customer.

        :returns: number of customers whose strategy changed
        """
        Partner = self.env[
            "res.partner"
        ].sudo()  # sudo: the job rewrites every customer
        Strategy = self.sudo()  # sudo: idem, every company's strategies
        strategies = Strategy.search(
            [("active", "=", True)], order="company_id, sequence, id"
        )
        matched = defaultdict(lambda: Partner)  # strategy -> partners
        seen = Partner
        for strategy in strategies:
            partners = Partner.search(strategy._partner_domain()) - seen
            seen |= partners
            matched[strategy] = partners
        changed = Partner.browse()
        for strategy, partners in matched.items():
            moved = partners.filtered(
                lambda p, s=strategy: p.appliance_strategy_id != s
            )
            if moved:
                moved.write({"appliance_strategy_id": strategy.id})
            changed |= moved
            targets = (
                partners if force_strategies and strategy in force_strategies else moved
            )
            strategy._apply_to(targets)
        # customers who no longer match any strategy keep their terms, lose the link
        orphans = Partner.search(
            [("appliance_strategy_id", "!=", False), ("id", "not in", seen.ids)]
        )
        if orphans:
            orphans.write({"appliance_strategy_id": False})
        return len(changed) + len(orphans)

    def _apply_to(self, partners):
        """Write this strategy's pricelist and payment terms on ``partners`` (for the
        strategy's company), in one write per field."""
        self.ensure_one()
        if not partners:
            return
        partners = partners.with_company(self.company_id)
        vals = {}
        if self.pricelist_id:
            vals["specific_property_product_pricelist"] = self.pricelist_id.id
        if self.payment_term_id:
            vals["property_payment_term_id"] = self.payment_term_id.id
        if vals:
            partners.write(vals)
