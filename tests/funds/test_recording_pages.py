"""Pages (and API endpoints) that record money coming in and commitments, and edit a fund's rules.

Through the test client only, as the personas of tests/conftest.py, on the books of ``test_pages``: the
Venture Fund (USD, ETH, BTC) with USD 35M and Norway's pledge of 1,000,000.00 USD of which 600,000.00 is
outstanding; the CryptoFund (ETH, BTC; crypto only, never converts). Each record is checked in the
ledger's balances; each refusal shows its message and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.core.models import AuditEvent
from seedbed.funds import selectors, services
from seedbed.funds.models import EntryKind, Fund, InstrumentRule, JournalEntry
from tests.conftest import PERSONAS
from tests.core.helpers import scripts_of, text
from tests.funds.test_pages import USD_CENTS, WEI, Ledger, build_ledger, ledger_state, squash

pytestmark = pytest.mark.django_db

RECORD_PAGES = ["donation", "pledge", "receipt", "commitment"]


@pytest.fixture
def ledger(books, personas) -> Ledger:
    return build_ledger(books, personas)


@pytest.fixture
def officer(ledger, client_for) -> Client:
    return client_for(ledger.officer)


@pytest.fixture
def manager(ledger, personas, client_for) -> Client:
    return client_for(personas["fund_manager"])


def holdings(fund: Fund, code: str) -> int:
    """The fund's holdings of an asset at the end of today, from the ledger's running balances."""
    found = selectors.fund_holdings(fund=fund, on=timezone.localdate())
    return next((line.amount for line in found.holdings if line.asset.code == code), 0)


def outstanding(fund: Fund, donor_slug: str, code: str) -> int:
    rows = services.outstanding_pledges(fund, include_settled=True)
    return next(
        (row.outstanding for row in rows if row.donor.slug == donor_slug and row.asset.code == code), 0
    )


def field_errors(response, field: str) -> str:
    """The text of a field's error message on a form page (see components/field.html)."""
    html = text(response)
    marker = f'id="id_{field}_errors">'
    assert marker in html, f"no error on {field}: {squash(html)[:2000]}"
    return html.split(marker, 1)[1].split("</div>", 1)[0]


def rules_state(fund: Fund) -> dict[str, object]:
    fund.refresh_from_db()
    return {
        "assets": sorted(fund.allowed_assets.values_list("code", flat=True)),
        "conversion": fund.allows_conversion,
        "target": fund.target_new_investments_per_year,
        "rules": list(
            InstrumentRule.objects.filter(fund=fund).values_list("instrument", "min_amount", "max_amount")
        ),
        "audit": AuditEvent.objects.count(),
    }


def post_json(client: Client, url: str, payload: dict, method: str = "post"):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


def api_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    fields: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        field = next(str(part) for part in error["loc"] if part not in {"body", "payload"})
        fields.setdefault(field, []).append(error["msg"])
    return fields


DONATION = {
    "donor": "government-of-norway",
    "asset": "USD",
    "amount": "100,000.00",
    "effective_date": "2021-09-15",
    "memo": "Second contribution 2021",
    "external_ref": "BANK-2021-0915",
}


# --- Recording money -----------------------------------------------------------------------------------


def test_a_finance_officer_records_a_donation(officer, ledger):
    venture = ledger.books.venture
    page = officer.get("/funds/venture/record/donation/")
    assert page.status_code == 200
    html = text(page)
    assert '<option value="USD" selected>' in html  # the reporting currency comes first chosen
    assert '<option value="government-of-norway">Government of Norway (Government body)</option>' in html
    assert "kijani-data-labs" not in html  # a startup is a grantee, not a donor
    before = holdings(venture, "USD")

    response = officer.post("/funds/venture/record/donation/", DONATION)

    entry = JournalEntry.objects.get(kind=EntryKind.DONATION, external_ref="BANK-2021-0915")
    assert response.status_code == 302
    assert response["Location"] == f"/ledger/entries/{entry.pk}/"
    assert entry.recorded_by == ledger.officer
    assert entry.counterparty == ledger.norway
    assert entry.effective_date == dt.date(2021, 9, 15)
    assert entry.memo == "Second contribution 2021"
    assert holdings(venture, "USD") - before == 100_000 * USD_CENTS
    detail = squash(text(officer.get(response["Location"])))
    assert f"The donation was recorded as entry #{entry.pk}." in detail


def test_a_crypto_donation_is_exact_to_the_wei(officer, ledger):
    crypto = ledger.books.crypto
    page = text(officer.get("/funds/crypto/record/donation/"))
    assert '<option value="USD"' not in page  # only the fund's own assets are offered
    assert '<option value="ETH"' in page and '<option value="BTC"' in page
    before = holdings(crypto, "ETH")
    response = officer.post(
        "/funds/crypto/record/donation/",
        {**DONATION, "donor": "ethereum-foundation", "asset": "ETH", "amount": "0.000000000000000001"},
    )
    assert response.status_code == 302
    assert holdings(crypto, "ETH") - before == 1


def test_a_finance_officer_records_a_pledge(officer, ledger):
    venture = ledger.books.venture
    cash_before = holdings(venture, "USD")
    response = officer.post(
        "/funds/venture/record/pledge/",
        {**DONATION, "amount": "250,000.00", "external_ref": ""},
    )
    entry = JournalEntry.objects.filter(kind=EntryKind.PLEDGE).latest("pk")
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert outstanding(venture, "government-of-norway", "USD") == 850_000 * USD_CENTS
    assert holdings(venture, "USD") == cash_before  # a pledge is not money in the bank
    assert f"The pledge was recorded as entry #{entry.pk}." in squash(text(officer.get(response["Location"])))


def test_a_finance_officer_records_a_receipt_against_an_outstanding_pledge(officer, ledger):
    venture = ledger.books.venture
    page = squash(text(officer.get("/funds/venture/record/receipt/")))
    assert "Government of Norway — 600,000.00 USD outstanding of 1,000,000.00 USD pledged" in page
    cash_before = holdings(venture, "USD")

    response = officer.post(
        "/funds/venture/record/receipt/",
        {
            "pledge": "government-of-norway:USD",
            "amount": "100,000.00",
            "effective_date": "2021-09-15",
            "memo": "Second instalment",
            "external_ref": "BANK-R-2",
        },
    )

    entry = JournalEntry.objects.get(kind=EntryKind.PLEDGE_RECEIPT, external_ref="BANK-R-2")
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.counterparty == ledger.norway
    assert holdings(venture, "USD") - cash_before == 100_000 * USD_CENTS
    assert outstanding(venture, "government-of-norway", "USD") == 500_000 * USD_CENTS


def test_a_receipt_above_the_outstanding_pledge_is_refused(officer, ledger):
    before = ledger_state()
    response = officer.post(
        "/funds/venture/record/receipt/",
        {"pledge": "government-of-norway:USD", "amount": "600,000.01", "effective_date": "2021-09-15"},
    )
    assert response.status_code == 422
    message = squash(field_errors(response, "amount"))
    assert "600,000.00 USD outstanding" in message
    assert "Record the difference as a donation." in message
    assert ledger_state() == before


def test_the_receipt_page_says_when_no_pledge_is_outstanding(officer, ledger):
    page = officer.get("/funds/crypto/record/receipt/")
    assert page.status_code == 200
    html = text(page)
    assert "No pledge to this fund is outstanding" in html
    assert 'name="pledge"' not in html
    before = ledger_state()
    response = officer.post(
        "/funds/crypto/record/receipt/",
        {"pledge": "ethereum-foundation:ETH", "amount": "1", "effective_date": "2021-09-15"},
    )
    assert response.status_code == 422
    assert ledger_state() == before


def test_a_finance_officer_records_a_commitment(officer, ledger):
    venture = ledger.books.venture
    page = text(officer.get("/funds/venture/record/commitment/"))
    assert '<option value="kijani-data-labs">Kijani Data Labs (Startup)</option>' in page
    assert "government-of-norway" not in page  # a government gives; it is not a grantee
    cash_before = holdings(venture, "USD")

    response = officer.post(
        "/funds/venture/record/commitment/",
        {
            "grantee": "kijani-data-labs",
            "asset": "USD",
            "amount": "75,000.00",
            "effective_date": "2021-08-01",
            "memo": "Venture Fund investment, 12 months",
            "external_ref": "AGR-2021-07",
        },
    )

    entry = JournalEntry.objects.get(kind=EntryKind.COMMITMENT)
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.external_ref == "AGR-2021-07"
    assert services.open_commitment(fund=venture, grantee=ledger.grantee, asset=ledger.books.usd) == (
        75_000 * USD_CENTS
    )
    assert holdings(venture, "USD") == cash_before  # off balance
    # The same agreement is not recorded twice.
    before = ledger_state()
    again = officer.post(
        "/funds/venture/record/commitment/",
        {
            "grantee": "kijani-data-labs",
            "asset": "USD",
            "amount": "1",
            "effective_date": "2021-08-01",
            "external_ref": "AGR-2021-07",
        },
    )
    assert again.status_code == 422
    assert "already recorded" in field_errors(again, "external_ref")
    assert ledger_state() == before


TOMORROW = "tomorrow"


@pytest.mark.parametrize(
    ("url", "changes", "field", "message"),
    [
        ("venture/record/donation", {"amount": "100.001"}, "amount", "USD has 2 decimals; 100.001 has 3."),
        ("venture/record/donation", {"amount": "1,5"}, "amount", "use “.” for decimals"),
        ("venture/record/donation", {"amount": "-100.00"}, "amount", "The amount cannot be negative."),
        ("venture/record/donation", {"amount": "0"}, "amount", "The amount must be more than zero."),
        ("venture/record/donation", {"amount": ""}, "amount", "This field is required."),
        (
            "venture/record/donation",
            {"effective_date": TOMORROW},
            "effective_date",
            "cannot be in the future",
        ),
        ("venture/record/donation", {"donor": "kijani-data-labs"}, "donor", "Select a valid choice"),
        ("venture/record/donation", {"external_ref": "BANK-USED"}, "external_ref", "already recorded"),
        ("crypto/record/donation", {"donor": "ethereum-foundation"}, "asset", "Select a valid choice"),
        (
            "crypto/record/donation",
            {"donor": "ethereum-foundation", "asset": "ETH", "amount": "1.0000000000000000001"},
            "amount",
            "ETH has 18 decimals; 1.0000000000000000001 has 19.",
        ),
        ("venture/record/pledge", {"amount": "0.00"}, "amount", "The amount must be more than zero."),
        ("venture/record/pledge", {"effective_date": TOMORROW}, "effective_date", "cannot be in the future"),
        ("venture/record/commitment", {"grantee": "kijani-data-labs", "amount": "5.555"}, "amount", "3."),
        (
            "venture/record/commitment",
            {"grantee": "kijani-data-labs", "effective_date": TOMORROW},
            "effective_date",
            "cannot be in the future",
        ),
        (
            "venture/record/receipt",
            {"pledge": "government-of-norway:USD", "amount": "-1"},
            "amount",
            "negative",
        ),
        ("venture/record/receipt", {"pledge": "government-of-norway:ETH"}, "pledge", "Select a valid choice"),
    ],
)
def test_bad_input_shows_its_message_and_writes_nothing(officer, ledger, url, changes, field, message):
    services.donation_record(
        actor=None,
        fund=ledger.books.venture,
        donor=ledger.norway,
        asset="USD",
        amount=1,
        effective_date=dt.date(2021, 1, 2),
        external_ref="BANK-USED",
    )
    data = {**DONATION, **changes}
    if data["effective_date"] == TOMORROW:
        data["effective_date"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    before = ledger_state()
    response = officer.post(f"/funds/{url}/", data)
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert "Please correct the errors below." in text(response)
    assert ledger_state() == before


def test_a_service_refusal_is_shown_on_the_form(officer, ledger):
    """A pledge in an asset the fund no longer accepts is still listed; the service refuses the receipt."""
    venture = ledger.books.venture
    services.pledge_record(
        actor=None,
        fund=venture,
        donor=ledger.norway,
        asset="ETH",
        amount=WEI,
        effective_date=dt.date(2021, 3, 1),
    )
    venture.allowed_assets.remove(ledger.books.eth)  # behind the service's back, as an old rule would be
    before = ledger_state()
    response = officer.post(
        "/funds/venture/record/receipt/",
        {"pledge": "government-of-norway:ETH", "amount": "0.5", "effective_date": "2021-09-15"},
    )
    assert response.status_code == 422
    assert "Venture Fund does not accept ETH." in field_errors(response, "pledge")
    assert ledger_state() == before


# --- Who may record ------------------------------------------------------------------------------------

NOT_RECORDERS = ["fund_manager", "committee_member", "administrator", "reviewer", "applicant", "outsider"]


@pytest.mark.parametrize("persona", ["anonymous", *NOT_RECORDERS])
@pytest.mark.parametrize("page", RECORD_PAGES)
def test_only_finance_officers_record_money(client_for, personas, ledger, persona, page):
    client = client_for(None if persona == "anonymous" else personas[persona])
    url = f"/funds/venture/record/{page}/"
    before = ledger_state()
    for response in (
        client.get(url),
        client.post(url, {**DONATION, "grantee": "kijani-data-labs", "pledge": "government-of-norway:USD"}),
    ):
        if persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403
    assert ledger_state() == before


@pytest.mark.parametrize("page", RECORD_PAGES)
def test_record_pages_of_a_missing_fund_are_404_for_finance_officers(officer, page):
    assert officer.get(f"/funds/nowhere/record/{page}/").status_code == 404


def test_a_finance_officer_without_a_second_factor_is_sent_to_verify(personas, ledger):
    client = Client()
    client.force_login(personas["finance_officer"], backend="django.contrib.auth.backends.ModelBackend")
    before = ledger_state()
    response = client.post("/funds/venture/record/donation/", DONATION)
    assert response.status_code == 302
    assert "/accounts/two-factor/" in response["Location"]
    assert ledger_state() == before


def test_the_fund_page_links_to_the_record_pages_for_finance_officers_only(officer, manager, ledger):
    page = text(officer.get("/funds/venture/"))
    for kind in RECORD_PAGES:
        assert f'href="/funds/venture/record/{kind}/"' in page
    assert 'href="/funds/venture/rules/"' not in page
    page = text(manager.get("/funds/venture/"))
    assert "/record/" not in page
    assert 'href="/funds/venture/rules/"' in page


# --- Fund rules ----------------------------------------------------------------------------------------

RULES = {
    "allowed_assets": ["USD", "ETH", "BTC"],
    "allows_conversion": "on",
    "target_new_investments_per_year": "30",
    "grant_allowed": "on",
    "grant_smallest": "50,000.00",
    "grant_largest": "100,000.00",
}


def test_the_fund_page_shows_the_rules(manager, ledger):
    services.fund_rules_update(
        actor=None,
        fund=ledger.books.venture,
        data={"instrument_rules": {"grant": (50_000 * USD_CENTS, 100_000 * USD_CENTS)}},
    )
    page = squash(text(manager.get("/funds/venture/")))
    assert "Allowed assets USD, BTC, ETH" in page
    assert "Equity-free investment or grant: 50,000.00 USD – 100,000.00 USD" in page
    crypto = squash(text(manager.get("/funds/crypto/")))
    assert "Conversion between assets never · crypto only" in crypto


def test_a_fund_manager_edits_the_rules_and_it_is_audited(manager, personas, ledger):
    venture = ledger.books.venture
    page = text(manager.get("/funds/venture/rules/"))
    assert '<option value="USD" selected>' in page
    assert 'name="grant_smallest"' in page and 'name="guarantee_largest"' in page

    response = manager.post(
        "/funds/venture/rules/",
        {**RULES, "equity_allowed": "on", "equity_smallest": "100000", "equity_largest": "250,000.50"},
    )

    assert response.status_code == 302, squash(text(response))[:3000]
    assert response["Location"] == "/funds/venture/"
    venture.refresh_from_db()
    assert venture.target_new_investments_per_year == 30
    assert {
        rule.instrument: (rule.min_amount, rule.max_amount) for rule in venture.instrument_rules.all()
    } == {
        "grant": (50_000 * USD_CENTS, 100_000 * USD_CENTS),
        "equity": (100_000 * USD_CENTS, 250_000 * USD_CENTS + 50),
    }
    event = AuditEvent.objects.filter(action="fund.rules_update").latest("pk")
    assert event.actor == personas["fund_manager"]
    assert event.object_id == str(venture.pk)
    assert event.changes["target_new_investments_per_year"] == [None, 30]
    assert event.changes["instrument_rules"][1]["grant"] == [50_000 * USD_CENTS, 100_000 * USD_CENTS]
    assert "The rules of Venture Fund were saved." in text(manager.get("/funds/venture/"))
    # The form shows the rules as saved, in human units.
    page = text(manager.get("/funds/venture/rules/"))
    assert 'value="250,000.50"' in page and 'value="50,000.00"' in page
    # Unticking an instrument removes it.
    manager.post("/funds/venture/rules/", RULES)
    assert list(venture.instrument_rules.values_list("instrument", flat=True)) == ["grant"]


@pytest.mark.parametrize(
    ("slug", "changes", "field", "message"),
    [
        ("crypto", {"allowed_assets": ["ETH", "BTC"]}, "allows_conversion", "never converts"),
        (
            "crypto",
            {"allowed_assets": ["ETH", "USD"], "allows_conversion": ""},
            "allowed_assets",
            "only crypto",
        ),
        ("venture", {"allowed_assets": ["ETH", "BTC"]}, "allowed_assets", "still holds 35,"),
        ("venture", {"allowed_assets": []}, "allowed_assets", "This field is required."),
        (
            "venture",
            {"grant_smallest": "50,000.001"},
            "grant_smallest",
            "USD has 2 decimals; 50,000.001 has 3.",
        ),
        ("venture", {"grant_largest": "10,000.00"}, "grant_largest", "smaller than the smallest"),
        ("venture", {"grant_smallest": "-5"}, "grant_smallest", "cannot be negative"),
        ("venture", {"grant_largest": ""}, "grant_largest", "Enter the ticket"),
        ("venture", {"target_new_investments_per_year": "-1"}, "target_new_investments_per_year", "greater"),
    ],
)
def test_bad_rules_show_their_message_and_change_nothing(manager, ledger, slug, changes, field, message):
    fund = Fund.objects.get(slug=slug)
    before = rules_state(fund)
    response = manager.post(f"/funds/{slug}/rules/", {**RULES, **changes})
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert rules_state(fund) == before


@pytest.mark.parametrize("persona", ["anonymous", *sorted(set(PERSONAS) - {"fund_manager"})])
def test_only_fund_managers_edit_rules(client_for, personas, ledger, persona):
    client = client_for(None if persona == "anonymous" else personas[persona])
    before = rules_state(ledger.books.venture)
    for response in (client.get("/funds/venture/rules/"), client.post("/funds/venture/rules/", RULES)):
        if persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403
    assert rules_state(ledger.books.venture) == before


def test_the_rules_page_of_a_missing_fund_is_404(manager, ledger):
    assert manager.get("/funds/nowhere/rules/").status_code == 404


def test_new_pages_have_no_inline_scripts_or_styles(officer, manager, ledger):
    pages = [(officer, f"/funds/venture/record/{kind}/") for kind in RECORD_PAGES]
    pages += [(officer, "/funds/crypto/record/receipt/"), (manager, "/funds/venture/rules/")]
    pages += [(manager, "/funds/crypto/rules/"), (officer, "/funds/venture/"), (manager, "/funds/venture/")]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        collected = scripts_of(response)
        assert collected.handlers == [], url
        for script in collected.scripts:
            assert script["attrs"].get("src"), (url, script)
            assert not script["body"].strip(), url
        assert "style=" not in text(response), url


# --- API -----------------------------------------------------------------------------------------------

COMMITMENT = {
    "grantee": "kijani-data-labs",
    "asset": "USD",
    "amount": "75,000.00",
    "effective_date": "2021-08-01",
    "memo": "Venture Fund investment",
    "external_ref": "AGR-1",
}


def test_the_api_records_a_commitment(officer, ledger):
    response = post_json(officer, "/api/funds/venture/commitments", COMMITMENT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "commitment"
    assert body["counterparty"] == "kijani-data-labs"
    assert body["external_ref"] == "AGR-1"
    assert body["amounts"][0]["amount"] == str(75_000 * USD_CENTS)
    assert body["amounts"][0]["holdings_change"] == "0"
    assert (
        services.open_commitment(fund=ledger.books.venture, grantee=ledger.grantee, asset=ledger.books.usd)
        == 75_000 * USD_CENTS
    )
    assert "external_ref" in api_errors(post_json(officer, "/api/funds/venture/commitments", COMMITMENT))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "1.001"}, "amount", "USD has 2 decimals; 1.001 has 3."),
        ({"amount": "-1"}, "amount", "cannot be negative"),
        ({"amount": "0"}, "amount", "more than zero"),
        ({"asset": "ETH", "amount": "1"}, "asset", ""),
        ({"grantee": "nobody"}, "grantee", "No organization has the slug"),
        ({"grantee": ""}, "grantee", "Choose the grantee."),
        ({"asset": "XYZ"}, "asset", "No asset has the code"),
    ],
)
def test_bad_commitments_are_422_and_write_nothing(officer, ledger, changes, field, message):
    ledger.books.venture.allowed_assets.remove(ledger.books.eth)
    before = ledger_state()
    errors = api_errors(post_json(officer, "/api/funds/venture/commitments", {**COMMITMENT, **changes}))
    assert field in errors, errors
    assert any(message in text_ for text_ in errors[field]), errors
    assert ledger_state() == before


def test_a_crypto_fund_commitment_in_usd_is_refused_with_the_fund_rule(officer, ledger):
    before = ledger_state()
    errors = api_errors(post_json(officer, "/api/funds/crypto/commitments", COMMITMENT))
    assert errors == {"asset": ["CryptoFund accepts and pays out only crypto assets."]}
    assert ledger_state() == before


@pytest.mark.parametrize("persona", ["anonymous", *sorted(set(PERSONAS) - {"finance_officer"})])
def test_only_finance_officers_record_commitments_through_the_api(client_for, personas, ledger, persona):
    client = client_for(None if persona == "anonymous" else personas[persona])
    before = ledger_state()
    response = post_json(client, "/api/funds/venture/commitments", COMMITMENT)
    assert response.status_code == (401 if persona == "anonymous" else 403)
    assert ledger_state() == before


API_RULES = {
    "allowed_assets": ["USD", "ETH", "BTC"],
    "allows_conversion": True,
    "instrument_rules": {"grant": {"smallest": "50,000.00", "largest": "100,000.00"}},
    "target_new_investments_per_year": 30,
}


def test_a_fund_manager_replaces_the_rules_through_the_api(manager, personas, ledger):
    response = post_json(manager, "/api/funds/venture/rules", API_RULES, method="put")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["allowed_assets"] == ["USD", "BTC", "ETH"]  # currencies, then crypto assets
    assert body["target_new_investments_per_year"] == 30
    assert body["instrument_rules"] == [
        {
            "instrument": "grant",
            "instrument_label": "Equity-free investment or grant",
            "smallest": str(50_000 * USD_CENTS),
            "largest": str(100_000 * USD_CENTS),
            "smallest_display": "50,000.00 USD",
            "largest_display": "100,000.00 USD",
        }
    ]
    assert manager.get("/api/funds/venture/rules").json() == body
    event = AuditEvent.objects.filter(action="fund.rules_update").latest("pk")
    assert event.actor == personas["fund_manager"]
    assert event.changes["target_new_investments_per_year"] == [None, 30]


@pytest.mark.parametrize(
    ("slug", "changes", "field", "message"),
    [
        ("crypto", {"allowed_assets": ["ETH", "BTC"]}, "allows_conversion", "never converts"),
        ("venture", {"allowed_assets": ["ETH"]}, "allowed_assets", "still holds"),
        ("venture", {"allowed_assets": ["USD", "XYZ"]}, "allowed_assets", "Unknown asset: XYZ."),
        ("venture", {"allowed_assets": []}, "allowed_assets", "at least one asset"),
        (
            "venture",
            {"instrument_rules": {"grant": {"smallest": "1.001", "largest": "2"}}},
            "instrument_rules",
            "Equity-free investment or grant, smallest ticket: USD has 2 decimals; 1.001 has 3.",
        ),
        (
            "venture",
            {"instrument_rules": {"grant": {"smallest": "200", "largest": "100"}}},
            "instrument_rules",
            "the smallest ticket is larger than the largest",
        ),
    ],
)
def test_bad_rules_through_the_api_are_422_and_change_nothing(manager, ledger, slug, changes, field, message):
    fund = Fund.objects.get(slug=slug)
    before = rules_state(fund)
    errors = api_errors(
        post_json(manager, f"/api/funds/{slug}/rules", {**API_RULES, **changes}, method="put")
    )
    assert field in errors, errors
    assert any(message in text_ for text_ in errors[field]), errors
    assert rules_state(fund) == before


def test_an_unknown_instrument_or_a_negative_target_is_422(manager, ledger):
    before = rules_state(ledger.books.venture)
    for changes in (
        {"instrument_rules": {"loan": {"smallest": "1", "largest": "2"}}},
        {"target_new_investments_per_year": -3},
    ):
        response = post_json(manager, "/api/funds/venture/rules", {**API_RULES, **changes}, method="put")
        assert response.status_code == 422, response.content
    assert rules_state(ledger.books.venture) == before


@pytest.mark.parametrize("persona", ["anonymous", *sorted(set(PERSONAS) - {"fund_manager"})])
def test_only_fund_managers_replace_rules_through_the_api(client_for, personas, ledger, persona):
    client = client_for(None if persona == "anonymous" else personas[persona])
    before = rules_state(ledger.books.venture)
    response = post_json(client, "/api/funds/venture/rules", API_RULES, method="put")
    assert response.status_code == (401 if persona == "anonymous" else 403)
    if persona != "anonymous":
        assert response.json() == {"detail": "You are not allowed to do this."}
    assert rules_state(ledger.books.venture) == before


def test_rules_of_a_missing_fund_are_404(manager, ledger):
    assert post_json(manager, "/api/funds/nowhere/rules", API_RULES, method="put").status_code == 404
    assert manager.get("/api/funds/nowhere/rules").status_code == 404


def test_the_api_documents_the_new_endpoints(manager):
    paths = manager.get("/api/openapi.json").json()["paths"]
    assert "post" in paths["/api/funds/{slug}/commitments"]
    assert {"get", "put"} <= set(paths["/api/funds/{slug}/rules"])
