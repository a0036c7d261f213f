import { registry } from "@web/core/registry";

// The approval flow in the web client, one tour per role (see
// tests/test_tour_approval.py, which prepares the data and checks the results).
// Selectors use field names, button names and classes only, and the texts the
// test itself created (customer, model code, reason): the test database loads
// zh_CN.

const CUSTOMER = "Tour Approval Customer";
const MODEL_CODE = "TOURKYN-12";
const REASON = "Tour reason: 5 % discount at most for this customer";
// page loads and server round trips on a busy machine (2 cores shared)
const SLOW = 30000;

const statusbarAt = (state) => ({
    timeout: SLOW,
    trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='${state}']`,
});

// Salesperson: a new quotation over the "Large order" threshold, Confirm.
registry.category("web_tour.tours").add("appliance_approval_submit", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            timeout: SLOW,
            run: `edit ${CUSTOMER}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-menu a:contains('${CUSTOMER}')`,
            timeout: SLOW,
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='order_line'] .o_field_x2many_list_row_add a:first-child",
            run: "click",
        },
        {
            // the product is found by its model code (appliance_model_input)
            trigger: ".o_field_widget[name='order_line'] .o_selected_row .o_field_widget[name='appliance_model_input'] input",
            run: `edit ${MODEL_CODE} && press Tab`,
        },
        {
            trigger: ".o_field_widget[name='order_line'] .o_selected_row .o_field_widget[name='product_template_id'] input:value('Tour KYN28 cabinet')",
            timeout: SLOW,
        },
        {
            trigger: ".o_field_widget[name='order_line'] .o_selected_row .o_field_widget[name='product_uom_qty'] input",
            run: "edit 20",
        },
        {
            // leave the line
            trigger: ".o_form_view .o_notebook a[name='order_lines']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='order_line']:not(:has(.o_selected_row))",
        },
        {
            // 20 × 26,000 = 520,000: over the 500,000 of "Large order"
            trigger: ".o_form_view .o_field_widget[name='tax_totals']:contains('520,000')",
            timeout: SLOW,
        },
        {
            // Confirm saves the quotation and routes it to approval
            trigger: ".o_form_view .o_form_statusbar button[name='action_confirm']:enabled",
            run: "click",
        },
        {
            trigger: ".o_notification:has(.o_notification_bar.bg-warning)",
            timeout: SLOW,
        },
        {
            // the order waits for approval: banner, still a quotation, no Confirm
            trigger: ".o_form_view .alert-warning:has(.fa-hourglass-half) .o_field_widget[name='reviewer_ids'] .o_tag",
            timeout: SLOW,
        },
        statusbarAt("draft"),
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_confirm'])):not(:has(button[name='validate_tier']))",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});

// Approver: "Orders to Approve", the cockpit, Approve.
registry.category("web_tour.tours").add("appliance_approval_approve", {
    steps: () => [
        {
            trigger: `.o_kanban_view .o_kanban_record:contains('${CUSTOMER}')`,
            timeout: SLOW,
            run: "click",
        },
        // the cockpit: credit, the rule met and waiting, stock per line
        {
            trigger: ".o_form_view .o_appliance_cockpit .o_field_widget[name='appliance_credit_exposure']:contains('520,000')",
            timeout: SLOW,
        },
        {
            trigger: ".o_form_view .o_appliance_cockpit .o_field_widget[name='appliance_rules_html'] tr:has(.badge.text-bg-warning)",
        },
        {
            // 25 on hand, 25 available for the 20 ordered
            trigger: `.o_form_view .o_appliance_cockpit .o_field_widget[name='appliance_lines_html'] tbody tr:contains('${MODEL_CODE}'):not(.table-danger) td:nth-child(3):contains('25')`,
        },
        {
            trigger: ".o_form_view .o_appliance_cockpit .o_field_widget[name='review_ids'] .o_data_row",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name='validate_tier']",
            run: "click",
        },
        // approved and confirmed at once
        {
            trigger: ".o_notification:has(.o_notification_bar.bg-success)",
            timeout: SLOW,
        },
        statusbarAt("sale"),
        {
            trigger: ".o_form_view .o_field_widget[name='appliance_milestone'] .badge",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='validate_tier']))",
        },
    ],
});

// Warehouse: the delivery gets a carrier and a waybill number, Validate.
registry.category("web_tour.tours").add("appliance_approval_ship", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name='extra']",
            timeout: SLOW,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='carrier_id'] input",
            run: "edit Tour Freight",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu a:contains('Tour Freight')",
            timeout: SLOW,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='carrier_tracking_ref'] input",
            timeout: SLOW,
            run: "edit TF20261127001",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name='button_validate']",
            run: "click",
        },
        statusbarAt("done"),
        {
            trigger: ".o_form_view .o_field_widget[name='appliance_milestone'] .badge",
        },
        {
            // the warehouse can go on with the shipment's next milestone
            trigger: ".o_form_view .o_form_statusbar button[name='action_appliance_milestone_in_transit']",
        },
    ],
});

// Approver: Reject needs a reason.
registry.category("web_tour.tours").add("appliance_approval_reject", {
    steps: () => [
        {
            trigger: ".o_form_view .o_form_statusbar button[name='reject_tier']",
            timeout: SLOW,
            run: "click",
        },
        {
            trigger: ".modal .o_form_view .o_field_widget[name='reason'] textarea",
            timeout: SLOW,
        },
        {
            // without a reason the dialog stays open
            trigger: ".modal .modal-footer button[name='action_reject']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'].o_field_invalid",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: `edit ${REASON}`,
        },
        {
            trigger: ".modal .modal-footer button[name='action_reject']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            timeout: SLOW,
        },
        // back to a quotation to rework; no approval pending any more
        statusbarAt("draft"),
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='validate_tier']))",
        },
        {
            trigger: ".o_form_view:not(:has(.alert-warning .fa-hourglass-half))",
        },
    ],
});

// Salesperson: reads the reason in the chatter, can submit again.
registry.category("web_tour.tours").add("appliance_approval_rejected_seen", {
    steps: () => [
        {
            trigger: `.o-mail-Chatter .o-mail-Message-body:contains('${REASON}')`,
            timeout: SLOW,
        },
        statusbarAt("draft"),
        {
            trigger: ".o_form_view .o_form_statusbar button[name='action_appliance_submit']",
        },
    ],
});
