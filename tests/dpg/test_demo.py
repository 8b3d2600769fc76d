"""The DPG part's demo on a small world (a few running investments, no other part's demo): the seed's DPGs
matched to their registry records with their DPG status and renewal dates; sample repositories with a
history of scans that changes over time (one that ends up passing every check, one whose licence gains a
"not for military use" clause); the grantee sees their own; a second load adds nothing.

The whole demo, with every other part's, is loaded by ``tests/portfolio/test_demo.py``."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from seedbed.core.jobs import NullProgress
from seedbed.core.models import Membership, Organization
from seedbed.dpg import demo
from seedbed.dpg.demo_repositories import Licence, sample_repositories
from seedbed.dpg.models import DpgStatus, DpgStatusSource, RegistryRecord, Repository, Scan
from seedbed.dpg.services import readiness
from seedbed.portfolio import services as portfolio_services
from seedbed.portfolio.models import Milestone, Solution

pytestmark = pytest.mark.django_db

SEED_DPGS = {
    "Primero": "UNICEF",
    "Global Digital Library": "Global Book Alliance",
    "Project AEDES": "Cirrolytix Research Services",
    "OpenG2P": "Government of Sierra Leone",
    "H5P": "Joubel",
}
BUILT = {"growth-monitor", "field-data-collector", "ration-card-registry"}


@pytest.fixture
def world(settings: Any, tmp_path: Path, people: dict[str, Any], team: Organization, other_team: Organization,
          make_investment: Any) -> dict[str, Solution]:  # fmt: skip
    """Two teams with running investments (the demo applicant is a member of the first), UNICEF as the core
    demo makes it, and the data folder in the test's temporary folder."""
    settings.DATA_DIR = tmp_path / "data"
    Organization.objects.create(name="UNICEF", slug="unicef", kind="un_agency")
    Membership.objects.create(user=people["applicant"], organization=team, role="member")
    solutions = {}
    for organization, name in ((team, "Growth Tracker"), (other_team, "Ration Cards"), (other_team, "Maps")):
        solution = portfolio_services.solution_create(
            actor=None, organization=organization, name=name, is_sample=True
        )
        make_investment(organization, title=f"{name} grant", solutions=[solution])
        solutions[name] = solution
    return solutions


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _repository(key: str) -> Repository:
    return Repository.objects.get(url=str((demo.demo_repositories_root() / key).resolve()))


def _latest(repository: Repository) -> dict[str, str]:
    assert repository.last_scan is not None
    return dict(repository.last_scan.checks.values_list("key", "status"))


def test_the_demo_shows_the_seeds_dpgs_and_repositories_with_a_history(
    world: dict[str, Solution], people: dict[str, Any], client_for: Any
) -> None:
    demo.load(progress=NullProgress(), only=BUILT)
    today = timezone.localdate()

    # The registry and the seed's DPGs, each owned by its organization and matched to its record.
    assert RegistryRecord.objects.count() == 228
    for name, owner in SEED_DPGS.items():
        solution = Solution.objects.get(name=name)
        assert solution.organization.name == owner and solution.is_sample
        assert solution.description and solution.website and solution.sdgs
        record = RegistryRecord.objects.get(solution=solution)
        assert (record.name, record.match, record.stage) == (name, "repository", "DPG")
        assert solution.repositories.filter(url=record.repositories[0]["url"]).exists()
        assert DpgStatus.objects.get(solution=solution).status == "dpg"
    assert Solution.objects.get(name="Project AEDES").kind == "data"
    assert Organization.objects.filter(name="UNICEF").count() == 1  # the core demo's, reused
    # Registry statuses have no dates; two were recorded by hand, one due for renewal and one expired.
    assert DpgStatus.objects.get(solution__name="Primero").since is None
    h5p = DpgStatus.objects.get(solution__name="H5P")
    assert h5p.source == DpgStatusSource.MANUAL and h5p.since == today - dt.timedelta(days=340)
    assert h5p.renewal_open(today) and not h5p.expired(today) and h5p.days_left(today) == 25
    assert DpgStatus.objects.get(solution__name="Project AEDES").expired(today)
    # The public repositories are listed, never fetched.
    assert not Scan.objects.filter(repository__url__startswith="https://").exists()

    # Sample repositories, each scanned at every stage of its history, weeks apart and in the past.
    good = _repository("growth-monitor")
    scans = list(good.scans.order_by("requested_at"))
    assert [scan.status for scan in scans] == ["done"] * 4
    assert all(scan.is_sample for scan in scans) and good.is_sample
    days = [scan.requested_at.date() for scan in scans]
    assert all((later - earlier).days >= 21 for earlier, later in itertools.pairwise(days))
    assert days[-1] < today
    assert [scan.passed for scan in scans] == sorted({scan.passed for scan in scans})  # better each time
    assert (scans[-1].failed, scans[-1].warnings, scans[-1].licence) == (0, 0, "Apache-2.0")
    assert set(_latest(good).values()) == {"pass"}
    assert good.last_scan == scans[-1]

    # A "not for military use" clause added to MIT: the licence passed, then fails with the line shown.
    restricted = _repository("ration-card-registry")
    first, last = restricted.scans.order_by("requested_at")
    assert dict(first.checks.values_list("key", "status"))["licence.restrictions"] == "pass"
    check = last.checks.get(key="licence.restrictions")
    assert check.status == "fail" and check.evidence[0]["path"] == "LICENSE"
    assert "military" in check.evidence[0]["note"]
    assert last.passed < first.passed

    # Portfolio repositories went to running investments' solutions; passing scans accepted milestones,
    # dated like the scan that confirmed them.
    assert {good.solution, restricted.solution} <= set(world.values())
    automatic = Milestone.objects.filter(automatic=True, investment__solutions=good.solution)
    assert automatic.exists()
    finished = {scan.finished_at for scan in scans}
    assert all(milestone.decided_at in finished for milestone in automatic)

    # The demo applicant's team's solution has its repository, and the grantee sees its scans.
    own = _repository("field-data-collector")
    assert own.solution == world["Growth Tracker"]
    assert _latest(own)["contributing"] == "fail"  # that milestone still waits for the team
    grantee = client_for(people["applicant"])
    assert grantee.get(own.get_absolute_url()).status_code == 200
    # Assessments at different stages: Primero's from its registry record, signed off where it has
    # evidence; the applicant's licence answer confirmed and signed off, the code of conduct waiting.
    primero = readiness(Solution.objects.get(name="Primero"))
    assert primero.met >= 3 and all(
        row.state != "missing" for row in primero.rows if row.item.code in ("1", "2", "3", "5")
    )
    mine = {row.item.code: row.state for row in readiness(world["Growth Tracker"]).rows}
    assert mine["2"] == "met" and mine["9c"] == "waiting"
    mentor_home = client_for(people["mentor"]).get("/").content.decode()
    assert "DPG Standard answer waits for a reviewer&#x27;s sign-off" in mentor_home
    assert grantee.get(own.scans.first().get_absolute_url()).status_code == 200
    assert grantee.get(restricted.get_absolute_url()).status_code == 404


def test_a_second_load_adds_nothing(world: dict[str, Solution]) -> None:
    demo.load(progress=NullProgress(), only={"ration-card-registry"})
    folder = demo.demo_repositories_root() / "ration-card-registry"
    head = (folder / ".git" / "HEAD").stat().st_mtime_ns
    before = _counts()

    demo.load(progress=NullProgress(), only={"ration-card-registry"})

    assert _counts() == before
    assert (folder / ".git" / "HEAD").stat().st_mtime_ns == head  # the repository on disk is left alone


def test_the_sample_repositories_are_varied_and_use_the_shipped_licence_texts() -> None:
    samples = sample_repositories()
    assert 10 <= len(samples) <= 14
    assert len({sample.key for sample in samples}) == len(samples)
    licences: set[str] = set()
    for sample in samples:
        assert 2 <= len(sample.stages) <= 4, sample.key
        assert [stage.days_ago for stage in sample.stages] == sorted(
            {stage.days_ago for stage in sample.stages}, reverse=True
        )
        for stage in sample.stages:
            for commit in stage.commits:
                for content in commit.files.values():
                    if isinstance(content, Licence):
                        assert content.text().strip(), content
                        licences.add(content.spdx_id)
    assert {
        "MIT",
        "Apache-2.0",
        "GPL-3.0-only",
        "LGPL-3.0-only",
        "AGPL-3.0-only",
        "MPL-2.0",
        "CC-BY-4.0",
    } <= (licences)
    owners = {sample.owner for sample in samples}
    assert {"applicant", "portfolio"} <= owners and owners & {"primero", "h5p", "global-digital-library"}
