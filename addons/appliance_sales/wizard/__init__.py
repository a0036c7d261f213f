from . import appliance_order_import
