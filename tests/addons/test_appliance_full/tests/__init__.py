from . import test_crm_followups
from . import test_order_to_invoice
from . import test_ui
