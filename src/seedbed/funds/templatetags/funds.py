"""Amounts, values and the holdings chart in templates: ``{% load funds %}``.

The chart is an SVG drawn here on the server (the CSP allows no inline script), one small chart per
asset because ETH and USD share no scale. Its geometry is integer arithmetic on the exact balances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from seedbed.funds.models import Asset
from seedbed.funds.money import format_amount
from seedbed.funds.selectors import HoldingsSeries

register = template.Library()


@register.filter
def amount(value: int | None, asset: Asset) -> str:
    """``{{ posting.amount|amount:posting.asset }}`` → ``1.5 ETH``, ``100,000.00 USD``."""
    if value is None:
        return ""
    return format_amount(int(value), asset)


@register.filter
def magnitude(value: int | None, asset: Asset) -> str:
    """The amount without its sign, e.g. a credit in a credit column."""
    if value is None:
        return ""
    return format_amount(abs(int(value)), asset)


@register.filter
def signed_amount(value: int | None, asset: Asset) -> str:
    """Like ``amount``, with a plus sign for money in: ``+1.5 ETH``, ``-100.00 USD``."""
    if value is None:
        return ""
    text = format_amount(int(value), asset)
    return f"+{text}" if value > 0 else text


@register.filter
def money(value: Decimal | None, quote: Asset) -> str:
    """A value in the reporting currency, to its minor unit: ``35,000,000.00 USD``; missing says so."""
    if value is None:
        return _("price missing")
    with localcontext() as context:
        context.prec = 200
        rounded = value.quantize(Decimal(1).scaleb(-quote.decimals), rounding=ROUND_HALF_EVEN)
        base_units = int(rounded.scaleb(quote.decimals))
    return format_amount(base_units, quote)


# --- Holdings chart ----------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 112, 628, 12, 168  # the plot area inside the view box


@dataclass(frozen=True)
class Tick:
    position: int
    label: str


@dataclass(frozen=True)
class Chart:
    series: HoldingsSeries
    points: str  # the polyline's "x,y x,y …"
    dots: list[tuple[int, int]]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    title: str
    summary: str
    baseline: int


def _axis_label(value: int, asset: Asset) -> str:
    units = abs(value) // 10**asset.decimals
    text = f"{units:,}"
    return f"{'-' if value < 0 and units else ''}{text} {asset.code}"


def _month(day: dt.date) -> str:
    return date_format(day, "M Y")


def build_chart(series: HoldingsSeries) -> Chart:
    values = [balance for _day, balance in series.points]
    low, high = min(0, *values), max(0, *values)
    span = high - low or 1
    count = len(values)

    def x(index: int) -> int:
        return LEFT + ((RIGHT - LEFT) * index // (count - 1) if count > 1 else (RIGHT - LEFT) // 2)

    def y(value: int) -> int:
        return BOTTOM - (BOTTOM - TOP) * (value - low) // span

    coordinates = [(x(index), y(value)) for index, value in enumerate(values)]
    y_ticks = [Tick(y(high), _axis_label(high, series.asset))]
    if low != high:
        y_ticks.append(Tick(y(low), _axis_label(low, series.asset)))
    x_ticks = [Tick(x(0), _month(series.points[0][0]))]
    years = [index for index, (day, _b) in enumerate(series.points) if day.month == 1 and index]
    step = max(1, len(years) // 6)
    x_ticks += [Tick(x(index), str(series.points[index][0].year)) for index in years[::step]]
    if count > 1:
        x_ticks.append(Tick(x(count - 1), _month(series.points[-1][0])))
    first_day, last_day = series.points[0][0], series.points[-1][0]
    title = _("Holdings of %(asset)s at each month's end, %(start)s to %(end)s") % {
        "asset": series.asset.code,
        "start": _month(first_day),
        "end": _month(last_day),
    }
    summary = _("From %(first)s to %(last)s; highest %(high)s.") % {
        "first": format_amount(values[0], series.asset),
        "last": format_amount(values[-1], series.asset),
        "high": format_amount(max(values), series.asset),
    }
    return Chart(
        series=series,
        points=" ".join(f"{px},{py}" for px, py in coordinates),
        dots=coordinates if count <= 24 else [coordinates[-1]],
        y_ticks=y_ticks,
        x_ticks=_spaced(x_ticks),
        title=title,
        summary=summary,
        baseline=y(0),
    )


def _spaced(ticks: list[Tick], char_width: int = 7, padding: int = 10) -> list[Tick]:
    """Drop labels that would overlap, estimating each label's width from its length.

    The first label is anchored at its start and the last at its end (see the template); both stay.
    """
    if len(ticks) <= 1:
        return ticks

    def extent(tick: Tick, index: int) -> tuple[int, int]:
        width = len(tick.label) * char_width
        if index == 0:
            return tick.position, tick.position + width
        if index == len(ticks) - 1:
            return tick.position - width, tick.position
        return tick.position - width // 2, tick.position + width // 2

    kept = [0]
    last_start = extent(ticks[-1], len(ticks) - 1)[0]
    for index in range(1, len(ticks) - 1):
        start, end = extent(ticks[index], index)
        if start >= extent(ticks[kept[-1]], kept[-1])[1] + padding and end + padding <= last_start:
            kept.append(index)
    kept.append(len(ticks) - 1)
    return [ticks[index] for index in kept]


@register.inclusion_tag("funds/components/holdings_chart.html")
def holdings_chart(series: HoldingsSeries, number: int = 0) -> dict[str, Any]:
    return {
        "chart": build_chart(series),
        "number": number,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": RIGHT,
        "top": TOP,
        "bottom": BOTTOM,
    }
