"""JSON API for calls: the public calls, applicants' own applications, reviewers' assignments and scores,
and the managers' lists. Same access rules, selectors and services as the pages.

Every module of this package adds its endpoints to one ``router`` (``common``), which ``seedbed.api``
mounts. No module here has ``from __future__ import annotations`` (vitalik/django-ninja#1717).
"""

from seedbed.calls.api.common import router

# Importing each area adds its endpoints to ``router``, in this order (the order of /api/docs).
# isort: off
from seedbed.calls.api import calls, applications, reviews, committee, setup  # noqa: F401
# isort: on

__all__ = ["router"]
