"""Customer classification: frequency, spend, region, recency and RFM bands of
every customer in one set-based SQL statement, with a history of changes.

The bands and purchase figures live in ``appliance.customer.band`` (one narrow row
per classified customer, with the customer's id); the partner shows them through
related fields that search, sort and group in SQL (see ``_field_to_sql``)."""

import logging
import time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
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

    # internal classification: the sales team's, not the portal customer's own
    appliance_band_id = fields.Many2one(
        "appliance.customer.band",
        string="Classification",
        compute="_compute_appliance_band_id",
        search="_search_appliance_band_id",
        compute_sudo=True,
        groups="sales_team.group_sale_salesman",
        help="The bands and figures of the last classification (commercial partners"
        " that are customers only).",
    )
    appliance_frequency_band = fields.Selection(
        related="appliance_band_id.frequency_band",
        string="Frequency Band",
        groups="sales_team.group_sale_salesman",
    )
    appliance_spend_band = fields.Selection(
        related="appliance_band_id.spend_band",
        string="Spend Band",
        groups="sales_team.group_sale_salesman",
    )
    appliance_region_band = fields.Selection(
        related="appliance_band_id.region_band",
        string="Region Band",
        groups="sales_team.group_sale_salesman",
    )
    appliance_recency_band = fields.Selection(
        related="appliance_band_id.recency_band",
        string="Recency Band",
        groups="sales_team.group_sale_salesman",
    )
    appliance_rfm_segment = fields.Selection(
        related="appliance_band_id.rfm_segment",
        string="RFM Segment",
        groups="sales_team.group_sale_salesman",
    )
    appliance_order_count = fields.Integer(
        related="appliance_band_id.order_count",
        string="Orders (window)",
        groups="sales_team.group_sale_salesman",
    )
    appliance_total_spend = fields.Float(
        related="appliance_band_id.total_spend",
        string="Spend (window)",
        groups="sales_team.group_sale_salesman",
    )
    appliance_first_order_date = fields.Date(
        related="appliance_band_id.first_order_date",
        string="First Purchase",
        groups="sales_team.group_sale_salesman",
    )
    appliance_last_order_date = fields.Date(
        related="appliance_band_id.last_order_date",
        string="Last Purchase",
        groups="sales_team.group_sale_salesman",
    )
    appliance_lifetime_order_count = fields.Integer(
        related="appliance_band_id.lifetime_order_count",
        string="Orders (all time)",
        groups="sales_team.group_sale_salesman",
    )

    # ------------------------------------------------------------
    # COMPUTE / SEARCH / SQL
    # ------------------------------------------------------------

    def _compute_appliance_band_id(self):
        # the row of a customer has the customer's id: one query for the recordset
        existing = set(
            self.env["appliance.customer.band"].browse(self._origin.ids).exists().ids
        )
        for partner in self:
            band_id = partner._origin.id
            partner.appliance_band_id = band_id if band_id in existing else False

    def _search_appliance_band_id(self, operator, value):
        # a band row has its customer's id: partner ids and band ids are the same
        Band = self.env["appliance.customer.band"]
        if operator in ("any", "any!"):
            if operator == "any!":
                Band = Band.sudo()  # sudo: 'any!' is the unrestricted path
            if not isinstance(value, Domain):
                value = Domain("id", "in", value)
            return Domain("id", "in", Band._search(value).select("partner_id"))
        if operator == "in":
            # which customers have a row at all (ids given by the caller)
            classified = Band.sudo()._search([]).select("partner_id")  # sudo: ids only
            ids = [band_id for band_id in value if band_id]
            domain = Domain("id", "in", ids) & Domain("id", "in", classified)
            if False in value:
                domain |= Domain("id", "not in", classified)
            return domain
        return NotImplemented

    def _field_to_sql(self, alias, field_expr, query=None):
        # the band row of a customer has the customer's id (``CHECK (partner_id =
        # id)``): joining it by the partner's id lets the related band fields
        # filter, sort and group in SQL, with no column on res_partner
        if field_expr == "appliance_band_id":
            return SQL.identifier(alias, "id")
        return super()._field_to_sql(alias, field_expr, query)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

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
        run. Only the rows that change are written (``appliance.customer.band``);
        partners that are no customers any more lose their row. Every customer
        whose bands change gets one row in the band history (each band before and
        after).

        :returns: ``{"classified": n, "changed": n, "updated": n, "seconds": s}``
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

        def scope(column):
            if partner_ids is None:
                return SQL("TRUE")
            return SQL("%s = ANY(%s)", column, list(partner_ids))

        band = self.env["appliance.customer.band"]
        history = self.env["appliance.customer.band.history"]
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
           COALESCE(pop.cnt, 0)::int AS cnt,
           ROUND(COALESCE(pop.spend, 0)::numeric, 2) AS spend_amount,
           pop.first_date, pop.last_date, COALESCE(pop.lifetime, 0)::int AS lifetime
      FROM pop JOIN ranked ON ranked.id = pop.id
     WHERE %(scope_pop)s
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
), target AS (
    -- rows that change: new customers, changed bands or figures, and customers
    -- classified before who are no customers any more (final.id IS NULL)
    SELECT COALESCE(final.id, old.id) AS id, final.id IS NOT NULL AS keep,
           final.frequency, final.spend, final.region, final.recency, final.rfm,
           final.cnt, final.spend_amount, final.first_date, final.last_date,
           final.lifetime,
           old.frequency_band AS old_frequency, old.spend_band AS old_spend,
           old.region_band AS old_region, old.recency_band AS old_recency,
           old.rfm_segment AS old_rfm
      FROM final
 FULL JOIN (SELECT * FROM %(band)s WHERE %(scope_band)s) old ON old.id = final.id
     WHERE final.id IS NULL OR old.id IS NULL
        OR (old.frequency_band, old.spend_band, old.region_band, old.recency_band,
            old.rfm_segment, old.order_count, old.total_spend, old.first_order_date,
            old.last_order_date, old.lifetime_order_count)
           IS DISTINCT FROM
           (final.frequency, final.spend, final.region, final.recency, final.rfm,
            final.cnt, final.spend_amount, final.first_date, final.last_date,
            final.lifetime)
), logged AS (
    -- one row per customer and run: every band before and after
    INSERT INTO %(history)s
           (partner_id, date,
            old_rfm_segment, new_rfm_segment, rfm_changed,
            old_frequency_band, new_frequency_band, frequency_changed,
            old_spend_band, new_spend_band, spend_changed,
            old_recency_band, new_recency_band, recency_changed,
            old_region_band, new_region_band, region_changed)
    SELECT id, %(now)s,
           old_rfm, rfm, old_rfm IS DISTINCT FROM rfm,
           old_frequency, frequency, old_frequency IS DISTINCT FROM frequency,
           old_spend, spend, old_spend IS DISTINCT FROM spend,
           old_recency, recency, old_recency IS DISTINCT FROM recency,
           old_region, region, old_region IS DISTINCT FROM region
      FROM target
     WHERE (old_rfm, old_frequency, old_spend, old_recency, old_region)
           IS DISTINCT FROM (rfm, frequency, spend, recency, region)
 RETURNING partner_id
), removed AS (
    DELETE FROM %(band)s b USING target
     WHERE b.id = target.id AND NOT target.keep
 RETURNING b.id
), written AS (
    INSERT INTO %(band)s
           (id, partner_id, frequency_band, spend_band, region_band, recency_band,
            rfm_segment, order_count, total_spend, first_order_date,
            last_order_date, lifetime_order_count)
    SELECT id, id, frequency, spend, region, recency, rfm, cnt, spend_amount,
           first_date, last_date, lifetime
      FROM target
     WHERE keep
        ON CONFLICT (id) DO UPDATE
       SET frequency_band = EXCLUDED.frequency_band,
           spend_band = EXCLUDED.spend_band,
           region_band = EXCLUDED.region_band,
           recency_band = EXCLUDED.recency_band,
           rfm_segment = EXCLUDED.rfm_segment,
           order_count = EXCLUDED.order_count,
           total_spend = EXCLUDED.total_spend,
           first_order_date = EXCLUDED.first_order_date,
           last_order_date = EXCLUDED.last_order_date,
           lifetime_order_count = EXCLUDED.lifetime_order_count
 RETURNING id
)
SELECT (SELECT COUNT(*) FROM final),
       (SELECT COUNT(*) FROM logged),
       (SELECT COUNT(*) FROM written) + (SELECT COUNT(*) FROM removed)
""",
            start=window_start,
            company=self.env.company.id,
            frequency=frequency,
            spend_band=spend_band,
            local=local,
            today=today,
            recent=params["recent_days"],
            lapsing=params["lapsing_days"],
            scope_pop=scope(SQL("pop.id")),
            scope_band=scope(SQL("id")),
            band=SQL.identifier(band._table),
            history=SQL.identifier(history._table),
            now=fields.Datetime.now(),
        )
        [(classified, changed, updated)] = self.env.execute_query(query)
        band.invalidate_model()
        history.invalidate_model()
        self.invalidate_model(
            ["appliance_band_id", *BAND_FIELDS.values(), *FIGURE_FIELDS]
        )
        seconds = time.monotonic() - started
        _logger.info(
            "appliance classification: %s customers, %s with band changes,"
            " %s rows written in %.3fs",
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
