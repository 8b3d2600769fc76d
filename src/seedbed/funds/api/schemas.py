"""Schemas more than one area of the API uses: a journal entry as lists and writes return it, and a
period.
"""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt

from ninja import Field, Schema

from seedbed.funds import selectors
from seedbed.funds.models import JournalEntry
from seedbed.funds.money import format_amount


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


class PeriodIn(Schema):
    date_from: dt.date = Field(alias="from", description="First day (included)")
    date_to: dt.date = Field(alias="to", description="Last day (included)")
