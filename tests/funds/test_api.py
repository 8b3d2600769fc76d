"""The ledger's JSON API: funds, balances, entries and statements (read); donations, pledges and payment
requests (write). Amounts go out as exact strings of base units beside a display text, and come in as
the text people write; the public sees nothing of the ledger."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seedbed.core.models import ApiToken
from seedbed.core.services import api_token_create
from seedbed.funds import services
from seedbed.funds.models import JournalEntry, PaymentRequest
from tests.conftest import PERSONAS
from tests.core.helpers import make_organization
from tests.funds.test_pages import USD_CENTS, WEI, Ledger, build_ledger, ledger_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(books, personas) -> Ledger:
    return build_ledger(books, personas)


@pytest.fixture
def manager(personas, client_for) -> Client:
    return client_for(personas["fund_manager"])


@pytest.fixture
def officer(ledger, client_for) -> Client:
    return client_for(ledger.officer)


@pytest.fixture
def second_officer(ledger, client_for) -> Client:
    return client_for(ledger.second_officer)


def post_json(client: Client, url: str, payload: dict | None = None, **extra):
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json", **extra)


def messages_by_field(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    fields: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        field = next(str(part) for part in error["loc"] if part not in {"body", "query", "payload", "period"})
        fields.setdefault(field, []).append(error["msg"])
    return fields


# --- Reads ---------------------------------------------------------------------------------------------


def test_fund_list_with_holdings_in_base_units_and_display(manager, ledger):
    body = manager.get("/api/funds").json()
    assert body["count"] == 2
    crypto, venture = body["items"]
    assert (crypto["slug"], venture["slug"]) == ("crypto", "venture")
    assert venture["reporting_currency"] == "USD"
    assert venture["balances"]["holdings"] == [
        {
            "asset": "USD",
            "amount": "3540000000",
            "amount_display": "35,400,000.00 USD",
            "value": "35400000",
            "value_display": "35,400,000.00 USD",
        }
    ]
    holdings = {holding["asset"]: holding for holding in crypto["balances"]["holdings"]}
    assert holdings["ETH"]["amount"] == str(2267 * WEI)
    assert holdings["ETH"]["amount_display"] == "2,267 ETH"
    assert holdings["BTC"]["value"] is None
    assert holdings["BTC"]["value_display"] == "price missing"
    assert crypto["balances"]["total_value"] is None


def test_fund_detail(manager, ledger):
    body = manager.get("/api/funds/crypto").json()
    assert body["crypto_only"] is True and body["allows_conversion"] is False
    assert [asset["code"] for asset in body["allowed_assets"]] == ["BTC", "ETH"]
    assert body["url"] == "/funds/crypto/"
    assert manager.get("/api/funds/nope").status_code == 404


def test_balances_at_a_date(manager, ledger):
    before = manager.get("/api/funds/crypto/balances?on=2021-05-31").json()
    assert before["holdings"] == []
    assert before["total_value"] == "0"
    june = manager.get("/api/funds/crypto/balances?on=2021-06-30").json()
    assert june["on"] == "2021-06-30"
    assert june["holdings"] == [
        {
            "asset": "ETH",
            "amount": str(2267 * WEI),
            "amount_display": "2,267 ETH",
            "value": "5101033.375",
            "value_display": "5,101,033.38 USD",
        }
    ]
    assert june["total_value"] == "5101033.375"
    assert manager.get("/api/funds/crypto/balances?on=2021-02-30").status_code == 422


def test_entries_are_paginated_and_filtered(manager, ledger):
    body = manager.get("/api/funds/venture/entries").json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["id"] == ledger.donation.pk
    assert first["kind"] == "donation"
    assert first["counterparty"] == "government-of-norway"
    assert first["amounts"] == [
        {
            "asset": "USD",
            "amount": "3500000000",
            "amount_display": "35,000,000.00 USD",
            "holdings_change": "3500000000",
            "holdings_change_display": "35,000,000.00 USD",
        }
    ]
    assert first["reversed_by"] is None
    assert manager.get("/api/funds/venture/entries?kind=pledge").json()["count"] == 1
    assert manager.get("/api/funds/venture/entries?from=2021-02-01&to=2021-02-28").json()["count"] == 1
    assert manager.get("/api/funds/venture/entries?asset=eth").json()["count"] == 0
    assert manager.get("/api/funds/crypto/entries?asset=eth").json()["count"] == 1
    assert manager.get("/api/funds/venture/entries?counterparty=ethereum-foundation").json()["count"] == 0
    assert manager.get("/api/funds/venture/entries?kind=bogus").status_code == 422
    assert manager.get("/api/funds/venture/entries?from=soon").status_code == 422
    assert manager.get("/api/funds/venture/entries?page=99").status_code in {200, 422}


def test_entry_detail_with_postings(manager, officer, ledger):
    officer.post(f"/ledger/entries/{ledger.eth_donation.pk}/reverse/", {"effective_date": "2021-06-02"})
    reversal = JournalEntry.objects.get(reverses=ledger.eth_donation)
    body = manager.get(f"/api/entries/{ledger.eth_donation.pk}").json()
    assert body["reversed_by"] == reversal.pk
    assert body["counterparty_name"] == "Ethereum Foundation"
    assert sorted((p["account"], p["amount"], p["value"]) for p in body["postings"]) == [
        ("asset:wallet:ETH", str(2267 * WEI), "5667500"),
        ("income:donations:ETH:ethereum-foundation", str(-2267 * WEI), "-5667500"),
    ]
    assert body["postings"][0]["amount_display"] in {"2,267 ETH", "-2,267 ETH"}
    reversed_body = manager.get(f"/api/entries/{reversal.pk}").json()
    assert reversed_body["reverses"] == ledger.eth_donation.pk
    assert reversed_body["kind"] == "reversal"
    assert manager.get("/api/entries/999999").status_code == 404


def test_statement(manager, ledger):
    body = manager.get("/api/funds/crypto/statement?from=2021-06-01&to=2021-06-30").json()
    assert (body["from"], body["to"]) == ("2021-06-01", "2021-06-30")
    (eth,) = body["lines"]
    assert eth["asset"] == "ETH"
    assert (eth["opening"], eth["inflow"], eth["outflow"], eth["closing"]) == (
        "0",
        str(2267 * WEI),
        "0",
        str(2267 * WEI),
    )
    assert eth["closing_display"] == "2,267 ETH"
    assert (eth["inflow_value"], eth["closing_value"], eth["revaluation"]) == (
        "5667500",
        "5101033.375",
        "-566466.625",
    )
    assert body["has_missing_prices"] is False
    whole_year = manager.get("/api/funds/crypto/statement?from=2021-01-01&to=2021-12-31").json()
    assert whole_year["has_missing_prices"] is True
    assert whole_year["closing_value"] is None


def test_statement_needs_a_valid_period(manager, ledger):
    assert "to" in messages_by_field(
        manager.get("/api/funds/venture/statement?from=2021-12-31&to=2021-01-01")
    )
    assert manager.get("/api/funds/venture/statement?from=2021-01-01").status_code == 422
    assert manager.get("/api/funds/venture/statement").status_code == 422


def test_payment_request_list_and_detail(manager, ledger):
    body = manager.get("/api/payment-requests").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["amount"] == "5000000" and item["amount_display"] == "50,000.00 USD"
    assert item["status"] == "pending" and item["counterparty"] == "kijani-data-labs"
    assert manager.get("/api/payment-requests?status=posted").json()["count"] == 0
    assert manager.get(f"/api/payment-requests/{ledger.request.pk}").json()["id"] == ledger.request.pk


def test_token_authentication_reads_the_ledger(personas, ledger):
    _token, secret = api_token_create(actor=personas["fund_manager"], name="t")
    client = Client()
    assert client.get("/api/funds", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert ApiToken.objects.count() == 1


# --- Writes --------------------------------------------------------------------------------------------

DONATION = {
    "donor": "ethereum-foundation",
    "asset": "ETH",
    "amount": "1.5",
    "effective_date": "2021-08-01",
    "memo": "Second gift",
    "external_ref": "0xabc",
}


def test_a_finance_officer_records_a_donation_in_human_units(officer, ledger):
    response = post_json(officer, "/api/funds/crypto/donations", DONATION)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "donation"
    assert body["amounts"][0]["amount"] == str(15 * 10**17)
    assert body["amounts"][0]["amount_display"] == "1.5 ETH"
    entry = JournalEntry.objects.get(pk=body["id"])
    assert entry.recorded_by == ledger.officer
    assert entry.external_ref == "0xabc"
    # The same reference again is refused on its field.
    assert "external_ref" in messages_by_field(post_json(officer, "/api/funds/crypto/donations", DONATION))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "1.0000000000000000001"}, "amount", "ETH has 18 decimals; 1.0000000000000000001 has 19."),
        ({"amount": "1,5"}, "amount", "use “.” for decimals"),
        ({"amount": "-1"}, "amount", "The amount cannot be negative."),
        ({"amount": "0"}, "amount", "more than zero"),
        ({"amount": "1e3"}, "amount", "without an exponent"),
        ({"asset": "USD", "amount": "10"}, "asset", "CryptoFund"),
        ({"asset": "XYZ"}, "asset", "No asset has the code"),
        ({"donor": "nobody"}, "donor", "No organization has the slug"),
        ({"effective_date": "2021-02-30"}, "effective_date", ""),
        ({"effective_date": "2099-01-01"}, "effective_date", "cannot be in the future"),
    ],
)
def test_bad_donations_are_422_on_their_field_and_write_nothing(officer, ledger, changes, field, message):
    before = ledger_state()
    response = post_json(officer, "/api/funds/crypto/donations", {**DONATION, **changes})
    errors = messages_by_field(response)
    assert field in errors, errors
    assert any(message in text for text in errors[field]), errors
    assert ledger_state() == before


def test_pledges_and_receipts(officer, ledger):
    pledge = {**DONATION, "asset": "USD", "amount": "250,000.00", "donor": "government-of-norway"}
    pledge.pop("external_ref")
    response = post_json(officer, "/api/funds/venture/pledges", pledge)
    assert response.status_code == 201, response.content
    assert response.json()["amounts"][0]["holdings_change"] == "0"
    receipt = {**pledge, "amount": "850,000.01"}  # 600,000 + 250,000 outstanding
    before = ledger_state()
    errors = messages_by_field(post_json(officer, "/api/funds/venture/pledge-receipts", receipt))
    assert "outstanding" in errors["amount"][0]
    assert ledger_state() == before
    ok = post_json(officer, "/api/funds/venture/pledge-receipts", {**pledge, "amount": "850000"})
    assert ok.status_code == 201
    assert ok.json()["amounts"][0]["holdings_change_display"] == "850,000.00 USD"


def test_payment_request_four_eyes_through_the_api(officer, second_officer, ledger):
    response = post_json(
        officer,
        "/api/funds/crypto/payment-requests",
        {
            "kind": "disbursement",
            "asset": "ETH",
            "amount": "2.25",
            "effective_date": "2021-09-01",
            "memo": "Grant",
            "counterparty": "kijani-data-labs",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "pending" and created["amount"] == str(225 * 10**16)
    url = f"/api/payment-requests/{created['id']}"
    before = ledger_state()
    own = post_json(officer, f"{url}/approve")
    assert own.status_code == 403
    assert ledger_state() == before
    approved = post_json(second_officer, f"{url}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "posted"
    entry = JournalEntry.objects.get(pk=approved.json()["entry"])
    assert entry.approved_by == ledger.second_officer
    again = post_json(second_officer, f"{url}/approve")
    assert again.status_code == 422
    assert "no longer waiting" in json.dumps(again.json())


def test_payment_request_errors(officer, ledger):
    base = {
        "kind": "transfer",
        "asset": "USD",
        "amount": "10.00",
        "effective_date": "2021-09-01",
        "memo": "Move",
    }
    before = ledger_state()
    assert "to_fund" in messages_by_field(post_json(officer, "/api/funds/venture/payment-requests", base))
    assert "to_fund" in messages_by_field(
        post_json(officer, "/api/funds/venture/payment-requests", {**base, "to_fund": "nowhere"})
    )
    assert "amount" in messages_by_field(
        post_json(
            officer, "/api/funds/venture/payment-requests", {**base, "to_fund": "crypto", "amount": "1.001"}
        )
    )
    assert "kind" in messages_by_field(
        post_json(officer, "/api/funds/venture/payment-requests", {**base, "kind": "gift"})
    )
    assert ledger_state() == before


def test_reject_needs_a_note(second_officer, ledger):
    url = f"/api/payment-requests/{ledger.request.pk}/reject"
    before = ledger_state()
    assert post_json(second_officer, url, {}).status_code == 422
    assert "note" in messages_by_field(post_json(second_officer, url, {"note": "  "}))
    assert ledger_state() == before
    response = post_json(second_officer, url, {"note": "Not this quarter"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["decision_note"] == "Not this quarter"


def test_cancel_is_for_the_requester(officer, second_officer, ledger):
    url = f"/api/payment-requests/{ledger.request.pk}/cancel"
    assert post_json(second_officer, url).status_code == 403
    response = post_json(officer, url)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


# --- Who may do what -----------------------------------------------------------------------------------

READS = [
    "/api/funds",
    "/api/funds/venture",
    "/api/funds/venture/balances?on=2021-12-31",
    "/api/funds/venture/entries",
    "/api/entries/{entry}",
    "/api/funds/venture/statement?from=2021-01-01&to=2021-12-31",
    "/api/payment-requests",
    "/api/payment-requests/{request}",
]
LEDGER_VIEWERS = {"fund_manager", "finance_officer", "administrator"}


@pytest.mark.parametrize("persona", ["anonymous", *sorted(PERSONAS)])
@pytest.mark.parametrize("url", READS)
def test_who_may_read_the_ledger(client_for, personas, ledger, persona, url):
    client = client_for(None if persona == "anonymous" else personas[persona])
    response = client.get(url.format(entry=ledger.donation.pk, request=ledger.request.pk))
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in LEDGER_VIEWERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.json() == {"detail": "You are not allowed to do this."}


WRITES: list[tuple[str, dict]] = [
    ("/api/funds/crypto/donations", DONATION),
    (
        "/api/funds/venture/pledges",
        {**DONATION, "asset": "USD", "amount": "5", "donor": "government-of-norway"},
    ),
    (
        "/api/funds/venture/payment-requests",
        {"kind": "fee", "asset": "USD", "amount": "5", "effective_date": "2021-09-01", "memo": "Fee"},
    ),
    ("/api/payment-requests/{request}/approve", {}),
    ("/api/payment-requests/{request}/reject", {"note": "No"}),
    ("/api/payment-requests/{request}/cancel", {}),
]


@pytest.mark.parametrize("persona", ["anonymous", *sorted(set(PERSONAS) - {"finance_officer"})])
@pytest.mark.parametrize(("url", "payload"), WRITES)
def test_only_finance_officers_write(client_for, personas, ledger, persona, url, payload):
    client = client_for(None if persona == "anonymous" else personas[persona])
    before = ledger_state()
    response = post_json(client, url.format(request=ledger.request.pk), payload)
    assert response.status_code == (401 if persona == "anonymous" else 403)
    assert ledger_state() == before


def test_a_finance_officer_without_a_second_factor_is_refused(personas, ledger):
    client = Client()
    client.force_login(personas["finance_officer"], backend="django.contrib.auth.backends.ModelBackend")
    before = ledger_state()
    assert client.get("/api/funds").status_code == 403
    assert post_json(client, "/api/funds/crypto/donations", DONATION).status_code == 403
    assert ledger_state() == before


# --- A constant number of queries ----------------------------------------------------------------------

N = 3


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(captured)


def assert_constant(
    client: Client, url: str, grow: Callable[[int], None], django_assert_max_num_queries: Callable
) -> None:
    grow(N)
    client.get(url)  # warm-up
    small = count_queries(client, url)
    grow(2 * N)  # now 3N rows
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


def grow_movements(ledger: Ledger) -> Callable[[int], None]:
    made = [0]

    def grow(count: int) -> None:
        books = ledger.books
        for _ in range(count):
            n = made[0]
            made[0] += 1
            donor = make_organization(f"API donor {n:03d}", "donor")
            day = dt.date(2021, 1 + n % 12, 1 + n % 28)
            services.donation_record(
                actor=None,
                fund=books.venture,
                donor=donor,
                asset="USD",
                amount=USD_CENTS + n,
                effective_date=day,
            )
            services.donation_record(
                actor=None, fund=books.venture, donor=donor, asset="ETH", amount=WEI, effective_date=day
            )
            services.payment_request_create(
                actor=ledger.officer,
                fund=books.venture,
                kind="fee",
                asset="USD",
                amount=1,
                effective_date=day,
                memo=f"Fee {n}",
            )

    return grow


def grow_funds(ledger: Ledger) -> Callable[[int], None]:
    from seedbed.funds.models import Fund

    made = [0]

    def grow(count: int) -> None:
        books = ledger.books
        for _ in range(count):
            n = made[0]
            made[0] += 1
            fund = Fund.objects.create(
                name=f"API fund {n}", slug=f"api-fund-{n}", kind="other", reporting_asset=books.usd
            )
            fund.allowed_assets.set([books.usd, books.eth])
            for asset, amount in (("USD", 100), ("ETH", WEI)):
                services.donation_record(
                    actor=None,
                    fund=fund,
                    donor=ledger.norway,
                    asset=asset,
                    amount=amount,
                    effective_date=dt.date(2021, 7, 1),
                )

    return grow


def test_fund_list_queries(manager, ledger, django_assert_max_num_queries):
    assert_constant(manager, "/api/funds", grow_funds(ledger), django_assert_max_num_queries)


def test_entry_list_queries(manager, ledger, django_assert_max_num_queries):
    assert_constant(
        manager, "/api/funds/venture/entries", grow_movements(ledger), django_assert_max_num_queries
    )


def test_filtered_entry_list_queries(manager, ledger, django_assert_max_num_queries):
    assert_constant(
        manager,
        "/api/funds/venture/entries?asset=ETH&from=2021-01-01&to=2021-12-31",
        grow_movements(ledger),
        django_assert_max_num_queries,
    )


def test_statement_queries(manager, ledger, django_assert_max_num_queries):
    assert_constant(
        manager,
        "/api/funds/venture/statement?from=2021-01-01&to=2021-12-31",
        grow_movements(ledger),
        django_assert_max_num_queries,
    )


def test_payment_request_list_queries(manager, ledger, django_assert_max_num_queries):
    assert_constant(manager, "/api/payment-requests", grow_movements(ledger), django_assert_max_num_queries)


def test_the_api_documents_the_ledger(manager):
    schema = manager.get("/api/openapi.json").json()
    for path in (
        "/api/funds",
        "/api/funds/{slug}/balances",
        "/api/funds/{slug}/entries",
        "/api/funds/{slug}/statement",
        "/api/entries/{entry_id}",
        "/api/funds/{slug}/donations",
        "/api/funds/{slug}/pledges",
        "/api/funds/{slug}/payment-requests",
        "/api/payment-requests/{request_id}/approve",
        "/api/payment-requests/{request_id}/reject",
    ):
        assert path in schema["paths"], path
    assert PaymentRequest.objects.count() == 0
