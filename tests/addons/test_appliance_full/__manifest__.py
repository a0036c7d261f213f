{
    "name": "Appliance: cross-module tests",
    "summary": "Test-only addon: flows across the four appliance addons, tours, query guards",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Appliance Sales Team",
    "license": "LGPL-3",
    "depends": ["appliance_reports"],
    "assets": {
        "web.assets_tests": [
            "test_appliance_full/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
