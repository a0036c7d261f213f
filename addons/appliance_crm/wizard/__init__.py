from . import appliance_partner_merge
from . import appliance_customer_import
from . import appliance_order_import
