from . import test_stock_roles
from . import test_stock_monitor
from . import test_safety_stock
