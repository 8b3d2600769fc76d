"""One investment: its page, creating it (directly or from an approved application), its status,
contract and amendments, follow-on rounds; and a cohort's page (its KPIs and follow-on multiple)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.calls.models import Application, Outcome
from seedbed.core.views.common import add_service_errors
from seedbed.funds.access import can_view_ledger
from seedbed.funds.money import format_amount
from seedbed.portfolio import access, selectors, services
from seedbed.portfolio.forms import (
    AmendmentForm,
    CohortKpiForm,
    ContractForm,
    FollowOnForm,
    InvestmentForm,
    StatusForm,
)
from seedbed.portfolio.models import Cohort, ContractDocument, FollowOnRound, InvestmentStatus


@login_required
def investment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    investment = access.get_investment_for_user(request.user, reference)
    user = request.user
    contract = getattr(investment, "contract", None)
    milestones = selectors.milestones_of(investment)
    tranches = selectors.tranches_of(investment)
    reports = selectors.reports_of(investment)
    rounds = selectors.follow_ons_of(investment)
    today = timezone.localdate()
    for report in reports:
        report.overdue = selectors.is_overdue(report, today)  # type: ignore[attr-defined]
    extra_kpis = [(kpi.key, kpi.label, kpi.unit) for kpi in investment.cohort.kpis.all()]
    is_member = access.is_member(user, investment)
    return render(
        request,
        "portfolio/investment_detail.html",
        {
            "investment": investment,
            "contract": contract,
            "amendments": list(contract.amendments.all()) if contract else [],
            "documents": list(contract.documents.all()) if contract else [],
            "quarters": selectors.by_quarter(milestones),
            "tranches": tranches,
            "payments": selectors.payments(investment, tranches),
            "reports": reports,
            "kpis": selectors.kpi_series(reports, extra_kpis),
            "rounds": rounds,
            "multiple": selectors.follow_on_multiple(investment, rounds),
            "timeline": selectors.timeline(investment, milestones, tranches, reports, rounds),
            "knowledge": list(investment.knowledge_products.order_by("-published_on")),
            "countries": list(investment.countries.order_by("name")),
            "solutions": list(investment.solutions.order_by("name")),
            "can_manage": access.can_manage_portfolio(user),
            "can_decide": access.can_decide_milestones(user) and not is_member,
            "can_release": access.can_release_tranches(user),
            "can_view_ledger": can_view_ledger(user),
            "is_member": is_member,
            "can_view_portfolio": access.can_view_portfolio(user),
            "status_form": StatusForm(initial={"status": investment.status, "on": today}),
            "today": today,
        },
    )


def _cohort(form: InvestmentForm) -> Cohort:
    return Cohort.objects.get_or_create(theme=form.cleaned_data["theme"], year=form.cleaned_data["year"])[0]


@login_required
def investment_new(request: HttpRequest) -> HttpResponse:
    """A new investment, directly or from an application the committee approved (``?application=``)."""
    if not access.can_manage_portfolio(request.user):
        raise PermissionDenied
    application = None
    raw = request.GET.get("application") or request.POST.get("application")
    if raw:
        try:
            application = Application.objects.select_related("call__fund", "organization__country").get(
                pk=int(raw), outcome=Outcome.AWARDED
            )
        except (Application.DoesNotExist, ValueError):
            raise Http404 from None
    initial: dict[str, object] = {"start_date": timezone.localdate(), "year": timezone.localdate().year}
    if application is not None:
        initial.update(
            fund=application.call.fund_id,
            organization=application.organization_id,
            title=application.title,
            countries=[application.organization.country_id] if application.organization.country_id else [],
            year=application.call.opens_at.year,
        )
        theme = application.call.themes.first()
        if theme is not None:
            initial["theme"] = theme.pk
    form = InvestmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a new solution is registered only with its investment
                solutions = list(data["solutions"])
                if data["new_solution"].strip():
                    solutions.append(
                        services.solution_create(
                            actor=request.user, organization=data["organization"], name=data["new_solution"]
                        )
                    )
                investment = services.investment_create(
                    actor=request.user,
                    fund=data["fund"],
                    organization=data["organization"],
                    cohort=_cohort(form),
                    title=data["title"],
                    start_date=data["start_date"],
                    asset=data["asset"],
                    amount=data["amount"],
                    instrument=data["instrument"],
                    countries=data["countries"],
                    solutions=solutions,
                    terms=form.terms(),
                    application=application,
                    contract_months=data["contract_months"],
                    signed_on=data["signed_on"],
                    override_reason=data["override_reason"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Investment %(reference)s is created and its commitment recorded in the ledger.")
                % {"reference": investment.reference},
            )
            return redirect(investment)
    waiting = (
        []
        if application is not None
        else list(
            Application.objects.filter(outcome=Outcome.AWARDED, investment__isnull=True)
            .select_related("call", "organization")
            .order_by("call__title", "number")[:50]
        )
    )
    return render(
        request,
        "portfolio/investment_form.html",
        {"form": form, "application": application, "awaiting": waiting},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def investment_status(request: HttpRequest, reference: str) -> HttpResponse:
    investment = access.get_investment_for_user(request.user, reference, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.investment_set_status(
                actor=request.user,
                investment=investment,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason_text=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The status is recorded."))
    else:
        messages.error(request, _("Choose a status and a date."))
    return redirect(investment)


@login_required
def investment_contract(request: HttpRequest, reference: str) -> HttpResponse:
    investment = access.get_investment_for_user(request.user, reference, write=True)
    contract = investment.contract
    sign_form = ContractForm(
        request.POST if request.POST.get("form") == "sign" else None,
        request.FILES if request.POST.get("form") == "sign" else None,
        initial={"signed_on": contract.signed_on},
        prefix="sign",
    )
    amend_form = AmendmentForm(
        request.POST if request.POST.get("form") == "amend" else None,
        request.FILES if request.POST.get("form") == "amend" else None,
        prefix="amend",
    )
    if request.method == "POST":
        form = sign_form if request.POST.get("form") == "sign" else amend_form
        if form.is_valid():
            data = form.cleaned_data
            document = [data["document"]] if data.get("document") else []
            try:
                if form is sign_form:
                    services.contract_sign(
                        actor=request.user,
                        investment=investment,
                        signed_on=data["signed_on"],
                        documents=document,
                    )
                    messages.success(request, _("The contract is recorded."))
                else:
                    services.amendment_record(
                        actor=request.user,
                        investment=investment,
                        signed_on=data["signed_on"],
                        summary=data["summary"],
                        new_ends_on=data["new_ends_on"],
                        documents=document,
                    )
                    messages.success(request, _("The amendment is recorded."))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("investment_contract", reference=investment.reference)
    return render(
        request,
        "portfolio/contract.html",
        {
            "investment": investment,
            "contract": contract,
            "amendments": list(contract.amendments.all()),
            "documents": list(contract.documents.select_related("amendment", "uploaded_by")),
            "sign_form": sign_form,
            "can_view_portfolio": True,
            "amend_form": amend_form,
        },
        status=422 if sign_form.errors or amend_form.errors else 200,
    )


@login_required
def contract_document(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """The team and the fund's staff may download the contract's documents."""
    investment = access.get_investment_for_user(request.user, reference)
    document = get_object_or_404(ContractDocument, pk=pk, contract__investment=investment)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


@login_required
def follow_on_new(request: HttpRequest, reference: str) -> HttpResponse:
    investment = access.get_investment_for_user(request.user, reference, write=True)
    form = FollowOnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_on_record(
                actor=request.user,
                investment=investment,
                date=data["date"],
                asset=data["asset"],
                amount=data["amount"],
                instrument=data["instrument"],
                investors=data["investors"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The follow-on round is recorded."))
            return redirect(investment)
    return render(
        request,
        "portfolio/follow_on_form.html",
        {
            "investment": investment,
            "form": form,
            "page_title": _("Follow-on funding for %(reference)s") % {"reference": investment.reference},
            "can_view_portfolio": True,
        },
        status=422 if form.errors else 200,
    )


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_view_portfolio(request.user):
        raise PermissionDenied
    cohort = get_object_or_404(Cohort.objects.select_related("theme"), pk=pk)
    form = CohortKpiForm(request.POST or None)
    if request.method == "POST":
        if not access.can_manage_portfolio(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.cohort_kpi_add(
                    actor=request.user,
                    cohort=cohort,
                    label=form.cleaned_data["label"],
                    unit=form.cleaned_data["unit"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Every report of this cohort now asks for this KPI."))
                return redirect("cohort_detail", pk=cohort.pk)
    investments = list(
        cohort.investments.select_related("organization", "asset", "fund").order_by("reference")
    )
    # The cohort's follow-on multiple: follow-on raised per unit invested, in each asset.
    invested: dict[str, int] = {}
    for inv in investments:
        invested[inv.asset.code] = invested.get(inv.asset.code, 0) + inv.amount
    raised: dict[str, int] = {}
    for code, amount in FollowOnRound.objects.filter(investment__cohort=cohort).values_list(
        "asset__code", "amount"
    ):
        raised[code] = raised.get(code, 0) + amount  # exact integers (an SQL SUM of text would not be)
    multiples = []
    assets = {inv.asset.code: inv.asset for inv in investments}
    for code, amount in sorted(invested.items()):
        got = int(raised.get(code) or 0)
        multiples.append(
            {
                "asset": code,
                "invested": format_amount(amount, assets[code]),
                "raised": format_amount(got, assets[code]),
                "multiple": (Decimal(got) / Decimal(amount)).quantize(Decimal("0.01")) if amount else None,
            }
        )
    statuses = dict.fromkeys(InvestmentStatus.values, 0)
    for inv in investments:
        statuses[inv.status] += 1
    return render(
        request,
        "portfolio/cohort_detail.html",
        {
            "cohort": cohort,
            "kpis": list(cohort.kpis.all()),
            "investments": investments,
            "multiples": multiples,
            "statuses": [(InvestmentStatus(value).label, count) for value, count in statuses.items()],
            "form": form,
            "can_manage": access.can_manage_portfolio(request.user),
        },
        status=422 if form.errors else 200,
    )
