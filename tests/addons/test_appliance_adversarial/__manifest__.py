{
    "name": "Appliance: adversarial suites",
    "summary": "Test-only addon: access matrix, record rules, portal/RPC abuse, hostile"
    " context, injection, field groups, concurrency",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Appliance Sales Team",
    "license": "LGPL-3",
    "depends": ["appliance_reports"],
    "installable": True,
}
