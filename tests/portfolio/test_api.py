"""The portfolio's JSON API: the list with filters, counts and pages; one investment; creating one with
the fund's rules; milestones, tranches (released by finance, paid through four-eyes), reports, follow-on
rounds and the public knowledge products; who may do what, and grantees seeing only their own."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seedbed.core.models import Country, Organization, User
from seedbed.funds.models import Fund, JournalEntry, PaymentRequest
from seedbed.portfolio import services
from seedbed.portfolio.models import Cohort, Investment, KnowledgeProduct, Milestone, Report
from tests.portfolio.conftest import USD_CENTS, accept_all

pytestmark = pytest.mark.django_db

Clients = Callable[[User | None], Client]


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def messages_by_field(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    fields: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        fields.setdefault(str(error["loc"][-1]), []).append(error["msg"])
    return fields


@pytest.fixture
def office(countries: Any) -> Organization:
    return Organization.objects.create(
        name="UNICEF Rwanda",
        slug="unicef-rwanda",
        kind="country_office",
        country=Country.objects.get(iso2="RW"),
    )


@pytest.fixture
def portfolio(
    make_investment: Any, team: Organization, other_team: Organization, office: Organization
) -> Any:
    """Three investments: the grantee's team (Kenya), another team (Ghana), a country office (Rwanda and
    Ghana), the last one discontinued."""
    own = make_investment(team)
    other = make_investment(other_team, amount_usd=60_000)
    third = make_investment(
        office, amount_usd=90_000, countries=list(Country.objects.filter(iso2__in=["RW", "GH"]))
    )
    Investment.objects.filter(pk=third.pk).update(status="discontinued")
    return own, other, third


def _investment_body(fund: Fund, cohort: Cohort, /, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "fund": fund.slug,
        "organization": "kijani",
        "cohort": cohort.pk,
        "title": "Crop data platform",
        "start_date": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        "asset": "USD",
        "amount": str(80_000 * USD_CENTS),
        "instrument": "grant",
        "countries": ["KE", "ug"],
    }
    body.update(changes)
    return body


# --- The list ------------------------------------------------------------------------------------


def test_staff_list_the_portfolio_with_counts(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own, _other, third = portfolio
    body = client_for(people["mentor"]).get("/api/investments").json()
    assert body["count"] == 3
    assert body["summary"] == {
        "investments": 3,
        "countries": 3,
        "startups": 2,
        "country_offices": 1,
        "by_status": {"active": 2, "discontinued": 1},
    }
    row = next(item for item in body["items"] if item["reference"] == own.reference)
    assert row["organization"] == "kijani" and row["organization_kind"] == "startup"
    assert row["fund"] == "venture-fund" and row["asset"] == "USD"
    assert row["amount"] == str(80_000 * USD_CENTS) and row["amount_display"] == "80,000.00 USD"
    assert row["countries"] == [{"iso2": "KE", "name": "Kenya"}]
    assert row["instrument"] == "grant" and row["status"] == "active"
    assert row["url"] == f"/portfolio/{own.reference}/"
    office_row = next(item for item in body["items"] if item["reference"] == third.reference)
    assert [country["iso2"] for country in office_row["countries"]] == ["GH", "RW"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "gh"}, {"other", "third"}),
        ({"region": "ESAR"}, {"own", "third"}),
        ({"status": "discontinued"}, {"third"}),
        ({"kind": "country_office"}, {"third"}),
        ({"q": "kijani"}, {"own"}),
        ({"fund": "venture-fund", "year": 2021}, {"own", "other", "third"}),
        ({"year": 2019}, set()),
        ({"theme": "no-such-theme"}, set()),
    ],
)
def test_list_filters(
    portfolio: Any, people: dict[str, User], client_for: Clients, query: dict[str, Any], expected: set[str]
) -> None:
    names = dict(zip(("own", "other", "third"), (inv.reference for inv in portfolio), strict=True))
    body = client_for(people["fund_manager"]).get("/api/investments", query).json()
    assert {item["reference"] for item in body["items"]} == {names[name] for name in expected}
    assert body["count"] == body["summary"]["investments"] == len(expected)


def test_list_filter_by_reference_cohort_and_theme(
    portfolio: Any, people: dict[str, User], client_for: Clients, cohort: Cohort
) -> None:
    own = portfolio[0]
    client = client_for(people["fund_manager"])
    assert [i["reference"] for i in client.get("/api/investments", {"q": own.reference}).json()["items"]] == [
        own.reference
    ]
    assert client.get("/api/investments", {"cohort": cohort.pk}).json()["count"] == 3
    assert client.get("/api/investments", {"theme": cohort.theme.slug}).json()["count"] == 3


def test_list_pages_and_sorts(portfolio: Any, people: dict[str, User], client_for: Clients) -> None:
    client = client_for(people["fund_manager"])
    references = sorted(inv.reference for inv in portfolio)
    first = client.get("/api/investments", {"sort": "reference", "page_size": 2}).json()
    second = client.get("/api/investments", {"sort": "reference", "page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] == 3
    assert second["summary"]["investments"] == 3  # the counts are of the whole list, not the page
    assert [i["reference"] for i in first["items"] + second["items"]] == references
    by_team = client.get("/api/investments", {"sort": "team"}).json()["items"]
    assert [i["organization_name"] for i in by_team] == ["Kijani Data Labs", "Other Team", "UNICEF Rwanda"]


@pytest.mark.parametrize("query", [{"status": "lost"}, {"sort": "random"}, {"page": 0}, {"region": "Mars"}])
def test_bad_filters_are_422(people: dict[str, User], client_for: Clients, query: dict[str, Any]) -> None:
    assert client_for(people["fund_manager"]).get("/api/investments", query).status_code == 422


# --- Who sees what -------------------------------------------------------------------------------


def test_a_grantee_sees_only_their_organizations_investments(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own, other, _third = portfolio
    client = client_for(people["grantee"])
    body = client.get("/api/investments").json()
    assert [item["reference"] for item in body["items"]] == [own.reference]
    assert body["summary"]["investments"] == 1 and body["summary"]["countries"] == 1
    assert client.get(f"/api/investments/{own.reference}").status_code == 200
    for suffix in ("", "/milestones", "/tranches", "/reports", "/follow-ons"):
        assert client.get(f"/api/investments/{other.reference}{suffix}").status_code == 404, suffix
    milestone = other.milestones.first()
    tranche = other.tranches.first()
    report = other.reports.first()
    assert milestone and tranche and report
    assert client.get(f"/api/milestones/{milestone.pk}").status_code == 404
    assert post(client, f"/api/milestones/{milestone.pk}/evidence", {"text": "Done"}).status_code == 404
    assert client.get(f"/api/tranches/{tranche.pk}").status_code == 404
    assert client.get(f"/api/reports/{report.pk}").status_code == 404
    assert post(client, f"/api/reports/{report.pk}", {"narrative": "x"}).status_code == 404
    assert client.get("/api/investments/NO-SUCH-REF").status_code == 404


def test_someone_with_no_role_and_no_team_sees_an_empty_portfolio(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    client = client_for(people["outsider"])
    assert client.get("/api/investments").json()["count"] == 0
    assert client.get(f"/api/investments/{portfolio[0].reference}").status_code == 404


def test_anonymous_visitors_must_sign_in(portfolio: Any, cohort: Cohort, venture: Fund) -> None:
    client = Client()
    own = portfolio[0]
    assert client.get("/api/investments").status_code == 401
    assert client.get(f"/api/investments/{own.reference}").status_code == 401
    assert client.get(f"/api/investments/{own.reference}/tranches").status_code == 401
    assert client.get("/api/milestones").status_code == 401
    assert post(client, "/api/investments", _investment_body(venture, cohort)).status_code == 401
    assert post(client, f"/api/tranches/{own.tranches.first().pk}/release").status_code == 401


def test_the_mentor_queue_is_for_staff(portfolio: Any, people: dict[str, User], client_for: Clients) -> None:
    own = portfolio[0]
    milestone = own.milestones.order_by("quarter", "position").first()
    services.evidence_submit(actor=people["grantee"], milestone=milestone, url="https://example.org/pr/1")
    body = client_for(people["mentor"]).get("/api/milestones").json()
    assert [(m["id"], m["investment"], m["organization"]) for m in body["items"]] == [
        (milestone.pk, own.reference, "kijani")
    ]
    assert body["items"][0]["evidence"][0]["url"] == "https://example.org/pr/1"
    assert client_for(people["mentor"]).get("/api/milestones", {"status": "accepted"}).status_code == 422
    assert client_for(people["grantee"]).get("/api/milestones").status_code == 403


# --- One investment ------------------------------------------------------------------------------


def test_investment_detail_with_terms_contract_and_payments(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own = portfolio[0]
    body = client_for(people["grantee"]).get(f"/api/investments/{own.reference}").json()
    assert body["reference"] == own.reference and body["title"] == "Kijani Data Labs platform"
    assert body["terms"]["equity_share"] is None and body["terms"]["pre_money_valuation"] is None
    assert body["contract"]["months"] == 12 and body["contract"]["starts_on"] == own.start_date.isoformat()
    assert body["contract"]["signed_on"] is None and body["contract"]["amendments"] == []
    assert body["countries"] == [{"iso2": "KE", "name": "Kenya"}]
    assert body["solutions"] == [] and body["application"] is None
    assert body["payments"]["scheduled"] == {"amount": "8000000", "amount_display": "80,000.00 USD"}
    assert body["payments"]["paid"]["amount"] == "0"
    assert body["rule_override_reason"] is None  # staff only
    assert body["follow_on_multiple"] is None
    staff = client_for(people["fund_manager"]).get(f"/api/investments/{own.reference}").json()
    assert staff["rule_override_reason"] == ""


# --- Creating ------------------------------------------------------------------------------------


def test_a_fund_manager_creates_an_investment(
    venture: Fund, cohort: Cohort, team: Organization, people: dict[str, User], client_for: Clients
) -> None:
    response = post(client_for(people["fund_manager"]), "/api/investments", _investment_body(venture, cohort))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("VF-") and body["organization"] == "kijani"
    assert body["amount"] == "8000000" and body["status"] == "active"
    assert [c["iso2"] for c in body["countries"]] == ["KE", "UG"]
    assert body["payments"]["scheduled"]["amount"] == "8000000"
    investment = Investment.objects.get(reference=body["reference"])
    assert investment.milestones.exists() and investment.tranches.count() == 3 and investment.reports.exists()
    by_id = post(
        client_for(people["fund_manager"]),
        "/api/investments",
        _investment_body(venture, cohort, organization=team.pk, title="Second"),
    )
    assert by_id.status_code == 201 and by_id.json()["organization"] == "kijani"


@pytest.mark.parametrize("persona", ["mentor", "finance_officer", "grantee", "reviewer"])
def test_only_fund_managers_create_investments(
    venture: Fund,
    cohort: Cohort,
    team: Organization,
    people: dict[str, User],
    client_for: Clients,
    persona: str,
) -> None:
    response = post(client_for(people[persona]), "/api/investments", _investment_body(venture, cohort))
    assert response.status_code == 403
    assert not Investment.objects.exists()


def test_a_bad_equity_share_is_a_422_on_its_field(
    venture: Fund, cohort: Cohort, team: Organization, people: dict[str, User], client_for: Clients
) -> None:
    body = _investment_body(
        venture,
        cohort,
        instrument="equity",
        terms={"equity_share": "150", "pre_money_valuation": str(1_000_000 * USD_CENTS)},
    )
    fields = messages_by_field(post(client_for(people["fund_manager"]), "/api/investments", body))
    assert fields == {"equity_share": ["The equity share is more than 0 and at most 100 per cent."]}
    assert not Investment.objects.exists()


def test_what_the_body_names_must_exist(
    venture: Fund, cohort: Cohort, team: Organization, people: dict[str, User], client_for: Clients
) -> None:
    body = _investment_body(
        venture, cohort, fund="nope", organization="nobody", cohort=999_999, asset="XYZ", countries=["ZZ"]
    )
    fields = messages_by_field(post(client_for(people["fund_manager"]), "/api/investments", body))
    assert set(fields) == {"fund", "organization", "cohort", "asset", "countries"}
    fields = messages_by_field(
        post(
            client_for(people["fund_manager"]),
            "/api/investments",
            _investment_body(venture, cohort, amount="80,000"),
        )
    )
    assert set(fields) == {"amount"}
    fields = messages_by_field(
        post(
            client_for(people["fund_manager"]),
            "/api/investments",
            _investment_body(venture, cohort, countries=[]),
        )
    )
    assert set(fields) == {"countries"}


def test_breaking_the_funds_rules_needs_a_reason(
    venture: Fund, cohort: Cohort, team: Organization, people: dict[str, User], client_for: Clients
) -> None:
    client = client_for(people["fund_manager"])
    too_big = _investment_body(venture, cohort, amount=str(250_000 * USD_CENTS))
    fields = messages_by_field(post(client, "/api/investments", too_big))
    assert list(fields) == ["override_reason"] and "ticket range" in fields["override_reason"][0]
    response = post(
        client, "/api/investments", {**too_big, "override_reason": "Board approved the exception."}
    )
    assert response.status_code == 201, response.content
    assert response.json()["rule_override_reason"] == "Board approved the exception."


def test_the_outcome_is_recorded_by_fund_managers(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own = portfolio[0]
    url = f"/api/investments/{own.reference}/status"
    assert post(client_for(people["grantee"]), url, {"status": "failed", "reason": "x"}).status_code == 403
    assert post(client_for(people["mentor"]), url, {"status": "failed", "reason": "x"}).status_code == 403
    manager = client_for(people["fund_manager"])
    assert list(messages_by_field(post(manager, url, {"status": "discontinued"}))) == ["reason"]
    assert list(messages_by_field(post(manager, url, {"status": "graduated"}))) == ["status"]
    response = post(manager, url, {"status": "discontinued", "reason": "The team dissolved."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "discontinued"
    assert response.json()["status_reason"] == "The team dissolved."


# --- Milestones ----------------------------------------------------------------------------------


def test_the_team_submits_evidence_and_a_mentor_decides(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own = portfolio[0]
    grantee, mentor = client_for(people["grantee"]), client_for(people["mentor"])
    plan = grantee.get(f"/api/investments/{own.reference}/milestones").json()
    assert plan["count"] == own.milestones.count() and plan["items"][0]["status"] == "planned"
    first = plan["items"][0]["id"]
    assert grantee.get(f"/api/investments/{own.reference}/milestones", {"quarter": 1}).json()["count"] == len(
        [m for m in plan["items"] if m["quarter"] == 1]
    )
    fields = messages_by_field(post(grantee, f"/api/milestones/{first}/evidence", {"url": "ftp://x"}))
    assert list(fields) == ["url"]
    response = post(
        grantee,
        f"/api/milestones/{first}/evidence",
        {"url": "https://github.com/kijani/app", "text": "Licensed."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert [e["kind"] for e in response.json()["evidence"]] == ["link", "text"]
    assert response.json()["evidence"][0]["file_url"] is None
    assert response.json()["url"] == f"/portfolio/milestones/{first}/"
    assert post(mentor, f"/api/milestones/{first}/evidence", {"text": "x"}).status_code == 403
    assert post(grantee, f"/api/milestones/{first}/decision", {"accept": True}).status_code == 403
    fields = messages_by_field(post(mentor, f"/api/milestones/{first}/decision", {"accept": False}))
    assert list(fields) == ["comment"]
    decided = post(mentor, f"/api/milestones/{first}/decision", {"accept": True, "comment": "Fine."})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "accepted" and decided.json()["decided_by"] == "Mentor"
    fields = messages_by_field(post(mentor, f"/api/milestones/{first}/decision", {"accept": True}))
    assert list(fields) == ["milestone"]
    fields = messages_by_field(post(grantee, f"/api/milestones/{first}/evidence", {"text": "More"}))
    assert list(fields) == ["milestone"]
    accepted = grantee.get(f"/api/investments/{own.reference}/milestones", {"status": "accepted"}).json()
    assert [m["id"] for m in accepted["items"]] == [first]


def test_a_mentor_decides_but_cannot_release_and_finance_releases_but_cannot_decide(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own = portfolio[0]
    milestone = own.milestones.order_by("quarter", "position").first()
    tranche = own.tranches.get(number=1)
    services.evidence_submit(actor=people["grantee"], milestone=milestone, text="Done")
    mentor, finance = client_for(people["mentor"]), client_for(people["finance_officer"])
    assert post(mentor, f"/api/tranches/{tranche.pk}/release").status_code == 403
    assert post(finance, f"/api/milestones/{milestone.pk}/decision", {"accept": True}).status_code == 403
    assert post(mentor, f"/api/milestones/{milestone.pk}/decision", {"accept": True}).status_code == 200
    assert post(finance, f"/api/tranches/{tranche.pk}/release").status_code == 200
    assert not PaymentRequest.objects.exclude(tranche=tranche).exists()


# --- Tranches ------------------------------------------------------------------------------------


def test_release_then_a_second_officer_approves_and_the_tranche_is_paid(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own = portfolio[0]
    finance, second = client_for(people["finance_officer"]), client_for(people["finance_officer_2"])
    schedule = finance.get(f"/api/investments/{own.reference}/tranches").json()
    assert [t["state"] for t in schedule["items"]] == ["scheduled"] * 3
    first, later = schedule["items"][0], schedule["items"][1]
    assert first["milestones"] == [] and later["milestones"]
    assert first["amount"] == str(32_000 * USD_CENTS) and first["amount_display"] == "32,000.00 USD"
    # The second tranche waits for its milestones.
    fields = messages_by_field(post(finance, f"/api/tranches/{later['id']}/release"))
    assert list(fields) == ["tranche"] and "milestone" in fields["tranche"][0]

    released = post(finance, f"/api/tranches/{first['id']}/release")
    assert released.status_code == 200, released.content
    request_id = released.json()["payment_request"]
    assert released.json()["tranche"]["state"] == "requested"
    assert released.json()["tranche"]["payment_request"] == request_id
    assert released.json()["tranche"]["ledger_entry"] is None
    assert list(messages_by_field(post(finance, f"/api/tranches/{first['id']}/release"))) == ["tranche"]
    # The officer who released cannot approve (four-eyes); the second one does, in the ledger's API.
    assert post(finance, f"/api/payment-requests/{request_id}/approve").status_code == 403
    approved = post(second, f"/api/payment-requests/{request_id}/approve")
    assert approved.status_code == 200, approved.content
    entry = JournalEntry.objects.get(pk=approved.json()["entry"])

    paid = client_for(people["grantee"]).get(f"/api/tranches/{first['id']}").json()
    assert paid["state"] == "paid" and paid["ledger_entry"] == entry.pk
    assert paid["paid_on"] == timezone.localdate().isoformat()
    listed = finance.get(f"/api/investments/{own.reference}/tranches", {"state": "paid"}).json()["items"]
    assert [t["id"] for t in listed] == [first["id"]]
    detail = finance.get(f"/api/investments/{own.reference}").json()
    assert detail["payments"]["paid"]["amount"] == str(32_000 * USD_CENTS)

    accept_all(own, people["mentor"], quarter=2)
    assert (
        post(
            finance,
            f"/api/tranches/{later['id']}/release",
            {"payment_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat()},
        ).status_code
        == 200
    )


def test_fund_managers_cancel_and_reduce_tranches(
    portfolio: Any, people: dict[str, User], client_for: Clients
) -> None:
    own = portfolio[0]
    second, third = own.tranches.get(number=2), own.tranches.get(number=3)
    manager, finance = client_for(people["fund_manager"]), client_for(people["finance_officer"])
    assert post(finance, f"/api/tranches/{second.pk}/cancel", {"reason": "x"}).status_code == 403
    assert (
        post(finance, f"/api/tranches/{second.pk}/reduce", {"amount": "1", "reason": "x"}).status_code == 403
    )
    assert list(messages_by_field(post(manager, f"/api/tranches/{second.pk}/cancel", {"reason": " "}))) == [
        "reason"
    ]
    fields = messages_by_field(
        post(
            manager,
            f"/api/tranches/{second.pk}/reduce",
            {"amount": str(second.amount), "reason": "Scope cut"},
        )
    )
    assert list(fields) == ["amount"]
    fields = messages_by_field(
        post(manager, f"/api/tranches/{second.pk}/reduce", {"amount": "1.5", "reason": "x"})
    )
    assert list(fields) == ["amount"]
    reduced = post(manager, f"/api/tranches/{second.pk}/reduce", {"amount": "1000000", "reason": "Scope cut"})
    assert reduced.status_code == 200, reduced.content
    assert reduced.json()["amount"] == "1000000"
    assert reduced.json()["original_amount"] == str(second.amount)
    cancelled = post(manager, f"/api/tranches/{third.pk}/cancel", {"reason": "The team stopped."})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert list(
        messages_by_field(post(manager, f"/api/tranches/{third.pk}/cancel", {"reason": "again"}))
    ) == ["tranche"]
    assert list(messages_by_field(post(finance, f"/api/tranches/{third.pk}/release"))) == ["tranche"]


# --- Reports -------------------------------------------------------------------------------------


def test_the_team_submits_a_report(portfolio: Any, people: dict[str, User], client_for: Clients) -> None:
    own = portfolio[0]
    grantee = client_for(people["grantee"])
    reports = grantee.get(f"/api/investments/{own.reference}/reports").json()
    assert reports["count"] == 4 and {r["status"] for r in reports["items"]} == {"due"}
    current, future = (Report.objects.get(pk=reports["items"][i]["id"]) for i in (0, 1))
    detail = grantee.get(f"/api/reports/{current.pk}").json()
    assert "people_reached" in {field["key"] for field in detail["fields"]}
    assert (
        post(client_for(people["fund_manager"]), f"/api/reports/{current.pk}", {"narrative": "x"}).status_code
        == 403
    )
    fields = messages_by_field(post(grantee, f"/api/reports/{current.pk}", {"kpis": {"people_reached": -3}}))
    assert set(fields) == {"people_reached", "narrative"}
    assert list(
        messages_by_field(
            post(grantee, f"/api/reports/{current.pk}", {"kpis": {"bogus": 1}, "narrative": "x"})
        )
    ) == ["kpis"]
    assert list(messages_by_field(post(grantee, f"/api/reports/{future.pk}", {"narrative": "Early"}))) == [
        "report"
    ]
    response = post(
        grantee,
        f"/api/reports/{current.pk}",
        {"kpis": {"people_reached": "1,200", "active_users": 45.5}, "narrative": "A good quarter."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["kpis"] == {"people_reached": 1200, "active_users": 45.5}
    assert body["submitted_by"] == "Grantee"
    submitted = client_for(people["mentor"]).get(
        f"/api/investments/{own.reference}/reports", {"status": "submitted"}
    )
    assert [r["id"] for r in submitted.json()["items"]] == [current.pk]


# --- Follow-on rounds and knowledge products -----------------------------------------------------


def test_follow_on_rounds(
    portfolio: Any, people: dict[str, User], client_for: Clients, donor: Organization
) -> None:
    own = portfolio[0]
    url = f"/api/investments/{own.reference}/follow-ons"
    body = {
        "date": timezone.localdate().isoformat(),
        "asset": "USD",
        "amount": str(160_000 * USD_CENTS),
        "instrument": "equity",
        "investors": ["norway"],
        "note": "Seed round",
    }
    assert post(client_for(people["grantee"]), url, body).status_code == 403
    assert post(client_for(people["mentor"]), url, body).status_code == 403
    manager = client_for(people["fund_manager"])
    assert list(messages_by_field(post(manager, url, {**body, "investors": ["nobody"]}))) == ["investors"]
    assert list(messages_by_field(post(manager, url, {**body, "investors": []}))) == ["investors"]
    assert list(messages_by_field(post(manager, url, {**body, "date": "2001-01-01"}))) == ["date"]
    response = post(manager, url, body)
    assert response.status_code == 201, response.content
    assert response.json()["investors"] == [{"slug": "norway", "name": "Norway"}]
    assert response.json()["amount_display"] == "160,000.00 USD"
    listed = client_for(people["grantee"]).get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["note"] == "Seed round"
    assert (
        client_for(people["grantee"]).get(f"/api/investments/{own.reference}").json()["follow_on_multiple"]
        == "2.00"
    )


def test_knowledge_products_are_public(portfolio: Any, people: dict[str, User], client_for: Clients) -> None:
    own, other, _third = portfolio
    body = {
        "title": "Open data for agriculture",
        "kind": "research",
        "licence": "CC-BY-4.0",
        "published_on": "2023-05-01",
        "url": "https://example.org/research.pdf",
        "summary": "What the cohort learned.",
        "investments": [own.reference, other.reference],
    }
    assert post(client_for(people["grantee"]), "/api/knowledge-products", body).status_code == 403
    assert post(Client(), "/api/knowledge-products", body).status_code == 401
    manager = client_for(people["fund_manager"])
    assert list(
        messages_by_field(post(manager, "/api/knowledge-products", {**body, "url": "javascript:alert(1)"}))
    ) == ["url"]
    assert list(
        messages_by_field(post(manager, "/api/knowledge-products", {**body, "investments": ["X-1"]}))
    ) == ["investments"]
    assert list(messages_by_field(post(manager, "/api/knowledge-products", {**body, "licence": " "}))) == [
        "licence"
    ]
    created = post(manager, "/api/knowledge-products", body)
    assert created.status_code == 201, created.content
    assert sorted(created.json()["investments"]) == sorted([own.reference, other.reference])
    assert created.json()["file_url"] is None and created.json()["file_name"] is None
    services.knowledge_product_create(
        actor=None,
        title="A toolkit",
        kind="toolkit",
        licence="CC0-1.0",
        published_on=dt.date(2024, 1, 1),
        url="https://x.org",
    )

    public = Client().get("/api/knowledge-products").json()
    assert public["count"] == 2
    assert [item["title"] for item in public["items"]] == ["A toolkit", "Open data for agriculture"]
    assert public["items"][1]["investments"] == []  # the public sees no investment
    assert client_for(people["grantee"]).get("/api/knowledge-products").json()["items"][1]["investments"] == [
        own.reference
    ]
    assert Client().get("/api/knowledge-products", {"kind": "toolkit"}).json()["count"] == 1
    assert Client().get("/api/knowledge-products", {"q": "agriculture"}).json()["count"] == 1
    assert Client().get("/api/knowledge-products", {"page": 2, "page_size": 1}).json()["items"][0][
        "title"
    ] == ("Open data for agriculture")
    product = KnowledgeProduct.objects.get(title="A toolkit")
    assert Client().get(f"/api/knowledge-products/{product.pk}").json()["licence"] == "CC0-1.0"
    assert Client().get("/api/knowledge-products/999999").status_code == 404


# --- Queries -------------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("persona", ["fund_manager", "grantee"])
@pytest.mark.parametrize("url", ["/api/investments", "/api/investments?country=KE&sort=team"])
def test_the_list_keeps_a_constant_number_of_queries(
    make_investment: Any,
    team: Organization,
    other_team: Organization,
    office: Organization,
    people: dict[str, User],
    client_for: Clients,
    persona: str,
    url: str,
) -> None:
    organizations = [team, other_team, office]
    both = list(Country.objects.filter(iso2__in=["KE", "GH"]))
    made = 0

    def grow(count: int) -> None:
        nonlocal made
        for _ in range(count):
            organization = organizations[made % 3]
            make_investment(
                organization, amount_usd=50_000 + made, countries=both if made % 2 else [organization.country]
            )
            made += 1

    client = client_for(people[persona])
    grow(3)
    client.get(url)
    small = _count(client, url)
    grow(9)
    assert _count(client, url) == small
    assert client.get(url).json()["count"] > 1


def test_the_plan_lists_keep_a_constant_number_of_queries(
    make_investment: Any, team: Organization, people: dict[str, User], client_for: Clients
) -> None:
    investment = make_investment(team)
    client = client_for(people["fund_manager"])
    urls = [f"/api/investments/{investment.reference}{suffix}" for suffix in ("", "/milestones", "/tranches")]
    small = [_count(client, url) for url in urls]
    for milestone in Milestone.objects.filter(investment=investment)[:4]:
        services.evidence_submit(
            actor=people["grantee"], milestone=milestone, url="https://example.org/x", text="y"
        )
    accept_all(investment, people["mentor"], quarter=1)
    services.tranche_release(actor=people["finance_officer"], tranche=investment.tranches.get(number=1))
    assert [_count(client, url) for url in urls] == small
