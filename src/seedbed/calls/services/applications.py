"""The applicant's side: start an application, save drafts, upload files, submit, withdraw; and the
screening that runs on submission, with the manager's override.

Drafts are forgiving: whatever the applicant types is kept (autosave must never lose work) and the
problems are reported; ``application_submit`` is strict. The deadline is the server's clock against the
call's ``closes_at``, to the second: a submission at ``closes_at`` itself is late.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.calls import access
from seedbed.calls.models import (
    CHOICE_KINDS,
    Application,
    ApplicationFile,
    ApplicationStatus,
    Call,
    CheckResult,
    Eligibility,
    EligibilityCheck,
    EligibilityRule,
    MessageKind,
    Outcome,
    Question,
    QuestionKind,
    RuleCheck,
    RuleKind,
)
from seedbed.calls.selectors.calls import applicant_rules
from seedbed.calls.services.messages import message_write
from seedbed.core.audit import audit_record
from seedbed.core.models import Organization

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 20_000

# The first bytes of the file types applicants upload most. A file whose extension is in this table must
# start with one of the signatures; text types must be UTF-8 without NUL bytes. Other extensions a call
# allows are checked by name and size only.
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": _ZIP,
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
}
TEXT_TYPES = frozenset({"txt", "csv", "md"})


# --- Answers ------------------------------------------------------------------------------------------


def _words(text: str) -> int:
    return len(text.split())


def answer_problem(question: Question, value: Any) -> str | None:
    """What is wrong with ``value`` as an answer to ``question``, or None. Empty answers are fine here
    (``required`` is checked on submission)."""
    if value in (None, "", []):
        return None
    kind = question.kind
    if kind in {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}:
        text = str(value)
        if kind == QuestionKind.SHORT_TEXT and len(text) > SHORT_TEXT_MAX:
            return _("Keep it under %(count)s characters.") % {"count": SHORT_TEXT_MAX}
        if len(text) > LONG_TEXT_MAX:
            return _("Keep it under %(count)s characters.") % {"count": LONG_TEXT_MAX}
        if question.word_limit and _words(text) > question.word_limit:
            return ngettext(
                "%(words)s words: the limit is %(limit)s word.",
                "%(words)s words: the limit is %(limit)s words.",
                question.word_limit,
            ) % {"words": _words(text), "limit": question.word_limit}
        return None
    if kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            return _("Enter a number.")
        return None if number.is_finite() else _("Enter a number.")
    if kind == QuestionKind.SINGLE_CHOICE:
        return None if value in question.choices else _("Choose one of the options.")
    if kind == QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(value, list) or any(item not in question.choices for item in value):
            return _("Choose among the options.")
        return None
    if kind in {QuestionKind.URL, QuestionKind.REPOSITORY_URL}:
        try:
            URLValidator(schemes=["http", "https"])(str(value))
        except ValidationError:
            return _("Enter a full web address, starting with https://.")
        if kind == QuestionKind.REPOSITORY_URL:
            parts = [part for part in urlsplit(str(value)).path.split("/") if part]
            if len(parts) < 2:
                return _("Enter the address of the repository itself, e.g. https://github.com/owner/project.")
        return None
    if kind == QuestionKind.DATE:
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return _("Enter a date as YYYY-MM-DD.")
        return None
    return None


def _clean_value(question: Question, value: Any) -> Any:
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        items = value if isinstance(value, list) else ([value] if value else [])
        return [str(item) for item in items]
    if question.kind == QuestionKind.FILE:
        return None  # files arrive through application_file_upload
    return "" if value is None else str(value).strip()


def _questions(call: Call) -> list[Question]:
    return list(call.questions.order_by("position"))


# --- Drafts -------------------------------------------------------------------------------------------


def _require_open(call: Call, now: dt.datetime) -> None:
    if call.status_at(now) == "draft":
        raise ValidationError(_("This call is not open yet."), code="call_not_open")
    if not call.is_open(now):
        raise ValidationError(
            _("This call closed on %(deadline)s (%(zone)s).")
            % {"deadline": call.closes_at_local.strftime("%Y-%m-%d %H:%M:%S"), "zone": call.time_zone},
            code="call_closed",
        )


def _lock_draft(actor: Any, application: Application) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organization")
        .get(pk=application.pk)
    )
    if not access.is_member(actor, locked):
        raise PermissionDenied
    if not locked.is_draft:
        raise ValidationError(
            _("This application was submitted; it can no longer be changed."), code="not_draft"
        )
    return locked


@transaction.atomic
def application_start(
    *, actor: Any, call: Call, organization: Organization, title: str, now: dt.datetime | None = None
) -> Application:
    """A member of ``organization`` starts a draft. One live application per organization and call."""
    if not access.is_signed_in(actor) or not organization.memberships.filter(user=actor).exists():
        raise PermissionDenied
    call = Call.objects.select_for_update().get(pk=call.pk)
    _require_open(call, now or timezone.now())
    if not title.strip():
        raise ValidationError({"title": [_("Give your solution a name.")]})
    existing = (
        Application.objects.filter(call=call, organization=organization)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            _("%(organization)s already has an application to this call: %(reference)s.")
            % {"organization": organization.name, "reference": existing.reference},
            code="already_applied",
        )
    number = int(Application.objects.filter(call=call).aggregate(top=Max("number"))["top"] or 0) + 1
    application = Application.objects.create(
        call=call, number=number, organization=organization, created_by=actor, title=title.strip()[:200]
    )
    audit_record(
        actor=actor,
        action="application.start",
        target=application,
        changes={"call": [None, call.slug], "organization": [None, organization.name]},
    )
    return application


@transaction.atomic
def application_save(
    *,
    actor: Any,
    application: Application,
    data: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> dict[str, str]:
    """Save a draft: ``data`` may hold ``title``, ``summary``, ``answers`` ({question id: value}) and
    ``rule_answers`` ({rule id: {"meets": bool, "note": str}}), each only in part (autosave sends what
    changed). Everything is kept; returns the problems found, {"q<id>" or field: message}."""
    application = _lock_draft(actor, application)
    _require_open(application.call, now or timezone.now())
    problems: dict[str, str] = {}
    changed: list[str] = []
    if "title" in data:
        title = str(data["title"] or "").strip()[:200]
        if title:
            application.title = title
            changed.append("title")
        else:
            problems["title"] = _("Give your solution a name.")
    if "summary" in data:
        application.summary = str(data["summary"] or "").strip()[:2000]
        changed.append("summary")
    if "answers" in data:
        questions = {str(question.pk): question for question in _questions(application.call)}
        answers = dict(application.answers)
        for key, value in (data["answers"] or {}).items():
            question = questions.get(str(key))
            if question is None or question.kind == QuestionKind.FILE:
                continue
            cleaned = _clean_value(question, value)
            answers[str(question.pk)] = cleaned
            problem = answer_problem(question, cleaned)
            if problem:
                problems[f"q{question.pk}"] = problem
        application.answers = answers
        changed.append("answers")
    if "rule_answers" in data:
        rules = {str(rule.pk) for rule in applicant_rules(application.call)}
        rule_answers = dict(application.rule_answers)
        for key, value in (data["rule_answers"] or {}).items():
            if str(key) in rules and isinstance(value, Mapping):
                rule_answers[str(key)] = {
                    "meets": value.get("meets") if value.get("meets") in (True, False) else None,
                    "note": str(value.get("note") or "").strip()[:2000],
                }
        application.rule_answers = rule_answers
        changed.append("rule_answers")
    if changed:
        application.save(update_fields=[*changed, "updated_at"])
    # Drafts change many times a minute while autosaving: the audit log records start, submission and
    # withdrawal, not every keystroke.
    return problems


def _file_problem(question: Question, upload: UploadedFile, head: bytes) -> str | None:
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [item.lower().lstrip(".") for item in question.allowed_file_types]
    if extension not in allowed:
        return _("Upload a file of type %(types)s.") % {"types": ", ".join(allowed)}
    limit = (question.max_file_mb or 0) * 1024 * 1024
    if upload.size is None or upload.size > limit:
        return _("The file is larger than %(mb)s MB.") % {"mb": question.max_file_mb}
    if upload.size == 0:
        return _("The file is empty.")
    if extension in SIGNATURES and not head.startswith(SIGNATURES[extension]):
        return _("This file is not a real %(type)s file.") % {"type": extension.upper()}
    if extension in TEXT_TYPES and b"\x00" in head:
        return _("This file is not a text file.")
    return None


@transaction.atomic
def application_file_upload(
    *,
    actor: Any,
    application: Application,
    question: Question,
    upload: UploadedFile,
    now: dt.datetime | None = None,
) -> ApplicationFile:
    """Attach (or replace) the file answering a file question, checking its type, content and size."""
    application = _lock_draft(actor, application)
    _require_open(application.call, now or timezone.now())
    if question.call_id != application.call_id or question.kind != QuestionKind.FILE:
        raise ValidationError({f"q{question.pk}": [_("This question does not take a file.")]})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    problem = _file_problem(question, upload, head)
    if problem:
        raise ValidationError({f"q{question.pk}": [problem]})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    previous = ApplicationFile.objects.filter(application=application, question=question).first()
    if previous is not None:
        old_name = previous.file.name
        previous.delete()
        transaction.on_commit(lambda: previous.file.storage.delete(old_name))
    stored = ApplicationFile(
        application=application,
        question=question,
        name=(upload.name or "file")[-200:],
        content_type=(upload.content_type or "application/octet-stream")[:120],
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    stored.file.save("upload", upload, save=False)
    stored.save()
    audit_record(
        actor=actor,
        action="application.file_upload",
        target=application,
        changes={
            "question": [None, question.label],
            "file": [None, stored.name],
            "size": [None, stored.size],
        },
    )
    return stored


@transaction.atomic
def application_file_remove(*, actor: Any, application: Application, stored: ApplicationFile) -> None:
    application = _lock_draft(actor, application)
    if stored.application_id != application.pk:
        raise PermissionDenied
    name = stored.file.name
    storage = stored.file.storage
    stored.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        actor=actor,
        action="application.file_remove",
        target=application,
        changes={"file": [stored.name, None]},
    )


@transaction.atomic
def application_delete(*, actor: Any, application: Application) -> None:
    """A draft may be thrown away by its organization; nothing of it remains."""
    application = _lock_draft(actor, application)
    names = [(stored.file.storage, stored.file.name) for stored in application.files.all()]
    audit_record(actor=actor, action="application.delete", target=application)
    application.files.all().delete()
    application.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


# --- Submission ---------------------------------------------------------------------------------------


def submission_problems(application: Application) -> dict[str, str]:
    """Everything that stops ``application`` from being submitted, {field: message}."""
    problems: dict[str, str] = {}
    if not application.title.strip():
        problems["title"] = _("Give your solution a name.")
    files = set(application.files.values_list("question_id", flat=True))
    for question in _questions(application.call):
        key = f"q{question.pk}"
        if question.kind == QuestionKind.FILE:
            if question.required and question.pk not in files:
                problems[key] = _("Upload a file.")
            continue
        value = application.answers.get(str(question.pk))
        if question.required and value in (None, "", []):
            problems[key] = _("Answer this question.")
            continue
        problem = answer_problem(question, value)
        if problem:
            problems[key] = problem
    for rule in applicant_rules(application.call):
        answer = application.rule_answers.get(str(rule.pk)) or {}
        if answer.get("meets") not in (True, False):
            problems[f"rule{rule.pk}"] = _("Say whether you meet this rule.")
    return problems


def _answer_text(question: Question, value: Any, files: Mapping[int, ApplicationFile]) -> str:
    if question.kind == QuestionKind.FILE:
        stored = files.get(question.pk)
        return f"{stored.name} ({stored.size} B, sha256 {stored.sha256[:12]}…)" if stored else ""
    if question.kind in CHOICE_KINDS and isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def _submitted_copy(application: Application) -> list[dict[str, str]]:
    files = {stored.question_id: stored for stored in application.files.all()}
    copy = [
        {"label": str(_("Name of the solution")), "answer": application.title},
        {"label": str(_("Summary")), "answer": application.summary},
    ]
    for question in _questions(application.call):
        copy.append(
            {
                "label": question.label,
                "answer": _answer_text(question, application.answers.get(str(question.pk)), files),
            }
        )
    for rule in applicant_rules(application.call):
        answer = application.rule_answers.get(str(rule.pk)) or {}
        meets = _("Yes") if answer.get("meets") else _("No")
        note = answer.get("note") or ""
        copy.append({"label": rule.describe(), "answer": f"{meets} — {note}" if note else meets})
    return copy


def _check(application: Application, rule: EligibilityRule) -> EligibilityCheck:
    """The screening result of one rule, with the reason as a code and its values (each reader reads it in
    their own language) and the applicant's own note."""
    check = EligibilityCheck(application=application, rule=rule, result=CheckResult.TO_VERIFY)
    if rule.check_mode == RuleCheck.AUTOMATIC:
        organization = application.organization
        passed = rule.evaluate(organization)
        if rule.kind == RuleKind.PROGRAMME_COUNTRY:
            if organization.country is None:
                check.result, check.reason_code = CheckResult.FAILED, "no_country"
            else:
                check.result = CheckResult.PASSED if passed else CheckResult.FAILED
                check.reason_code = "programme_country" if passed else "not_programme_country"
                check.reason_params = {
                    "country": organization.country.name,
                    "iso2": organization.country.iso2,
                }
        elif rule.kind == RuleKind.ORGANIZATION_KINDS:
            check.result = CheckResult.PASSED if passed else CheckResult.FAILED
            check.reason_code = "kind_allowed" if passed else "kind_not_allowed"
            check.reason_params = {"kind": organization.kind}
        return check
    answer = application.rule_answers.get(str(rule.pk)) or {}
    check.applicant_note = str(answer.get("note") or "")
    if answer.get("meets") is False:
        check.result, check.reason_code = CheckResult.FAILED, "applicant_does_not_meet"
    else:
        check.reason_code = "applicant_meets"
    return check


def _summarize(checks: list[EligibilityCheck]) -> str:
    outcomes = {check.outcome for check in checks}
    if CheckResult.FAILED in outcomes:
        return Eligibility.INELIGIBLE
    if CheckResult.TO_VERIFY in outcomes:
        return Eligibility.TO_VERIFY
    return Eligibility.ELIGIBLE


def eligibility_screen(application: Application) -> list[EligibilityCheck]:
    """Run every rule of the call against ``application`` and store the results (inside a service)."""
    checks = [_check(application, rule) for rule in application.call.rules.order_by("position")]
    EligibilityCheck.objects.filter(application=application).delete()
    EligibilityCheck.objects.bulk_create(checks)
    application.eligibility = _summarize(checks)
    application.save(update_fields=["eligibility", "updated_at"])
    return checks


@transaction.atomic
def application_submit(
    *, actor: Any, application: Application, now: dt.datetime | None = None
) -> Application:
    """Submit a complete draft before the deadline: it enters the call's first stage, is screened for
    eligibility, and the organization's members get a confirmation with a copy of what was sent."""
    now = now or timezone.now()
    application = _lock_draft(actor, application)
    _require_open(application.call, now)
    problems = submission_problems(application)
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()})
    first = application.call.stages.order_by("position").first()
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.submitted_by = actor
    application.stage = first
    application.submitted_copy = _submitted_copy(application)
    application.save(
        update_fields=["status", "submitted_at", "submitted_by", "stage", "submitted_copy", "updated_at"]
    )
    eligibility_screen(application)
    audit_record(
        actor=actor,
        action="application.submit",
        target=application,
        changes={
            "status": [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
            "submitted_at": [None, now],
        },
    )
    message_write(
        actor=None,
        application=application,
        kind=MessageKind.CONFIRMATION,
        subject=_("Application %(reference)s received") % {"reference": application.reference},
        body=render_to_string("emails/application_submitted.txt", {"application": application}),
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application, reason: str = "") -> Application:
    """The organization withdraws a submitted application that is not yet decided."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organization")
        .get(pk=application.pk)
    )
    if not access.is_member(actor, application):
        raise PermissionDenied
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be withdrawn."), code="not_submitted")
    if application.outcome != Outcome.PENDING:
        raise ValidationError(
            _("This application has been decided; write to the fund instead."), code="decided"
        )
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(
        actor=actor,
        action="application.withdraw",
        target=application,
        changes={
            "status": [ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN],
            "reason": [None, reason],
        },
    )
    return application


@transaction.atomic
def eligibility_override(
    *, actor: Any, check: EligibilityCheck, decision: str, note: str
) -> EligibilityCheck:
    """A manager decides a rule (passed or failed) with a written note; the summary follows."""
    if not access.can_manage_applications(actor):
        raise PermissionDenied
    check = (
        EligibilityCheck.objects.select_for_update(of=("self",))
        .select_related("application", "rule")
        .get(pk=check.pk)
    )
    errors: dict[str, list[str]] = {}
    if decision not in (CheckResult.PASSED, CheckResult.FAILED):
        errors["decision"] = [_("Choose whether the rule is met.")]
    if not note.strip():
        errors["note"] = [_("Write why: the note is kept in the application's history.")]
    if errors:
        raise ValidationError(errors)
    before = check.outcome
    check.override, check.override_note = decision, note.strip()
    check.overridden_by, check.overridden_at = actor, timezone.now()
    check.save()
    application = check.application
    application.eligibility = _summarize(list(application.eligibility_checks.all()))
    application.save(update_fields=["eligibility", "updated_at"])
    audit_record(
        actor=actor,
        action="application.eligibility_override",
        target=application,
        changes={
            "rule": [None, check.rule.describe()],
            "result": [before, decision],
            "note": [None, check.override_note],
        },
    )
    return check
