import logging
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# an interval is "regular" when it is within this share of the median
REGULAR_TOLERANCE = 0.25


class AppliancePurchaseCycle(models.Model):
    """How regularly a customer buys: per customer (all products) and per
    customer x product category.

    From the distinct days (company time zone) with a confirmed order:

    * median interval = median of the gaps in days between consecutive days;
    * predicted next purchase = last purchase + median interval;
    * confidence = regular intervals / (intervals + 1), where a regular interval
      lies within 25 % of the median. One interval gives 0.5, four regular ones
      0.8; irregular buyers stay low.

    Rows are rebuilt set-based in SQL (window functions) by :meth:`_appliance_refresh`;
    :meth:`_appliance_cycle_rows` computes the same figures live for a few
    customers (the hook appliance_crm's follow-up rules call).
    """

    _name = "appliance.purchase.cycle"
    _description = "Purchase Cycle"
    _order = "predicted_date, confidence desc, id"
    _log_access = False
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        help="The customer's salesperson when the cycle was computed.",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index="btree_not_null",
        help="Empty: every purchase of the customer.",
    )
    order_count = fields.Integer(
        string="Purchase Days", help="Distinct days with a confirmed order."
    )
    first_date = fields.Date(string="First Purchase")
    last_date = fields.Date(string="Last Purchase")
    median_interval = fields.Float(string="Median Interval (days)", digits=(16, 1))
    predicted_date = fields.Date(string="Next Purchase (predicted)", index=True)
    confidence = fields.Float(
        digits=(16, 2),
        help="Regular intervals (within 25 % of the median) / (intervals + 1).",
    )

    _partner_categ_unique = models.UniqueIndex(
        "(company_id, partner_id, COALESCE(categ_id, 0))"
    )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_recompute(self):
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales managers may recompute the purchase cycles.")
            )
        count = self._appliance_refresh(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s purchase cycles computed.", count),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_orders(self):
        self.ensure_one()
        domain = [
            ("state", "=", "sale"),
            ("partner_id", "child_of", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        if self.categ_id:
            domain.append(("order_line.product_id.categ_id", "=", self.categ_id.id))
        return {
            "type": "ir.actions.act_window",
            "name": self.partner_id.display_name,
            "res_model": "sale.order",
            "views": [[False, "list"], [False, "form"]],
            "domain": domain,
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _appliance_tz(self, company):
        # the context comes from the client: only a known zone reaches the SQL
        tz = self.env.context.get("tz")
        if not isinstance(tz, str) or tz not in pytz.all_timezones_set:
            tz = None
        return tz or company.partner_id.tz or self.env.user.tz or "UTC"

    @api.model
    def _appliance_cycle_sql(self, company, partner_ids=None, by_category=True):
        """SELECT of the cycle figures of ``company`` (all customers, or the
        commercial partners ``partner_ids``): one row per customer with
        ``categ_id`` NULL, plus one per customer x category (``by_category``)."""
        partner_filter = (
            SQL("AND partner.commercial_partner_id IN %s", tuple(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        tz = self._appliance_tz(company)
        day = SQL("(timezone(%s, timezone('UTC', s.date_order)))::date", tz)
        by_categ = (
            SQL(
                """
                UNION
                SELECT partner.commercial_partner_id, t.categ_id, %(day)s
                  FROM sale_order s
                  JOIN res_partner partner ON partner.id = s.partner_id
                  JOIN sale_order_line l ON l.order_id = s.id
                  JOIN product_product p ON p.id = l.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                 WHERE s.state = 'sale' AND s.company_id = %(company)s
                   AND l.display_type IS NULL AND l.is_downpayment IS NOT TRUE
                   %(partner_filter)s
                """,
                day=day,
                company=company.id,
                partner_filter=partner_filter,
            )
            if by_category
            else SQL()
        )
        return SQL(
            """
            WITH days AS (
                SELECT DISTINCT partner.commercial_partner_id AS partner_id,
                       NULL::int AS categ_id, %(day)s AS day
                  FROM sale_order s
                  JOIN res_partner partner ON partner.id = s.partner_id
                 WHERE s.state = 'sale' AND s.company_id = %(company)s
                   %(partner_filter)s
                %(by_categ)s
            ), gaps AS (
                SELECT partner_id, categ_id, day,
                       day - LAG(day) OVER (
                           PARTITION BY partner_id, categ_id ORDER BY day
                       ) AS gap
                  FROM days
            ), stats AS (
                SELECT partner_id, categ_id, COUNT(*) AS order_count,
                       MIN(day) AS first_date, MAX(day) AS last_date,
                       COUNT(gap) AS intervals,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median
                  FROM gaps
                 GROUP BY partner_id, categ_id
                HAVING COUNT(gap) > 0
            )
            SELECT st.partner_id, st.categ_id, st.order_count, st.first_date,
                   st.last_date, st.median,
                   st.last_date + ROUND(st.median)::int AS predicted_date,
                   COUNT(g.gap) FILTER (
                       WHERE ABS(g.gap - st.median) <= %(tolerance)s * st.median
                   )::float / (st.intervals + 1) AS confidence
              FROM stats st
              JOIN gaps g ON g.partner_id = st.partner_id
                         AND g.categ_id IS NOT DISTINCT FROM st.categ_id
             GROUP BY st.partner_id, st.categ_id, st.order_count, st.first_date,
                      st.last_date, st.median, st.intervals
            """,
            day=day,
            company=company.id,
            partner_filter=partner_filter,
            by_categ=by_categ,
            tolerance=REGULAR_TOLERANCE,
        )

    @api.model
    def _appliance_refresh(self, company):
        """Rebuild the purchase cycles of ``company``; returns the row count."""
        self.env.flush_all()
        cr = self.env.cr
        # one refresh per company at a time (see appliance.product.affinity)
        cr.execute(
            SQL(
                "SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE", company.id
            )
        )
        cr.execute(
            SQL(
                "DELETE FROM appliance_purchase_cycle WHERE company_id = %s", company.id
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO appliance_purchase_cycle
                    (company_id, partner_id, user_id, categ_id, order_count,
                     first_date, last_date, median_interval, predicted_date,
                     confidence)
                SELECT %(company)s, c.partner_id, partner.user_id, c.categ_id,
                       c.order_count, c.first_date, c.last_date, c.median,
                       c.predicted_date, c.confidence
                  FROM (%(cycles)s) c
                  JOIN res_partner partner ON partner.id = c.partner_id
                """,
                company=company.id,
                cycles=self._appliance_cycle_sql(company),
            )
        )
        count = cr.rowcount
        company.sudo().appliance_cycle_computed_at = (  # sudo: managers may not write companies
            fields.Datetime.now()
        )
        self.invalidate_model()
        return count

    @api.model
    def _cron_refresh(self):
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._appliance_refresh(company)
            self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _appliance_predict(self, partners, company=None):
        """``{commercial partner id: {"date", "confidence", "median_interval"}}``
        computed live from the orders of ``company`` (default: current)."""
        partners = partners.commercial_partner_id
        if not partners:
            return {}
        company = company or self.env.company
        self.env["sale.order"].flush_model()
        self.env["sale.order.line"].flush_model()
        rows = self.env.execute_query_dict(
            self._appliance_cycle_sql(company, partners.ids, by_category=False)
        )
        return {
            row["partner_id"]: {
                "date": row["predicted_date"],
                "confidence": round(row["confidence"], 4),
                "median_interval": row["median"],
            }
            for row in rows
        }

    @api.model
    def _appliance_due_domain(self, company=None, days=None):
        """Customers due soon: the predicted next purchase (all products) lies
        within ``days`` (default: the company's horizon) from today, either way,
        so that recently overdue customers stay on the list but long-lapsed
        ones do not flood it."""
        company = company or self.env.company
        days = company.appliance_cycle_due_days if days is None else days
        today = fields.Date.context_today(self)
        return [
            ("company_id", "=", company.id),
            ("categ_id", "=", False),
            ("predicted_date", ">=", today - timedelta(days=days)),
            ("predicted_date", "<=", today + timedelta(days=days)),
        ]

    @api.model
    def _appliance_action_due_soon(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "appliance_reports.appliance_purchase_cycle_action"
        )
        days = self.env.company.appliance_cycle_due_days
        action.update(
            name=self.env._("Due Soon (± %s days)", days),
            domain=self._appliance_due_domain(days=days),
            context={},
        )
        return action
