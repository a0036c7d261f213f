from . import appliance_order_import
from . import appliance_order_reject
from . import comment_wizard
from . import appliance_milestone_set
