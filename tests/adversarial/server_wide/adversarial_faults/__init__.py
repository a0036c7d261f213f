"""Fault injection for tests/adversarial/retry_safety.py (never installed).

Loaded as a server-wide module (``--load=base,web,adversarial_faults`` with
``tests/adversarial/server_wide`` in the addons path), it wraps the methods of
``POINTS``: after the wrapped method returned, when the file
``$ADVERSARIAL_FAULT_DIR/<point>`` exists, the first process to rename it makes
PostgreSQL raise a real serialization failure (SQLSTATE 40001) in the request's
transaction. Odoo's ``retrying`` (odoo/service/model.py) then rolls the whole
request back and runs it again, as it does after a concurrent update. Every
injection is logged to ``$ADVERSARIAL_FAULT_DIR/fired.log``; renaming the file
makes it fire once, whatever the number of workers.
"""

import functools
import importlib
import logging
import os
import time

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# point: (module under odoo.addons, class, method) - the failure comes after the
# method returned: everything it did (moves, lines, queued mails) is done.
POINTS = {
    "confirm": ("appliance_sales.models.sale_order_approval", "SaleOrder", "action_confirm"),
    "stock_rule": (
        "appliance_stock.models.sale_order_line", "SaleOrderLine", "_action_launch_stock_rule",
    ),
    "confirm_mail": (
        "appliance_sales.models.sale_order_approval", "SaleOrder",
        "_appliance_send_confirmation_mail",
    ),
    "import": (
        "appliance_sales.wizard.appliance_order_import", "ApplianceOrderImport",
        "import_orders",
    ),
    "import_create": (
        "appliance_sales.wizard.appliance_order_import", "ApplianceOrderImport", "_create_all",
    ),
    "count_apply": (
        "appliance_stock.models.appliance_count_session", "ApplianceCountSession", "_apply",
    ),
    "approval_notify": (
        "appliance_sales.models.sale_order_approval", "SaleOrder",
        "_appliance_notify_reviewers",
    ),
    "milestone_notify": (
        "appliance_sales.models.appliance_order_milestone", "ApplianceOrderMilestone",
        "_appliance_notify_customer",
    ),
    "digest": (
        "appliance_stock.models.appliance_stock_digest", "ApplianceStockMonitor",
        "_send_safety_digest",
    ),
}  # fmt: skip


def _fault_dir():
    return os.environ.get("ADVERSARIAL_FAULT_DIR")


def _maybe_fail(point, cr):
    directory = _fault_dir()
    if not directory:
        return
    armed = os.path.join(directory, point)
    try:
        # atomic: one process of the pool wins the file
        os.rename(armed, f"{armed}.fired-{os.getpid()}-{time.time_ns()}")
    except FileNotFoundError:
        return
    with open(os.path.join(directory, "fired.log"), "a") as log:
        log.write(f"{point} {os.getpid()} {time.time():.3f}\n")
    _logger.warning("adversarial_faults: serialization failure injected at %s", point)
    cr.execute(
        SQL(
            "DO $$BEGIN RAISE EXCEPTION 'adversarial_faults: injected' "
            "USING ERRCODE = 'serialization_failure'; END$$"
        ),
        log_exceptions=False,
    )


def _wrap(point, module, class_name, method_name):
    cls = getattr(importlib.import_module(f"odoo.addons.{module}"), class_name)
    original = cls.__dict__[method_name]

    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        _maybe_fail(point, self.env.cr)
        return result

    setattr(cls, method_name, wrapper)


def post_load():
    if not _fault_dir():
        _logger.warning("adversarial_faults loaded without ADVERSARIAL_FAULT_DIR")
        return
    for point, (module, class_name, method_name) in POINTS.items():
        _wrap(point, module, class_name, method_name)
    _logger.warning("adversarial_faults: points %s armed by files", ", ".join(POINTS))
