"""A fund's rules as the fund page and the API show them."""

from __future__ import annotations

from dataclasses import dataclass

from seedbed.funds.models import Asset, Fund, Instrument, InstrumentRule


@dataclass(frozen=True)
class FundRules:
    """A fund's rules as the fund page and the API show them. Tickets are in the reporting currency."""

    fund: Fund
    allowed_assets: list[Asset]
    instrument_rules: list[InstrumentRule]

    @property
    def quote(self) -> Asset:
        return self.fund.reporting_asset


def fund_rules(fund: Fund) -> FundRules:
    """Two queries: the allowed assets, and the instruments (in their usual order) with their tickets."""
    return FundRules(
        fund=fund,
        allowed_assets=list(fund.allowed_assets.order_by("kind", "code")),
        instrument_rules=sorted(
            InstrumentRule.objects.filter(fund=fund),
            key=lambda rule: Instrument.values.index(rule.instrument),
        ),
    )
