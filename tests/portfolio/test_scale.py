"""The portfolio list and an investment's page read a fixed number of queries whatever the size of the
portfolio: measured with three investments, then again after 5,000 more (inserted in bulk, with their
countries, milestones, evidence and reports), and with more milestones, evidence and tranches on the
investment itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seedbed.core.models import Country, Organization
from seedbed.portfolio import services
from seedbed.portfolio.models import Evidence, Investment, Milestone, Report

pytestmark = pytest.mark.django_db

GROWTH = 5_000


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _grow(template: Investment, count: int) -> None:
    """``count`` investments like ``template``, spread over 40 teams and 20 countries, in bulk."""
    countries = list(Country.objects.filter(programme_country=True).order_by("iso2")[:20])
    teams = Organization.objects.bulk_create(
        [
            Organization(
                name=f"Team {n:03d}", slug=f"team-{n:03d}", kind="startup", country=countries[n % 20]
            )
            for n in range(40)
        ]
    )
    rows = Investment.objects.bulk_create(
        [
            Investment(
                reference=f"VF-2020-{n + 100:04d}",
                fund_id=template.fund_id,
                organization=teams[n % 40],
                cohort_id=template.cohort_id,
                title=f"Solution {n}",
                start_date=dt.date(2020, 1, 1) + dt.timedelta(days=n % 700),
                asset_id=template.asset_id,
                amount=50_000_00 + n,
                instrument="grant",
                status=("active", "graduated", "failed")[n % 3],
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    through = Investment.countries.through
    through.objects.bulk_create(
        [through(investment_id=inv.pk, country_id=countries[i % 20].pk) for i, inv in enumerate(rows)]
        + [
            through(investment_id=inv.pk, country_id=countries[(i + 7) % 20].pk) for i, inv in enumerate(rows)
        ],
        batch_size=2000,
    )
    milestones = Milestone.objects.bulk_create(
        [
            Milestone(
                investment=inv,
                kind="oss",
                quarter=1 + k,
                title=f"M{k}",
                due_on=dt.date(2021, 1, 1),
                status="submitted",
            )
            for inv in rows
            for k in range(2)
        ],
        batch_size=2000,
    )
    Evidence.objects.bulk_create(
        [Evidence(milestone=m, kind="text", text="done") for m in milestones[::3]], batch_size=2000
    )
    Report.objects.bulk_create(
        [
            Report(
                investment=inv,
                period_start=dt.date(2020, 1, 1),
                period_end=dt.date(2020, 3, 31),
                due_on=dt.date(2020, 4, 15),
            )
            for inv in rows
        ],
        batch_size=2000,
    )


@pytest.mark.parametrize("persona", ["fund_manager", "reviewer"])
def test_the_portfolio_list_and_an_investment_page_keep_their_query_counts(
    persona, make_investment, team, other_team, people, client_for
):
    first = make_investment(team)
    make_investment(other_team)
    make_investment(team, amount_usd=60_000)
    client = client_for(people[persona])
    pages = [
        "/portfolio/",
        "/portfolio/?status=active&sort=team",
        "/portfolio/?region=ESAR&kind=startup",
        "/portfolio/?page=2",
        first.get_absolute_url(),
        f"/portfolio/cohorts/{first.cohort_id}/",
    ]
    for url in pages:
        client.get(url)  # warm caches (content types, sessions)
    small = {url: _count(client, url) for url in pages[:-1]}
    _grow(first, GROWTH)
    assert Investment.objects.count() == GROWTH + 3
    assert {url: _count(client, url) for url in pages[:-1]} == small


def test_an_investment_page_keeps_its_query_count_as_its_plan_grows(
    make_investment, team, people, client_for
):
    investment = make_investment(team)
    client = client_for(people["fund_manager"])
    url = investment.get_absolute_url()
    client.get(url)
    small = _count(client, url)
    manager, mentor = people["fund_manager"], people["mentor"]
    for n in range(6):
        milestone = services.milestone_add(
            actor=manager,
            investment=investment,
            title=f"Business {n}",
            quarter=1 + n % 4,
            due_on=dt.date(2030, 1, 1),
        )
        services.evidence_submit(
            actor=people["grantee"], milestone=milestone, url=f"https://example.org/{n}", text="See"
        )
        services.milestone_decide(actor=mentor, milestone=milestone, accept=True)
    services.tranche_reduce(
        actor=manager, tranche=investment.tranches.get(number=3), amount=10_000_00, reason_text="Scope"
    )
    services.tranche_add(
        actor=manager,
        investment=investment,
        amount=5_000_00,
        due_on=dt.date(2030, 1, 1),
        milestones=investment.milestones.all()[:3],
    )
    assert _count(client, url) == small
