from . import res_company
from . import res_config_settings
from . import stock_warehouse_orderpoint
from . import appliance_stock_monitor
