"""The portfolio pages, through the browser's eyes: what each person sees and can do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from seedbed.funds import services as funds_services
from seedbed.funds.models import EntryKind, JournalEntry, PaymentRequest
from seedbed.portfolio.models import Evidence, Investment, Report, Solution
from tests.portfolio.conftest import USD_CENTS, accept_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def investment(make_investment, team):
    return make_investment(team)


def test_the_portfolio_list_counts_investments_and_countries_and_filters(
    make_investment, team, other_team, people, client_for
):
    make_investment(team)
    make_investment(other_team, amount_usd=60_000)
    client = client_for(people["reviewer"])
    body = client.get("/portfolio/").content.decode()
    assert 'id="count-investments">2<' in body
    assert 'id="count-countries">2<' in body
    assert "Kijani Data Labs" in body and "Other Team" in body
    filtered = client.get("/portfolio/?country=GH").content.decode()
    assert 'id="count-investments">1<' in filtered
    assert "Other Team" in filtered and "Kijani Data Labs platform" not in filtered


def test_the_portfolio_exports_the_filtered_list_as_csv(
    make_investment, team, other_team, people, client_for
):
    make_investment(team)
    make_investment(other_team)
    response = client_for(people["fund_manager"]).get("/portfolio/?country=KE&export=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert "Kijani Data Labs" in lines[1] and ",KE," in lines[1]
    assert "80000" in lines[1]


@pytest.mark.parametrize("persona", ["applicant", "outsider", None])
def test_people_outside_the_fund_do_not_see_the_portfolio(persona, people, client_for, investment):
    client = client_for(people[persona] if persona else None)
    response = client.get("/portfolio/")
    assert response.status_code in (302, 403)
    assert client.get(investment.get_absolute_url()).status_code in (302, 404)


def test_the_investment_page_shows_plan_tranches_reports_and_timeline(investment, people, client_for):
    body = client_for(people["fund_manager"]).get(investment.get_absolute_url()).content.decode()
    assert investment.reference in body
    assert "80,000.00 USD" in body
    assert "Quarter 1" in body and "Quarter 4" in body
    assert "oss.license" in body
    assert "32,000.00 USD" in body  # tranche 1, 40 %
    assert "Investment starts" in body
    assert "Record the status" in body


def test_a_grantee_sees_their_investment_and_nothing_of_another_team(
    make_investment, team, other_team, people, client_for
):
    own = make_investment(team)
    other = make_investment(other_team)
    client = client_for(people["grantee"])
    portal = client.get("/my/investments/").content.decode()
    assert own.reference in portal and other.reference not in portal
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    milestone = other.milestones.first()
    assert client.get(f"/portfolio/milestones/{milestone.pk}/").status_code == 404
    report = other.reports.first()
    assert client.get(f"/portfolio/reports/{report.pk}/").status_code == 404


def test_the_grantee_submits_evidence_and_the_mentor_returns_then_accepts(investment, people, client_for):
    milestone = investment.milestones.get(check_key="oss.license", quarter=1)
    url = f"/portfolio/milestones/{milestone.pk}/"
    grantee = client_for(people["grantee"])
    response = grantee.post(
        url,
        {
            "form": "evidence",
            "evidence-url": "https://git.example.org/kijani/LICENSE",
            "evidence-text": "Apache-2.0",
            "evidence-file": SimpleUploadedFile("licence.txt", b"Apache License 2.0"),
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "submitted"
    assert Evidence.objects.filter(milestone=milestone).count() == 3
    evidence_file = Evidence.objects.get(milestone=milestone, kind="file")
    assert grantee.get(f"/portfolio/evidence/{evidence_file.pk}/file").status_code == 200

    mentor = client_for(people["mentor"])
    assert milestone.title in mentor.get("/portfolio/milestones/").content.decode()
    refused = mentor.post(url, {"form": "decision", "decision-decision": "return", "decision-comment": ""})
    assert refused.status_code == 422
    mentor.post(url, {"form": "decision", "decision-decision": "return", "decision-comment": "Add the year."})
    milestone.refresh_from_db()
    assert milestone.status == "returned"
    assert "Add the year." in grantee.get(url).content.decode()
    grantee.post(url, {"form": "evidence", "evidence-url": "https://git.example.org/kijani/LICENSE?v=2"})
    mentor.post(url, {"form": "decision", "decision-decision": "accept", "decision-comment": ""})
    milestone.refresh_from_db()
    assert milestone.status == "accepted"
    assert milestone.decided_by == people["mentor"]


def test_the_mentor_cannot_release_and_finance_cannot_accept(investment, people, client_for):
    tranche = investment.tranches.get(number=1)
    milestone = investment.milestones.first()
    mentor = client_for(people["mentor"])
    assert (
        mentor.post(f"/portfolio/tranches/{tranche.pk}/release/", {"payment_date": "2030-01-01"}).status_code
        == 403
    )
    finance = client_for(people["finance_officer"])
    response = finance.post(
        f"/portfolio/milestones/{milestone.pk}/",
        {"form": "decision", "decision-decision": "accept", "decision-comment": "ok"},
    )
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.status == "planned"


def test_finance_releases_a_tranche_and_a_second_officer_pays_it(investment, people, client_for):
    tranche = investment.tranches.get(number=2)
    finance = client_for(people["finance_officer"])
    today = timezone.localdate().isoformat()
    response = finance.post(
        f"/portfolio/tranches/{tranche.pk}/release/", {"payment_date": today}, follow=True
    )
    assert "waits for" in response.content.decode()
    assert not PaymentRequest.objects.exists()
    accept_all(investment, people["mentor"], quarter=2)
    response = finance.post(f"/portfolio/tranches/{tranche.pk}/release/", {"payment_date": today})
    request = PaymentRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    page = finance.get(investment.get_absolute_url()).content.decode()
    assert "Awaiting payment approval" in page
    second = client_for(people["finance_officer_2"])
    assert second.post(f"/payment-requests/{request.pk}/approve/").status_code == 302
    request.refresh_from_db()
    entry = JournalEntry.objects.get(pk=request.entry_id)
    assert entry.kind == EntryKind.DISBURSEMENT
    assert entry.cause_id == str(tranche.pk)
    page = finance.get(investment.get_absolute_url()).content.decode()
    assert 'id="paid-total">24,000.00 USD<' in page
    assert entry.get_absolute_url() in page
    grantee_page = client_for(people["grantee"]).get(investment.get_absolute_url()).content.decode()
    assert 'id="paid-total">24,000.00 USD<' in grantee_page
    assert entry.get_absolute_url() not in grantee_page  # the ledger is the staff's


def test_a_fund_manager_creates_an_investment_from_the_page(venture, team, people, client_for, usd):
    client = client_for(people["fund_manager"])
    assert client.get("/portfolio/new/").status_code == 200
    data = {
        "fund": venture.pk,
        "organization": team.pk,
        "title": "Kijani maps",
        "theme": 1,
        "year": 2026,
        "countries": ["KE", "UG"],
        "start_date": timezone.localdate().isoformat(),
        "asset": "USD",
        "amount": "150,000",
        "instrument": "grant",
        "contract_months": 12,
    }
    from seedbed.calls.models import Theme

    data["theme"] = Theme.objects.first().pk
    response = client.post("/portfolio/new/", data)
    assert response.status_code == 422
    assert "outside" in response.content.decode() and "ticket range" in response.content.decode()
    data["new_solution"] = "Kijani Maps"
    response = client.post("/portfolio/new/", data)
    assert response.status_code == 422
    assert not Solution.objects.exists()  # refused with its investment: no solution left behind
    data["override_reason"] = "Co-funded with the government; the committee approved the larger ticket."
    response = client.post("/portfolio/new/", data)
    assert response.status_code == 302
    investment = Investment.objects.get(title="Kijani maps")
    assert investment.amount == 150_000 * USD_CENTS
    assert list(investment.solutions.values_list("name", flat=True)) == ["Kijani Maps"]  # registered with it
    assert sorted(investment.countries.values_list("iso2", flat=True)) == ["KE", "UG"]


def test_an_equity_share_above_100_is_refused_on_the_page(venture, team, people, client_for):
    from seedbed.calls.models import Theme

    client = client_for(people["fund_manager"])
    response = client.post(
        "/portfolio/new/",
        {
            "fund": venture.pk,
            "organization": team.pk,
            "title": "Kijani equity",
            "theme": Theme.objects.first().pk,
            "year": 2026,
            "countries": ["KE"],
            "start_date": timezone.localdate().isoformat(),
            "asset": "USD",
            "amount": "80,000",
            "instrument": "equity",
            "pre_money_valuation": "1,000,000",
            "equity_share": "150",
            "contract_months": 12,
            "override_reason": "Equity pilot",
        },
    )
    assert response.status_code == 422
    assert "at most 100" in response.content.decode()
    assert not Investment.objects.filter(title="Kijani equity").exists()


def test_the_grantee_submits_a_quarterly_report(make_investment, team, people, client_for):
    investment = make_investment(team, start_date=timezone.localdate() - dt.timedelta(days=120))
    report = investment.reports.order_by("period_start").first()
    client = client_for(people["grantee"])
    portal = client.get("/my/investments/").content.decode()
    assert f"/portfolio/reports/{report.pk}/" in portal
    response = client.post(
        f"/portfolio/reports/{report.pk}/",
        {"kpi_people_reached": "1200", "kpi_children_reached": "800", "narrative": "Two pilots ran."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.kpis["people_reached"] == 1200
    page = client_for(people["fund_manager"]).get(investment.get_absolute_url()).content.decode()
    assert "People reached" in page and "1200" in page


def test_contract_signature_amendment_and_document(investment, people, client_for):
    client = client_for(people["fund_manager"])
    url = f"/portfolio/{investment.reference}/contract/"
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {
            "form": "sign",
            "sign-signed_on": today,
            "sign-document": SimpleUploadedFile("contract.pdf", b"%PDF-1.4"),
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "form": "amend",
            "amend-signed_on": today,
            "amend-summary": "Three more months.",
            "amend-new_ends_on": "2030-01-01",
        },
    )
    assert response.status_code == 302
    investment.contract.refresh_from_db()
    assert investment.contract.ends_on == dt.date(2030, 1, 1)
    document = investment.contract.documents.get()
    grantee = client_for(people["grantee"])
    assert (
        grantee.get(f"/portfolio/{investment.reference}/contract/documents/{document.pk}").status_code == 200
    )
    assert grantee.get(url).status_code == 403


def test_managers_reduce_and_cancel_tranches_with_a_reason(investment, people, client_for):
    client = client_for(people["fund_manager"])
    tranche = investment.tranches.get(number=3)
    url = f"/portfolio/tranches/{tranche.pk}/change/"
    assert client.post(url, {"action": "reduce", "amount": "20,000", "reason": ""}).status_code == 422
    assert (
        client.post(url, {"action": "reduce", "amount": "20,000", "reason": "Scope reduced"}).status_code
        == 302
    )
    tranche.refresh_from_db()
    assert tranche.amount == 20_000 * USD_CENTS and tranche.original_amount == 24_000 * USD_CENTS
    open_amount = funds_services.open_commitment(
        fund=investment.fund, grantee=investment.organization, asset=investment.asset
    )
    assert open_amount == 76_000 * USD_CENTS
    assert client.post(url, {"action": "cancel", "reason": "Team stopped"}).status_code == 302
    tranche.refresh_from_db()
    assert tranche.state == "cancelled"


def test_graduation_and_follow_on_and_cohort_page(investment, people, client_for, countries):
    from seedbed.core.models import Organization

    client = client_for(people["fund_manager"])
    today = timezone.localdate().isoformat()
    status_url = f"/portfolio/{investment.reference}/status/"
    page = client.post(
        status_url, {"status": "graduated", "on": today, "reason": ""}, follow=True
    ).content.decode()
    assert "Graduation needs every required milestone accepted" in page
    accept_all(investment, people["mentor"])
    client.post(status_url, {"status": "graduated", "on": today, "reason": ""})
    investment.refresh_from_db()
    assert investment.status == "graduated"
    investor = Organization.objects.create(name="Impact Capital", slug="impact-capital", kind="investor")
    response = client.post(
        f"/portfolio/{investment.reference}/follow-on/",
        {
            "date": today,
            "asset": "USD",
            "amount": "240,000",
            "instrument": "equity",
            "investors": [investor.pk],
        },
    )
    assert response.status_code == 302
    page = client.get(investment.get_absolute_url()).content.decode()
    assert "3.00×" in page and "Impact Capital" in page
    cohort_page = client.get(f"/portfolio/cohorts/{investment.cohort_id}/").content.decode()
    assert "3.00×" in cohort_page
    client.post(f"/portfolio/cohorts/{investment.cohort_id}/", {"label": "Schools connected", "unit": ""})
    assert "Schools connected" in client.get(f"/portfolio/cohorts/{investment.cohort_id}/").content.decode()


def test_knowledge_products_are_public(people, client_for, investment):
    client = client_for(people["fund_manager"])
    response = client.post(
        "/knowledge/new/",
        {
            "title": "Data science cohort lessons",
            "kind": "research",
            "licence": "CC-BY-4.0",
            "published_on": "2021-06-01",
            "url": "https://research.example.org/lessons",
            "investments": [investment.pk],
        },
    )
    assert response.status_code == 302
    public = client_for(None).get("/knowledge/").content.decode()
    assert "Data science cohort lessons" in public
    assert investment.reference not in public  # the public does not see the portfolio


def test_the_home_page_tells_each_role_what_waits(investment, people, client_for):
    milestone = investment.milestones.filter(quarter=1).first()
    from seedbed.portfolio import services

    services.evidence_submit(actor=people["grantee"], milestone=milestone, url="https://example.org/pr/1")
    assert "1 milestone waits for a mentor" in client_for(people["mentor"]).get("/").content.decode()
    assert (
        "tranche has its milestones accepted"
        in client_for(people["finance_officer"]).get("/").content.decode()
    )
    first = investment.reports.order_by("period_start").first()
    Report.objects.filter(pk=first.pk).update(period_end=timezone.localdate() - dt.timedelta(days=1))
    assert "Your team owes 1 quarterly report" in client_for(people["grantee"]).get("/").content.decode()


def test_an_approved_application_becomes_an_investment_from_the_managers_home(
    venture, team, people, client_for, cohort
):
    from seedbed.calls import services as calls_services
    from seedbed.calls.models import Application

    now = timezone.now()
    call = calls_services.call_create(
        actor=None,
        fund=venture,
        data={
            "title": "Blockchain 2026",
            "description": "Open-source blockchain for children.",
            "opens_at": now - dt.timedelta(days=60),
            "closes_at": now - dt.timedelta(days=30),
            "time_zone": "UTC",
            "themes": [cohort.theme],
            "ticket_min": 50_000 * USD_CENTS,
            "ticket_max": 100_000 * USD_CENTS,
        },
    )
    application = Application.objects.create(
        call=call, number=1, organization=team, created_by=people["grantee"], title="Kijani Ledger",
        status="submitted", outcome="awarded", submitted_at=now, submitted_by=people["grantee"],
    )  # fmt: skip
    client = client_for(people["fund_manager"])
    assert "1 approved application has no investment yet." in client.get("/").content.decode()
    page = client.get("/portfolio/new/").content.decode()
    assert f"?application={application.pk}" in page
    form = client.get(f"/portfolio/new/?application={application.pk}").content.decode()
    assert "Kijani Ledger" in form and "which the committee approved" in form
    response = client.post(
        f"/portfolio/new/?application={application.pk}",
        {
            "fund": venture.pk,
            "organization": team.pk,
            "title": "Kijani Ledger",
            "theme": cohort.theme.pk,
            "year": 2026,
            "countries": ["KE"],
            "start_date": timezone.localdate().isoformat(),
            "asset": "USD",
            "amount": "75,000",
            "instrument": "grant",
            "contract_months": 12,
        },
    )
    assert response.status_code == 302
    assert Investment.objects.get(application=application).title == "Kijani Ledger"
    assert "approved application" not in client.get("/").content.decode()


def test_reports_of_an_ended_investment_are_not_overdue(make_investment, team, people, client_for):
    investment = make_investment(team, start_date=timezone.localdate() - dt.timedelta(days=200))
    client = client_for(people["fund_manager"])
    assert "Overdue" in client.get(investment.get_absolute_url()).content.decode()
    from seedbed.portfolio import services

    services.investment_set_status(
        actor=people["fund_manager"],
        investment=investment,
        status="failed",
        on=timezone.localdate(),
        reason_text="No market.",
    )
    page = client.get(investment.get_absolute_url()).content.decode()
    assert "Overdue" not in page and "Not submitted" in page
    grantee = client_for(people["grantee"])
    assert "Reports to submit" not in grantee.get("/my/investments/").content.decode()
    assert "owes" not in grantee.get("/").content.decode()


def test_default_milestones_read_in_the_readers_language_and_a_managers_own_as_written(
    investment, people, client_for
):
    from seedbed.portfolio import services

    services.milestone_add(
        actor=people["fund_manager"], investment=investment, title="Pilot with 3 schools", quarter=2,
        due_on=dt.date(2030, 1, 1),
    )  # fmt: skip
    client = client_for(people["fund_manager"])
    client.cookies["django_language"] = "fr"
    page = client.get(investment.get_absolute_url()).content.decode()
    assert "Une couverture de tests de 15\u00a0pour cent le cas échéant" in page
    assert "Test coverage of 15 per cent" not in page
    assert "Pilot with 3 schools" in page


def test_kpi_charts_keep_large_decimal_figures_exact(make_investment, team, people, client_for):
    investment = make_investment(team, start_date=timezone.localdate() - dt.timedelta(days=120))
    report = investment.reports.order_by("period_start").first()
    client_for(people["grantee"]).post(
        f"/portfolio/reports/{report.pk}/",
        {"kpi_revenue": "12345678901234567.89", "narrative": "A good quarter."},
    )
    page = client_for(people["fund_manager"]).get(investment.get_absolute_url()).content.decode()
    assert "12345678901234567.89" in page  # a float would show 12345678901234568.00
