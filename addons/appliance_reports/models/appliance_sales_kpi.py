from datetime import date, datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

PERIODS = ("day", "week", "month", "quarter", "year")


def _step(period, n):
    """A relativedelta of ``n`` periods."""
    return {
        "day": relativedelta(days=n),
        "week": relativedelta(weeks=n),
        "month": relativedelta(months=n),
        "quarter": relativedelta(months=3 * n),
        "year": relativedelta(years=n),
    }[period]


def period_start(period, day):
    """First day of the ``period`` holding ``day``."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def change(current, previous):
    """Relative change in percent, None when there is no base to compare with."""
    if not previous:
        return None
    return 100.0 * (current - previous) / abs(previous)


class ApplianceSalesKpi(models.AbstractModel):
    """Figures of a period for the dashboard and the daily/monthly reports:
    sales (``appliance.sales.analysis``) and conversion
    (``appliance.conversion.analysis``), compared with the previous period and
    the same period a year earlier. Everything is read with ``_read_group`` as
    the current user, so that the access rules of the report models apply."""

    _name = "appliance.sales.kpi"
    _description = "Sales Key Figures"

    # ------------------------------------------------------------
    # PERIODS
    # ------------------------------------------------------------

    @api.model
    def _appliance_tz(self):
        # the context comes from the client: an unknown zone falls back
        tz = self.env.context.get("tz")
        if not isinstance(tz, str) or tz not in pytz.all_timezones_set:
            tz = None
        return tz or self.env.user.tz or self.env.company.partner_id.tz or "UTC"

    @api.model
    def _appliance_today(self):
        return datetime.now(pytz.timezone(self._appliance_tz())).date()

    @api.model
    def _appliance_period(self, period="month", offset=0, reference=None):
        """Bounds of a period as local dates ``[date_from, date_to)`` and those it
        is compared with.

        When the period is still running (holds today), every comparison is cut at
        the same elapsed length: month-to-date against the same days of the
        previous month and of the same month last year.
        """
        if period not in PERIODS:
            raise ValueError(f"Unknown period {period!r}")
        today = self._appliance_today()
        reference = reference or today
        date_from = period_start(period, reference) + _step(period, offset)
        date_to = date_from + _step(period, 1)
        running = date_from <= today < date_to
        length = (today + timedelta(days=1) - date_from) if running else None

        def bounds(start, full_end):
            end = min(start + length, full_end) if length else full_end
            return start, end

        prev_from = date_from - _step(period, 1)
        yoy_from = date_from - relativedelta(years=1)
        current = (date_from, today + timedelta(days=1) if running else date_to)
        return {
            "period": period,
            "date_from": current[0],
            "date_to": current[1],
            "full_date_to": date_to,
            "running": running,
            "previous": bounds(prev_from, date_from),
            "last_year": bounds(yoy_from, yoy_from + _step(period, 1)),
        }

    @api.model
    def _appliance_utc_bounds(self, date_from, date_to):
        """Local dates ``[date_from, date_to)`` as naive UTC datetimes."""
        tz = pytz.timezone(self._appliance_tz())

        def to_utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return to_utc(date_from), to_utc(date_to)

    @api.model
    def _appliance_date_domain(self, date_from, date_to, field="date"):
        start, end = self._appliance_utc_bounds(date_from, date_to)
        return [
            (field, ">=", fields.Datetime.to_string(start)),
            (field, "<", fields.Datetime.to_string(end)),
        ]

    # ------------------------------------------------------------
    # FIGURES
    # ------------------------------------------------------------

    @api.model
    def _appliance_base_domain(self):
        return [("company_id", "in", self.env.companies.ids)]

    @api.model
    def _appliance_period_filters(self, model, query, periods):
        """``{name: SQL condition}`` selecting each period's rows of ``query``."""
        date_sql = model._field_to_sql(model._table, "date", query)
        filters = {}
        for name, (date_from, date_to) in periods.items():
            start, end = self._appliance_utc_bounds(date_from, date_to)
            filters[name] = SQL("%s >= %s AND %s < %s", date_sql, start, date_sql, end)
        return filters

    @api.model
    def _appliance_periods_domain(self, periods):
        return Domain.OR(
            Domain(self._appliance_date_domain(date_from, date_to))
            for date_from, date_to in periods.values()
        )

    @api.model
    def _appliance_sales_periods(self, periods, domain=()):
        """Sales figures of several periods in one scan of the statistics.

        :param periods: ``{name: (date_from, date_to)}``, local dates, end excluded
        :returns: ``{name: {"revenue", "cost", "profit", "margin_percent", "qty",
            "order_count", "average_order_value"}}``
        """
        Analysis = self.env["appliance.sales.analysis"]
        Analysis.check_access("read")
        query = Analysis._search(
            Domain(self._appliance_base_domain())
            & self._appliance_periods_domain(periods)
            & Domain(list(domain))
        )
        filters = self._appliance_period_filters(Analysis, query, periods)

        def field(name):
            return Analysis._field_to_sql(Analysis._table, name, query)

        columns = []
        for condition in filters.values():
            columns += [
                SQL("SUM(%s) FILTER (WHERE %s)", field(fname), condition)
                for fname in ("revenue", "cost", "profit", "product_uom_qty")
            ]
            columns.append(
                SQL(
                    "COUNT(DISTINCT %s) FILTER (WHERE %s)", field("order_id"), condition
                )
            )
        row = self.env.execute_query(query.select(*columns))[0]
        result = {}
        for index, name in enumerate(filters):
            revenue, cost, profit, qty, orders = (
                value or 0 for value in row[5 * index : 5 * index + 5]
            )
            result[name] = {
                "revenue": float(revenue),
                "cost": float(cost),
                "profit": float(profit),
                "margin_percent": 100.0 * profit / revenue if revenue else 0.0,
                "qty": float(qty),
                "order_count": orders,
                "average_order_value": revenue / orders if orders else 0.0,
            }
        return result

    @api.model
    def _appliance_conversion_periods(self, periods, domain=()):
        """Conversion figures of several periods in one scan:
        ``{name: {"quotation_count", "won_count", "conversion_rate",
        "value_conversion_rate", "opportunity_count",
        "opportunity_conversion_rate"}}``."""
        Conversion = self.env["appliance.conversion.analysis"]
        Conversion.check_access("read")
        query = Conversion._search(
            Domain("company_id", "in", [*self.env.companies.ids, False])
            & self._appliance_periods_domain(periods)
            & Domain(list(domain))
        )
        filters = self._appliance_period_filters(Conversion, query, periods)
        fnames = (
            "quotation_count",
            "won_count",
            "quoted_amount",
            "won_amount",
            "opportunity_count",
            "opportunity_won_count",
        )
        columns = [
            SQL(
                "SUM(%s) FILTER (WHERE %s)",
                Conversion._field_to_sql(Conversion._table, fname, query),
                condition,
            )
            for condition in filters.values()
            for fname in fnames
        ]
        row = self.env.execute_query(query.select(*columns))[0]
        result = {}
        for index, name in enumerate(filters):
            quotes, won, quoted, won_amount, opps, opps_won = (
                float(value or 0) for value in row[6 * index : 6 * index + 6]
            )
            result[name] = {
                "quotation_count": quotes,
                "won_count": won,
                "conversion_rate": 100.0 * won / quotes if quotes else 0.0,
                "value_conversion_rate": 100.0 * won_amount / quoted if quoted else 0.0,
                "opportunity_count": opps,
                "opportunity_conversion_rate": 100.0 * opps_won / opps if opps else 0.0,
            }
        return result

    @api.model
    def _appliance_sales(self, date_from, date_to, domain=()):
        """Sales figures of ``[date_from, date_to)``: ``{key: value}``."""
        return self._appliance_sales_periods({"p": (date_from, date_to)}, domain)["p"]

    @api.model
    def _appliance_conversion(self, date_from, date_to, domain=()):
        """Conversion figures of ``[date_from, date_to)``: ``{key: value}``."""
        periods = {"p": (date_from, date_to)}
        return self._appliance_conversion_periods(periods, domain)["p"]

    @api.model
    def _appliance_kpis(self, period_info):
        """Current, previous and last-year figures plus their changes (%):
        two queries (sales, conversion) for the three periods."""
        periods = {
            "value": (period_info["date_from"], period_info["date_to"]),
            "previous": period_info["previous"],
            "last_year": period_info["last_year"],
        }
        sales = self._appliance_sales_periods(periods)
        conversion = self._appliance_conversion_periods(periods)
        figures = {name: sales[name] | conversion[name] for name in periods}
        return {
            key: {
                "value": value,
                "previous": figures["previous"][key],
                "last_year": figures["last_year"][key],
                "change_previous": change(value, figures["previous"][key]),
                "change_last_year": change(value, figures["last_year"][key]),
            }
            for key, value in figures["value"].items()
        }

    @api.model
    def _appliance_breakdowns(self, date_from, date_to, specs, with_orders=True):
        """Sales of ``[date_from, date_to)`` by several dimensions in one scan
        (``GROUPING SETS``).

        :param specs: ``[(key, field name, top N or None)]``
        :param with_orders: count distinct orders too (it costs a sort per
            dimension; without it every dimension is hashed in one pass)
        :returns: ``{key: [{"key", "label", "revenue", "profit",
            "margin_percent", "qty", "order_count"}]}``, by revenue
        """
        Analysis = self.env["appliance.sales.analysis"]
        Analysis.check_access("read")
        query = Analysis._search(
            self._appliance_base_domain()
            + self._appliance_date_domain(date_from, date_to)
        )
        table = Analysis._table

        def field(name):
            return Analysis._field_to_sql(table, name, query)

        dims = [field(fname) for _key, fname, _limit in specs]
        orders = (
            SQL("COUNT(DISTINCT %s)", field("order_id")) if with_orders else SQL("0")
        )
        sql = SQL(
            "%s GROUP BY GROUPING SETS (%s)",
            query.select(
                SQL("GROUPING(%s)", SQL(", ").join(dims)),
                *dims,
                SQL("SUM(%s)", field("revenue")),
                SQL("SUM(%s)", field("profit")),
                SQL("SUM(%s)", field("product_uom_qty")),
                orders,
            ),
            SQL(", ").join(SQL("(%s)", dim) for dim in dims),
        )
        rows = self.env.execute_query(sql)
        width = len(specs)
        grouped = {key: [] for key, _fname, _limit in specs}
        for row in rows:
            # GROUPING() has a 0 bit for the one dimension of the row's set
            index = next(i for i in range(width) if not row[0] & (1 << (width - 1 - i)))
            revenue, profit, qty, count = row[1 + width :]
            grouped[specs[index][0]].append(
                {
                    "key": row[1 + index],
                    "revenue": float(revenue or 0),
                    "profit": float(profit or 0),
                    "margin_percent": 100.0 * profit / revenue if revenue else 0.0,
                    "qty": float(qty or 0),
                    "order_count": count or 0,
                }
            )
        result = {}
        for key, fname, limit in specs:
            rows = sorted(grouped[key], key=lambda r: -r["revenue"])[:limit]
            labels = self._appliance_labels(
                Analysis._fields[fname], [r["key"] for r in rows]
            )
            for row in rows:
                row["label"] = labels.get(row["key"]) or self.env._("Undefined")
                row["key"] = row["key"] or False
            result[key] = rows
        return result

    @api.model
    def _appliance_labels(self, field, keys):
        """Display labels of the values ``keys`` of the statistics ``field``."""
        if field.type == "many2one":
            records = self.env[field.comodel_name].browse(k for k in keys if k)
            return {record.id: record.display_name for record in records}
        if field.type == "selection":
            return dict(field._description_selection(self.env))
        return {key: key for key in keys}

    @api.model
    def _appliance_breakdown(
        self, date_from, date_to, groupby, limit=None, with_orders=True
    ):
        """Sales of ``[date_from, date_to)`` per value of ``groupby`` (see
        :meth:`_appliance_breakdowns`)."""
        specs = [(groupby, groupby, limit)]
        return self._appliance_breakdowns(date_from, date_to, specs, with_orders)[
            groupby
        ]

    @api.model
    def _appliance_series(
        self, date_from, date_to, granularity="month", with_orders=True
    ):
        """Revenue, profit and orders per ``granularity`` over ``[date_from, date_to)``,
        every step present (zeros where nothing was sold):
        ``[{"start": date, "revenue", "profit", "margin_percent", "order_count",
        "average_order_value"}]`` (orders and AOV 0 unless ``with_orders``)."""
        Analysis = self.env["appliance.sales.analysis"].with_context(
            tz=self._appliance_tz()
        )
        rows = Analysis._read_group(
            self._appliance_base_domain()
            + self._appliance_date_domain(date_from, date_to),
            [f"date:{granularity}"],
            [
                "revenue:sum",
                "profit:sum",
                "margin_percent:avg",
                "order_count:sum" if with_orders else "__count",
                "average_order_value:avg" if with_orders else "__count",
            ],
        )
        found = {
            (start.date() if isinstance(start, datetime) else start): values
            for start, *values in rows
        }
        series = []
        step = period_start(granularity, date_from)
        while step < date_to:
            revenue, profit, margin, orders, aov = found.get(step, (0.0, 0.0, 0, 0, 0))
            if not with_orders:
                orders = aov = 0
            series.append(
                {
                    "start": step,
                    "revenue": revenue or 0.0,
                    "profit": profit or 0.0,
                    "margin_percent": margin or 0.0,
                    "order_count": orders or 0,
                    "average_order_value": aov or 0.0,
                }
            )
            step += _step(granularity, 1)
        return series

    @api.model
    def _appliance_trend(self, months=12, reference=None, with_orders=True):
        """The last ``months`` calendar months up to the one of ``reference``
        (default: today), each with the same month a year earlier:
        revenue, profit, margin, orders, AOV, MoM and YoY changes (%)."""
        reference = reference or self._appliance_today()
        end = period_start("month", reference) + relativedelta(months=1)
        start = end - relativedelta(months=months)
        series = self._appliance_series(
            start - relativedelta(years=1), end, with_orders=with_orders
        )
        by_month = {row["start"]: row for row in series}
        result = []
        for row in series[-months:]:
            previous = by_month.get(row["start"] - relativedelta(months=1))
            last_year = by_month.get(row["start"] - relativedelta(years=1))
            result.append(
                row
                | {
                    "revenue_previous": previous["revenue"] if previous else 0.0,
                    "revenue_last_year": last_year["revenue"] if last_year else 0.0,
                    "change_previous": change(
                        row["revenue"], previous["revenue"] if previous else 0.0
                    ),
                    "change_last_year": change(
                        row["revenue"], last_year["revenue"] if last_year else 0.0
                    ),
                }
            )
        return result

    # ------------------------------------------------------------
    # DASHBOARD
    # ------------------------------------------------------------

    @api.model
    def _appliance_period_label(self, info):
        start, period = info["date_from"], info["period"]
        if period == "day":
            label = fields.Date.to_string(start)
        elif period == "week":
            year, week, _day = start.isocalendar()
            label = self.env._("%(year)s week %(week)s", year=year, week=week)
        elif period == "month":
            label = start.strftime("%Y-%m")
        elif period == "quarter":
            label = f"{start.year} Q{(start.month - 1) // 3 + 1}"
        else:
            label = str(start.year)
        if info["running"] and period != "day":
            label = self.env._("%s (to date)", label)
        return label

    @api.model
    def get_dashboard_data(self, period="month", offset=0):
        """Everything the manager dashboard shows for one period (JSON-ready).

        Read as the current user: a salesperson gets the figures of their own
        orders, managers and finance those of the company.
        """
        offset = int(offset)
        info = self._appliance_period(period, offset)
        date_from, date_to = info["date_from"], info["date_to"]
        kpis = self._appliance_kpis(info)
        sales_domain = self._appliance_base_domain() + self._appliance_date_domain(
            date_from, date_to
        )
        conversion_domain = self._appliance_date_domain(date_from, date_to)
        # charts show revenue: no distinct-order counts (they cost a sort)
        trend = self._appliance_trend(
            12, info["full_date_to"] - timedelta(days=1), with_orders=False
        )
        breakdowns = self._appliance_breakdowns(
            date_from,
            date_to,
            [
                ("category", "categ_id", 10),
                ("customer_type", "customer_type", None),
                ("province", "state_id", 10),
                ("salesperson", "user_id", 10),
                ("channel", "channel_id", None),
                ("region", "region_band", None),
            ],
            with_orders=False,
        )
        Cycle = self.env["appliance.purchase.cycle"]
        due_soon = (
            Cycle.search_count(Cycle._appliance_due_domain())
            if Cycle.has_access("read")
            else None
        )
        return {
            "period": period,
            "offset": offset,
            "label": self._appliance_period_label(info),
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to - timedelta(days=1)),
            "currency_id": self.env.company.currency_id.id,
            "kpis": kpis,
            "sales_domain": sales_domain,
            "conversion_domain": conversion_domain,
            "orders_domain": [
                ("state", "=", "sale"),
                ("company_id", "in", self.env.companies.ids),
                *self._appliance_date_domain(date_from, date_to, "date_order"),
            ],
            "trend": [
                row
                | {
                    "start": fields.Date.to_string(row["start"]),
                    "domain": self._appliance_base_domain()
                    + self._appliance_date_domain(
                        row["start"], row["start"] + relativedelta(months=1)
                    ),
                }
                for row in trend
            ],
            "breakdowns": breakdowns,
            "due_soon": due_soon,
        }
