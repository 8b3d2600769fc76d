"""Recording money coming in (donations, pledges, pledge receipts) and commitments (finance officers).
Money going out is requested through payment requests (``payment_requests``).
"""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Schema, Status

from seedbed.funds import access, selectors, services
from seedbed.funds.api.common import (
    _amount,
    _asset,
    _entries_with_reversals,
    _field_errors,
    _organization,
    _require_recorder,
    router,
)
from seedbed.funds.api.schemas import EntryOut


class ContributionIn(Schema):
    donor: str = Field(description="Slug of the donor organization")
    asset: str = Field(description="Asset code, e.g. USD or ETH")
    amount: str = Field(description="As people write it: 1.5, 100,000.00; never more decimals than the asset")
    effective_date: dt.date
    memo: str = ""
    external_ref: str = Field("", max_length=200, description="Bank or chain reference, recorded once")


class CommitmentIn(Schema):
    grantee: str = Field(description="Slug of the grantee organization")
    asset: str = Field(description="Asset code, e.g. USD or ETH")
    amount: str = Field(description="As people write it: 1.5, 100,000.00; never more decimals than the asset")
    effective_date: dt.date
    memo: str = ""
    external_ref: str = Field("", max_length=200, description="The agreement's reference, recorded once")


def _record(request: HttpRequest, slug: str, payload: Any, service: Any, counterparty: str) -> Any:
    """Record one movement with ``service``; ``counterparty`` names the payload's field ("donor", ...)."""
    fund = access.get_fund_for_user(request.user, slug)
    _require_recorder(request.user)
    asset = _asset(payload.asset)
    amount = _amount(payload.amount, asset)
    try:
        entry = service(
            actor=request.user,
            fund=fund,
            asset=asset,
            amount=amount,
            effective_date=payload.effective_date,
            memo=payload.memo,
            external_ref=payload.external_ref,
            **{counterparty: _organization(getattr(payload, counterparty), counterparty)},
        )
    except ValidationError as error:
        raise _field_errors(error, {"counterparty": counterparty}) from error
    entry = _entries_with_reversals(
        selectors.movement_list(fund=fund, filters=selectors.MovementFilters())
    ).get(pk=entry.pk)
    return Status(201, entry)


@router.post("/funds/{slug}/donations", response={201: EntryOut}, summary="Record a donation received")
def create_donation(request: HttpRequest, slug: str, payload: ContributionIn) -> Any:
    return _record(request, slug, payload, services.donation_record, "donor")


@router.post("/funds/{slug}/pledges", response={201: EntryOut}, summary="Record a donor's pledge")
def create_pledge(request: HttpRequest, slug: str, payload: ContributionIn) -> Any:
    return _record(request, slug, payload, services.pledge_record, "donor")


@router.post(
    "/funds/{slug}/pledge-receipts",
    response={201: EntryOut},
    summary="Record money received against a pledge",
)
def create_pledge_receipt(request: HttpRequest, slug: str, payload: ContributionIn) -> Any:
    return _record(request, slug, payload, services.pledge_receipt_record, "donor")


@router.post(
    "/funds/{slug}/commitments",
    response={201: EntryOut},
    summary="Record a commitment to a grantee (off balance until paid)",
)
def create_commitment(request: HttpRequest, slug: str, payload: CommitmentIn) -> Any:
    return _record(request, slug, payload, services.commitment_record, "grantee")
