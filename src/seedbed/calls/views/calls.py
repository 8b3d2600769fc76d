"""Call pages: the public list and detail, and the fund managers' create, edit and stages pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.calls import access, selectors, services
from seedbed.calls.forms import CallForm, QuestionsCopyForm, StageFormSet, ThemeFilterForm
from seedbed.calls.models import Call
from seedbed.core.views.common import add_service_errors, paginate, querystring_without
from seedbed.funds.models import Fund
from seedbed.funds.money import format_amount


def ticket_range(call: Call) -> str:
    asset = call.fund.reporting_asset
    return f"{format_amount(call.ticket_min, asset)} – {format_amount(call.ticket_max, asset)}"


def call_list(request: HttpRequest) -> HttpResponse:
    form = ThemeFilterForm(request.GET or None)
    theme = form.cleaned_data["theme"] if form.is_valid() else ""
    page = paginate(request, selectors.call_list(user=request.user, theme=theme))
    rows = [(call, ticket_range(call)) for call in page.object_list]
    return render(
        request,
        "calls/call_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "querystring": querystring_without(request, "page"),
            "can_manage": access.can_manage_calls(request.user),
        },
    )


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.call_with_details(access.get_call_for_user(request.user, slug))
    outline = selectors.translated_outline(call)
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "ticket_range": ticket_range(call),
            "outline": outline,
            "can_manage": access.can_manage_calls(request.user),
        },
    )


def _manager_funds(user: Any) -> Any:
    return Fund.objects.order_by("name")


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_calls(request.user):
        raise PermissionDenied
    form = CallForm(request.POST or None, funds=_manager_funds(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = services.call_create(
                actor=request.user, fund=data["fund"], data=data, default_rubric=data["default_rubric"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call %(title)s was created.") % {"title": call.title})
            return redirect(call)
    return render(request, "calls/call_form.html", {"form": form, "call": None})


@login_required
def call_edit(request: HttpRequest, slug: str) -> HttpResponse:
    call = access.get_call_for_user(request.user, slug, write=True)
    form = CallForm(request.POST or None, funds=_manager_funds(request.user), call=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(actor=request.user, call=call, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(call)
    copy_form = QuestionsCopyForm(calls=Call.objects.exclude(pk=call.pk).order_by("-opens_at"))
    return render(request, "calls/call_form.html", {"form": form, "call": call, "copy_form": copy_form})


@login_required
def call_stages_edit(request: HttpRequest, slug: str) -> HttpResponse:
    call = access.get_call_for_user(request.user, slug, write=True)
    initial = [{"name": stage.name, "kind": stage.kind} for stage in call.stages.order_by("position")]
    formset = StageFormSet(request.POST or None, initial=initial, prefix="stages")
    error: list[str] = []
    if request.method == "POST" and formset.is_valid():
        stages = [
            {"name": stage_form.cleaned_data["name"], "kind": stage_form.cleaned_data["kind"]}
            for stage_form in formset.forms
            if stage_form.cleaned_data and not stage_form.cleaned_data.get("DELETE")
        ]
        try:
            services.stages_update(actor=request.user, call=call, stages=stages)
        except ValidationError as exc:
            error = exc.messages
        else:
            messages.success(request, _("The stages were saved."))
            return redirect(call)
    status = 422 if error else 200
    return render(
        request,
        "calls/call_stages_form.html",
        {"call": call, "formset": formset, "errors": error, "locked": call.has_opened()},
        status=status,
    )


@login_required
@require_POST
def call_questions_copy(request: HttpRequest, slug: str) -> HttpResponse:
    call = access.get_call_for_user(request.user, slug, write=True)
    form = QuestionsCopyForm(request.POST, calls=Call.objects.exclude(pk=call.pk))
    if not form.is_valid():
        messages.error(request, _("Choose a call to copy the questions from."))
        return redirect("call_edit", slug=call.slug)
    try:
        copies = services.questions_copy(
            actor=request.user, from_call=form.cleaned_data["from_call"], to_call=call
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("call_edit", slug=call.slug)
    messages.success(request, _("%(count)s questions were copied.") % {"count": len(copies)})
    return redirect(call)
