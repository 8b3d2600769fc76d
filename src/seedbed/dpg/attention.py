"""What the DPG part puts under "Needs your attention" on the home page: DPG statuses that expire soon or
have expired (fund managers and administrators; a team for its own solutions), and DPG Standard answers
that wait for a reviewer's sign-off (reviewers)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.core.access import is_signed_in
from seedbed.core.attention import Attention
from seedbed.dpg import access
from seedbed.dpg.models import DpgStatus, IndicatorAnswer
from seedbed.dpg.services import expiring


def _link(first: DpgStatus, count: int) -> tuple[str, str]:
    if count == 1:
        return reverse("solution_detail", args=[first.solution.slug]), first.solution.name
    return reverse("solution_list") + "?dpg=renewal", _("Solutions to renew")


def _expiry_items(soon: QuerySet[DpgStatus], expired: QuerySet[DpgStatus]) -> list[Attention]:
    """Two counts and two rows, whatever the number of DPGs."""
    items = []
    today = timezone.localdate()
    count = soon.count()
    first = soon.first() if count else None
    if first is not None:
        text = (
            _("The DPG status of %(name)s expires in %(days)s days (%(date)s): start its renewal.")
            % {"name": first.solution.name, "days": first.days_left(today), "date": first.expires_on}
            if count == 1
            else ngettext(
                "%(count)s DPG status expires within 45 days: start the renewals.",
                "%(count)s DPG statuses expire within 45 days: start the renewals.",
                count,
            )
            % {"count": count}
        )
        items.append(Attention(text, *_link(first, count)))
    count = expired.count()
    first = expired.first() if count else None
    if first is not None:
        text = (
            _("The DPG status of %(name)s has expired: renew it or it leaves the registry.")
            % {"name": first.solution.name}
            if count == 1
            else ngettext(
                "%(count)s DPG status has expired: renew it or it leaves the registry.",
                "%(count)s DPG statuses have expired: renew them or they leave the registry.",
                count,
            )
            % {"count": count}
        )
        items.append(Attention(text, *_link(first, count)))
    return items


def dpg_attention(user: Any) -> list[Attention]:
    if not is_signed_in(user):
        return []
    items: list[Attention] = []
    soon, expired = expiring()
    if access.can_set_dpg_status(user):
        items += _expiry_items(soon, expired)
    elif not access.can_view_all(user):
        own = access.solutions_for_user(user).values("pk")
        items += _expiry_items(soon.filter(solution__in=own), expired.filter(solution__in=own))
    if user.has_role(*access.ASSESSMENT_REVIEWERS):
        waiting = (
            IndicatorAnswer.objects.filter(signed_off_at__isnull=True, suggested=False)
            .exclude(answer="", evidence_urls=[])
            .exclude(solution__organization__memberships__user=user)
        )
        count = waiting.count()
        if count:
            first = waiting.select_related("solution").order_by("updated_at").first()
            assert first is not None
            items.append(
                Attention(
                    ngettext(
                        "%(count)s DPG Standard answer waits for a reviewer's sign-off.",
                        "%(count)s DPG Standard answers wait for a reviewer's sign-off.",
                        count,
                    )
                    % {"count": count},
                    reverse("assessment_detail", args=[first.solution.slug]),
                    _("Review the oldest"),
                )
            )
    return items
