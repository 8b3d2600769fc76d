"""Fixtures of the calls tests: a fund and calls at fixed moments around ``NOW``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from seedbed.calls import services
from seedbed.calls.models import Call
from seedbed.funds.assets import assets_sync
from seedbed.funds.models import Asset, Fund

USD_CENTS = 100


@pytest.fixture
def fund(db: Any) -> Fund:
    assets_sync(actor=None)
    usd = Asset.objects.get(code="USD")
    fund = Fund.objects.create(name="Venture Fund", slug="venture", kind="venture", reporting_asset=usd)
    fund.allowed_assets.set([usd])
    return fund


@pytest.fixture
def make_call(fund: Fund) -> Callable[..., Call]:
    """A call opening ``opens_in`` from now and closing ``closes_in`` from now (negative: in the past)."""

    def build(
        title: str, opens_in: dt.timedelta, closes_in: dt.timedelta, *, themes: list[Any] | None = None
    ) -> Call:
        from django.utils import timezone

        now = timezone.now().replace(microsecond=0)
        return services.call_create(
            actor=None,
            fund=fund,
            data={
                "title": title,
                "description": f"About {title}.",
                "themes": themes or [],
                "opens_at": now + opens_in,
                "closes_at": now + closes_in,
                "time_zone": "Africa/Nairobi",
                "ticket_min": 50_000 * USD_CENTS,
                "ticket_max": 100_000 * USD_CENTS,
            },
            default_rubric=True,
        )

    return build


DAY = dt.timedelta(days=1)


@pytest.fixture
def three_calls(make_call: Callable[..., Call]) -> dict[str, Call]:
    return {
        "closed": make_call("Blockchain 2018", -40 * DAY, -10 * DAY),
        "open": make_call("Open call", -5 * DAY, 30 * DAY),
        "draft": make_call("Future call", 10 * DAY, 50 * DAY),
    }
