"""Assessment pages' server time as a call grows: the ranking, the board and the table.

    .venv/bin/python bench/assessment.py [--sizes 200,2000,20000] [--rounds 15] [--page-seconds 6]

One call grows to each size in turn (``bulk_create``: most applications submitted and spread over the six
stages, a few drafts and withdrawn ones, every fourth submitted one with three reviews, two of them
submitted). At each size a fund manager's requests go through the whole stack in process (Django's test
``Client``: middleware, session, view, selectors, template), and the median of ``--rounds`` requests is
printed for each page. The pages take turns, round after round, so that a busy moment of the machine slows
them all alike (fewer rounds if a size needs more than ``--page-seconds`` per page).

Two ratios, both against figures measured in the same run on the same machine:

- ``× /healthz``: the page against a bare endpoint (one trivial query through the same middleware), at
  the same size: what the page costs in units of the cheapest request the server answers.
- ``× first``: the page against the same page at the first, smallest size (200 applications by default):
  how the page's time grows with the call. Pages that filter and paginate in the database stay near 1;
  the ranking's mean and spread are aggregated over every submitted application before it can be
  sorted, so it grows with the number of applications, which this shows honestly.

Query counts do not grow with the call (``tests/calls/test_scale.py``); this benchmark is about time.

Uses a throwaway SQLite database in a temporary folder, or, when DATABASE_URL points at PostgreSQL, a
throwaway ``test_<name>`` database on that server (created and dropped here; the named one is untouched;
ANALYZE runs after each growth, as autovacuum would). Bounded: about a minute and a half on SQLite.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import growth  # bench/growth.py: the throwaway database and the timing loop (run from bench/)

REVIEWERS = 12


class World:
    """The call and its applicants, grown in bulk."""

    def __init__(self) -> None:
        from seedbed.calls import services
        from seedbed.calls.models import Stage
        from seedbed.core import services as core_services
        from seedbed.core.models import Country, User
        from seedbed.funds.assets import assets_sync
        from seedbed.funds.models import Asset, Fund

        core_services.countries_sync(actor=None)
        assets_sync(actor=None)
        usd = Asset.objects.get(code="USD")
        fund = Fund.objects.create(name="Bench Fund", slug="bench", kind="venture", reporting_asset=usd)
        fund.allowed_assets.set([usd])
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.call = services.call_create(
            actor=None,
            fund=fund,
            data={
                "title": "Bench call",
                "opens_at": now - dt.timedelta(days=30),
                "closes_at": now + dt.timedelta(days=30),
                "time_zone": "Africa/Nairobi",
                "ticket_min": 5_000_000,
                "ticket_max": 10_000_000,
            },
            default_rubric=True,
        )
        self.stages = list(Stage.objects.filter(call=self.call).order_by("position"))
        self.countries = list(Country.objects.filter(programme_country=True).order_by("iso2"))
        self.manager = core_services.user_create(
            actor=None, username="bench", email="bench@example.org", password=None, roles=["fund_manager"]
        )
        self.reviewers = [
            core_services.user_create(
                actor=None,
                username=f"reviewer-{n}",
                email=f"reviewer-{n}@example.org",
                password=None,
                roles=["reviewer"],
            )
            for n in range(REVIEWERS)
        ]
        self.applicant: User = core_services.user_create(
            actor=None,
            username="applicant",
            email="applicant@example.org",
            password=None,
            roles=["applicant"],
        )
        self.start = now - dt.timedelta(days=20)
        self.size = 0
        self.review_count = 0

    def grow_to(self, size: int) -> None:
        from django.db import transaction

        from seedbed.calls.models import Application, ApplicationStatus, Eligibility, Review, ReviewStatus
        from seedbed.core.models import Organization

        eligibility = [
            Eligibility.NOT_SCREENED,
            Eligibility.ELIGIBLE,
            Eligibility.TO_VERIFY,
            Eligibility.INELIGIBLE,
        ]
        numbers = range(self.size + 1, size + 1)
        with transaction.atomic():
            organizations = Organization.objects.bulk_create(
                (
                    Organization(
                        name=f"Bench organization {n:06d}",
                        slug=f"bench-{n:06d}",
                        kind="startup",
                        country=self.countries[n % len(self.countries)],
                        is_sample=True,
                    )
                    for n in numbers
                ),
                batch_size=2000,
            )
            rows = []
            for n, organization in zip(numbers, organizations, strict=True):
                status = ApplicationStatus.SUBMITTED
                if n % 50 == 3:
                    status = ApplicationStatus.DRAFT
                elif n % 50 == 7:
                    status = ApplicationStatus.WITHDRAWN
                submitted = (
                    None if status == ApplicationStatus.DRAFT else self.start + dt.timedelta(seconds=n)
                )
                rows.append(
                    Application(
                        call=self.call,
                        number=n,
                        organization=organization,
                        created_by=self.applicant,
                        title=f"Solution {n}",
                        summary="Open-source tools for children's services.",
                        status=status,
                        stage=None
                        if status == ApplicationStatus.DRAFT
                        else self.stages[n % len(self.stages)],
                        eligibility=eligibility[n % len(eligibility)],
                        submitted_at=submitted,
                        withdrawn_at=submitted if status == ApplicationStatus.WITHDRAWN else None,
                        is_sample=True,
                    )
                )
            applications = Application.objects.bulk_create(rows, batch_size=2000)
            reviews = []
            for application in applications:
                n = application.number
                if application.status != ApplicationStatus.SUBMITTED or n % 4:
                    continue
                people = [self.reviewers[(n + k) % REVIEWERS] for k in range(3)]
                for k, person in enumerate(people):
                    if k < 2:
                        reviews.append(
                            Review(
                                application=application,
                                reviewer=person,
                                status=ReviewStatus.SUBMITTED,
                                total=Decimal(1 + (n * (k + 3)) % 5) + Decimal("0.125") * k,
                                submitted_at=self.start,
                            )
                        )
                    else:
                        reviews.append(
                            Review(application=application, reviewer=person, status=ReviewStatus.DRAFT)
                        )
            Review.objects.bulk_create(reviews, batch_size=2000)
        self.size = size
        self.review_count += len(reviews)


def pages(world: World) -> list[tuple[str, str]]:
    slug = world.call.slug
    return [
        ("ranking", f"/calls/{slug}/ranking/"),
        ("ranking, disagreement, by spread", f"/calls/{slug}/ranking/?disagreement=on&sort=-spread"),
        ("ranking, API", f"/api/calls/{slug}/ranking"),
        ("board", f"/calls/{slug}/board/"),
        ("table", f"/calls/{slug}/applications/"),
        ("table, stage and search", f"/calls/{slug}/applications/?stage={world.stages[2].pk}&q=Solution+1"),
    ]


def main() -> None:
    growth.main(
        doc=__doc__,
        default_sizes="200,2000,20000",
        unit="applications",
        name="assessment",
        world=World,
        pages=pages,
        describe=lambda world, size: f"{size:,} applications, {world.review_count:,} reviews",
    )


if __name__ == "__main__":
    main()
