from . import (
    test_access_matrix,
    test_concurrency,
    test_field_groups,
    test_hostile_context,
    test_injection,
    test_portal_abuse,
    test_record_rules,
    test_rpc_surface,
)
