"""Reads of applications: the applicant's own, the managers' table and board. Fixed numbers of queries."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Count, Q, QuerySet

from seedbed.calls import access
from seedbed.calls.models import Application, ApplicationStatus, Call, Stage

BOARD_CARDS_PER_STAGE = 12


def my_applications(*, user: Any) -> QuerySet[Application]:
    """The applications of the organizations ``user`` belongs to, newest first."""
    return (
        Application.objects.filter(organization__in=access.organizations_of(user))
        .select_related("call", "organization", "stage")
        .order_by("-created_at", "-pk")
    )


@dataclasses.dataclass(frozen=True)
class ApplicationFilters:
    q: str = ""
    stage: int | None = None
    status: str = ""
    eligibility: str = ""  # "none" means not screened


def call_applications(
    *, user: Any, call: Call, filters: ApplicationFilters | None = None
) -> QuerySet[Application]:
    """Submitted and withdrawn applications to ``call`` that ``user`` may see, for the managers' table."""
    filters = filters or ApplicationFilters()
    qs = (
        access.applications_for_user(user)
        .filter(call=call)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("organization__country", "stage", "call")
    )
    if filters.q:
        term = filters.q.strip()
        match = Q(title__icontains=term) | Q(organization__name__icontains=term)
        if term.isdigit():
            match |= Q(number=int(term))
        elif "-" in term and term.rsplit("-", 1)[-1].isdigit():
            match |= Q(number=int(term.rsplit("-", 1)[-1]))
        qs = qs.filter(match)
    if filters.stage:
        qs = qs.filter(stage_id=filters.stage)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.eligibility:
        qs = qs.filter(eligibility="" if filters.eligibility == "none" else filters.eligibility)
    return qs.order_by("number")


def draft_count(call: Call) -> int:
    """How many drafts are being written: a number only, managers do not see drafts."""
    return Application.objects.filter(call=call, status=ApplicationStatus.DRAFT).count()


@dataclasses.dataclass
class BoardColumn:
    stage: Stage
    count: int
    cards: list[Application]


def board(*, user: Any, call: Call) -> list[BoardColumn]:
    """A column per stage with its count and first cards: one query for the counts and one per stage
    for its first cards (a call has a handful of stages), whatever the number of applications."""
    stages = list(call.stages.order_by("position"))
    live = access.applications_for_user(user).filter(call=call, status=ApplicationStatus.SUBMITTED)
    counts = dict(live.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    columns = []
    for stage in stages:
        cards = list(
            live.filter(stage=stage)
            .select_related("organization", "call")
            .order_by("submitted_at", "pk")[:BOARD_CARDS_PER_STAGE]
        )
        columns.append(BoardColumn(stage=stage, count=counts.get(stage.pk, 0), cards=cards))
    return columns
