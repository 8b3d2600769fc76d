"""Who may see the ledger and move money. Same contract as ``seedbed.core.access``.

Decisions:

- The **ledger** (entries, postings, balances, donors' contributions, payment requests) is seen by
  finance officers, fund managers and administrators. Committee members are *not* given the ledger: they
  decide on investments and will see the fund figures they need on the funds overview and in committee
  papers, not donors' individual movements. Everyone else, and the public, sees nothing of it yet.
- Only **finance officers** record money and request, approve, reject or cancel payments. Four-eyes
  (the requester never decides their own request) is checked by the services, on the locked row.
- Only **fund managers** change a fund's rules (``get_fund_for_user(..., write=True)``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from seedbed.core.access import is_signed_in
from seedbed.core.roles import Role
from seedbed.funds.models import Fund, JournalEntry, PaymentRequest

LEDGER_VIEWERS = frozenset({Role.FINANCE_OFFICER, Role.FUND_MANAGER, Role.ADMINISTRATOR})


def can_view_ledger(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*LEDGER_VIEWERS)


def can_record_money(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(Role.FINANCE_OFFICER)


def can_edit_fund_rules(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(Role.FUND_MANAGER)


def funds_for_user(user: Any) -> QuerySet[Fund]:
    if not can_view_ledger(user):
        return Fund.objects.none()
    return Fund.objects.select_related("reporting_asset")


def get_fund_for_user(user: Any, slug: str, write: bool = False) -> Fund:
    """``write`` means changing the fund's rules; recording money is checked with ``can_record_money``."""
    if not can_view_ledger(user):
        raise PermissionDenied
    try:
        fund = Fund.objects.select_related("reporting_asset").get(slug=slug)
    except Fund.DoesNotExist:
        raise Http404 from None
    if write and not can_edit_fund_rules(user):
        raise PermissionDenied
    return fund


def get_entry_for_user(user: Any, pk: Any) -> JournalEntry:
    """Posted entries are never changed, so there is no ``write``: corrections are reversing entries."""
    if not can_view_ledger(user):
        raise PermissionDenied
    try:
        return JournalEntry.objects.select_related(
            "fund", "recorded_by", "approved_by", "counterparty", "reverses", "cause_type"
        ).get(pk=pk)
    except (JournalEntry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_payment_request_for_user(user: Any, pk: Any, write: bool = False) -> PaymentRequest:
    """``write`` means acting on the request (approve, reject, cancel): finance officers only."""
    if not can_view_ledger(user):
        raise PermissionDenied
    try:
        request = PaymentRequest.objects.select_related(
            "fund", "asset", "counterparty", "to_fund", "requested_by", "decided_by", "entry"
        ).get(pk=pk)
    except (PaymentRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not can_record_money(user):
        raise PermissionDenied
    return request
