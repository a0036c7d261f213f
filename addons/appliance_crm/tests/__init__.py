from . import test_crm_roles
from . import test_channels
from . import test_classification
from . import test_duplicates_merge
from . import test_followups
from . import test_complaints
from . import test_portal_complaints
