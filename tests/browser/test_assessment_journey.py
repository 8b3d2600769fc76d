"""The assessment journey of issue 4, through the pages as people use them: an applicant applies to an open
call (autosaved draft, a PDF upload, submission), a fund manager assigns two reviewers (one by hand, one
automatically), both score every criterion of the rubric, the manager reads the ranking and moves the
application to the investment committee, creates a meeting and puts it on the agenda, the members vote to
approve, the manager records the decision, and the applicant sees that the application is awarded.

Only the set-up (people, roles, organization, the call with its rubric and form) is made with services. The
main pages are screenshotted into test-results/screenshots and checked with axe-core, as in
test_journeys.py; no page may log a console error or send a request off the machine."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
from playwright.sync_api import expect

from seedbed.calls import services as calls_services
from seedbed.calls.models import Application, Call
from seedbed.core import services
from seedbed.core.models import Country, MembershipRole
from seedbed.funds.assets import assets_sync
from seedbed.funds.models import Asset, Fund
from tests.browser.test_journeys import check_page, sign_in
from tests.conftest import make_user

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
RUBRIC = [
    ("Problem fit", 3),
    ("Open-source commitment", 2),
    ("Team", 1),
]
GUIDANCE = ["Weak.", "Some merit.", "Sound.", "Strong.", "Outstanding."]
# The smallest file that passes the PDF signature check; what matters here is the type and the size.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    services.countries_sync(actor=None)
    kenya = Country.objects.get(iso2="KE")
    assert kenya.programme_country
    users = {
        "manager": make_user("fund_manager", ("fund_manager",)),
        "applicant": make_user("amina", ("applicant",)),
        "reviewer_a": make_user("reviewer_ada", ("reviewer",)),
        "reviewer_b": make_user("reviewer_ben", ("reviewer",)),
        "member_a": make_user("member_chloe", ("committee_member",)),
        "member_b": make_user("member_dev", ("committee_member",)),
    }
    startup = services.organization_create(
        actor=None,
        data={
            "name": "Kijani Data Labs",
            "kind": "startup",
            "country": kenya,
            "website": "https://kijani.example.org",
        },
    )
    services.membership_add(
        actor=None, organization=startup, user=users["applicant"], role=MembershipRole.OWNER, title="CEO"
    )
    assets_sync(actor=None)
    usd = Asset.objects.get(code="USD")
    fund = Fund.objects.create(name="Venture Fund", slug="venture", kind="venture", reporting_asset=usd)
    fund.allowed_assets.set([usd])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    call = calls_services.call_create(
        actor=None,
        fund=fund,
        data={
            "title": "Data for children 2025",
            "description": "Open-source data science for children's health.",
            "opens_at": now + dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=30),
            "time_zone": "Africa/Nairobi",
            "ticket_min": 50_000_00,
            "ticket_max": 100_000_00,
        },
    )
    for name, weight in RUBRIC:
        calls_services.criterion_create(actor=None, call=call, name=name, weight=weight, guidance=GUIDANCE)
    calls_services.eligibility_rule_create(actor=None, call=call, kind="programme_country")
    calls_services.eligibility_rule_create(actor=None, call=call, kind="working_prototype")
    section = calls_services.section_create(actor=None, call=call, title="Your solution")
    for data in [
        {"kind": "long_text", "label": "What problem do you solve?", "required": True, "word_limit": 150},
        {
            "kind": "single_choice",
            "label": "How far along is the product?",
            "required": True,
            "choices": ["Idea", "Prototype", "In use"],
        },
        {"kind": "repository_url", "label": "Source code repository", "required": True},
        {
            "kind": "file",
            "label": "Pitch deck",
            "required": True,
            "allowed_file_types": ["pdf"],
            "max_file_mb": 2,
        },
    ]:
        calls_services.question_create(actor=None, call=call, section=section, data=data)
    calls_services.call_update(actor=None, call=call, data={"opens_at": now - dt.timedelta(days=1)})
    # No page or service sets this yet (it defaults to 3); two reviewers are enough here.
    Call.objects.filter(pk=call.pk).update(reviewers_per_application=2)
    call.refresh_from_db()
    return {"users": users, "call": call, "startup": startup}


# Counts the page's htmx requests in flight and notes the last edit, so that the test can wait until the
# autosave has nothing left to send (its debounce is 1.5 s) before it leaves the form.
AUTOSAVE_WATCH = """
window.__autosave = {inflight: 0, lastEdit: 0};
const edited = () => { window.__autosave.lastEdit = Date.now(); };
document.addEventListener("input", edited, true);
document.addEventListener("change", edited, true);
document.addEventListener("htmx:beforeRequest", () => { window.__autosave.inflight += 1; });
document.addEventListener("htmx:afterRequest", () => { window.__autosave.inflight -= 1; });
"""


def autosave_settled(w: Any) -> None:
    w.page.wait_for_function(
        "() => window.__autosave.inflight === 0 && Date.now() - window.__autosave.lastEdit > 1800",
        polling=100,
    )


def click_and_wait(w: Any, target: Any) -> None:
    """Click a button or link (a selector or a locator) that loads a new page, and wait until it has."""
    with w.page.expect_navigation():
        if isinstance(target, str):
            w.page.click(target)
        else:
            target.click()


def fieldset_of(w: Any, legend: str) -> Any:
    """The group of radio buttons (a question, a rule, a criterion) whose legend holds ``legend``."""
    return w.page.locator("fieldset", has=w.page.locator("legend", has_text=legend))


def review(w: Any, reference: str, scores: list[int], comment: str, screenshot: str = "") -> None:
    """A reviewer opens their review from "My reviews", scores every criterion and submits."""
    w.page.click("nav >> text=My reviews")
    w.page.click(f"main a:has-text('{reference}')")
    expect(w.page.locator("main h1")).to_contain_text(f"Review of {reference}")
    expect(w.page.locator("main")).to_contain_text("Pitch deck")
    for (name, _weight), score in zip(RUBRIC, scores, strict=True):
        group = fieldset_of(w, name)
        group.locator(f"input[type=radio][value='{score}']").check()
        w.page.get_by_label(f"Comment on “{name}”").fill(f"{name}: {GUIDANCE[score - 1]}")
    w.page.get_by_label("Overall comment").fill(comment)
    if screenshot:
        check_page(w, screenshot)
    click_and_wait(w, "button[name=action][value=submit]")
    expect(w.page.locator(".sb-messages")).to_contain_text("Your review was submitted")
    expect(w.page.locator("main")).to_contain_text("Submitted")


def test_applicant_applies_reviewers_score_committee_decides(watched: Any, world: dict[str, Any]) -> None:
    users, call = world["users"], world["call"]
    pages: list[Any] = []

    # --- The applicant finds the open call and starts an application ------------------------------------
    applicant = watched()
    applicant.page.add_init_script(AUTOSAVE_WATCH)
    pages.append(applicant)
    sign_in(applicant, "amina")
    applicant.page.click("nav >> text=Calls")
    applicant.page.click(f"text={call.title}")
    expect(applicant.page.locator("main h1")).to_contain_text(call.title)
    applicant.page.click("main a:has-text('Apply')")
    expect(applicant.page.locator("#id_organization")).to_contain_text("Kijani Data Labs")
    applicant.page.fill("#id_title", "Kijani Growth Monitor")
    click_and_wait(applicant, "button:has-text('Start the application')")
    assert re.search(r"/applications/\d+/edit/$", applicant.page.url), applicant.page.url
    application = Application.objects.get(call=call)
    reference = application.reference

    # The draft saves itself: no button is pressed between typing and "Saved at".
    status = applicant.page.locator("#autosave-status")
    expect(status).to_contain_text("Your answers are saved as you type.")
    applicant.page.fill("#id_summary", "Growth charts for community health workers, offline first.")
    expect(status).to_contain_text("Saved at", timeout=10_000)
    applicant.page.get_by_label("What problem do you solve?").fill(
        "Health workers record children's growth on paper; stunting is noticed months too late."
    )
    fieldset_of(applicant, "How far along is the product?").get_by_label("In use").check()
    fieldset_of(applicant, "working prototype").get_by_label("Yes").check()
    repository = applicant.page.get_by_label("Source code repository")
    repository.fill("https://github.com/kijani/growth-monitor")
    repository.blur()  # a user's next click would blur it too: the "change" saves at once
    autosave_settled(applicant)
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d:\d\d"))
    application.refresh_from_db()
    assert application.summary.startswith("Growth charts")
    assert "https://github.com/kijani/growth-monitor" in application.answers.values()

    # A PDF for the file question; the page comes back with the file listed and the answers kept.
    applicant.page.set_input_files(
        "input[type=file]",
        files=[{"name": "pitch-deck.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    click_and_wait(applicant, "button:has-text('Upload')")
    expect(applicant.page.locator(".sb-messages")).to_contain_text("pitch-deck.pdf was uploaded")
    expect(applicant.page.locator("main a:has-text('pitch-deck.pdf')")).to_be_visible()
    expect(applicant.page.get_by_label("Source code repository")).to_have_value(
        "https://github.com/kijani/growth-monitor"
    )
    # Scrolled to the end, the sticky Save/Submit bar sits in its place in the full-page screenshot.
    applicant.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    check_page(applicant, "assessment--01-applicant-application-edit")
    click_and_wait(applicant, "button:has-text('Submit the application')")
    expect(applicant.page.locator(".sb-messages")).to_contain_text(f"Application {reference} was submitted")
    expect(applicant.page.locator("[aria-current=step]")).to_have_text("Expression of interest")
    check_page(applicant, "assessment--02-applicant-application-submitted")

    # --- The fund manager assigns two reviewers: one by hand, the other automatically -------------------
    manager = watched()
    pages.append(manager)
    sign_in(manager, "fund_manager")
    manager.page.click("nav >> text=Calls")
    manager.page.click(f"text={call.title}")
    manager.page.click("main a:has-text('Reviewers')")
    expect(manager.page.locator("main h1")).to_contain_text(f"Reviewers of {call.title}")
    manager.page.check(f"input[name=assign-applications][value='{application.pk}']")
    manager.page.select_option("#id_assign-reviewers", value=str(users["reviewer_a"].pk))
    click_and_wait(manager, "button:has-text('Assign'):not(:has-text('automatically'))")
    expect(manager.page.locator(".sb-messages")).to_contain_text("1 review was assigned")
    manager.page.fill("#id_auto-per_application", "2")
    click_and_wait(manager, "button:has-text('Assign automatically')")
    expect(manager.page.locator(".sb-messages")).to_contain_text("1 review was assigned")
    assignments = manager.page.locator("main table").last
    expect(assignments).to_contain_text("Reviewer Ada")
    expect(assignments).to_contain_text("Reviewer Ben")
    expect(assignments).to_contain_text("2 / 2")
    check_page(manager, "assessment--03-manager-reviewers")

    # --- Each reviewer scores every criterion and submits -----------------------------------------------
    reviewer_a = watched()
    pages.append(reviewer_a)
    sign_in(reviewer_a, "reviewer_ada")
    review(
        reviewer_a,
        reference,
        [4, 4, 3],
        "A clear need and a team that has shipped before.",
        screenshot="assessment--04-reviewer-review-form",
    )
    expect(reviewer_a.page.locator("#other-reviews")).to_contain_text("No other reviewer has submitted yet")

    reviewer_b = watched()
    pages.append(reviewer_b)
    sign_in(reviewer_b, "reviewer_ben")
    review(reviewer_b, reference, [5, 4, 4], "Already in use; the licence is MIT.")
    # Having submitted, the second reviewer sees the first one's scores.
    expect(reviewer_b.page.locator("#other-reviews")).to_contain_text("A clear need")
    check_page(reviewer_b, "assessment--05-reviewer-review-submitted")

    # --- The manager reads the ranking and moves the application to the investment committee ------------
    manager.page.click("main a:has-text('Ranking')")
    ranking = manager.page.locator("main table")
    row = ranking.locator("tr", has_text=reference)
    # Weighted means: (4·3 + 4·2 + 3·1) / 6 = 3.833 and (5·3 + 4·2 + 4·1) / 6 = 4.5; their mean 4.167.
    expect(row).to_contain_text("4.167")
    expect(row).to_contain_text("2 of 2")
    check_page(manager, "assessment--06-manager-ranking")
    row.locator(f"a:has-text('{reference}')").click()
    expect(manager.page.locator("main h1")).to_contain_text("Kijani Growth Monitor")
    manager.page.select_option("#id_stage", label="Investment committee")
    manager.page.fill("#id_subject", "$reference goes to the investment committee")
    manager.page.fill(
        "#id_body", "Dear $organization, the committee will discuss $title at its next meeting."
    )
    click_and_wait(manager, "button:text-is('Move')")
    expect(manager.page.locator(".sb-messages")).to_contain_text(
        "The application moved to Investment committee"
    )
    expect(manager.page.locator("[aria-current=step]")).to_have_text("Investment committee")

    # --- A committee meeting with both members and a quorum of two, with the application on its agenda ---
    manager.page.click("nav >> text=Calls")
    manager.page.click(f"text={call.title}")
    manager.page.click("main a:has-text('Committee')")
    manager.page.fill("#id_title", "Investment committee, round 1")
    meeting_at = (dt.datetime.now(NAIROBI) + dt.timedelta(days=7)).replace(hour=10, minute=0, second=0)
    manager.page.fill("#id_scheduled_at", meeting_at.strftime("%Y-%m-%dT%H:%M:%S"))
    manager.page.fill("#id_location", "Nairobi office, room 3")
    manager.page.get_by_label("Member Chloe (member_chloe)").check()
    manager.page.get_by_label("Member Dev (member_dev)").check()
    manager.page.fill("#id_quorum", "2")
    click_and_wait(manager, "button:has-text('Create the meeting')")
    expect(manager.page.locator(".sb-messages")).to_contain_text("The meeting Investment committee, round 1")
    meeting_url = manager.page.url
    manager.page.click("main a:has-text('Add to the agenda')")
    manager.page.get_by_label(re.compile(re.escape(reference))).check()
    click_and_wait(manager, "button:has-text('Add to the agenda')")
    item = manager.page.locator("main li.card", has_text=reference)
    expect(item).to_contain_text("Quorum not met (0 of 2)")

    # --- The members vote approve ----------------------------------------------------------------------
    for username in ("member_chloe", "member_dev"):
        member = watched()
        pages.append(member)
        sign_in(member, username)
        member.page.click("nav >> text=Committee")
        member.page.click("main a:has-text('Investment committee, round 1')")
        card = member.page.locator("main li.card", has_text=reference)
        click_and_wait(member, card.locator("button:text-is('Approve')"))
        expect(member.page.locator(".sb-messages")).to_contain_text(f"Your vote on {reference}: approve")
    expect(member.page.locator("main li.card")).to_contain_text("Quorum met (2 of 2)")
    check_page(member, "assessment--07-member-meeting-voted")

    # --- The manager records the decision ------------------------------------------------------------------
    manager.page.goto(meeting_url)
    expect(item).to_contain_text("Approve: 2")
    check_page(manager, "assessment--08-manager-meeting-before-decision")
    item.get_by_label("Decision").select_option(label="Approve")
    item.get_by_label("Note").fill("Approved unanimously; ticket to be agreed in due diligence.")
    click_and_wait(manager, item.locator("button:has-text('Record the decision')"))
    expect(manager.page.locator(".sb-messages")).to_contain_text(
        f"The decision on {reference} is recorded: approved"
    )
    expect(item).to_contain_text("Decision: approved")
    check_page(manager, "assessment--09-manager-meeting-decided")

    # --- The applicant signs in again and sees the decision ----------------------------------------------
    returning = watched()
    pages.append(returning)
    sign_in(returning, "amina")
    returning.page.click("nav >> text=My applications")
    expect(returning.page.locator("main table")).to_contain_text("Awarded")
    returning.page.click("main a:has-text('Kijani Growth Monitor')")
    expect(returning.page.locator("main .badge.text-bg-success")).to_have_text("Awarded")
    expect(returning.page.locator("[aria-current=step]")).to_have_text("Decision")
    messages = returning.page.locator("#messages")
    expect(messages).to_contain_text(f"Your application {reference} is approved")
    expect(messages).to_contain_text(f"{reference} goes to the investment committee")
    # The committee's note is for the record only.
    expect(returning.page.locator("main")).not_to_contain_text("Approved unanimously")
    check_page(returning, "assessment--10-applicant-application-awarded")

    for w in pages:
        assert w.console_errors == [], w.console_errors
        assert w.foreign_requests == [], w.foreign_requests
