"""The applicant portal (start, draft with autosave, files, submit, withdraw, follow) and the managers'
pages on applications (table with bulk stage moves, board, screening overrides, messages)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seedbed.calls import access, selectors, services
from seedbed.calls.forms.applications import (
    AnswerForm,
    ApplicationFilterForm,
    FileForm,
    MessageForm,
    MoveForm,
    OverrideForm,
    StartForm,
    WithdrawForm,
)
from seedbed.calls.models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    Call,
    EligibilityCheck,
    Question,
    QuestionKind,
)
from seedbed.calls.selectors import applications as application_selectors
from seedbed.core.views.common import add_service_errors, paginate, querystring_without

# --- Applicants ---------------------------------------------------------------------------------------


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    page = paginate(request, application_selectors.my_applications(user=request.user))
    return render(
        request,
        "calls/applications/my_applications.html",
        {"page": page, "organizations": access.organizations_of(request.user)},
    )


@login_required
def application_start(request: HttpRequest, slug: str) -> HttpResponse:
    call = access.get_call_for_user(request.user, slug)
    organizations = access.organizations_of(request.user)
    form = StartForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                actor=request.user,
                call=call,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved as you write. Submit it before the deadline."))
            return redirect("application_edit", pk=application.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "calls/applications/start.html",
        {"call": call, "form": form, "has_organizations": organizations.exists(), "is_open": call.is_open()},
        status=status,
    )


Outline = list[tuple[Any, list[tuple[Question, str, str]]]]


def _edit_context(application: Application, form: AnswerForm, outline: Outline) -> dict[str, Any]:
    call = application.call
    files = {stored.question_id: stored for stored in application.files.all()}
    sections = []
    for section, questions in outline:
        items = []
        for question, label, help_text in questions:
            if question.kind == QuestionKind.FILE:
                items.append(
                    {"question": question, "label": label, "help": help_text, "file": files.get(question.pk)}
                )
            else:
                items.append({"question": question, "field": form[f"q{question.pk}"]})
        sections.append((section, items))
    rules = [(form[meets], form[note]) for meets, note in form.rule_names.values()]
    return {
        "application": application,
        "call": call,
        "form": form,
        "sections": sections,
        "rules": rules,
        "file_form": FileForm(),
    }


def _answer_form(request: HttpRequest, application: Application, outline: Outline) -> AnswerForm:
    return AnswerForm(
        request.POST if request.method == "POST" else None,
        application=application,
        questions=[item for _section, questions in outline for item in questions],
        rules=selectors.applicant_rules(application.call),
    )


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    if not application.is_draft or not access.is_member(request.user, application):
        return redirect(application)
    outline = selectors.translated_outline(application.call)
    form = _answer_form(request, application, outline)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            problems = services.application_save(
                actor=request.user, application=application, data=form.service_data()
            )
            if "submit" in request.POST:
                services.application_submit(actor=request.user, application=application)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 422
        else:
            if "submit" in request.POST:
                messages.success(
                    request,
                    _("Application %(reference)s was submitted. A copy is on its way to your e-mail.")
                    % {"reference": application.reference},
                )
                return redirect(application)
            form.problems_to_errors(problems)
            messages.success(request, _("Your draft was saved."))
            if not problems:
                return redirect("application_edit", pk=application.pk)
    elif request.method == "POST":
        status = 422
    application.refresh_from_db()
    return render(
        request, "calls/applications/edit.html", _edit_context(application, form, outline), status=status
    )


@login_required
@require_POST
def application_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the whole draft form; answers with a short status and the problems found so far."""
    application = access.get_application_for_user(request.user, pk, write=True)
    outline = selectors.translated_outline(application.call)
    form = _answer_form(request, application, outline)
    problems: dict[str, str] = {}
    error = ""
    if form.is_valid():
        try:
            problems = services.application_save(
                actor=request.user, application=application, data=form.service_data()
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Some answers are too long to be saved.")
    labels = {name: str(form.fields[name].label) for name in problems if name in form.fields}
    return render(
        request,
        "calls/applications/autosave_status.html",
        {
            "saved_at": None if error else timezone.now(),
            "error": error,
            "problems": [(labels.get(name, name), message) for name, message in problems.items()],
        },
        status=422 if error else 200,
    )


@login_required
@require_POST
def application_file_upload(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk, write=True)
    question = get_object_or_404(Question, pk=question_pk, call=application.call, kind=QuestionKind.FILE)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("application_edit", pk=application.pk)
    try:
        stored = services.application_file_upload(
            actor=request.user, application=application, question=question, upload=form.cleaned_data["file"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was uploaded.") % {"name": stored.name})
    return redirect(f"{application.get_absolute_url()}edit/#question-{question.pk}")


@login_required
@require_POST
def application_file_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk, write=True)
    stored = get_object_or_404(ApplicationFile, pk=file_pk, application=application)
    try:
        services.application_file_remove(actor=request.user, application=application, stored=stored)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": stored.name})
    return redirect("application_edit", pk=application.pk)


@login_required
def application_file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    application = access.get_application_for_user(request.user, pk)
    stored = get_object_or_404(
        ApplicationFile.objects.select_related("question"), pk=file_pk, application=application
    )
    if stored.question.hidden_in_blind_review and not access.identity_visible(request.user, application):
        raise Http404
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    if not access.is_member(request.user, application):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Application %(reference)s was withdrawn.") % {"reference": application.reference}
            )
            return redirect(application)
    return render(
        request,
        "calls/applications/withdraw.html",
        {"application": application, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def application_delete(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk, write=True)
    reference = application.reference
    try:
        services.application_delete(actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(application)
    messages.success(request, _("The draft %(reference)s was deleted.") % {"reference": reference})
    return redirect("my_applications")


def _answers(application: Application, identity: bool) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The answers, by section, as the reader may see them."""
    files = {stored.question_id: stored for stored in application.files.all()}
    sections = []
    for section, questions in selectors.translated_outline(application.call):
        items = []
        for question, label, _help in questions:
            hidden = question.hidden_in_blind_review and not identity
            value = application.answers.get(str(question.pk))
            if isinstance(value, list):
                value = ", ".join(value)
            items.append(
                {
                    "question": question,
                    "label": label,
                    "value": value,
                    "file": files.get(question.pk),
                    "hidden": hidden,
                    # Links only to web addresses: a draft may hold anything, e.g. "javascript:".
                    "href": value
                    if isinstance(value, str) and value.startswith(("https://", "http://"))
                    else "",
                }
            )
        sections.append((section, items))
    return sections


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    member = access.is_member(request.user, application)
    manager = access.can_manage_applications(request.user)
    identity = access.identity_visible(request.user, application)
    context: dict[str, Any] = {
        "application": application,
        "call": application.call,
        "member": member,
        "manager": manager,
        "identity": identity,
        "answers": _answers(application, identity),
        "stages": list(application.call.stages.order_by("position")),
        "messages_to_applicant": list(application.messages.all()[:50]) if (member or manager) else [],
        "problems": services.submission_problems(application) if application.is_draft else {},
        "rule_answers": [
            (rule, application.rule_answers.get(str(rule.pk)) or {})
            for rule in selectors.applicant_rules(application.call)
        ],
    }
    if manager and not application.is_draft:
        context["checks"] = list(application.eligibility_checks.select_related("rule", "overridden_by"))
        context["override_form"] = OverrideForm()
        context["message_form"] = MessageForm()
        context["move_form"] = MoveForm(call=application.call, applications=Application.objects.none())
    elif member and not application.is_draft:
        # Applicants see the rules they did not meet, with the reason, once screened.
        context["checks"] = [
            check
            for check in application.eligibility_checks.select_related("rule")
            if check.outcome == "failed"
        ]
    return render(request, "calls/applications/detail.html", context)


# --- Managers -----------------------------------------------------------------------------------------


def _managed_application(request: HttpRequest, pk: int) -> Application:
    """An application a fund manager acts on (overrides, messages, moves)."""
    if not access.can_manage_applications(request.user):
        raise PermissionDenied
    return access.get_application_for_user(request.user, pk)


@login_required
@require_POST
def eligibility_override(request: HttpRequest, pk: int, check_pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    check = get_object_or_404(EligibilityCheck, pk=check_pk, application=application)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.eligibility_override(
                actor=request.user,
                check=check,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The screening result was changed."))
    else:
        messages.error(request, _("Choose whether the rule is met and write why."))
    return redirect(f"{application.get_absolute_url()}#eligibility")


@login_required
@require_POST
def application_message(request: HttpRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(
                actor=request.user,
                application=application,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The message was sent."))
    else:
        messages.error(request, _("Write a subject and a message."))
    return redirect(f"{application.get_absolute_url()}#messages")


def _move(request: HttpRequest, call: Call, applications: Any) -> tuple[MoveForm, int]:
    form = MoveForm(request.POST, call=call, applications=applications)
    if not form.is_valid():
        return form, 0
    try:
        moved = services.applications_move(
            actor=request.user,
            applications=form.cleaned_data["applications"],
            stage=form.cleaned_data["stage"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return form, 0
    return form, len(moved)


def _manager_call(request: HttpRequest, slug: str) -> Call:
    if not access.can_manage_applications(request.user):
        raise PermissionDenied
    return access.get_call_for_user(request.user, slug)


@login_required
@require_POST
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    application = _managed_application(request, pk)
    form, moved = _move(request, application.call, Application.objects.filter(pk=application.pk))
    if form.errors:
        messages.error(
            request, " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
        )
    elif moved:
        messages.success(
            request, _("The application moved to %(stage)s.") % {"stage": form.cleaned_data["stage"].name}
        )
    return redirect(application)


def _filters(form: ApplicationFilterForm) -> application_selectors.ApplicationFilters:
    if not form.is_valid():
        return application_selectors.ApplicationFilters()
    data = form.cleaned_data
    return application_selectors.ApplicationFilters(
        q=data["q"],
        stage=data["stage"].pk if data["stage"] else None,
        status=data["status"],
        eligibility=data["eligibility"],
    )


@login_required
def call_applications(request: HttpRequest, slug: str) -> HttpResponse:
    """The managers' table of a call's applications, with filters and bulk stage moves."""
    call = _manager_call(request, slug)
    filter_form = ApplicationFilterForm(request.GET or None, call=call)
    qs = application_selectors.call_applications(user=request.user, call=call, filters=_filters(filter_form))
    move_form = None
    if request.method == "POST":
        move_form, moved = _move(request, call, qs.filter(status=ApplicationStatus.SUBMITTED))
        if not move_form.errors:
            messages.success(
                request,
                ngettext("%(count)s application moved.", "%(count)s applications moved.", moved)
                % {"count": moved},
            )
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    page = paginate(request, qs)
    return render(
        request,
        "calls/applications/call_applications.html",
        {
            "call": call,
            "page": page,
            "filter_form": filter_form,
            "move_form": move_form or MoveForm(call=call, applications=Application.objects.none()),
            "querystring": querystring_without(request, "page"),
            "drafts": application_selectors.draft_count(call),
        },
        status=422 if move_form is not None and move_form.errors else 200,
    )


@login_required
def call_board(request: HttpRequest, slug: str) -> HttpResponse:
    call = _manager_call(request, slug)
    return render(
        request,
        "calls/applications/board.html",
        {
            "call": call,
            "columns": application_selectors.board(user=request.user, call=call),
            "per_stage": application_selectors.BOARD_CARDS_PER_STAGE,
            "drafts": application_selectors.draft_count(call),
        },
    )
