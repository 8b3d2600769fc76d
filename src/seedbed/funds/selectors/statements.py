"""A fund's statement over a period (opening, in, out, revaluation, closing per asset) and its trial
balance at a date. Both read day rows only: a fixed number of queries whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext

from django.utils import timezone

from seedbed.funds.fields import ExactSum
from seedbed.funds.models import Account, AccountDay, Asset, Fund
from seedbed.funds.selectors.holdings import holdings_days
from seedbed.funds.selectors.valuation import ONE_DAY, Valuer, total_of


@dataclass(frozen=True)
class StatementLine:
    """One asset over a period: opening + in - out = closing, in native units and in the quote currency.

    ``inflow_value`` and ``outflow_value`` value each day's movements at that day's price, opening and
    closing at the price of their own day; ``revaluation`` is the gain or loss from price changes.
    """

    asset: Asset
    opening: int
    inflow: int
    outflow: int
    closing: int
    opening_value: Decimal | None
    inflow_value: Decimal | None
    outflow_value: Decimal | None
    closing_value: Decimal | None

    @property
    def revaluation(self) -> Decimal | None:
        values = (self.opening_value, self.inflow_value, self.outflow_value, self.closing_value)
        if any(value is None for value in values):
            return None
        assert self.opening_value is not None and self.inflow_value is not None
        assert self.outflow_value is not None and self.closing_value is not None
        with localcontext() as context:
            context.prec = 200
            context.traps[Inexact] = True
            return self.closing_value - self.opening_value - self.inflow_value + self.outflow_value

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        """In the order a statement shows them: opening, in, out, revaluation, closing."""
        return (
            self.opening_value,
            self.inflow_value,
            self.outflow_value,
            self.revaluation,
            self.closing_value,
        )


@dataclass(frozen=True)
class Statement:
    fund: Fund
    date_from: dt.date
    date_to: dt.date
    quote: Asset
    lines: list[StatementLine]

    @property
    def opening_value(self) -> Decimal | None:
        return total_of(line.opening_value for line in self.lines)

    @property
    def inflow_value(self) -> Decimal | None:
        return total_of(line.inflow_value for line in self.lines)

    @property
    def outflow_value(self) -> Decimal | None:
        return total_of(line.outflow_value for line in self.lines)

    @property
    def closing_value(self) -> Decimal | None:
        return total_of(line.closing_value for line in self.lines)

    @property
    def revaluation(self) -> Decimal | None:
        return total_of(line.revaluation for line in self.lines)

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        return (
            self.opening_value,
            self.inflow_value,
            self.outflow_value,
            self.revaluation,
            self.closing_value,
        )

    @property
    def has_missing_prices(self) -> bool:
        return any(
            value is None
            for line in self.lines
            for value in (line.opening_value, line.inflow_value, line.outflow_value, line.closing_value)
        )


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The calendar year so far."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def fund_statement(
    *, fund: Fund, date_from: dt.date, date_to: dt.date, valuer: Valuer | None = None
) -> Statement:
    """The fund's holdings from ``date_from`` to ``date_to`` (both included), per asset.

    Reads the asset accounts' day rows: one query for the balances before the period, one for the days
    inside it (at most one row per asset per day), whatever the length of the history.
    """
    valuer = valuer or Valuer(fund.reporting_asset)
    holdings = holdings_days().filter(account__fund=fund)
    before = (
        holdings.filter(date__lt=date_from)
        .values("account__asset_id")
        .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
        .order_by()
    )
    opening = {row["account__asset_id"]: int(row["debits"]) - int(row["credits"]) for row in before}
    during = (
        holdings.filter(date__gte=date_from, date__lte=date_to)
        .values("account__asset_id", "date")
        .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
        .order_by("account__asset_id", "date")
    )
    days: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    for row in during:
        days[row["account__asset_id"]].append((row["date"], int(row["debits"]), int(row["credits"])))
    asset_ids = set(opening) | set(days)
    assets = Asset.objects.in_bulk(asset_ids) if asset_ids else {}
    opening_day = date_from - ONE_DAY
    lines = []
    for asset_id in asset_ids:
        asset = assets[asset_id]
        valuer.load(asset, opening_day, date_to)
        inflow = sum(debits for _day, debits, _credits in days[asset_id])
        outflow = sum(credits for _day, _debits, credits in days[asset_id])
        start = opening.get(asset_id, 0)
        closing = start + inflow - outflow
        lines.append(
            StatementLine(
                asset=asset,
                opening=start,
                inflow=inflow,
                outflow=outflow,
                closing=closing,
                opening_value=valuer.value(start, asset, opening_day),
                inflow_value=total_of(valuer.value(d, asset, day) for day, d, _c in days[asset_id]),
                outflow_value=total_of(valuer.value(c, asset, day) for day, _d, c in days[asset_id]),
                closing_value=valuer.value(closing, asset, date_to),
            )
        )
    lines.sort(key=lambda line: (line.asset.kind != "fiat", line.asset.code))
    return Statement(fund=fund, date_from=date_from, date_to=date_to, quote=valuer.quote, lines=lines)


# --- Trial balance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceRow:
    account: Account
    balance: int  # signed: debit positive

    @property
    def debit(self) -> int:
        return self.balance if self.balance > 0 else 0

    @property
    def credit(self) -> int:
        return -self.balance if self.balance < 0 else 0


@dataclass(frozen=True)
class TrialBalanceTotal:
    asset: Asset
    debit: int
    credit: int

    @property
    def balances(self) -> bool:
        return self.debit == self.credit


@dataclass(frozen=True)
class TrialBalance:
    fund: Fund
    on: dt.date
    rows: list[TrialBalanceRow]
    totals: list[TrialBalanceTotal]


def trial_balance(*, fund: Fund, on: dt.date) -> TrialBalance:
    """Every account of the fund with its debit or credit balance at the end of ``on``, and totals per
    asset (equal debits and credits: even a transfer balances within each fund). Two queries."""
    sums = (
        AccountDay.objects.filter(account__fund=fund, date__lte=on)
        .values("account_id")
        .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
        .order_by()
    )
    balances = {row["account_id"]: int(row["debits"]) - int(row["credits"]) for row in sums}
    accounts = Account.objects.filter(fund=fund).select_related("asset", "counterparty")
    rows = [
        TrialBalanceRow(account=account, balance=balances.get(account.pk, 0))
        for account in accounts.order_by("asset__code", "type", "code")
    ]
    per_asset: dict[int, list[int]] = {}
    assets: dict[int, Asset] = {}
    for row in rows:
        totals = per_asset.setdefault(row.account.asset_id, [0, 0])
        totals[0] += row.debit
        totals[1] += row.credit
        assets[row.account.asset_id] = row.account.asset
    return TrialBalance(
        fund=fund,
        on=on,
        rows=rows,
        totals=[
            TrialBalanceTotal(asset=assets[asset_id], debit=debit, credit=credit)
            for asset_id, (debit, credit) in sorted(per_asset.items(), key=lambda item: assets[item[0]].code)
        ],
    )
