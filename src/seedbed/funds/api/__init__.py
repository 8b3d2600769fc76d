"""JSON API for funds and the ledger. Same access rules, selectors and services as the pages.

Amounts go out twice: ``amount`` is the exact integer in base units as a string (JSON numbers are
floats for many readers, and wei do not fit them), ``amount_display`` is what people read ("1.5 ETH").
Amounts come in as people write them, as strings ("1.5", "100,000.00"), read exactly by
``money.parse_amount``: too many decimals is a 422 with a message on the field, never a rounding.

Every module of this package adds its endpoints to one ``router`` (``common``), which ``seedbed.api``
mounts. No module here has ``from __future__ import annotations``: django-ninja cannot resolve deferred
``Query[...]`` annotations on @paginate-wrapped views (vitalik/django-ninja#1717) and fails every list call.
"""

from seedbed.funds.api.common import router

# Importing each area adds its endpoints to ``router``, in this order (the order of /api/docs).
# isort: off
from seedbed.funds.api import funds, entries, donors, payment_requests, recording, rules  # noqa: F401
# isort: on

__all__ = ["router"]
