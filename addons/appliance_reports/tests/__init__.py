from . import test_report_roles
