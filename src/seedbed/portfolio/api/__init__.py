"""JSON API for the portfolio: investments with their terms, contract and payments; milestones and
evidence; tranches released through four-eyes payment requests; quarterly reports; follow-on rounds and
the public knowledge products. Same access rules (``seedbed.portfolio.access``), selectors and services
as the pages: a grantee sees only their organization's investments, and another team's is a 404.

Amounts go out as the exact integer in base units as a string (``amount``) beside what people read
(``amount_display``), and come in as strings of base units (``"8000000"`` is 80,000.00 USD).

Every module of this package adds its endpoints to one ``router`` (``common``), which ``seedbed.api``
mounts. No module here has ``from __future__ import annotations``: django-ninja cannot resolve deferred
``Query[...]`` annotations on @paginate-wrapped views (vitalik/django-ninja#1717).
"""

from seedbed.portfolio.api.common import router

# Importing each area adds its endpoints to ``router``, in this order (the order of /api/docs).
# isort: off
from seedbed.portfolio.api import investments, milestones, tranches, reports, outcomes  # noqa: F401
# isort: on

__all__ = ["router"]
