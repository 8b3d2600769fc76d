"""The database itself refuses to break the ledger, whatever writes to it: raw SQL is rejected on both
SQLite and PostgreSQL."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from seedbed.funds.ledger import Line, entry_post
from seedbed.funds.models import Account, EntrySeal, JournalEntry, Posting

pytestmark = pytest.mark.django_db


def key_value(key: uuid.UUID) -> str:
    return str(key) if connection.vendor == "postgresql" else key.hex


def amount_value(amount: int):
    return amount if connection.vendor == "postgresql" else str(amount)


@pytest.fixture
def posted(books):
    return entry_post(
        actor=None,
        fund=books.venture,
        kind="donation",
        effective_date=dt.date(2021, 1, 1),
        lines=[Line(books.cash_usd, 100), Line(books.income_usd, -100)],
    )


def raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_entry(books, key: uuid.UUID, seal_key: uuid.UUID | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO funds_journalentry (key, seal_key, fund_id, kind, effective_date, recorded_at, memo,"
            " cause_id, external_ref, is_sample) VALUES (%s, %s, %s, 'donation', '2021-01-01',"
            " '2021-01-01 00:00:00', '', '', '', %s)",
            [key_value(key), key_value(seal_key or key), books.venture.pk, False],
        )
        cursor.execute("SELECT id FROM funds_journalentry WHERE key = %s", [key_value(key)])
        return cursor.fetchone()[0]


def insert_posting(entry_id: int, account: Account, amount: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO funds_posting (entry_id, account_id, fund_id, asset_id, amount, effective_date)"
            " VALUES (%s, %s, %s, %s, %s, '2021-01-01')",
            [entry_id, account.pk, account.fund_id, account.asset_id, amount_value(amount)],
        )


def seal(key: uuid.UUID) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO funds_entryseal (entry_key, sealed_at) VALUES (%s, '2021-01-01 00:00:00')",
            [key_value(key)],
        )


def test_an_unbalanced_entry_cannot_be_sealed(books):
    key = uuid.uuid4()
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry_id = insert_entry(books, key)
        insert_posting(entry_id, books.cash_usd, 100)
        insert_posting(entry_id, books.income_usd, -99)
        seal(key)
    assert JournalEntry.objects.count() == 0


def test_an_entry_without_its_seal_cannot_be_committed(books):
    """The seal is checked at commit: an entry left unsealed makes the whole transaction fail."""
    key = uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        entry_id = insert_entry(books, key)
        insert_posting(entry_id, books.cash_usd, 100)
        insert_posting(entry_id, books.income_usd, -100)
        # Deferred constraints are checked at the end of the transaction; check them now.
        connection.check_constraints() if connection.vendor == "sqlite" else raw(
            "SET CONSTRAINTS ALL IMMEDIATE"
        )
    assert JournalEntry.objects.count() == 0


def test_postgres_checks_each_new_entry_again_at_commit(books):
    """The deferred constraint trigger, on its own (the foreign keys stay deferred): sealed, balanced."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL constraint trigger; SQLite checks at the seal and by foreign key")
    key = uuid.uuid4()
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry_id = insert_entry(books, key)
        insert_posting(entry_id, books.cash_usd, 100)
        insert_posting(entry_id, books.income_usd, -100)
        raw("SET CONSTRAINTS funds_entry_balanced_at_commit IMMEDIATE")
    assert JournalEntry.objects.count() == 0


def test_an_entry_cannot_borrow_another_seal(books, posted):
    with pytest.raises(IntegrityError, match="its own seal"), transaction.atomic():
        insert_entry(books, uuid.uuid4(), seal_key=posted.key)


def test_a_sealed_entry_takes_no_more_postings(books, posted):
    with pytest.raises(IntegrityError, match="already posted"), transaction.atomic():
        insert_posting(posted.pk, books.cash_usd, 5)


@pytest.mark.parametrize("amount", [0])
def test_a_zero_posting_is_refused(books, amount):
    key = uuid.uuid4()
    with pytest.raises(IntegrityError, match="non-zero whole number"), transaction.atomic():
        entry_id = insert_entry(books, key)
        insert_posting(entry_id, books.cash_usd, amount)


def test_a_posting_must_use_its_account_asset(books):
    key = uuid.uuid4()
    with pytest.raises(IntegrityError, match="asset and fund"), transaction.atomic():
        entry_id = insert_entry(books, key)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO funds_posting (entry_id, account_id, fund_id, asset_id, amount, effective_date)"
                " VALUES (%s, %s, %s, %s, %s, '2021-01-01')",
                [entry_id, books.cash_usd.pk, books.venture.pk, books.eth.pk, amount_value(5)],
            )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE funds_posting SET amount = amount",
        "DELETE FROM funds_posting",
        "UPDATE funds_journalentry SET memo = 'changed'",
        "DELETE FROM funds_journalentry",
        "DELETE FROM funds_entryseal",
        "UPDATE funds_entryseal SET sealed_at = sealed_at",
    ],
)
def test_posted_records_cannot_be_changed_or_deleted(posted, sql):
    with pytest.raises(IntegrityError, match="cannot be changed or deleted"):
        raw(sql)
    assert Posting.objects.count() == 2
    assert EntrySeal.objects.count() == 1
    assert JournalEntry.objects.get().memo == ""


def test_the_orm_cannot_delete_or_edit_either(posted):
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.filter(entry=posted).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.filter(pk=posted.pk).update(memo="x")


def test_verify_reports_an_entry_left_without_its_seal(books, posted):
    """Before commit (the seal is checked there) an unsealed entry exists; verify names it."""
    from seedbed.funds.ledger import ledger_verify

    with transaction.atomic():
        entry_id = insert_entry(books, uuid.uuid4())
        problems = ledger_verify()
        transaction.set_rollback(True)
    assert [(problem.what, problem.detail) for problem in problems] == [
        ("seal", f"entry #{entry_id} has no seal")
    ]
