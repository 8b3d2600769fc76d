"""JSON API for DPG readiness: solutions, their repositories, and scans (start and read). Same access
rules and services as the pages. No module here has ``from __future__ import annotations``
(vitalik/django-ninja#1717)."""

from seedbed.dpg.api.scans import router

__all__ = ["router"]
