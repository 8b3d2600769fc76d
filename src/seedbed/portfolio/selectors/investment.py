"""Reads of one investment: its milestones with evidence, tranches with their payment and ledger entry,
reports with KPI series, follow-on rounds and the follow-on multiple, and a timeline. A fixed number of
queries, whatever the number of milestones, tranches or reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.funds.money import format_amount
from seedbed.portfolio.models import (
    STANDARD_KPIS,
    Evidence,
    FollowOnRound,
    Investment,
    InvestmentStatus,
    Milestone,
    MilestoneStatus,
    Report,
    ReportStatus,
    Tranche,
    TrancheState,
)
from seedbed.portfolio.plan_defaults import plan_title


def milestones_of(investment: Investment) -> list[Milestone]:
    return list(
        investment.milestones.select_related("decided_by", "submitted_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("submitted_by")))
        .order_by("quarter", "position", "id")
    )


def tranches_of(investment: Investment) -> list[Tranche]:
    """The schedule, each tranche with ``waiting``: how many of its milestones are not accepted yet."""
    tranches = list(
        investment.tranches.select_related(
            "payment_request__entry", "payment_request__requested_by", "payment_request__decided_by"
        )
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("quarter", "position")))
        .order_by("number")
    )
    for tranche in tranches:
        tranche.waiting = sum(  # type: ignore[attr-defined]
            1 for milestone in tranche.milestones.all() if milestone.status != MilestoneStatus.ACCEPTED
        )
    return tranches


def reports_of(investment: Investment) -> list[Report]:
    return list(investment.reports.select_related("submitted_by").order_by("period_start"))


def follow_ons_of(investment: Investment) -> list[FollowOnRound]:
    return list(investment.follow_ons.select_related("asset").prefetch_related("investors").order_by("date"))


@dataclasses.dataclass(frozen=True)
class Quarter:
    number: int
    milestones: list[Milestone]
    accepted: int
    required_left: int


def by_quarter(milestones: list[Milestone]) -> list[Quarter]:
    grouped: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in milestones:
        grouped[milestone.quarter].append(milestone)
    return [
        Quarter(
            number=number,
            milestones=items,
            accepted=sum(1 for m in items if m.status == MilestoneStatus.ACCEPTED),
            required_left=sum(1 for m in items if m.required and m.status != MilestoneStatus.ACCEPTED),
        )
        for number, items in sorted(grouped.items())
    ]


@dataclasses.dataclass(frozen=True)
class Payments:
    scheduled: int
    paid: int
    awaiting: int
    cancelled: int


def payments(investment: Investment, tranches: list[Tranche]) -> Payments:
    totals = dict.fromkeys(TrancheState.values, 0)
    for tranche in tranches:
        totals[tranche.state] += tranche.amount
    return Payments(
        scheduled=sum(t.amount for t in tranches if t.state != TrancheState.CANCELLED),
        paid=totals[TrancheState.PAID],
        awaiting=totals[TrancheState.REQUESTED],
        cancelled=totals[TrancheState.CANCELLED],
    )


@dataclasses.dataclass(frozen=True)
class KpiSeries:
    key: str
    label: str
    unit: str
    points: list[tuple[str, Decimal]]  # (period label, value) for submitted reports, exact
    latest: Decimal | None
    peak: Decimal


def kpi_series(reports: list[Report], extra: list[tuple[str, str, str]]) -> list[KpiSeries]:
    """A series per KPI that has at least one value, for the report charts."""
    submitted = [r for r in reports if r.status == ReportStatus.SUBMITTED]
    rows = [(key, str(label), unit) for key, (label, unit) in STANDARD_KPIS.items()] + extra
    series = []
    for key, label, unit in rows:
        points = [(f"{r.period_end:%Y-%m}", Decimal(str(r.kpis[key]))) for r in submitted if key in r.kpis]
        if points:
            peak = max(value for _period, value in points)
            series.append(
                KpiSeries(key, label, unit, points, points[-1][1], peak if peak > 0 else Decimal(1))
            )
    return series


def follow_on_multiple(investment: Investment, rounds: list[FollowOnRound]) -> Decimal | None:
    """Follow-on raised per unit the fund invested, counting rounds in the investment's asset. ``None``
    when no round is in that asset (the page lists the others without converting them)."""
    same = [r.amount for r in rounds if r.asset_id == investment.asset_id]
    if not same:
        return None
    return (Decimal(sum(same)) / Decimal(investment.amount)).quantize(Decimal("0.01"))


@dataclasses.dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    text: str


def timeline(
    investment: Investment,
    milestones: list[Milestone],
    tranches: list[Tranche],
    reports: list[Report],
    rounds: list[FollowOnRound],
) -> list[TimelineEvent]:
    """What happened to the investment, oldest first: start, signature, milestones decided, payments,
    reports, follow-on rounds, the outcome."""
    events = [TimelineEvent(investment.start_date, _("Investment starts"))]
    contract = getattr(investment, "contract", None)
    if contract is not None and contract.signed_on:
        events.append(TimelineEvent(contract.signed_on, _("Contract signed")))
    for milestone in milestones:
        if milestone.status == MilestoneStatus.ACCEPTED and milestone.decided_at:
            events.append(
                TimelineEvent(
                    timezone.localtime(milestone.decided_at).date(),
                    _("Milestone accepted: %(title)s") % {"title": plan_title(milestone.title)},
                )
            )
    for tranche in tranches:
        if tranche.state == TrancheState.PAID and tranche.payment_request is not None:
            events.append(
                TimelineEvent(
                    tranche.payment_request.effective_date,
                    _("Tranche %(number)s paid: %(amount)s")
                    % {"number": tranche.number, "amount": format_amount(tranche.amount, investment.asset)},
                )
            )
    for report in reports:
        if report.submitted_at:
            events.append(
                TimelineEvent(
                    timezone.localtime(report.submitted_at).date(),
                    _("Report submitted for %(start)s to %(end)s")
                    % {"start": report.period_start.isoformat(), "end": report.period_end.isoformat()},
                )
            )
    for round_ in rounds:
        events.append(
            TimelineEvent(
                round_.date,
                _("Follow-on round: %(amount)s") % {"amount": format_amount(round_.amount, round_.asset)},
            )
        )
    if investment.status_date:
        events.append(TimelineEvent(investment.status_date, investment.get_status_display()))
    return sorted(events, key=lambda e: e.date)


def releasable_tranches() -> QuerySet[Tranche]:
    """Tranches not cancelled, not requested or paid, whose milestones are all accepted, of investments
    still running: what a finance officer can release now."""
    from django.db.models import Exists, OuterRef, Q

    from seedbed.funds.models import PaymentRequestStatus

    not_accepted = Milestone.objects.filter(tranches=OuterRef("pk")).exclude(status=MilestoneStatus.ACCEPTED)
    return (
        Tranche.objects.filter(cancelled_at__isnull=True)
        .filter(
            Q(payment_request__isnull=True)
            | Q(payment_request__status__in=[PaymentRequestStatus.REJECTED, PaymentRequestStatus.CANCELLED])
        )
        .exclude(investment__status__in=[InvestmentStatus.DISCONTINUED, InvestmentStatus.FAILED])
        .filter(~Exists(not_accepted))
        .select_related(
            "investment__organization", "investment__fund", "investment__asset", "payment_request"
        )
        .order_by("due_on", "pk")
    )


def mentor_queue() -> QuerySet[Milestone]:
    """Submitted milestones across the portfolio, oldest submission first."""
    return (
        Milestone.objects.filter(status=MilestoneStatus.SUBMITTED)
        .select_related("investment__organization", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def is_overdue(report: Report, today: dt.date | None = None) -> bool:
    """Past its due date and not submitted, while the investment runs. Once an investment has ended,
    a report never sent is shown as not submitted, and nobody is reminded of it."""
    return (
        report.status == ReportStatus.DUE
        and report.due_on < (today or timezone.localdate())
        and report.investment.status == InvestmentStatus.ACTIVE
    )


def own_investments(user: Any) -> QuerySet[Investment]:
    from seedbed.portfolio.access import investments_of_member

    return (
        investments_of_member(user)
        .select_related("fund", "organization", "asset", "cohort__theme")
        .order_by("-start_date")
    )
