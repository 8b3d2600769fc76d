"""Funds and their holdings: the list, one fund, and its balances at the end of a day."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from seedbed.core.api import Pages
from seedbed.funds import access, selectors
from seedbed.funds.api.common import _require_ledger, _value_display, _value_text, router
from seedbed.funds.models import Asset, Fund
from seedbed.funds.money import format_amount


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


class BalancesIn(Schema):
    on: dt.date | None = Field(None, description="End of this day; today when left out")


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
