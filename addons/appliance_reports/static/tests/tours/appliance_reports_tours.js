import { registry } from "@web/core/registry";

// Selectors use classes and data attributes only: the test database loads zh_CN.

registry.category("web_tour.tours").add("appliance_reports_dashboard", {
    steps: () => [
        {
            // the first load computes every figure: allow for a busy machine
            trigger: ".o_appliance_dashboard .o_appliance_kpi[data-kpi='revenue'] .o_appliance_kpi_value",
            timeout: 30000,
        },
        {
            trigger: ".o_appliance_dashboard button[data-period='year']",
            run: "click",
        },
        {
            trigger: ".o_appliance_dashboard button[data-period='year'].btn-primary",
        },
        {
            trigger: ".o_appliance_dashboard .o_appliance_prev",
            run: "click",
        },
        {
            // drill down from the revenue card to the statistics of that year
            trigger: ".o_appliance_dashboard .o_appliance_kpi[data-kpi='revenue']",
            run: "click",
        },
        {
            trigger: ".o_pivot_view .o_pivot",
        },
    ],
});

registry.category("web_tour.tours").add("appliance_reports_bought_together", {
    steps: () => [
        {
            trigger: ".o_form_view .o_appliance_bought_together .o_appliance_suggestion[data-product-id]",
            run: "click",
            timeout: 30000,
        },
        {
            // the suggested product is now a line and no longer suggested
            trigger: ".o_form_view .o_field_widget[name='order_line'] .o_data_row:nth-child(2)",
        },
        {
            trigger: ".o_form_view:not(:has(.o_appliance_suggestion))",
        },
    ],
});
