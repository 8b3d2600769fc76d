"""Applications through the API: an applicant's own (read, and write while a draft), one application as
the reader may see it (reviewers of a blind call do not see who applied), and the managers' list per call.
"""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from seedbed.calls import access, services
from seedbed.calls.api.common import router
from seedbed.calls.models import Application, ApplicationStatus, Call
from seedbed.calls.selectors import applications as application_selectors
from seedbed.core.api import FieldErrors, Pages


class ApplicationOut(Schema):
    id: int
    reference: str = Field(description="The call's short name and the application's number")
    call: str = Field(description="The call's short name")
    title: str
    organization: str = Field(description="The organization's short name")
    status: str = Field(description="draft, submitted or withdrawn")
    stage: str | None = Field(description="The stage's name; none for drafts")
    stage_kind: str | None
    eligibility: str = Field(description="'' (not screened), eligible, to_verify or ineligible")
    outcome: str = Field(description="'' (not decided), awarded or declined")
    submitted_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_call(obj: Application) -> str:
        return obj.call.slug

    @staticmethod
    def resolve_organization(obj: Application) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_stage(obj: Application) -> str | None:
        return obj.stage.name if obj.stage else None

    @staticmethod
    def resolve_stage_kind(obj: Application) -> str | None:
        return obj.stage.kind if obj.stage else None

    @staticmethod
    def resolve_url(obj: Application) -> str:
        return obj.get_absolute_url()


class AnswerOut(Schema):
    question: int = Field(description="The question's id")
    label: str
    kind: str
    value: Any = Field(description="Text, a list of choices, or the file's name; null when hidden or empty")
    hidden: bool = Field(description="True where a blind review hides the answer from this reader")


class CheckOut(Schema):
    rule: str
    result: str
    reason: str
    override: str
    override_note: str


class MessageOut(Schema):
    kind: str
    subject: str
    body: str
    sent_at: dt.datetime


class ApplicationDetailOut(Schema):
    id: int
    reference: str
    call: str
    title: str | None = Field(description="Null where a blind review hides it")
    summary: str | None = Field(description="Null where a blind review hides it (it often names the team)")
    organization: str | None = Field(description="Null where a blind review hides it")
    identity_hidden: bool
    status: str
    stage: str | None
    eligibility: str | None = Field(description="Managers and the applicant only")
    outcome: str
    submitted_at: dt.datetime | None
    answers: list[AnswerOut]
    rule_answers: dict[str, Any] = Field(description="The applicant's own answers to the rules they answer")
    eligibility_checks: list[CheckOut]
    messages: list[MessageOut]


class StartIn(Schema):
    organization: str = Field(description="The short name of an organization you belong to")
    title: str


class DraftIn(Schema):
    title: str | None = None
    summary: str | None = None
    answers: dict[str, Any] | None = Field(None, description="{question id: value}; a part is enough")
    rule_answers: dict[str, Any] | None = Field(None, description='{rule id: {"meets": true, "note": "…"}}')


class DraftOut(Schema):
    application: ApplicationOut
    problems: dict[str, str] = Field(description="What stops submission so far: {q<id> or field: message}")


class WithdrawIn(Schema):
    reason: str = ""


class ManagerFilterIn(Schema):
    q: str = ""
    stage: int | None = Field(None, description="A stage's id")
    status: str = Field("", description="submitted or withdrawn")
    eligibility: str = Field("", description="eligible, to_verify, ineligible or none")


def _errors(error: ValidationError) -> FieldErrors:
    return FieldErrors.from_validation_error(error)


def _detail(user: Any, application: Application) -> dict[str, Any]:
    identity = access.identity_visible(user, application)
    member = access.is_member(user, application)
    manager = access.can_manage_applications(user)
    files = {stored.question_id: stored.name for stored in application.files.all()}
    answers = []
    for question in application.call.questions.order_by("position"):
        hidden = question.hidden_in_blind_review and not identity
        value = (
            files.get(question.pk) if question.kind == "file" else application.answers.get(str(question.pk))
        )
        answers.append(
            {
                "question": question.pk,
                "label": question.label,
                "kind": question.kind,
                "value": None if hidden else value,
                "hidden": hidden,
            }
        )
    checks = []
    if manager or member:
        checks = [
            {
                "rule": check.rule.describe(),
                "result": check.result,
                "reason": check.reason,
                "override": check.override,
                "override_note": check.override_note if manager else "",
            }
            for check in application.eligibility_checks.select_related("rule")
            if manager or check.outcome == "failed"
        ]
    return {
        "id": application.pk,
        "reference": application.reference,
        "call": application.call.slug,
        "title": application.title if identity else None,
        "summary": application.summary if identity else None,
        "organization": application.organization.slug if identity else None,
        "identity_hidden": not identity,
        "status": application.status,
        "stage": application.stage.name if application.stage else None,
        "eligibility": application.eligibility if (manager or member) else None,
        "outcome": application.outcome,
        "submitted_at": application.submitted_at,
        "answers": answers,
        "rule_answers": application.rule_answers if (manager or member) else {},
        "eligibility_checks": checks,
        "messages": list(application.messages.values("kind", "subject", "body", "sent_at"))
        if (manager or member)
        else [],
    }


@router.get("/applications", response=list[ApplicationOut], summary="My organizations' applications")
@paginate(Pages, page_size=50)
def list_my_applications(request: HttpRequest) -> Any:
    return application_selectors.my_applications(user=request.user)


@router.get("/applications/{application_id}", response=ApplicationDetailOut, summary="One application")
def get_application(request: HttpRequest, application_id: int) -> Any:
    return _detail(request.user, access.get_application_for_user(request.user, application_id))


@router.post(
    "/calls/{slug}/applications",
    response={201: ApplicationOut},
    summary="Start an application (a draft) to an open call",
)
def start_application(request: HttpRequest, slug: str, payload: StartIn) -> Any:
    call = access.get_call_for_user(request.user, slug)
    organization = access.organizations_of(request.user).filter(slug=payload.organization).first()
    if organization is None:
        raise FieldErrors({"organization": ["You do not belong to an organization with this short name."]})
    try:
        application = services.application_start(
            actor=request.user, call=call, organization=organization, title=payload.title
        )
    except ValidationError as error:
        raise _errors(error) from None
    return Status(201, application)


@router.patch("/applications/{application_id}", response=DraftOut, summary="Save a draft (in part)")
def save_application(request: HttpRequest, application_id: int, payload: DraftIn) -> Any:
    application = access.get_application_for_user(request.user, application_id, write=True)
    data = {key: value for key, value in payload.dict().items() if value is not None}
    try:
        services.application_save(actor=request.user, application=application, data=data)
    except ValidationError as error:
        raise _errors(error) from None
    application.refresh_from_db()
    return {"application": application, "problems": services.submission_problems(application)}


@router.post("/applications/{application_id}/submit", response=ApplicationOut, summary="Submit a draft")
def submit_application(request: HttpRequest, application_id: int) -> Any:
    application = access.get_application_for_user(request.user, application_id, write=True)
    try:
        return services.application_submit(actor=request.user, application=application)
    except ValidationError as error:
        raise _errors(error) from None


@router.post("/applications/{application_id}/withdraw", response=ApplicationOut, summary="Withdraw")
def withdraw_application(request: HttpRequest, application_id: int, payload: WithdrawIn) -> Any:
    application = access.get_application_for_user(request.user, application_id)
    try:
        return services.application_withdraw(
            actor=request.user, application=application, reason=payload.reason
        )
    except ValidationError as error:
        raise _errors(error) from None


@router.get(
    "/calls/{slug}/applications",
    response=list[ApplicationOut],
    summary="A call's applications (managers)",
)
@paginate(Pages, page_size=50)
def list_call_applications(request: HttpRequest, slug: str, filters: Query[ManagerFilterIn]) -> Any:
    if not access.can_manage_applications(request.user):
        raise PermissionDenied
    call: Call = access.get_call_for_user(request.user, slug)
    if filters.status and filters.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN):
        raise FieldErrors({"status": ["Use submitted or withdrawn."]})
    return application_selectors.call_applications(
        user=request.user,
        call=call,
        filters=application_selectors.ApplicationFilters(
            q=filters.q, stage=filters.stage, status=filters.status, eligibility=filters.eligibility
        ),
    )
