"""What the DPG part puts under "Needs your attention" on the home page: DPG statuses that expire soon or
have expired (fund managers and administrators; a team for its own solutions), and DPG Standard answers
that wait for a reviewer's sign-off (reviewers)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.core.access import is_signed_in
from seedbed.core.attention import Attention
from seedbed.dpg import access
from seedbed.dpg.models import DpgStatus, IndicatorAnswer
from seedbed.dpg.services import expiring


def _link(statuses: list[DpgStatus]) -> tuple[str, str]:
    if len(statuses) == 1:
        solution = statuses[0].solution
        return reverse("solution_detail", args=[solution.slug]), solution.name
    return reverse("solution_list") + "?dpg=renewal", _("Solutions to renew")


def _expiry_items(soon: list[DpgStatus], expired: list[DpgStatus]) -> list[Attention]:
    items = []
    today = timezone.localdate()
    if soon:
        first = soon[0]
        text = (
            _("The DPG status of %(name)s expires in %(days)s days (%(date)s): start its renewal.")
            % {"name": first.solution.name, "days": first.days_left(today), "date": first.expires_on}
            if len(soon) == 1
            else ngettext(
                "%(count)s DPG status expires within 45 days: start the renewals.",
                "%(count)s DPG statuses expire within 45 days: start the renewals.",
                len(soon),
            )
            % {"count": len(soon)}
        )
        items.append(Attention(text, *_link(soon)))
    if expired:
        text = (
            _("The DPG status of %(name)s has expired: renew it or it leaves the registry.")
            % {"name": expired[0].solution.name}
            if len(expired) == 1
            else ngettext(
                "%(count)s DPG status has expired: renew it or it leaves the registry.",
                "%(count)s DPG statuses have expired: renew them or they leave the registry.",
                len(expired),
            )
            % {"count": len(expired)}
        )
        items.append(Attention(text, *_link(expired)))
    return items


def dpg_attention(user: Any) -> list[Attention]:
    if not is_signed_in(user):
        return []
    items: list[Attention] = []
    soon, expired = expiring()
    if access.can_set_dpg_status(user):
        items += _expiry_items(soon, expired)
    elif (soon or expired) and not access.can_view_all(user):
        own = set(access.solutions_for_user(user).values_list("pk", flat=True))
        items += _expiry_items(
            [row for row in soon if row.solution_id in own],
            [row for row in expired if row.solution_id in own],
        )
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
