{
    "name": "Adversarial: fault injection (server-wide, tests only)",
    "summary": "Raises one real serialization failure at an armed point of a request",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Appliance Sales Team",
    "license": "LGPL-3",
    "depends": ["base"],
    # loaded with --load by tests/adversarial/retry_safety.py, never installed
    "installable": False,
    "post_load": "post_load",
}
