"""The fund pages: overview, fund detail, statement, journal entries and payment requests.

Through the test client only, as the personas of tests/conftest.py. Money is recorded with the services;
pages read it back in native units and in USD, export it, and never show anything to people who may not
see the ledger.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from seedbed.core.models import AuditEvent, Job, JobStatus, Organization, User
from seedbed.core.roles import Role
from seedbed.funds import prices, services
from seedbed.funds.models import JournalEntry, PaymentRequest, Posting
from tests.conftest import PERSONAS, make_user
from tests.core.helpers import make_organization, scripts_of, text

pytestmark = pytest.mark.django_db

USD_CENTS = 100
WEI = 10**18
SATOSHI = 10**8


# --- The books for these tests -------------------------------------------------------------------------


@dataclass
class Ledger:
    books: object
    norway: Organization
    foundation: Organization
    grantee: Organization
    officer: User
    second_officer: User
    donation: JournalEntry
    eth_donation: JournalEntry
    request: PaymentRequest


def build_ledger(books, personas) -> Ledger:
    """The Venture Fund with USD 35M and a pledge; the CryptoFund with 2267 ETH and 8 BTC (2021)."""
    norway = make_organization("Government of Norway", "government")
    foundation = make_organization("Ethereum Foundation", "donor")
    grantee = make_organization("Kijani Data Labs", "startup")
    donation = services.donation_record(
        actor=None,
        fund=books.venture,
        donor=norway,
        asset=books.usd,
        amount=35_000_000 * USD_CENTS,
        effective_date=dt.date(2021, 3, 1),
        memo="Core contribution 2021",
    )
    services.pledge_record(
        actor=None,
        fund=books.venture,
        donor=norway,
        asset=books.usd,
        amount=1_000_000 * USD_CENTS,
        effective_date=dt.date(2021, 1, 15),
    )
    services.pledge_receipt_record(
        actor=None,
        fund=books.venture,
        donor=norway,
        asset=books.usd,
        amount=400_000 * USD_CENTS,
        effective_date=dt.date(2021, 2, 1),
    )
    eth_donation = services.donation_record(
        actor=None,
        fund=books.crypto,
        donor=foundation,
        asset=books.eth,
        amount=2267 * WEI,
        effective_date=dt.date(2021, 6, 1),
    )
    services.donation_record(
        actor=None,
        fund=books.crypto,
        donor=foundation,
        asset=books.btc,
        amount=8 * SATOSHI,
        effective_date=dt.date(2021, 7, 1),
    )
    prices.price_record(
        actor=None,
        asset=books.eth,
        quote=books.usd,
        as_of=dt.date(2021, 5, 31),
        price="2500",
        source="test prices",
    )
    prices.price_record(
        actor=None,
        asset=books.eth,
        quote=books.usd,
        as_of=dt.date(2021, 6, 30),
        price="2250.125",
        source="test prices",
    )
    officer = personas["finance_officer"]
    request = services.payment_request_create(
        actor=officer,
        fund=books.venture,
        kind="disbursement",
        asset=books.usd,
        amount=50_000 * USD_CENTS,
        effective_date=dt.date(2021, 9, 1),
        memo="First tranche to Kijani",
        counterparty=grantee,
    )
    return Ledger(
        books=books,
        norway=norway,
        foundation=foundation,
        grantee=grantee,
        officer=officer,
        second_officer=make_user("second_officer", (Role.FINANCE_OFFICER,)),
        donation=donation,
        eth_donation=eth_donation,
        request=request,
    )


@pytest.fixture
def ledger(books, personas) -> Ledger:
    return build_ledger(books, personas)


@pytest.fixture
def officer(ledger, client_for) -> Client:
    return client_for(ledger.officer)


@pytest.fixture
def second_officer(ledger, client_for) -> Client:
    return client_for(ledger.second_officer)


@pytest.fixture
def manager(personas, client_for) -> Client:
    return client_for(personas["fund_manager"])


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def normalized(row: list[object]) -> list[object]:
    """Cells as the same values whichever the format: numbers (written exactly in CSV, read back from
    XLSX as numbers) become Decimals, everything else text."""
    result: list[object] = []
    for cell in row:
        text_value = str(cell)
        result.append(Decimal(text_value) if re.fullmatch(r"-?\d+(\.\d+)?", text_value) else text_value)
    return result


def download(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def squash(html: str) -> str:
    """The page's text with tags removed and spaces collapsed, for reading figures in tables."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def ledger_state() -> dict[str, object]:
    """Everything a money write could change, to compare before and after a refused request."""
    return {
        "entries": list(JournalEntry.objects.order_by("pk").values_list("pk", "kind")),
        "postings": Posting.objects.count(),
        "requests": list(
            PaymentRequest.objects.order_by("pk").values_list("pk", "status", "decided_by_id", "entry_id")
        ),
        "audit": AuditEvent.objects.count(),
    }


# --- Overview ------------------------------------------------------------------------------------------


def test_overview_shows_each_funds_holdings_in_native_units_and_usd(manager, ledger):
    response = manager.get("/funds/?on=2021-12-31")
    assert response.status_code == 200
    body = squash(text(response))
    assert "Venture Fund Venture fund USD 35,400,000.00 USD 35,400,000.00 USD" in body
    # 2267 ETH at the latest price on or before 31 December (2250.125 USD).
    assert "CryptoFund" in body
    assert "2,267 ETH 5,101,033.38 USD" in body
    # No BTC price was ever recorded: shown as missing, never guessed, and the total says so.
    assert "8 BTC price missing" in body
    assert "incomplete: a price is missing" in body
    # All funds together.
    assert "All funds USD 35,400,000.00 USD" in body


def test_overview_at_an_earlier_date_counts_only_what_had_happened(manager, ledger):
    body = squash(text(manager.get("/funds/?on=2021-02-15")))
    assert "400,000.00 USD" in body
    assert "ETH" not in body.split("All funds")[0].split("CryptoFund")[1]


def test_overview_values_btc_once_a_price_is_recorded(manager, ledger):
    prices.price_record(
        actor=None,
        asset=ledger.books.btc,
        quote=ledger.books.usd,
        as_of=dt.date(2021, 12, 1),
        price="57000",
        source="test",
    )
    body = squash(text(manager.get("/funds/?on=2021-12-31")))
    assert "8 BTC 456,000.00 USD" in body
    assert "price missing" not in body


# --- Fund detail ---------------------------------------------------------------------------------------


def test_fund_page_shows_holdings_chart_movements_pending_payments_and_trial_balance(manager, ledger):
    response = manager.get("/funds/venture/")
    assert response.status_code == 200
    html = text(response)
    body = squash(html)
    assert "35,400,000.00 USD" in body
    # The chart is an SVG with a title and a table of its figures.
    assert "<svg" in html and "<title id=" in html
    assert "Holdings of USD at each month" in html
    assert "2021-03-31 35,400,000.00 USD" in body
    # Movements, newest first, with their effect on holdings.
    rows = re.findall(r'<td><a href="/ledger/entries/(\d+)/">', html)
    assert len(rows) == 3
    assert int(rows[0]) == ledger.donation.pk
    assert "+35,000,000.00 USD" in body
    # The pledge moved no holdings.
    assert "Pledge Government of Norway 1,000,000.00 USD —" in body
    # The pending payment request, the donors, the trial balance.
    assert f'href="/payment-requests/{ledger.request.pk}/"' in html
    assert "Kijani Data Labs 50,000.00 USD 2021-09-01 Finance Officer" in body
    assert "Government of Norway USD 36,000,000.00 USD 35,400,000.00 USD 600,000.00 USD" in body
    assert "Total USD 36,000,000.00 USD 36,000,000.00 USD" in body
    assert "does not balance" not in body
    assert 'href="/funds/venture/statement/"' in html


def test_movement_filters(manager, ledger):
    def entries(query: str) -> list[int]:
        return [
            int(pk) for pk in re.findall(r'<td><a href="/ledger/entries/(\d+)/">', text(manager.get(query)))
        ]

    assert len(entries("/funds/venture/")) == 3
    assert entries("/funds/venture/?kind=donation") == [ledger.donation.pk]
    assert len(entries("/funds/venture/?kind=pledge")) == 1
    assert len(entries("/funds/venture/?from=2021-02-01&to=2021-02-28")) == 1
    assert len(entries("/funds/venture/?from=2021-02-01")) == 2
    assert entries("/funds/venture/?asset=ETH") == []
    assert len(entries("/funds/venture/?counterparty=government-of-norway")) == 3
    assert entries("/funds/crypto/?asset=eth") == [ledger.eth_donation.pk]
    assert entries("/funds/venture/?counterparty=ethereum-foundation") == []
    # Nonsense filters are ignored, never a 500.
    assert len(entries("/funds/venture/?kind=bogus&from=2021-02-30&to=nope")) == 3


def test_movement_filters_as_an_htmx_partial(manager, ledger):
    response = manager.get(
        "/funds/venture/?kind=donation", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="movement-results"
    )
    html = text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="movement-results">')
    assert "<html" not in html and "Holdings over time" not in html
    assert f'href="/ledger/entries/{ledger.donation.pk}/"' in html


def test_movements_are_paginated(manager, ledger):
    for day in range(1, 29):
        services.donation_record(
            actor=None,
            fund=ledger.books.venture,
            donor=ledger.norway,
            asset="USD",
            amount=100,
            effective_date=dt.date(2021, 4, day),
        )
    first = text(manager.get("/funds/venture/"))
    assert "31 entries" in first
    assert "Page 1 of 2" in first
    second = text(manager.get("/funds/venture/?page=2"))
    assert len(re.findall(r'<td><a href="/ledger/entries/(\d+)/">', second)) == 6


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_movement_export(manager, ledger, fmt):
    response = manager.get(f"/funds/venture/?kind=donation&export={fmt}")
    assert response.status_code == 200
    assert "movements-venture-" in response["Content-Disposition"]
    rows = read_csv(response.content) if fmt == "csv" else read_xlsx(response.content)
    assert rows[0][:8] == [
        "Date",
        "Entry",
        "Kind",
        "Counterparty",
        "Asset",
        "Amount",
        "Effect on holdings",
        "Amount in base units",
    ]
    assert len(rows) == 2
    assert normalized(rows[1][:8]) == normalized(
        [
            "2021-03-01",
            str(ledger.donation.pk),
            "Donation",
            "Government of Norway",
            "USD",
            "35000000.00",
            "35000000.00",
            "3500000000",
        ]
    )
    assert not Job.objects.exists()


def test_a_crypto_export_keeps_every_wei(manager, ledger):
    services.donation_record(
        actor=None,
        fund=ledger.books.crypto,
        donor=ledger.foundation,
        asset="ETH",
        amount=1 * WEI + 1,
        effective_date=dt.date(2021, 8, 1),
    )
    csv_rows = read_csv(manager.get("/funds/crypto/?asset=ETH&export=csv").content)
    assert csv_rows[1][5] == "1.000000000000000001"
    assert csv_rows[1][7] == str(WEI + 1)
    # A spreadsheet reads numbers as floats, so the base units are also written as exact text.
    xlsx_rows = read_xlsx(manager.get("/funds/crypto/?asset=ETH&export=xlsx").content)
    assert xlsx_rows[1][7] == str(WEI + 1)


def test_a_large_movement_export_runs_as_a_job(
    manager, personas, ledger, settings, django_capture_on_commit_callbacks
):
    settings.SEEDBED_EXPORT_SYNC_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.get("/funds/venture/?export=csv")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.total == job.done == 3
    assert job.message == "3 entries exported."
    rows = read_csv(download(manager.get(f"/jobs/{job.pk}/download/")))
    assert [row[2] for row in rows[1:]] == ["Donation", "Pledge receipt", "Pledge"]


# --- Statement -----------------------------------------------------------------------------------------


def test_statement_for_a_period(manager, ledger):
    response = manager.get("/funds/venture/statement/?from=2021-02-01&to=2021-12-31")
    assert response.status_code == 200
    body = squash(text(response))
    # USD: nothing before February; 400,000 received on 1 February, 35M on 1 March.
    assert "USD 0.00 USD 35,400,000.00 USD 0.00 USD 35,400,000.00 USD" in body
    later = squash(text(manager.get("/funds/venture/statement/?from=2021-03-01&to=2021-03-31")))
    assert "USD 400,000.00 USD 35,000,000.00 USD 0.00 USD 35,400,000.00 USD" in later


def test_statement_values_crypto_at_each_days_price(manager, ledger):
    body = squash(text(manager.get("/funds/crypto/statement/?from=2021-06-01&to=2021-06-30")))
    # Opening 0; 2267 ETH came in on 1 June at 2500 USD (the price of 31 May), and closed at 2250.125.
    assert "ETH 0 ETH 2,267 ETH 0 ETH 2,267 ETH" in body
    assert "0.00 USD 5,667,500.00 USD 0.00 USD -566,466.62 USD 5,101,033.38 USD" in body


def test_statement_shows_missing_prices_as_missing(manager, ledger):
    body = squash(text(manager.get("/funds/crypto/statement/?from=2021-01-01&to=2021-12-31")))
    assert "BTC 0 BTC 8 BTC 0 BTC 8 BTC" in body
    assert "price missing" in body
    assert "Some prices are missing" in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statement_export(manager, ledger, fmt):
    response = manager.get(f"/funds/crypto/statement/?from=2021-06-01&to=2021-06-30&export={fmt}")
    assert response.status_code == 200
    assert "statement-crypto-20210601-20210630" in response["Content-Disposition"]
    rows = read_csv(response.content) if fmt == "csv" else read_xlsx(response.content)
    assert rows[0] == [
        "Asset",
        "Opening",
        "In",
        "Out",
        "Closing",
        "Opening (USD)",
        "In (USD)",
        "Out (USD)",
        "Revaluation (USD)",
        "Closing (USD)",
    ]
    assert normalized(rows[1]) == normalized(
        [
            "ETH",
            "0",
            "2267",
            "0",
            "2267",
            "0.00",
            "5667500.00",
            "0.00",
            "-566466.62",
            "5101033.38",
        ]
    )


def test_a_statement_with_its_end_before_its_start_is_refused(manager, ledger):
    response = manager.get("/funds/venture/statement/?from=2021-12-31&to=2021-01-01")
    assert response.status_code == 422
    assert "The end of the period comes before its start." in text(response)
    bad = manager.get("/funds/venture/statement/?from=yesterday&to=2021-01-01")
    assert bad.status_code == 422


def test_the_default_statement_is_the_year_so_far(manager, ledger):
    response = manager.get("/funds/venture/statement/")
    assert response.status_code == 200
    assert f'value="{dt.date.today().year}-01-01"' in text(response)


# --- Journal entries -----------------------------------------------------------------------------------


def test_entry_page_shows_postings_cause_and_people(manager, ledger, second_officer):
    second_officer.post(f"/payment-requests/{ledger.request.pk}/approve/")
    ledger.request.refresh_from_db()
    entry = ledger.request.entry
    body = squash(text(manager.get(f"/ledger/entries/{entry.pk}/")))
    assert f"Entry #{entry.pk}: Disbursement" in body
    assert f"Payment request #{ledger.request.pk} , requested by Finance Officer" in body
    assert "Approved by Second Officer" in body
    assert "50,000.00 USD" in body
    assert "asset:cash:USD" in body and "expense:grants:USD:kijani-data-labs" in body
    # A fund manager sees the ledger but does not reverse entries.
    assert "Reverse this entry" not in body


def test_crypto_postings_are_valued_at_the_entrys_date(manager, ledger):
    body = squash(text(manager.get(f"/ledger/entries/{ledger.eth_donation.pk}/")))
    assert "2,267 ETH" in body
    assert "5,667,500.00 USD" in body


def test_a_finance_officer_reverses_an_entry_once(officer, ledger):
    url = f"/ledger/entries/{ledger.donation.pk}/"
    assert "Reverse this entry" in text(officer.get(url))
    response = officer.post(url + "reverse/", {"memo": "Recorded twice", "effective_date": "2021-03-02"})
    reversal = JournalEntry.objects.get(reverses=ledger.donation)
    assert response.status_code == 302
    assert response["Location"] == f"/ledger/entries/{reversal.pk}/"
    assert reversal.memo == "Recorded twice"
    assert reversal.recorded_by == ledger.officer
    original = squash(text(officer.get(url)))
    assert f"This entry was reversed by entry #{reversal.pk}" in original
    assert "Reverse this entry" not in original
    assert f"This entry reverses entry #{ledger.donation.pk}" in squash(
        text(officer.get(f"/ledger/entries/{reversal.pk}/"))
    )
    # A second reversal is refused with a message; nothing changes.
    before = ledger_state()
    again = officer.post(url + "reverse/", {"memo": "again"})
    assert again.status_code == 422
    assert ledger_state() == before


def test_reversing_is_for_finance_officers_only(manager, ledger):
    before = ledger_state()
    response = manager.post(f"/ledger/entries/{ledger.donation.pk}/reverse/", {"memo": "no"})
    assert response.status_code == 403
    assert ledger_state() == before


def test_an_unknown_entry_is_not_found(manager, ledger):
    assert manager.get("/ledger/entries/999999/").status_code == 404


# --- Payment requests ----------------------------------------------------------------------------------


def test_payment_request_list_shows_pending_requests_first(manager, ledger):
    body = squash(text(manager.get("/payment-requests/")))
    assert "1 payment request" in body
    assert "Kijani Data Labs 50,000.00 USD 2021-09-01 Finance Officer Waiting for approval" in body
    assert "0 payment requests" in squash(text(manager.get("/payment-requests/?status=posted")))
    assert "1 payment request" in squash(text(manager.get("/payment-requests/?status=&fund=venture")))
    assert "0 payment requests" in squash(text(manager.get("/payment-requests/?status=&fund=crypto")))


def test_payment_request_list_htmx_partial(manager, ledger):
    response = manager.get(
        "/payment-requests/?status=", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="payment-request-results"
    )
    html = text(response)
    assert html.lstrip().startswith('<div id="payment-request-results">')
    assert "<html" not in html


def test_a_finance_officer_requests_a_payment(officer, ledger):
    page = officer.get("/payment-requests/new/?fund=crypto")
    assert page.status_code == 200
    assert '<option value="crypto" selected>' in text(page)
    response = officer.post(
        "/payment-requests/new/",
        {
            "fund": "crypto",
            "kind": "disbursement",
            "asset": "ETH",
            "amount": "1.5",
            "counterparty": ledger.grantee.slug,
            "effective_date": "2021-09-15",
            "memo": "Grant to Kijani",
        },
    )
    created = PaymentRequest.objects.exclude(pk=ledger.request.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/payment-requests/{created.pk}/"
    assert created.amount == 15 * 10**17
    assert created.requested_by == ledger.officer
    page = squash(text(officer.get(response["Location"])))
    assert "was sent. Another finance officer must approve it." in page
    assert "Waiting for a second finance officer" in page
    assert "Approve and post" not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "10.005"}, "amount", "USD has 2 decimals; 10.005 has 3."),
        ({"amount": "1,5"}, "amount", "use “.” for decimals"),
        ({"amount": "-5"}, "amount", "The amount cannot be negative."),
        ({"fund": "crypto"}, "asset", "CryptoFund accepts and pays out only crypto assets."),
        ({"kind": "transfer"}, "to_fund", "Choose the fund that receives the transfer."),
        ({"memo": ""}, "memo", "This field is required."),
    ],
)
def test_payment_request_form_errors_write_nothing(officer, ledger, changes, field, message):
    data = {
        "fund": "venture",
        "kind": "disbursement",
        "asset": "USD",
        "amount": "100.00",
        "counterparty": ledger.grantee.slug,
        "effective_date": "2021-09-15",
        "memo": "Grant",
        **changes,
    }
    before = ledger_state()
    response = officer.post("/payment-requests/new/", data)
    assert response.status_code == 422
    html = text(response)
    assert f'id="id_{field}_errors"' in html
    errors = re.search(rf'id="id_{field}_errors">(.*?)</div>', html, re.S)
    assert errors is not None and message in errors.group(1).replace("&quot;", '"').replace("&#x27;", "'")
    assert ledger_state() == before


def test_four_eyes_the_requester_cannot_approve(officer, ledger):
    page = squash(text(officer.get(f"/payment-requests/{ledger.request.pk}/")))
    assert "Approve and post" not in page
    before = ledger_state()
    response = officer.post(f"/payment-requests/{ledger.request.pk}/approve/")
    assert response.status_code == 403
    assert "another finance officer must approve it" in text(response)
    assert ledger_state() == before


def test_a_second_finance_officer_approves_and_it_posts(second_officer, ledger):
    page = squash(text(second_officer.get(f"/payment-requests/{ledger.request.pk}/")))
    assert "Approve and post" in page
    response = second_officer.post(f"/payment-requests/{ledger.request.pk}/approve/")
    assert response.status_code == 302
    ledger.request.refresh_from_db()
    assert ledger.request.status == "posted"
    assert ledger.request.entry.approved_by == ledger.second_officer
    detail = squash(text(second_officer.get(response["Location"])))
    assert f"was approved and posted as entry #{ledger.request.entry_id}" in detail
    # Pressing again changes nothing.
    before = ledger_state()
    again = second_officer.post(f"/payment-requests/{ledger.request.pk}/approve/")
    assert again.status_code == 409
    assert "no longer waiting for approval" in text(again)
    assert ledger_state() == before


def test_rejecting_needs_a_reason(second_officer, ledger):
    before = ledger_state()
    response = second_officer.post(f"/payment-requests/{ledger.request.pk}/reject/", {"note": ""})
    assert response.status_code == 422
    assert ledger_state() == before
    response = second_officer.post(
        f"/payment-requests/{ledger.request.pk}/reject/", {"note": "Wrong grantee"}
    )
    assert response.status_code == 302
    ledger.request.refresh_from_db()
    assert (ledger.request.status, ledger.request.decision_note) == ("rejected", "Wrong grantee")


def test_the_requester_cancels_but_nobody_else_can(officer, second_officer, ledger):
    before = ledger_state()
    assert second_officer.post(f"/payment-requests/{ledger.request.pk}/cancel/").status_code == 403
    assert ledger_state() == before
    assert officer.post(f"/payment-requests/{ledger.request.pk}/cancel/").status_code == 302
    ledger.request.refresh_from_db()
    assert ledger.request.status == "cancelled"


def test_an_approval_without_enough_money_is_explained(second_officer, officer, ledger):
    officer.post(
        "/payment-requests/new/",
        {
            "fund": "crypto",
            "kind": "disbursement",
            "asset": "ETH",
            "amount": "5000",
            "counterparty": ledger.grantee.slug,
            "effective_date": "2021-09-15",
            "memo": "Too much",
        },
    )
    big = PaymentRequest.objects.get(memo="Too much")
    before = ledger_state()
    response = second_officer.post(f"/payment-requests/{big.pk}/approve/")
    assert response.status_code == 409
    assert "Not enough ETH in CryptoFund" in text(response)
    assert ledger_state() == before


# --- Who sees what -------------------------------------------------------------------------------------

PAGES = [
    "/funds/",
    "/funds/venture/",
    "/funds/venture/statement/?from=2021-01-01&to=2021-12-31",
    "/funds/venture/?export=csv",
    "/funds/venture/statement/?export=xlsx",
    "/ledger/entries/{entry}/",
    "/payment-requests/",
    "/payment-requests/{request}/",
]
LEDGER_VIEWERS = {"fund_manager", "finance_officer", "administrator"}


@pytest.mark.parametrize("persona", ["anonymous", *sorted(PERSONAS)])
@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_each_page(client_for, personas, ledger, persona, page):
    client = client_for(None if persona == "anonymous" else personas[persona])
    url = page.format(entry=ledger.donation.pk, request=ledger.request.pk)
    before = ledger_state()
    response = client.get(url)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif persona in LEDGER_VIEWERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "35,000,000" not in text(response)
    assert ledger_state() == before


WRITES = [
    ("/payment-requests/new/", {"fund": "venture"}),
    ("/payment-requests/{request}/approve/", {}),
    ("/payment-requests/{request}/reject/", {"note": "no"}),
    ("/payment-requests/{request}/cancel/", {}),
    ("/ledger/entries/{entry}/reverse/", {"memo": "no"}),
]


@pytest.mark.parametrize("persona", ["anonymous", "fund_manager", "administrator", "reviewer", "outsider"])
@pytest.mark.parametrize(("page", "data"), WRITES)
def test_only_finance_officers_move_money(client_for, personas, ledger, persona, page, data):
    client = client_for(None if persona == "anonymous" else personas[persona])
    url = page.format(entry=ledger.donation.pk, request=ledger.request.pk)
    before = ledger_state()
    response = client.post(url, data)
    assert response.status_code == (302 if persona == "anonymous" else 403)
    assert ledger_state() == before


def test_navigation_shows_funds_to_those_who_may_see_the_ledger(client_for, personas):
    for persona in ("fund_manager", "finance_officer", "administrator"):
        assert 'href="/funds/"' in text(client_for(personas[persona]).get("/"))
    for persona in ("reviewer", "committee_member", "applicant", "outsider"):
        assert 'href="/funds/"' not in text(client_for(personas[persona]).get("/"))


def test_pages_have_no_inline_scripts(officer, second_officer, ledger):
    urls = [
        "/funds/",
        "/funds/venture/",
        "/funds/crypto/",
        "/funds/crypto/statement/?from=2021-01-01&to=2021-12-31",
        f"/ledger/entries/{ledger.donation.pk}/",
        "/payment-requests/",
        "/payment-requests/new/",
        f"/payment-requests/{ledger.request.pk}/",
    ]
    for client in (officer, second_officer):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            collected = scripts_of(response)
            assert collected.handlers == [], url
            for script in collected.scripts:
                assert script["attrs"].get("src"), (url, script)
                assert not script["body"].strip(), url
            assert "style=" not in text(response), url


# --- A constant number of queries ----------------------------------------------------------------------

N = 3


def count_queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            url, **({"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": url.split("#")[1]} if "#" in url else {})
        )
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), [query["sql"] for query in captured.captured_queries]


def assert_constant(client: Client, url: str, grow: Callable[[int], None]) -> None:
    grow(N)
    client.get(url.split("#")[0])  # warm-up
    small, _sql = count_queries(client, url)
    grow(2 * N)  # now 3N
    large, sql = count_queries(client, url)
    assert large == small, f"{url}: {small} queries with few rows, {large} with more:\n" + "\n".join(sql)


class Movements:
    """Donations, pledges, receipts and payments on varied dates, donors and assets."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.made = 0

    def __call__(self, count: int) -> None:
        books = self.ledger.books
        for _ in range(count):
            n = self.made
            self.made += 1
            donor = make_organization(f"Donor {n:03d}", "donor")
            day = dt.date(2021, 1 + n % 12, 1 + n % 28)
            services.donation_record(
                actor=None, fund=books.venture, donor=donor, asset="USD", amount=1000 + n, effective_date=day
            )
            services.donation_record(
                actor=None, fund=books.venture, donor=donor, asset="ETH", amount=WEI + n, effective_date=day
            )
            services.pledge_record(
                actor=None, fund=books.venture, donor=donor, asset="USD", amount=500, effective_date=day
            )
            services.payment_request_create(
                actor=self.ledger.officer,
                fund=books.venture,
                kind="fee",
                asset="USD",
                amount=10,
                effective_date=day,
                memo=f"Fee {n}",
                counterparty=donor,
            )


class Funds:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.made = 0

    def __call__(self, count: int) -> None:
        from seedbed.funds.models import Fund

        books = self.ledger.books
        for _ in range(count):
            n = self.made
            self.made += 1
            fund = Fund.objects.create(
                name=f"Fund {n}", slug=f"fund-{n}", kind="other", reporting_asset=books.usd
            )
            fund.allowed_assets.set([books.usd, books.eth, books.btc])
            for asset, amount in (("USD", 100 + n), ("ETH", WEI), ("BTC", SATOSHI)):
                services.donation_record(
                    actor=None,
                    fund=fund,
                    donor=self.ledger.norway,
                    asset=asset,
                    amount=amount,
                    effective_date=dt.date(2021, 1 + n % 12, 1),
                )


def test_fund_list_queries(manager, ledger):
    assert_constant(manager, "/funds/", Funds(ledger))


def test_fund_detail_queries(manager, ledger):
    assert_constant(manager, "/funds/venture/", Movements(ledger))


def test_fund_detail_filtered_queries(manager, ledger):
    assert_constant(manager, "/funds/venture/?asset=USD&kind=donation&from=2021-01-01", Movements(ledger))


def test_movement_partial_queries(manager, ledger):
    assert_constant(manager, "/funds/venture/?kind=donation#movement-results", Movements(ledger))


def test_statement_queries(manager, ledger):
    assert_constant(manager, "/funds/venture/statement/?from=2021-01-01&to=2021-12-31", Movements(ledger))


def test_payment_request_list_queries(manager, ledger):
    assert_constant(manager, "/payment-requests/?status=", Movements(ledger))


def test_entry_page_queries(manager, ledger):
    assert_constant(manager, f"/ledger/entries/{ledger.donation.pk}/", Movements(ledger))
