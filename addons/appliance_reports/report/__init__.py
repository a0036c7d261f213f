from . import appliance_sales_digest_xlsx
