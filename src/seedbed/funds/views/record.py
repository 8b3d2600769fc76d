"""Pages that record money coming in and commitments (finance officers).

Each page checks access, validates with a form from ``forms.record``, calls one service and redirects to
what it wrote. A service's ``ValidationError`` is shown on the form's fields and nothing is written (each
service runs in one transaction). Money going out is requested through payment requests
(``views.payment_requests``); a fund's rules are edited in ``views.rules``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from seedbed.funds import access, services
from seedbed.funds.forms import CommitmentForm, ContributionForm, PledgeReceiptForm
from seedbed.funds.models import Fund, JournalEntry
from seedbed.funds.views.common import _service_errors


@dataclass(frozen=True)
class Record:
    """One kind of record: its form, the service that writes it and the words of its page."""

    form: Callable[..., Form]
    service: Callable[..., JournalEntry]
    title: Promise
    intro: Promise
    submit: Promise
    done: Promise  # "... as entry #%(number)s."
    rename: dict[str, str]


RECORDS = {
    "donation": Record(
        form=ContributionForm,
        service=services.donation_record,
        title=gettext_lazy("Record a donation"),
        intro=gettext_lazy("Money the fund has received from a donor, without a pledge."),
        submit=gettext_lazy("Record the donation"),
        done=gettext_lazy("The donation was recorded as entry #%(number)s."),
        rename={"counterparty": "donor"},
    ),
    "pledge": Record(
        form=ContributionForm,
        service=services.pledge_record,
        title=gettext_lazy("Record a pledge"),
        intro=gettext_lazy(
            "A donor's promise to give. It counts as a contribution now; the money is recorded as receipts"
            " when it arrives."
        ),
        submit=gettext_lazy("Record the pledge"),
        done=gettext_lazy("The pledge was recorded as entry #%(number)s."),
        rename={"counterparty": "donor"},
    ),
    "receipt": Record(
        form=PledgeReceiptForm,
        service=services.pledge_receipt_record,
        title=gettext_lazy("Record a pledge receipt"),
        intro=gettext_lazy(
            "Money received against a donor's pledge. It cannot be more than what is outstanding; record"
            " anything more as a donation."
        ),
        submit=gettext_lazy("Record the receipt"),
        done=gettext_lazy("The receipt was recorded as entry #%(number)s."),
        rename={"counterparty": "pledge", "asset": "pledge"},
    ),
    "commitment": Record(
        form=CommitmentForm,
        service=services.commitment_record,
        title=gettext_lazy("Record a commitment"),
        intro=gettext_lazy(
            "Money promised to a grantee. It stays off balance; paying it goes through a payment request."
        ),
        submit=gettext_lazy("Record the commitment"),
        done=gettext_lazy("The commitment was recorded as entry #%(number)s."),
        rename={"counterparty": "grantee"},
    ),
}


def _recording_fund(request: HttpRequest, slug: str) -> Fund:
    """Finance officers only: everyone else is refused before the fund is even looked up."""
    if not access.can_record_money(request.user):
        raise PermissionDenied
    return access.get_fund_for_user(request.user, slug)


def _service_arguments(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    common = {
        "amount": data["amount"],
        "effective_date": data["effective_date"],
        "memo": data["memo"],
        "external_ref": data["external_ref"],
    }
    if kind == "receipt":
        pledge = data["pledge"]
        return {**common, "donor": pledge.donor, "asset": pledge.asset}
    if kind == "commitment":
        return {**common, "grantee": data["grantee"], "asset": data["asset"]}
    return {**common, "donor": data["donor"], "asset": data["asset"]}


def _record(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    fund = _recording_fund(request, slug)
    record = RECORDS[kind]
    today = timezone.localdate()
    extra: dict[str, Any] = {}
    if kind == "receipt":
        extra["pledges"] = services.outstanding_pledges(fund)
    form = record.form(request.POST if request.method == "POST" else None, fund=fund, today=today, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            entry = record.service(
                actor=request.user, fund=fund, **_service_arguments(kind, form.cleaned_data)
            )
        except ValidationError as error:
            _service_errors(form, error, record.rename)
        else:
            messages.success(request, record.done % {"number": entry.pk})
            return redirect(entry)
    return render(
        request,
        "funds/record_form.html",
        {
            "fund": fund,
            "form": form,
            "kind": kind,
            "record": record,
            "accepted": ", ".join(fund.allowed_assets.order_by("code").values_list("code", flat=True)),
            "no_pledge": kind == "receipt" and not extra["pledges"],
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def fund_record_donation(request: HttpRequest, slug: str) -> HttpResponse:
    return _record(request, slug, "donation")


@login_required
def fund_record_pledge(request: HttpRequest, slug: str) -> HttpResponse:
    return _record(request, slug, "pledge")


@login_required
def fund_record_receipt(request: HttpRequest, slug: str) -> HttpResponse:
    return _record(request, slug, "receipt")


@login_required
def fund_record_commitment(request: HttpRequest, slug: str) -> HttpResponse:
    return _record(request, slug, "commitment")
