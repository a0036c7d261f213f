from . import test_stock_roles
