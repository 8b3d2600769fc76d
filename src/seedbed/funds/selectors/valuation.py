"""Values in a quote currency: exact (never rounded), at the end of a day, with the rules of
``prices.price_at``. A missing price stays missing (``None``), it is never guessed, and a total with a
missing value is missing too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext

from seedbed.funds import prices
from seedbed.funds.models import Asset, Fund, Price
from seedbed.funds.money import to_decimal

ONE_DAY = dt.timedelta(days=1)


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
