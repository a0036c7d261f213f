from . import appliance_partner_duplicate
from . import appliance_installed_set
