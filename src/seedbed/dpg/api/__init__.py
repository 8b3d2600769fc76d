"""JSON API for DPG readiness: solutions, their repositories, scans (start and read), the DPG Standard
assessment, DPG status and the nomination export. Same access
rules and services as the pages. No module here has ``from __future__ import annotations``
(vitalik/django-ninja#1717)."""

from seedbed.dpg.api import assessment, readiness  # noqa: F401  (they register their endpoints on the router)
from seedbed.dpg.api.scans import router

__all__ = ["router"]
