"""The fund managers' set-up pages of a call: eligibility rules, rubric, form (with a preview) and themes.

Every page is for fund managers and administrators (``get_call_for_user(..., write=True)``). Once the call
has opened the pages are read-only: they show the set-up and say why it can no longer change, and the
services refuse any write that is posted anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.calls import access, selectors, services
from seedbed.calls.forms import (
    CriterionForm,
    MoveForm,
    QuestionForm,
    RuleForm,
    SectionForm,
    ThemeForm,
)
from seedbed.calls.forms.applications import AnswerForm
from seedbed.calls.models import Application, Call, QuestionKind, Theme
from seedbed.core.views.common import add_service_errors


def _manager_call(request: HttpRequest, slug: str) -> Call:
    return access.get_call_for_user(request.user, slug, write=True)


def _render(
    request: HttpRequest, template: str, call: Call, context: dict[str, Any], *, failed: bool = False
) -> HttpResponse:
    context = {"call": call, "locked": call.has_opened(), **context}
    return render(request, f"calls/setup/{template}", context, status=422 if failed else 200)


def _saved(request: HttpRequest, url_name: str, call: Call) -> HttpResponse:
    messages.success(request, _("Your changes were saved."))
    return redirect(url_name, slug=call.slug)


# --- Delete and move, the same for every kind of item ---------------------------------------------------


# kind: (the call's items, delete service, move service, the list page's URL name)
ITEMS: dict[str, tuple[Callable[[Call], QuerySet[Any]], Callable[..., Any], Callable[..., Any], str]] = {
    "rule": (
        lambda call: call.rules.all(),
        lambda actor, item: services.eligibility_rule_delete(actor=actor, rule=item),
        lambda actor, item, direction: services.eligibility_rule_move(
            actor=actor, rule=item, direction=direction
        ),
        "call_rules",
    ),
    "criterion": (
        lambda call: call.criteria.all(),
        lambda actor, item: services.criterion_delete(actor=actor, criterion=item),
        lambda actor, item, direction: services.criterion_move(
            actor=actor, criterion=item, direction=direction
        ),
        "call_rubric",
    ),
    "section": (
        lambda call: call.sections.all(),
        lambda actor, item: services.section_delete(actor=actor, section=item),
        lambda actor, item, direction: services.section_move(actor=actor, section=item, direction=direction),
        "call_form_setup",
    ),
    "question": (
        lambda call: call.questions.all(),
        lambda actor, item: services.question_delete(actor=actor, question=item),
        lambda actor, item, direction: services.question_move(
            actor=actor, question=item, direction=direction
        ),
        "call_form_setup",
    ),
}


@login_required
@require_POST
def item_delete(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    call = _manager_call(request, slug)
    items, delete, _move, list_page = ITEMS[kind]
    item: Model = get_object_or_404(items(call), pk=pk)
    try:
        delete(request.user, item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(item)s” was deleted.") % {"item": str(item)[:80]})
    return redirect(list_page, slug=call.slug)


@login_required
@require_POST
def item_move(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    call = _manager_call(request, slug)
    items, _delete, move, list_page = ITEMS[kind]
    item = get_object_or_404(items(call), pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            move(request.user, item, form.cleaned_data["direction"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Move up or down."))
    return redirect(f"{reverse(list_page, args=[call.slug])}#{kind}-{item.pk}")


# --- Eligibility rules ----------------------------------------------------------------------------------


@login_required
def call_rules(request: HttpRequest, slug: str) -> HttpResponse:
    call = _manager_call(request, slug)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_rule_create(actor=request.user, call=call, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_rules", call)
    rules = list(call.rules.order_by("position"))
    return _render(
        request, "rules.html", call, {"rules": rules, "form": form}, failed=request.method == "POST"
    )


@login_required
def call_rule_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = _manager_call(request, slug)
    rule = get_object_or_404(call.rules, pk=pk)
    if request.method != "POST" and call.has_opened():
        return redirect("call_rules", slug=call.slug)
    form = RuleForm(request.POST or None, initial=RuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_rule_update(actor=request.user, rule=rule, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_rules", call)
    return _render(
        request, "rule_form.html", call, {"rule": rule, "form": form}, failed=request.method == "POST"
    )


# --- Rubric ---------------------------------------------------------------------------------------------


def _rubric(call: Call) -> tuple[list[tuple[Any, float]], int]:
    """Each criterion with its share of the total weight, in per cent; and the total weight."""
    criteria = list(call.criteria.order_by("position"))
    total = sum(criterion.weight for criterion in criteria)
    rows = [(criterion, criterion.weight * 100 / total) for criterion in criteria] if total else []
    return rows, total


@login_required
def call_rubric(request: HttpRequest, slug: str) -> HttpResponse:
    call = _manager_call(request, slug)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_create(actor=request.user, call=call, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_rubric", call)
    rows, total = _rubric(call)
    return _render(
        request,
        "rubric.html",
        call,
        {"rows": rows, "total": total, "form": form},
        failed=request.method == "POST",
    )


@login_required
def call_criterion_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = _manager_call(request, slug)
    criterion = get_object_or_404(call.criteria, pk=pk)
    if request.method != "POST" and call.has_opened():
        return redirect("call_rubric", slug=call.slug)
    form = CriterionForm(request.POST or None, initial=CriterionForm.initial_for(criterion))
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(actor=request.user, criterion=criterion, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_rubric", call)
    return _render(
        request,
        "criterion_form.html",
        call,
        {"criterion": criterion, "form": form},
        failed=request.method == "POST",
    )


# --- Form: sections and questions -----------------------------------------------------------------------


@login_required
def call_form_setup(request: HttpRequest, slug: str) -> HttpResponse:
    """The form's outline, with the section form; questions are added on a page of their own."""
    call = _manager_call(request, slug)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_create(actor=request.user, call=call, title=form.cleaned_data["title"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_form_setup", call)
    detailed = selectors.call_with_details(call)
    section_ids = [section.pk for section in detailed.sections.all()]
    outline = [
        {
            "section": section,
            "questions": questions,
            "first": section is not None and section.pk == section_ids[0],
            "last": section is not None and section.pk == section_ids[-1],
        }
        for section, questions in selectors.form_outline(detailed)
    ]
    return _render(
        request, "form.html", call, {"outline": outline, "form": form}, failed=request.method == "POST"
    )


@login_required
def call_section_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = _manager_call(request, slug)
    section = get_object_or_404(call.sections, pk=pk)
    if request.method != "POST" and call.has_opened():
        return redirect("call_form_setup", slug=call.slug)
    form = SectionForm(request.POST or None, initial={"title": section.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(actor=request.user, section=section, title=form.cleaned_data["title"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_form_setup", call)
    return _render(
        request,
        "section_form.html",
        call,
        {"section": section, "form": form},
        failed=request.method == "POST",
    )


@login_required
def call_question_create(request: HttpRequest, slug: str) -> HttpResponse:
    call = _manager_call(request, slug)
    if request.method != "POST" and call.has_opened():
        return redirect("call_form_setup", slug=call.slug)
    initial = {"section": request.GET.get("section")} if request.GET.get("section", "").isdigit() else {}
    form = QuestionForm(request.POST or None, call=call, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(
                actor=request.user, call=call, section=form.cleaned_data["section"], data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_form_setup", call)
    return _render(
        request, "question_form.html", call, {"question": None, "form": form}, failed=request.method == "POST"
    )


@login_required
def call_question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = _manager_call(request, slug)
    question = get_object_or_404(call.questions, pk=pk)
    if request.method != "POST" and call.has_opened():
        return redirect("call_form_setup", slug=call.slug)
    form = QuestionForm(request.POST or None, call=call, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(
                actor=request.user,
                question=question,
                section=form.cleaned_data["section"],
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, "call_form_setup", call)
    return _render(
        request,
        "question_form.html",
        call,
        {"question": question, "form": form},
        failed=request.method == "POST",
    )


@login_required
def call_form_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The form as applicants will see it, in the reader's language; nothing is saved."""
    call = _manager_call(request, slug)
    outline = selectors.translated_outline(selectors.call_with_details(call))
    rules = selectors.applicant_rules(call)
    form = AnswerForm(
        application=Application(call=call),
        questions=[item for _section, questions in outline for item in questions],
        rules=rules,
    )
    sections = [
        (
            section,
            [
                {"question": question, "label": label, "help": help_text}
                if question.kind == QuestionKind.FILE
                else {"question": question, "field": form[f"q{question.pk}"]}
                for question, label, help_text in questions
            ],
        )
        for section, questions in outline
    ]
    rule_fields = [(form[meets], form[note]) for meets, note in form.rule_names.values()]
    return _render(
        request, "form_preview.html", call, {"form": form, "sections": sections, "rules": rule_fields}
    )


# --- Themes ---------------------------------------------------------------------------------------------


def _themes() -> QuerySet[Theme]:
    return Theme.objects.annotate(call_count=Count("calls")).order_by("name")


@login_required
def theme_list(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_calls(request.user):
        raise PermissionDenied
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The theme %(name)s was added.") % {"name": theme.name})
            return redirect("theme_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "calls/setup/themes.html", {"themes": _themes(), "form": form}, status=status)


@login_required
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_manage_calls(request.user):
        raise PermissionDenied
    theme = get_object_or_404(Theme, pk=pk)
    form = ThemeForm(request.POST or None, initial={"name": theme.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_rename(actor=request.user, theme=theme, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("theme_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "calls/setup/theme_form.html", {"theme": theme, "form": form}, status=status)
