"""The DPG part's use cases: repositories and scans (``scans``). Keyword-only, atomic, audited; they raise
``PermissionDenied`` or ``ValidationError`` and write nothing when they refuse."""

from seedbed.dpg.services.scans import (
    repository_add,
    repository_remove,
    scan_execute,
    scan_request,
    scans_due,
)

__all__ = ["repository_add", "repository_remove", "scan_execute", "scan_request", "scans_due"]
