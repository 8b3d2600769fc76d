"""Every role signs in through the real form, visits each page of the foundation, and each page is
screenshotted into test-results/screenshots and checked with axe-core (no serious or critical WCAG 2.1 AA
violations), with no console errors, no CSP violations and no request leaving the machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from seedbed.calls import services as calls_services
from seedbed.core import services
from seedbed.core.models import Country, MembershipRole
from seedbed.funds import services as funds_services
from seedbed.funds.assets import assets_sync
from seedbed.funds.models import Asset, Fund
from tests.conftest import PERSONAS, make_user

PASSWORD = "correct-horse-battery"


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    services.countries_sync(actor=None)
    users = {name: make_user(name, roles) for name, roles in PERSONAS.items()}
    ke = Country.objects.get(iso2="KE")
    unicef = services.organization_create(
        actor=None, data={"name": "UNICEF", "kind": "un_agency", "country": Country.objects.get(iso2="US")}
    )
    startup = services.organization_create(
        actor=users["fund_manager"],
        data={
            "name": "Kijani Data Labs",
            "kind": "startup",
            "country": ke,
            "website": "https://kijani.example.org",
            "description": "Open-source crop data for smallholder farmers.",
        },
        is_sample=True,
    )
    services.organization_update(
        actor=users["fund_manager"], organization=startup, data={"description": "Crop data."}
    )
    services.membership_add(
        actor=None, organization=startup, user=users["applicant"], role=MembershipRole.OWNER, title="CTO"
    )
    for n in range(30):
        services.organization_create(
            actor=None,
            data={
                "name": f"UNICEF Sample {n:02d} Country Office",
                "kind": "country_office",
                "country": ke,
                "parent": unicef,
            },
            is_sample=True,
        )
    # The finance officer already enrolled an authenticator; the administrator will enrol in the test.
    TOTPDevice.objects.create(user=users["finance_officer"], name="phone", confirmed=True)
    # A fund with a donation and a payment request waiting for a second finance officer.
    assets_sync(actor=None)
    usd = Asset.objects.get(code="USD")
    fund = Fund.objects.create(name="Venture Fund", slug="venture", kind="venture", reporting_asset=usd)
    fund.allowed_assets.set([usd])
    entry = funds_services.donation_record(
        actor=None,
        fund=fund,
        donor=unicef,
        asset=usd,
        amount=1_000_000_00,
        effective_date=dt.date(2021, 3, 1),
    )
    funds_services.pledge_record(
        actor=None, fund=fund, donor=unicef, asset=usd, amount=500_000_00, effective_date=dt.date(2021, 4, 1)
    )
    payment = funds_services.payment_request_create(
        actor=users["finance_officer"],
        fund=fund,
        kind="disbursement",
        asset=usd,
        amount=50_000_00,
        effective_date=dt.date(2021, 9, 1),
        memo="First tranche",
        counterparty=startup,
    )
    # Calls: one open with a form and rules, one closed, one not yet open (staff only).
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    call_data = {"time_zone": "Africa/Nairobi", "ticket_min": 50_000_00, "ticket_max": 100_000_00}
    open_call = calls_services.call_create(
        actor=None,
        fund=fund,
        data={
            "title": "Open call",
            "opens_at": now + dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=40),
            **call_data,
        },
        default_rubric=True,
    )
    calls_services.eligibility_rule_create(actor=None, call=open_call, kind="programme_country")
    section = calls_services.section_create(actor=None, call=open_call, title="Your solution")
    calls_services.question_create(
        actor=None,
        call=open_call,
        section=section,
        data={"kind": "long_text", "label": "What?", "word_limit": 200},
    )
    calls_services.call_update(actor=None, call=open_call, data={"opens_at": now - dt.timedelta(days=1)})
    calls_services.call_create(
        actor=None,
        fund=fund,
        data={
            "title": "Closed call",
            "opens_at": now - dt.timedelta(days=90),
            "closes_at": now - dt.timedelta(days=30),
            **call_data,
        },
    )
    calls_services.call_create(
        actor=None,
        fund=fund,
        data={
            "title": "Future call",
            "opens_at": now + dt.timedelta(days=10),
            "closes_at": now + dt.timedelta(days=50),
            **call_data,
        },
    )
    return {"users": users, "startup": startup, "entry": entry, "payment": payment}


def current_code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(w: Any, username: str) -> None:
    w.goto("/accounts/login/")
    w.page.fill("#id_username", username)
    w.page.fill("#id_password", PASSWORD)
    w.page.click("button[type=submit]")
    w.page.wait_for_load_state()
    if "/two-factor/setup/" in w.page.url:
        check_page(w, f"{username}--two-factor-setup")
        secret = w.page.inner_text("#totp-secret")
        assert len(secret) >= 16
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
        w.page.fill("#id_token", f"{totp(device.bin_key):06d}")
        w.page.click("form:not([action]) button[type=submit], form[method=post] button:has-text('Confirm')")
        w.page.wait_for_load_state()
    elif "/two-factor/verify/" in w.page.url:
        check_page(w, f"{username}--two-factor-verify")
        w.page.fill("#id_token", current_code(username))
        w.page.click("button:has-text('Continue')")
        w.page.wait_for_load_state()
    assert "/accounts/" not in w.page.url, f"{username} did not get past sign-in: {w.page.url}"


LEDGER_ROLES = {"fund_manager", "finance_officer", "administrator"}


def ledger_pages(world: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("funds", "/funds/"),
        ("fund", "/funds/venture/"),
        ("fund-statement", "/funds/venture/statement/?from=2021-01-01&to=2021-12-31"),
        (
            "donor-statement",
            f"/donors/{world['entry'].counterparty.slug}/statement/?from=2021-01-01&to=2021-12-31",
        ),
        ("entry", f"/ledger/entries/{world['entry'].pk}/"),
        ("payment-requests", "/payment-requests/"),
        ("payment-request", f"/payment-requests/{world['payment'].pk}/"),
    ]


def recording_pages(persona: str) -> list[tuple[str, str]]:
    """Recording money is for finance officers; a fund's rules are edited by fund managers."""
    if persona == "finance_officer":
        return [
            ("record-donation", "/funds/venture/record/donation/"),
            ("record-pledge", "/funds/venture/record/pledge/"),
            ("record-receipt", "/funds/venture/record/receipt/"),
            ("record-commitment", "/funds/venture/record/commitment/"),
        ]
    if persona == "fund_manager":
        return [("fund-rules", "/funds/venture/rules/")]
    return []


def pages_for(persona: str, slug: str) -> list[tuple[str, str]]:
    pages = [
        ("home", "/"),
        ("organizations", "/organizations/"),
        ("organization", f"/organizations/{slug}/"),
        ("organization-history", f"/organizations/{slug}/activity/"),
        ("countries", "/countries/"),
        ("country", "/countries/KE/"),
        ("tokens", "/accounts/tokens/"),
        ("calls", "/calls/"),
        ("call", "/calls/open-call/"),
    ]
    if persona in {"fund_manager", "administrator"}:
        pages += [
            ("call-new", "/calls/new/"),
            ("call-edit", "/calls/future-call/edit/"),
            ("call-stages", "/calls/future-call/stages/"),
        ]
    if persona in {"fund_manager", "administrator", "applicant", "focal_point"}:
        pages.append(("organization-new", "/organizations/new/"))
    if persona in {"fund_manager", "administrator", "applicant"}:
        pages.append(("organization-edit", f"/organizations/{slug}/edit/"))
    if persona in {"fund_manager", "administrator"}:
        pages.append(("invitations", "/invitations/"))
    if persona == "administrator":
        pages.append(("audit-log", "/audit/"))
    return pages


def check_page(w: Any, name: str) -> None:
    w.screenshot(name)
    violations = w.axe_violations()
    assert violations == [], f"{name}: {violations}"


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_each_role_signs_in_and_sees_accessible_pages(
    watched: Any, world: dict[str, Any], persona: str
) -> None:
    w = watched()
    sign_in(w, persona)
    pages = pages_for(persona, world["startup"].slug)
    if persona in LEDGER_ROLES:
        pages += ledger_pages(world)
    pages += recording_pages(persona)
    for name, path in pages:
        response = w.goto(path)
        assert response.status == 200, f"{persona} {path}: {response.status}"
        assert w.page.locator("main h1").count() >= 1
        check_page(w, f"{persona}--{name}")
    assert w.console_errors == [], w.console_errors
    assert w.foreign_requests == [], w.foreign_requests


def test_public_pages(watched: Any, world: dict[str, Any]) -> None:
    w = watched()
    for name, path in [
        ("welcome", "/"),
        ("login", "/accounts/login/"),
        ("password-reset", "/accounts/password/reset/"),
        ("calls", "/calls/"),
        ("call", "/calls/open-call/"),
        ("call-closed", "/calls/closed-call/"),
    ]:
        assert w.goto(path).status == 200
        check_page(w, f"public--{name}")
    _invitation, raw = services.invitation_create(
        actor=world["users"]["fund_manager"],
        email="new.mentor@example.org",
        role="oss_mentor",
        organization=world["startup"],
        accept_url_builder=lambda token: f"/invitations/accept/{token}/",
    )
    assert w.goto(f"/invitations/accept/{raw}/").status == 200
    check_page(w, "public--invitation-accept")
    assert w.goto("/invitations/accept/not-a-real-token/").status == 404
    check_page(w, "public--invitation-invalid")
    assert w.goto("/calls/future-call/").status == 404  # not yet open: the public does not see it
    w.goto("/calls/open-call/")
    expect(w.page.locator("#call-deadline .sb-local-time")).to_contain_text("your time")  # local-time.js ran
    w.goto("/api/docs")
    w.page.wait_for_selector(".swagger-ui .info", timeout=15000)
    w.screenshot("public--api-docs")
    assert w.foreign_requests == [], w.foreign_requests


def test_filters_update_the_list_without_reloading(watched: Any, world: dict[str, Any]) -> None:
    w = watched()
    sign_in(w, "fund_manager")
    w.goto("/organizations/")
    assert "32 organizations" in w.page.inner_text("#organization-results")
    w.page.evaluate("() => { window.__not_reloaded = true; }")
    w.page.fill("#id_q", "Kijani")
    results = w.page.locator("#organization-results")
    expect(results).to_contain_text("1 organization")
    assert w.page.evaluate("() => window.__not_reloaded") is True  # htmx swapped the results in place
    assert "q=Kijani" in w.page.url  # and the address can be shared
    w.page.select_option("#id_kind", "country_office")
    expect(results).to_contain_text("No organization matches these filters")
    assert w.console_errors == []


def test_large_export_runs_as_a_job_with_progress(watched: Any, world: dict[str, Any], settings: Any) -> None:
    settings.SEEDBED_EXPORT_SYNC_LIMIT = 5
    w = watched()
    sign_in(w, "fund_manager")
    w.goto("/organizations/")
    w.page.click("text=Export XLSX")
    w.page.wait_for_url("**/jobs/**")
    w.page.wait_for_selector("text=Download the result")
    assert "32 organizations exported" in w.page.inner_text("#job-progress")
    check_page(w, "fund_manager--export-job")
    with w.page.expect_download() as download:
        w.page.click("text=Download the result")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_french_and_mobile(watched: Any, world: dict[str, Any]) -> None:
    w = watched(viewport=(390, 844))
    sign_in(w, "applicant")
    w.goto("/organizations/")
    w.page.click(".navbar-toggler")
    w.screenshot("applicant--mobile-menu")
    w.page.select_option("#language", "fr")
    w.page.click("footer button[type=submit]")
    w.page.wait_for_load_state()
    assert w.page.get_attribute("html", "lang") == "fr"
    check_page(w, "applicant--organizations-fr-mobile")
