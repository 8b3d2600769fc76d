"""The ledger's invariants through the service layer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from seedbed.core.models import AuditEvent
from seedbed.funds.ledger import Line, balance_at, entry_post, entry_reverse, fund_balances_at, ledger_verify
from seedbed.funds.models import Account, JournalEntry, Posting

pytestmark = pytest.mark.django_db

WEI = 10**18
DAY = dt.date(2021, 6, 30)


def donate(books, amount, account=None, income=None, fund=None, on=DAY, **kwargs):
    return entry_post(
        actor=None,
        fund=fund or books.venture,
        kind="donation",
        effective_date=on,
        lines=[Line(account or books.cash_usd, amount), Line(income or books.income_usd, -amount)],
        **kwargs,
    )


def test_a_balanced_entry_posts_and_moves_the_running_balances(books):
    entry = donate(books, 3_500_000_000)  # USD 35M in cents
    assert entry.postings.count() == 2
    books.cash_usd.refresh_from_db()
    books.income_usd.refresh_from_db()
    assert books.cash_usd.balance == 3_500_000_000
    assert books.income_usd.natural_balance == 3_500_000_000
    assert AuditEvent.objects.filter(action="ledger.donation", object_id=str(entry.pk)).exists()
    assert ledger_verify() == []


def test_amounts_beyond_64_bits_stay_exact_on_every_database(books):
    amount = 2267 * WEI + 1  # 2267 ETH and one wei: 2.267e21, far beyond 2**63
    donate(books, amount, account=books.cash_eth, income=books.income_eth)
    donate(books, amount, account=books.cash_eth, income=books.income_eth)
    assert Account.objects.get(pk=books.cash_eth.pk).balance == 2 * amount
    assert balance_at(account=books.cash_eth, on=DAY) == 2 * amount
    assert fund_balances_at(fund=books.venture, on=DAY)["ETH"] == 2 * amount
    assert [p.amount for p in Posting.objects.filter(account=books.cash_eth)] == [amount, amount]
    assert ledger_verify() == []


def test_balance_at_a_date_counts_only_what_happened_by_then(books):
    donate(books, 100, on=dt.date(2020, 1, 1))
    donate(books, 50, on=dt.date(2021, 1, 1))
    donate(books, 7, on=dt.date(2019, 12, 31))  # back-dated: still counted where it belongs
    assert balance_at(account=books.cash_usd, on=dt.date(2019, 12, 31)) == 7
    assert balance_at(account=books.cash_usd, on=dt.date(2020, 6, 1)) == 107
    assert balance_at(account=books.cash_usd, on=dt.date(2021, 1, 1)) == 157
    assert ledger_verify() == []


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (lambda b: [Line(b.cash_usd, 100), Line(b.income_usd, -99)], "does not balance in USD"),
        (lambda b: [Line(b.cash_usd, 100)], "at least two postings"),
        (lambda b: [Line(b.cash_usd, 0), Line(b.income_usd, 0)], "cannot be zero"),
        (lambda b: [Line(b.cash_usd, 1.5), Line(b.income_usd, -1.5)], "whole numbers"),
        (lambda b: [Line(b.cash_usd, 100), Line(b.crypto_income_eth, -100)], "of the entry's fund"),
    ],
)
def test_bad_entries_are_refused_with_a_clear_message_and_nothing_written(books, lines, message):
    before = (JournalEntry.objects.count(), Posting.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match=message):
        entry_post(actor=None, fund=books.venture, kind="donation", effective_date=DAY, lines=lines(books))
    assert (JournalEntry.objects.count(), Posting.objects.count(), AuditEvent.objects.count()) == before


def test_the_crypto_fund_never_converts_and_takes_only_crypto(books):
    usd_in_crypto = Account.objects.create(
        fund=books.crypto, code="asset:cash:USD", name="USD", type="asset", asset=books.usd
    )
    with pytest.raises(ValidationError, match="does not accept USD"):
        entry_post(
            actor=None,
            fund=books.crypto,
            kind="donation",
            effective_date=DAY,
            lines=[Line(usd_in_crypto, 100), Line(books.crypto_income_eth, -100)],
        )
    with pytest.raises(ValidationError, match="never converts"):
        entry_post(
            actor=None,
            fund=books.crypto,
            kind="donation",
            effective_date=DAY,
            lines=[
                Line(books.crypto_eth, WEI),
                Line(books.crypto_income_eth, -WEI),
                Line(books.crypto_btc, 10**8),
                Line(books.crypto_btc, -(10**8)),
            ],
        )
    assert JournalEntry.objects.count() == 0


def test_a_reversal_restores_the_balances_and_happens_once(books):
    entry = donate(books, 12_345)
    reversal = entry_reverse(actor=None, entry=entry, memo="Entered twice")
    assert reversal.reverses == entry
    assert Account.objects.get(pk=books.cash_usd.pk).balance == 0
    assert balance_at(account=books.cash_usd, on=dt.date.today()) == 0
    with pytest.raises(ValidationError, match="already been reversed"):
        entry_reverse(actor=None, entry=entry)
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        entry_reverse(actor=None, entry=reversal)
    assert JournalEntry.objects.count() == 2
    assert ledger_verify() == []


def test_verify_finds_a_tampered_running_balance(books):
    donate(books, 500)
    Account.objects.filter(pk=books.cash_usd.pk).update(balance=499)
    problems = ledger_verify()
    assert [problem.what for problem in problems] == ["balance"]
    assert "running balance 499, postings sum to 500" in problems[0].detail


def test_verify_finds_a_posting_tampered_behind_the_guards_back(books):
    """Only possible with the database's guards switched off (a superuser could): verify still sees it.
    On PostgreSQL the deferred check would still refuse to commit it, when made in the same transaction."""
    from django.db import IntegrityError, connection, transaction

    from seedbed.core.db.guards import guards_disabled

    entry = donate(books, 500)
    donate(books, 700)
    posting = entry.postings.get(account=books.cash_usd)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers
            cursor.execute("UPDATE funds_posting SET amount = 501 WHERE id = %s", [posting.pk])
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            with guards_disabled():
                cursor.execute("UPDATE funds_posting SET amount = '501' WHERE id = %s", [posting.pk])
        problems = ledger_verify()
        assert sorted(problem.what for problem in problems) == ["balance", "day", "entry"]
        details = " | ".join(problem.detail for problem in problems)
        assert f"entry #{entry.pk} does not balance in USD" in details
        assert "running balance 1200, postings sum to 1201" in details
        if postgres:
            with pytest.raises(IntegrityError, match="does not balance"):
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            transaction.set_rollback(True)


# --- The row writer behind both posting paths (seedbed.funds.ledger_rows) ------------------------------


def test_the_row_writer_names_every_column_of_the_ledger_tables():
    """It writes with raw SQL: a column added to a model must be added to it too, or be caught here."""
    from seedbed.funds import ledger_rows
    from seedbed.funds.models import EntrySeal

    for model, columns in [
        (JournalEntry, ledger_rows.ENTRY_COLUMNS),
        (Posting, ledger_rows.POSTING_COLUMNS),
        (EntrySeal, ledger_rows.SEAL_COLUMNS),
    ]:
        fields = {field.column for field in model._meta.concrete_fields if field.column != "id"}
        assert fields == set(columns), model.__name__


def test_the_bulk_path_stores_every_field_as_the_model_reads_it(books, personas, organization):
    from django.utils import timezone

    from seedbed.funds.ledger import EntrySpec, entries_post_bulk
    from tests.conftest import make_user

    officer = personas["finance_officer"]
    approver = make_user("second_officer", ("finance_officer",))
    cause = donate(books, 5_000, external_ref="first")
    before = timezone.now()
    specs = [
        EntrySpec(
            fund=books.venture,
            kind="donation",
            effective_date=dt.date(2019, 2, 28),
            lines=[Line(books.cash_eth, 7 * WEI + 3), Line(books.income_eth, -(7 * WEI + 3))],
            memo="Ünïcode memo",
            counterparty=organization,
            external_ref="bank-42",
            is_sample=True,
            recorded_by=officer,
            approved_by=approver,
            cause=cause,
        ),
        EntrySpec(
            fund=books.venture,
            kind="donation",
            effective_date=dt.date(2019, 2, 28),
            lines=[Line(books.cash_eth, 1), Line(books.income_eth, -1)],
        ),
    ]
    assert entries_post_bulk(actor=officer, specs=specs) == 2
    entry = JournalEntry.objects.get(external_ref="bank-42")
    assert entry.key == specs[0].key
    assert entry.seal_id == specs[0].key
    assert (entry.kind, entry.effective_date, entry.memo) == (
        "donation",
        dt.date(2019, 2, 28),
        "Ünïcode memo",
    )
    assert (entry.counterparty, entry.recorded_by, entry.approved_by) == (organization, officer, approver)
    assert entry.is_sample is True
    assert (entry.cause_type.model, entry.cause_id) == ("journalentry", str(cause.pk))
    assert before <= entry.recorded_at <= timezone.now()
    assert [(p.account, p.amount, p.effective_date) for p in entry.postings.order_by("id")] == [
        (books.cash_eth, 7 * WEI + 3, dt.date(2019, 2, 28)),
        (books.income_eth, -(7 * WEI + 3), dt.date(2019, 2, 28)),
    ]
    other = JournalEntry.objects.get(key=specs[1].key)
    assert (other.counterparty, other.recorded_by, other.cause_type, other.is_sample) == (
        None,
        None,
        None,
        False,
    )
    assert balance_at(account=books.cash_eth, on=dt.date(2019, 2, 28)) == 7 * WEI + 4
    assert ledger_verify() == []


def test_postings_on_the_same_day_add_up_in_one_day_row(books):
    from seedbed.funds.models import AccountDay

    for amount in (10**20, 10**20 + 1, 5):
        donate(books, amount, account=books.cash_eth, income=books.income_eth)
    day = AccountDay.objects.get(account=books.cash_eth, date=DAY)
    assert (day.debits, day.credits) == (2 * 10**20 + 6, 0)
    income = AccountDay.objects.get(account=books.income_eth, date=DAY)
    assert (income.debits, income.credits) == (0, 2 * 10**20 + 6)
