"""Reads for funds and the ledger: holdings, movements, statements, trial balances, charts, payment requests.

Balances at a date come from ``AccountDay`` rows (what each account received and gave per day), never
from every posting, so their cost does not grow with the length of the history. Amounts are summed with
``ExactSum`` and never compared in SQL (on SQLite they are text; docs/adr/0008). Values in the reporting
currency go through ``prices``; a missing price stays missing (``None``), it is never guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, Inexact, localcontext
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date

from seedbed.core.models import Organization
from seedbed.funds import access, prices
from seedbed.funds.fields import ExactSum
from seedbed.funds.models import (
    Account,
    AccountDay,
    AccountType,
    Asset,
    EntryKind,
    Fund,
    JournalEntry,
    PaymentRequest,
    PaymentRequestStatus,
    Posting,
    Price,
)
from seedbed.funds.money import to_decimal

ONE_DAY = dt.timedelta(days=1)
# Pledges receivable are asset accounts, but money promised is not money held (services.py's chart).
RECEIVABLE_PREFIX = "asset:pledges:"


def is_holdings(account: Account) -> bool:
    """Whether the account holds the fund's money: an asset account other than a receivable."""
    return account.type == AccountType.ASSET and not account.code.startswith(RECEIVABLE_PREFIX)


def holdings_days() -> QuerySet[AccountDay]:
    """The day rows of every account that holds money (see ``is_holdings``)."""
    return AccountDay.objects.filter(account__type=AccountType.ASSET).exclude(
        account__code__startswith=RECEIVABLE_PREFIX
    )


def parse_day(value: Any) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from a query string, or None for anything else (a filter, not an error)."""
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value) if value else None
    except (TypeError, ValueError):  # well-formed but impossible, e.g. 2024-02-30
        return None


# --- Valuation ---------------------------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    """The instant a date stands for when valuing: the end of that day in UTC, as ``prices`` reads it."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def exact_value(amount: int, asset: Asset, unit_price: Decimal) -> Decimal:
    """``amount`` base units of ``asset`` at ``unit_price`` per whole unit, exactly (never rounded)."""
    units = to_decimal(amount, asset)
    with localcontext() as context:
        context.prec = len(units.as_tuple().digits) + len(unit_price.as_tuple().digits) + 2
        context.traps[Inexact] = True
        return units * unit_price


@dataclass(frozen=True)
class UnitPrice:
    """The price of one whole unit, and when it was quoted (``None`` for an asset in itself)."""

    price: Decimal
    as_of: dt.datetime | None


class Valuer:
    """Values amounts in one quote currency at the end of a day, with the rules of ``prices.price_at``
    (the latest price at or before that moment; an asset in itself is 1; no price is ``None``).

    A price is read once per asset and day; ``load`` reads every price of a period in one query, so a
    statement values each day of its period without a query per day.
    """

    def __init__(self, quote: Asset) -> None:
        self.quote = quote
        self._prices: dict[tuple[int, dt.date], UnitPrice | None] = {}

    def unit_price(self, asset: Asset, on: dt.date) -> UnitPrice | None:
        if asset.pk == self.quote.pk:
            return UnitPrice(Decimal(1), None)
        key = (asset.pk, on)
        if key not in self._prices:
            price = prices.price_at(asset, self.quote, on)
            self._prices[key] = UnitPrice(price.price, price.as_of) if price is not None else None
        return self._prices[key]

    def load(self, asset: Asset, date_from: dt.date, date_to: dt.date) -> None:
        """Read the prices of ``asset`` for every day from ``date_from`` to ``date_to``: two queries."""
        if asset.pk == self.quote.pk or date_to < date_from:
            return
        latest = self.unit_price(asset, date_from)
        rows = (
            Price.objects.filter(
                asset=asset,
                quote=self.quote,
                as_of__gt=_end_of(date_from),
                as_of__lte=_end_of(date_to),
            )
            .order_by("as_of")
            .values_list("as_of", "price")
        )
        changes = [(as_of.astimezone(dt.UTC).date(), UnitPrice(price, as_of)) for as_of, price in rows]
        day, position = date_from + ONE_DAY, 0
        while day <= date_to:
            while position < len(changes) and changes[position][0] <= day:
                latest = changes[position][1]
                position += 1
            self._prices[(asset.pk, day)] = latest
            day += ONE_DAY

    def value(self, amount: int, asset: Asset, on: dt.date) -> Decimal | None:
        unit = self.unit_price(asset, on)
        if unit is None:
            return None
        return exact_value(amount, asset, unit.price)


class Valuers:
    """One ``Valuer`` per quote currency, shared by every fund of a page."""

    def __init__(self, *valuers: Valuer) -> None:
        self._by_quote: dict[int, Valuer] = {valuer.quote.pk: valuer for valuer in valuers}

    def for_fund(self, fund: Fund) -> Valuer:
        quote = fund.reporting_asset
        if quote.pk not in self._by_quote:
            self._by_quote[quote.pk] = Valuer(quote)
        return self._by_quote[quote.pk]


def total_of(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of values, or None when any of them is missing (a partial total would mislead)."""
    total = Decimal(0)
    with localcontext() as context:
        context.prec = 200
        context.traps[Inexact] = True
        for value in values:
            if value is None:
                return None
            total += value
    return total


# --- Funds and holdings ------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class DonorLine:
    """What one donor gave a fund in one asset, today: contributed (pledged or donated, less refunds),
    paid in, and still outstanding on its pledges."""

    donor: Organization
    asset: Asset
    contributed: int
    outstanding: int

    @property
    def paid(self) -> int:
        return self.contributed - self.outstanding


def donor_summary(fund: Fund) -> list[DonorLine]:
    """Per donor and asset, from the running balances of its contributions and pledges: one query."""
    accounts = Account.objects.filter(fund=fund, counterparty__isnull=False).filter(
        Q(code__startswith="income:donations:") | Q(code__startswith=RECEIVABLE_PREFIX)
    )
    lines: dict[tuple[int, int], list[int]] = {}
    objects: dict[tuple[int, int], Account] = {}
    for account in accounts.select_related("asset", "counterparty"):
        key = (account.counterparty_id or 0, account.asset_id)
        figures = lines.setdefault(key, [0, 0])
        objects.setdefault(key, account)
        if account.type == AccountType.INCOME:
            figures[0] += account.natural_balance
        else:
            figures[1] += account.balance
    result = []
    for key, (contributed, outstanding) in lines.items():
        account = objects[key]
        assert account.counterparty is not None
        result.append(
            DonorLine(
                donor=account.counterparty,
                asset=account.asset,
                contributed=contributed,
                outstanding=outstanding,
            )
        )
    result.sort(key=lambda line: (line.donor.name, line.asset.code))
    return result


# --- Movements ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovementFilters:
    kind: str = ""
    date_from: str = ""
    date_to: str = ""
    asset: str = ""  # asset code
    counterparty: str = ""  # organization slug

    @classmethod
    def from_mapping(cls, data: Any) -> MovementFilters:
        kind = data.get("kind") or ""
        date_from, date_to = parse_day(data.get("from")), parse_day(data.get("to"))
        return cls(
            kind=kind if kind in EntryKind.values else "",
            date_from=date_from.isoformat() if date_from else "",
            date_to=date_to.isoformat() if date_to else "",
            asset=(data.get("asset") or "").strip().upper()[:16],
            counterparty=(data.get("counterparty") or "").strip()[:80],
        )

    @property
    def is_empty(self) -> bool:
        return not (self.kind or self.date_from or self.date_to or self.asset or self.counterparty)


@dataclass(frozen=True)
class MovementAmount:
    """One asset of one entry, as seen from one fund."""

    asset: Asset
    amount: int  # the size of the movement in this fund (see ``movement_amounts``)
    holdings_change: int  # what it did to the fund's holdings (its asset accounts): + in, - out


def movement_list(*, fund: Fund, filters: MovementFilters) -> QuerySet[JournalEntry]:
    """The entries that moved any of the fund's accounts, newest first; postings prefetched.

    Each entry carries ``fund_postings`` (its postings on this fund's accounts) and ``amounts``
    (``MovementAmount`` per asset) once evaluated through ``movement_amounts``.
    """
    postings = Posting.objects.filter(fund=fund)
    if filters.asset:
        postings = postings.filter(asset__code=filters.asset)
    entries = JournalEntry.objects.filter(pk__in=postings.values("entry_id"))
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.date_from:
        entries = entries.filter(effective_date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(effective_date__lte=filters.date_to)
    if filters.counterparty:
        entries = entries.filter(counterparty__slug=filters.counterparty)
    return (
        entries.select_related("fund", "counterparty", "recorded_by", "approved_by")
        .prefetch_related(
            Prefetch(
                "postings",
                queryset=Posting.objects.filter(fund=fund).select_related("account", "asset").order_by("id"),
                to_attr="fund_postings",
            )
        )
        .order_by("-effective_date", "-id")
    )


def movement_amounts(entry: JournalEntry) -> list[MovementAmount]:
    """Per asset, the size of ``entry`` in the fund whose postings were prefetched, and its effect.

    The size is what moved in or out of the fund's holdings; for an entry that leaves them alone (a
    pledge, a commitment) it is the sum of its debits.
    """
    debits: dict[int, int] = defaultdict(int)
    changes: dict[int, int] = defaultdict(int)
    assets: dict[int, Asset] = {}
    for posting in getattr(entry, "fund_postings", ()):
        assets[posting.asset_id] = posting.asset
        if posting.amount > 0:
            debits[posting.asset_id] += posting.amount
        if is_holdings(posting.account):
            changes[posting.asset_id] += posting.amount
    return [
        MovementAmount(
            asset=assets[asset_id],
            amount=abs(changes[asset_id]) or debits[asset_id],
            holdings_change=changes[asset_id],
        )
        for asset_id in sorted(assets, key=lambda pk: assets[pk].code)
    ]


def movement_counterparties(fund: Fund) -> QuerySet[Organization]:
    """The organizations the fund's entries name, for the counterparty filter."""
    return (
        Organization.objects.filter(ledger_entries__fund=fund)
        .distinct()
        .order_by("name")
        .only("pk", "slug", "name")
    )


def fund_assets(fund: Fund) -> QuerySet[Asset]:
    """The assets a fund allows or has accounts in, for filters and forms."""
    return Asset.objects.filter(Q(funds=fund) | Q(accounts__fund=fund)).distinct().order_by("kind", "code")


# --- Statement ---------------------------------------------------------------------------------------


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


# --- Entries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryDetail:
    entry: JournalEntry
    postings: list[Posting]
    cause: Model | None
    cause_label: str
    reversal: JournalEntry | None
    payment_request: PaymentRequest | None


def entry_detail(entry: JournalEntry) -> EntryDetail:
    postings = list(
        entry.postings.select_related("account__fund", "account__counterparty", "asset").order_by("id")
    )
    cause: Model | None = None
    cause_label = ""
    if entry.cause_type_id and entry.cause_id:
        model = ContentType.objects.get_for_id(entry.cause_type_id).model_class()
        if model is not None:
            cause_label = str(model._meta.verbose_name)
            # The cause's row may be gone (the entry stays): then show its type and id only.
            cause = model._default_manager.filter(pk=entry.cause_id).first()
    reversal = JournalEntry.objects.filter(reverses=entry).select_related("recorded_by").first()
    payment_request = (
        PaymentRequest.objects.filter(entry=entry).select_related("requested_by", "decided_by").first()
    )
    return EntryDetail(
        entry=entry,
        postings=postings,
        cause=cause,
        cause_label=cause_label,
        reversal=reversal,
        payment_request=payment_request,
    )


def entry_list(*, user: Any, fund: Fund, filters: MovementFilters) -> QuerySet[JournalEntry]:
    """The fund's movements for someone who may see the ledger (the API's entry list)."""
    if not access.can_view_ledger(user):
        return JournalEntry.objects.none()
    return movement_list(fund=fund, filters=filters)


# --- Payment requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRequestFilters:
    status: str = ""
    fund: str = ""  # fund slug

    @classmethod
    def from_mapping(cls, data: Any) -> PaymentRequestFilters:
        status = data.get("status")
        if status is None:
            status = PaymentRequestStatus.PENDING  # what a finance officer opens the page for
        return cls(
            status=status if status in PaymentRequestStatus.values else "",
            fund=(data.get("fund") or "").strip()[:60],
        )


def payment_request_list(*, user: Any, filters: PaymentRequestFilters) -> QuerySet[PaymentRequest]:
    if not access.can_view_ledger(user):
        return PaymentRequest.objects.none()
    qs = PaymentRequest.objects.select_related(
        "fund", "asset", "counterparty", "to_fund", "requested_by", "decided_by", "entry"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.fund:
        qs = qs.filter(fund__slug=filters.fund)
    return qs.order_by("-requested_at", "-id")


def pending_payment_requests(fund: Fund) -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.filter(fund=fund, status=PaymentRequestStatus.PENDING)
        .select_related("asset", "counterparty", "to_fund", "requested_by")
        .order_by("effective_date", "id")
    )
