"""Fixtures of the calls tests: a fund and calls at fixed moments around ``NOW``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from seedbed.calls import services
from seedbed.calls.models import Call, Theme
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


@pytest.fixture
def make_application(countries: Any) -> Callable[..., Any]:
    """A submitted application (in the call's first stage) from a new organization with one member.

    ``make_application(call, name="Kijani", status="submitted", stage_kind=None)`` returns the
    application; ``application.organization.memberships.get().user`` is its applicant. The rows are made
    directly, not through the services, so that review and committee tests do not depend on them.
    """
    from django.utils import timezone
    from django.utils.text import slugify

    from seedbed.calls.models import Application, Stage
    from seedbed.core.models import Country, Membership, Organization
    from tests.conftest import make_user

    def build(
        call: Call,
        name: str = "Kijani Data Labs",
        *,
        status: str = "submitted",
        stage_kind: str | None = None,
        country: str = "KE",
    ) -> Application:
        organization = Organization.objects.create(
            name=name, slug=slugify(name), kind="startup", country=Country.objects.get(iso2=country)
        )
        applicant = make_user(f"applicant-{slugify(name)}", ("applicant",))
        Membership.objects.create(user=applicant, organization=organization, role="owner")
        stages = Stage.objects.filter(call=call).order_by("position")
        stage = None
        if status != "draft":
            stage = stages.get(kind=stage_kind) if stage_kind else stages.first()
        number = Application.objects.filter(call=call).count() + 1
        return Application.objects.create(
            call=call,
            number=number,
            organization=organization,
            created_by=applicant,
            title=f"{name} app",
            summary=f"What {name} builds.",
            status=status,
            stage=stage,
            submitted_at=None if status == "draft" else timezone.now(),
            submitted_by=None if status == "draft" else applicant,
        )

    return build


@pytest.fixture(autouse=True)
def _seeded_themes(db: Any) -> None:
    """The themes migration 0002 seeds. Browser tests (live server) flush the database after each test,
    seeded rows included, so a test that runs after them in the same process would otherwise find none."""
    import importlib

    seed = importlib.import_module("seedbed.calls.migrations.0002_seed_themes")
    for name, slug in seed.THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})
