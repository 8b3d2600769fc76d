"""Query counts at scale: the board, the table, the ranking and the API lists take as many queries for a
call of 20,000 applications (about 15,000 reviews) as for one of 20.

The rows are written with ``bulk_create`` (not through the services) so that the test stays well under a
minute on SQLite. Speed itself is measured by ``bench/assessment.py``, never by a timed test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seedbed.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    Eligibility,
    Review,
    ReviewStatus,
    Stage,
)
from seedbed.core.models import Country, Membership, Organization, User
from tests.calls.conftest import DAY
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SMALL, LARGE = 20, 20_000
ELIGIBILITY = [Eligibility.NOT_SCREENED, Eligibility.ELIGIBLE, Eligibility.TO_VERIFY, Eligibility.INELIGIBLE]


class World:
    """A call whose applications grow in bulk: most submitted and spread over the stages, a few drafts
    and withdrawn ones; every fourth submitted one has three reviews (two submitted, one in progress or
    not started), one of them always the ``reviewer`` persona's. The ``applicant`` persona belongs to
    one organization in 500, so their own list grows too."""

    def __init__(self, call: Call, applicant: User, reviewer: User, others: list[User]) -> None:
        self.call, self.applicant, self.reviewer, self.others = call, applicant, reviewer, others
        self.stages = list(Stage.objects.filter(call=call).order_by("position"))
        self.countries = list(Country.objects.filter(programme_country=True).order_by("iso2")[:20])
        self.made = 0
        self.start = timezone.now() - DAY

    def grow(self, count: int) -> None:
        numbers = range(self.made + 1, self.made + count + 1)
        self.made += count
        organizations = Organization.objects.bulk_create(
            Organization(
                name=f"Scale organization {n:06d}",
                slug=f"scale-{n:06d}",
                kind="startup",
                country=self.countries[n % len(self.countries)],
            )
            for n in numbers
        )
        Membership.objects.bulk_create(
            Membership(user=self.applicant, organization=org, role="owner")
            for n, org in zip(numbers, organizations, strict=True)
            if n % 500 == 1
        )
        applications = Application.objects.bulk_create(
            [self.application(n, org) for n, org in zip(numbers, organizations, strict=True)], batch_size=2000
        )
        reviews: list[Review] = []
        for application in applications:
            if application.status == ApplicationStatus.SUBMITTED and application.number % 4 == 0:
                reviews.extend(self.reviews(application))
        Review.objects.bulk_create(reviews, batch_size=2000)

    def application(self, n: int, organization: Organization) -> Application:
        status = ApplicationStatus.SUBMITTED
        if n % 50 == 3:
            status = ApplicationStatus.DRAFT
        elif n % 50 == 7:
            status = ApplicationStatus.WITHDRAWN
        submitted_at = None if status == ApplicationStatus.DRAFT else self.start + dt.timedelta(seconds=n)
        return Application(
            call=self.call,
            number=n,
            organization=organization,
            created_by=self.applicant,
            title=f"Solution {n}",
            summary="What it does.",
            status=status,
            stage=None if status == ApplicationStatus.DRAFT else self.stages[n % len(self.stages)],
            eligibility=ELIGIBILITY[n % len(ELIGIBILITY)],
            submitted_at=submitted_at,
            withdrawn_at=submitted_at if status == ApplicationStatus.WITHDRAWN else None,
        )

    def reviews(self, application: Application) -> list[Review]:
        n = application.number
        first, second = self.others[n % len(self.others)], self.others[(n + 1) % len(self.others)]
        done = {"status": ReviewStatus.SUBMITTED, "submitted_at": self.start}
        return [
            Review(application=application, reviewer=self.reviewer, total=Decimal(1 + n % 5), **done),
            Review(application=application, reviewer=first, total=Decimal(1 + (n * 7) % 5), **done),
            Review(
                application=application,
                reviewer=second,
                status=ReviewStatus.DRAFT if n % 8 else ReviewStatus.ASSIGNED,
            ),
        ]


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(captured)


def test_lists_take_as_many_queries_at_20000_applications_as_at_20(
    make_call, countries, personas, client_for
):
    call = make_call("Scale 2025", -30 * DAY, 30 * DAY)
    others = [make_user(f"scale-reviewer-{i}", ("reviewer",)) for i in range(5)]
    world = World(call, personas["applicant"], personas["reviewer"], others)
    stage = world.stages[2]
    slug = call.slug
    lists: dict[str, list[str]] = {
        "fund_manager": [
            f"/calls/{slug}/board/",
            f"/calls/{slug}/applications/",
            f"/calls/{slug}/applications/?stage={stage.pk}&eligibility=eligible&q=Solution",
            f"/calls/{slug}/applications/?page=2",
            f"/calls/{slug}/ranking/",
            f"/calls/{slug}/ranking/?stage=3&disagreement=on&min_reviews=1&sort=-spread",
            f"/api/calls/{slug}/applications",
            f"/api/calls/{slug}/applications?stage={stage.pk}&status=submitted&eligibility=none",
            f"/api/calls/{slug}/ranking",
            f"/api/calls/{slug}/ranking?sort=-reviews&eligibility=eligible",
        ],
        "applicant": ["/api/applications", "/applications/"],
        "reviewer": ["/api/reviews", "/api/reviews?status=open", "/reviews/"],
    }
    clients = {persona: client_for(personas[persona]) for persona in lists}

    def counts() -> dict[str, int]:
        found = {}
        for persona, urls in lists.items():
            for url in urls:
                clients[persona].get(url)  # warm: sessions, content types, translations
                found[f"{persona} {url}"] = _queries(clients[persona], url)
        return found

    world.grow(SMALL)
    small = counts()
    world.grow(LARGE - SMALL)
    assert Application.objects.filter(call=call).count() == LARGE
    assert Review.objects.filter(application__call=call).count() > 14_000
    assert Review.objects.filter(reviewer=personas["reviewer"]).count() > 4_500
    assert Application.objects.filter(organization__memberships__user=personas["applicant"]).count() == 40
    assert counts() == small
