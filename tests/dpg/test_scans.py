"""Scanning a solution's repositories through the services, the worker and the pages: results stored with
their evidence, the licence found, milestones satisfied by their check keys (and overridden by a mentor),
failures explained, and who may see and do what."""

from __future__ import annotations

import json
import shutil
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from seedbed.dpg import services
from seedbed.dpg.models import Repository, Scan
from seedbed.portfolio import services as portfolio_services

pytestmark = pytest.mark.django_db


def test_a_scan_stores_every_check_with_its_evidence_and_the_licence(people, solution, good_repo, scan_of):
    scan = scan_of(good_repo)
    scan.refresh_from_db()
    assert scan.status == "done", scan.error
    assert scan.licence == "MIT"
    assert len(scan.commit) == 40
    checks = {check.key: check for check in scan.checks.all()}
    assert checks["licence.identified"].status == "pass"
    assert any(item["path"] == "LICENSE" for item in checks["licence.identified"].evidence)
    assert "oss.license" in checks["licence.identified"].check_keys
    assert scan.passed >= 5 and scan.passed + scan.failed + scan.warnings <= len(checks)
    repository = Repository.objects.get()
    assert repository.last_scan_id == scan.pk


def test_passing_checks_satisfy_milestones_and_a_mentor_can_override_them(
    people, solution, good_repo, make_investment, team, scan_of, committed
):
    investment = make_investment(team, solutions=[solution])
    licence_q1 = investment.milestones.get(quarter=1, check_key="oss.license")
    scan_of(good_repo)
    licence_q1.refresh_from_db()
    assert licence_q1.status == "accepted" and licence_q1.automatic
    assert licence_q1.decided_by is None
    assert licence_q1.evidence.filter(url__contains="/scans/").exists()
    with pytest.raises(ValidationError):  # overriding needs a reason
        portfolio_services.milestone_decide(
            actor=people["mentor"], milestone=licence_q1, accept=False, comment=""
        )
    portfolio_services.milestone_decide(
        actor=people["mentor"],
        milestone=licence_q1,
        accept=False,
        comment="The licence is not in every repository.",
    )
    licence_q1.refresh_from_db()
    assert licence_q1.status == "returned" and not licence_q1.automatic
    # The next scan does not accept it again behind the mentor's back.
    repository = Repository.objects.get()
    with committed():
        services.scan_request(actor=people["fund_manager"], repository=repository)
    assert Scan.objects.filter(status="done").count() == 2
    licence_q1.refresh_from_db()
    assert licence_q1.status == "returned"


def test_an_unreachable_repository_fails_with_a_plain_message(people, solution, make_repo, committed):
    path = make_repo("gone", {"README.md": "x"})
    repository = services.repository_add(actor=people["fund_manager"], solution=solution, url=str(path))
    shutil.rmtree(path)
    with committed():
        scan = services.scan_request(actor=people["fund_manager"], repository=repository)
    scan.refresh_from_db()
    assert scan.status == "failed"
    assert scan.error
    assert not scan.checks.exists()


def test_pages_may_not_scan_folders_outside_the_allowed_roots(people, solution, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    with pytest.raises(ValidationError, match="command line"):
        services.repository_add(actor=people["fund_manager"], solution=solution, url=str(outside))
    with pytest.raises(ValidationError, match="https"):
        services.repository_add(
            actor=people["fund_manager"], solution=solution, url="ssh://git@example.org/x.git"
        )
    with pytest.raises(ValidationError, match="https"):
        services.repository_add(actor=people["fund_manager"], solution=solution, url="file:///etc")


def test_another_team_cannot_add_or_see_repositories(
    people, solution, good_repo, client_for, other_team, scan_of
):
    with pytest.raises(PermissionDenied):
        services.repository_add(actor=people["other_grantee"], solution=solution, url=str(good_repo))
    scan = scan_of(good_repo)
    other = client_for(people["other_grantee"])
    assert other.get(f"/solutions/{solution.slug}/").status_code == 404
    assert other.get(f"/scans/{scan.pk}/").status_code == 404
    own = client_for(people["grantee"])
    assert own.get(f"/solutions/{solution.slug}/").status_code == 200
    assert own.get(f"/scans/{scan.pk}/").status_code == 200


def test_the_pages_show_the_checklist_history_and_report(
    people, solution, good_repo, client_for, scan_of, committed
):
    scan = scan_of(good_repo)
    client = client_for(people["mentor"])
    assert solution.name in client.get("/solutions/").content.decode()
    page = client.get(f"/solutions/{solution.slug}/").content.decode()
    assert "Readiness checklist" in page and "MIT" in page
    repository = Repository.objects.get()
    page = client.get(f"/repositories/{repository.pk}/").content.decode()
    assert "Scan history" in page and scan.get_absolute_url() in page
    report = client.get(scan.get_absolute_url()).content.decode()
    assert "LICENSE" in report
    with committed():
        response = client.post(f"/repositories/{repository.pk}/scan/")
    assert response.status_code == 302
    assert Scan.objects.filter(repository=repository).count() == 2


def test_a_team_member_adds_a_repository_from_the_page(people, solution, good_repo, client_for, committed):
    client = client_for(people["grantee"])
    with committed():
        response = client.post(
            f"/solutions/{solution.slug}/repositories/new/", {"url": str(good_repo), "name": "main"}
        )
    assert response.status_code == 302
    assert Scan.objects.get().status == "done"
    assert (
        client.post(
            f"/solutions/{solution.slug}/repositories/new/", {"url": "ssh://x", "name": "main"}
        ).status_code
        == 422
    )


def test_the_command_prints_a_table_or_json(good_repo):
    out = StringIO()
    call_command("scan", str(good_repo), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["licence"] == "MIT"
    assert {check["key"] for check in report["checks"]} >= {"licence.file", "licence.identified"}
    table = StringIO()
    call_command("scan", str(good_repo), stdout=table)
    assert "licence.identified" in table.getvalue() and "MIT" in table.getvalue()


def test_rescans_pick_portfolio_repositories_not_scanned_for_a_week(
    people, solution, good_repo, make_investment, team, committed
):
    make_investment(team, solutions=[solution])
    repository = services.repository_add(actor=people["fund_manager"], solution=solution, url=str(good_repo))
    assert list(services.scans_due()) == [repository]
    with committed():
        services.scan_request(actor=people["fund_manager"], repository=repository)
    assert list(services.scans_due()) == []


def test_the_api_adds_a_repository_starts_a_scan_and_reads_its_checks(
    people, solution, good_repo, client_for, committed
):
    client = client_for(people["fund_manager"])
    with committed():
        response = client.post(
            f"/api/solutions/{solution.slug}/repositories",
            {"url": str(good_repo), "name": "main"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["url"] == str(good_repo)
    repository = client.get(f"/api/solutions/{solution.slug}").json()["repositories"][0]
    assert repository["last_scan"]["licence"] == "MIT"
    scan_id = repository["last_scan"]["id"]
    detail = client.get(f"/api/scans/{scan_id}").json()
    keys = {check["key"]: check for check in detail["checks"]}
    assert keys["licence.identified"]["status"] == "pass"
    with committed():
        assert client.post(f"/api/repositories/{repository['id']}/scans").status_code == 202
    assert client.get(f"/api/repositories/{repository['id']}/scans").json()["count"] == 2
    listed = client.get("/api/solutions").json()
    assert [item["slug"] for item in listed["items"]] == [solution.slug]
    bad = client.post(
        f"/api/solutions/{solution.slug}/repositories", {"url": "ssh://x/y"}, content_type="application/json"
    )
    assert bad.status_code == 422
    other = client_for(people["other_grantee"])
    assert other.get(f"/api/scans/{scan_id}").status_code == 404
    assert other.post(f"/api/repositories/{repository['id']}/scans").status_code == 404
    assert other.get("/api/solutions").json()["count"] == 0


def test_a_waiting_scan_shows_its_state_and_progress_link(people, solution, good_repo, client_for):
    repository = services.repository_add(actor=people["fund_manager"], solution=solution, url=str(good_repo))
    scan = services.scan_request(actor=people["fund_manager"], repository=repository)  # not committed: waits
    page = client_for(people["fund_manager"]).get(repository.get_absolute_url()).content.decode()
    assert "is queued." in page
    assert f"/jobs/{scan.job_id}" in page
    assert "Scan running" in page  # the button is disabled while a scan waits


def test_a_scan_whose_worker_stopped_does_not_block_the_next_one(people, solution, good_repo, committed):
    import datetime as dt

    from django.utils import timezone

    repository = services.repository_add(actor=people["fund_manager"], solution=solution, url=str(good_repo))
    stuck = services.scan_request(actor=people["fund_manager"], repository=repository)  # never run
    assert services.scan_request(actor=people["fund_manager"], repository=repository) == stuck
    Scan.objects.filter(pk=stuck.pk).update(
        status="running", started_at=timezone.now() - dt.timedelta(hours=2)
    )
    with committed():
        fresh = services.scan_request(actor=people["fund_manager"], repository=repository)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == "failed" and "without finishing" in stuck.error
    assert fresh.status == "done"
