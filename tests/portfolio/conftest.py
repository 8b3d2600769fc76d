"""Fixtures of the portfolio tests: the Venture and Acceleration funds with money, a cohort, personas
(two finance officers for four-eyes), a grantee team with one member and another team, and
``make_investment``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from seedbed.calls.models import Theme
from seedbed.core.models import Country, Membership, Organization, User
from seedbed.core.roles import Role
from seedbed.funds import services as funds_services
from seedbed.funds.assets import assets_sync
from seedbed.funds.models import Asset, Fund
from seedbed.portfolio import services
from seedbed.portfolio.models import Cohort, Investment
from tests.conftest import make_user

USD_CENTS = 100


@pytest.fixture(autouse=True)
def _seeded_themes(db: Any) -> None:
    """The themes calls' migration 0002 seeds (browser tests flush the database after each test)."""
    import importlib

    seed = importlib.import_module("seedbed.calls.migrations.0002_seed_themes")
    for name, slug in seed.THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})


@pytest.fixture
def usd(db: Any) -> Asset:
    assets_sync(actor=None)
    return Asset.objects.get(code="USD")


@pytest.fixture
def donor(countries: Any) -> Organization:
    return Organization.objects.create(name="Norway", slug="norway", kind="donor", country_id="NO")


def _fund(slug: str, name: str, kind: str, usd: Asset, ticket: tuple[int, int], donor: Organization) -> Fund:
    fund = Fund.objects.create(name=name, slug=slug, kind=kind, reporting_asset=usd)
    funds_services.fund_rules_update(
        actor=None,
        fund=fund,
        data={
            "allowed_assets": [usd],
            "instrument_rules": {"grant": (ticket[0] * USD_CENTS, ticket[1] * USD_CENTS)},
        },
    )
    funds_services.donation_record(
        actor=None,
        fund=fund,
        donor=donor,
        asset=usd,
        amount=5_000_000 * USD_CENTS,
        effective_date=dt.date(2020, 1, 2),
        memo="Contribution",
    )
    return fund


@pytest.fixture
def venture(usd: Asset, donor: Organization) -> Fund:
    return _fund("venture-fund", "Venture Fund", "venture", usd, (50_000, 100_000), donor)


@pytest.fixture
def acceleration(usd: Asset, donor: Organization) -> Fund:
    return _fund("acceleration-fund", "Acceleration Fund", "acceleration", usd, (200_000, 400_000), donor)


@pytest.fixture
def cohort(db: Any) -> Cohort:
    # Not the seeded rows: a live-server browser test earlier in the same process flushes them.
    theme = Theme.objects.get_or_create(slug="data-science-and-ai", defaults={"name": "Data science and AI"})[
        0
    ]
    return Cohort.objects.get_or_create(theme=theme, year=2021)[0]


@pytest.fixture
def people(personas: dict[str, User]) -> dict[str, User]:
    """The personas plus a second finance officer, the grantee's member and another team's member."""
    return {
        **personas,
        "finance_officer_2": make_user("finance_officer_2", (Role.FINANCE_OFFICER,)),
        "grantee": make_user("grantee", (Role.APPLICANT,)),
        "other_grantee": make_user("other_grantee", (Role.APPLICANT,)),
    }


@pytest.fixture
def team(countries: Any, people: dict[str, User]) -> Organization:
    org = Organization.objects.create(
        name="Kijani Data Labs", slug="kijani", kind="startup", country=Country.objects.get(iso2="KE")
    )
    Membership.objects.create(user=people["grantee"], organization=org, role="owner")
    return org


@pytest.fixture
def other_team(countries: Any, people: dict[str, User]) -> Organization:
    org = Organization.objects.create(
        name="Other Team", slug="other-team", kind="startup", country=Country.objects.get(iso2="GH")
    )
    Membership.objects.create(user=people["other_grantee"], organization=org, role="owner")
    return org


@pytest.fixture
def make_investment(
    venture: Fund, cohort: Cohort, usd: Asset, people: dict[str, User]
) -> Callable[..., Investment]:
    """``make_investment(team, amount_usd=80_000, fund=venture, **kwargs)``: an equity-free investment made
    by the fund manager through the service, started 30 days ago, with the default plan and schedule."""

    def build(
        organization: Organization, amount_usd: int = 80_000, fund: Fund | None = None, **kwargs: Any
    ) -> Investment:
        params: dict[str, Any] = {
            "actor": people["fund_manager"],
            "fund": fund or venture,
            "organization": organization,
            "cohort": cohort,
            "title": f"{organization.name} platform",
            "start_date": timezone.localdate() - dt.timedelta(days=30),
            "asset": usd,
            "amount": amount_usd * USD_CENTS,
            "instrument": "grant",
            "countries": [organization.country]
            if organization.country
            else list(Country.objects.filter(iso2="KE")),
        }
        params.update(kwargs)
        return services.investment_create(**params)

    return build


def accept_all(investment: Investment, mentor: User, quarter: int | None = None) -> None:
    """Accept every milestone (of ``quarter`` and before, if given), as a mentor who checked them."""
    qs = investment.milestones.all()
    if quarter is not None:
        qs = qs.filter(quarter__lte=quarter)
    for milestone in qs:
        services.milestone_decide(
            actor=mentor, milestone=milestone, accept=True, comment="Checked in the repository."
        )
