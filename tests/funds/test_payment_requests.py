"""Payment requests: one finance officer requests, a different one approves, then it posts — once."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection
from django.http import Http404

from seedbed.core.models import AuditEvent, Organization
from seedbed.core.roles import Role
from seedbed.funds import access, services
from seedbed.funds.ledger import fund_balances_at, ledger_verify
from seedbed.funds.models import (
    Account,
    EntryKind,
    Fund,
    JournalEntry,
    PaymentRequest,
    PaymentRequestStatus,
    Posting,
)
from tests.conftest import make_user

DAY = dt.date(2021, 6, 30)
WEI = 10**18


def counts() -> tuple[int, int, int, int]:
    return (
        JournalEntry.objects.count(),
        Posting.objects.count(),
        AuditEvent.objects.count(),
        Account.objects.count(),
    )


def balance(fund: Fund, code: str) -> int:
    account = Account.objects.filter(fund=fund, code=code).first()
    return account.balance if account is not None else 0


def status_of(request: PaymentRequest) -> str:
    return PaymentRequest.objects.get(pk=request.pk).status


@pytest.fixture
def donor(db) -> Organization:
    return Organization.objects.create(name="Danish National Committee", slug="dk-natcom", kind="donor")


@pytest.fixture
def grantee(db) -> Organization:
    return Organization.objects.create(name="Kijani Data Labs", slug="kijani", kind="startup")


@pytest.fixture
def officers(personas):
    """The requester and a second finance officer who may approve."""
    return personas["finance_officer"], make_user("finance2", (Role.FINANCE_OFFICER,))


@pytest.fixture
def funded(books, donor, officers):
    """USD 1,000.00 and 5 ETH in the Venture Fund, 3 ETH in the CryptoFund."""
    common = {"actor": officers[0], "donor": donor, "effective_date": DAY}
    services.donation_record(**common, fund=books.venture, asset=books.usd, amount=1_000_00)
    services.donation_record(**common, fund=books.venture, asset=books.eth, amount=5 * WEI)
    services.donation_record(**common, fund=books.crypto, asset=books.eth, amount=3 * WEI)
    return books


def request(officer, fund, **kwargs) -> PaymentRequest:
    values = {"kind": "disbursement", "effective_date": DAY, "memo": "Tranche 1"}
    values.update(kwargs)
    return services.payment_request_create(actor=officer, fund=fund, **values)


# --- The happy paths ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_disbursement_is_requested_approved_posted_and_releases_the_commitment(funded, grantee, officers):
    requester, approver = officers
    services.commitment_record(
        actor=requester,
        fund=funded.venture,
        grantee=grantee,
        asset=funded.usd,
        amount=600_00,
        effective_date=DAY,
    )
    pending = request(requester, funded.venture, asset=funded.usd, amount=400_00, counterparty=grantee)
    assert pending.status == PaymentRequestStatus.PENDING
    assert AuditEvent.objects.filter(action="payment_request.create", actor=requester).count() == 1
    assert balance(funded.venture, "asset:cash:USD") == 1_000_00  # nothing moves before approval

    approved = services.payment_request_approve(actor=approver, request=pending)
    assert approved.status == PaymentRequestStatus.POSTED
    assert approved.decided_by == approver
    assert approved.decided_at is not None
    entry = approved.entry
    assert entry is not None
    assert (entry.kind, entry.counterparty, entry.approved_by) == (EntryKind.DISBURSEMENT, grantee, approver)
    assert entry.recorded_by == requester  # the entry names both people of the four eyes
    assert balance(funded.venture, "asset:cash:USD") == 600_00
    assert balance(funded.venture, "expense:grants:USD:kijani") == 400_00
    assert services.open_commitment(fund=funded.venture, grantee=grantee, asset=funded.usd) == 200_00
    assert AuditEvent.objects.filter(action="payment_request.approve", actor=approver).count() == 1

    # Paying more than is still committed releases only what is open.
    second = request(requester, funded.venture, asset=funded.usd, amount=500_00, counterparty=grantee)
    services.payment_request_approve(actor=approver, request=second)
    assert services.open_commitment(fund=funded.venture, grantee=grantee, asset=funded.usd) == 0
    assert balance(funded.venture, "commitment:commitments-contra:USD") == 0
    assert balance(funded.venture, "asset:cash:USD") == 100_00
    assert ledger_verify() == []


@pytest.mark.django_db
def test_a_disbursement_without_a_commitment_touches_no_commitment_account(funded, grantee, officers):
    pending = request(officers[0], funded.venture, asset=funded.usd, amount=1_00, counterparty=grantee)
    entry = services.payment_request_approve(actor=officers[1], request=pending).entry
    assert entry is not None
    assert entry.postings.count() == 2
    assert not Account.objects.filter(code__startswith="commitment:").exists()


@pytest.mark.django_db
def test_fee_and_refund_requests_post_their_own_entries(funded, donor, officers):
    requester, approver = officers
    fee = request(requester, funded.venture, kind="fee", asset=funded.usd, amount=25_00, memo="Audit fee")
    refund = request(
        requester, funded.venture, kind="refund", asset=funded.usd, amount=75_00, counterparty=donor
    )
    fee_entry = services.payment_request_approve(actor=approver, request=fee).entry
    refund_entry = services.payment_request_approve(actor=approver, request=refund).entry
    assert fee_entry is not None and refund_entry is not None
    assert (fee_entry.kind, refund_entry.kind) == (EntryKind.FEE, EntryKind.REFUND)
    assert balance(funded.venture, "expense:fees:USD") == 25_00
    assert balance(funded.venture, "income:donations:USD:dk-natcom") == -(1_000_00 - 75_00)
    assert balance(funded.venture, "asset:cash:USD") == 1_000_00 - 25_00 - 75_00
    assert ledger_verify() == []


@pytest.mark.django_db
def test_a_transfer_moves_holdings_between_funds_in_one_entry(funded, officers):
    pending = request(
        officers[0], funded.venture, kind="transfer", asset=funded.eth, amount=2 * WEI, to_fund=funded.crypto
    )
    entry = services.payment_request_approve(actor=officers[1], request=pending).entry
    assert entry is not None
    assert entry.kind == EntryKind.TRANSFER
    assert {p.fund_id for p in entry.postings.all()} == {funded.venture.pk, funded.crypto.pk}
    assert fund_balances_at(fund=funded.venture, on=DAY)["ETH"] == 3 * WEI
    assert fund_balances_at(fund=funded.crypto, on=DAY)["ETH"] == 5 * WEI
    assert balance(funded.venture, "equity:transfers:ETH") == 2 * WEI
    assert balance(funded.crypto, "equity:transfers:ETH") == -2 * WEI
    assert ledger_verify() == []


# --- Four-eyes and the life of a request ----------------------------------------------------------


@pytest.mark.django_db
def test_the_requester_can_never_approve_or_reject_their_own(funded, grantee, officers):
    requester, _approver = officers
    pending = request(requester, funded.venture, asset=funded.usd, amount=100_00, counterparty=grantee)
    before = counts()
    with pytest.raises(PermissionDenied, match="another finance officer must approve it"):
        services.payment_request_approve(actor=requester, request=pending)
    with pytest.raises(PermissionDenied, match="another finance officer must reject it"):
        services.payment_request_reject(actor=requester, request=pending, note="never mind")
    assert counts() == before
    assert status_of(pending) == PaymentRequestStatus.PENDING


@pytest.mark.parametrize("persona", ["fund_manager", "administrator", "committee_member", "outsider"])
@pytest.mark.django_db
def test_only_finance_officers_request_and_decide(funded, grantee, officers, personas, persona):
    pending = request(officers[0], funded.venture, asset=funded.usd, amount=100_00, counterparty=grantee)
    before = (*counts(), PaymentRequest.objects.count())
    with pytest.raises(PermissionDenied, match="Only finance officers"):
        request(personas[persona], funded.venture, asset=funded.usd, amount=1, counterparty=grantee)
    with pytest.raises(PermissionDenied, match="Only finance officers"):
        services.payment_request_approve(actor=personas[persona], request=pending)
    with pytest.raises(PermissionDenied, match="Only finance officers"):
        services.payment_request_reject(actor=personas[persona], request=pending, note="no")
    with pytest.raises(PermissionDenied, match="Only the person who requested"):
        services.payment_request_cancel(actor=personas[persona], request=pending)
    assert (*counts(), PaymentRequest.objects.count()) == before
    assert status_of(pending) == PaymentRequestStatus.PENDING


@pytest.mark.django_db
def test_double_approval_posts_once_and_tells_the_second(funded, grantee, officers):
    pending = request(officers[0], funded.venture, asset=funded.usd, amount=100_00, counterparty=grantee)
    services.payment_request_approve(actor=officers[1], request=pending)
    third = make_user("finance3", (Role.FINANCE_OFFICER,))
    before = counts()
    with pytest.raises(ValidationError, match="no longer waiting for approval: approved and posted"):
        services.payment_request_approve(actor=third, request=pending)
    assert counts() == before
    assert JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


@pytest.mark.django_db
def test_a_rejection_needs_a_note_and_a_rejected_request_is_final(funded, grantee, officers):
    requester, approver = officers
    pending = request(requester, funded.venture, asset=funded.usd, amount=100_00, counterparty=grantee)
    before = counts()
    with pytest.raises(ValidationError, match="Say why"):
        services.payment_request_reject(actor=approver, request=pending, note="   ")
    assert counts() == before
    rejected = services.payment_request_reject(actor=approver, request=pending, note="Wrong bank account")
    assert (rejected.status, rejected.decided_by, rejected.decision_note) == (
        PaymentRequestStatus.REJECTED,
        approver,
        "Wrong bank account",
    )
    assert AuditEvent.objects.filter(action="payment_request.reject", actor=approver).exists()
    before = counts()
    with pytest.raises(ValidationError, match="no longer waiting for approval: rejected"):
        services.payment_request_approve(actor=approver, request=pending)
    with pytest.raises(ValidationError, match="no longer waiting"):
        services.payment_request_cancel(actor=requester, request=pending)
    assert counts() == before
    assert balance(funded.venture, "asset:cash:USD") == 1_000_00


@pytest.mark.django_db
def test_only_the_requester_cancels_and_only_while_pending(funded, grantee, officers):
    requester, approver = officers
    pending = request(requester, funded.venture, asset=funded.usd, amount=100_00, counterparty=grantee)
    with pytest.raises(PermissionDenied, match="Only the person who requested"):
        services.payment_request_cancel(actor=approver, request=pending)
    cancelled = services.payment_request_cancel(actor=requester, request=pending)
    assert cancelled.status == PaymentRequestStatus.CANCELLED
    assert cancelled.decided_by is None
    before = counts()
    with pytest.raises(ValidationError, match="no longer waiting for approval: cancelled"):
        services.payment_request_approve(actor=approver, request=pending)
    assert counts() == before


# --- Refusals: a clear message, nothing written ---------------------------------------------------


@pytest.mark.django_db
def test_holdings_never_go_negative(funded, grantee, officers):
    pending = request(officers[0], funded.venture, asset=funded.usd, amount=1_000_01, counterparty=grantee)
    before = counts()
    with pytest.raises(ValidationError, match=r"Not enough USD in Venture Fund: 1,000\.00 available\."):
        services.payment_request_approve(actor=officers[1], request=pending)
    assert counts() == before
    assert status_of(pending) == PaymentRequestStatus.PENDING


@pytest.mark.django_db
def test_a_back_dated_payment_must_be_covered_on_its_own_date(funded, grantee, officers):
    early = request(
        officers[0],
        funded.venture,
        asset=funded.usd,
        amount=1_00,
        counterparty=grantee,
        effective_date=DAY - dt.timedelta(days=1),  # before the donation arrived
    )
    with pytest.raises(ValidationError, match=r"0\.00 available"):
        services.payment_request_approve(actor=officers[1], request=early)
    assert status_of(early) == PaymentRequestStatus.PENDING


@pytest.mark.django_db
def test_a_later_payment_cannot_spend_what_an_earlier_dated_one_already_needs(funded, grantee, officers):
    # 1,000.00 on DAY; a payment of 800.00 a month later, then one of 300.00 dated DAY: together
    # they would leave the account at -100.00 from the later date on.
    later = request(
        officers[0],
        funded.venture,
        asset=funded.usd,
        amount=800_00,
        counterparty=grantee,
        effective_date=DAY + dt.timedelta(days=30),
    )
    services.payment_request_approve(actor=officers[1], request=later)
    earlier = request(officers[0], funded.venture, asset=funded.usd, amount=300_00, counterparty=grantee)
    with pytest.raises(ValidationError, match=r"200\.00 available"):
        services.payment_request_approve(actor=officers[1], request=earlier)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": -5}, "must be more than zero"),
        ({"amount": 0}, "must be more than zero"),
        ({"amount": "100"}, "whole numbers of base units"),
        ({"asset": "XYZ"}, "Unknown asset: XYZ"),
        ({"fund": "crypto", "asset": "USD"}, "CryptoFund accepts and pays out only crypto assets"),
        (
            {
                "fund": "crypto",
                "asset": "ETH",
                "to_fund": "venture",
                "kind": "transfer",
                "counterparty": None,
            },
            None,
        ),
        ({"asset": "ETH", "to_fund": "crypto", "kind": "transfer", "counterparty": None}, None),
        (
            {"asset": "USD", "to_fund": "crypto", "kind": "transfer", "counterparty": None},
            "CryptoFund accepts and pays out only crypto assets",
        ),
        ({"kind": "transfer", "counterparty": None}, "Choose the fund that receives"),
        ({"kind": "transfer", "to_fund": "venture", "counterparty": None}, "goes to another fund"),
        ({"kind": "transfer", "to_fund": "crypto"}, "no counterparty"),
        ({"to_fund": "crypto"}, "Only a transfer goes to another fund"),
        ({"counterparty": None}, "Choose the grantee"),
        ({"kind": "refund", "counterparty": None}, "Choose the donor"),
        ({"kind": "conversion"}, "Unknown kind of payment"),
        ({"memo": "  "}, "Say what the payment is for"),
        ({"effective_date": None}, "Enter the effective date"),
    ],
)
@pytest.mark.django_db
def test_bad_requests_are_refused_when_made(funded, grantee, officers, change, message):
    values = {
        "fund": "venture",
        "kind": "disbursement",
        "asset": "USD",
        "amount": 100,
        "counterparty": grantee,
        "effective_date": DAY,
        "memo": "Tranche 1",
    }
    values.update(change)
    for key in ("fund", "to_fund"):
        if isinstance(values.get(key), str):
            values[key] = Fund.objects.get(slug=values[key])
    before = (*counts(), PaymentRequest.objects.count())
    if message is None:  # the valid transfers of the list
        services.payment_request_create(actor=officers[0], **values)
        assert PaymentRequest.objects.count() == before[-1] + 1
        return
    with pytest.raises(ValidationError, match=message):
        services.payment_request_create(actor=officers[0], **values)
    assert (*counts(), PaymentRequest.objects.count()) == before


@pytest.mark.django_db
def test_the_crypto_fund_pays_out_only_crypto_even_if_fiat_were_listed(funded, grantee, officers):
    funded.crypto.allowed_assets.add(funded.usd)  # bypassing fund_rules_update, which refuses this
    with pytest.raises(ValidationError, match="CryptoFund accepts and pays out only crypto assets"):
        request(officers[0], funded.crypto, asset=funded.usd, amount=1, counterparty=grantee)
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_rules_changed_since_the_request_are_checked_again_at_approval(funded, grantee, officers, personas):
    pending = request(officers[0], funded.venture, asset=funded.eth, amount=WEI, counterparty=grantee)
    funded.venture.allowed_assets.remove(funded.eth)  # e.g. a rule change (holdings aside)
    before = counts()
    with pytest.raises(ValidationError, match="Venture Fund does not accept ETH"):
        services.payment_request_approve(actor=officers[1], request=pending)
    assert counts() == before


@pytest.mark.django_db
def test_a_refund_request_cannot_exceed_what_the_donor_paid(funded, donor, officers):
    pending = request(
        officers[0], funded.venture, kind="refund", asset=funded.usd, amount=1_000_01, counterparty=donor
    )
    with pytest.raises(ValidationError, match=r"has paid 1,000\.00 USD into Venture Fund"):
        services.payment_request_approve(actor=officers[1], request=pending)


@pytest.mark.django_db
def test_payment_request_access(funded, grantee, officers, personas):
    pending = request(officers[0], funded.venture, asset=funded.usd, amount=1, counterparty=grantee)
    assert access.get_payment_request_for_user(personas["fund_manager"], pending.pk) == pending
    assert access.get_payment_request_for_user(officers[1], pending.pk, write=True) == pending
    with pytest.raises(PermissionDenied):
        access.get_payment_request_for_user(personas["fund_manager"], pending.pk, write=True)
    with pytest.raises(PermissionDenied):
        access.get_payment_request_for_user(personas["committee_member"], pending.pk)
    with pytest.raises(Http404):
        access.get_payment_request_for_user(officers[1], 999_999)


# --- Two people pressing the same button at the same moment -----------------------------------------


def press_together(*calls):
    """Run each call in its own thread and database connection, released at the same instant."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def assert_clear_refusal(outcome: object, message: str) -> None:
    """The loser of the race gets the service's clear message.

    The test database on SQLite is Django's shared-cache *in-memory* database, where a second writer is
    refused at once ("database table is locked") instead of waiting for the first: one effect still,
    but not the clear message. The file database that Seedbed runs on waits (WAL, ``BEGIN IMMEDIATE``,
    a 20 s timeout); ``test_on_a_sqlite_file_the_second_approver_waits_and_is_told`` proves it.
    """
    if (
        connection.vendor == "sqlite"
        and connection.is_in_memory_db()
        and isinstance(outcome, OperationalError)
    ):
        assert "locked" in str(outcome)
        return
    assert isinstance(outcome, ValidationError), outcome
    assert message in outcome.messages[0]


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_post_exactly_once(funded, grantee, officers):
    requester, second = officers
    third = make_user("finance3", (Role.FINANCE_OFFICER,))
    assert second.has_role(Role.FINANCE_OFFICER) and third.has_role(Role.FINANCE_OFFICER)  # roles cached
    pending = request(requester, funded.venture, asset=funded.usd, amount=100_00, counterparty=grantee)
    entries = JournalEntry.objects.count()

    outcomes = press_together(
        lambda: services.payment_request_approve(actor=second, request=pending),
        lambda: services.payment_request_approve(actor=third, request=pending),
    )

    posted = [o for o in outcomes if isinstance(o, PaymentRequest)]
    refused = [o for o in outcomes if not isinstance(o, PaymentRequest)]
    assert len(posted) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert_clear_refusal(refused[0], "no longer waiting for approval: approved and posted")
    assert JournalEntry.objects.count() == entries + 1
    assert JournalEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
    assert status_of(pending) == PaymentRequestStatus.POSTED
    assert AuditEvent.objects.filter(action="payment_request.approve").count() == 1
    assert balance(funded.venture, "asset:cash:USD") == 900_00
    assert ledger_verify() == []


@pytest.mark.django_db(transaction=True)
def test_two_payments_that_together_overdraw_post_only_one(funded, grantee, officers):
    requester, second = officers
    third = make_user("finance3", (Role.FINANCE_OFFICER,))
    assert second.has_role(Role.FINANCE_OFFICER) and third.has_role(Role.FINANCE_OFFICER)
    first = request(requester, funded.venture, asset=funded.usd, amount=600_00, counterparty=grantee)
    other = request(requester, funded.venture, kind="fee", asset=funded.usd, amount=600_00, memo="Audit")

    outcomes = press_together(
        lambda: services.payment_request_approve(actor=second, request=first),
        lambda: services.payment_request_approve(actor=third, request=other),
    )

    refused = [o for o in outcomes if not isinstance(o, PaymentRequest)]
    assert len(refused) == 1, outcomes
    assert_clear_refusal(refused[0], "Not enough USD in Venture Fund: 400.00 available.")
    statuses = sorted(status_of(r) for r in (first, other))
    assert statuses == [PaymentRequestStatus.PENDING, PaymentRequestStatus.POSTED]
    assert balance(funded.venture, "asset:cash:USD") == 400_00
    assert ledger_verify() == []


FILE_SQLITE_SCENARIO = """
import datetime as dt, json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from seedbed.core.models import Organization
from seedbed.core.roles import Role
from seedbed.core.services import user_create
from seedbed.funds import services
from seedbed.funds.models import Asset, Fund, JournalEntry, PaymentRequest

def officer(name):
    user = user_create(actor=None, username=name, email=name + "@example.org", password=None,
                       roles=[Role.FINANCE_OFFICER])
    assert user.has_role(Role.FINANCE_OFFICER)
    return user

usd = Asset.objects.create(code="USD", name="US dollar", kind="fiat", decimals=2)
fund = Fund.objects.create(name="Venture Fund", slug="venture", kind="venture", reporting_asset=usd)
fund.allowed_assets.set([usd])
donor = Organization.objects.create(name="Donor", slug="donor", kind="donor")
grantee = Organization.objects.create(name="Grantee", slug="grantee", kind="startup")
requester, second, third = officer("f1"), officer("f2"), officer("f3")
day = dt.date(2021, 6, 30)
services.donation_record(actor=requester, fund=fund, donor=donor, asset=usd, amount=1000, effective_date=day)
pending = services.payment_request_create(actor=requester, fund=fund, kind="disbursement", asset=usd,
    amount=100, counterparty=grantee, effective_date=day, memo="Tranche 1")
connection.close()
barrier = threading.Barrier(2)
outcomes = []

def approve(user):
    try:
        barrier.wait(timeout=10)
        services.payment_request_approve(actor=user, request=pending)
        outcomes.append("posted")
    except Exception as error:
        outcomes.append(type(error).__name__ + ": " + " ".join(getattr(error, "messages", [str(error)])))
    finally:
        connection.close()

threads = [threading.Thread(target=approve, args=(user,)) for user in (second, third)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({
    "outcomes": sorted(outcomes),
    "entries": JournalEntry.objects.filter(kind="disbursement").count(),
    "status": PaymentRequest.objects.get(pk=pending.pk).status,
}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL is proven by the threaded tests above")
def test_on_a_sqlite_file_the_second_approver_waits_and_is_told(tmp_path):
    """Seedbed's own SQLite set-up (a file, WAL, BEGIN IMMEDIATE): the second writer queues, then is told."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update({"SEEDBED_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "seedbed.settings"})
    result = subprocess.run(
        [sys.executable, "-c", FILE_SQLITE_SCENARIO],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["entries"] == 1
    assert report["status"] == PaymentRequestStatus.POSTED
    assert report["outcomes"][0].startswith("ValidationError: This payment request is no longer waiting")
    assert report["outcomes"][1] == "posted"
