"""A donor's statement: the page, its CSV and XLSX export, and the API.

Through the test client only. One donor pledges and pays in two receipts in the Venture Fund (USD), gives
and is refunded ETH in the CryptoFund, gives BTC that has no price, and has a donation reversed; entries
just before and just after the period show where its boundaries are.
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

from seedbed.core.models import Organization
from seedbed.funds import ledger as ledger_module
from seedbed.funds import prices, services
from seedbed.funds.models import JournalEntry
from tests.conftest import PERSONAS
from tests.core.helpers import make_organization, scripts_of, text

pytestmark = pytest.mark.django_db

USD_CENTS = 100
WEI = 10**18
SATOSHI = 10**8
PERIOD = "from=2021-01-01&to=2021-12-31"


@dataclass
class Donor:
    books: object
    norway: Organization
    other: Organization
    pledge: JournalEntry
    reversed_donation: JournalEntry
    reversal: JournalEntry
    before: JournalEntry
    after: JournalEntry
    eth_donation: JournalEntry
    btc_donation: JournalEntry
    refund: JournalEntry


def record(kind: str, fund, donor, asset, amount: int, day: dt.date, **extra) -> JournalEntry:
    service = {
        "donation": services.donation_record,
        "pledge": services.pledge_record,
        "receipt": services.pledge_receipt_record,
        "refund": services.refund_record,
    }[kind]
    return service(
        actor=None, fund=fund, donor=donor, asset=asset, amount=amount, effective_date=day, **extra
    )


@pytest.fixture
def donor(books, personas) -> Donor:
    norway = make_organization("Government of Norway", "government")
    other = make_organization("Another Donor", "donor")
    venture, crypto = books.venture, books.crypto
    before = record("donation", venture, norway, books.usd, 50_000 * USD_CENTS, dt.date(2020, 12, 31))
    pledge = record("pledge", venture, norway, books.usd, 1_000_000 * USD_CENTS, dt.date(2021, 1, 15))
    record("receipt", venture, norway, books.usd, 400_000 * USD_CENTS, dt.date(2021, 2, 1), memo="First")
    record("receipt", venture, norway, books.usd, 300_000 * USD_CENTS, dt.date(2021, 4, 1), memo="Second")
    reversed_donation = record("donation", venture, norway, books.usd, 5_000 * USD_CENTS, dt.date(2021, 3, 1))
    reversal = ledger_module.entry_reverse(
        actor=None, entry=reversed_donation, memo="Recorded twice", effective_date=dt.date(2021, 3, 5)
    )
    eth_donation = record("donation", crypto, norway, books.eth, 10 * WEI, dt.date(2021, 6, 1))
    refund = record("refund", crypto, norway, books.eth, 2 * WEI, dt.date(2021, 7, 1))
    btc_donation = record("donation", crypto, norway, books.btc, SATOSHI // 2, dt.date(2021, 8, 1))
    after = record("donation", venture, norway, books.usd, 1_000 * USD_CENTS, dt.date(2022, 1, 1))
    # Someone else's money never shows on Norway's statement.
    record("donation", venture, other, books.usd, 777 * USD_CENTS, dt.date(2021, 5, 1))
    for day, price in ((dt.date(2021, 5, 31), "2500"), (dt.date(2021, 6, 30), "2250.125")):
        prices.price_record(
            actor=None, asset=books.eth, quote=books.usd, as_of=day, price=price, source="test prices"
        )
    return Donor(
        books=books,
        norway=norway,
        other=other,
        pledge=pledge,
        reversed_donation=reversed_donation,
        reversal=reversal,
        before=before,
        after=after,
        eth_donation=eth_donation,
        btc_donation=btc_donation,
        refund=refund,
    )


@pytest.fixture
def manager(personas, client_for) -> Client:
    return client_for(personas["fund_manager"])


def url(donor: Donor, query: str = PERIOD) -> str:
    return f"/donors/{donor.norway.slug}/statement/?{query}"


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def as_text(row: list[object]) -> list[str]:
    """Cells the same whichever the format: numbers as exact decimal text (XLSX gives floats back)."""
    result = []
    for cell in row:
        if isinstance(cell, float | int) and not isinstance(cell, bool):
            cell = Decimal(str(cell)).normalize()
            cell = format(cell, "f")
        elif isinstance(cell, str) and re.fullmatch(r"-?\d+\.\d+", cell):
            cell = format(Decimal(cell).normalize(), "f")
        result.append(str(cell))
    return result


# --- The page ------------------------------------------------------------------------------------------


def test_the_statement_adds_up_per_fund_and_asset(manager, donor):
    response = manager.get(url(donor))
    assert response.status_code == 200
    body = squash(text(response))
    assert "Donor statement of Government of Norway" in body
    # Venture Fund, USD: paid in 50,000 before; pledged 1M; received 400K + 300K (+5K - 5K reversed);
    # 300K still outstanding; paid in 750K by the end. (USD is not valued again in USD.)
    assert (
        "Venture Fund USD 50,000.00 USD 0.00 USD 1,000,000.00 USD 700,000.00 USD 0.00 USD "
        "750,000.00 USD 300,000.00 USD Total in USD"
    ) in body
    # CryptoFund, ETH: 10 ETH at 2,500 in, 2 ETH at 2,250.125 refunded; 8 ETH paid in.
    assert (
        "CryptoFund ETH 0 ETH 0 ETH 0 ETH 0.00 USD 10 ETH 25,000.00 USD 2 ETH 4,500.25 USD "
        "8 ETH 0 ETH 0.00 USD"
    ) in body
    # CryptoFund, BTC: no price at all, so its value is missing, and so is every total it is part of.
    assert "CryptoFund BTC 0 BTC 0 BTC 0 BTC 0.00 USD 0.5 BTC price missing 0 BTC 0.00 USD 0.5 BTC" in body
    assert "Total in USD 1,000,000.00 USD incomplete 4,500.25 USD 300,000.00 USD" in body
    assert "Some prices are missing" in body
    assert "Another Donor" not in body and "777.00" not in body


def test_period_boundaries(manager, donor):
    body = squash(text(manager.get(url(donor))))
    # The donation of 31 December 2020 is in the opening, not in the list; 1 January 2022 is nowhere.
    assert f"#{donor.before.pk} " not in body
    assert f"#{donor.after.pk} " not in body
    assert f"#{donor.pledge.pk} Venture Fund Pledge +1,000,000.00 USD 1,000,000.00 USD" in body
    # A period of one day: only what happened on it, and everything before is in the opening.
    day = squash(text(manager.get(url(donor, "from=2021-02-01&to=2021-02-01"))))
    # Paid in before, outstanding at the start; pledged, received, refunded; paid in, outstanding at the end.
    assert (
        "Venture Fund USD 50,000.00 USD 1,000,000.00 USD 0.00 USD 400,000.00 USD 0.00 USD "
        "450,000.00 USD 600,000.00 USD Total"
    ) in day
    assert "CryptoFund" not in day  # nothing given there yet
    assert day.count("2021-02-01 #") == 1


def test_a_reversal_shows_against_what_it_reverses(manager, donor):
    body = squash(text(manager.get(url(donor))))
    original, reversal = donor.reversed_donation.pk, donor.reversal.pk
    assert f"2021-03-01 #{original} Venture Fund Donation +5,000.00 USD 5,000.00 USD" in body
    assert (
        f"2021-03-05 #{reversal} Venture Fund Reversal of #{original} (Donation) -5,000.00 USD -5,000.00 USD"
    ) in body


def test_entries_are_valued_at_their_date_and_a_missing_price_stays_missing(manager, donor):
    body = squash(text(manager.get(url(donor))))
    assert f"#{donor.eth_donation.pk} CryptoFund Donation +10 ETH 25,000.00 USD" in body
    assert f"#{donor.refund.pk} CryptoFund Refund +2 ETH 4,500.25 USD" in body
    assert f"#{donor.btc_donation.pk} CryptoFund Donation +0.5 BTC price missing" in body


def test_a_donor_with_nothing(manager, donor):
    body = squash(text(manager.get(f"/donors/{donor.other.slug}/statement/?from=2022-01-01&to=2022-12-31")))
    assert "Venture Fund USD 777.00 USD" in body  # what it had paid in before
    assert "No pledge, donation, receipt or refund of this donor in this period." in body
    nobody = make_organization("Kijani Data Labs", "startup")
    body = squash(text(manager.get(f"/donors/{nobody.slug}/statement/")))
    assert "This organization has pledged and given nothing up to the end of this period." in body


def test_the_default_period_is_the_year_so_far(manager, donor):
    response = manager.get(f"/donors/{donor.norway.slug}/statement/")
    assert response.status_code == 200
    assert response.context["statement"].date_from.month == 1
    assert response.context["statement"].date_from.day == 1


def test_a_period_ending_before_it_starts_is_refused(manager, donor):
    response = manager.get(url(donor, "from=2021-12-31&to=2021-01-01"))
    assert response.status_code == 422
    assert "The end of the period comes before its start." in text(response)
    assert manager.get(url(donor, "from=yesterday&to=2021-01-01")).status_code == 422
    # An export of an invalid period is not written: the page explains instead.
    response = manager.get(url(donor, "from=2021-12-31&to=2021-01-01&export=csv"))
    assert response.status_code == 422 and response["Content-Type"].startswith("text/html")


def test_the_fund_page_links_each_donor_to_its_statement(manager, donor):
    html = text(manager.get("/funds/venture/"))
    assert f'href="/donors/{donor.norway.slug}/statement/"' in html
    assert f'href="/donors/{donor.other.slug}/statement/"' in html


def test_the_page_has_no_inline_script_or_style(manager, donor):
    response = manager.get(url(donor))
    collected = scripts_of(response)
    assert collected.handlers == []
    for script in collected.scripts:
        assert script["attrs"].get("src") and not script["body"].strip()
    assert "style=" not in text(response)
    # Wide tables sit in a focusable, labelled scrolling region.
    assert text(response).count('class="table-responsive" tabindex="0" role="region"') == 2


# --- Exports -------------------------------------------------------------------------------------------

HEADER = [
    "Donor",
    "Fund",
    "Asset",
    "Date",
    "Line",
    "Entry",
    "Pledged",
    "Received",
    "Refunded",
    "Paid in",
    "Outstanding pledges",
    "Pledged (USD)",
    "Received (USD)",
    "Refunded (USD)",
    "Outstanding pledges (USD)",
    "Amount in base units",
    "Memo",
    "Reference",
    "Link",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export(manager, donor, fmt):
    response = manager.get(url(donor, PERIOD + f"&export={fmt}"))
    assert response.status_code == 200
    assert f"donor-statement-{donor.norway.slug}-20210101-20211231.{fmt}" in response["Content-Disposition"]
    raw = read_csv(response.content) if fmt == "csv" else read_xlsx(response.content)
    rows = [as_text(row) for row in raw]
    assert rows[0] == HEADER
    by_group = [(row[1], row[2], row[4]) for row in rows[1:]]
    original, reversal = donor.reversed_donation.pk, donor.reversal.pk
    assert by_group == [
        ("CryptoFund", "BTC", "Opening"),
        ("CryptoFund", "BTC", "Donation"),
        ("CryptoFund", "BTC", "Closing"),
        ("CryptoFund", "ETH", "Opening"),
        ("CryptoFund", "ETH", "Donation"),
        ("CryptoFund", "ETH", "Refund"),
        ("CryptoFund", "ETH", "Closing"),
        ("Venture Fund", "USD", "Opening"),
        ("Venture Fund", "USD", "Pledge"),
        ("Venture Fund", "USD", "Pledge receipt"),
        ("Venture Fund", "USD", "Donation"),
        ("Venture Fund", "USD", f"Reversal of #{original} (Donation)"),
        ("Venture Fund", "USD", "Pledge receipt"),
        ("Venture Fund", "USD", "Closing"),
    ]
    assert all(row[0] == "Government of Norway" for row in rows[1:])
    usd = {row[4] if row[4] not in {"Pledge receipt"} else f"{row[4]} {row[3]}": row for row in rows[8:]}
    # Opening: paid in 50,000, nothing outstanding.
    assert usd["Opening"][3] == "2021-01-01" and usd["Opening"][9:11] == ["50000", "0"]
    # Each entry with the running paid in and outstanding after it.
    assert usd["Pledge"][6] == "1000000" and usd["Pledge"][9:11] == ["50000", "1000000"]
    assert usd["Pledge receipt 2021-02-01"][7] == "400000"
    assert usd["Pledge receipt 2021-02-01"][9:11] == ["450000", "600000"]
    assert usd["Pledge receipt 2021-02-01"][15:17] == [str(400_000 * USD_CENTS), "First"]
    reversed_row = usd[f"Reversal of #{original} (Donation)"]
    assert reversed_row[5] == str(reversal)
    assert (reversed_row[7], reversed_row[12], reversed_row[15]) == ("-5000", "-5000", str(5_000 * USD_CENTS))
    assert reversed_row[16] == "Recorded twice" and reversed_row[18] == f"/ledger/entries/{reversal}/"
    # Closing: the period's totals, and where they left the donor.
    closing = usd["Closing"]
    assert closing[3] == "2021-12-31"
    assert closing[6:11] == ["1000000", "700000", "0", "750000", "300000"]
    assert closing[11:15] == ["1000000", "700000", "0", "300000"]
    eth_refund = rows[6]
    assert (eth_refund[8], eth_refund[9], eth_refund[13]) == ("2", "8", "4500.25")
    btc_donation, btc_closing = rows[2], rows[3]
    assert btc_donation[7] == "0.5" and btc_donation[12] == "price missing"
    assert btc_closing[12] == "price missing"


def test_a_crypto_export_keeps_every_wei(manager, donor):
    books = donor.books
    record("donation", books.crypto, donor.norway, books.eth, WEI + 1, dt.date(2021, 9, 1))
    for fmt, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        rows = read(manager.get(url(donor, PERIOD + f"&export={fmt}")).content)
        (row,) = [row for row in rows if str(row[15]) == str(WEI + 1)]
        assert row[4] == "Donation"
        if fmt == "csv":
            assert row[7] == "1.000000000000000001"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_looking_donor_name_is_neutralised(manager, books, fmt):
    evil = make_organization('=HYPERLINK("http://evil.example","Click")', "donor")
    services.donation_record(
        actor=None,
        fund=books.venture,
        donor=evil,
        asset=books.usd,
        amount=100 * USD_CENTS,
        effective_date=dt.date(2021, 3, 1),
        memo="+SUM(A1:A9)",
    )
    response = manager.get(f"/donors/{evil.slug}/statement/?{PERIOD}&export={fmt}")
    rows = read_csv(response.content) if fmt == "csv" else read_xlsx(response.content)
    assert {row[0] for row in rows[1:]} == {"'" + evil.name}
    assert [row[16] for row in rows[1:] if row[4] == "Donation"] == ["'+SUM(A1:A9)"]


# --- API -----------------------------------------------------------------------------------------------


def test_api_statement(manager, donor):
    response = manager.get(f"/api/donors/{donor.norway.slug}/statement?{PERIOD}")
    assert response.status_code == 200
    body = response.json()
    assert (body["donor"], body["from"], body["to"]) == (donor.norway.slug, "2021-01-01", "2021-12-31")
    assert body["reporting_currency"] == "USD"
    lines = {(line["fund"], line["asset"]): line for line in body["lines"]}
    assert list(lines) == [("crypto", "BTC"), ("crypto", "ETH"), ("venture", "USD")]
    usd = lines[("venture", "USD")]
    cents = {
        name: int(usd[name]) // USD_CENTS
        for name in (
            "opening_contributed",
            "opening_outstanding",
            "opening_paid_in",
            "pledged",
            "received",
            "donated",
            "pledge_receipts",
            "refunded",
            "closing_contributed",
            "closing_outstanding",
            "closing_paid_in",
        )
    }
    assert cents == {
        "opening_contributed": 50_000,
        "opening_outstanding": 0,
        "opening_paid_in": 50_000,
        "pledged": 1_000_000,
        "received": 700_000,
        "donated": 0,
        "pledge_receipts": 700_000,
        "refunded": 0,
        "closing_contributed": 1_050_000,
        "closing_outstanding": 300_000,
        "closing_paid_in": 750_000,
    }
    assert usd["closing_outstanding_display"] == "300,000.00 USD"
    eth = lines[("crypto", "ETH")]
    assert (eth["received"], eth["refunded"], eth["closing_paid_in"]) == (
        str(10 * WEI),
        str(2 * WEI),
        str(8 * WEI),
    )
    assert (eth["received_value"], eth["refunded_value"]) == ("25000", "4500.25")
    assert lines[("crypto", "BTC")]["received_value"] is None
    assert body["received_value"] is None and body["pledged_value"] == "1000000"
    assert body["has_missing_prices"] is True
    entries = {entry["id"]: entry for entry in body["entries"]}
    assert donor.before.pk not in entries and donor.after.pk not in entries
    reversal = entries[donor.reversal.pk]
    assert (reversal["kind"], reversal["counts_as"], reversal["reverses"]) == (
        "reversal",
        "donation",
        donor.reversed_donation.pk,
    )
    assert (reversal["received"], reversal["value"], reversal["amount_display"]) == (
        str(-5_000 * USD_CENTS),
        "-5000",
        "-5,000.00 USD",
    )
    btc = entries[donor.btc_donation.pk]
    assert (btc["value"], btc["value_display"]) == (None, "price missing")
    assert [entry["effective_date"] for entry in body["entries"]] == sorted(
        entry["effective_date"] for entry in body["entries"]
    )


def test_api_errors(manager, donor):
    assert manager.get(f"/api/donors/no-such-donor/statement?{PERIOD}").status_code == 404
    response = manager.get(f"/api/donors/{donor.norway.slug}/statement?from=2021-12-31&to=2021-01-01")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "The end of the period comes before its start."
    assert manager.get(f"/api/donors/{donor.norway.slug}/statement?from=2021-01-01").status_code == 422
    assert manager.get(f"/api/donors/{donor.norway.slug}/statement?from=x&to=2021-01-01").status_code == 422


def test_the_api_documents_the_donor_statement(manager):
    schema = manager.get("/api/openapi.json").json()
    assert "/api/donors/{slug}/statement" in schema["paths"]


# --- Who may see it ------------------------------------------------------------------------------------

LEDGER_VIEWERS = {"fund_manager", "finance_officer", "administrator"}
PAGES = [
    "/donors/{slug}/statement/?" + PERIOD,
    "/donors/{slug}/statement/?" + PERIOD + "&export=csv",
    "/donors/{slug}/statement/?export=xlsx",
]


@pytest.mark.parametrize("persona", ["anonymous", *sorted(PERSONAS)])
@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_the_page(client_for, personas, donor, persona, page):
    client = client_for(None if persona == "anonymous" else personas[persona])
    response = client.get(page.format(slug=donor.norway.slug))
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif persona in LEDGER_VIEWERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "1,000,000" not in text(response)
    # An unknown donor is not found for those who may see the ledger, and still refused to the others.
    missing = client.get("/donors/no-such-donor/statement/")
    if persona == "anonymous":
        assert missing.status_code == 302
    else:
        assert missing.status_code == (404 if persona in LEDGER_VIEWERS else 403)


@pytest.mark.parametrize("persona", ["anonymous", *sorted(PERSONAS)])
def test_who_may_read_it_through_the_api(client_for, personas, donor, persona):
    client = client_for(None if persona == "anonymous" else personas[persona])
    response = client.get(f"/api/donors/{donor.norway.slug}/statement?{PERIOD}")
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in LEDGER_VIEWERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.json() == {"detail": "You are not allowed to do this."}


# --- A constant number of queries ----------------------------------------------------------------------

N = 3


def count_queries(client: Client, address: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    return len(captured), [query["sql"] for query in captured.captured_queries]


def assert_constant(client: Client, address: str, grow: Callable[[int], None]) -> None:
    grow(N)
    client.get(address)  # warm-up
    small, _sql = count_queries(client, address)
    grow(2 * N)  # now 3N
    large, sql = count_queries(client, address)
    assert large == small, f"{address}: {small} queries with few rows, {large} with more:\n" + "\n".join(sql)


class MoreEntries:
    """Pledges, receipts, donations in USD and ETH, refunds and reversals on varied dates, in both funds."""

    def __init__(self, donor: Donor) -> None:
        self.donor = donor
        self.made = 0

    def __call__(self, count: int) -> None:
        books, norway = self.donor.books, self.donor.norway
        for _ in range(count):
            n = self.made
            self.made += 1
            day = dt.date(2021, 1 + n % 12, 1 + n % 28)
            record("pledge", books.venture, norway, books.usd, 1000 + n, day)
            record("receipt", books.venture, norway, books.usd, 500, day)
            donation = record("donation", books.venture, norway, books.usd, 700 + n, day)
            ledger_module.entry_reverse(actor=None, entry=donation, effective_date=day)
            record("donation", books.crypto, norway, books.eth, WEI + n, day)
            record("donation", books.venture, norway, books.eth, WEI, day)
            record("refund", books.crypto, norway, books.eth, n + 1, day)


@pytest.mark.parametrize(
    "address",
    [
        "/donors/{slug}/statement/?" + PERIOD,
        "/donors/{slug}/statement/?" + PERIOD + "&export=csv",
        "/donors/{slug}/statement/?" + PERIOD + "&export=xlsx",
        "/api/donors/{slug}/statement?" + PERIOD,
    ],
)
def test_queries_do_not_grow_with_the_entries(manager, donor, address):
    assert_constant(manager, address.format(slug=donor.norway.slug), MoreEntries(donor))
