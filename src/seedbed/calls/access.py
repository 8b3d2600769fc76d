"""Who may see and change calls. Same contract as ``seedbed.core.access``.

Decisions:

- The **public** (and every signed-in user) sees the calls that have opened: open and closed ones.
- A call that has not opened yet is a **draft**: only the fund's staff (every role but applicants) see
  it, so that reviewers and the committee can prepare; for everyone else it does not exist (404).
- **Fund managers and administrators** create and edit calls, their stages, rubric and form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from seedbed.calls.models import Call
from seedbed.core.access import is_signed_in
from seedbed.core.roles import STAFF_ROLES, Role

CALL_MANAGERS = frozenset({Role.FUND_MANAGER, Role.ADMINISTRATOR})


def can_view_calls(user: Any) -> bool:
    """The list of calls is public."""
    return True


def can_view_drafts(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*STAFF_ROLES)


def can_manage_calls(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*CALL_MANAGERS)


def calls_for_user(user: Any, now: dt.datetime | None = None) -> QuerySet[Call]:
    qs = Call.objects.all()
    if not can_view_drafts(user):
        qs = qs.filter(opens_at__lte=now or timezone.now())
    return qs


def get_call_for_user(user: Any, slug: str, write: bool = False) -> Call:
    """``write`` means changing the call, its stages, rubric or form: fund managers and administrators."""
    if write and not can_manage_calls(user):
        raise PermissionDenied
    try:
        return calls_for_user(user).select_related("fund__reporting_asset").get(slug=slug)
    except Call.DoesNotExist:
        raise Http404 from None
