"""Solutions with their repositories, scan reports and scan history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.core.views.common import add_service_errors, paginate
from seedbed.dpg import access, services
from seedbed.dpg.forms import RepositoryForm, SolutionForm
from seedbed.dpg.models import DpgStatus, DpgStatusValue, Repository, Scan
from seedbed.portfolio import services as portfolio_services

HISTORY = 30  # scans shown in a repository's trend


@login_required
def solution_list(request: HttpRequest) -> HttpResponse:
    if not access.can_view_all(request.user):
        raise PermissionDenied
    qs = (
        access.solutions_for_user(request.user)
        .select_related("organization", "dpg_status")
        .prefetch_related(
            Prefetch(
                "repositories",
                queryset=Repository.objects.select_related("last_scan").order_by("name", "url"),
            )
        )
        .order_by("name")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(organization__name__icontains=q)
    dpg = request.GET.get("dpg", "")
    if dpg == "renewal":  # the home page's link: DPG statuses in their renewal window or expired
        soon, expired = services.expiring()
        qs = qs.filter(pk__in=soon.values("solution")) | qs.filter(pk__in=expired.values("solution"))
    elif dpg in DpgStatusValue.values:
        qs = (
            qs.filter(dpg_status__status=dpg)
            if dpg != "none"
            else qs.exclude(dpg_status__status__in=[v for v in DpgStatusValue.values if v != "none"])
        )
    else:
        dpg = ""
    return render(
        request,
        "dpg/solution_list.html",
        {
            "page": paginate(request, qs),
            "q": q,
            "dpg": dpg,
            "dpg_choices": [("renewal", _("Renewal due or expired")), *DpgStatusValue.choices],
        },
    )


@login_required
def solution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    solution = access.get_solution_for_user(request.user, slug)
    repositories = list(
        Repository.objects.filter(solution=solution).select_related("last_scan").order_by("name", "url")
    )
    latest = [r.last_scan for r in repositories if r.last_scan is not None]
    checks: dict[str, dict[str, Any]] = {}
    for scan in latest:
        for check in scan.checks.all():
            checks.setdefault(check.key, {"title": check.title, "results": {}})["results"][
                scan.repository_id
            ] = check
    return render(
        request,
        "dpg/solution_detail.html",
        {
            "solution": solution,
            "repositories": repositories,
            "checks": checks,
            "investments": list(solution.investments.select_related("fund").order_by("-start_date")),
            "can_manage": access.can_manage_scans(request.user, solution),
            "dpg": DpgStatus.objects.select_related("registry_record").filter(solution=solution).first(),
            "today": timezone.localdate(),
            "readiness": services.readiness(solution),
            "can_set_status": access.can_set_dpg_status(request.user),
            "can_edit": portfolio_services.can_edit_solution(request.user, solution),
        },
    )


@login_required
def solution_edit(request: HttpRequest, slug: str) -> HttpResponse:
    solution = access.get_solution_for_user(request.user, slug)
    if not portfolio_services.can_edit_solution(request.user, solution):
        raise PermissionDenied
    form = SolutionForm(
        request.POST or None,
        initial={
            "name": solution.name,
            "kind": solution.kind,
            "description": solution.description,
            "website": solution.website,
            "sdgs": solution.sdgs,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            portfolio_services.solution_update(actor=request.user, solution=solution, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The solution is saved."))
            back = "nomination" if request.GET.get("next") == "nomination" else "solution_detail"
            return redirect(back, slug)
    return render(
        request,
        "dpg/solution_form.html",
        {"solution": solution, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def repository_new(request: HttpRequest, slug: str) -> HttpResponse:
    solution = access.get_solution_for_user(request.user, slug, write=True)
    form = RepositoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            repository = services.repository_add(
                actor=request.user,
                solution=solution,
                url=form.cleaned_data["url"],
                name=form.cleaned_data["name"],
            )
            services.scan_request(actor=request.user, repository=repository)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The repository is added; its first scan is running."))
            return redirect(repository)
    return render(
        request,
        "dpg/repository_form.html",
        {"solution": solution, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def repository_detail(request: HttpRequest, pk: int) -> HttpResponse:
    repository = access.get_repository_for_user(request.user, pk)
    scans = list(repository.scans.select_related("requested_by").order_by("-requested_at")[:HISTORY])
    trend = [scan for scan in reversed(scans) if scan.status == "done"]
    latest = next((scan for scan in scans if scan.status == "done"), None)
    return render(
        request,
        "dpg/repository_detail.html",
        {
            "repository": repository,
            "solution": repository.solution,
            "scans": scans,
            "trend": trend,
            "latest": latest,
            "checks": list(latest.checks.all()) if latest else [],
            "waiting": next((s for s in scans if s.status in ("queued", "running")), None),
            "can_manage": access.can_manage_scans(request.user, repository.solution),
        },
    )


@login_required
@require_POST
def repository_scan(request: HttpRequest, pk: int) -> HttpResponse:
    repository = access.get_repository_for_user(request.user, pk, write=True)
    scan = services.scan_request(actor=request.user, repository=repository)
    messages.success(request, _("The scan is queued; this page shows it when it is done."))
    return redirect(scan.repository)


@login_required
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scan: Scan = access.get_scan_for_user(request.user, pk)
    return render(
        request,
        "dpg/scan_detail.html",
        {
            "scan": scan,
            "repository": scan.repository,
            "solution": scan.repository.solution,
            "checks": list(scan.checks.all()),
        },
    )
