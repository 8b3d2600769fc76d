"""The money workflows (donations, pledges, commitments, fees, refunds), fund rules and ledger access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from seedbed.core.models import AuditEvent, Organization
from seedbed.funds import access, services
from seedbed.funds.ledger import Line, account_for, entry_post, entry_reverse, fund_balances_at, ledger_verify
from seedbed.funds.models import (
    Account,
    AccountType,
    EntryKind,
    Fund,
    InstrumentRule,
    JournalEntry,
    PaymentRequest,
    Posting,
)
from seedbed.funds.services.rules import _rules_snapshot

pytestmark = pytest.mark.django_db

DAY = dt.date(2021, 6, 30)
WEI = 10**18


def counts() -> tuple[int, int, int, int, int]:
    return (
        JournalEntry.objects.count(),
        Posting.objects.count(),
        AuditEvent.objects.count(),
        Account.objects.count(),
        PaymentRequest.objects.count(),
    )


def balance(fund: Fund, code: str) -> int:
    account = Account.objects.filter(fund=fund, code=code).first()
    return account.balance if account is not None else 0


@pytest.fixture
def donor(db) -> Organization:
    return Organization.objects.create(name="Danish National Committee", slug="dk-natcom", kind="donor")


@pytest.fixture
def other_donor(db) -> Organization:
    return Organization.objects.create(name="Ethereum Foundation", slug="ef", kind="donor")


@pytest.fixture
def grantee(db) -> Organization:
    return Organization.objects.create(name="Kijani Data Labs", slug="kijani", kind="startup")


@pytest.fixture
def officer(personas):
    return personas["finance_officer"]


# --- Donations ------------------------------------------------------------------------------------


def test_a_donation_raises_holdings_and_the_donors_contributions(books, donor, officer):
    entry = services.donation_record(
        actor=officer,
        fund=books.venture,
        donor=donor,
        asset=books.usd,
        amount=3_500_000_000,
        effective_date=DAY,
        memo="2021 contribution",
        external_ref="BANK-1",
    )
    assert entry.kind == EntryKind.DONATION
    assert entry.counterparty == donor
    assert entry.recorded_by == officer
    assert balance(books.venture, "asset:cash:USD") == 3_500_000_000
    income = Account.objects.get(fund=books.venture, code="income:donations:USD:dk-natcom")
    assert income.natural_balance == 3_500_000_000
    assert income.counterparty == donor
    assert fund_balances_at(fund=books.venture, on=DAY) == {"USD": 3_500_000_000}
    assert AuditEvent.objects.filter(action="ledger.donation", actor=officer).count() == 1
    assert ledger_verify() == []


def test_crypto_donations_go_to_the_wallet_exactly(books, other_donor, officer):
    services.donation_record(
        actor=officer,
        fund=books.crypto,
        donor=other_donor,
        asset="eth",  # a code is accepted as well as an Asset
        amount=2267 * WEI + 1,
        effective_date=DAY,
    )
    assert balance(books.crypto, "asset:wallet:ETH") == 2267 * WEI + 1
    assert ledger_verify() == []


def test_the_same_reference_is_recorded_once_until_reversed(books, donor, officer):
    kwargs = {
        "actor": officer,
        "fund": books.venture,
        "donor": donor,
        "asset": books.usd,
        "amount": 100,
        "effective_date": DAY,
        "external_ref": "BANK-7",
    }
    first = services.donation_record(**kwargs)
    before = counts()
    with pytest.raises(ValidationError, match="reference BANK-7 is already recorded"):
        services.donation_record(**kwargs)
    assert counts() == before
    # Every recorded movement with a reference keeps it once per fund and kind: pledges too.
    pledge = {**kwargs, "external_ref": "PLEDGE-1"}
    services.pledge_record(**pledge)
    after_pledge = counts()
    with pytest.raises(ValidationError, match="reference PLEDGE-1 is already recorded"):
        services.pledge_record(**pledge)
    assert counts() == after_pledge
    entry_reverse(actor=officer, entry=first, memo="wrong amount")
    services.donation_record(**kwargs)  # the correction may reuse the reference
    assert balance(books.venture, "asset:cash:USD") == 100


# --- Pledges --------------------------------------------------------------------------------------


def test_pledge_then_receipts_then_outstanding(books, donor, other_donor, officer):
    common = {"actor": officer, "fund": books.venture, "effective_date": DAY}
    services.pledge_record(**common, donor=donor, asset=books.usd, amount=100_000_00)
    services.pledge_record(**common, donor=other_donor, asset=books.eth, amount=10 * WEI)
    assert balance(books.venture, "asset:pledges:USD:dk-natcom") == 100_000_00
    assert balance(books.venture, "asset:cash:USD") == 0  # pledged is not yet held
    assert fund_balances_at(fund=books.venture, on=DAY) == {}  # nor counted in the fund's holdings

    services.pledge_receipt_record(**common, donor=donor, asset=books.usd, amount=40_000_00)
    receipt = services.pledge_receipt_record(**common, donor=donor, asset=books.usd, amount=35_000_00)
    assert receipt.kind == EntryKind.PLEDGE_RECEIPT
    assert balance(books.venture, "asset:cash:USD") == 75_000_00
    assert fund_balances_at(fund=books.venture, on=DAY) == {"USD": 75_000_00}

    rows = services.outstanding_pledges(books.venture)
    assert [(r.donor, r.asset.code, r.pledged, r.received, r.outstanding) for r in rows] == [
        (donor, "USD", 100_000_00, 75_000_00, 25_000_00),
        (other_donor, "ETH", 10 * WEI, 0, 10 * WEI),
    ]

    before = counts()
    with pytest.raises(ValidationError, match=r"25,000.00 USD outstanding on its pledges to Venture Fund"):
        services.pledge_receipt_record(**common, donor=donor, asset=books.usd, amount=25_000_01)
    assert counts() == before

    # A reversed receipt counts against its original, and the pledge is outstanding again.
    entry_reverse(actor=officer, entry=receipt, effective_date=DAY)
    [usd_row, _eth_row] = services.outstanding_pledges(books.venture)
    assert (usd_row.received, usd_row.outstanding) == (40_000_00, 60_000_00)

    services.pledge_receipt_record(**common, donor=donor, asset=books.usd, amount=60_000_00)
    services.pledge_receipt_record(**common, donor=other_donor, asset=books.eth, amount=10 * WEI)
    assert services.outstanding_pledges(books.venture) == []
    settled = services.outstanding_pledges(books.venture, include_settled=True)
    assert [(r.pledged, r.received, r.outstanding) for r in settled] == [
        (100_000_00, 100_000_00, 0),
        (10 * WEI, 10 * WEI, 0),
    ]
    assert ledger_verify() == []


def test_a_receipt_without_a_pledge_is_refused(books, donor, officer):
    before = counts()
    with pytest.raises(ValidationError, match=r"has 0\.00 USD outstanding"):
        services.pledge_receipt_record(
            actor=officer, fund=books.venture, donor=donor, asset=books.usd, amount=1, effective_date=DAY
        )
    assert counts() == before


def test_outstanding_pledges_take_two_queries_however_many_donors(books, officer, django_assert_num_queries):
    for n in range(5):
        org = Organization.objects.create(name=f"Donor {n}", slug=f"donor-{n}", kind="donor")
        services.pledge_record(
            actor=officer, fund=books.venture, donor=org, asset=books.usd, amount=1000, effective_date=DAY
        )
    with django_assert_num_queries(2):
        rows = services.outstanding_pledges(books.venture)
        assert [row.donor.name for row in rows] == [f"Donor {n}" for n in range(5)]


# --- Commitments, fees, refunds -------------------------------------------------------------------


def test_a_commitment_is_off_balance(books, donor, grantee, officer):
    services.donation_record(
        actor=officer, fund=books.venture, donor=donor, asset=books.usd, amount=500_000_00, effective_date=DAY
    )
    holdings_before = fund_balances_at(fund=books.venture, on=DAY)
    entry = services.commitment_record(
        actor=officer,
        fund=books.venture,
        grantee=grantee,
        asset=books.usd,
        amount=100_000_00,
        effective_date=DAY,
        memo="Cohort 2021",
    )
    assert entry.kind == EntryKind.COMMITMENT
    assert {p.account.type for p in entry.postings.select_related("account")} == {AccountType.COMMITMENT}
    assert fund_balances_at(fund=books.venture, on=DAY) == holdings_before
    assert services.open_commitment(fund=books.venture, grantee=grantee, asset=books.usd) == 100_000_00
    assert balance(books.venture, "commitment:commitments-contra:USD") == -100_000_00
    assert ledger_verify() == []


def test_a_fee_is_its_own_entry_and_holdings_must_cover_it(books, donor, officer):
    services.donation_record(
        actor=officer, fund=books.venture, donor=donor, asset=books.usd, amount=10_000, effective_date=DAY
    )
    fee = services.fee_record(
        actor=officer, fund=books.venture, asset=books.usd, amount=2_500, effective_date=DAY, memo="Wire fee"
    )
    assert fee.kind == EntryKind.FEE
    assert sorted(p.amount for p in fee.postings.all()) == [-2_500, 2_500]
    assert balance(books.venture, "expense:fees:USD") == 2_500
    assert balance(books.venture, "asset:cash:USD") == 7_500
    before = counts()
    with pytest.raises(ValidationError, match=r"Not enough USD in Venture Fund: 75.00 available"):
        services.fee_record(
            actor=officer, fund=books.venture, asset=books.usd, amount=7_501, effective_date=DAY
        )
    assert counts() == before


def test_a_refund_reduces_the_donors_contribution_and_never_exceeds_what_was_paid(books, donor, officer):
    common = {
        "actor": officer,
        "fund": books.venture,
        "donor": donor,
        "asset": books.usd,
        "effective_date": DAY,
    }
    services.pledge_record(**common, amount=1_000_00)
    services.pledge_receipt_record(**common, amount=600_00)
    before = counts()
    with pytest.raises(ValidationError, match=r"has paid 600.00 USD into Venture Fund"):
        services.refund_record(**common, amount=600_01)
    assert counts() == before
    refund = services.refund_record(**common, amount=100_00, memo="Unspent earmark")
    assert refund.kind == EntryKind.REFUND
    contributions = Account.objects.get(fund=books.venture, code="income:donations:USD:dk-natcom")
    assert contributions.natural_balance == 900_00
    assert balance(books.venture, "asset:cash:USD") == 500_00
    assert ledger_verify() == []


# --- Bad input: a clear message, nothing written --------------------------------------------------


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"amount": -100}, ValidationError, "must be more than zero"),
        ({"amount": 0}, ValidationError, "must be more than zero"),
        ({"amount": 1.5}, ValidationError, "whole numbers of base units"),
        ({"amount": True}, ValidationError, "whole numbers of base units"),
        ({"asset": "XYZ"}, ValidationError, "Unknown asset: XYZ"),
        (
            {"fund": "crypto", "asset": "USD"},
            ValidationError,
            "CryptoFund accepts and pays out only crypto assets",
        ),
        ({"fund": "acceleration", "asset": "ETH"}, ValidationError, "Acceleration Fund does not accept ETH"),
        ({"donor": None}, ValidationError, "Choose the donor"),
        ({"effective_date": "2021-06-30"}, ValidationError, "Enter the effective date"),
        ({"actor": "fund_manager"}, PermissionDenied, "Only finance officers"),
        ({"actor": "outsider"}, PermissionDenied, "Only finance officers"),
    ],
)
@pytest.mark.parametrize(
    "service", [services.donation_record, services.pledge_record, services.pledge_receipt_record]
)
def test_bad_money_input_is_refused_and_nothing_is_written(
    books, donor, personas, service, change, error, message
):
    acceleration = Fund.objects.create(
        name="Acceleration Fund", slug="acceleration", kind="acceleration", reporting_asset=books.usd
    )
    acceleration.allowed_assets.set([books.usd])
    kwargs = {
        "actor": personas["finance_officer"],
        "fund": books.venture,
        "donor": donor,
        "asset": books.usd,
        "amount": 100,
        "effective_date": DAY,
    }
    kwargs.update(change)
    if isinstance(kwargs["actor"], str):
        kwargs["actor"] = personas[kwargs["actor"]]
    if isinstance(kwargs["fund"], str):
        kwargs["fund"] = Fund.objects.get(slug=kwargs["fund"])
    before = counts()
    with pytest.raises(error, match=message):
        service(**kwargs)
    assert counts() == before


def test_conversion_in_the_crypto_fund_is_refused_by_the_ledger(books, other_donor, officer):
    services.donation_record(
        actor=officer, fund=books.crypto, donor=other_donor, asset=books.eth, amount=WEI, effective_date=DAY
    )
    wallet_btc = services.holdings_account(books.crypto, books.btc)
    clearing = {
        asset.code: account_for(fund=books.crypto, type=AccountType.EQUITY, asset=asset, purpose="conversion")
        for asset in (books.eth, books.btc)
    }
    before = counts()
    with pytest.raises(ValidationError, match="CryptoFund never converts between assets"):
        entry_post(  # 1 ETH out, 1 BTC in: an exchange inside the fund, balanced per asset
            actor=officer,
            fund=books.crypto,
            kind=EntryKind.DONATION,  # no kind of entry is an exchange; any kind is refused
            effective_date=DAY,
            lines=[
                Line(books.crypto_eth, -WEI),
                Line(clearing["ETH"], WEI),
                Line(wallet_btc, 10**8),
                Line(clearing["BTC"], -(10**8)),
            ],
        )
    assert counts() == before


def test_a_crypto_only_fund_refuses_fiat_even_if_it_were_listed(books, other_donor, officer):
    books.crypto.allowed_assets.add(books.usd)  # bypassing fund_rules_update, which would refuse this
    before = counts()
    with pytest.raises(ValidationError, match="accepts and pays out only crypto assets"):
        services.commitment_record(
            actor=officer,
            fund=books.crypto,
            grantee=other_donor,
            asset=books.usd,
            amount=1,
            effective_date=DAY,
        )
    assert counts() == before


def test_double_reversal_is_refused_and_writes_nothing(books, donor, officer):
    entry = services.donation_record(
        actor=officer, fund=books.venture, donor=donor, asset=books.usd, amount=100, effective_date=DAY
    )
    entry_reverse(actor=officer, entry=entry)
    before = counts()
    with pytest.raises(ValidationError, match="already been reversed"):
        entry_reverse(actor=officer, entry=entry)
    assert counts() == before
    assert balance(books.venture, "asset:cash:USD") == 0


# --- Fund rules -----------------------------------------------------------------------------------


def test_a_fund_manager_edits_the_rules_and_the_edit_is_audited(books, personas):
    manager = personas["fund_manager"]
    services.fund_rules_update(
        actor=manager,
        fund=books.venture,
        data={
            "allowed_assets": ["USD", "ETH"],
            "target_new_investments_per_year": 30,
            "instrument_rules": {"grant": (50_000_00, 100_000_00), "equity": (50_000_00, 100_000_00)},
        },
    )
    fund = Fund.objects.get(pk=books.venture.pk)
    assert sorted(fund.allowed_assets.values_list("code", flat=True)) == ["ETH", "USD"]
    assert fund.target_new_investments_per_year == 30
    assert {(r.instrument, r.min_amount, r.max_amount) for r in InstrumentRule.objects.filter(fund=fund)} == {
        ("grant", 50_000_00, 100_000_00),
        ("equity", 50_000_00, 100_000_00),
    }
    event = AuditEvent.objects.get(action="fund.rules_update")
    assert event.actor == manager
    assert event.changes["allowed_assets"] == [["BTC", "ETH", "USD"], ["ETH", "USD"]]
    assert event.changes["target_new_investments_per_year"] == [None, 30]
    assert event.changes["instrument_rules"][0] == {}

    # Replacing the instrument list drops what is left out; an unchanged edit writes no event.
    services.fund_rules_update(actor=manager, fund=fund, data={"instrument_rules": {"grant": (1, 2)}})
    assert list(InstrumentRule.objects.filter(fund=fund).values_list("instrument", flat=True)) == ["grant"]
    events = AuditEvent.objects.count()
    services.fund_rules_update(actor=manager, fund=fund, data={"instrument_rules": {"grant": (1, 2)}})
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("fund", "data", "field", "message"),
    [
        ("crypto", {"allows_conversion": True}, "allows_conversion", "never converts"),
        ("venture", {"crypto_only": True, "allows_conversion": False}, "allowed_assets", "remove USD"),
        ("venture", {"allowed_assets": []}, "allowed_assets", "at least one asset"),
        ("venture", {"allowed_assets": ["USD", "NOPE"]}, "allowed_assets", "Unknown asset: NOPE"),
        ("venture", {"target_new_investments_per_year": -1}, "target_new_investments_per_year", "whole"),
        (
            "venture",
            {"instrument_rules": {"grant": (10, 5)}},
            "instrument_rules",
            "smallest ticket is larger",
        ),
        ("venture", {"instrument_rules": {"grant": (-1, 5)}}, "instrument_rules", "non-negative"),
        ("venture", {"instrument_rules": {"loan": (1, 5)}}, "instrument_rules", "Unknown instrument: loan"),
    ],
)
def test_bad_rules_are_refused_and_nothing_changes(books, personas, fund, data, field, message):
    fund = Fund.objects.get(slug=fund)
    before = (_rules_snapshot(fund), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.fund_rules_update(actor=personas["fund_manager"], fund=fund, data=data)
    assert message in " ".join(raised.value.message_dict[field])
    assert (_rules_snapshot(Fund.objects.get(pk=fund.pk)), AuditEvent.objects.count()) == before


def test_an_asset_still_held_cannot_be_dropped(books, donor, personas):
    services.donation_record(
        actor=personas["finance_officer"],
        fund=books.venture,
        donor=donor,
        asset=books.usd,
        amount=1_000_00,
        effective_date=DAY,
    )
    with pytest.raises(ValidationError, match=r"still holds 1,000\.00 USD"):
        services.fund_rules_update(
            actor=personas["fund_manager"], fund=books.venture, data={"allowed_assets": ["ETH"]}
        )


@pytest.mark.parametrize("persona", ["finance_officer", "administrator", "committee_member", "outsider"])
def test_only_fund_managers_edit_rules(books, personas, persona):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="Only fund managers"):
        services.fund_rules_update(
            actor=personas[persona], fund=books.venture, data={"target_new_investments_per_year": 1}
        )
    assert Fund.objects.get(pk=books.venture.pk).target_new_investments_per_year is None
    assert AuditEvent.objects.count() == before


# --- Access ---------------------------------------------------------------------------------------

LEDGER_ROLES = {"finance_officer", "fund_manager", "administrator"}


@pytest.mark.parametrize(
    "persona",
    [
        "fund_manager",
        "reviewer",
        "committee_member",
        "finance_officer",
        "mentor",
        "focal_point",
        "applicant",
        "administrator",
        "outsider",
    ],
)
def test_ledger_access_per_role(books, donor, personas, persona):
    user = personas[persona]
    entry = services.donation_record(
        actor=personas["finance_officer"],
        fund=books.venture,
        donor=donor,
        asset=books.usd,
        amount=100,
        effective_date=DAY,
    )
    assert access.can_view_ledger(user) == (persona in LEDGER_ROLES)
    assert access.can_record_money(user) == (persona == "finance_officer")
    assert list(access.funds_for_user(user)) == (
        [books.crypto, books.venture] if persona in LEDGER_ROLES else []
    )
    if persona in LEDGER_ROLES:
        assert access.get_fund_for_user(user, "venture") == books.venture
        assert access.get_entry_for_user(user, entry.pk) == entry
        with pytest.raises(Http404):
            access.get_fund_for_user(user, "no-such-fund")
        with pytest.raises(Http404):
            access.get_entry_for_user(user, "not-a-number")
        if persona == "fund_manager":
            assert access.get_fund_for_user(user, "venture", write=True) == books.venture
        else:
            with pytest.raises(PermissionDenied):
                access.get_fund_for_user(user, "venture", write=True)
    else:
        with pytest.raises(PermissionDenied):
            access.get_fund_for_user(user, "venture")
        with pytest.raises(PermissionDenied):
            access.get_entry_for_user(user, entry.pk)


def test_the_public_sees_nothing_of_the_ledger(books):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.can_view_ledger(anonymous)
    assert not access.can_record_money(anonymous)
    with pytest.raises(PermissionDenied):
        access.get_fund_for_user(anonymous, "venture")


def test_the_database_refuses_a_ticket_range_upside_down_or_negative(books):
    """Compared as numbers on every engine: as SQLite text, "1000…" would sort before "900…"."""
    from django.db import IntegrityError, transaction

    for low, high in [(10**21, 9 * 10**20), (-1, 5)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            InstrumentRule.objects.create(
                fund=books.venture, instrument="equity", min_amount=low, max_amount=high
            )
    InstrumentRule.objects.create(
        fund=books.venture, instrument="equity", min_amount=9 * 10**20, max_amount=10**21
    )
