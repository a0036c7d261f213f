from . import appliance_count_entry
from . import appliance_count_import
from . import appliance_count_adjustment
