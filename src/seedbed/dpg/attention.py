"""What the DPG part puts under "Needs your attention" on the home page: DPG statuses that expire soon or
have expired (fund managers and administrators; a team for its own solutions), and DPG Standard answers
that wait for a reviewer's sign-off (reviewers)."""

from __future__ import annotations

from collections.abc import Callable
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


def _summary(
    statuses: QuerySet[DpgStatus], one: Callable[[DpgStatus], str], many: Callable[[int], str]
) -> list[Attention]:
    """One line for ``statuses``: named when there is one (linking to it), counted when there are more
    (linking to the list of renewals). One query when there is none or one, two otherwise."""
    rows = list(statuses[:2])
    if not rows:
        return []
    count = 1 if len(rows) == 1 else statuses.count()
    if count == 1:
        solution = rows[0].solution
        return [Attention(one(rows[0]), reverse("solution_detail", args=[solution.slug]), solution.name)]
    return [Attention(many(count), reverse("solution_list") + "?dpg=renewal", _("Solutions to renew"))]


def _expiry_items(soon: QuerySet[DpgStatus], expired: QuerySet[DpgStatus]) -> list[Attention]:
    today = timezone.localdate()
    return _summary(
        soon,
        lambda row: (
            _("The DPG status of %(name)s expires in %(days)s days (%(date)s): start its renewal.")
            % {"name": row.solution.name, "days": row.days_left(today), "date": row.expires_on}
        ),
        lambda count: (
            ngettext(
                "%(count)s DPG status expires within 45 days: start the renewals.",
                "%(count)s DPG statuses expire within 45 days: start the renewals.",
                count,
            )
            % {"count": count}
        ),
    ) + _summary(
        expired,
        lambda row: (
            _("The DPG status of %(name)s has expired: renew it or it leaves the registry.")
            % {"name": row.solution.name}
        ),
        lambda count: (
            ngettext(
                "%(count)s DPG status has expired: renew it or it leaves the registry.",
                "%(count)s DPG statuses have expired: renew them or they leave the registry.",
                count,
            )
            % {"count": count}
        ),
    )


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
