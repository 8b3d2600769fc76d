"""Payment requests (four-eyes): list, read, request, and approve, reject or cancel."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from seedbed.core.api import Pages
from seedbed.funds import access, selectors, services
from seedbed.funds.api.common import (
    _amount,
    _asset,
    _field_errors,
    _fund_ref,
    _organization,
    _require_ledger,
    _require_recorder,
    router,
)
from seedbed.funds.models import PaymentRequest, PaymentRequestKind, PaymentRequestStatus
from seedbed.funds.money import format_amount

RequestKindLiteral = Literal[tuple(PaymentRequestKind.values)]  # type: ignore[valid-type]
RequestStatusLiteral = Literal[tuple(PaymentRequestStatus.values)]  # type: ignore[valid-type]


class PaymentRequestOut(Schema):
    id: int
    fund: str
    kind: str
    kind_label: str
    asset: str
    amount: str
    amount_display: str
    counterparty: str | None
    to_fund: str | None
    effective_date: dt.date
    memo: str
    status: str
    status_label: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    entry: int | None
    is_sample: bool
    url: str

    @staticmethod
    def resolve_fund(obj: PaymentRequest) -> str:
        return obj.fund.slug

    @staticmethod
    def resolve_kind_label(obj: PaymentRequest) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_asset(obj: PaymentRequest) -> str:
        return obj.asset.code

    @staticmethod
    def resolve_amount(obj: PaymentRequest) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_amount_display(obj: PaymentRequest) -> str:
        return format_amount(obj.amount, obj.asset)

    @staticmethod
    def resolve_counterparty(obj: PaymentRequest) -> str | None:
        return obj.counterparty.slug if obj.counterparty else None

    @staticmethod
    def resolve_to_fund(obj: PaymentRequest) -> str | None:
        return obj.to_fund.slug if obj.to_fund else None

    @staticmethod
    def resolve_status_label(obj: PaymentRequest) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_requested_by(obj: PaymentRequest) -> str:
        return str(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj: PaymentRequest) -> str | None:
        return str(obj.decided_by) if obj.decided_by else None

    @staticmethod
    def resolve_entry(obj: PaymentRequest) -> int | None:
        return obj.entry_id

    @staticmethod
    def resolve_url(obj: PaymentRequest) -> str:
        return obj.get_absolute_url()


class PaymentRequestIn(Schema):
    kind: RequestKindLiteral  # type: ignore[valid-type]
    asset: str
    amount: str = Field(description="As people write it: 1.5, 100,000.00; never more decimals than the asset")
    effective_date: dt.date
    memo: str = Field(description="What the payment is for")
    counterparty: str | None = Field(
        None, description="Slug of the grantee, the donor to refund, or who charges a fee"
    )
    to_fund: str | None = Field(None, description="Slug of the receiving fund, for a transfer")


class RejectIn(Schema):
    note: str = Field(description="Why the payment is rejected")


class PaymentRequestFilterIn(Schema):
    status: RequestStatusLiteral | None = None  # type: ignore[valid-type]
    fund: str | None = Field(None, description="Slug of the fund")


@router.get("/payment-requests", response=list[PaymentRequestOut], summary="List payment requests")
@paginate(Pages, page_size=50)
def list_payment_requests(request: HttpRequest, filters: Query[PaymentRequestFilterIn]) -> Any:
    _require_ledger(request.user)
    return selectors.payment_request_list(
        user=request.user,
        filters=selectors.PaymentRequestFilters(status=filters.status or "", fund=filters.fund or ""),
    )


@router.get("/payment-requests/{request_id}", response=PaymentRequestOut, summary="One payment request")
def get_payment_request(request: HttpRequest, request_id: int) -> Any:
    return access.get_payment_request_for_user(request.user, request_id)


@router.post(
    "/funds/{slug}/payment-requests",
    response={201: PaymentRequestOut},
    summary="Request a payment (a different finance officer approves it)",
)
def create_payment_request(request: HttpRequest, slug: str, payload: PaymentRequestIn) -> Any:
    fund = access.get_fund_for_user(request.user, slug)
    _require_recorder(request.user)
    asset = _asset(payload.asset)
    amount = _amount(payload.amount, asset)
    counterparty = _organization(payload.counterparty, "counterparty")
    to_fund = _fund_ref(payload.to_fund, "to_fund")
    try:
        created = services.payment_request_create(
            actor=request.user,
            fund=fund,
            kind=payload.kind,
            asset=asset,
            amount=amount,
            effective_date=payload.effective_date,
            memo=payload.memo,
            counterparty=counterparty,
            to_fund=to_fund,
        )
    except ValidationError as error:
        raise _field_errors(error) from error
    return Status(201, access.get_payment_request_for_user(request.user, created.pk))


@router.post(
    "/payment-requests/{request_id}/approve",
    response=PaymentRequestOut,
    summary="Approve and post a payment request (not your own)",
)
def approve_payment_request(request: HttpRequest, request_id: int) -> Any:
    payment_request = access.get_payment_request_for_user(request.user, request_id, write=True)
    try:
        services.payment_request_approve(actor=request.user, request=payment_request)
    except ValidationError as error:
        raise _field_errors(error) from error
    return access.get_payment_request_for_user(request.user, request_id)


@router.post(
    "/payment-requests/{request_id}/reject",
    response=PaymentRequestOut,
    summary="Reject a payment request (not your own), saying why",
)
def reject_payment_request(request: HttpRequest, request_id: int, payload: RejectIn) -> Any:
    payment_request = access.get_payment_request_for_user(request.user, request_id, write=True)
    try:
        services.payment_request_reject(actor=request.user, request=payment_request, note=payload.note)
    except ValidationError as error:
        raise _field_errors(error) from error
    return access.get_payment_request_for_user(request.user, request_id)


@router.post(
    "/payment-requests/{request_id}/cancel",
    response=PaymentRequestOut,
    summary="Cancel your own payment request while it waits",
)
def cancel_payment_request(request: HttpRequest, request_id: int) -> Any:
    payment_request = access.get_payment_request_for_user(request.user, request_id, write=True)
    try:
        services.payment_request_cancel(actor=request.user, request=payment_request)
    except ValidationError as error:
        raise _field_errors(error) from error
    return access.get_payment_request_for_user(request.user, request_id)
