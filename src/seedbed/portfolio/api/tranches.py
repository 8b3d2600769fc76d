"""Tranches through the API: an investment's payment schedule with each tranche's state (read from its
payment request: paid only once the disbursement is posted in the ledger), a finance officer releasing a
tranche (a payment request that a second finance officer approves at /api/payment-requests), and fund
managers cancelling or reducing one that is not paid, with a reason."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from seedbed.core.api import Pages
from seedbed.portfolio import access, selectors, services
from seedbed.portfolio.api.common import amount_out, base_units, field_errors, require, router
from seedbed.portfolio.models import Milestone, Tranche, TrancheState

TrancheStateLiteral = Literal[tuple(TrancheState.values)]  # type: ignore[valid-type]


class TrancheOut(Schema):
    id: int
    investment: str = Field(description="The investment's reference")
    number: int
    state: str = Field(description="scheduled, requested (awaiting payment approval), paid or cancelled")
    state_label: str
    asset: str
    amount: str = Field(description="Exact amount in base units, as a string")
    amount_display: str
    original_amount: str | None = Field(description="The amount first scheduled, when it was reduced")
    due_on: dt.date
    milestones: list[int] = Field(description="Ids of the milestones it waits for")
    payment_request: int | None = Field(description="The payment request's id, once released")
    payment_request_status: str | None
    ledger_entry: int | None = Field(description="The disbursement's journal entry, once paid")
    paid_on: dt.date | None
    change_reason: str
    cancelled_at: dt.datetime | None

    @staticmethod
    def resolve_investment(obj: Tranche) -> str:
        return obj.investment.reference

    @staticmethod
    def resolve_state_label(obj: Tranche) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_asset(obj: Tranche) -> str:
        return obj.investment.asset.code

    @staticmethod
    def resolve_amount(obj: Tranche) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_amount_display(obj: Tranche) -> str:
        return amount_out(obj.amount, obj.investment.asset)["amount_display"]

    @staticmethod
    def resolve_original_amount(obj: Tranche) -> str | None:
        return None if obj.original_amount is None else str(obj.original_amount)

    @staticmethod
    def resolve_milestones(obj: Tranche) -> list[int]:
        return [milestone.pk for milestone in obj.milestones.all()]

    @staticmethod
    def resolve_payment_request(obj: Tranche) -> int | None:
        return obj.payment_request_id

    @staticmethod
    def resolve_payment_request_status(obj: Tranche) -> str | None:
        return obj.payment_request.status if obj.payment_request is not None else None

    @staticmethod
    def resolve_ledger_entry(obj: Tranche) -> int | None:
        if obj.state != TrancheState.PAID or obj.payment_request is None:
            return None
        return obj.payment_request.entry_id

    @staticmethod
    def resolve_paid_on(obj: Tranche) -> dt.date | None:
        if obj.state != TrancheState.PAID or obj.payment_request is None:
            return None
        return obj.payment_request.effective_date


class ReleaseOut(Schema):
    payment_request: int = Field(description="The payment request a second finance officer approves")
    tranche: TrancheOut


class ScheduleFilterIn(Schema):
    state: TrancheStateLiteral | None = None  # type: ignore[valid-type]


class ReleaseIn(Schema):
    payment_date: dt.date | None = Field(None, description="The date the payment is made; today if left out")


class CancelIn(Schema):
    reason: str = Field(description="Why the tranche will not be paid")


class ReduceIn(Schema):
    amount: str = Field(description="The new, lower amount in base units, as a string")
    reason: str = Field(description="Why the tranche is reduced")


# A refusal about the tranche's state goes on ``tranche``; a missing reason on ``reason``.
_CODES = {"reason": "reason"}


def _one(user: Any, tranche_id: int) -> Tranche:
    tranche = access.get_tranche_for_user(user, tranche_id)
    return (
        Tranche.objects.select_related("investment__asset", "payment_request")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("quarter", "position")))
        .get(pk=tranche.pk)
    )


@router.get(
    "/investments/{reference}/tranches",
    response=list[TrancheOut],
    summary="An investment's payment schedule",
)
@paginate(Pages, page_size=100)
def list_tranches(request: HttpRequest, reference: str, filters: Query[ScheduleFilterIn]) -> Any:
    investment = access.get_investment_for_user(request.user, reference)
    return [
        tranche
        for tranche in selectors.tranches_of(investment)
        if filters.state is None or tranche.state == filters.state
    ]


@router.get("/tranches/{tranche_id}", response=TrancheOut, summary="One tranche")
def get_tranche(request: HttpRequest, tranche_id: int) -> Any:
    return _one(request.user, tranche_id)


@router.post(
    "/tranches/{tranche_id}/release",
    response=ReleaseOut,
    summary="Release a tranche: request its payment (finance officers)",
)
def release_tranche(request: HttpRequest, tranche_id: int, payload: ReleaseIn | None = None) -> Any:
    """Needs every milestone the tranche waits for accepted. The tranche shows as paid once a second
    finance officer approves the payment request and the disbursement is posted."""
    tranche = access.get_tranche_for_user(request.user, tranche_id)
    try:
        payment_request = services.tranche_release(
            actor=request.user, tranche=tranche, payment_date=payload.payment_date if payload else None
        )
    except ValidationError as error:
        raise field_errors(error, "tranche") from None
    return {"payment_request": payment_request.pk, "tranche": _one(request.user, tranche_id)}


@router.post("/tranches/{tranche_id}/cancel", response=TrancheOut, summary="Cancel a tranche (fund managers)")
def cancel_tranche(request: HttpRequest, tranche_id: int, payload: CancelIn) -> Any:
    tranche = access.get_tranche_for_user(request.user, tranche_id)
    try:
        services.tranche_cancel(actor=request.user, tranche=tranche, reason_text=payload.reason)
    except ValidationError as error:
        raise field_errors(error, "tranche", _CODES) from None
    return _one(request.user, tranche_id)


@router.post("/tranches/{tranche_id}/reduce", response=TrancheOut, summary="Reduce a tranche (fund managers)")
def reduce_tranche(request: HttpRequest, tranche_id: int, payload: ReduceIn) -> Any:
    tranche = access.get_tranche_for_user(request.user, tranche_id)
    require(access.can_manage_portfolio(request.user))
    amount = base_units(payload.amount, "amount")
    try:
        services.tranche_reduce(
            actor=request.user, tranche=tranche, amount=amount, reason_text=payload.reason
        )
    except ValidationError as error:
        raise field_errors(error, "tranche", _CODES) from None
    return _one(request.user, tranche_id)
