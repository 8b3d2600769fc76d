"""A donor's statement: per fund and asset, and the donor's entries in the period."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from seedbed.core.api import FieldErrors
from seedbed.funds import selectors
from seedbed.funds.api.common import _value_display, _value_text, router
from seedbed.funds.api.schemas import PeriodIn
from seedbed.funds.money import format_amount


class DonorStatementLineOut(Schema):
    fund: str
    fund_name: str
    asset: str
    opening_contributed: str = Field(description="Net contribution before the period, in base units")
    opening_outstanding: str = Field(description="Owed on pledges before the period, in base units")
    opening_paid_in: str = Field(description="Contributed less outstanding: money received and kept")
    pledged: str
    received: str = Field(description="Donations plus pledge receipts in the period, in base units")
    donated: str
    pledge_receipts: str
    refunded: str
    closing_contributed: str
    closing_outstanding: str
    closing_paid_in: str
    opening_paid_in_display: str
    opening_outstanding_display: str
    pledged_display: str
    received_display: str
    refunded_display: str
    closing_paid_in_display: str
    closing_outstanding_display: str
    pledged_value: str | None = Field(description="In USD at each entry's date; null when a price is missing")
    received_value: str | None
    refunded_value: str | None
    closing_outstanding_value: str | None = Field(description="In USD at the period's last day")


class DonorEntryOut(Schema):
    id: int
    fund: str
    kind: str
    kind_label: str
    counts_as: str = Field(
        description="The entry's kind, or for a reversal the kind of the entry it reverses"
    )
    reverses: int | None
    effective_date: dt.date
    asset: str
    pledged: str = Field(description="Signed, in base units: a reversal is negative")
    received: str
    refunded: str
    amount_display: str
    value: str | None = Field(description="In USD at the effective date; null when the price is missing")
    value_display: str
    memo: str
    external_ref: str
    url: str


class DonorStatementOut(Schema):
    donor: str = Field(description="Slug of the organization")
    donor_name: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    reporting_currency: str
    lines: list[DonorStatementLineOut]
    entries: list[DonorEntryOut] = Field(description="The donor's entries in the period, oldest first")
    pledged_value: str | None
    received_value: str | None
    refunded_value: str | None
    closing_outstanding_value: str | None
    has_missing_prices: bool


def _donor_statement_out(statement: selectors.DonorStatement) -> DonorStatementOut:
    quote = statement.quote

    def display(value: Decimal | None) -> str:
        return _value_display(value, quote) if quote is not None else _("price missing")

    def figures(line: selectors.DonorStatementLine) -> dict[str, Any]:
        shown: tuple[str, ...] = ("opening_paid_in", "opening_outstanding", "pledged", "received")
        shown += ("refunded", "closing_paid_in", "closing_outstanding")
        names = (*shown, "opening_contributed", "donated", "pledge_receipts", "closing_contributed")
        result: dict[str, Any] = {name: str(getattr(line, name)) for name in names}
        for name in shown:
            result[f"{name}_display"] = format_amount(getattr(line, name), line.asset)
        for name in ("pledged_value", "received_value", "refunded_value", "closing_outstanding_value"):
            result[name] = _value_text(getattr(line, name))
        return result

    return DonorStatementOut.model_validate(
        {
            "donor": statement.donor.slug,
            "donor_name": statement.donor.name,
            "from": statement.date_from,
            "to": statement.date_to,
            "reporting_currency": quote.code if quote is not None else selectors.REPORTING_CODE,
            "lines": [
                DonorStatementLineOut(
                    fund=line.fund.slug, fund_name=line.fund.name, asset=line.asset.code, **figures(line)
                )
                for line in statement.lines
            ],
            "entries": [
                DonorEntryOut(
                    id=line.entry.pk,
                    fund=line.entry.fund.slug,
                    kind=line.entry.kind,
                    kind_label=str(line.entry.get_kind_display()),
                    counts_as=line.base_kind,
                    reverses=line.entry.reverses_id,
                    effective_date=line.entry.effective_date,
                    asset=line.asset.code,
                    pledged=str(line.pledged),
                    received=str(line.received),
                    refunded=str(line.refunded),
                    amount_display=format_amount(line.amount, line.asset),
                    value=_value_text(line.value),
                    value_display=display(line.value),
                    memo=line.entry.memo,
                    external_ref=line.entry.external_ref,
                    url=line.entry.get_absolute_url(),
                )
                for line in statement.entries
            ],
            "pledged_value": _value_text(statement.pledged_value),
            "received_value": _value_text(statement.received_value),
            "refunded_value": _value_text(statement.refunded_value),
            "closing_outstanding_value": _value_text(statement.closing_outstanding_value),
            "has_missing_prices": statement.has_missing_prices,
        }
    )


@router.get(
    "/donors/{slug}/statement",
    response=DonorStatementOut,
    by_alias=True,
    summary="A donor's statement for a period: per fund and asset, and its entries",
)
def get_donor_statement(request: HttpRequest, slug: str, period: Query[PeriodIn]) -> Any:
    donor = selectors.get_donor_for_user(request.user, slug)
    if period.date_from > period.date_to:
        raise FieldErrors({"to": [_("The end of the period comes before its start.")]})
    statement = selectors.donor_statement(donor=donor, start=period.date_from, end=period.date_to)
    return _donor_statement_out(statement)
