import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useRecordObserver } from "@web/model/relational_model/utils";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, useState } from "@odoo/owl";

/**
 * "Often bought together" on the quotation form: products frequently found in
 * the same orders as the products already on the quotation, added in one click.
 */
export class BoughtTogether extends Component {
    static template = "appliance_reports.BoughtTogether";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ suggestions: [], busy: false });
        this.lastKey = null;
        useRecordObserver((record) => this.load(record));
    }

    productIds(record) {
        const lines = record.data.order_line ? record.data.order_line.records : [];
        return lines.map((line) => line.data.product_id && line.data.product_id.id).filter(Boolean);
    }

    async load(record) {
        const ids = this.productIds(record);
        const key = [...new Set(ids)].sort((a, b) => a - b).join(",");
        if (key === this.lastKey) {
            return;
        }
        this.lastKey = key;
        if (!ids.length) {
            this.state.suggestions = [];
            return;
        }
        this.state.suggestions = await this.orm.call(
            "sale.order",
            "appliance_bought_together",
            [record.resId ? [record.resId] : []],
            { product_ids: ids }
        );
    }

    percent(value) {
        return `${Math.round(value * 100)}%`;
    }

    async add(suggestion) {
        const record = this.props.record;
        if (this.state.busy || this.props.readonly) {
            return;
        }
        this.state.busy = true;
        try {
            if (!(await record.save())) {
                return;
            }
            await this.orm.call("sale.order", "action_appliance_add_product", [
                [record.resId],
                suggestion.product_id,
            ]);
            await record.load();
        } finally {
            this.state.busy = false;
        }
    }
}

export const boughtTogether = {
    component: BoughtTogether,
    fieldDependencies: [
        { name: "order_line", type: "one2many" },
        { name: "state", type: "selection" },
    ],
};

registry.category("view_widgets").add("appliance_bought_together", boughtTogether);
