# Report helpers are imported by the models that use them.
from . import appliance_cost_structure
