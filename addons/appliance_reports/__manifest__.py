{
    "name": "Complete-Set Appliance Reports",
    "summary": "Sales statistics, bought-together and purchase-cycle analysis, "
    "daily and monthly reports, dashboard",
    "version": "19.0.1.1.0",
    "category": "Sales/Sales",
    "author": "Appliance Sales Team",
    "website": "https://github.com/appliance-sales/appliance-addons",
    "license": "LGPL-3",
    "depends": ["appliance_stock", "appliance_crm", "report_xlsx"],
    "data": [
        "security/ir.model.access.csv",
        "security/appliance_reports_security.xml",
        "data/ir_cron_data.xml",
        "report/appliance_sales_digest_reports.xml",
        "data/mail_template_data.xml",
        "views/appliance_sales_analysis_views.xml",
        "views/appliance_product_affinity_views.xml",
        "views/appliance_purchase_cycle_views.xml",
        "views/appliance_dashboard_views.xml",
        "views/appliance_sales_digest_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/appliance_reports_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "appliance_reports/static/src/dashboard/**/*",
            "appliance_reports/static/src/bought_together/**/*",
        ],
        "web.assets_tests": [
            "appliance_reports/static/tests/tours/*.js",
        ],
        "web.report_assets_common": [
            "appliance_reports/static/src/report/**/*",
        ],
    },
    "installable": True,
}
