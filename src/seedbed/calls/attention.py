"""What the calls part puts under "Needs your attention" on the home page, for each role. A few counting
queries, only for the roles concerned."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.calls import access
from seedbed.calls.models import AgendaItem, Application, ApplicationStatus, Eligibility, ReviewStatus
from seedbed.core.attention import Attention


def calls_attention(user: Any) -> list[Attention]:
    if not access.is_signed_in(user):
        return []
    items: list[Attention] = []
    drafts = Application.objects.filter(
        organization__in=access.organizations_of(user),
        status=ApplicationStatus.DRAFT,
        call__closes_at__gt=timezone.now(),
    ).count()
    if drafts:
        items.append(
            Attention(
                ngettext(
                    "%(count)s draft application is not submitted yet.",
                    "%(count)s draft applications are not submitted yet.",
                    drafts,
                )
                % {"count": drafts},
                reverse("my_applications"),
                _("My applications"),
            )
        )
    if access.can_review(user):
        to_do = (
            access.reviews_for_user(user)
            .filter(status__in=[ReviewStatus.ASSIGNED, ReviewStatus.DRAFT])
            .count()
        )
        if to_do:
            items.append(
                Attention(
                    ngettext(
                        "%(count)s review is waiting for you.",
                        "%(count)s reviews are waiting for you.",
                        to_do,
                    )
                    % {"count": to_do},
                    reverse("review_list"),
                    _("My reviews"),
                )
            )
    if access.can_sit_on_committee(user):
        votes = (
            AgendaItem.objects.filter(meeting__members=user, meeting__closed_at=None, decision="")
            .exclude(votes__member=user)
            .exclude(application__conflicts__user=user)
            .count()
        )
        if votes:
            items.append(
                Attention(
                    ngettext(
                        "%(count)s application on a committee agenda awaits your vote.",
                        "%(count)s applications on committee agendas await your vote.",
                        votes,
                    )
                    % {"count": votes},
                    reverse("my_meetings"),
                    _("Committee"),
                )
            )
    if access.can_manage_applications(user):
        to_verify = (
            Application.objects.filter(status=ApplicationStatus.SUBMITTED, eligibility=Eligibility.TO_VERIFY)
            .values("call__slug", "call__title")
            .annotate(n=Count("pk"))
            .order_by("call__title")
        )
        for row in to_verify:
            url = reverse("call_applications", args=[row["call__slug"]])
            items.append(
                Attention(
                    ngettext(
                        "%(count)s application to %(call)s has eligibility rules to verify.",
                        "%(count)s applications to %(call)s have eligibility rules to verify.",
                        row["n"],
                    )
                    % {"count": row["n"], "call": row["call__title"]},
                    f"{url}?{urlencode({'status': 'submitted', 'eligibility': 'to_verify'})}",
                    _("See them"),
                )
            )
    return items
