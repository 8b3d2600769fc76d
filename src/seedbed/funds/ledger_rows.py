"""Writing validated entries to the ledger's tables: the hot loop of both posting paths.

``seedbed.funds.ledger`` validates entries in Python and calls ``entries_write`` inside its transaction.
Rows go through the database driver in a few statements per batch (``executemany`` on SQLite,
``COPY`` on PostgreSQL) rather than through model instances, which cost more than the database's own
work (ADR 0009). The database's triggers still check every row (``seedbed.funds.ledger_sql``).

Running balances are maintained here too, in the same transaction: each account's ``balance`` (the
accounts are locked in id order first, so concurrent posters queue instead of deadlocking) and one
``AccountDay`` row per account and effective date, upserted with exact addition.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from seedbed.funds.models import Account

if TYPE_CHECKING:
    from seedbed.funds.ledger import EntrySpec

ENTRY_COLUMNS = (
    "key",
    "seal_key",
    "fund_id",
    "kind",
    "effective_date",
    "recorded_at",
    "memo",
    "recorded_by_id",
    "approved_by_id",
    "counterparty_id",
    "reverses_id",
    "cause_type_id",
    "cause_id",
    "external_ref",
    "is_sample",
)
POSTING_COLUMNS = ("entry_id", "account_id", "fund_id", "asset_id", "amount", "effective_date")
SEAL_COLUMNS = ("entry_key", "sealed_at")


@dataclass(frozen=True)
class _Adapters:
    """What each backend's driver takes for a UUID, a date, a timestamp and an amount."""

    postgres: bool

    def uuid(self, value: uuid.UUID) -> Any:
        return value if self.postgres else value.hex

    def date(self, value: dt.date) -> Any:
        return value if self.postgres else value.isoformat()

    def amount(self, value: int) -> Any:
        return Decimal(value) if self.postgres else str(value)

    def timestamp(self, value: dt.datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(value)


def _adapters() -> _Adapters:
    return _Adapters(postgres=connection.vendor == "postgresql")


def _user_id(user: Any) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


def _entry_rows(specs: Sequence[EntrySpec], adapt: _Adapters) -> Iterator[tuple[Any, ...]]:
    now = adapt.timestamp(timezone.now())
    for spec in specs:
        key = adapt.uuid(spec.key)
        cause = spec.cause
        yield (
            key,
            key,
            spec.fund.pk,
            spec.kind,
            adapt.date(spec.effective_date),
            now,
            spec.memo,
            _user_id(spec.recorded_by),
            _user_id(spec.approved_by),
            spec.counterparty.pk if spec.counterparty is not None else None,
            spec.reverses.pk if spec.reverses is not None else None,
            ContentType.objects.get_for_model(cause).pk if cause is not None else None,
            str(cause.pk) if cause is not None else "",
            spec.external_ref,
            spec.is_sample,
        )


def _insert(cursor: Any, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows``: with COPY on PostgreSQL (row triggers still fire), ``executemany`` on SQLite."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join("?" * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def _entry_ids(cursor: Any, keys: Sequence[Any]) -> dict[Any, int]:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT key, id FROM funds_journalentry WHERE key = ANY(%s)", [list(keys)])
        return dict(cursor.fetchall())
    ids: dict[Any, int] = {}
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        cursor.execute(
            f"SELECT key, id FROM funds_journalentry WHERE key IN ({', '.join('?' * len(chunk))})",  # noqa: S608
            chunk,
        )
        ids.update(cursor.fetchall())
    return ids


def _driver_cursor() -> Any:
    """The driver's own cursor on Django's connection (so inside Django's transaction).

    On PostgreSQL, a plain psycopg cursor: Django's default cursor binds parameters client-side and has
    no COPY support worth using.
    """
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        import psycopg

        return psycopg.Cursor(raw)
    return raw.cursor()


def entries_write(specs: Sequence[EntrySpec]) -> dict[uuid.UUID, int]:
    """Write validated entries, their postings and seals, and update the running balances.

    Must be called inside a transaction. Returns each entry's id by key. Raises ``IntegrityError``
    (from the database's guards) if a row breaks an invariant that validation missed.
    """
    if not specs:
        return {}
    adapt = _adapters()
    cursor = _driver_cursor()
    # The driver's errors become Django's (IntegrityError from a trigger, ...), as through Django's cursor.
    with connection.wrap_database_errors:
        try:
            return _write(cursor, adapt, specs)
        finally:
            cursor.close()


def _write(cursor: Any, adapt: _Adapters, specs: Sequence[EntrySpec]) -> dict[uuid.UUID, int]:
    _insert(cursor, "funds_journalentry", ENTRY_COLUMNS, list(_entry_rows(specs, adapt)))
    stored = _entry_ids(cursor, [adapt.uuid(spec.key) for spec in specs])
    ids = {spec.key: stored[adapt.uuid(spec.key)] for spec in specs}
    postings = []
    by_account: dict[int, int] = defaultdict(int)
    by_day: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for spec in specs:
        entry_id = ids[spec.key]
        date = adapt.date(spec.effective_date)
        for line in spec.lines:
            account = line.account
            amount = line.amount
            postings.append(
                (entry_id, account.pk, account.fund_id, account.asset_id, adapt.amount(amount), date)
            )
            by_account[account.pk] += amount
            day = by_day[(account.pk, spec.effective_date)]
            if amount > 0:
                day[0] += amount
            else:
                day[1] -= amount
    _insert(cursor, "funds_posting", POSTING_COLUMNS, postings)
    sealed_at = adapt.timestamp(timezone.now())
    seals = [(adapt.uuid(spec.key), sealed_at) for spec in specs]
    _insert(cursor, "funds_entryseal", SEAL_COLUMNS, seals)
    _apply_balances(cursor, adapt, by_account, by_day)
    return ids


def _apply_balances(
    cursor: Any,
    adapt: _Adapters,
    by_account: dict[int, int],
    by_day: dict[tuple[int, dt.date], list[int]],
) -> None:
    # Lock the accounts in id order (a no-op on SQLite, whose writers are serialised anyway), then
    # write the new balances computed exactly in Python.
    accounts = Account.objects.select_for_update().filter(pk__in=by_account).order_by("pk")
    balances = [
        (adapt.amount(balance + by_account[pk]), pk) for pk, balance in accounts.values_list("pk", "balance")
    ]
    mark = "%s" if adapt.postgres else "?"
    cursor.executemany(f"UPDATE funds_account SET balance = {mark} WHERE id = {mark}", balances)  # noqa: S608
    days = sorted(by_day.items())
    if adapt.postgres:
        # One statement for the whole batch: the day rows as four arrays.
        cursor.execute(
            "INSERT INTO funds_accountday (account_id, date, debits, credits)"
            " SELECT * FROM unnest(%s::bigint[], %s::date[], %s::numeric[], %s::numeric[])"
            " ON CONFLICT (account_id, date) DO UPDATE SET"
            " debits = funds_accountday.debits + excluded.debits,"
            " credits = funds_accountday.credits + excluded.credits",
            [
                [account_id for (account_id, _date), _sums in days],
                [date for (_account_id, date), _sums in days],
                [Decimal(debits) for _key, (debits, _credits) in days],
                [Decimal(credits) for _key, (_debits, credits) in days],
            ],
        )
        return
    cursor.executemany(
        "INSERT INTO funds_accountday (account_id, date, debits, credits) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (account_id, date) DO UPDATE SET"
        " debits = seedbed_exact_add(funds_accountday.debits, excluded.debits),"
        " credits = seedbed_exact_add(funds_accountday.credits, excluded.credits)",
        [
            (account_id, date.isoformat(), str(debits), str(credits))
            for (account_id, date), (debits, credits) in days
        ],
    )
