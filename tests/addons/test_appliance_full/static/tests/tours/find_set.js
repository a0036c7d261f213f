import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("appliance_find_set_by_model_code", {
    steps: () => [
        {
            trigger: ".o_searchview_input",
            run: "edit KYN28A",
        },
        {
            // Enter searches the default field (whatever the user's language)
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            trigger: ".o_kanban_record:contains('Tour KYN28A-12 test cabinet')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a[name='appliance_specs']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='appliance_model_code']:contains('KYN28A-12/T1250-31.5')",
        },
    ],
});
