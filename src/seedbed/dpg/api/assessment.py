"""The DPG Standard assessment, the DPG status and the nomination export through the API."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Schema

from seedbed.core.api import FieldErrors
from seedbed.dpg import access, nominations, services
from seedbed.dpg.api.scans import router
from seedbed.dpg.models import DpgStatus, IndicatorAnswer

Code = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9a", "9b", "9c"]
YesNoUnknown = Literal["Yes", "No", "Unknown", ""]


class ItemOut(Schema):
    indicator: str = Field(description="1-8, 9a, 9b or 9c")
    title: str
    requirement: str
    question: str = Field(description="What the DPGA application asks")
    state: str = Field(description="met, not_met, waiting (for a sign-off), suggested (by a scan) or missing")
    answer: str
    evidence_urls: list[str]
    met: bool | None = Field(description="The team's view, or the reviewer's once signed off")
    details: dict[str, str] = Field(description="Answers to the DPGA's screening questions (Yes/No/Unknown)")
    suggested: bool
    suggestion_source: str
    signed_off_by: str | None
    signed_off_at: dt.datetime | None
    review_note: str
    lacks_evidence: bool


class AssessmentOut(Schema):
    solution: str
    met: int = Field(description="Items met and signed off")
    total: int
    complete: bool
    items: list[ItemOut]


class AnswerIn(Schema):
    answer: str = ""
    evidence_urls: list[str] = []
    met: bool | None = None
    details: dict[str, YesNoUnknown] = Field(
        {}, description='Screening questions of this item by field name, e.g. {"collectsPII": "Yes"}'
    )


class SignOffIn(Schema):
    met: bool
    note: str = Field("", description="Required when not met: what is missing")


class DpgStatusOut(Schema):
    status: str = Field(description="none, nominee, dpg or expired")
    since: dt.date | None
    expires_on: dt.date | None
    days_left: int | None
    renewal_open: bool
    expired: bool
    source: str = Field(description="registry or manual")
    registry_record: str | None = Field(description="The key of its DPGA registry record")


class DpgStatusIn(Schema):
    status: Literal["none", "nominee", "dpg", "expired"]
    since: dt.date | None = None
    expires_on: dt.date | None = Field(None, description="Default: one year after since (for a DPG)")


class NominationOut(Schema):
    valid: bool = Field(description="Both documents validate and nothing the DPGA would send back is missing")
    errors: list[str] = Field(description="What to fix, in plain words")
    nominee: dict[str, Any] = Field(description="Valid against the DPGA's nominee-schema.json when valid")
    screening: dict[str, Any] = Field(description="Valid against the DPGA's screening-schema.json when valid")


def _assessment(solution: Any) -> AssessmentOut:
    readiness = services.readiness(solution)
    items = []
    for row in readiness.rows:
        answer: IndicatorAnswer | None = row.answer
        items.append(
            ItemOut(
                indicator=row.item.code,
                title=row.item.title,
                requirement=str(row.item.requirement),
                question=str(row.item.question),
                state=row.state,
                answer=answer.answer if answer else "",
                evidence_urls=list(answer.evidence_urls or []) if answer else [],
                met=answer.met if answer else None,
                details=dict(answer.details or {}) if answer else {},
                suggested=bool(answer and answer.suggested),
                suggestion_source=answer.suggestion_source if answer else "",
                signed_off_by=answer.signed_off_by.username if answer and answer.signed_off_by else None,
                signed_off_at=answer.signed_off_at if answer else None,
                review_note=answer.review_note if answer else "",
                lacks_evidence=row.lacks_evidence,
            )
        )
    return AssessmentOut(
        solution=solution.slug,
        met=readiness.met,
        total=readiness.total,
        complete=readiness.complete,
        items=items,
    )


@router.get("/solutions/{slug}/assessment", response=AssessmentOut)
def assessment_detail(request: HttpRequest, slug: str) -> Any:
    """The eleven items of the DPG Standard with answers, evidence, suggestions and sign-offs."""
    return _assessment(access.get_solution_for_user(request.user, slug))


@router.post("/solutions/{slug}/assessment/from-registry", response=AssessmentOut)
def assessment_from_registry(request: HttpRequest, slug: str) -> Any:
    """Pre-fill empty items from the solution's DPGA registry record (for a renewal), as suggestions."""
    solution = access.get_solution_for_user(request.user, slug)
    if not access.can_answer(request.user, solution):
        raise PermissionDenied
    try:
        services.assessment_from_registry(actor=request.user, solution=solution)
    except ValidationError as error:
        raise FieldErrors.from_validation_error(error) from None
    return _assessment(solution)


@router.put("/solutions/{slug}/assessment/{indicator}", response=ItemOut)
def answer_update(request: HttpRequest, slug: str, indicator: Code, payload: AnswerIn) -> Any:
    """Write an item's answer (the team, fund managers, mentors, administrators). Changing a signed-off
    answer withdraws its sign-off."""
    solution = access.get_solution_for_user(request.user, slug)
    if not access.can_answer(request.user, solution):
        raise PermissionDenied
    try:
        services.answer_save(
            actor=request.user,
            solution=solution,
            indicator=indicator,
            answer=payload.answer,
            evidence_urls=payload.evidence_urls,
            met=payload.met,
            details=dict(payload.details),
        )
    except ValidationError as error:
        raise FieldErrors.from_validation_error(error) from None
    return next(item for item in _assessment(solution).items if item.indicator == indicator)


@router.post("/solutions/{slug}/assessment/{indicator}/sign-off", response=ItemOut)
def answer_sign_off(request: HttpRequest, slug: str, indicator: Code, payload: SignOffIn) -> Any:
    """A reviewer (fund manager, mentor, administrator; not on the team) signs the item off as met or not."""
    solution = access.get_solution_for_user(request.user, slug)
    if not access.can_sign_off(request.user, solution):
        raise PermissionDenied
    try:
        services.answer_sign_off(
            actor=request.user, solution=solution, indicator=indicator, met=payload.met, note=payload.note
        )
    except ValidationError as error:
        raise FieldErrors.from_validation_error(error) from None
    return next(item for item in _assessment(solution).items if item.indicator == indicator)


def _status_out(status: DpgStatus | None) -> DpgStatusOut:
    if status is None:
        return DpgStatusOut(
            status="none",
            since=None,
            expires_on=None,
            days_left=None,
            renewal_open=False,
            expired=False,
            source="manual",
            registry_record=None,
        )
    return DpgStatusOut(
        status=status.status,
        since=status.since,
        expires_on=status.expires_on,
        days_left=status.days_left(),
        renewal_open=status.renewal_open(),
        expired=status.expired(),
        source=status.source,
        registry_record=status.registry_record.key if status.registry_record else None,
    )


@router.get("/solutions/{slug}/dpg-status", response=DpgStatusOut)
def dpg_status_detail(request: HttpRequest, slug: str) -> Any:
    solution = access.get_solution_for_user(request.user, slug)
    return _status_out(DpgStatus.objects.select_related("registry_record").filter(solution=solution).first())


@router.put("/solutions/{slug}/dpg-status", response=DpgStatusOut)
def dpg_status_update(request: HttpRequest, slug: str, payload: DpgStatusIn) -> Any:
    """Record the DPG status (fund managers and administrators)."""
    solution = access.get_solution_for_user(request.user, slug)
    if not access.can_set_dpg_status(request.user):
        raise PermissionDenied
    try:
        status = services.dpg_status_set(
            actor=request.user,
            solution=solution,
            status=payload.status,
            since=payload.since,
            expires_on=payload.expires_on,
        )
    except ValidationError as error:
        raise FieldErrors.from_validation_error(error) from None
    return _status_out(status)


@router.get("/solutions/{slug}/nomination", response=NominationOut)
def nomination_detail(request: HttpRequest, slug: str) -> Any:
    """The nomination export: the nominee record and screening answers in the registry's format, with
    what keeps them from being accepted."""
    solution = access.get_solution_for_user(request.user, slug)
    nominee, screening, errors = nominations.nomination_for(solution)
    return NominationOut(valid=not errors, errors=errors, nominee=nominee, screening=screening)
