"""What the portfolio puts under "Needs your attention" on the home page: evidence waiting for a mentor,
milestones accepted whose tranche a finance officer can release, reports a team owes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.calls.models import Application, Outcome
from seedbed.core.attention import Attention
from seedbed.portfolio import access
from seedbed.portfolio.models import InvestmentStatus, Milestone, MilestoneStatus, Report, ReportStatus
from seedbed.portfolio.selectors import releasable_tranches


def portfolio_attention(user: Any) -> list[Attention]:
    if not access.is_signed_in(user):
        return []
    items: list[Attention] = []
    if access.can_decide_milestones(user):
        waiting = Milestone.objects.filter(status=MilestoneStatus.SUBMITTED).count()
        if waiting:
            items.append(
                Attention(
                    ngettext(
                        "%(count)s milestone waits for a mentor's decision.",
                        "%(count)s milestones wait for a mentor's decision.",
                        waiting,
                    )
                    % {"count": waiting},
                    reverse("mentor_queue"),
                    _("Milestones to review"),
                )
            )
    if access.can_release_tranches(user):
        ready = releasable_tranches().count()
        if ready:
            items.append(
                Attention(
                    ngettext(
                        "%(count)s tranche has its milestones accepted and can be released.",
                        "%(count)s tranches have their milestones accepted and can be released.",
                        ready,
                    )
                    % {"count": ready},
                    reverse("tranche_queue"),
                    _("Tranches to release"),
                )
            )
    if access.can_manage_portfolio(user):
        awarded = Application.objects.filter(outcome=Outcome.AWARDED, investment__isnull=True).count()
        if awarded:
            items.append(
                Attention(
                    ngettext(
                        "%(count)s approved application has no investment yet.",
                        "%(count)s approved applications have no investment yet.",
                        awarded,
                    )
                    % {"count": awarded},
                    reverse("investment_new"),
                    _("New investment"),
                )
            )
    owed = Report.objects.filter(
        investment__in=access.investments_of_member(user).filter(status=InvestmentStatus.ACTIVE),
        status=ReportStatus.DUE,
        period_end__lt=timezone.localdate(),
    ).count()
    if owed:
        items.append(
            Attention(
                ngettext(
                    "Your team owes %(count)s quarterly report.",
                    "Your team owes %(count)s quarterly reports.",
                    owed,
                )
                % {"count": owed},
                reverse("my_investments"),
                _("My investments"),
            )
        )
    return items
