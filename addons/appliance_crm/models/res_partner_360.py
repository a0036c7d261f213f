"""Customer 360: everything about a customer on its form, computed for a whole
recordset in a constant number of queries (never per record)."""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, format_amount

TOP = 3
# the figures are the sales team's (the Customer 360 tab and smart buttons are
# theirs): other internal users and portal customers reading a partner get none
SALES_TEAM = "sales_team.group_sale_salesman"


class AppliancePartner360(models.AbstractModel):
    """Customer 360 figures and smart-button actions; inherited by ``res.partner``
    (see res_partner.py)."""

    _name = "appliance.partner.360"
    _description = "Customer 360 (res.partner mixin)"

    appliance_360_order_count = fields.Integer(
        string="Orders",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_360_total_spend = fields.Monetary(
        string="Total Spend",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
        currency_field="appliance_360_currency_id",
    )
    appliance_360_avg_order = fields.Monetary(
        string="Average Order",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
        currency_field="appliance_360_currency_id",
    )
    appliance_360_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_360_first_date = fields.Date(
        string="First Order Date",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_360_last_date = fields.Date(
        string="Last Order Date",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_360_interval_days = fields.Float(
        string="Purchase Interval (days)",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
        digits=(16, 1),
        help="Average number of days between two orders.",
    )
    appliance_avg_days_to_pay = fields.Float(
        string="Average Days to Pay",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
        digits=(16, 1),
        help="From invoice date to full payment, over the paid invoices.",
    )
    appliance_overdue_amount = fields.Monetary(
        string="Overdue",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
        currency_field="appliance_360_currency_id",
    )
    appliance_open_complaint_count = fields.Integer(
        string="Open Complaints",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_open_followup_count = fields.Integer(
        string="Open Follow-ups",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_visit_count = fields.Integer(
        string="Visits",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_installed_set_count = fields.Integer(
        string="Installed Sets",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_duplicate_count = fields.Integer(
        string="Possible Duplicates",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
    )
    appliance_360_html = fields.Html(
        string="Customer 360",
        compute="_compute_appliance_360",
        groups=SALES_TEAM,
        sanitize=False,
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends_context("allowed_company_ids", "lang")
    def _compute_appliance_360(self):
        commercial = self.commercial_partner_id
        ids = [pid for pid in commercial.ids if isinstance(pid, int)]
        companies = self.env.companies.ids
        currency = self.env.company.currency_id
        data = defaultdict(dict)
        if ids:
            self.env.flush_all()
            self._appliance_360_orders(ids, companies, data)
            self._appliance_360_tops(ids, companies, data)
            self._appliance_360_payments(ids, companies, data)
            self._appliance_360_installed(ids, companies, data)
            self._appliance_360_counts(ids, data)
            duplicates = self.env["appliance.partner.duplicate"]._duplicates_of(
                commercial
            )
            for pid, others in duplicates.items():
                data[pid]["duplicates"] = len(others)
        for partner in self:
            values = data.get(partner.commercial_partner_id.id, {})
            count = values.get("count", 0)
            spend = values.get("spend", 0.0)
            first, last = values.get("first"), values.get("last")
            partner.appliance_360_currency_id = currency
            partner.appliance_360_order_count = count
            partner.appliance_360_total_spend = spend
            partner.appliance_360_avg_order = spend / count if count else 0.0
            partner.appliance_360_first_date = first
            partner.appliance_360_last_date = last
            partner.appliance_360_interval_days = (
                (last - first).days / (count - 1)
                if count > 1 and first and last
                else 0.0
            )
            partner.appliance_avg_days_to_pay = values.get("days_to_pay") or 0.0
            partner.appliance_overdue_amount = values.get("overdue") or 0.0
            partner.appliance_open_complaint_count = values.get("complaints", 0)
            partner.appliance_open_followup_count = values.get("followups", 0)
            partner.appliance_visit_count = values.get("visits", 0)
            partner.appliance_installed_set_count = int(values.get("installed", 0))
            partner.appliance_duplicate_count = values.get("duplicates", 0)
            partner.appliance_360_html = self._appliance_360_render(values, currency)

    def _appliance_360_orders(self, ids, companies, data):
        rows = self.env.execute_query(
            SQL(
                """
SELECT cp.commercial_partner_id, COUNT(*),
       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1.0)),
       MIN(so.date_order)::date, MAX(so.date_order)::date
  FROM sale_order so
  JOIN res_partner cp ON cp.id = so.partner_id
 WHERE so.state = 'sale' AND so.company_id = ANY(%(companies)s)
   AND cp.commercial_partner_id = ANY(%(ids)s)
 GROUP BY cp.commercial_partner_id""",
                ids=ids,
                companies=companies,
            )
        )
        for pid, count, spend, first, last in rows:
            data[pid].update(count=count, spend=spend or 0.0, first=first, last=last)

    def _appliance_360_tops(self, ids, companies, data):
        """Top categories, brands and models by spend, channel mix, recent orders."""
        lang = self.env.lang or "en_US"
        rows = self.env.execute_query(
            SQL(
                """
WITH lines AS (
    SELECT cp.commercial_partner_id AS pid, pt.categ_id, pt.appliance_brand_id,
           sol.product_id, sol.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS amount
      FROM sale_order_line sol
      JOIN sale_order so ON so.id = sol.order_id
      JOIN res_partner cp ON cp.id = so.partner_id
      JOIN product_product pp ON pp.id = sol.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE so.state = 'sale' AND so.company_id = ANY(%(companies)s)
       AND cp.commercial_partner_id = ANY(%(ids)s) AND sol.display_type IS NULL
), grouped AS (
    SELECT pid, 'category' AS kind, categ_id AS key, SUM(amount) AS amount
      FROM lines GROUP BY pid, categ_id
    UNION ALL
    SELECT pid, 'brand', appliance_brand_id, SUM(amount)
      FROM lines WHERE appliance_brand_id IS NOT NULL GROUP BY pid, appliance_brand_id
    UNION ALL
    SELECT pid, 'model', product_id, SUM(amount) FROM lines GROUP BY pid, product_id
), ranked AS (
    SELECT grouped.*, ROW_NUMBER() OVER (PARTITION BY pid, kind ORDER BY amount DESC, key) AS rank
      FROM grouped
)
SELECT ranked.pid, ranked.kind, ranked.amount,
       CASE ranked.kind
            WHEN 'category' THEN pc.complete_name
            WHEN 'brand' THEN COALESCE(ab.name->>%(lang)s, ab.name->>'en_US')
            ELSE COALESCE(pt.appliance_model_code, COALESCE(pt.name->>%(lang)s, pt.name->>'en_US'))
       END
  FROM ranked
  LEFT JOIN product_category pc ON ranked.kind = 'category' AND pc.id = ranked.key
  LEFT JOIN appliance_brand ab ON ranked.kind = 'brand' AND ab.id = ranked.key
  LEFT JOIN product_product pp ON ranked.kind = 'model' AND pp.id = ranked.key
  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
 WHERE ranked.rank <= %(top)s
 ORDER BY ranked.pid, ranked.kind, ranked.rank""",
                ids=ids,
                companies=companies,
                lang=lang,
                top=TOP,
            )
        )
        for pid, kind, amount, label in rows:
            data[pid].setdefault(kind, []).append((label or "?", amount or 0.0))
        rows = self.env.execute_query(
            SQL(
                """
SELECT cp.commercial_partner_id, COALESCE(ch.name->>%(lang)s, ch.name->>'en_US'), COUNT(*),
       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1.0))
  FROM sale_order so
  JOIN res_partner cp ON cp.id = so.partner_id
  LEFT JOIN appliance_sales_channel ch ON ch.id = so.appliance_channel_id
 WHERE so.state = 'sale' AND so.company_id = ANY(%(companies)s)
   AND cp.commercial_partner_id = ANY(%(ids)s)
 GROUP BY 1, 2 ORDER BY 1, 3 DESC""",
                ids=ids,
                companies=companies,
                lang=lang,
            )
        )
        for pid, channel, count, amount in rows:
            data[pid].setdefault("channels", []).append((channel, count, amount or 0.0))

    def _appliance_360_payments(self, ids, companies, data):
        lang = self.env.lang or "en_US"
        today = fields.Date.context_today(self)
        rows = self.env.execute_query(
            SQL(
                """
SELECT am.commercial_partner_id,
       AVG(paid.paid_date - am.invoice_date)
           FILTER (WHERE am.payment_state IN ('paid', 'in_payment')),
       SUM(am.amount_residual_signed)
           FILTER (WHERE am.invoice_date_due < %(today)s AND am.amount_residual > 0)
  FROM account_move am
  LEFT JOIN LATERAL (
        SELECT MAX(apr.max_date) AS paid_date
          FROM account_move_line aml
          JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
         WHERE aml.move_id = am.id
  ) paid ON TRUE
 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
   AND am.company_id = ANY(%(companies)s)
   AND am.commercial_partner_id = ANY(%(ids)s)
 GROUP BY am.commercial_partner_id""",
                ids=ids,
                companies=companies,
                today=today,
            )
        )
        for pid, days, overdue in rows:
            data[pid].update(days_to_pay=float(days or 0.0), overdue=overdue or 0.0)
        rows = self.env.execute_query(
            SQL(
                """
SELECT cp.commercial_partner_id,
       COALESCE(pml.name, COALESCE(aj.name->>%(lang)s, aj.name->>'en_US')), COUNT(*)
  FROM account_payment ap
  JOIN res_partner cp ON cp.id = ap.partner_id
  LEFT JOIN account_payment_method_line pml ON pml.id = ap.payment_method_line_id
  LEFT JOIN account_journal aj ON aj.id = ap.journal_id
 WHERE ap.payment_type = 'inbound' AND ap.state NOT IN ('draft', 'canceled', 'rejected')
   AND ap.company_id = ANY(%(companies)s)
   AND cp.commercial_partner_id = ANY(%(ids)s)
 GROUP BY 1, 2 ORDER BY 1, 3 DESC""",
                ids=ids,
                companies=companies,
                lang=lang,
            )
        )
        for pid, method, count in rows:
            data[pid].setdefault("methods", []).append((method, count))

    def _appliance_360_installed(self, ids, companies, data):
        rows = self.env.execute_query(
            SQL(
                """
SELECT commercial_partner_id, SUM(quantity)
  FROM appliance_installed_set
 WHERE commercial_partner_id = ANY(%(ids)s) AND company_id = ANY(%(companies)s)
 GROUP BY commercial_partner_id""",
                ids=ids,
                companies=companies,
            )
        )
        for pid, quantity in rows:
            data[pid]["installed"] = quantity or 0

    def _appliance_360_counts(self, ids, data):
        """Open complaints and follow-ups, visits: those the user may see."""
        for model, key, domain in (
            ("appliance.complaint", "complaints", [("is_closed", "=", False)]),
            ("appliance.followup", "followups", [("state", "=", "open")]),
            ("appliance.customer.visit", "visits", []),
        ):
            Model = self.env[model]
            if not Model.has_access("read"):
                continue
            for partner, count in Model._read_group(
                [("commercial_partner_id" if "commercial_partner_id" in Model._fields
                  else "partner_id", "in", ids), *domain],
                ["commercial_partner_id" if "commercial_partner_id" in Model._fields
                 else "partner_id"],
                ["__count"],
            ):  # fmt: skip
                data[partner.id][key] = count

    def _appliance_360_render(self, values, currency):
        """The lists of the 360 page as HTML (escaped), phone-friendly."""
        env = self.env

        def money(amount):
            return format_amount(env, amount or 0.0, currency)

        sections = []
        for kind, title in (
            ("category", env._("Top categories")),
            ("brand", env._("Top brands")),
            ("model", env._("Top models")),
        ):
            items = values.get(kind)
            if items:
                sections.append(
                    (title, [(label, money(amount)) for label, amount in items])
                )
        if values.get("channels"):
            sections.append(
                (
                    env._("Channel mix"),
                    [
                        (channel or env._("None"), f"{count} · {money(amount)}")
                        for channel, count, amount in values["channels"]
                    ],
                )
            )
        if values.get("methods"):
            sections.append(
                (
                    env._("Payment methods"),
                    [
                        (method or "?", str(count))
                        for method, count in values["methods"]
                    ],
                )
            )
        if not sections:
            return Markup("<p class='text-muted'>%s</p>") % env._(
                "No confirmed orders yet."
            )
        html = Markup("")
        for title, items in sections:
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td class='text-end text-nowrap'>%s</td></tr>")
                % (escape(label), escape(amount))
                for label, amount in items
            )
            html += Markup(
                "<div class='col-12 col-md-6 col-lg-4 mb-3'><h6>%s</h6>"
                "<table class='table table-sm mb-0'><tbody>%s</tbody></table></div>"
            ) % (title, rows)
        return Markup("<div class='row'>%s</div>") % html

    # ------------------------------------------------------------
    # ACTIONS (smart buttons)
    # ------------------------------------------------------------

    def _appliance_action(self, model, name, extra_domain=None, context=None):
        self.ensure_one()
        # a smart button opens nothing for whom cannot read the customer or the
        # target (the method is reachable over RPC, on this mixin too); portal
        # users read their own complaints, but the customer file is for staff
        self.check_access("read")
        self.env[model].check_access("read")
        if self.env.user.share:
            raise AccessError(
                self.env._("The customer file is for the company's staff.")
            )
        partner = self.commercial_partner_id
        field = (
            "commercial_partner_id"
            if "commercial_partner_id" in self.env[model]._fields
            else "partner_id"
        )
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,kanban,form",
            "domain": [(field, "=", partner.id), *(extra_domain or [])],
            "context": {"default_partner_id": partner.id, **(context or {})},
        }

    def action_appliance_complaints(self):
        return self._appliance_action("appliance.complaint", self.env._("Complaints"))

    def action_appliance_followups(self):
        return self._appliance_action(
            "appliance.followup",
            self.env._("Follow-ups"),
            context={"search_default_open": 1},
        )

    def action_appliance_visits(self):
        return self._appliance_action("appliance.customer.visit", self.env._("Visits"))

    def action_appliance_installed_sets(self):
        return self._appliance_action(
            "appliance.installed.set", self.env._("Installed Sets")
        )

    def action_appliance_duplicates(self):
        self.ensure_one()
        self.check_access("read")
        self.env["appliance.partner.duplicate"].check_access("read")
        partner = self.commercial_partner_id
        others = (
            self.env["appliance.partner.duplicate"]
            ._duplicates_of(partner)
            .get(partner.id, [])
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Possible Duplicates"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", [partner.id, *others])],
        }

    def action_appliance_merge(self):
        """Merge the selected customers (list action for sales managers)."""
        self.check_access("read")
        return self.env["appliance.partner.merge"]._open_for(self)
