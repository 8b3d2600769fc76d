"""Template helpers of the portfolio pages: the bars of a KPI chart, drawn as inline SVG (no script)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from seedbed.portfolio.plan_defaults import plan_title as _plan_title
from seedbed.portfolio.selectors import KpiSeries

register = template.Library()

BAR_WIDTH, GAP, HEIGHT = 12, 4, 40


@register.simple_tag
def kpi_chart(series: KpiSeries) -> dict[str, Any]:
    """Bars scaled to the series' peak, one per submitted report, oldest first."""
    peak = series.peak or Decimal(1)
    bars = []
    for index, (period, value) in enumerate(series.points):
        height = max(1, round(HEIGHT * value / peak)) if value > 0 else 0
        bars.append(
            {
                "x": index * (BAR_WIDTH + GAP),
                "y": HEIGHT - height,
                "w": BAR_WIDTH,
                "h": height,
                "period": period,
                "value": value,
            }
        )
    return {"width": max(1, len(bars) * (BAR_WIDTH + GAP) - GAP), "height": HEIGHT, "bars": bars}


@register.filter
def plan_title(title: str) -> str:
    """A default milestone title in the reader's language; a title a manager wrote, as written."""
    return _plan_title(title)
