"""Template helpers of the DPG pages: the trend of a repository's scans as inline SVG bars (no script), and
where a page's breadcrumb starts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from seedbed.dpg.access import can_view_all
from seedbed.dpg.models import Scan

register = template.Library()

BAR, GAP, HEIGHT = 10, 4, 50


@register.simple_tag
def score_chart(scans: Sequence[Scan]) -> dict[str, Any]:
    """A bar per finished scan, oldest first, as tall as its share of checks passed."""
    bars = []
    for index, scan in enumerate(scans):
        score = scan.score or 0
        height = max(1, round(HEIGHT * score / 100)) if score else 0
        bars.append({"x": index * (BAR + GAP), "y": HEIGHT - height, "w": BAR, "h": height})
    return {"width": max(1, len(bars) * (BAR + GAP) - GAP), "height": HEIGHT, "bars": bars}


@register.filter
def sees_all_solutions(user: Any) -> bool:
    """Whether ``user`` has the list of every solution (staff); a team reaches its own from its
    investments, so the breadcrumb starts there."""
    return can_view_all(user)
