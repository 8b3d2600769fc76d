"""A solution's DPG Standard assessment (the readiness summary, one page per item with its answer and
sign-off), its DPG status, and its nomination to the DPGA (checked, previewed, downloaded)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seedbed.core.views.common import add_service_errors
from seedbed.dpg import access, nominations, services
from seedbed.dpg.forms import AnswerForm, DpgStatusForm, SignOffForm
from seedbed.dpg.forms.assessment import met_value
from seedbed.dpg.models import DpgStatus, IndicatorAnswer, Repository
from seedbed.dpg.standard import ITEMS
from seedbed.portfolio import services as portfolio_services
from seedbed.portfolio.models import Solution


def _status(solution: Solution) -> DpgStatus | None:
    return DpgStatus.objects.select_related("registry_record").filter(solution=solution).first()


@login_required
def assessment_detail(request: HttpRequest, slug: str) -> HttpResponse:
    solution = access.get_solution_for_user(request.user, slug)
    if request.method == "POST":
        if not access.can_answer(request.user, solution):
            raise PermissionDenied
        if request.POST.get("action") == "registry":
            try:
                changed = services.assessment_from_registry(actor=request.user, solution=solution)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("assessment_detail", solution.slug)
            if changed:
                messages.success(
                    request,
                    _("The registry record suggested %(count)s answers; check and confirm each.")
                    % {"count": changed},
                )
            else:
                messages.info(request, _("The registry record has nothing to add to the answers here."))
            return redirect("assessment_detail", solution.slug)
        changed = services.assessment_suggest(solution=solution)
        if changed:
            messages.success(request, _("The latest scans suggested %(count)s answers.") % {"count": changed})
        else:
            messages.info(request, _("The latest scans have nothing new to suggest."))
        return redirect("assessment_detail", solution.slug)
    scanned = Repository.objects.filter(solution=solution, last_scan__isnull=False).exists()
    return render(
        request,
        "dpg/assessment_detail.html",
        {
            "solution": solution,
            "readiness": services.readiness(solution),
            "can_answer": access.can_answer(request.user, solution),
            "can_sign_off": access.can_sign_off(request.user, solution),
            "scanned": scanned,
            "record": services.registry_record_of(solution),
            "dpg": _status(solution),
        },
    )


@login_required
def assessment_edit(request: HttpRequest, slug: str, indicator: str) -> HttpResponse:
    solution = access.get_solution_for_user(request.user, slug)
    item = ITEMS.get(indicator)
    if item is None:
        raise Http404
    answer = (
        IndicatorAnswer.objects.select_related("signed_off_by", "updated_by")
        .filter(solution=solution, indicator=item.code)
        .first()
    )
    can_answer = access.can_answer(request.user, solution)
    can_sign_off = access.can_sign_off(request.user, solution)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = AnswerForm(request.POST if action == "answer" else None, item=item, answer=answer)
    sign_off = SignOffForm(request.POST if action == "sign_off" else None)
    if action == "answer":
        if not can_answer:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.answer_save(
                    actor=request.user,
                    solution=solution,
                    indicator=item.code,
                    answer=form.cleaned_data["answer"],
                    evidence_urls=form.cleaned_data["evidence_urls"],
                    met=met_value(form.cleaned_data["met"]),
                    details=form.details(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The answer to %(item)s is saved.") % {"item": item.title})
                return redirect("assessment_detail", solution.slug)
    elif action == "sign_off":
        if not can_sign_off:
            raise PermissionDenied
        if sign_off.is_valid():
            try:
                services.answer_sign_off(
                    actor=request.user,
                    solution=solution,
                    indicator=item.code,
                    met=sign_off.cleaned_data["verdict"] == "met",
                    note=sign_off.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(sign_off, error)
            else:
                messages.success(request, _("%(item)s is signed off.") % {"item": item.title})
                return redirect("assessment_detail", solution.slug)
    elif action:
        raise Http404
    failed = form.errors or sign_off.errors
    return render(
        request,
        "dpg/assessment_edit.html",
        {
            "solution": solution,
            "item": item,
            "answer": answer,
            "form": form,
            "sign_off": sign_off,
            "can_answer": can_answer,
            "can_sign_off": can_sign_off,
            "can_edit": portfolio_services.can_edit_solution(request.user, solution),
            "screening": [
                (question.label, (answer.details or {}).get(question.field, ""))
                for question in item.questions
                if answer is not None and (answer.details or {}).get(question.field)
            ],
        },
        status=422 if failed else 200,
    )


@login_required
def dpg_status_edit(request: HttpRequest, slug: str) -> HttpResponse:
    solution = access.get_solution_for_user(request.user, slug)
    if not access.can_set_dpg_status(request.user):
        raise PermissionDenied
    current = _status(solution)
    initial = (
        {"status": current.status, "since": current.since, "expires_on": current.expires_on}
        if current
        else {"status": "none"}
    )
    form = DpgStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dpg_status_set(
                actor=request.user,
                solution=solution,
                status=form.cleaned_data["status"],
                since=form.cleaned_data["since"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The DPG status is saved."))
            return redirect("solution_detail", solution.slug)
    return render(
        request,
        "dpg/dpg_status_form.html",
        {"solution": solution, "form": form, "dpg": current, "today": timezone.localdate()},
        status=422 if form.errors else 200,
    )


def file_stem(solution: Solution) -> str:
    """The registry's file name for a record: the kebab-case of its name."""
    return slugify(solution.name) or solution.slug


@login_required
def nomination(request: HttpRequest, slug: str) -> HttpResponse:
    solution = access.get_solution_for_user(request.user, slug)
    nominee, screening, errors = nominations.nomination_for(solution)
    readiness = services.readiness(solution)
    return render(
        request,
        "dpg/nomination.html",
        {
            "solution": solution,
            "errors": errors,
            "nominee": json.dumps(nominee, indent=2, ensure_ascii=False),
            "screening": json.dumps(screening, indent=2, ensure_ascii=False),
            "stem": file_stem(solution),
            "readiness": readiness,
            "unconfirmed": readiness.count("suggested"),
            "assessment_url": reverse("assessment_detail", args=[solution.slug]),
            "can_edit": portfolio_services.can_edit_solution(request.user, solution),
        },
    )


@login_required
def nomination_download(request: HttpRequest, slug: str, document: str) -> HttpResponse:
    """``nominee`` or ``screening`` as JSON, or ``zip``: both, laid out as in the registry's repository
    (``nominees/<name>.json`` and ``digitalpublicgoods/<name>.json``)."""
    solution = access.get_solution_for_user(request.user, slug)
    if document not in ("nominee", "screening", "zip"):
        raise Http404
    nominee, screening, _errors = nominations.nomination_for(solution)
    stem = file_stem(solution)
    if document == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"nominees/{stem}.json", _json(nominee))
            archive.writestr(f"digitalpublicgoods/{stem}.json", _json(screening))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{stem}-nomination.zip"'
        return response
    data = nominee if document == "nominee" else screening
    response = HttpResponse(_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{document}.json"'
    return response


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
