{
    "name": "Complete-Set Appliance Stock",
    "summary": "Stock of switchgear sets and components: warehouses, safety stock, "
    "oversell guard, stocktaking, full unit cost",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "Appliance Sales Team",
    "website": "https://github.com/appliance-sales/appliance-addons",
    "license": "LGPL-3",
    "depends": ["appliance_sales", "purchase_stock"],
    "data": [
        "security/ir.model.access.csv",
    ],
    "demo": [
        "demo/stock_warehouse_demo.xml",
        "demo/stock_quant_demo.xml",
        "demo/stock_warehouse_orderpoint_demo.xml",
    ],
    "installable": True,
}
