"""Demo data of the DPG part: the DPGA registry, the digital public goods the seed names, and sample
repositories with a history of scans.

- The registry is imported from the copy Seedbed ships (``data/registry.json.gz``): 228 records.
- The DPGs the seed names in UNICEF's pathfinding pilots (Primero, Global Digital Library, Project AEDES,
  OpenG2P, H5P) become solutions of their owners (UNICEF and the Government of Sierra Leone from the core
  demo; the registry's owners otherwise), with the description, website, SDGs and kind of their registry
  record and their public repository, which is listed but never fetched (the demo needs no network).
  ``registry_match`` then links each to its record, so the solution shows it is a DPG. The registry has no
  dates, so two of them are given a status recorded by hand: H5P's term ends within the 45-day renewal
  window, Project AEDES's has ended.
- Sample git repositories (``seedbed.dpg.demo_repositories``) are built under ``DATA_DIR/demo-repos``, each in
  two to four stages weeks apart; every stage is scanned with the scan dated that day, so a repository page
  shows a trend. Most belong to solutions of running investments (the demo applicant's team's among them),
  so passing scans accept milestones automatically as they would in use; a few sit beside the seed DPGs'
  real repositories.

Idempotent: what exists is left alone, and a second load writes nothing. Everything it creates is marked as
sample data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from seedbed.core.jobs import Progress, job_run
from seedbed.core.models import Country, Job, Organization, OrganizationKind, User
from seedbed.core.services import directory
from seedbed.dpg import services
from seedbed.dpg.demo_repositories import Author, Licence, SampleRepository, sample_repositories
from seedbed.dpg.models import (
    DpgStatus,
    DpgStatusSource,
    DpgStatusValue,
    IndicatorAnswer,
    RegistryRecord,
    Repository,
    Scan,
    ScanStatus,
)
from seedbed.dpg.registry import registry_import, registry_match
from seedbed.portfolio import services as portfolio_services
from seedbed.portfolio.models import Evidence, InvestmentStatus, Milestone, Solution, SolutionKind

REPOSITORIES_FOLDER = "demo-repos"
SCAN_HOUR = dt.time(15, 0, tzinfo=dt.UTC)

# The DPGs the seed names (PRODUCT.md, "Facts from the seed"), by registry key, with their owner: an
# organization the core demo made, or the one the registry names (name, kind, ISO country).
SEED_DPGS: tuple[tuple[str, str, str, str], ...] = (
    ("primero", "UNICEF", OrganizationKind.UN_AGENCY, "US"),
    ("global-digital-library", "Global Book Alliance", OrganizationKind.ALLIANCE, ""),
    ("project-aedes", "Cirrolytix Research Services", OrganizationKind.PRIVATE_SECTOR, "PH"),
    ("openg2p", "Government of Sierra Leone", OrganizationKind.GOVERNMENT, "SL"),
    ("h5p", "Joubel", OrganizationKind.PRIVATE_SECTOR, "NO"),
)
# The registry's "type" -> the solution's kind.
KINDS = {
    "software": SolutionKind.SOFTWARE,
    "content": SolutionKind.CONTENT,
    "data": SolutionKind.DATA,
    "aimodel": SolutionKind.AI_MODEL,
}
# Statuses recorded by hand, in days before the demo is loaded: (registry key, recognised as a DPG).
# A DPG status lasts a year: 340 days ago leaves 25 days (renewal window open); 400 days ago has expired.
MANUAL_STATUSES = (("h5p", 340), ("project-aedes", 400))


def demo_repositories_root() -> Path:
    return Path(settings.DATA_DIR) / REPOSITORIES_FOLDER


# --- The seed's DPGs ----------------------------------------------------------------------------------------


def _owner(name: str, kind: str, iso2: str, record: RegistryRecord) -> Organization:
    found = Organization.objects.filter(name=name).first()
    if found is not None:
        return found
    website = next((org.get("website", "") for org in record.organizations if org.get("name") == name), "")
    return directory.organization_create(
        actor=None,
        data={
            "name": name,
            "kind": kind,
            "country": Country.objects.filter(iso2=iso2).first() if iso2 else None,
            "website": website,
            "description": f"Named as the owner of {record.name} in the DPGA registry. (Added by the Seedbed "
            "demo.)",
        },
        is_sample=True,
    )


def _seed_dpgs() -> dict[str, Solution]:
    """The seed's DPGs as solutions, by registry key (created once; existing ones are left alone)."""
    solutions: dict[str, Solution] = {}
    records = {
        record.key: record for record in RegistryRecord.objects.filter(key__in=[r[0] for r in SEED_DPGS])
    }
    for key, owner_name, kind, iso2 in SEED_DPGS:
        record = records.get(key)
        if record is None:
            continue
        owner = _owner(owner_name, kind, iso2, record)
        solution = Solution.objects.filter(organization=owner, name=record.name).first()
        if solution is None:
            kind_of = next((KINDS[t] for t in record.types if t in KINDS), SolutionKind.SOFTWARE)
            solution = portfolio_services.solution_create(
                actor=None, organization=owner, name=record.name, kind=kind_of, is_sample=True
            )
            solution = portfolio_services.solution_update(
                actor=None,
                solution=solution,
                name=solution.name,
                kind=solution.kind,
                description=record.description,
                website=record.website[:200],
                sdgs=record.sdgs,
            )
            for index, repo in enumerate(record.repositories):
                if repo.get("url"):
                    services.repository_add(
                        actor=None,
                        solution=solution,
                        url=str(repo["url"]),
                        name=str(repo.get("name") or ("main" if index == 0 else f"repository {index + 1}")),
                        is_sample=True,
                    )
        solutions[key] = solution
    return solutions


def _manual_statuses(solutions: dict[str, Solution], today: dt.date) -> None:
    for key, days_ago in MANUAL_STATUSES:
        solution = solutions.get(key)
        if solution is None:
            continue
        current = DpgStatus.objects.filter(solution=solution).first()
        if current is not None and current.source == DpgStatusSource.MANUAL:
            continue
        services.dpg_status_set(
            actor=None,
            solution=solution,
            status=DpgStatusValue.DPG,
            since=today - dt.timedelta(days=days_ago),
            today=today,
        )


def _assessments(seed: dict[str, Solution]) -> None:
    """DPG Standard answers at different stages: Primero's and H5P's start from their registry records
    and the mentor has signed off those with evidence (all of Primero's, two of H5P's, whose renewal is
    due); the demo applicant has confirmed their licence and code-of-conduct answers, and the mentor has
    signed off the licence, so the code of conduct waits on the mentor's home page."""
    mentor = User.objects.filter(username="mentor").first()
    if mentor is None:
        return
    mine, _others = _portfolio_targets()
    touched = [solution for solution in (seed.get("primero"), seed.get("h5p"), mine) if solution is not None]
    if IndicatorAnswer.objects.filter(solution__in=touched, signed_off_at__isnull=False).exists():
        return
    for key, items in (("primero", None), ("h5p", {"2", "5"})):
        solution = seed.get(key)
        if solution is None:
            continue
        services.assessment_from_registry(actor=None, solution=solution)
        for given in IndicatorAnswer.objects.filter(solution=solution).order_by("indicator"):
            if given.evidence_urls and (items is None or given.indicator in items):
                services.answer_sign_off(actor=mentor, solution=solution, indicator=given.indicator, met=True)
    applicant = User.objects.filter(username="applicant").first()
    if mine is None or applicant is None:
        return
    for code in ("2", "9c"):
        answer = IndicatorAnswer.objects.filter(solution=mine, indicator=code, suggested=True).first()
        if answer is None or not answer.evidence_urls:
            continue
        services.answer_save(
            actor=applicant,
            solution=mine,
            indicator=code,
            answer=answer.answer,
            evidence_urls=answer.evidence_urls,
            met=True,
            details={"userInteraction": "Yes"} if code == "9c" else {},
        )
    if IndicatorAnswer.objects.filter(solution=mine, indicator="2", suggested=False).exists():
        services.answer_sign_off(actor=mentor, solution=mine, indicator="2", met=True)


# --- Sample repositories ------------------------------------------------------------------------------------


def _git(root: Path, *args: str, when: dt.datetime | None = None, author: Author | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}
    if author is not None and when is not None:
        stamp = when.isoformat()
        env.update(
            {
                "GIT_AUTHOR_NAME": author.name,
                "GIT_AUTHOR_EMAIL": author.email,
                "GIT_COMMITTER_NAME": author.name,
                "GIT_COMMITTER_EMAIL": author.email,
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_DATE": stamp,
            }
        )
    subprocess.run(  # noqa: S603 - fixed git arguments from PATH, no shell
        ["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", "-C", str(root), *args],  # noqa: S607
        check=True,
        capture_output=True,
        env=env,
    )


def _write(root: Path, files: Mapping[str, str | Licence | None]) -> None:
    for relative, content in files.items():
        target = root / relative
        if content is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content if isinstance(content, str) else content.text(), encoding="utf-8")


def _portfolio_targets() -> tuple[Solution | None, list[Solution]]:
    """The demo applicant's team's solution, and the other solutions of running investments (software
    first), in a stable order."""
    running = Solution.objects.filter(is_sample=True, investments__status=InvestmentStatus.ACTIVE)
    applicant = User.objects.filter(username="applicant").first()
    mine = (
        running.filter(organization__memberships__user=applicant).order_by("pk").first()
        if applicant is not None
        else None
    )
    others = [solution for solution in dict.fromkeys(running.order_by("pk")) if solution != mine]
    others.sort(key=lambda solution: (solution.kind != SolutionKind.SOFTWARE, solution.pk))
    return mine, others


def _scan_at(repository: Repository, at: dt.datetime) -> Scan:
    """Request and run a scan as the worker would (on its job), dated ``at``."""
    scan = services.scan_request(actor=None, repository=repository, run_now=True)

    def work(job: Job, progress: Any) -> None:
        done = services.scan_execute(scan=scan, progress=progress, now=at)
        job.result_url = done.get_absolute_url()
        job.save(update_fields=["result_url"])

    job_run(str(scan.job_id), work)  # marks the job done (or failed) as the worker does
    scan.refresh_from_db()
    if scan.status != ScanStatus.DONE:
        raise RuntimeError(f"The demo's scan of {repository.url} did not finish: {scan.error or scan.status}")
    started = at + dt.timedelta(seconds=4)
    finished = started + dt.timedelta(milliseconds=scan.duration_ms or 0)
    Scan.objects.filter(pk=scan.pk).update(requested_at=at, started_at=started, finished_at=finished)
    if scan.job_id is not None:
        Job.objects.filter(pk=scan.job_id).update(created_at=at, started_at=started, finished_at=finished)
    # Milestones the scan accepted, and their evidence, carry the scan's date too.
    evidence_url = f"{settings.SITE_URL}{scan.get_absolute_url()}"
    Milestone.objects.filter(automatic=True, evidence__url=evidence_url).update(decided_at=finished)
    Evidence.objects.filter(url=evidence_url).update(submitted_at=finished)
    return scan


def _build_and_scan(
    sample: SampleRepository, solution: Solution, name: str, root: Path, today: dt.date, progress: Progress
) -> Repository:
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    repository: Repository | None = None
    last = dt.datetime.min.replace(tzinfo=dt.UTC)
    first_at: dt.datetime | None = None
    for stage in sample.stages:
        at = dt.datetime.combine(today - dt.timedelta(days=stage.days_ago), SCAN_HOUR)
        first_at = first_at or at
        for commit in stage.commits:
            when = max(at - dt.timedelta(days=commit.days_before, hours=3), last + dt.timedelta(minutes=7))
            last = when
            _write(root, commit.files)
            _git(root, "add", "-A")
            _git(root, "commit", "-q", "--allow-empty", "-m", commit.message, when=when, author=commit.author)
        if repository is None:
            repository = services.repository_add(
                actor=None, solution=solution, url=str(root), name=name, is_sample=True
            )
        _scan_at(repository, at)
        progress.advance()
    assert repository is not None and first_at is not None
    Repository.objects.filter(pk=repository.pk).update(created_at=first_at - dt.timedelta(days=1))
    return repository


@contextlib.contextmanager
def _folder_lock(base: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``base`` while its repositories are built and scanned: two loads sharing a
    data folder (two test workers, say) take turns instead of rewriting each other's repositories. A
    rebuilt repository has the same commits (same files, authors and dates on the same day)."""
    base.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with (base / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sample_repositories(
    seed: dict[str, Solution], today: dt.date, progress: Progress, only: set[str] | None
) -> tuple[int, int]:
    """Build and scan the sample repositories not there yet; returns (repositories, scans) made."""
    base = demo_repositories_root()
    with _folder_lock(base):
        return _build_missing(base, seed, today, progress, only)


def _build_missing(
    base: Path, seed: dict[str, Solution], today: dt.date, progress: Progress, only: set[str] | None
) -> tuple[int, int]:
    mine, others = _portfolio_targets()
    turn = 0  # the next running investment's solution to give a repository to
    made = scans = 0
    for sample in sample_repositories():
        if only is not None and sample.key not in only:
            continue
        solution: Solution | None
        if sample.owner == "applicant":
            solution = mine or (others.pop(0) if others else None)
        elif sample.owner == "portfolio":
            solution = others[turn % len(others)] if others else None
            turn += 1
        else:
            solution = seed.get(sample.owner)
        if solution is None:
            progress.advance(len(sample.stages))
            continue
        root = (base / sample.key).resolve()
        if Repository.objects.filter(url=str(root)).exists():
            progress.advance(len(sample.stages))
            continue
        taken = Repository.objects.filter(solution=solution, name=sample.name).exists()
        progress.message(f"Sample repository {sample.key}: {len(sample.stages)} scans")
        _build_and_scan(sample, solution, sample.key if taken else sample.name, root, today, progress)
        made += 1
        scans += len(sample.stages)
    return made, scans


@transaction.atomic
def load(*, progress: Progress, only: set[str] | None = None) -> list[tuple[str, str, str]]:
    """``only``: keys of the sample repositories to build (all by default; tests build a few)."""
    started = time.perf_counter()
    today = timezone.localdate()
    samples = [s for s in sample_repositories() if only is None or s.key in only]
    progress.start(3 + sum(len(sample.stages) for sample in samples), "DPG readiness")

    progress.message("The DPGA registry")
    imported = registry_import()
    if imported.errors:
        raise RuntimeError(f"The bundled DPGA registry did not import: {imported.errors[:3]}")
    progress.advance()

    progress.message("The DPGs the seed names")
    seed = _seed_dpgs()
    registry_match()
    _manual_statuses(seed, today)
    progress.advance()

    made, scans = _sample_repositories(seed, today, progress, only)
    _assessments(seed)
    progress.message(
        f"{len(seed)} DPGs of the seed, {made} sample repositories with {scans} scans "
        f"({time.perf_counter() - started:.1f} s)"
    )
    progress.advance()
    return []
