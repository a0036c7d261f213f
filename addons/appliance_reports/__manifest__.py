{
    "name": "Complete-Set Appliance Reports",
    "summary": "Sales statistics, bought-together and purchase-cycle analysis, "
    "daily and monthly reports, dashboard",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "author": "Appliance Sales Team",
    "website": "https://github.com/appliance-sales/appliance-addons",
    "license": "LGPL-3",
    "depends": ["appliance_stock", "appliance_crm"],
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
}
