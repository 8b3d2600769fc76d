"""A fund's journal entries and statement, and one entry with its postings."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from seedbed.core.api import FieldErrors, Pages
from seedbed.funds import access, selectors
from seedbed.funds.api.common import _entries_with_reversals, _value_display, _value_text, router
from seedbed.funds.api.schemas import EntryOut, PeriodIn
from seedbed.funds.models import EntryKind, JournalEntry
from seedbed.funds.money import format_amount

EntryKindLiteral = Literal[tuple(EntryKind.values)]  # type: ignore[valid-type]


class EntryFilterIn(Schema):
    kind: EntryKindLiteral | None = None  # type: ignore[valid-type]
    date_from: dt.date | None = Field(None, alias="from", description="First effective date (included)")
    date_to: dt.date | None = Field(None, alias="to", description="Last effective date (included)")
    asset: str | None = Field(None, description="Asset code, e.g. ETH")
    counterparty: str | None = Field(None, description="Slug of the organization")


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
