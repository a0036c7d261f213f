from . import test_crm_roles
