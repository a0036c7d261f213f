from . import test_set_master
from . import test_roles
from . import test_order_entry
from . import test_order_import
