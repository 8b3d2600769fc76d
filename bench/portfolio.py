"""Portfolio pages' server time as the portfolio grows: the list (plain, filtered, sorted), its API, an
investment's page, the mentor's queue and the tranches ready to release.

    .venv/bin/python bench/portfolio.py [--sizes 500,5000,20000] [--rounds 15] [--page-seconds 6]

The portfolio grows to each size in turn (``bulk_create``: investments spread over 60 teams, 40 countries
and six cohorts, each with two countries, four milestones (some submitted, some accepted), three tranches
and four reports). At each size a fund manager's requests go through the whole stack in process (Django's
test ``Client``), and the median of ``--rounds`` requests is printed for each page, the pages taking turns
round after round.

Two ratios, both against figures measured in the same run on the same machine:

- ``× /healthz``: the page against a bare endpoint at the same size.
- ``× first``: the page against the same page at the first, smallest size: how its time grows with the
  portfolio. Paginated lists filter and count in the database; the counts on the list (investments,
  countries, kinds of team) and the queues' filters read every row that matches, so they grow with the
  portfolio, which this shows.

Query counts do not grow (``tests/portfolio/test_scale.py``); this benchmark is about time. Uses a throwaway
SQLite database in a temporary folder, or a throwaway ``test_<name>`` database when DATABASE_URL points at
PostgreSQL. Bounded: about a minute and a half on SQLite.
"""

from __future__ import annotations

import datetime as dt

import growth  # bench/growth.py: the throwaway database and the timing loop (run from bench/)


class World:
    """A fund, teams, cohorts, and the investments, grown in bulk."""

    def __init__(self) -> None:
        from seedbed.calls.models import Theme
        from seedbed.core import services as core_services
        from seedbed.core.models import Country, Organization
        from seedbed.funds.assets import assets_sync
        from seedbed.funds.models import Asset, Fund
        from seedbed.portfolio.models import Cohort

        core_services.countries_sync(actor=None)
        assets_sync(actor=None)
        self.usd = Asset.objects.get(code="USD")
        self.fund = Fund.objects.create(
            name="Bench Fund", slug="bench", kind="venture", reporting_asset=self.usd
        )
        self.fund.allowed_assets.set([self.usd])
        self.countries = list(Country.objects.filter(programme_country=True).order_by("iso2")[:40])
        self.teams = Organization.objects.bulk_create(
            Organization(
                name=f"Bench team {n:03d}",
                slug=f"bench-team-{n:03d}",
                kind="startup" if n % 3 else "country_office",
                country=self.countries[n % len(self.countries)],
                is_sample=True,
            )
            for n in range(60)
        )
        themes = list(Theme.objects.order_by("name")[:3]) or [
            Theme.objects.create(name="Bench", slug="bench")
        ]
        self.cohorts = [Cohort.objects.create(theme=themes[n % len(themes)], year=2016 + n) for n in range(6)]
        self.manager = core_services.user_create(
            actor=None, username="bench", email="bench@example.org", password=None, roles=["fund_manager"]
        )
        self.size = 0
        self.first_reference = ""

    def grow_to(self, size: int) -> None:
        from django.db import transaction

        from seedbed.portfolio.models import Investment, Milestone, Report, Tranche

        numbers = range(self.size + 1, size + 1)
        with transaction.atomic():
            investments = Investment.objects.bulk_create(
                (
                    Investment(
                        reference=f"BF-{2016 + n % 6}-{n:06d}",
                        fund=self.fund,
                        organization=self.teams[n % len(self.teams)],
                        cohort=self.cohorts[n % len(self.cohorts)],
                        title=f"Solution {n}",
                        start_date=dt.date(2016 + n % 6, 1 + n % 12, 1 + n % 28),
                        asset=self.usd,
                        amount=5_000_000 + 100_000 * (n % 50),
                        instrument="grant",
                        status=("active", "graduated", "discontinued", "failed")[n % 4],
                        is_sample=True,
                    )
                    for n in numbers
                ),
                batch_size=2000,
            )
            through = Investment.countries.through
            through.objects.bulk_create(
                (
                    through(
                        investment_id=inv.pk,
                        country_id=self.countries[(inv.pk + k * 7) % len(self.countries)].pk,
                    )
                    for inv in investments
                    for k in range(2)
                ),
                batch_size=4000,
            )
            milestones = Milestone.objects.bulk_create(
                (
                    Milestone(
                        investment=inv,
                        kind="oss",
                        quarter=q,
                        title=f"Milestone {q}",
                        due_on=inv.start_date,
                        required=q >= 2,
                        status=("accepted", "submitted", "planned", "returned")[(inv.pk + q) % 4],
                    )
                    for inv in investments
                    for q in range(1, 5)
                ),
                batch_size=4000,
            )
            by_investment: dict[int, list[Milestone]] = {}
            for milestone in milestones:
                by_investment.setdefault(milestone.investment_id, []).append(milestone)
            tranches = Tranche.objects.bulk_create(
                (
                    Tranche(investment=inv, number=k, amount=inv.amount // 3, due_on=inv.start_date)
                    for inv in investments
                    for k in range(1, 4)
                ),
                batch_size=4000,
            )
            links = Tranche.milestones.through
            links.objects.bulk_create(
                (
                    links(tranche_id=tranche.pk, milestone_id=milestone.pk)
                    for tranche in tranches
                    for milestone in by_investment[tranche.investment_id][: tranche.number - 1]
                ),
                batch_size=4000,
            )
            Report.objects.bulk_create(
                (
                    Report(
                        investment=inv,
                        period_start=dt.date(2016 + inv.pk % 6, 3 * q - 2, 1),
                        period_end=dt.date(2016 + inv.pk % 6, 3 * q, 28),
                        due_on=dt.date(2016 + inv.pk % 6, 3 * q, 28),
                    )
                    for inv in investments
                    for q in range(1, 5)
                ),
                batch_size=4000,
            )
        self.first_reference = self.first_reference or investments[0].reference
        self.size = size


def pages(world: World) -> list[tuple[str, str]]:
    return [
        ("portfolio list", "/portfolio/"),
        ("list, region + status + kind", "/portfolio/?region=ESAR&status=active&kind=startup"),
        ("list, by team, page 3", "/portfolio/?sort=team&page=3"),
        ("list, API", "/api/investments"),
        ("investment page", f"/portfolio/{world.first_reference}/"),
        ("mentor queue", "/portfolio/milestones/"),
        ("tranches to release", "/portfolio/tranches/"),
    ]


def main() -> None:
    growth.main(
        doc=__doc__,
        default_sizes="500,5000,20000",
        unit="investments",
        name="portfolio",
        world=World,
        pages=pages,
        describe=lambda world, size: f"{size:,} investments, {4 * size:,} milestones, {3 * size:,} tranches",
    )


if __name__ == "__main__":
    main()
