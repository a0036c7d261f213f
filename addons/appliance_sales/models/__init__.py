from . import appliance_brand
from . import appliance_set_component
from . import product_template
from . import res_partner
from . import sale_order
from . import appliance_model_alias
from . import product_product
from . import sale_order_line
