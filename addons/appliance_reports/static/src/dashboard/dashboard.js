import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatMonetary } from "@web/views/fields/formatters";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";

const COLORS = [
    "#1f5e8c", "#f0a202", "#3a9d5d", "#d1495b", "#7a5195",
    "#00a6a6", "#ef7b45", "#5c6b73", "#a3b18a", "#bc4749",
];

/** One Chart.js chart; clicking an element calls props.onClick(index). */
export class ApplianceChart extends Component {
    static template = "appliance_reports.DashboardChart";
    static props = {
        type: String,
        labels: Array,
        datasets: Array,
        onClick: { type: Function, optional: true },
        horizontal: { type: Boolean, optional: true },
    };

    setup() {
        this.canvas = useRef("canvas");
        this.chart = null;
        useEffect(
            () => {
                this.render_chart();
                return () => this.chart && this.chart.destroy();
            },
            () => [this.props.labels, this.props.datasets, this.props.type]
        );
    }

    render_chart() {
        if (this.chart) {
            this.chart.destroy();
        }
        const pie = this.props.type === "pie" || this.props.type === "doughnut";
        const datasets = this.props.datasets.map((dataset, index) => {
            const color = COLORS[index % COLORS.length];
            return {
                borderWidth: pie ? 1 : 2,
                backgroundColor: pie ? this.props.labels.map((_l, i) => COLORS[i % COLORS.length]) : color,
                borderColor: pie ? "#fff" : color,
                fill: false,
                tension: 0.25,
                ...dataset,
            };
        });
        this.chart = new window.Chart(this.canvas.el, {
            type: this.props.type,
            data: { labels: this.props.labels, datasets },
            options: {
                maintainAspectRatio: false,
                responsive: true,
                indexAxis: this.props.horizontal ? "y" : "x",
                plugins: { legend: { display: pie || datasets.length > 1, position: "bottom" } },
                onClick: (_event, elements) => {
                    if (elements.length && this.props.onClick) {
                        this.props.onClick(elements[0].index, elements[0].datasetIndex);
                    }
                },
            },
        });
    }
}

/** The manager dashboard: KPI cards and charts of one period, with drill-down. */
export class ApplianceSalesDashboard extends Component {
    static template = "appliance_reports.Dashboard";
    static components = { ApplianceChart };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.periods = [
            ["day", _t("Day")],
            ["week", _t("Week")],
            ["month", _t("Month")],
            ["quarter", _t("Quarter")],
            ["year", _t("Year")],
        ];
        this.state = useState({ period: "month", offset: 0, data: null, loading: true });
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("appliance.sales.kpi", "get_dashboard_data", [], {
            period: this.state.period,
            offset: this.state.offset,
        });
        this.state.loading = false;
    }

    async setPeriod(period) {
        this.state.period = period;
        this.state.offset = 0;
        await this.load();
    }

    async shift(step) {
        this.state.offset += step;
        await this.load();
    }

    money(value) {
        return formatMonetary(value, { currencyId: this.state.data.currency_id, digits: [16, 0] });
    }

    number(value) {
        return Math.round(value).toLocaleString();
    }

    percent(value) {
        return `${(value || 0).toFixed(1)}%`;
    }

    change(value) {
        if (value === null || value === undefined) {
            return "–";
        }
        return `${value > 0 ? "+" : ""}${value.toFixed(1)}%`;
    }

    changeClass(value) {
        if (value === null || value === undefined) {
            return "text-muted";
        }
        return value >= 0 ? "text-success" : "text-danger";
    }

    get cards() {
        const k = this.state.data.kpis;
        return [
            { key: "revenue", label: _t("Revenue"), value: this.money(k.revenue.value), kpi: k.revenue, target: "sales" },
            { key: "profit", label: _t("Profit"), value: this.money(k.profit.value), kpi: k.profit, target: "sales" },
            { key: "margin_percent", label: _t("Margin"), value: this.percent(k.margin_percent.value), kpi: k.margin_percent, target: "sales" },
            { key: "order_count", label: _t("Orders"), value: this.number(k.order_count.value), kpi: k.order_count, target: "orders" },
            { key: "average_order_value", label: _t("Average Order Value"), value: this.money(k.average_order_value.value), kpi: k.average_order_value, target: "orders" },
            { key: "qty", label: _t("Quantity"), value: this.number(k.qty.value), kpi: k.qty, target: "sales" },
            { key: "conversion_rate", label: _t("Quotation Conversion"), value: this.percent(k.conversion_rate.value), kpi: k.conversion_rate, target: "conversion" },
            { key: "value_conversion_rate", label: _t("Conversion by Value"), value: this.percent(k.value_conversion_rate.value), kpi: k.value_conversion_rate, target: "conversion" },
            { key: "opportunity_conversion_rate", label: _t("Opportunity Conversion"), value: this.percent(k.opportunity_conversion_rate.value), kpi: k.opportunity_conversion_rate, target: "conversion" },
        ];
    }

    get trendChart() {
        const trend = this.state.data.trend;
        return {
            labels: trend.map((row) => row.start.slice(0, 7)),
            datasets: [
                { label: _t("Revenue"), data: trend.map((row) => row.revenue) },
                { label: _t("Same month last year"), data: trend.map((row) => row.revenue_last_year), borderDash: [6, 4] },
                { label: _t("Profit"), data: trend.map((row) => row.profit) },
            ],
        };
    }

    breakdownChart(key) {
        const rows = this.state.data.breakdowns[key];
        return {
            labels: rows.map((row) => row.label),
            datasets: [{ label: _t("Revenue"), data: rows.map((row) => row.revenue) }],
        };
    }

    openAnalysis(domain, name, views = [[false, "pivot"], [false, "list"], [false, "graph"]]) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: "appliance.sales.analysis",
            views,
            domain,
            context: { search_default_groupby_month: 0 },
        });
    }

    openCard(card) {
        const data = this.state.data;
        const name = `${card.label} · ${data.label}`;
        if (card.target === "conversion") {
            this.action.doAction({
                type: "ir.actions.act_window",
                name,
                res_model: "appliance.conversion.analysis",
                views: [[false, "pivot"], [false, "list"]],
                domain: data.conversion_domain,
            });
        } else if (card.target === "orders") {
            this.action.doAction({
                type: "ir.actions.act_window",
                name,
                res_model: "sale.order",
                views: [[false, "list"], [false, "form"]],
                domain: data.orders_domain,
            });
        } else {
            this.openAnalysis(data.sales_domain, name);
        }
    }

    openTrend(index) {
        const row = this.state.data.trend[index];
        this.openAnalysis(row.domain, row.start.slice(0, 7), [[false, "list"], [false, "pivot"]]);
    }

    openBreakdown(key, field, index) {
        const row = this.state.data.breakdowns[key][index];
        this.openAnalysis(
            [...this.state.data.sales_domain, [field, "=", row.key]],
            `${row.label} · ${this.state.data.label}`,
            [[false, "list"], [false, "pivot"]]
        );
    }

    openDueSoon() {
        this.action.doAction("appliance_reports.appliance_purchase_cycle_action_due_soon");
    }
}

registry.category("actions").add("appliance_reports.dashboard", ApplianceSalesDashboard);
