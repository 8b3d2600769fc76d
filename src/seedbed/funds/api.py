"""JSON API for funds and the ledger. Same access rules, selectors and services as the pages.

Amounts go out twice: ``amount`` is the exact integer in base units as a string (JSON numbers are
floats for many readers, and wei do not fit them), ``amount_display`` is what people read ("1.5 ETH").
Amounts come in as people write them, as strings ("1.5", "100,000.00"), read exactly by
``money.parse_amount``: too many decimals is a 422 with a message on the field, never a rounding.
"""

# No `from __future__ import annotations` here: django-ninja cannot resolve deferred `Query[...]`
# annotations on @paginate-wrapped views (vitalik/django-ninja#1717) and fails every list call.

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from seedbed.core.api import FieldErrors, Pages
from seedbed.core.models import Organization
from seedbed.funds import access, selectors, services
from seedbed.funds.models import (
    Asset,
    EntryKind,
    Fund,
    JournalEntry,
    PaymentRequest,
    PaymentRequestKind,
    PaymentRequestStatus,
)
from seedbed.funds.money import format_amount, parse_amount

router = Router(tags=["Funds and ledger"])

EntryKindLiteral = Literal[tuple(EntryKind.values)]  # type: ignore[valid-type]
RequestKindLiteral = Literal[tuple(PaymentRequestKind.values)]  # type: ignore[valid-type]
RequestStatusLiteral = Literal[tuple(PaymentRequestStatus.values)]  # type: ignore[valid-type]

# Which field of a request body a service's message belongs to, by its error code.
SERVICE_ERROR_FIELDS = {
    "asset_not_allowed": "asset",
    "crypto_only": "asset",
    "unknown_asset": "asset",
    "not_positive": "amount",
    "amount_type": "amount",
    "insufficient_funds": "amount",
    "exceeds_pledge": "amount",
    "exceeds_contribution": "amount",
    "to_fund": "to_fund",
    "counterparty": "counterparty",
    "memo": "memo",
    "kind": "kind",
    "date": "effective_date",
    "note": "note",
    "duplicate_reference": "external_ref",
}


def _field_errors(error: ValidationError, rename: dict[str, str] | None = None) -> FieldErrors:
    if hasattr(error, "error_dict"):
        return FieldErrors.from_validation_error(error)
    errors: dict[str, list[str]] = {}
    for item in error.error_list:
        field = SERVICE_ERROR_FIELDS.get(item.code or "", "__all__")
        field = (rename or {}).get(field, field)
        errors.setdefault(field, []).extend(item.messages)
    return FieldErrors(errors)


def _value_text(value: Decimal | None) -> str | None:
    """The exact value as plain decimal text, without trailing zeros or an exponent."""
    if value is None:
        return None
    with localcontext() as context:
        context.prec = 200
        text = format(value.normalize(), "f")
    return text


def _value_display(value: Decimal | None, quote: Asset) -> str:
    if value is None:
        return _("price missing")
    with localcontext() as context:
        context.prec = 200
        rounded = value.quantize(Decimal(1).scaleb(-quote.decimals), rounding=ROUND_HALF_EVEN)
        return format_amount(int(rounded.scaleb(quote.decimals)), quote)


# --- Schemas -----------------------------------------------------------------------------------------


class AssetOut(Schema):
    code: str
    name: str
    kind: str
    decimals: int = Field(description="Base units per unit: 10**decimals (USD 2, ETH 18)")


class HoldingOut(Schema):
    asset: str
    amount: str = Field(description="Exact amount in base units (cents, wei, satoshi), as a string")
    amount_display: str
    value: str | None = Field(
        description="Exact value in the reporting currency; null when a price is missing"
    )
    value_display: str


def _holding(holding: selectors.Holding, quote: Asset) -> HoldingOut:
    return HoldingOut(
        asset=holding.asset.code,
        amount=str(holding.amount),
        amount_display=format_amount(holding.amount, holding.asset),
        value=_value_text(holding.value),
        value_display=_value_display(holding.value, quote),
    )


class BalancesOut(Schema):
    fund: str
    on: dt.date
    reporting_currency: str
    holdings: list[HoldingOut]
    total_value: str | None = Field(
        description="Null when any price is missing: a partial total would mislead"
    )
    total_value_display: str


def _balances(holdings: selectors.FundHoldings) -> BalancesOut:
    quote = holdings.fund.reporting_asset
    return BalancesOut(
        fund=holdings.fund.slug,
        on=holdings.on,
        reporting_currency=quote.code,
        holdings=[_holding(holding, quote) for holding in holdings.holdings],
        total_value=_value_text(holdings.total_value),
        total_value_display=_value_display(holdings.total_value, quote),
    )


class FundOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    description: str
    reporting_currency: str
    crypto_only: bool
    allows_conversion: bool
    is_sample: bool = Field(description="Generated demo data")
    url: str
    balances: BalancesOut = Field(description="Holdings at the end of today")


def _fund_out(fund: Fund, holdings: selectors.FundHoldings) -> FundOut:
    return FundOut(
        slug=fund.slug,
        name=fund.name,
        kind=fund.kind,
        kind_label=str(fund.get_kind_display()),
        description=fund.description,
        reporting_currency=fund.reporting_asset.code,
        crypto_only=fund.crypto_only,
        allows_conversion=fund.allows_conversion,
        is_sample=fund.is_sample,
        url=fund.get_absolute_url(),
        balances=_balances(holdings),
    )


class FundDetailOut(FundOut):
    allowed_assets: list[AssetOut]
    target_new_investments_per_year: int | None


class MovementAmountOut(Schema):
    asset: str
    amount: str = Field(description="The size of the movement in this fund, in base units")
    amount_display: str
    holdings_change: str = Field(description="What it did to the fund's holdings, in base units (signed)")
    holdings_change_display: str


class EntryOut(Schema):
    id: int
    fund: str
    kind: str
    kind_label: str
    effective_date: dt.date
    recorded_at: dt.datetime
    memo: str
    counterparty: str | None = Field(description="Slug of the organization")
    counterparty_name: str | None
    external_ref: str
    reverses: int | None
    reversed_by: int | None
    recorded_by: str | None
    approved_by: str | None
    is_sample: bool
    amounts: list[MovementAmountOut]
    url: str

    @staticmethod
    def resolve_fund(obj: JournalEntry) -> str:
        return obj.fund.slug

    @staticmethod
    def resolve_kind_label(obj: JournalEntry) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_counterparty(obj: JournalEntry) -> str | None:
        return obj.counterparty.slug if obj.counterparty else None

    @staticmethod
    def resolve_counterparty_name(obj: JournalEntry) -> str | None:
        return obj.counterparty.name if obj.counterparty else None

    @staticmethod
    def resolve_reverses(obj: JournalEntry) -> int | None:
        return obj.reverses_id

    @staticmethod
    def resolve_reversed_by(obj: JournalEntry) -> int | None:
        return getattr(obj, "reversal_id", None)  # annotated by _entries_with_reversals

    @staticmethod
    def resolve_recorded_by(obj: JournalEntry) -> str | None:
        return str(obj.recorded_by) if obj.recorded_by else None

    @staticmethod
    def resolve_approved_by(obj: JournalEntry) -> str | None:
        return str(obj.approved_by) if obj.approved_by else None

    @staticmethod
    def resolve_amounts(obj: JournalEntry) -> list[MovementAmountOut]:
        return [
            MovementAmountOut(
                asset=line.asset.code,
                amount=str(line.amount),
                amount_display=format_amount(line.amount, line.asset),
                holdings_change=str(line.holdings_change),
                holdings_change_display=format_amount(line.holdings_change, line.asset),
            )
            for line in selectors.movement_amounts(obj)
        ]

    @staticmethod
    def resolve_url(obj: JournalEntry) -> str:
        return obj.get_absolute_url()


class PostingOut(Schema):
    account: str = Field(description="Account code")
    account_name: str
    account_type: str
    fund: str
    asset: str
    amount: str = Field(description="Signed, in base units: debits positive, credits negative")
    amount_display: str
    value: str | None = Field(description="In the fund's reporting currency at the effective date")
    value_display: str


class EntryDetailOut(EntryOut):
    postings: list[PostingOut]
    cause_type: str | None = Field(description="What kind of object caused the entry")
    cause_id: str | None
    payment_request: int | None

    @staticmethod
    def resolve_postings(obj: JournalEntry) -> list[PostingOut]:
        return obj.posting_rows  # type: ignore[attr-defined]

    @staticmethod
    def resolve_cause_type(obj: JournalEntry) -> str | None:
        return obj.detail.cause_label or None  # type: ignore[attr-defined]

    @staticmethod
    def resolve_cause_id(obj: JournalEntry) -> str | None:
        return obj.cause_id or None

    @staticmethod
    def resolve_payment_request(obj: JournalEntry) -> int | None:
        found = obj.detail.payment_request  # type: ignore[attr-defined]
        return found.pk if found is not None else None


class StatementLineOut(Schema):
    asset: str
    opening: str
    inflow: str
    outflow: str
    closing: str
    opening_display: str
    inflow_display: str
    outflow_display: str
    closing_display: str
    opening_value: str | None
    inflow_value: str | None
    outflow_value: str | None
    revaluation: str | None
    closing_value: str | None


class StatementOut(Schema):
    fund: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    reporting_currency: str
    lines: list[StatementLineOut]
    opening_value: str | None
    inflow_value: str | None
    outflow_value: str | None
    revaluation: str | None
    closing_value: str | None
    has_missing_prices: bool


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


class EntryFilterIn(Schema):
    kind: EntryKindLiteral | None = None  # type: ignore[valid-type]
    date_from: dt.date | None = Field(None, alias="from", description="First effective date (included)")
    date_to: dt.date | None = Field(None, alias="to", description="Last effective date (included)")
    asset: str | None = Field(None, description="Asset code, e.g. ETH")
    counterparty: str | None = Field(None, description="Slug of the organization")


class PeriodIn(Schema):
    date_from: dt.date = Field(alias="from", description="First day (included)")
    date_to: dt.date = Field(alias="to", description="Last day (included)")


class BalancesIn(Schema):
    on: dt.date | None = Field(None, description="End of this day; today when left out")


class ContributionIn(Schema):
    donor: str = Field(description="Slug of the donor organization")
    asset: str = Field(description="Asset code, e.g. USD or ETH")
    amount: str = Field(description="As people write it: 1.5, 100,000.00; never more decimals than the asset")
    effective_date: dt.date
    memo: str = ""
    external_ref: str = Field("", max_length=200, description="Bank or chain reference, recorded once")


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


# --- Helpers -----------------------------------------------------------------------------------------


def _require_ledger(user: Any) -> None:
    if not access.can_view_ledger(user):
        raise PermissionDenied


def _require_recorder(user: Any) -> None:
    if not access.can_record_money(user):
        raise PermissionDenied


def _asset(code: str) -> Asset:
    asset = Asset.objects.filter(code=code.strip().upper()).first() if code else None
    if asset is None:
        raise FieldErrors({"asset": [_("No asset has the code %(code)r.") % {"code": code}]})
    return asset


def _amount(text: str, asset: Asset) -> int:
    try:
        return parse_amount(text, asset)
    except ValidationError as error:
        raise FieldErrors({"amount": list(error.messages)}) from error


def _organization(slug: str | None, field: str) -> Organization | None:
    if not slug:
        return None
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise FieldErrors({field: [_("No organization has the slug %(slug)r.") % {"slug": slug}]})
    return organization


def _fund_ref(slug: str | None, field: str) -> Fund | None:
    if not slug:
        return None
    fund = Fund.objects.filter(slug=slug).first()
    if fund is None:
        raise FieldErrors({field: [_("No fund has the slug %(slug)r.") % {"slug": slug}]})
    return fund


def _entries_with_reversals(qs: Any) -> Any:
    """Each entry's reversal id in the same query (a reversal points at its original)."""
    reversal = JournalEntry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
    return qs.annotate(reversal_id=Subquery(reversal))


def _statement_out(statement: selectors.Statement) -> StatementOut:
    return StatementOut.model_validate(
        {
            "fund": statement.fund.slug,
            "from": statement.date_from,
            "to": statement.date_to,
            "reporting_currency": statement.quote.code,
            "lines": [
                StatementLineOut(
                    asset=line.asset.code,
                    opening=str(line.opening),
                    inflow=str(line.inflow),
                    outflow=str(line.outflow),
                    closing=str(line.closing),
                    opening_display=format_amount(line.opening, line.asset),
                    inflow_display=format_amount(line.inflow, line.asset),
                    outflow_display=format_amount(line.outflow, line.asset),
                    closing_display=format_amount(line.closing, line.asset),
                    opening_value=_value_text(line.opening_value),
                    inflow_value=_value_text(line.inflow_value),
                    outflow_value=_value_text(line.outflow_value),
                    revaluation=_value_text(line.revaluation),
                    closing_value=_value_text(line.closing_value),
                )
                for line in statement.lines
            ],
            "opening_value": _value_text(statement.opening_value),
            "inflow_value": _value_text(statement.inflow_value),
            "outflow_value": _value_text(statement.outflow_value),
            "revaluation": _value_text(statement.revaluation),
            "closing_value": _value_text(statement.closing_value),
            "has_missing_prices": statement.has_missing_prices,
        }
    )


# --- Reads -------------------------------------------------------------------------------------------


@router.get("/funds", response=list[FundOut], summary="List funds with their holdings today")
@paginate(Pages, page_size=50)
def list_funds(request: HttpRequest) -> Any:
    _require_ledger(request.user)
    funds = list(selectors.fund_list(user=request.user))
    rows = selectors.holdings_for_funds(funds=funds, on=timezone.localdate(), valuers=selectors.Valuers())
    return [_fund_out(row.fund, row) for row in rows]


@router.get("/funds/{slug}", response=FundDetailOut, summary="One fund, its rules and its holdings today")
def get_fund(request: HttpRequest, slug: str) -> Any:
    fund = access.get_fund_for_user(request.user, slug)
    holdings = selectors.fund_holdings(fund=fund, on=timezone.localdate())
    return FundDetailOut(
        **_fund_out(fund, holdings).model_dump(),
        allowed_assets=[
            AssetOut(code=a.code, name=a.name, kind=a.kind, decimals=a.decimals)
            for a in fund.allowed_assets.order_by("kind", "code")
        ],
        target_new_investments_per_year=fund.target_new_investments_per_year,
    )


@router.get("/funds/{slug}/balances", response=BalancesOut, summary="A fund's holdings at the end of a day")
def get_balances(request: HttpRequest, slug: str, query: Query[BalancesIn]) -> Any:
    fund = access.get_fund_for_user(request.user, slug)
    return _balances(selectors.fund_holdings(fund=fund, on=query.on or timezone.localdate()))


@router.get(
    "/funds/{slug}/entries", response=list[EntryOut], summary="A fund's journal entries, newest first"
)
@paginate(Pages, page_size=50)
def list_entries(request: HttpRequest, slug: str, filters: Query[EntryFilterIn]) -> Any:
    fund = access.get_fund_for_user(request.user, slug)
    qs = selectors.entry_list(
        user=request.user,
        fund=fund,
        filters=selectors.MovementFilters(
            kind=filters.kind or "",
            date_from=filters.date_from.isoformat() if filters.date_from else "",
            date_to=filters.date_to.isoformat() if filters.date_to else "",
            asset=(filters.asset or "").strip().upper(),
            counterparty=(filters.counterparty or "").strip(),
        ),
    )
    return _entries_with_reversals(qs)


@router.get(
    "/funds/{slug}/statement",
    response=StatementOut,
    by_alias=True,
    summary="A fund's statement for a period",
)
def get_statement(request: HttpRequest, slug: str, period: Query[PeriodIn]) -> Any:
    fund = access.get_fund_for_user(request.user, slug)
    if period.date_from > period.date_to:
        raise FieldErrors({"to": [_("The end of the period comes before its start.")]})
    statement = selectors.fund_statement(fund=fund, date_from=period.date_from, date_to=period.date_to)
    return _statement_out(statement)


@router.get("/entries/{entry_id}", response=EntryDetailOut, summary="One journal entry with its postings")
def get_entry(request: HttpRequest, entry_id: int) -> Any:
    entry = access.get_entry_for_user(request.user, entry_id)
    detail = selectors.entry_detail(entry)
    valuer = selectors.Valuer(entry.fund.reporting_asset)
    entry.fund_postings = [p for p in detail.postings if p.fund_id == entry.fund_id]  # type: ignore[attr-defined]
    entry.reversal_id = detail.reversal.pk if detail.reversal else None  # type: ignore[attr-defined]
    entry.detail = detail  # type: ignore[attr-defined]
    rows = []
    for posting in detail.postings:
        value = valuer.value(posting.amount, posting.asset, entry.effective_date)
        rows.append(
            PostingOut(
                account=posting.account.code,
                account_name=posting.account.name,
                account_type=posting.account.type,
                fund=posting.account.fund.slug,
                asset=posting.asset.code,
                amount=str(posting.amount),
                amount_display=format_amount(posting.amount, posting.asset),
                value=_value_text(value),
                value_display=_value_display(value, valuer.quote),
            )
        )
    entry.posting_rows = rows  # type: ignore[attr-defined]
    return entry


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


# --- Writes ------------------------------------------------------------------------------------------


def _contribution(request: HttpRequest, slug: str, payload: ContributionIn, service: Any) -> Any:
    fund = access.get_fund_for_user(request.user, slug)
    _require_recorder(request.user)
    asset = _asset(payload.asset)
    amount = _amount(payload.amount, asset)
    donor = _organization(payload.donor, "donor")
    try:
        entry = service(
            actor=request.user,
            fund=fund,
            donor=donor,
            asset=asset,
            amount=amount,
            effective_date=payload.effective_date,
            memo=payload.memo,
            external_ref=payload.external_ref,
        )
    except ValidationError as error:
        raise _field_errors(error, {"counterparty": "donor"}) from error
    entry = _entries_with_reversals(
        selectors.movement_list(fund=fund, filters=selectors.MovementFilters())
    ).get(pk=entry.pk)
    return Status(201, entry)


@router.post("/funds/{slug}/donations", response={201: EntryOut}, summary="Record a donation received")
def create_donation(request: HttpRequest, slug: str, payload: ContributionIn) -> Any:
    return _contribution(request, slug, payload, services.donation_record)


@router.post("/funds/{slug}/pledges", response={201: EntryOut}, summary="Record a donor's pledge")
def create_pledge(request: HttpRequest, slug: str, payload: ContributionIn) -> Any:
    return _contribution(request, slug, payload, services.pledge_record)


@router.post(
    "/funds/{slug}/pledge-receipts",
    response={201: EntryOut},
    summary="Record money received against a pledge",
)
def create_pledge_receipt(request: HttpRequest, slug: str, payload: ContributionIn) -> Any:
    return _contribution(request, slug, payload, services.pledge_receipt_record)


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
