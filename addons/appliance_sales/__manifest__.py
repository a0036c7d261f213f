{
    "name": "Complete-Set Appliance Sales",
    "summary": "Switchgear and distribution-cabinet sales: set master with model codes "
    "and specs, components, customer types, sales roles",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "author": "Appliance Sales Team",
    "website": "https://github.com/appliance-sales/appliance-addons",
    "license": "LGPL-3",
    "depends": ["sale_management", "sale_stock", "sale_margin", "purchase"],
    "data": [
        "security/appliance_sales_groups.xml",
        "security/ir.model.access.csv",
        "security/appliance_sales_security.xml",
        "views/appliance_brand_views.xml",
        "views/product_template_views.xml",
        "views/res_partner_views.xml",
        "views/appliance_sales_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/appliance_brand_demo.xml",
        "demo/product_demo.xml",
        "demo/res_partner_demo.xml",
    ],
    "installable": True,
    "application": True,
}
