import calendar
import datetime
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

_logger = logging.getLogger(__name__)
# deliveries older than this (beyond the rule's delay) never get a reminder, so
# that a new rule does not remind of years of history
DELIVERY_LOOKBACK_DAYS = 30


def _anniversary(date, year):
    day = min(date.day, calendar.monthrange(year, date.month)[1])
    return datetime.date(year, date.month, day)


class ApplianceFollowup(models.Model):
    """A follow-up reminder: one activity for the responsible salesperson, for one
    reason (rule + customer + reason key, unique: never twice the same)."""

    _name = "appliance.followup"
    _description = "Customer Follow-up"
    _order = "date_deadline desc, id desc"
    _rec_name = "summary"
    _check_company_auto = True

    rule_id = fields.Many2one(
        "appliance.followup.rule", required=True, index=True, ondelete="cascade"
    )
    trigger = fields.Selection(related="rule_id.trigger", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    customer_user_id = fields.Many2one(
        related="partner_id.user_id", string="Customer's Salesperson", store=True
    )
    reason_key = fields.Char(required=True)
    summary = fields.Char(required=True)
    date_deadline = fields.Date(string="Due Date", required=True, index=True)
    activity_id = fields.Many2one("mail.activity", ondelete="set null", readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")],
        compute="_compute_state",
        store=True,
        index=True,
    )
    date_done = fields.Date(compute="_compute_state", store=True)
    escalated = fields.Boolean(readonly=True, copy=False)
    escalation_activity_id = fields.Many2one(
        "mail.activity", ondelete="set null", readonly=True, copy=False
    )
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", index="btree_not_null"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)

    _reason_unique = models.UniqueIndex(
        "(rule_id, partner_id, reason_key)",
        "This customer already has a reminder for this reason.",
    )

    @api.depends("activity_id", "activity_id.active")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for followup in self:
            activity = followup.activity_id
            if activity and activity.active:
                followup.state = "open"
                followup.date_done = False
            else:
                followup.state = "done"
                followup.date_done = (activity and activity.date_done) or today

    # ------------------------------------------------------------
    # GENERATION
    # ------------------------------------------------------------

    @api.model
    def _cron_generate(self):
        rules = self.env["appliance.followup.rule"].search([("active", "=", True)])
        created = self._generate(rules)
        _logger.info("appliance follow-ups: %s reminders created", len(created))

    @api.model
    def _generate(self, rules):
        """Create the due, not yet created reminders of ``rules`` (set-based: a few
        queries per rule, one batch create of reminders and of activities)."""
        today = fields.Date.context_today(self)
        created = self.browse()
        for rule in rules:
            candidates = getattr(self, f"_candidates_{rule.trigger}")(rule, today)
            if not candidates:
                continue
            existing = {
                (f.partner_id.id, f.reason_key)
                for f in self.sudo()  # sudo: de-duplication over every salesperson
                .with_context(active_test=False)
                .search_fetch(
                    [
                        ("rule_id", "=", rule.id),
                        (
                            "partner_id",
                            "in",
                            list({c["partner_id"] for c in candidates}),
                        ),
                    ],
                    ["partner_id", "reason_key"],
                )
            }
            new = [
                c
                for c in candidates
                if c["user_id"] and (c["partner_id"], c["reason_key"]) not in existing
            ]
            # one reminder per reason even if a query returned it twice
            new = list({(c["partner_id"], c["reason_key"]): c for c in new}.values())
            if new:
                created |= self._create_reminders(rule, new, today)
        return created

    @api.model
    def _create_reminders(self, rule, candidates, today):
        model_id = self.env["ir.model"]._get_id("res.partner")
        activities = (
            self.env["mail.activity"]
            .sudo()  # sudo: the job assigns reminders to each customer's salesperson
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": c["partner_id"],
                        "activity_type_id": rule.activity_type_id.id,
                        "user_id": c["user_id"],
                        "date_deadline": max(c["date"], today),
                        "summary": c["summary"],
                        "note": rule.note,
                    }
                    for c in candidates
                ]
            )
        )
        return self.sudo().create(  # sudo: idem
            [
                {
                    "rule_id": rule.id,
                    "partner_id": c["partner_id"],
                    "user_id": c["user_id"],
                    "reason_key": c["reason_key"],
                    "summary": c["summary"],
                    "date_deadline": max(c["date"], today),
                    "activity_id": activity.id,
                    "picking_id": c.get("picking_id"),
                    "company_id": rule.company_id.id,
                }
                for c, activity in zip(candidates, activities, strict=True)
            ]
        )

    @api.model
    def _segment_sql(self, rule, alias="p"):
        conditions = [
            SQL(
                "%s.active AND %s.id = %s.commercial_partner_id"
                " AND COALESCE(%s.company_id, %s) = %s",
                SQL.identifier(alias), SQL.identifier(alias), SQL.identifier(alias),
                SQL.identifier(alias), rule.company_id.id, rule.company_id.id,
            )
        ]  # fmt: skip
        for column, value in (
            ("rfm_segment", rule.rfm_segment),
            ("frequency_band", rule.frequency_band),
            ("spend_band", rule.spend_band),
        ):
            if value:
                # the bands: appliance_customer_band, one row per customer, same id
                conditions.append(
                    SQL(
                        "%s IN (SELECT id FROM appliance_customer_band WHERE %s = %s)",
                        SQL.identifier(alias, "id"),
                        SQL.identifier(column),
                        value,
                    )
                )
        return SQL(" AND ").join(conditions)

    @api.model
    def _candidates_cadence(self, rule, today):
        """Customers not contacted (visit logged or cadence reminder done) for
        their interval: the rule's days, or their strategy's visit interval."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
WITH contact AS (
    SELECT commercial_partner_id AS partner_id, MAX(date) AS last_date
      FROM appliance_customer_visit GROUP BY commercial_partner_id
    UNION ALL
    SELECT partner_id, MAX(date_done)
      FROM appliance_followup
     WHERE trigger = 'cadence' AND state = 'done'
  GROUP BY partner_id
), last_contact AS (
    SELECT partner_id, MAX(last_date) AS last_date FROM contact GROUP BY partner_id
)
SELECT p.id, p.user_id,
       COALESCE(lc.last_date, b.last_order_date, p.create_date::date) AS last_date,
       COALESCE(NULLIF(%(days)s, 0), s.visit_interval_days) AS interval
  FROM res_partner p
  LEFT JOIN appliance_customer_band b ON b.id = p.id
  LEFT JOIN appliance_customer_strategy s ON s.id = p.appliance_strategy_id
  LEFT JOIN last_contact lc ON lc.partner_id = p.id
 WHERE %(segment)s
   AND p.user_id IS NOT NULL
   AND (p.customer_rank > 0 OR b.id IS NOT NULL)
   AND COALESCE(NULLIF(%(days)s, 0), s.visit_interval_days) > 0
   AND COALESCE(lc.last_date, b.last_order_date, p.create_date::date)
       + COALESCE(NULLIF(%(days)s, 0), s.visit_interval_days) <= %(today)s
""",
                days=rule.days,
                segment=self._segment_sql(rule),
                today=today,
            )
        )
        return [
            {
                "partner_id": partner_id,
                "user_id": user_id,
                "reason_key": f"cadence:{last_date.isoformat()}",
                "date": last_date + timedelta(days=interval),
                "summary": self.env._(
                    "Visit due: no contact since %s", last_date.isoformat()
                ),
            }
            for partner_id, user_id, last_date, interval in rows
        ]

    @api.model
    def _candidates_after_delivery(self, rule, today):
        """Deliveries done ``days`` ago (or a little longer: the job may not have
        run every day)."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
SELECT sp.id, sp.name, p.id, p.user_id, sp.date_done::date
  FROM stock_picking sp
  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id AND spt.code = 'outgoing'
  JOIN res_partner dp ON dp.id = sp.partner_id
  JOIN res_partner p ON p.id = dp.commercial_partner_id
 WHERE sp.state = 'done' AND sp.company_id = %(company)s
   AND sp.date_done::date + %(days)s <= %(today)s
   AND sp.date_done::date + %(days)s >= %(today)s - %(lookback)s
   AND %(segment)s
""",
                company=rule.company_id.id,
                days=rule.days,
                today=today,
                lookback=DELIVERY_LOOKBACK_DAYS,
                segment=self._segment_sql(rule),
            )
        )
        return [
            {
                "partner_id": partner_id,
                "user_id": user_id,
                "reason_key": f"delivery:{picking_id}",
                "date": done + timedelta(days=rule.days),
                "picking_id": picking_id,
                "summary": self.env._("Follow up on delivery %s", name),
            }
            for picking_id, name, partner_id, user_id, done in rows
        ]

    @api.model
    def _candidates_before_purchase(self, rule, today):
        """Customers whose predicted next purchase (``_appliance_predict_next_purchase``)
        falls within the next ``days`` days."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id FROM res_partner p
                    WHERE %s AND p.user_id IS NOT NULL
                      AND EXISTS (SELECT 1 FROM sale_order so
                                    JOIN res_partner c ON c.id = so.partner_id
                                   WHERE c.commercial_partner_id = p.id
                                     AND so.state = 'sale')""",
                self._segment_sql(rule),
            )
        )
        partners = self.env["res.partner"].browse([r[0] for r in rows])
        predictions = partners._appliance_predict_next_purchase()
        partners.fetch(["user_id"])
        result = []
        for partner in partners:
            prediction = predictions.get(partner.id)
            if not prediction or prediction.get("confidence", 0) < rule.min_confidence:
                continue
            date = fields.Date.to_date(prediction["date"])
            if not date or not (today <= date <= today + timedelta(days=rule.days)):
                continue
            result.append(
                {
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "reason_key": f"purchase:{date.isoformat()}",
                    "date": date - timedelta(days=rule.days),
                    "summary": self.env._(
                        "Next purchase expected around %s", date.isoformat()
                    ),
                }
            )
        return result

    @api.model
    def _candidates_inspection(self, rule, today):
        """Deliveries of complete sets whose anniversary falls within the next
        ``days`` days: the yearly inspection of the installed switchgear."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
SELECT sp.id, sp.name, p.id, p.user_id, sp.date_done::date,
       dp.city, ARRAY_AGG(DISTINCT pt.appliance_model_code)
  FROM stock_move sm
  JOIN stock_picking sp ON sp.id = sm.picking_id
  JOIN stock_location dl ON dl.id = sm.location_dest_id AND dl.usage = 'customer'
  JOIN product_product pp ON pp.id = sm.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.appliance_kind = 'set'
  JOIN res_partner dp ON dp.id = sp.partner_id
  JOIN res_partner p ON p.id = dp.commercial_partner_id
 WHERE sm.state = 'done' AND sp.company_id = %(company)s
   AND sp.date_done::date < %(today)s - 300
   AND %(segment)s
GROUP BY sp.id, sp.name, p.id, p.user_id, dp.city
""",
                company=rule.company_id.id,
                today=today,
                segment=self._segment_sql(rule),
            )
        )
        horizon = today + timedelta(days=rule.days)
        result = []
        for picking_id, name, partner_id, user_id, done, city, codes in rows:
            for year in (today.year, today.year + 1):
                due = _anniversary(done, year)
                if due <= done or not (today <= due <= horizon):
                    continue
                result.append(
                    {
                        "partner_id": partner_id,
                        "user_id": user_id,
                        "reason_key": f"inspection:{picking_id}:{year}",
                        "date": due,
                        "picking_id": picking_id,
                        "summary": self.env._(
                            "Yearly inspection of %(models)s (%(delivery)s%(city)s)",
                            models=", ".join(c for c in codes if c),
                            delivery=name,
                            city=f", {city}" if city else "",
                        ),
                    }
                )
        return result

    # ------------------------------------------------------------
    # ESCALATION
    # ------------------------------------------------------------

    @api.model
    def _cron_escalate(self):
        """Escalate reminders still open ``escalate_after_days`` after their
        deadline to the sales team leader, once."""
        today = fields.Date.context_today(self)
        followups = self.sudo().search(  # sudo: the job sees every salesperson's
            Domain("state", "=", "open")
            & Domain("escalated", "=", False)
            & Domain("rule_id.escalate_after_days", ">", 0)
            & Domain("date_deadline", "<", today)
        )
        overdue = followups.filtered(
            lambda f: (
                (f.activity_id.date_deadline or f.date_deadline)
                + timedelta(days=f.rule_id.escalate_after_days)
                < today
            )
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo = self.env.ref("mail.mail_activity_data_todo")
        by_manager = defaultdict(self.browse)
        for followup in overdue:
            manager = (
                followup.user_id.sale_team_id.user_id
                or followup.rule_id.escalation_user_id
            )
            if manager and manager != followup.user_id:
                by_manager[manager] |= followup
        vals_list, targets = [], []
        for manager, items in by_manager.items():
            for followup in items:
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": followup.partner_id.id,
                        "activity_type_id": todo.id,
                        "user_id": manager.id,
                        "date_deadline": today,
                        "summary": self.env._(
                            "Overdue follow-up of %(user)s: %(summary)s",
                            user=followup.user_id.name,
                            summary=followup.summary,
                        ),
                    }
                )
                targets.append(followup)
        activities = (
            self.env["mail.activity"].sudo().create(vals_list)  # sudo: idem
            if vals_list
            else self.env["mail.activity"]
        )
        for followup, activity in zip(targets, activities, strict=True):
            followup.write({"escalated": True, "escalation_activity_id": activity.id})
        return self.browse([f.id for f in targets])

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
