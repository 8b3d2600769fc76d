"""JSON API of reviews: a reviewer's own assignments, one review with the rubric, the application's answers
and (once the reviewer has submitted) the other reviewers' scores; saving and submitting scores; declaring
a conflict of interest; and the managers' ranking of a call. Same getters, selectors and services as the
pages; in a blind call the reviewer never sees the applicant's identity here either."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from seedbed.calls import access, services
from seedbed.calls.api.common import router
from seedbed.calls.models import Application, Review
from seedbed.calls.selectors import reviews as review_selectors
from seedbed.core.api import FieldErrors, Pages


def _text(value: Decimal | None) -> str | None:
    total = review_selectors.as_total(value)
    return None if total is None else str(total)


class ReviewFields(Schema):
    id: int
    status: str = Field(description="assigned (not started), draft (in progress) or submitted")
    application: str = Field(description="The application's reference, e.g. AI-2025-0007")
    title: str | None = Field(description="The name of the solution; null in a blind call")
    call: str = Field(description="The call's short name")
    call_title: str
    blind_review: bool
    stage: str | None
    due_at: dt.datetime | None = Field(description="When the application's stage closes, if set (UTC)")
    total: str | None = Field(description="Your weighted score (1 to 5, three places) once submitted")
    assigned_at: dt.datetime
    submitted_at: dt.datetime | None
    url: str


class ReviewOut(ReviewFields):
    @staticmethod
    def resolve_application(obj: Review) -> str:
        return obj.application.reference

    @staticmethod
    def resolve_title(obj: Review) -> str | None:
        return obj.application.title if getattr(obj, "identity_visible", False) else None

    @staticmethod
    def resolve_call(obj: Review) -> str:
        return obj.application.call.slug

    @staticmethod
    def resolve_call_title(obj: Review) -> str:
        return obj.application.call.title

    @staticmethod
    def resolve_blind_review(obj: Review) -> bool:
        return obj.application.call.blind_review

    @staticmethod
    def resolve_stage(obj: Review) -> str | None:
        return obj.application.stage.name if obj.application.stage else None

    @staticmethod
    def resolve_due_at(obj: Review) -> dt.datetime | None:
        return obj.application.stage.closes_at if obj.application.stage else None

    @staticmethod
    def resolve_total(obj: Review) -> str | None:
        return _text(obj.total)

    @staticmethod
    def resolve_url(obj: Review) -> str:
        return reverse("review_detail", args=[obj.pk])


class ReviewScoreOut(Schema):
    criterion: int = Field(description="The criterion's id")
    name: str
    weight: int
    guidance: list[str] = Field(description="What scores 1 to 5 mean")
    score: int | None
    comment: str


class ReviewOtherScoreOut(Schema):
    criterion: int
    name: str
    score: int | None
    comment: str


class ReviewOtherOut(Schema):
    reviewer: str = Field(description="Reviewer 1, 2…: reviewers see each other's scores, not names")
    total: str | None
    comment: str
    scores: list[ReviewOtherScoreOut]


class ReviewFileOut(Schema):
    name: str
    size: int
    content_type: str


class ReviewAnswerOut(Schema):
    question: int
    section: str | None
    kind: str
    label: str = Field(description="In the request's language where the call has a translation")
    answer: str | list[str] | None
    file: ReviewFileOut | None


class ReviewApplicantOut(Schema):
    organization: str
    country: str | None
    summary: str


class ReviewDetailOut(ReviewFields):
    applicant: ReviewApplicantOut | None = Field(description="Who applied; null in a blind call")
    comment: str
    scores: list[ReviewScoreOut]
    answers: list[ReviewAnswerOut] = Field(
        description="The application's answers; in a blind call without those that could identify it"
    )
    others: list[ReviewOtherOut] | None = Field(
        description="The other reviewers' submitted reviews: null until you submit yours"
    )


class ReviewScoreIn(Schema):
    criterion: int = Field(description="The criterion's id, from GET /api/reviews/{id}")
    score: int | None = Field(None, description="1 to 5, or null to clear it")
    comment: str = ""


class ReviewIn(Schema):
    scores: list[ReviewScoreIn] = Field(
        default_factory=list, description="Criteria left out keep what was saved before"
    )
    comment: str | None = Field(None, description="The overall comment; left out, it stays as it was")
    submit: bool = Field(False, description="Submit the review: every criterion must then be scored")


class ReviewConflictIn(Schema):
    note: str = Field(description="Say briefly what ties you to the applicant")


class ReviewConflictOut(Schema):
    application: str
    declared_at: dt.datetime
    detail: str


class ReviewFilterIn(Schema):
    call: str = Field("", description="A call's short name")
    status: Literal["", "open", "assigned", "draft", "submitted"] = Field(
        "", description="open: not yet submitted"
    )


class RankingRowOut(Schema):
    id: int
    reference: str
    title: str
    organization: str
    country: str | None
    stage: str | None
    eligibility: str = Field(description="eligible, to_verify, ineligible, or empty when not screened")
    mean: str | None = Field(description="Mean of the submitted reviews' weighted scores (three places)")
    spread: str | None = Field(description="Highest minus lowest submitted score")
    disagreement: bool = Field(description="The spread reaches the call's disagreement threshold")
    submitted_reviews: int
    live_reviews: int

    @staticmethod
    def resolve_organization(obj: Application) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_country(obj: Application) -> str | None:
        return obj.organization.country_id

    @staticmethod
    def resolve_stage(obj: Application) -> str | None:
        return obj.stage.name if obj.stage else None

    @staticmethod
    def resolve_mean(obj: Any) -> str | None:
        return _text(obj.mean)

    @staticmethod
    def resolve_spread(obj: Any) -> str | None:
        return _text(obj.spread)


class RankingFilterIn(Schema):
    stage: int | None = Field(None, ge=1, description="A stage's position, as in GET /api/calls/{slug}")
    eligibility: Literal["", "eligible", "to_verify", "ineligible", "none"] = Field(
        "", description="none: not screened"
    )
    disagreement: bool = Field(False, description="Only applications whose reviewers disagree strongly")
    min_reviews: int = Field(0, ge=0, le=100, description="At least this many submitted reviews")
    sort: Literal["-mean", "mean", "-spread", "-reviews", "number"] = "-mean"


def _field_errors(error: ValidationError) -> FieldErrors:
    return FieldErrors.from_validation_error(error)


def _file(stored: Any) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {"name": stored.name, "size": stored.size, "content_type": stored.content_type}


def _detail(request: HttpRequest, review: Review) -> dict[str, Any]:
    sheet = review_selectors.review_sheet(review=review, user=request.user, language=get_language() or "en")
    application = sheet.application
    call = application.call
    organization = application.organization
    return {
        "id": review.pk,
        "status": review.status,
        "application": application.reference,
        "title": application.title if sheet.identity_visible else None,
        "call": call.slug,
        "call_title": call.title,
        "blind_review": call.blind_review,
        "stage": application.stage.name if application.stage else None,
        "due_at": application.stage.closes_at if application.stage else None,
        "total": _text(review.total),
        "assigned_at": review.assigned_at,
        "submitted_at": review.submitted_at,
        "url": reverse("review_detail", args=[review.pk]),
        "applicant": {
            "organization": organization.name,
            "country": organization.country_id,
            "summary": application.summary,
        }
        if sheet.identity_visible
        else None,
        "comment": review.comment,
        "scores": [
            {
                "criterion": line.criterion.pk,
                "name": line.criterion.name,
                "weight": line.criterion.weight,
                "guidance": list(line.criterion.guidance or []),
                "score": line.score,
                "comment": line.comment,
            }
            for line in sheet.criteria
        ],
        "answers": [
            {
                "question": line.question.pk,
                "section": section,
                "kind": line.question.kind,
                "label": line.label,
                "answer": line.answer,
                "file": {
                    "name": line.file.name,
                    "size": line.file.size,
                    "content_type": line.file.content_type,
                }
                if line.file
                else None,
            }
            for section, lines in sheet.sections
            for line in lines
        ],
        "others": None
        if sheet.others is None
        else [
            {
                "reviewer": f"Reviewer {other.number}",
                "total": _text(other.total),
                "comment": other.comment,
                "scores": [
                    {
                        "criterion": line.criterion.pk,
                        "name": line.criterion.name,
                        "score": line.score,
                        "comment": line.comment,
                    }
                    for line in other.scores
                ],
            }
            for other in sheet.others
        ],
    }


@router.get("/reviews", response=list[ReviewOut], summary="List your review assignments (reviewers)")
@paginate(Pages, page_size=50)
def list_reviews(request: HttpRequest, filters: Query[ReviewFilterIn]) -> Any:
    if not access.can_review(request.user):
        raise PermissionDenied
    return review_selectors.review_list(user=request.user, call=filters.call, status=filters.status)


@router.get("/reviews/{review_id}", response=ReviewDetailOut, summary="One of your reviews, with its scores")
def get_review(request: HttpRequest, review_id: int) -> Any:
    return _detail(request, access.get_review_for_user(request.user, review_id))


@router.put(
    "/reviews/{review_id}",
    response=ReviewDetailOut,
    summary="Save your scores as a draft, or submit them",
)
def save_review(request: HttpRequest, review_id: int, payload: ReviewIn) -> Any:
    review = access.get_review_for_user(request.user, review_id)
    scores: dict[int, tuple[int | None, str]] = {}
    for item in payload.scores:
        if item.criterion in scores:
            raise FieldErrors({f"scores.{item.criterion}": ["This criterion is given twice."]})
        scores[item.criterion] = (item.score, item.comment)
    try:
        services.review_save(
            actor=request.user,
            review=review,
            scores=scores,
            comment=review.comment if payload.comment is None else payload.comment,
            submit=payload.submit,
        )
    except ValidationError as error:
        raise _field_errors(error) from error
    return _detail(request, access.get_review_for_user(request.user, review_id))


@router.post(
    "/reviews/{review_id}/conflict",
    response={201: ReviewConflictOut},
    summary="Declare a conflict of interest: you are recused and another reviewer is assigned",
)
def declare_review_conflict(request: HttpRequest, review_id: int, payload: ReviewConflictIn) -> Any:
    review = access.get_review_for_user(request.user, review_id)
    try:
        conflict = services.conflict_declare(
            actor=request.user, application=review.application, note=payload.note
        )
    except ValidationError as error:
        raise _field_errors(error) from error
    return Status(
        201,
        {
            "application": review.application.reference,
            "declared_at": conflict.declared_at,
            "detail": "You are recused from this application.",
        },
    )


@router.get(
    "/calls/{slug}/ranking",
    response=list[RankingRowOut],
    summary="The ranking of a call's submitted applications by mean score (managers)",
)
@paginate(Pages, page_size=50)
def call_ranking(request: HttpRequest, slug: str, filters: Query[RankingFilterIn]) -> Any:
    if not access.can_manage_applications(request.user):
        raise PermissionDenied
    call = access.get_call_for_user(request.user, slug)
    return review_selectors.ranking(
        call=call,
        filters=review_selectors.RankingFilters(
            stage=filters.stage,
            eligibility=filters.eligibility,
            disagreement=filters.disagreement,
            min_reviews=filters.min_reviews,
            sort=filters.sort,
        ),
    )
