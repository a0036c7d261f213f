{
    "name": "Complete-Set Appliance Stock",
    "summary": "Stock of switchgear sets and components: warehouses, safety stock, "
    "oversell guard, stocktaking, full unit cost",
    "version": "19.0.1.1.0",
    "category": "Inventory/Inventory",
    "author": "Appliance Sales Team",
    "website": "https://github.com/appliance-sales/appliance-addons",
    "license": "LGPL-3",
    "depends": ["appliance_sales", "purchase_stock"],
    "data": [
        "security/ir.model.access.csv",
        "security/appliance_stock_security.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/appliance_stock_monitor_views.xml",
        "views/stock_warehouse_orderpoint_views.xml",
        "views/res_config_settings_views.xml",
        "views/appliance_stock_menus.xml",
    ],
    "demo": [
        "demo/stock_warehouse_demo.xml",
        "demo/stock_quant_demo.xml",
        "demo/stock_warehouse_orderpoint_demo.xml",
    ],
    "installable": True,
}
