"""The DPG part's use cases: repositories and scans (``scans``), the DPG Standard assessment and DPG status
(``assessment``). Keyword-only, atomic, audited; they raise ``PermissionDenied`` or ``ValidationError``
and write nothing when they refuse."""

from seedbed.dpg.services.assessment import (
    Readiness,
    answer_save,
    answer_sign_off,
    assessment_from_registry,
    assessment_suggest,
    clean_links,
    dpg_status_set,
    expiring,
    readiness,
    registry_record_of,
)
from seedbed.dpg.services.scans import (
    repository_add,
    repository_remove,
    scan_execute,
    scan_request,
    scans_due,
)

__all__ = [
    "Readiness",
    "answer_save",
    "answer_sign_off",
    "assessment_from_registry",
    "assessment_suggest",
    "clean_links",
    "dpg_status_set",
    "expiring",
    "readiness",
    "registry_record_of",
    "repository_add",
    "repository_remove",
    "scan_execute",
    "scan_request",
    "scans_due",
]
