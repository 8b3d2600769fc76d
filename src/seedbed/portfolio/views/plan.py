"""A milestone (the team's evidence, the mentor's decision), the plan and schedule edits, releasing and
changing tranches, and the quarterly report form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.core.views.common import add_service_errors
from seedbed.funds.money import format_amount
from seedbed.portfolio import access, services
from seedbed.portfolio.forms import (
    DecisionForm,
    EvidenceForm,
    MilestoneForm,
    ReportForm,
    TrancheChangeForm,
    TrancheForm,
    TrancheReleaseForm,
)
from seedbed.portfolio.models import Evidence, MilestoneStatus
from seedbed.portfolio.plan_defaults import CHECK_KEYS


@login_required
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = access.get_milestone_for_user(request.user, pk)
    investment = milestone.investment
    is_member = access.is_member(request.user, investment)
    can_submit = is_member and milestone.status != MilestoneStatus.ACCEPTED
    can_decide = (
        access.can_decide_milestones(request.user)
        and not is_member
        and (milestone.status != MilestoneStatus.ACCEPTED or milestone.automatic)
    )
    which = request.POST.get("form")
    evidence_form = EvidenceForm(
        request.POST if which == "evidence" else None,
        request.FILES if which == "evidence" else None,
        prefix="evidence",
    )
    decision_form = DecisionForm(request.POST if which == "decision" else None, prefix="decision")
    if request.method == "POST":
        if which == "evidence":
            if not can_submit:
                raise PermissionDenied
            if evidence_form.is_valid():
                data = evidence_form.cleaned_data
                try:
                    services.evidence_submit(
                        actor=request.user,
                        milestone=milestone,
                        url=data["url"],
                        text=data["text"],
                        files=[data["file"]] if data.get("file") else [],
                    )
                except ValidationError as error:
                    add_service_errors(evidence_form, error)
                else:
                    messages.success(request, _("Your evidence is submitted; a mentor will review it."))
                    return redirect("milestone_detail", pk=milestone.pk)
        elif which == "decision":
            if not can_decide:
                raise PermissionDenied
            if decision_form.is_valid():
                accept = decision_form.cleaned_data["decision"] == "accept"
                try:
                    services.milestone_decide(
                        actor=request.user,
                        milestone=milestone,
                        accept=accept,
                        comment=decision_form.cleaned_data["comment"],
                    )
                except ValidationError as error:
                    add_service_errors(decision_form, error)
                else:
                    messages.success(
                        request,
                        _("The milestone is accepted.")
                        if accept
                        else _("The milestone is returned to the team."),
                    )
                    return redirect("milestone_detail", pk=milestone.pk)
    return render(
        request,
        "portfolio/milestone_detail.html",
        {
            "milestone": milestone,
            "investment": investment,
            "evidence": list(milestone.evidence.select_related("submitted_by")),
            "tranches": list(milestone.tranches.order_by("number")),
            "check_label": _(CHECK_KEYS[milestone.check_key]) if milestone.check_key in CHECK_KEYS else "",
            "evidence_form": evidence_form,
            "decision_form": decision_form,
            "can_submit": can_submit,
            "can_decide": can_decide,
            "is_member": is_member,
            "can_view_portfolio": access.can_view_portfolio(request.user),
        },
        status=422 if evidence_form.errors or decision_form.errors else 200,
    )


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("milestone"), pk=pk, kind="file")
    access.get_milestone_for_user(request.user, evidence.milestone_id)  # 404 unless allowed to see it
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name or "evidence")


@login_required
def milestone_new(request: HttpRequest, reference: str) -> HttpResponse:
    investment = access.get_investment_for_user(request.user, reference, write=True)
    form = MilestoneForm(request.POST or None, initial={"due_on": investment.contract.ends_on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.milestone_add(
                actor=request.user,
                investment=investment,
                title=data["title"],
                quarter=data["quarter"],
                due_on=data["due_on"],
                required=data["required"],
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The milestone is added to the plan."))
            return redirect(investment)
    return render(
        request,
        "portfolio/milestone_form.html",
        {
            "investment": investment,
            "form": form,
            "page_title": _("Add a milestone to %(reference)s") % {"reference": investment.reference},
            "can_view_portfolio": True,
        },
        status=422 if form.errors else 200,
    )


@login_required
def tranche_new(request: HttpRequest, reference: str) -> HttpResponse:
    investment = access.get_investment_for_user(request.user, reference, write=True)
    form = TrancheForm(request.POST or None, investment=investment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tranche_add(
                actor=request.user,
                investment=investment,
                amount=data["amount"],
                due_on=data["due_on"],
                milestones=data["milestones"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The tranche is added to the schedule."))
            return redirect(investment)
    return render(
        request,
        "portfolio/tranche_form.html",
        {
            "investment": investment,
            "form": form,
            "page_title": _("Add a tranche to %(reference)s") % {"reference": investment.reference},
            "can_view_portfolio": True,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def tranche_release(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = access.get_tranche_for_user(request.user, pk)
    if not access.can_release_tranches(request.user):
        raise PermissionDenied
    form = TrancheReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the payment date."))
        return redirect(tranche.investment)
    try:
        payment = services.tranche_release(
            actor=request.user, tranche=tranche, payment_date=form.cleaned_data["payment_date"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(tranche.investment)
    messages.success(
        request,
        _("Payment request for %(amount)s created: a second finance officer approves it before it is paid.")
        % {"amount": format_amount(payment.amount, payment.asset)},
    )
    return redirect(payment)


@login_required
def tranche_change(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = access.get_tranche_for_user(request.user, pk)
    investment = tranche.investment
    if not access.can_manage_portfolio(request.user):
        raise PermissionDenied
    form = TrancheChangeForm(request.POST or None, investment=investment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "cancel":
                services.tranche_cancel(actor=request.user, tranche=tranche, reason_text=data["reason"])
                messages.success(
                    request, _("The tranche is cancelled; its commitment is released in the ledger.")
                )
            else:
                if data.get("amount") is None:
                    raise ValidationError({"amount": [_("Enter the new amount.")]})
                services.tranche_reduce(
                    actor=request.user, tranche=tranche, amount=data["amount"], reason_text=data["reason"]
                )
                messages.success(
                    request, _("The tranche is reduced; the difference is released in the ledger.")
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(investment)
    return render(
        request,
        "portfolio/tranche_change.html",
        {
            "investment": investment,
            "tranche": tranche,
            "amount": format_amount(tranche.amount, investment.asset),
            "form": form,
            "page_title": _("Change tranche %(number)s of %(reference)s")
            % {"number": tranche.number, "reference": investment.reference},
            "can_view_portfolio": True,
        },
        status=422 if form.errors else 200,
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    investment = report.investment
    is_member = access.is_member(request.user, investment)
    kpis = services.report_kpis(report)
    initial = {f"kpi_{key}": value for key, value in report.kpis.items()}
    initial["narrative"] = report.narrative
    form = ReportForm(request.POST or None, kpis=kpis, initial=initial)
    can_submit = is_member and report.period_start <= timezone.localdate()
    if request.method == "POST":
        if not is_member:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.report_submit(
                    actor=request.user,
                    report=report,
                    kpis=form.kpi_values(),
                    narrative=form.cleaned_data["narrative"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your report is submitted. Thank you."))
                return redirect(investment)
    labels = {key: (label, unit) for key, label, unit in kpis}
    return render(
        request,
        "portfolio/report.html",
        {
            "report": report,
            "investment": investment,
            "form": form,
            "can_submit": can_submit,
            "is_member": is_member,
            "can_view_portfolio": access.can_view_portfolio(request.user),
            "values": [
                (labels[key][0], labels[key][1], value) for key, value in report.kpis.items() if key in labels
            ],
            "overdue": report.status == "due" and report.due_on < timezone.localdate(),
        },
        status=422 if form.errors else 200,
    )
