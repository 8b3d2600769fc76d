"""Milestones through the API: an investment's plan with its evidence, the team submitting evidence (links
and text; files go through the page), a mentor accepting or returning it, and the mentors' queue."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from seedbed.core.api import Pages
from seedbed.portfolio import access, selectors, services
from seedbed.portfolio.api.common import field_errors, person, require, router
from seedbed.portfolio.models import Evidence, EvidenceKind, Milestone, MilestoneStatus

MilestoneStatusLiteral = Literal[tuple(MilestoneStatus.values)]  # type: ignore[valid-type]


class EvidenceOut(Schema):
    id: int
    kind: str = Field(description="link, file or text")
    url: str
    name: str = Field(description="The file's name, for a file")
    file_url: str | None = Field(description="Where the file is downloaded (signed in), for a file")
    size: int | None
    text: str
    submitted_by: str | None
    submitted_at: dt.datetime

    @staticmethod
    def resolve_submitted_by(obj: Evidence) -> str | None:
        return person(obj.submitted_by)

    @staticmethod
    def resolve_file_url(obj: Evidence) -> str | None:
        return reverse("evidence_file", args=[obj.pk]) if obj.kind == EvidenceKind.FILE else None


class MilestoneOut(Schema):
    id: int
    investment: str = Field(description="The investment's reference")
    organization: str = Field(description="The team's short name")
    kind: str = Field(description="oss (open-source mentorship) or business")
    quarter: int
    position: int
    title: str
    description: str
    due_on: dt.date
    required: bool
    check_key: str = Field(description="What a repository scan can satisfy by itself, e.g. oss.license")
    status: str = Field(description="planned, submitted, accepted or returned")
    status_label: str
    submitted_at: dt.datetime | None
    submitted_by: str | None
    decided_at: dt.datetime | None
    decided_by: str | None = Field(description="The mentor who decided")
    decision_comment: str
    evidence: list[EvidenceOut]
    url: str = Field(description="The milestone's page")

    @staticmethod
    def resolve_investment(obj: Milestone) -> str:
        return obj.investment.reference

    @staticmethod
    def resolve_organization(obj: Milestone) -> str:
        return obj.investment.organization.slug

    @staticmethod
    def resolve_status_label(obj: Milestone) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_submitted_by(obj: Milestone) -> str | None:
        return person(obj.submitted_by)

    @staticmethod
    def resolve_decided_by(obj: Milestone) -> str | None:
        return person(obj.decided_by)

    @staticmethod
    def resolve_evidence(obj: Milestone) -> list[Evidence]:
        return list(obj.evidence.all())

    @staticmethod
    def resolve_url(obj: Milestone) -> str:
        return reverse("milestone_detail", args=[obj.pk])


class PlanFilterIn(Schema):
    status: MilestoneStatusLiteral | None = None  # type: ignore[valid-type]
    quarter: int | None = Field(None, ge=1, le=8)
    required: bool | None = None


class QueueFilterIn(Schema):
    status: Literal["submitted"] = Field("submitted", description="The queue holds submitted milestones")


class EvidenceIn(Schema):
    url: str = Field("", description="A link to the evidence (https://…)")
    text: str = Field("", description="A few words on what was done")


class DecisionIn(Schema):
    accept: bool = Field(description="True accepts; false returns the milestone to the team")
    comment: str = Field("", description="Required to return, or to accept what was not submitted")


_WITH_EVIDENCE = Prefetch("evidence", queryset=Evidence.objects.select_related("submitted_by"))


def _one(user: Any, milestone_id: int) -> Milestone:
    milestone = access.get_milestone_for_user(user, milestone_id)
    return (
        Milestone.objects.select_related("investment__organization", "decided_by", "submitted_by")
        .prefetch_related(_WITH_EVIDENCE)
        .get(pk=milestone.pk)
    )


@router.get(
    "/investments/{reference}/milestones",
    response=list[MilestoneOut],
    summary="An investment's milestones, with their evidence",
)
@paginate(Pages, page_size=100)
def list_milestones(request: HttpRequest, reference: str, filters: Query[PlanFilterIn]) -> Any:
    investment = access.get_investment_for_user(request.user, reference)
    milestones = selectors.milestones_of(investment)
    return [
        milestone
        for milestone in milestones
        if (filters.status is None or milestone.status == filters.status)
        and (filters.quarter is None or milestone.quarter == filters.quarter)
        and (filters.required is None or milestone.required == filters.required)
    ]


@router.get(
    "/milestones",
    response=list[MilestoneOut],
    summary="Milestones waiting for a mentor, oldest submission first (staff)",
)
@paginate(Pages, page_size=50)
def list_milestone_queue(request: HttpRequest, filters: Query[QueueFilterIn]) -> Any:
    require(access.can_view_portfolio(request.user))
    return selectors.mentor_queue().select_related("decided_by").prefetch_related(_WITH_EVIDENCE)


@router.get("/milestones/{milestone_id}", response=MilestoneOut, summary="One milestone")
def get_milestone(request: HttpRequest, milestone_id: int) -> Any:
    return _one(request.user, milestone_id)


@router.post(
    "/milestones/{milestone_id}/evidence",
    response=MilestoneOut,
    summary="Submit evidence for a milestone (the team)",
)
def submit_evidence(request: HttpRequest, milestone_id: int, payload: EvidenceIn) -> Any:
    """A link, a few words, or both; the milestone then waits for a mentor. Files go through the page."""
    milestone = access.get_milestone_for_user(request.user, milestone_id)
    try:
        services.evidence_submit(actor=request.user, milestone=milestone, url=payload.url, text=payload.text)
    except ValidationError as error:
        raise field_errors(error, "milestone") from None
    return _one(request.user, milestone_id)


@router.post(
    "/milestones/{milestone_id}/decision",
    response=MilestoneOut,
    summary="Accept a milestone or return it with comments (mentors)",
)
def decide_milestone(request: HttpRequest, milestone_id: int, payload: DecisionIn) -> Any:
    milestone = access.get_milestone_for_user(request.user, milestone_id)
    try:
        services.milestone_decide(
            actor=request.user, milestone=milestone, accept=payload.accept, comment=payload.comment
        )
    except ValidationError as error:
        raise field_errors(error, "milestone", {"reason": "comment"}) from None
    return _one(request.user, milestone_id)
