"""Fund pages: the overview, a fund with its movements, statements, journal entries, payment requests.

Only people who may see the ledger (``access.can_view_ledger``) open any of them; only finance officers
record money, and the services check four-eyes on the locked row.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.core.exports import FORMATS
from seedbed.core.models import User
from seedbed.core.views.common import add_service_errors, paginate, querystring_without
from seedbed.funds import access, ledger, selectors, services
from seedbed.funds.forms import (
    MovementFilterForm,
    PaymentRequestFilterForm,
    PaymentRequestForm,
    PeriodForm,
    RejectForm,
    ReverseForm,
)
from seedbed.funds.models import EntryKind, Fund, PaymentRequest, PaymentRequestStatus
from seedbed.funds.tasks import (
    movement_export_start,
    movement_export_write,
    statement_export_write,
    statement_filename,
)

# Which form field a service's message belongs to, by its error code.
SERVICE_ERROR_FIELDS = {
    "asset_not_allowed": "asset",
    "crypto_only": "asset",
    "unknown_asset": "asset",
    "not_positive": "amount",
    "amount_type": "amount",
    "insufficient_funds": "amount",
    "exceeds_contribution": "amount",
    "to_fund": "to_fund",
    "counterparty": "counterparty",
    "memo": "memo",
    "kind": "kind",
    "date": "effective_date",
    "note": "note",
}


def _service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's messages on the form's fields where its codes say where they belong."""
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    for item in error.error_list:
        field = SERVICE_ERROR_FIELDS.get(item.code or "")
        form.add_error(field if field in form.fields else None, item.messages)


def _require_ledger(user: Any) -> None:
    if not access.can_view_ledger(user):
        raise PermissionDenied


# --- Funds -------------------------------------------------------------------------------------------


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    _require_ledger(request.user)
    on = selectors.parse_day(request.GET.get("on")) or timezone.localdate()
    funds = list(access.funds_for_user(request.user).order_by("name"))
    valuers = selectors.Valuers()
    rows = selectors.holdings_for_funds(funds=funds, on=on, valuers=valuers)
    return render(
        request,
        "funds/fund_list.html",
        {
            "rows": rows,
            "on": on,
            "totals": selectors.holdings_totals(rows),
            "can_record_money": access.can_record_money(request.user),
        },
    )


@login_required
def fund_detail(request: HttpRequest, slug: str) -> HttpResponse:
    fund = access.get_fund_for_user(request.user, slug)
    filters = selectors.MovementFilters.from_mapping(request.GET)
    export = request.GET.get("export", "")
    if export in FORMATS:
        return _movement_export(request, fund, filters, export)
    page = paginate(request, selectors.movement_list(fund=fund, filters=filters))
    context: dict[str, Any] = {
        "fund": fund,
        "page": page,
        "movements": [(entry, selectors.movement_amounts(entry)) for entry in page.object_list],
        "filters": filters,
        "form": MovementFilterForm(
            request.GET or None,
            assets=selectors.fund_assets(fund),
            counterparties=selectors.movement_counterparties(fund),
        ),
        "querystring": querystring_without(request, "page", "export"),
    }
    if request.headers.get("HX-Target") == "movement-results":
        return render(request, "funds/fund_detail.html#movements", context)
    today = timezone.localdate()
    valuer = selectors.Valuer(fund.reporting_asset)
    context.update(
        {
            "today": today,
            "holdings": selectors.fund_holdings(fund=fund, on=today, valuer=valuer),
            "history": selectors.holdings_history(fund=fund, until=today),
            "trial_balance": selectors.trial_balance(fund=fund, on=today),
            "pending": selectors.pending_payment_requests(fund),
            "donors": selectors.donor_summary(fund),
            "can_record_money": access.can_record_money(request.user),
        }
    )
    return render(request, "funds/fund_detail.html", context)


def _movement_export(
    request: HttpRequest, fund: Fund, filters: selectors.MovementFilters, fmt: str
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    count = selectors.movement_list(fund=fund, filters=filters).count()
    if count > settings.SEEDBED_EXPORT_SYNC_LIMIT:
        job = movement_export_start(actor=user, fund=fund, filters=filters, fmt=fmt)
        messages.info(request, _("The export runs in the background. This page shows its progress."))
        return redirect(job.get_absolute_url())
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="movements-{fund.slug}-{timezone.now():%Y%m%d}.{extension}"'
    )
    # HttpResponse is a writable byte stream.
    movement_export_write(
        fund=fund, filters=filters, fmt=fmt, target=cast(IO[bytes], response), progress=None
    )
    return response


@login_required
def fund_statement(request: HttpRequest, slug: str) -> HttpResponse:
    fund = access.get_fund_for_user(request.user, slug)
    default = selectors.default_period()
    asked = "from" in request.GET or "to" in request.GET
    form = PeriodForm(request.GET if asked else None, initial_period=default)
    date_from, date_to = default
    if asked and form.is_valid():
        date_from, date_to = form.cleaned_data["from"], form.cleaned_data["to"]
    statement = selectors.fund_statement(fund=fund, date_from=date_from, date_to=date_to)
    export = request.GET.get("export", "")
    if export in FORMATS and (not asked or form.is_valid()):
        content_type, _extension = FORMATS[export]
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement, export)}"'
        statement_export_write(statement=statement, fmt=export, target=cast(IO[bytes], response))
        return response
    return render(
        request,
        "funds/fund_statement.html",
        {
            "fund": fund,
            "form": form,
            "statement": statement,
            "querystring": querystring_without(request, "export"),
        },
        status=200 if not asked or form.is_valid() else 422,
    )


# --- Journal entries ---------------------------------------------------------------------------------


def _entry_page(request: HttpRequest, pk: int, reverse_form: ReverseForm | None, status: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk)
    detail = selectors.entry_detail(entry)
    valuer = selectors.Valuer(entry.fund.reporting_asset)
    can_reverse = (
        access.can_record_money(request.user) and entry.kind != EntryKind.REVERSAL and detail.reversal is None
    )
    return render(
        request,
        "funds/entry_detail.html",
        {
            "entry": entry,
            "detail": detail,
            "postings": [
                (posting, valuer.value(abs(posting.amount), posting.asset, entry.effective_date))
                for posting in detail.postings
            ],
            "quote": valuer.quote,
            "can_reverse": can_reverse,
            "reverse_form": (reverse_form or ReverseForm()) if can_reverse else None,
        },
        status=status,
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_page(request, pk, None, 200)


@login_required
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk)
    if not access.can_record_money(request.user):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal = ledger.entry_reverse(
                actor=request.user,
                entry=entry,
                memo=form.cleaned_data["memo"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Entry #%(number)s was reversed by entry #%(reversal)s.")
                % {"number": entry.pk, "reversal": reversal.pk},
            )
            return redirect(reversal)
    return _entry_page(request, pk, form, 422)


# --- Payment requests --------------------------------------------------------------------------------


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
