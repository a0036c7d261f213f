"""Customer classification: frequency, spend, region, recency and RFM bands of
every customer in one set-based SQL statement, with a history of changes."""

import logging
import time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

BAND_FIELDS = {
    "frequency": "appliance_frequency_band",
    "spend": "appliance_spend_band",
    "region": "appliance_region_band",
    "recency": "appliance_recency_band",
    "rfm": "appliance_rfm_segment",
}
FIGURE_FIELDS = (
    "appliance_order_count",
    "appliance_total_spend",
    "appliance_first_order_date",
    "appliance_last_order_date",
    "appliance_lifetime_order_count",
)
DEFAULTS = {
    "window_months": 12,
    "frequency_mode": "percentile",
    "frequency_high": 20.0,
    "frequency_mid": 50.0,
    "spend_mode": "percentile",
    "spend_large": 20.0,
    "spend_mid": 50.0,
    "recent_days": 90,
    "lapsing_days": 365,
    "region_level": "state",
}


class AppliancePartnerClassification(models.AbstractModel):
    """The classification pass; inherited by ``res.partner`` (see res_partner.py)."""

    _name = "appliance.partner.classification"
    _description = "Customer Classification (res.partner mixin)"

    @api.model
    def _appliance_classification_params(self):
        """The thresholds of the classification (Sales settings), typed."""
        get = self.env["ir.config_parameter"].sudo().get_param  # sudo: settings read
        params = {}
        for key, default in DEFAULTS.items():
            value = get(f"appliance_crm.{key}", default)
            try:
                params[key] = type(default)(value)
            except (TypeError, ValueError):
                params[key] = default
        params["window_months"] = max(1, params["window_months"])
        return params

    @api.model
    def _appliance_band_sql(self, mode, value_sql, rank_sql, top, second, labels):
        """CASE expression putting ``value_sql`` into one of three ``labels``:
        by absolute minimums, or by the share of customers at least as good."""
        if mode == "absolute":
            return SQL(
                "CASE WHEN %(v)s >= %(top)s THEN %(l1)s WHEN %(v)s >= %(second)s"
                " THEN %(l2)s ELSE %(l3)s END",
                v=value_sql, top=top, second=second,
                l1=labels[0], l2=labels[1], l3=labels[2],
            )  # fmt: skip
        return SQL(
            "CASE WHEN %(v)s > 0 AND %(r)s <= %(top)s THEN %(l1)s"
            " WHEN %(v)s > 0 AND %(r)s <= %(second)s THEN %(l2)s ELSE %(l3)s END",
            v=value_sql, r=rank_sql, top=top / 100.0, second=second / 100.0,
            l1=labels[0], l2=labels[1], l3=labels[2],
        )  # fmt: skip

    @api.model
    def _appliance_classify(self, partner_ids=None):
        """Classify the customers (all, or the commercial partners ``partner_ids``)
        and store their bands and purchase figures, in one SQL statement.

        Population: commercial partners with a confirmed order, or marked as
        customers (``customer_rank``). Percentiles are always taken over the whole
        population, so classifying a few partners gives the same bands as a full
        run. Every band that changes gets a row in the band history.

        :returns: ``{"classified": n, "changed": n, "seconds": s}``
        """
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_manager"
        ):
            raise AccessError(
                self.env._("Only sales managers may reclassify customers.")
            )
        started = time.monotonic()
        params = self._appliance_classification_params()
        today = fields.Date.context_today(self)
        window_start = fields.Datetime.to_datetime(
            today - relativedelta(months=params["window_months"])
        )
        self.env.flush_all()
        cnt, spend = SQL("COALESCE(pop.cnt, 0)"), SQL("COALESCE(pop.spend, 0)")
        frequency = self._appliance_band_sql(
            params["frequency_mode"], cnt, SQL("ranked.f_rank"),
            params["frequency_high"], params["frequency_mid"], ("high", "mid", "low"),
        )  # fmt: skip
        spend_band = self._appliance_band_sql(
            params["spend_mode"], spend, SQL("ranked.m_rank"),
            params["spend_large"], params["spend_mid"], ("large", "mid", "small"),
        )  # fmt: skip
        if params["region_level"] == "city":
            local = SQL(
                "pop.state_id = pop.c_state_id AND"
                " LOWER(BTRIM(pop.city)) = LOWER(BTRIM(pop.c_city))"
            )
        else:
            local = SQL("pop.state_id = pop.c_state_id")
        scope = (
            SQL("AND p.id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        history = self.env["appliance.customer.band.history"]
        uid = self.env.uid
        query = SQL(
            """
WITH orders AS (
    SELECT cp.commercial_partner_id AS partner_id,
           COUNT(*) FILTER (WHERE so.date_order >= %(start)s) AS cnt,
           SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1.0))
               FILTER (WHERE so.date_order >= %(start)s) AS spend,
           MIN(so.date_order)::date AS first_date,
           MAX(so.date_order)::date AS last_date,
           COUNT(*) AS lifetime
      FROM sale_order so
      JOIN res_partner cp ON cp.id = so.partner_id
     WHERE so.state = 'sale'
  GROUP BY cp.commercial_partner_id
), pop AS (
    SELECT p.id, p.state_id, p.city, p.country_id,
           o.cnt, o.spend, o.first_date, o.last_date, o.lifetime,
           cpart.state_id AS c_state_id, cpart.city AS c_city,
           cpart.country_id AS c_country_id
      FROM res_partner p
 LEFT JOIN orders o ON o.partner_id = p.id
      JOIN res_company comp ON comp.id = COALESCE(p.company_id, %(company)s)
      JOIN res_partner cpart ON cpart.id = comp.partner_id
     WHERE p.active AND p.id = p.commercial_partner_id
       AND (o.partner_id IS NOT NULL OR p.customer_rank > 0)
), ranked AS (
    SELECT pop.id,
           CUME_DIST() OVER (ORDER BY COALESCE(pop.cnt, 0) DESC) AS f_rank,
           CUME_DIST() OVER (ORDER BY COALESCE(pop.spend, 0) DESC) AS m_rank
      FROM pop
), bands AS (
    SELECT pop.id,
           %(frequency)s AS frequency,
           %(spend_band)s AS spend,
           CASE WHEN pop.country_id IS NOT NULL AND pop.c_country_id IS NOT NULL
                     AND pop.country_id != pop.c_country_id THEN 'non_local'
                WHEN pop.state_id IS NULL OR pop.c_state_id IS NULL THEN NULL
                WHEN %(local)s THEN 'local'
                ELSE 'non_local' END AS region,
           CASE WHEN pop.last_date IS NULL THEN NULL
                WHEN pop.last_date >= %(today)s::date - %(recent)s THEN 'recent'
                WHEN pop.last_date >= %(today)s::date - %(lapsing)s THEN 'lapsing'
                ELSE 'dormant' END AS recency,
           COALESCE(pop.cnt, 0) AS cnt, ROUND(COALESCE(pop.spend, 0)::numeric, 2) AS spend_amount,
           pop.first_date, pop.last_date, COALESCE(pop.lifetime, 0) AS lifetime
      FROM pop JOIN ranked ON ranked.id = pop.id
), scored AS (
    SELECT bands.*,
           CASE recency WHEN 'recent' THEN 3 WHEN 'lapsing' THEN 2 WHEN 'dormant' THEN 1 END AS r,
           CASE frequency WHEN 'high' THEN 3 WHEN 'mid' THEN 2 ELSE 1 END AS f,
           CASE spend WHEN 'large' THEN 3 WHEN 'mid' THEN 2 ELSE 1 END AS m
      FROM bands
), final AS (
    SELECT scored.id, frequency, spend, region, recency,
           CASE WHEN r IS NULL THEN NULL
                WHEN r = 3 AND f = 3 THEN 'champion'
                WHEN r >= 2 AND f >= 2 THEN 'loyal'
                WHEN r = 3 THEN 'new'
                WHEN r = 2 THEN 'promising'
                WHEN f >= 2 OR m = 3 THEN 'at_risk'
                WHEN m = 2 THEN 'hibernating'
                ELSE 'lost' END AS rfm,
           cnt, spend_amount, first_date, last_date, lifetime
      FROM scored
    UNION ALL
    -- partners classified before who are no customers any more
    SELECT p.id, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, 0
      FROM res_partner p
     WHERE (p.appliance_frequency_band IS NOT NULL OR p.appliance_region_band IS NOT NULL)
       AND p.id NOT IN (SELECT id FROM pop)
), target AS (
    SELECT final.*,
           p.appliance_frequency_band AS old_frequency, p.appliance_spend_band AS old_spend,
           p.appliance_region_band AS old_region, p.appliance_recency_band AS old_recency,
           p.appliance_rfm_segment AS old_rfm
      FROM final JOIN res_partner p ON p.id = final.id
     WHERE TRUE %(scope)s
       AND (p.appliance_frequency_band IS DISTINCT FROM final.frequency
            OR p.appliance_spend_band IS DISTINCT FROM final.spend
            OR p.appliance_region_band IS DISTINCT FROM final.region
            OR p.appliance_recency_band IS DISTINCT FROM final.recency
            OR p.appliance_rfm_segment IS DISTINCT FROM final.rfm
            OR p.appliance_order_count IS DISTINCT FROM final.cnt
            OR p.appliance_total_spend IS DISTINCT FROM final.spend_amount
            OR p.appliance_first_order_date IS DISTINCT FROM final.first_date
            OR p.appliance_last_order_date IS DISTINCT FROM final.last_date
            OR p.appliance_lifetime_order_count IS DISTINCT FROM final.lifetime)
), logged AS (
    INSERT INTO %(history)s
           (partner_id, dimension, old_value, new_value, date,
            create_uid, create_date, write_uid, write_date)
    SELECT target.id, change.dimension, change.old_value, change.new_value, %(now)s,
           %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM target
     CROSS JOIN LATERAL (VALUES
           ('frequency', target.old_frequency, target.frequency),
           ('spend', target.old_spend, target.spend),
           ('region', target.old_region, target.region),
           ('recency', target.old_recency, target.recency),
           ('rfm', target.old_rfm, target.rfm)
     ) AS change(dimension, old_value, new_value)
     WHERE change.old_value IS DISTINCT FROM change.new_value
 RETURNING partner_id
), updated AS (
    UPDATE res_partner p
       SET appliance_frequency_band = target.frequency,
           appliance_spend_band = target.spend,
           appliance_region_band = target.region,
           appliance_recency_band = target.recency,
           appliance_rfm_segment = target.rfm,
           appliance_order_count = target.cnt,
           appliance_total_spend = target.spend_amount,
           appliance_first_order_date = target.first_date,
           appliance_last_order_date = target.last_date,
           appliance_lifetime_order_count = target.lifetime
      FROM target
     WHERE p.id = target.id
 RETURNING p.id
)
SELECT (SELECT COUNT(*) FROM pop %(pop_scope)s),
       (SELECT COUNT(DISTINCT partner_id) FROM logged),
       (SELECT COUNT(*) FROM updated)
""",
            start=window_start,
            company=self.env.company.id,
            frequency=frequency,
            spend_band=spend_band,
            local=local,
            today=today,
            recent=params["recent_days"],
            lapsing=params["lapsing_days"],
            scope=scope,
            pop_scope=SQL("WHERE id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL(),
            history=SQL.identifier(history._table),
            now=fields.Datetime.now(),
            uid=uid,
        )
        [(classified, changed, updated)] = self.env.execute_query(query)
        self.invalidate_model([*BAND_FIELDS.values(), *FIGURE_FIELDS])
        history.invalidate_model()
        seconds = time.monotonic() - started
        _logger.info(
            "appliance classification: %s customers, %s with band changes,"
            " %s rows updated in %.3fs",
            classified, changed, updated, seconds,
        )  # fmt: skip
        self.env["ir.config_parameter"].sudo().set_param(  # sudo: run timestamp
            "appliance_crm.last_classification",
            fields.Datetime.to_string(fields.Datetime.now()),
        )
        return {
            "classified": classified,
            "changed": changed,
            "updated": updated,
            "seconds": seconds,
        }

    @api.model
    def _cron_appliance_classify(self):
        """Scheduled job: reclassify every customer, then apply the strategies."""
        self._appliance_classify()
        self.env["appliance.customer.strategy"]._apply_all()

    @api.model
    def _action_appliance_classify(self):
        """Server action "Classify Customers Now": classify, apply strategies."""
        stats = self._appliance_classify()
        self.env["appliance.customer.strategy"]._apply_all()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s customers classified in %(seconds)s s; %(changed)s"
                    " changed band.",
                    count=stats["classified"],
                    seconds=round(stats["seconds"], 2),
                    changed=stats["changed"],
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _appliance_classify_after_merge(self, partner):
        """Refresh the bands and figures of a customer that absorbed others."""
        partner_ids = partner.commercial_partner_id.ids
        self.sudo()._appliance_classify(partner_ids=partner_ids)  # sudo: merge checked
