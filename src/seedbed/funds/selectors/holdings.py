"""What the funds hold: per fund and asset at the end of a day, every fund together, and month by month.

Balances come from ``AccountDay`` rows (what each account received and gave per day), never from every
posting, so their cost does not grow with the length of the history.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth

from seedbed.funds import access
from seedbed.funds.fields import ExactSum
from seedbed.funds.models import Account, AccountDay, AccountType, Asset, Fund
from seedbed.funds.selectors.valuation import ONE_DAY, UnitPrice, Valuer, Valuers, total_of

# Pledges receivable are asset accounts, but money promised is not money held (see the chart in
# ``services``).
RECEIVABLE_PREFIX = "asset:pledges:"


def is_holdings(account: Account) -> bool:
    """Whether the account holds the fund's money: an asset account other than a receivable."""
    return account.type == AccountType.ASSET and not account.code.startswith(RECEIVABLE_PREFIX)


def holdings_days() -> QuerySet[AccountDay]:
    """The day rows of every account that holds money (see ``is_holdings``)."""
    return AccountDay.objects.filter(account__type=AccountType.ASSET).exclude(
        account__code__startswith=RECEIVABLE_PREFIX
    )


@dataclass(frozen=True)
class Holding:
    asset: Asset
    amount: int
    value: Decimal | None  # in the valuer's quote currency; None when the price is missing
    price: UnitPrice | None = None  # what it was valued at (None when missing or the quote itself)


@dataclass
class FundHoldings:
    fund: Fund
    on: dt.date
    holdings: list[Holding] = field(default_factory=list)

    @property
    def total_value(self) -> Decimal | None:
        return total_of(holding.value for holding in self.holdings) if self.holdings else Decimal(0)


def fund_list(*, user: Any) -> QuerySet[Fund]:
    return access.funds_for_user(user).order_by("name")


def holdings_for_funds(*, funds: Sequence[Fund], on: dt.date, valuers: Valuers) -> list[FundHoldings]:
    """Each fund's holdings per asset at the end of ``on``: two queries, plus one price per asset."""
    rows = (
        holdings_days()
        .filter(account__fund__in=[fund.pk for fund in funds], date__lte=on)
        .values("account__fund_id", "account__asset_id")
        .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
        .order_by()
    )
    amounts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        amounts[row["account__fund_id"]][row["account__asset_id"]] = int(row["debits"]) - int(row["credits"])
    asset_ids = {asset_id for per_fund in amounts.values() for asset_id in per_fund}
    assets = Asset.objects.in_bulk(asset_ids) if asset_ids else {}
    result = []
    for fund in funds:
        valuer = valuers.for_fund(fund)
        holdings = [
            Holding(
                asset=assets[asset_id],
                amount=amount,
                value=valuer.value(amount, assets[asset_id], on),
                price=valuer.unit_price(assets[asset_id], on),
            )
            for asset_id, amount in amounts.get(fund.pk, {}).items()
        ]
        holdings.sort(key=lambda holding: (holding.asset.kind != "fiat", holding.asset.code))
        result.append(FundHoldings(fund=fund, on=on, holdings=holdings))
    return result


@dataclass(frozen=True)
class HoldingsTotals:
    """Every fund together: per asset, and in the reporting currency when all funds share one."""

    holdings: list[Holding]
    quote: Asset | None

    @property
    def total_value(self) -> Decimal | None:
        return total_of(holding.value for holding in self.holdings)


def holdings_totals(rows: Sequence[FundHoldings]) -> HoldingsTotals:
    quotes = {row.fund.reporting_asset_id for row in rows}
    shared = rows[0].fund.reporting_asset if len(quotes) == 1 else None
    amounts: dict[int, int] = defaultdict(int)
    values: dict[int, Decimal | None] = {}
    assets: dict[int, Asset] = {}
    for row in rows:
        for holding in row.holdings:
            pk = holding.asset.pk
            assets[pk] = holding.asset
            amounts[pk] += holding.amount
            values[pk] = total_of([values.get(pk, Decimal(0)), holding.value]) if shared else None
    holdings = [Holding(asset=assets[pk], amount=amounts[pk], value=values[pk]) for pk in assets]
    holdings.sort(key=lambda holding: (holding.asset.kind != "fiat", holding.asset.code))
    return HoldingsTotals(holdings=holdings, quote=shared)


def fund_holdings(*, fund: Fund, on: dt.date, valuer: Valuer | None = None) -> FundHoldings:
    valuers = Valuers(valuer) if valuer is not None else Valuers()
    return holdings_for_funds(funds=[fund], on=on, valuers=valuers)[0]


# --- Holdings over time ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldingsSeries:
    """An asset's holdings at the end of every month (the last point is ``until`` itself)."""

    asset: Asset
    points: list[tuple[dt.date, int]]


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def holdings_history(*, fund: Fund, until: dt.date, months: int = 180) -> list[HoldingsSeries]:
    """Month-end holdings per asset from the first movement (at most ``months`` back) until ``until``.

    One query: the day rows summed per asset and month.
    """
    rows = (
        holdings_days()
        .filter(account__fund=fund, date__lte=until)
        .annotate(month=TruncMonth("date"))
        .values("account__asset_id", "month")
        .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
        .order_by("account__asset_id", "month")
    )
    changes: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        changes[row["account__asset_id"]][month] = int(row["debits"]) - int(row["credits"])
    if not changes:
        return []
    assets = Asset.objects.in_bulk(set(changes))
    first = min(min(per_month) for per_month in changes.values())
    last = until.replace(day=1)
    earliest = last
    for _step in range(months - 1):
        earliest = (earliest - ONE_DAY).replace(day=1)
    start = max(first, earliest)
    series = []
    for asset_id, per_month in changes.items():
        balance = sum(amount for month, amount in per_month.items() if month < start)
        points = []
        month = start
        while month <= last:
            balance += per_month.get(month, 0)
            points.append((min(_month_end(month), until), balance))
            month = _next_month(month)
        series.append(HoldingsSeries(asset=assets[asset_id], points=points))
    series.sort(key=lambda item: (item.asset.kind != "fiat", item.asset.code))
    return series
