"""DPG readiness pages' server time as the number of solutions grows: the readiness matrix (plain, filtered,
sorted by checks passed), the solution list (plain and renewals due), one solution's page and its
assessment, the solutions API, and the matrix's CSV export.

    .venv/bin/python bench/readiness.py [--sizes 200,2000,10000] [--rounds 15] [--page-seconds 6]

The checks are those a real scan produces: the scanner runs once, before anything is timed, on a tiny git
repository made in a temporary folder, and its results are the template every scan copies. The solutions
grow to each size in turn (``bulk_create``): one team each; one solution in ten without a repository, one
in three with two; the repositories of one solution in twenty not scanned yet, every other one's last scan
finished with one check per key, the statuses drawn at random with a fixed seed per repository; one
solution in five a DPG (some in their renewal window, some lapsed), a few nominees and expired ones; three
answers of the assessment for every other solution, some signed off; an investment for two solutions in
three. At each size a fund manager's requests go through the whole stack in process (Django's test
``Client``), and the median of ``--rounds`` requests is printed for each page, the pages taking turns
round after round.

Two ratios, both against figures measured in the same run on the same machine:

- ``× /healthz``: the page against a bare endpoint at the same size.
- ``× first``: the page against the same page at the first, smallest size: how its time grows with the
  number of solutions. A page of 25 rows should stay near 1 apart from what the page counts over every
  solution (the matrix's passes per check, the filters' options); the CSV export writes every solution,
  so it grows in proportion by nature (its row says so).

Uses a throwaway SQLite database in a temporary folder, or a throwaway ``test_<name>`` database when
DATABASE_URL points at PostgreSQL. Bounded: about three minutes on SQLite.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import growth  # bench/growth.py: the throwaway database and the timing loop (run from bench/)

STATUSES = ("pass", "fail", "warning", "n/a")
WEIGHTS = (55, 20, 15, 10)
INDICATORS = ("1", "2", "3", "4", "5", "6", "7", "8", "9a", "9b", "9c")


def repositories_of(n: int) -> int:
    """How many repositories solution ``n`` has: none for one in ten, two for one in three."""
    if n % 10 == 7:
        return 0
    return 2 if n % 3 == 0 else 1


def scanned(n: int) -> bool:
    """Whether solution ``n``'s repositories have a finished scan (a few wait for their first)."""
    return n % 20 != 11


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)  # noqa: S603, S607


def scan_template() -> list[dict[str, Any]]:
    """The checks of a real scan of a tiny repository, as ``services.scans._store`` stores them."""
    from django.conf import settings

    from seedbed.dpg.scanner.run import scan_source

    with tempfile.TemporaryDirectory(prefix="seedbed-bench-repo-") as folder:
        root = Path(folder) / "tiny"
        root.mkdir()
        (root / "README.md").write_text(
            "# Tiny\n\nA tiny project.\n\n## Installation\n\nRun `make`.\n\n## Usage\n\nOpen it.\n",
            encoding="utf-8",
        )
        (root / "LICENSE").write_text("MIT License\n", encoding="utf-8")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "First commit")
        report = scan_source(str(root), cache_dir=settings.SEEDBED_SCAN_CACHE, cli=True)
    return [
        {
            "key": check.key,
            "title": check.title,
            "message": check.message,
            "evidence": [
                {**item.as_dict(), "url": report.evidence_url(item.path, item.line)}
                for item in check.evidence
            ],
            "indicators": list(check.indicators),
            "check_keys": list(check.check_keys),
            "details": check.details,
            "position": position,
        }
        for position, check in enumerate(report.checks)
    ]


class World:
    """Solutions with their teams, repositories, last scans, DPG statuses, answers and investments."""

    def __init__(self) -> None:
        from django.utils import timezone

        from seedbed.calls.models import Theme
        from seedbed.core import services as core_services
        from seedbed.core.models import Country
        from seedbed.funds.assets import assets_sync
        from seedbed.funds.models import Asset, Fund
        from seedbed.portfolio.models import Cohort

        self.checks = scan_template()
        core_services.countries_sync(actor=None)
        assets_sync(actor=None)
        self.usd = Asset.objects.get(code="USD")
        self.fund = Fund.objects.create(
            name="Bench Fund", slug="bench", kind="venture", reporting_asset=self.usd
        )
        self.fund.allowed_assets.set([self.usd])
        self.countries = list(Country.objects.filter(programme_country=True).order_by("iso2")[:40])
        themes = list(Theme.objects.order_by("name")[:3]) or [
            Theme.objects.create(name="Bench", slug="bench")
        ]
        self.cohorts = [Cohort.objects.create(theme=themes[n % len(themes)], year=2016 + n) for n in range(6)]
        self.manager = core_services.user_create(
            actor=None, username="bench", email="bench@example.org", password=None, roles=["fund_manager"]
        )
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.size = 0
        self.slug = ""
        self.counts = {"repositories": 0, "checks": 0, "statuses": 0, "answers": 0}

    def grow_to(self, size: int) -> None:
        from django.db import transaction
        from django.db.models import F, OuterRef, Subquery

        from seedbed.core.models import Organization
        from seedbed.dpg.models import DpgStatus, IndicatorAnswer, Repository, Scan, ScanCheck
        from seedbed.dpg.models.assessment import expiry_for
        from seedbed.portfolio.models import Investment, Solution

        numbers = range(self.size + 1, size + 1)
        with transaction.atomic():
            teams = Organization.objects.bulk_create(
                (
                    Organization(
                        name=f"Bench team {n:06d}",
                        slug=f"bench-team-{n:06d}",
                        kind="startup" if n % 3 else "academic",
                        country=self.countries[n % len(self.countries)],
                        is_sample=True,
                    )
                    for n in numbers
                ),
                batch_size=2000,
            )
            solutions = Solution.objects.bulk_create(
                (
                    Solution(
                        name=f"Solution {n:06d}",
                        slug=f"solution-{n:06d}",
                        organization=team,
                        description="Open-source tools for children's services.",
                        website=f"https://solution-{n:06d}.example.org",
                        sdgs=[1 + n % 17],
                        is_sample=True,
                    )
                    for n, team in zip(numbers, teams, strict=True)
                ),
                batch_size=2000,
            )
            by_number = dict(zip(numbers, solutions, strict=True))
            repositories = Repository.objects.bulk_create(
                (
                    Repository(
                        solution=solution,
                        url=f"https://github.com/bench/{solution.slug}" + ("-docs" if k else ""),
                        name="docs" if k else "main",
                        is_sample=True,
                    )
                    for n, solution in by_number.items()
                    for k in range(repositories_of(n))
                ),
                batch_size=2000,
            )
            number_of = {solution.pk: n for n, solution in by_number.items()}
            scans = []
            for repository in repositories:
                n = number_of[repository.solution_id]
                if not scanned(n):
                    continue
                finished = self.now - dt.timedelta(hours=(n * 13) % (24 * 60))
                scans.append(
                    Scan(
                        repository=repository,
                        status="done",
                        started_at=finished - dt.timedelta(seconds=30),
                        finished_at=finished,
                        duration_ms=30_000,
                        commit="0" * 40,
                        licence="MIT",
                        is_sample=True,
                    )
                )
            checks: list[ScanCheck] = []
            for scan in scans:
                rng = random.Random(f"readiness-{scan.repository.solution_id}-{scan.repository.name}")
                statuses = rng.choices(STATUSES, WEIGHTS, k=len(self.checks))
                scan.passed, scan.failed = statuses.count("pass"), statuses.count("fail")
                scan.warnings = statuses.count("warning")
                checks.extend(
                    ScanCheck(scan=scan, status=status, **check)
                    for check, status in zip(self.checks, statuses, strict=True)
                )
            Scan.objects.bulk_create(scans, batch_size=2000)
            # requested_at is set to now by bulk_create (auto_now_add): a scan was asked for when it started.
            Scan.objects.filter(requested_at__gt=F("started_at")).update(requested_at=F("started_at"))
            ScanCheck.objects.bulk_create(checks, batch_size=2000)
            latest = Scan.objects.filter(repository=OuterRef("pk"), status="done").order_by(
                "-finished_at", "-pk"
            )
            Repository.objects.filter(last_scan__isnull=True).update(
                last_scan=Subquery(latest.values("pk")[:1])
            )
            statuses_ = DpgStatus.objects.bulk_create(
                (
                    status
                    for n, solution in by_number.items()
                    if (status := self._dpg_status(n, solution, expiry_for))
                ),
                batch_size=2000,
            )
            answers = IndicatorAnswer.objects.bulk_create(
                (
                    self._answer(n, solution, k)
                    for n, solution in by_number.items()
                    if n % 2
                    for k in range(3)
                ),
                batch_size=2000,
            )
            invested = [(n, solution) for n, solution in by_number.items() if n % 3 != 2]
            investments = Investment.objects.bulk_create(
                (
                    Investment(
                        reference=f"BR-{2016 + n % 6}-{n:06d}",
                        fund=self.fund,
                        organization_id=solution.organization_id,
                        cohort=self.cohorts[n % len(self.cohorts)],
                        title=solution.name,
                        start_date=dt.date(2016 + n % 6, 1 + n % 12, 1 + n % 28),
                        asset=self.usd,
                        amount=5_000_000 + 100_000 * (n % 50),
                        instrument="grant",
                        status=("active", "graduated", "discontinued", "failed")[n % 4],
                        is_sample=True,
                    )
                    for n, solution in invested
                ),
                batch_size=2000,
            )
            through = Investment.solutions.through
            through.objects.bulk_create(
                (
                    through(investment_id=investment.pk, solution_id=solution.pk)
                    for investment, (_n, solution) in zip(investments, invested, strict=True)
                ),
                batch_size=4000,
            )
        if not self.slug:  # the same solution at every size: two scanned repositories, a DPG, answers
            featured = [n for n in numbers if repositories_of(n) == 2 and scanned(n) and n % 5 == 0 and n % 2]
            self.slug = by_number[featured[0] if featured else numbers[0]].slug
        self.size = size
        self.counts["repositories"] += len(repositories)
        self.counts["checks"] += len(checks)
        self.counts["statuses"] += len(statuses_)
        self.counts["answers"] += len(answers)

    def _dpg_status(self, n: int, solution: Any, expiry_for: Any) -> Any:
        """A DPG for one solution in five (decided up to 420 days ago: some lapsed, some due for renewal),
        a nominee for one in ten, expired for one in fifty; none for the others."""
        from seedbed.dpg.models import DpgStatus

        since = self.today - dt.timedelta(days=(n * 37) % 420)
        if n % 5 == 0:
            return DpgStatus(solution=solution, status="dpg", since=since, expires_on=expiry_for(since))
        if n % 10 == 1:
            return DpgStatus(solution=solution, status="nominee", since=since)
        if n % 50 == 2:
            return DpgStatus(solution=solution, status="expired", since=since, expires_on=expiry_for(since))
        return None

    def _answer(self, n: int, solution: Any, k: int) -> Any:
        """The ``k``-th of three answers: suggested by a scan, written by the team, or signed off."""
        from seedbed.dpg.models import IndicatorAnswer

        kind = (n + k) % 3
        return IndicatorAnswer(
            solution=solution,
            indicator=INDICATORS[(n + 4 * k) % len(INDICATORS)],
            answer=f"Answer {k} of solution {n}.",
            evidence_urls=[f"https://github.com/bench/{solution.slug}/blob/main/README.md"] if kind else [],
            suggested=kind == 0,
            suggestion_source="scan" if kind == 0 else "",
            suggested_from="scan" if kind == 0 else "",
            met=(n % 4 != 1) if kind == 2 else None,
            signed_off_by=self.manager if kind == 2 else None,
            signed_off_at=self.now if kind == 2 else None,
        )


def pages(world: World) -> list[tuple[str, str]]:
    return [
        ("readiness matrix", "/dpg/readiness/"),
        ("matrix, failing tests + scanned", "/dpg/readiness/?failing=tests&scanned=yes"),
        ("matrix, most passed", "/dpg/readiness/?sort=most"),
        ("solution list", "/solutions/"),
        ("solutions, renewal due", "/solutions/?dpg=renewal"),
        ("solution page", f"/solutions/{world.slug}/"),
        ("solution's assessment", f"/solutions/{world.slug}/assessment/"),
        ("solutions, API", "/api/solutions"),
        ("matrix CSV: every row (grows ∝ N)", "/dpg/readiness/?export=csv"),
    ]


def main() -> None:
    growth.main(
        doc=__doc__,
        default_sizes="200,2000,10000",
        unit="solutions",
        name="readiness",
        world=World,
        pages=pages,
        describe=lambda world, size: (
            f"{size:,} solutions, {world.counts['repositories']:,} repositories, "
            f"{world.counts['checks']:,} scan checks, {world.counts['statuses']:,} DPG statuses, "
            f"{world.counts['answers']:,} answers"
        ),
    )


if __name__ == "__main__":
    main()
