"""The DPG readiness journey of issue 6, through the pages: a scan has suggested answers; the grantee
confirms the licence answer and answers the data-privacy item; the open-source mentor, told on the home
page, signs the licence off; the fund manager records the DPG status, is warned on the home page that it
expires soon, reads the nomination's problems in plain words and the portfolio's readiness matrix.

Set-up (people, the solution, a local git repository and its scan) is made with services. Each page is
screenshotted into test-results/screenshots and checked with axe-core; no page may log a console error or
send a request off the machine."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from seedbed.core import services
from seedbed.core.models import Country, MembershipRole
from seedbed.dpg import services as dpg_services
from seedbed.dpg.models import DpgStatus, IndicatorAnswer
from seedbed.portfolio import services as portfolio_services
from tests.browser.test_assessment_journey import click_and_wait
from tests.browser.test_journeys import check_page, sign_in
from tests.conftest import make_user
from tests.dpg.conftest import MIT_TEXT

README = "# Growth Monitor\n\nGrowth charts.\n\n## Installation\n\nRun make.\n\n## Usage\n\nOpen it.\n"


def _repository(root: Path) -> Path:
    files = {
        "LICENSE": MIT_TEXT,
        "README.md": README,
        "CODE_OF_CONDUCT.md": "# Code of conduct\n\nBe kind. Report problems to conduct@example.org.\n",
        "docs/index.md": "# Documentation\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    env = {
        "GIT_AUTHOR_NAME": "Amina",
        "GIT_AUTHOR_EMAIL": "amina@example.org",
        "GIT_COMMITTER_NAME": "Amina",
        "GIT_COMMITTER_EMAIL": "amina@example.org",
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "First"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)
    return root


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.SEEDBED_SCAN_CACHE = tmp_path / "cache"
    services.countries_sync(actor=None)
    users = {
        "manager": make_user("fund_manager", ("fund_manager",)),
        "grantee": make_user("amina", ("applicant",)),
        "mentor": make_user("mentor_mo", ("oss_mentor",)),
    }
    startup = services.organization_create(
        actor=None,
        data={"name": "Kijani Data Labs", "kind": "startup", "country": Country.objects.get(iso2="KE")},
    )
    services.membership_add(
        actor=None, organization=startup, user=users["grantee"], role=MembershipRole.OWNER
    )
    solution = portfolio_services.solution_create(
        actor=users["manager"], organization=startup, name="Growth Monitor"
    )
    repo = _repository(tmp_path / "growth-monitor")
    repository = dpg_services.repository_add(actor=None, solution=solution, url=str(repo))
    scan = dpg_services.scan_request(actor=None, repository=repository, run_now=True)
    dpg_services.scan_execute(scan=scan)
    return {"users": users, "solution": solution}


def test_grantee_answers_mentor_signs_off_manager_sees_expiry_nomination_and_matrix(
    watched: Any, world: dict[str, Any]
) -> None:
    solution = world["solution"]
    assert IndicatorAnswer.objects.get(solution=solution, indicator="2").suggested
    pages: list[Any] = []

    # --- The grantee confirms the licence suggestion and answers 9a ------------------------------------
    grantee = watched()
    pages.append(grantee)
    sign_in(grantee, "amina")
    grantee.goto(f"/solutions/{solution.slug}/")
    check_page(grantee, "dpg--solution-as-grantee")
    grantee.page.click("main a:has-text('Open the assessment')")
    expect(grantee.page.locator("main h1")).to_contain_text("DPG Standard assessment")
    expect(grantee.page.locator("main")).to_contain_text("0 of 11 items are met and signed off.")
    check_page(grantee, "dpg--assessment")
    grantee.page.locator("main table").get_by_role(
        "link", name="2. Approved open licence", exact=True
    ).click()
    expect(grantee.page.locator(".alert-info")).to_contain_text("Suggested by a scan")
    expect(grantee.page.get_by_label("Answer", exact=True)).to_contain_text("MIT")
    check_page(grantee, "dpg--assessment-item-suggested")
    click_and_wait(grantee, "main button:has-text('Confirm and save')")
    expect(grantee.page.locator(".sb-messages")).to_contain_text("is saved")

    grantee.goto(f"/solutions/{solution.slug}/assessment/9a/")
    grantee.page.get_by_label("Answer", exact=True).fill("Children's records are encrypted at rest.")
    grantee.page.get_by_label("Evidence links").fill("https://example.org/privacy")
    grantee.page.get_by_label("Does it collect or store personal data?").select_option("Yes")
    click_and_wait(grantee, "main button:has-text('Save the answer')")
    assert IndicatorAnswer.objects.get(solution=solution, indicator="9a").details == {"collectsPII": "Yes"}

    # --- The mentor signs the licence off from the home page ---------------------------------------------
    mentor = watched()
    pages.append(mentor)
    sign_in(mentor, "mentor_mo")
    expect(mentor.page.locator("main")).to_contain_text("DPG Standard answers wait for a reviewer's sign-off")
    mentor.page.click("main a:has-text('Review the oldest')")
    mentor.page.locator("main table").get_by_role("link", name="2. Approved open licence", exact=True).click()
    mentor.page.get_by_label("Met", exact=True).check()
    check_page(mentor, "dpg--sign-off")
    click_and_wait(mentor, "main button:has-text('Sign off')")
    expect(mentor.page.locator("main")).to_contain_text("1 of 11 items are met and signed off.")

    # --- The fund manager records the DPG status and is warned of its expiry -----------------------------
    manager = watched()
    pages.append(manager)
    sign_in(manager, "fund_manager")
    manager.goto(f"/solutions/{solution.slug}/")
    manager.page.click("main a:has-text('Record a DPG status')")
    manager.page.get_by_label("DPG status").select_option("dpg")
    manager.page.get_by_label("Since").fill((dt.date.today() - dt.timedelta(days=340)).isoformat())
    check_page(manager, "dpg--status-form")
    click_and_wait(manager, "main button:has-text('Save')")
    expect(manager.page.locator("main .alert-warning")).to_contain_text("The renewal window is open")
    assert DpgStatus.objects.get(solution=solution).source == "manual"
    manager.goto("/")
    expect(manager.page.locator("main")).to_contain_text("The DPG status of Growth Monitor expires in")
    check_page(manager, "dpg--home-expiry")

    manager.goto(f"/solutions/{solution.slug}/nomination/")
    expect(manager.page.locator("main .alert-warning")).to_contain_text("Choose at least one SDG.")
    check_page(manager, "dpg--nomination")
    manager.goto("/dpg/readiness/")
    expect(manager.page.locator("main")).to_contain_text("Growth Monitor")
    check_page(manager, "dpg--readiness-matrix")
    assert manager.page.evaluate("document.documentElement.scrollWidth") <= 1280

    for w in pages:
        assert w.console_errors == [], w.console_errors
        assert w.foreign_requests == [], w.foreign_requests
