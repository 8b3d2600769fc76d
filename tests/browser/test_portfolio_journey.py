"""The tranche journey of issue 5, through the pages as people use them: the grantee submits evidence for
a required milestone, the open-source mentor accepts it, a finance officer releases the tranche that waited
for it, a second finance officer approves the payment, and the fund's holdings and the investment page show
the payment.

Only the set-up (people, funds, the investment with its plan, the first tranche already paid) is made with
services. Each page is screenshotted into test-results/screenshots and checked with axe-core; no page may
log a console error or send a request off the machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from seedbed.calls.models import Theme
from seedbed.core import services
from seedbed.core.models import Country, MembershipRole
from seedbed.funds import services as funds_services
from seedbed.funds.assets import assets_sync
from seedbed.funds.models import Asset, EntryKind, Fund, JournalEntry, PaymentRequest
from seedbed.portfolio import services as portfolio_services
from seedbed.portfolio.models import Cohort, Investment, Tranche
from tests.browser.test_assessment_journey import click_and_wait
from tests.browser.test_journeys import check_page, sign_in
from tests.conftest import make_user


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    services.countries_sync(actor=None)
    kenya = Country.objects.get(iso2="KE")
    users = {
        "manager": make_user("fund_manager", ("fund_manager",)),
        "grantee": make_user("amina", ("applicant",)),
        "mentor": make_user("mentor_mo", ("oss_mentor",)),
        "finance_a": make_user("finance_fatima", ("finance_officer",)),
        "finance_b": make_user("finance_felix", ("finance_officer",)),
    }
    startup = services.organization_create(
        actor=None, data={"name": "Kijani Data Labs", "kind": "startup", "country": kenya}
    )
    services.membership_add(
        actor=None, organization=startup, user=users["grantee"], role=MembershipRole.OWNER
    )
    norway = services.organization_create(actor=None, data={"name": "Norway", "kind": "donor"})
    assets_sync(actor=None)
    usd = Asset.objects.get(code="USD")
    fund = Fund.objects.create(name="Venture Fund", slug="venture-fund", kind="venture", reporting_asset=usd)
    funds_services.fund_rules_update(
        actor=None,
        fund=fund,
        data={"allowed_assets": [usd], "instrument_rules": {"grant": (50_000_00, 100_000_00)}},
    )
    funds_services.donation_record(
        actor=None,
        fund=fund,
        donor=norway,
        asset=usd,
        amount=1_000_000_00,
        effective_date=dt.date(2025, 1, 2),
    )
    theme, _created = Theme.objects.get_or_create(
        slug="data-science-and-ai", defaults={"name": "Data science and AI"}
    )
    cohort = Cohort.objects.create(theme=theme, year=2026)
    investment = portfolio_services.investment_create(
        actor=users["manager"],
        fund=fund,
        organization=startup,
        cohort=cohort,
        title="Kijani Growth Monitor",
        start_date=dt.date.today() - dt.timedelta(days=200),
        asset=usd,
        amount=80_000_00,
        instrument="grant",
        countries=[kenya],
        signed_on=dt.date.today() - dt.timedelta(days=200),
    )
    first = investment.tranches.get(number=1)
    paid = portfolio_services.tranche_release(actor=users["finance_a"], tranche=first)
    funds_services.payment_request_approve(actor=users["finance_b"], request=paid)
    # Tranche 2 waits for Q2's two required milestones; the contributing guide is accepted already.
    contributing = investment.milestones.get(quarter=2, check_key="oss.contributing")
    portfolio_services.milestone_decide(
        actor=users["mentor"],
        milestone=contributing,
        accept=True,
        comment="CONTRIBUTING.md is in the repository.",
    )
    return {"users": users, "fund": fund, "investment": investment}


def test_grantee_evidence_mentor_accepts_finance_pays_the_tranche(
    watched: Any, world: dict[str, Any]
) -> None:
    investment: Investment = world["investment"]
    pages: list[Any] = []

    # --- The grantee submits evidence for the licence milestone -----------------------------------------
    grantee = watched()
    pages.append(grantee)
    sign_in(grantee, "amina")
    grantee.page.click("nav >> text=My investments")
    check_page(grantee, "portfolio--grantee-portal")
    grantee.page.click("main a:has-text('Kijani Growth Monitor')")
    expect(grantee.page.locator("main h1")).to_contain_text("Kijani Growth Monitor")
    expect(grantee.page.locator("#paid-total")).to_have_text("32,000.00 USD")
    check_page(grantee, "portfolio--investment-as-grantee")
    grantee.page.locator("#milestones-h ~ div").get_by_role(
        "link", name="An OSI-approved licence distributed with every public repository"
    ).click()
    expect(grantee.page.locator("main h1")).to_contain_text("An OSI-approved licence distributed")
    grantee.page.get_by_label("Link").fill("https://git.example.org/kijani/growth-monitor/LICENSE")
    grantee.page.get_by_label("Notes").fill("Apache-2.0, in every repository since March.")
    check_page(grantee, "portfolio--milestone-evidence")
    click_and_wait(grantee, "main button:has-text('Submit')")
    expect(grantee.page.locator(".sb-messages")).to_contain_text("a mentor will review it")

    # --- The mentor accepts it ---------------------------------------------------------------------------
    mentor = watched()
    pages.append(mentor)
    sign_in(mentor, "mentor_mo")
    expect(mentor.page.locator("main")).to_contain_text("1 milestone waits for a mentor's decision")
    mentor.page.click("nav >> text=Milestones to review")
    check_page(mentor, "portfolio--mentor-queue")
    mentor.page.click("main a:has-text('An OSI-approved licence distributed')")
    expect(mentor.page.locator("main")).to_contain_text("Apache-2.0, in every repository since March.")
    mentor.page.get_by_label("Accept", exact=True).check()
    mentor.page.get_by_label("Comments", exact=True).fill("Checked the LICENSE file.")
    check_page(mentor, "portfolio--milestone-decision")
    click_and_wait(mentor, "main button:has-text('Record the decision')")
    expect(mentor.page.locator(".sb-messages")).to_contain_text("The milestone is accepted.")
    expect(mentor.page.locator("main")).to_contain_text("Accepted by Mentor Mo")

    # --- A finance officer releases the tranche ----------------------------------------------------------
    finance_a = watched()
    pages.append(finance_a)
    sign_in(finance_a, "finance_fatima")
    expect(finance_a.page.locator("main")).to_contain_text("1 tranche has its milestones accepted")
    finance_a.page.click("main a:has-text('Tranches to release')")
    check_page(finance_a, "portfolio--tranche-queue")
    click_and_wait(finance_a, "main button:has-text('Release')")
    expect(finance_a.page.locator(".sb-messages")).to_contain_text("a second finance officer approves it")
    request = PaymentRequest.objects.get(status="pending")
    assert request.amount == 24_000_00

    # --- A second finance officer approves; the payment is in the ledger --------------------------------
    finance_b = watched()
    pages.append(finance_b)
    sign_in(finance_b, "finance_felix")
    finance_b.goto(request.get_absolute_url())
    click_and_wait(finance_b, "main button:has-text('Approve and post')")
    request.refresh_from_db()
    entry = JournalEntry.objects.get(pk=request.entry_id)
    assert entry.kind == EntryKind.DISBURSEMENT
    assert entry.cause_type.model_class() is Tranche and entry.cause_id == str(
        investment.tranches.get(number=2).pk
    )

    finance_b.goto(world["fund"].get_absolute_url())
    expect(finance_b.page.locator("main")).to_contain_text("944,000.00")  # 1M less 32K and 24K
    finance_b.goto(investment.get_absolute_url())
    expect(finance_b.page.locator("#paid-total")).to_have_text("56,000.00 USD")
    expect(finance_b.page.locator("#tranche-2")).to_contain_text("Paid")
    check_page(finance_b, "portfolio--investment-paid")
    finance_b.page.locator("#tranche-2").get_by_role("link", name="ledger entry").click()
    expect(finance_b.page.locator("main")).to_contain_text("Kijani Growth Monitor")

    grantee.goto(investment.get_absolute_url())
    expect(grantee.page.locator("#paid-total")).to_have_text("56,000.00 USD")
    for w in pages:
        assert w.console_errors == [], w.console_errors
        assert w.foreign_requests == [], w.foreign_requests


def test_a_long_name_in_spanish_keeps_the_menu_inside_a_1280_pixel_window(
    watched: Any, transactional_db: Any
) -> None:
    """With every part's entry, a fund manager's menu in Spanish ran 24 px past the window: the user
    button did not wrap. It wraps now."""
    manager = make_user("fund_manager", ("fund_manager",))
    manager.full_name = "Demo Fund Manager"
    manager.save(update_fields=["full_name"])
    w = watched()
    w.page.context.add_cookies([{"name": "django_language", "value": "es", "url": w.base_url}])
    sign_in(w, "fund_manager")
    w.goto("/solutions/")
    expect(w.page.locator("main h1")).to_have_text("Soluciones")
    assert w.page.evaluate("document.documentElement.scrollWidth") <= 1280
