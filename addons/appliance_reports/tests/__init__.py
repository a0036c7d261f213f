from . import test_report_roles
from . import test_sales_statistics
from . import test_conversion_and_kpis
from . import test_bought_together
from . import test_purchase_cycle
from . import test_reports
from . import test_ui
