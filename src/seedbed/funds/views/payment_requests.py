"""Payment requests (four-eyes): the list, one request, a new one, and approving, rejecting or
cancelling it. Only finance officers request and decide; the services check four-eyes on the locked row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.core.views.common import paginate, querystring_without
from seedbed.funds import access, selectors, services
from seedbed.funds.forms import PaymentRequestFilterForm, PaymentRequestForm, RejectForm
from seedbed.funds.models import PaymentRequest, PaymentRequestStatus
from seedbed.funds.views.common import _require_ledger, _service_errors


@login_required
def payment_request_list(request: HttpRequest) -> HttpResponse:
    _require_ledger(request.user)
    filters = selectors.PaymentRequestFilters.from_mapping(request.GET)
    page = paginate(request, selectors.payment_request_list(user=request.user, filters=filters))
    context = {
        "page": page,
        "filters": filters,
        "form": PaymentRequestFilterForm(
            request.GET if request.GET else None, initial={"status": filters.status}
        ),
        "querystring": querystring_without(request, "page"),
        "can_record_money": access.can_record_money(request.user),
    }
    if request.headers.get("HX-Target") == "payment-request-results":
        return render(request, "funds/payment_request_list.html#results", context)
    return render(request, "funds/payment_request_list.html", context)


def _payment_request_page(
    request: HttpRequest,
    payment_request: PaymentRequest,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    pending = payment_request.status == PaymentRequestStatus.PENDING
    is_requester = payment_request.requested_by_id == user.pk
    can_decide = pending and access.can_record_money(user) and not is_requester
    available = selectors.fund_holdings(
        fund=payment_request.fund,
        on=max(payment_request.effective_date, timezone.localdate()),
    )
    return render(
        request,
        "funds/payment_request_detail.html",
        {
            "payment_request": payment_request,
            "available": next(
                (h for h in available.holdings if h.asset.pk == payment_request.asset_id), None
            ),
            "can_decide": can_decide,
            "can_cancel": pending and is_requester and access.can_record_money(user),
            "waits_for_other": pending and is_requester,
            "reject_form": (reject_form or RejectForm()) if can_decide else None,
        },
        status=status,
    )


@login_required
def payment_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment_request = access.get_payment_request_for_user(request.user, pk)
    return _payment_request_page(request, payment_request)


@login_required
def payment_request_create(request: HttpRequest) -> HttpResponse:
    _require_ledger(request.user)
    if not access.can_record_money(request.user):
        raise PermissionDenied
    initial: dict[str, Any] = {"effective_date": timezone.localdate()}
    if request.GET.get("fund"):
        initial["fund"] = request.GET["fund"]
    form = PaymentRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment_request = services.payment_request_create(
                actor=request.user,
                fund=data["fund"],
                kind=data["kind"],
                asset=data["asset"],
                amount=data["amount"],
                effective_date=data["effective_date"],
                memo=data["memo"],
                counterparty=data["counterparty"],
                to_fund=data["to_fund"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                _("Payment request #%(number)s was sent. Another finance officer must approve it.")
                % {"number": payment_request.pk},
            )
            return redirect(payment_request)
    return render(
        request,
        "funds/payment_request_form.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


def _decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    payment_request = access.get_payment_request_for_user(request.user, pk, write=True)
    reject_form = None
    try:
        if action == "approve":
            payment_request = services.payment_request_approve(actor=request.user, request=payment_request)
            messages.success(
                request,
                _("Payment request #%(number)s was approved and posted as entry #%(entry)s.")
                % {"number": payment_request.pk, "entry": payment_request.entry_id},
            )
        elif action == "reject":
            reject_form = RejectForm(request.POST)
            if not reject_form.is_valid():
                return _payment_request_page(request, payment_request, reject_form, status=422)
            services.payment_request_reject(
                actor=request.user, request=payment_request, note=reject_form.cleaned_data["note"]
            )
            messages.success(request, _("Payment request #%(number)s was rejected.") % {"number": pk})
        else:
            services.payment_request_cancel(actor=request.user, request=payment_request)
            messages.success(request, _("Payment request #%(number)s was cancelled.") % {"number": pk})
    except (ValidationError, PermissionDenied) as error:
        # Four-eyes and a request decided meanwhile are explained on the page, with nothing changed.
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or _("You are not allowed to do this."))
        payment_request.refresh_from_db()
        return _payment_request_page(
            request, payment_request, status=403 if isinstance(error, PermissionDenied) else 409
        )
    return redirect("payment_request_detail", pk=pk)


@login_required
@require_POST
def payment_request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "approve")


@login_required
@require_POST
def payment_request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "reject")


@login_required
@require_POST
def payment_request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "cancel")
