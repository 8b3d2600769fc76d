"""A fund's rules: read them, and replace them (fund managers; audited)."""

# No `from __future__ import annotations` in the API: see the package's docstring.

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from seedbed.core.api import FieldErrors
from seedbed.funds import access, selectors, services
from seedbed.funds.api.common import _field_errors, router
from seedbed.funds.models import Fund, Instrument
from seedbed.funds.money import format_amount, parse_amount

InstrumentLiteral = Literal[tuple(Instrument.values)]  # type: ignore[valid-type]


class TicketRangeIn(Schema):
    smallest: str = Field(description="In the fund's reporting currency, as people write it: 50,000.00")
    largest: str = Field(description="In the fund's reporting currency, as people write it: 100,000.00")


class FundRulesIn(Schema):
    allowed_assets: list[str] = Field(description="Asset codes the fund receives and pays out")
    allows_conversion: bool = Field(description="Whether an entry may exchange one asset for another")
    instrument_rules: dict[InstrumentLiteral, TicketRangeIn] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="The instruments the fund uses with their ticket ranges; any other is no longer allowed",
    )
    target_new_investments_per_year: int | None = Field(None, ge=0)


class TicketRangeOut(Schema):
    instrument: str
    instrument_label: str
    smallest: str = Field(description="In base units of the reporting currency, as a string")
    largest: str = Field(description="In base units of the reporting currency, as a string")
    smallest_display: str
    largest_display: str


class FundRulesOut(Schema):
    fund: str
    reporting_currency: str
    allowed_assets: list[str]
    crypto_only: bool
    allows_conversion: bool
    instrument_rules: list[TicketRangeOut]
    target_new_investments_per_year: int | None


def _rules_out(fund: Fund) -> FundRulesOut:
    rules = selectors.fund_rules(fund)
    quote = rules.quote
    return FundRulesOut(
        fund=fund.slug,
        reporting_currency=quote.code,
        allowed_assets=[asset.code for asset in rules.allowed_assets],
        crypto_only=fund.crypto_only,
        allows_conversion=fund.allows_conversion,
        instrument_rules=[
            TicketRangeOut(
                instrument=rule.instrument,
                instrument_label=str(rule.get_instrument_display()),
                smallest=str(rule.min_amount),
                largest=str(rule.max_amount),
                smallest_display=format_amount(rule.min_amount, quote),
                largest_display=format_amount(rule.max_amount, quote),
            )
            for rule in rules.instrument_rules
        ],
        target_new_investments_per_year=fund.target_new_investments_per_year,
    )


@router.get("/funds/{slug}/rules", response=FundRulesOut, summary="A fund's rules")
def get_rules(request: HttpRequest, slug: str) -> Any:
    return _rules_out(access.get_fund_for_user(request.user, slug))


@router.put(
    "/funds/{slug}/rules",
    response=FundRulesOut,
    summary="Replace a fund's rules (fund managers; audited)",
)
def update_rules(request: HttpRequest, slug: str, payload: FundRulesIn) -> Any:
    fund = access.get_fund_for_user(request.user, slug, write=True)
    quote = fund.reporting_asset
    tickets: dict[str, tuple[int, int]] = {}
    errors: dict[str, list[str]] = {}
    for instrument, bounds in payload.instrument_rules.items():
        parsed: list[int] = []
        for which, text in ((_("smallest ticket"), bounds.smallest), (_("largest ticket"), bounds.largest)):
            try:
                parsed.append(parse_amount(text, quote))
            except ValidationError as error:
                errors.setdefault("instrument_rules", []).extend(
                    _("%(instrument)s, %(which)s: %(message)s")
                    % {"instrument": Instrument(instrument).label, "which": which, "message": message}
                    for message in error.messages
                )
        if len(parsed) == 2:
            tickets[instrument] = (parsed[0], parsed[1])
    if errors:
        raise FieldErrors(errors)
    try:
        services.fund_rules_update(
            actor=request.user,
            fund=fund,
            data={
                "allowed_assets": payload.allowed_assets,
                "allows_conversion": payload.allows_conversion,
                "instrument_rules": tickets,
                "target_new_investments_per_year": payload.target_new_investments_per_year,
            },
        )
    except ValidationError as error:
        raise _field_errors(error) from error
    fund.refresh_from_db()
    return _rules_out(fund)
