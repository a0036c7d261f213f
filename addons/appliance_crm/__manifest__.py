{
    "name": "Complete-Set Appliance CRM",
    "summary": "Customer 360, classification and tags, follow-ups and complaints "
    "for sellers of switchgear sets",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "Appliance Sales Team",
    "website": "https://github.com/appliance-sales/appliance-addons",
    "license": "LGPL-3",
    "depends": ["appliance_sales", "sale_crm"],
    "data": [
        "security/ir.model.access.csv",
    ],
    "demo": [
        "demo/crm_lead_demo.xml",
    ],
    "installable": True,
}
