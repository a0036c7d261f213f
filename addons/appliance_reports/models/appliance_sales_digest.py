import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from .appliance_sales_kpi import period_start

_logger = logging.getLogger(__name__)

# (key, format) of the key figures, in report order; labels in _appliance_kpi_rows
KPI_FORMATS = [
    ("revenue", "money"),
    ("cost", "money"),
    ("profit", "money"),
    ("margin_percent", "percent"),
    ("order_count", "integer"),
    ("average_order_value", "money"),
    ("qty", "number"),
    ("quotation_count", "integer"),
    ("conversion_rate", "percent"),
    ("value_conversion_rate", "percent"),
    ("opportunity_count", "integer"),
    ("opportunity_conversion_rate", "percent"),
]
# (key, field of appliance.sales.analysis, top N or None) of the breakdowns
BREAKDOWNS = [
    ("category", "categ_id", 15),
    ("brand", "brand_id", 10),
    ("salesperson", "user_id", 20),
    ("customer_type", "customer_type", None),
    ("province", "state_id", 15),
    ("region", "region_band", None),
    ("channel", "channel_id", None),
    ("product", "product_id", 10),
    ("customer", "commercial_partner_id", 10),
]
KINDS = [
    ("daily", "Daily Report"),
    ("monthly", "Monthly Report"),
    ("trend", "Trend Report"),
]


class ApplianceSalesDigest(models.Model):
    """A daily (日报), monthly (月报) or trend report of a company's sales.

    The record keeps the period; the figures are read when the report is
    printed (QWeb PDF) or exported (XLSX), so that a reprint shows corrections
    made since. The scheduled action creates one per period and mails it to the
    recipients chosen in the settings, through the mail queue.
    """

    _name = "appliance.sales.digest"
    _description = "Sales Report"
    _order = "date_from desc, id desc"
    # the name is computed from kind and dates: name_search by the kind
    _rec_names_search = ["kind"]

    name = fields.Char(compute="_compute_name")
    kind = fields.Selection(KINDS, required=True, default="daily")
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=1),
    )
    date_to = fields.Date(
        string="To",
        compute="_compute_date_to",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Last day of the report (included).",
    )
    months = fields.Integer(
        default=12, help="Number of months of the trend report, ending with 'To'."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    sent_date = fields.Datetime(string="Mailed On", readonly=True, copy=False)
    recipient_ids = fields.Many2many(
        "res.partner", string="Mailed To", readonly=True, copy=False
    )

    _period_check = models.Constraint(
        "CHECK (date_to >= date_from)", "The report must end on or after its start."
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("kind", "date_from")
    def _compute_date_to(self):
        for digest in self:
            if not digest.date_from:
                continue
            if digest.kind == "daily":
                digest.date_to = digest.date_from
            elif digest.kind == "monthly":
                start = digest.date_from.replace(day=1)
                digest.date_to = start + relativedelta(months=1, days=-1)
            elif not digest.date_to or digest.date_to < digest.date_from:
                digest.date_to = digest.date_from

    @api.depends("kind", "date_from", "date_to", "months")
    @api.depends_context("lang")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for digest in self:
            if not digest.date_from:
                digest.name = labels.get(digest.kind)
                continue
            if digest.kind == "daily":
                period = fields.Date.to_string(digest.date_from)
            elif digest.kind == "monthly":
                period = digest.date_from.strftime("%Y-%m")
            else:
                start, end = digest._appliance_trend_bounds()
                period = f"{start:%Y-%m} – {end - timedelta(days=1):%Y-%m}"
            digest.name = f"{labels.get(digest.kind)} {period}"

    @api.constrains("months", "kind")
    def _check_months(self):
        for digest in self:
            if digest.kind == "trend" and not 1 <= digest.months <= 60:
                raise ValidationError(
                    self.env._(
                        "Months: a trend report covers 1 to 60 months, not %s.",
                        digest.months,
                    )
                )

    # ------------------------------------------------------------
    # FIGURES
    # ------------------------------------------------------------

    def _appliance_trend_bounds(self):
        """[start, end) of the trend report: ``months`` months ending with the
        month of ``date_to``."""
        self.ensure_one()
        end = period_start("month", self.date_to or self.date_from) + relativedelta(
            months=1
        )
        return end - relativedelta(months=self.months or 12), end

    def _appliance_kpi_env(self):
        """The KPI model in this report's company (its currency, its orders)."""
        self.ensure_one()
        return (
            self.env["appliance.sales.kpi"]
            .with_company(self.company_id)
            .with_context(allowed_company_ids=self.company_id.ids)
        )

    def _appliance_period_info(self):
        self.ensure_one()
        start, end = self.date_from, self.date_to + timedelta(days=1)
        if self.kind == "monthly":
            start = start.replace(day=1)
        length = end - start
        period = "day" if self.kind == "daily" else "month"
        previous = (
            (start - timedelta(days=1), start)
            if period == "day"
            else (start - relativedelta(months=1), start)
        )
        if (
            period == "month"
            and length.days < (start + relativedelta(months=1) - start).days
        ):
            previous = (previous[0], previous[0] + length)
        last_year_start = start - relativedelta(years=1)
        return {
            "period": period,
            "date_from": start,
            "date_to": end,
            "full_date_to": end,
            "running": False,
            "previous": previous,
            "last_year": (last_year_start, last_year_start + length),
        }

    def _appliance_report_data(self):
        """Everything the PDF and the XLSX show, computed once:
        ``{"kpis": [...], "breakdowns": {...}, "series": [...], ...}``."""
        self.ensure_one()
        Kpi = self._appliance_kpi_env()
        currency = self.company_id.currency_id
        data = {
            "title": self.name,
            "company": self.company_id.name,
            "currency": currency,
            "kind": self.kind,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "generated": fields.Datetime.now(),
        }
        if self.kind == "trend":
            start, end = self._appliance_trend_bounds()
            data["trend"] = Kpi._appliance_trend(
                self.months or 12, end - timedelta(days=1)
            )
            data["breakdowns"] = self._appliance_breakdowns(Kpi, start, end)
            data["kpis"] = []
            return data
        info = self._appliance_period_info()
        kpis = Kpi._appliance_kpis(info)
        data["kpis"] = [
            {"key": key, "label": label, "format": fmt, **kpis[key]}
            for key, label, fmt in self._appliance_kpi_rows()
        ]
        data["previous_label"] = (
            self.env._("Previous day")
            if self.kind == "daily"
            else self.env._("Previous month")
        )
        start, end = info["date_from"], info["date_to"]
        data["breakdowns"] = self._appliance_breakdowns(Kpi, start, end)
        if self.kind == "daily":
            month_start = start.replace(day=1)
            data["month_to_date"] = Kpi._appliance_sales(month_start, end)
            data["orders"] = self._appliance_orders(Kpi, start, end)
            data["series"] = Kpi._appliance_series(end - timedelta(days=30), end, "day")
        else:
            data["series"] = Kpi._appliance_series(start, end, "day")
            data["pairs"] = self._appliance_top_pairs()
        return data

    def _appliance_kpi_rows(self):
        """(key, label, format) of the key figures, in report order."""
        labels = dict(
            revenue=self.env._("Revenue"),
            cost=self.env._("Cost"),
            profit=self.env._("Profit"),
            margin_percent=self.env._("Margin (%)"),
            order_count=self.env._("Orders"),
            average_order_value=self.env._("Average Order Value"),
            qty=self.env._("Quantity"),
            quotation_count=self.env._("Quotations"),
            conversion_rate=self.env._("Quotation Conversion (%)"),
            value_conversion_rate=self.env._("Conversion by Value (%)"),
            opportunity_count=self.env._("Opportunities"),
            opportunity_conversion_rate=self.env._("Opportunity Conversion (%)"),
        )
        return [(key, labels[key], fmt) for key, fmt in KPI_FORMATS]

    def _appliance_breakdowns(self, Kpi, start, end):
        """``{key: (title, rows)}`` of the report's breakdowns (BREAKDOWNS)."""
        titles = dict(
            category=self.env._("By Product Category"),
            brand=self.env._("By Brand"),
            salesperson=self.env._("By Salesperson"),
            customer_type=self.env._("By Customer Type"),
            province=self.env._("By Province"),
            region=self.env._("Local / Non-local"),
            channel=self.env._("By Sales Channel"),
            product=self.env._("Top Products"),
            customer=self.env._("Top Customers"),
        )
        rows = Kpi._appliance_breakdowns(start, end, BREAKDOWNS)
        return {key: (titles[key], rows[key]) for key, _field, _limit in BREAKDOWNS}

    def _appliance_orders(self, Kpi, start, end, limit=200):
        """Confirmed orders of the period (daily report), biggest first."""
        Order = self.env["sale.order"].with_company(self.company_id)
        orders = Order.search_fetch(
            [
                ("state", "=", "sale"),
                ("company_id", "=", self.company_id.id),
                *Kpi._appliance_date_domain(start, end, "date_order"),
            ],
            [
                "name",
                "partner_id",
                "user_id",
                "amount_untaxed",
                "currency_id",
                "date_order",
            ],
            order="amount_untaxed desc",
            limit=limit,
        )
        return [
            {
                "name": order.name,
                "customer": order.partner_id.display_name,
                "salesperson": order.user_id.name or "",
                "amount": order.currency_id._convert(
                    order.amount_untaxed,
                    self.company_id.currency_id,
                    self.company_id,
                    order.date_order,
                ),
            }
            for order in orders
        ]

    def _appliance_top_pairs(self, limit=10):
        Affinity = self.env["appliance.product.affinity"]
        if not Affinity.has_access("read"):
            return []
        pairs = Affinity.search(
            [
                ("company_id", "=", self.company_id.id),
                ("size", "=", 2),
                ("lift", ">", 1),
            ],
            order="order_count desc, lift desc",
            limit=limit,
        )
        return [
            {
                "name": pair.name,
                "order_count": pair.order_count,
                "confidence": pair.confidence,
                "lift": pair.lift,
            }
            for pair in pairs
        ]

    # ------------------------------------------------------------
    # FORMATTING (PDF and mail)
    # ------------------------------------------------------------

    def _appliance_format(self, value, fmt):
        self.ensure_one()
        if value is None:
            return "–"
        if fmt == "money":
            return format_amount(self.env, value, self.company_id.currency_id)
        if fmt == "percent":
            return f"{value:.1f}%"
        if fmt == "change":
            return f"{value:+.1f}%"
        if fmt == "integer":
            return f"{round(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")

    def _appliance_svg_chart(self, labels, series, kind="bar", width=680, height=200):
        """A small inline SVG chart for the PDF (wkhtmltopdf runs no JavaScript).

        :param series: ``[(name, color, values)]``; bars for the first series,
            lines for the others (``kind="line"``: lines only).
        """
        self.ensure_one()
        values = [v for _n, _c, vals in series for v in vals] or [0]
        top = max(*values, 0) or 1.0
        left, bottom, plot_h = 60, 20, height - 40
        step = (width - left - 10) / max(len(labels), 1)
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}"'
            f' viewBox="0 0 {width} {height}"'
            ' font-size="9" font-family="sans-serif">',
            f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}"'
            f' y2="{height - bottom}" stroke="#999"/>',
            f'<text x="{left - 4}" y="14" text-anchor="end">'
            f"{self._appliance_format(top, 'integer')}</text>",
        ]

        def y(value):
            return height - bottom - plot_h * max(value, 0) / top

        for index, (_name, color, vals) in enumerate(series):
            if kind == "bar" and index == 0:
                for i, value in enumerate(vals):
                    x = left + i * step + step * 0.15
                    parts.append(
                        f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{step * 0.7:.1f}"'
                        f' height="{height - bottom - y(value):.1f}" fill="{color}"/>'
                    )
            else:
                points = " ".join(
                    f"{left + i * step + step / 2:.1f},{y(value):.1f}"
                    for i, value in enumerate(vals)
                )
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{color}"'
                    ' stroke-width="2"/>'
                )
        every = max(1, len(labels) // 12)
        for i, label in enumerate(labels):
            if i % every == 0:
                parts.append(
                    f'<text x="{left + i * step + step / 2:.1f}" y="{height - 6}"'
                    f' text-anchor="middle">{Markup.escape(label)}</text>'
                )
        parts.append("</svg>")
        return Markup("".join(parts))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_print_pdf(self):
        self.check_access("read")
        return self.env.ref(
            "appliance_reports.action_report_sales_digest"
        ).report_action(self)

    def action_export_xlsx(self):
        self.check_access("read")
        return self.env.ref(
            "appliance_reports.action_report_sales_digest_xlsx"
        ).report_action(self)

    def action_send_now(self):
        """Mail this report to the company's recipients of its kind."""
        self.ensure_one()
        recipients = self._appliance_recipients()
        if not recipients:
            raise UserError(
                self.env._(
                    "Nobody receives the %s: choose the recipients in the Sales settings.",
                    dict(self._fields["kind"]._description_selection(self.env))[
                        self.kind
                    ],
                )
            )
        self._appliance_send(recipients)
        return True

    # ------------------------------------------------------------
    # SCHEDULED SENDING
    # ------------------------------------------------------------

    def _appliance_recipients(self):
        self.ensure_one()
        company = self.company_id
        users = (
            company.appliance_monthly_report_user_ids
            if self.kind == "monthly"
            else company.appliance_daily_report_user_ids
        )
        return users.filtered(lambda u: u.active and u.partner_id.email)

    def _appliance_send(self, users):
        """Queue one mail per language with the PDF and the XLSX attached."""
        self.ensure_one()
        template = self.env.ref("appliance_reports.mail_template_sales_digest")
        by_lang = {}
        for user in users:
            by_lang.setdefault(user.lang or "en_US", self.env["res.users"])
            by_lang[user.lang or "en_US"] |= user
        for lang, lang_users in by_lang.items():
            template.with_context(lang=lang).send_mail(
                self.id,
                email_values={
                    "recipient_ids": [(4, pid) for pid in lang_users.partner_id.ids]
                },
            )
        self.write(
            {
                "sent_date": fields.Datetime.now(),
                "recipient_ids": [(4, pid) for pid in users.partner_id.ids],
            }
        )

    @api.model
    def _appliance_scheduled(self, company, today):
        """The reports due on ``today`` (local date) for ``company``."""
        due = []
        if company.appliance_daily_report_user_ids:
            due.append(("daily", today - timedelta(days=1)))
        if company.appliance_monthly_report_user_ids and today.day == 1:
            due.append(("monthly", today - relativedelta(months=1)))
        return due

    @api.model
    def _cron_send_reports(self):
        """Every morning: the reports due today, per company (committed each)."""
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._appliance_send_due_reports(company)
            self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _appliance_send_due_reports(self, company, today=None):
        """Yesterday's daily report and, on the first of the month, the previous
        month's report of ``company``; reports already mailed are not sent again.

        :param today: the local date to act for (default: today in the company's
            time zone)
        :returns: the reports mailed now
        """
        Kpi = self.env["appliance.sales.kpi"]
        tz = company.partner_id.tz or Kpi._appliance_tz()
        today = today or Kpi.with_context(tz=tz)._appliance_today()
        sent = self.browse()
        for kind, day in self._appliance_scheduled(company, today):
            if kind == "monthly":
                day = day.replace(day=1)
            digest = self.search(
                [
                    ("company_id", "=", company.id),
                    ("kind", "=", kind),
                    ("date_from", "=", day),
                ],
                limit=1,
            ) or self.create({"company_id": company.id, "kind": kind, "date_from": day})
            if digest.sent_date:
                continue
            digest.with_context(tz=tz)._appliance_send(digest._appliance_recipients())
            sent |= digest
        return sent

    # ------------------------------------------------------------
    # MAIL BODY
    # ------------------------------------------------------------

    @api.private
    def appliance_mail_summary(self):
        """Key figures for the mail body: ``[(label, value, change vs previous)]``."""
        self.ensure_one()
        if self.kind == "trend":
            return []
        data = self._appliance_report_data()
        return [
            (
                row["label"],
                self._appliance_format(row["value"], row["format"]),
                self._appliance_format(row["change_previous"], "change"),
            )
            for row in data["kpis"]
            if row["key"] in ("revenue", "profit", "margin_percent", "order_count")
        ]
