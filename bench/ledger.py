"""Ledger speed: the service layer's bulk posting path against raw INSERTs, and reads as history grows.

    .venv/bin/python bench/ledger.py [--postings 1000000] [--batch 5000] [--rounds 30]

1. Baseline: the same posting rows (same columns, same value shapes, same batches of ``--batch`` rows,
   one transaction per batch) inserted with raw SQL ``executemany`` into a copy of ``funds_posting`` that
   has its columns and indexes but none of its triggers or foreign keys. A second copy with no index at
   all is timed too, for reference. So is a third, closer to the bulk path: the same entries, postings
   and seals inserted with raw SQL into the ledger's own tables, the database's guards checking every
   row, but no validation, day rows, balances or audit (the rows are removed again afterwards). The
   bulk path against this one is the cost of the service layer itself.
2. The bulk path: ``entries_post_bulk`` posts N/2 two-line donations (USD, ETH in wei beyond 64 bits,
   BTC; effective dates spread over 2016-2021 in no order), ``--batch`` postings per transaction. That
   is the whole service: validation, journal entries, postings, seals, the database's own checks, day
   rows, running balances and an audit event per batch. Printed as postings per second and as a ratio to
   the baseline (goal: at least 0.5).
3. Reads: the median time of ``fund_balances_at`` and of a statement (opening balance at the start of a
   period plus debits and credits within it, per asset, from the day rows) at 10,000 postings and again
   at N, and their ratio (goal: the same order of magnitude: history length must not matter).
4. ``ledger_verify`` over everything, stopped after ``--verify-timeout`` seconds if it runs longer.

Uses a throwaway SQLite database in a temporary folder, or, when DATABASE_URL points at PostgreSQL, a
throwaway ``test_<name>`` database on that server (created and dropped here; the named one is untouched).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

SMALL = 10_000  # postings at the first measurement of the reads
FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2021, 12, 31)
DAYS = [FIRST_DAY + dt.timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
ASSETS = ("USD", "ETH", "BTC")
PERIOD = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))  # the statement's period


def entry_shape(number: int) -> tuple[int, int, dt.date]:
    """Entry ``number``'s asset (index in ASSETS), amount in base units and effective date; deterministic."""
    mixed = (number * 2654435761) % 2**32
    asset = number % 3
    if asset == 0:
        amount = 1 + mixed % 10**9  # up to USD 10M in cents
    elif asset == 1:
        amount = (1 + mixed % 10**6) * 10**15 + number  # up to 1000 ETH in wei: beyond 2**64
    else:
        amount = 1 + mixed % 10**10  # up to 100 BTC in satoshi
    return asset, amount, DAYS[mixed % len(DAYS)]


class StderrProgress:
    """The ledger's ``Progress`` protocol, as a line on stderr every tenth of the way."""

    def __init__(self, label: str, total: int, postings_per_step: int) -> None:
        self.label, self.total, self.per_step = label, total, postings_per_step
        self.done, self.next_report, self.started = 0, total / 10, time.perf_counter()

    def start(self, total: int | None, message: str = "") -> None:
        pass

    def advance(self, step: int = 1) -> None:
        self.done += step * self.per_step
        if self.done >= self.next_report or self.done >= self.total:
            elapsed = time.perf_counter() - self.started
            print(f"  {self.label}: {self.done:,}/{self.total:,} postings, {elapsed:.1f} s", file=sys.stderr)
            self.next_report += self.total / 10

    def message(self, text: str) -> None:
        pass


def median_ms(run: Callable[[], Any], rounds: int) -> float:
    run()  # warm up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--postings", type=int, default=1_000_000, help="N, an even number > 10,000")
    parser.add_argument("--batch", type=int, default=5000, help="postings per transaction")
    parser.add_argument("--rounds", type=int, default=30, help="timed runs of each read")
    parser.add_argument("--no-verify", action="store_true", help="skip timing ledger_verify at the end")
    parser.add_argument(
        "--verify-timeout", type=float, default=300, help="stop ledger_verify after this many seconds"
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="PostgreSQL: do not ANALYZE after the first 10,000 postings (as autovacuum would)",
    )
    args = parser.parse_args()
    if args.postings <= SMALL or args.postings % 2 or args.batch < 2:
        parser.error(f"--postings must be an even number above {SMALL:,}; --batch at least 2")

    data_dir = tempfile.mkdtemp(prefix="seedbed-bench-ledger-")
    os.environ["SEEDBED_DATA_DIR"] = data_dir  # never the user's own SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    original_name = connection.settings_dict["NAME"]
    try:
        if postgres:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        else:
            call_command("migrate", verbosity=0)
        run(args, postgres)
    finally:
        if postgres:
            connection.creation.destroy_test_db(original_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, postgres: bool) -> None:
    from django.db import connection, transaction

    from seedbed.funds.fields import ExactSum
    from seedbed.funds.ledger import (
        EntrySpec,
        Line,
        account_for,
        entries_post_bulk,
        fund_balances_at,
    )
    from seedbed.funds.models import AccountDay, AccountType, Asset, EntryKind, Fund, Posting

    n_postings, batch = args.postings, args.batch
    decimals = {"USD": 2, "ETH": 18, "BTC": 8}
    assets = []
    for code in ASSETS:
        asset, _created = Asset.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "kind": "fiat" if code == "USD" else "native",
                "decimals": decimals[code],
                "chain": "" if code == "USD" else {"ETH": "ethereum", "BTC": "bitcoin"}[code],
            },
        )
        assets.append(asset)
    fund = Fund.objects.create(name="Bench Fund", slug="bench", kind="venture", reporting_asset=assets[0])
    fund.allowed_assets.set(assets)
    holdings = [
        account_for(fund=fund, type=AccountType.ASSET, asset=asset, purpose="cash") for asset in assets
    ]
    income = [
        account_for(fund=fund, type=AccountType.INCOME, asset=asset, purpose="donations") for asset in assets
    ]

    engine = "postgresql" if postgres else "sqlite"
    print(
        f"Ledger benchmark on {engine}: {n_postings:,} postings ({n_postings // 2:,} two-line entries),"
        f" {batch:,} postings per transaction, effective dates {FIRST_DAY}..{LAST_DAY}",
        flush=True,
    )

    # --- 1. Baseline: raw INSERTs of the same rows ------------------------------------------------
    def amount_value(amount: int) -> Any:  # what AmountField sends: Decimal on PostgreSQL, text on SQLite
        return Decimal(amount) if postgres else str(amount)

    def date_value(date: dt.date) -> Any:  # what DateField sends to each backend
        return date if postgres else date.isoformat()

    def baseline_rows(first_entry: int, count: int) -> list[tuple[Any, ...]]:
        rows = []
        for number in range(first_entry, first_entry + count):
            asset, amount, date = entry_shape(number)
            day = date_value(date)
            rows.append(
                (number + 1, holdings[asset].pk, fund.pk, assets[asset].pk, amount_value(amount), day)
            )
            rows.append((number + 1, income[asset].pk, fund.pk, assets[asset].pk, amount_value(-amount), day))
        return rows

    def create_copies() -> None:
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("CREATE TABLE bench_posting (LIKE funds_posting INCLUDING ALL)")
                cursor.execute("CREATE TABLE bench_posting_bare (LIKE funds_posting INCLUDING IDENTITY)")
                return
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'funds_posting'")
            table_sql = cursor.fetchone()[0]
            table_sql = re.sub(
                r'\s+REFERENCES\s+"\w+"\s*\("\w+"\)(\s+DEFERRABLE INITIALLY DEFERRED)?', "", table_sql
            )
            cursor.execute(table_sql.replace('"funds_posting"', '"bench_posting"', 1))
            cursor.execute(
                "SELECT sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = 'funds_posting' AND sql IS NOT NULL"
            )
            for (index_sql,) in cursor.fetchall():
                index_sql = re.sub(r'INDEX\s+"(\w+)"', r'INDEX "bench_\1"', index_sql, count=1)
                cursor.execute(index_sql.replace('ON "funds_posting"', 'ON "bench_posting"'))
            cursor.execute("CREATE TABLE bench_posting_bare AS SELECT * FROM funds_posting WHERE 0")

    def raw_cursor() -> Any:
        """The driver's own cursor. On PostgreSQL, one with server-side binding: Django's default
        client-side binding cursor makes executemany about three times slower, no fair baseline."""
        connection.ensure_connection()
        if postgres:
            import psycopg

            return psycopg.Cursor(connection.connection)
        return connection.connection.cursor()

    def insert_raw(table: str) -> float:
        placeholder = "%s" if postgres else "?"
        sql = (
            f"INSERT INTO {table} (entry_id, account_id, fund_id, asset_id, amount, effective_date)"  # noqa: S608
            f" VALUES ({', '.join([placeholder] * 6)})"
        )
        entries_per_batch = batch // 2
        progress = StderrProgress(f"raw INSERT into {table}", n_postings, entries_per_batch * 2)
        start = time.perf_counter()
        cursor = raw_cursor()
        for first in range(0, n_postings // 2, entries_per_batch):
            rows = baseline_rows(first, min(entries_per_batch, n_postings // 2 - first))
            with transaction.atomic():
                cursor.executemany(sql, rows)
            progress.advance()
        cursor.close()
        return time.perf_counter() - start

    def insert_raw_ledger() -> float:
        """Entries, postings and seals into the real tables with raw SQL, guards on; then removed."""
        from django.utils import timezone

        from seedbed.core.db.guards import guards_disabled

        mark = "%s" if postgres else "?"

        def insert(table: str, columns: str) -> str:
            count = columns.count(",") + 1
            return f"INSERT INTO {table} ({columns}) VALUES ({', '.join([mark] * count)})"  # noqa: S608

        entry_sql = insert(
            "funds_journalentry",
            "id, key, seal_key, fund_id, kind, effective_date, recorded_at, memo, cause_id, external_ref,"
            " is_sample",
        )
        posting_sql = insert(
            "funds_posting", "entry_id, account_id, fund_id, asset_id, amount, effective_date"
        )
        seal_sql = insert("funds_entryseal", "entry_key, sealed_at")
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        entries_per_batch = batch // 2
        progress = StderrProgress("raw INSERT into the ledger's tables", n_postings, entries_per_batch * 2)
        start = time.perf_counter()
        cursor = raw_cursor()
        for first in range(0, n_postings // 2, entries_per_batch):
            count = min(entries_per_batch, n_postings // 2 - first)
            keys = [uuid.uuid4() for _ in range(count)]
            if not postgres:
                keys = [key.hex for key in keys]  # type: ignore[misc]
            entries = []
            for offset, key in enumerate(keys):
                number = first + offset
                day = date_value(entry_shape(number)[2])
                entries.append((number + 1, key, key, fund.pk, "donation", day, now, "", "", "", False))
            with transaction.atomic():
                cursor.executemany(entry_sql, entries)
                cursor.executemany(posting_sql, baseline_rows(first, count))
                cursor.executemany(seal_sql, [(key, now) for key in keys])
            progress.advance()
        cursor.close()
        seconds = time.perf_counter() - start
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute(
                    "TRUNCATE funds_entryseal, funds_posting, funds_journalentry RESTART IDENTITY CASCADE"
                )
            else:
                with guards_disabled(), transaction.atomic():
                    for table in ("funds_entryseal", "funds_posting", "funds_journalentry"):
                        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        return seconds

    create_copies()
    baseline_seconds = insert_raw("bench_posting")
    bare_seconds = insert_raw("bench_posting_bare")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_posting")
        cursor.execute("DROP TABLE bench_posting_bare")
    ledger_seconds = insert_raw_ledger()
    if not postgres:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")

    # --- 2. The bulk path, with reads measured at 10k postings and at N ----------------------------
    def specs(first_entry: int, count: int) -> Iterator[EntrySpec]:
        for number in range(first_entry, first_entry + count):
            asset, amount, date = entry_shape(number)
            yield EntrySpec(
                fund=fund,
                kind=EntryKind.DONATION,
                effective_date=date,
                lines=[Line(holdings[asset], amount), Line(income[asset], -amount)],
                external_ref=f"bench-{number}",
            )

    def post(first_entry: int, count: int, label: str) -> float:
        progress = StderrProgress(label, count * 2, 2)
        start = time.perf_counter()
        posted = entries_post_bulk(
            actor=None, specs=specs(first_entry, count), batch_size=max(1, batch // 2), progress=progress
        )
        assert posted == count
        return time.perf_counter() - start

    def statement() -> dict[str, tuple[int, int, int]]:
        """Per asset: opening balance at the period's start, debits and credits within it."""
        start, end = PERIOD
        days = AccountDay.objects.filter(account__fund=fund, account__type=AccountType.ASSET)
        opening = {
            row["account__asset__code"]: int(row["debits"]) - int(row["credits"])
            for row in days.filter(date__lt=start)
            .values("account__asset__code")
            .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
            .order_by()
        }
        return {
            row["account__asset__code"]: (
                opening.get(row["account__asset__code"], 0),
                int(row["debits"]),
                int(row["credits"]),
            )
            for row in days.filter(date__gte=start, date__lte=end)
            .values("account__asset__code")
            .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
            .order_by()
        }

    def reads() -> dict[str, float]:
        return {
            "fund_balances_at": median_ms(lambda: fund_balances_at(fund=fund, on=LAST_DAY), args.rounds),
            "statement": median_ms(statement, args.rounds),
            "day rows": AccountDay.objects.count(),
        }

    def analyze() -> None:
        """What autovacuum would do as the tables grow (it is often off on test servers)."""
        if postgres and not args.no_analyze:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE funds_journalentry, funds_entryseal, funds_posting, funds_accountday")

    small_seconds = post(0, SMALL // 2, "entries_post_bulk")
    analyze()
    reads_small = reads()
    rest_seconds = post(SMALL // 2, (n_postings - SMALL) // 2, "entries_post_bulk")
    bulk_seconds = small_seconds + rest_seconds
    analyze()
    reads_large = reads()

    # The books add up: holdings per asset equal the sum of what was donated.
    expected = dict.fromkeys(ASSETS, 0)
    for number in range(n_postings // 2):
        index, amount, _date = entry_shape(number)
        expected[ASSETS[index]] += amount
    assert fund_balances_at(fund=fund, on=LAST_DAY) == expected, "balances do not add up"
    assert Posting.objects.count() == n_postings

    # --- Report ------------------------------------------------------------------------------------
    baseline_rate = n_postings / baseline_seconds
    big = format(n_postings, ",")
    print()
    print(f"{'Writing ' + big + ' postings':72} {'seconds':>8} {'postings/s':>11} {'× baseline':>11}")
    for label, postings, seconds in [
        ("raw INSERT, copy of funds_posting with its indexes (BASELINE)", n_postings, baseline_seconds),
        ("raw INSERT, bare copy without indexes (for reference)", n_postings, bare_seconds),
        ("raw INSERT of entries, postings, seals into the ledger, guards on", n_postings, ledger_seconds),
        ("entries_post_bulk, all (entries, postings, seals, balances, day rows)", n_postings, bulk_seconds),
        (f"  of which the first {SMALL:,} postings", SMALL, small_seconds),
        (f"  of which the other {n_postings - SMALL:,} postings", n_postings - SMALL, rest_seconds),
    ]:
        rate = postings / seconds
        print(f"{label:72} {seconds:8.1f} {rate:11,.0f} {rate / baseline_rate:11.2f}")
    ratio = baseline_seconds / bulk_seconds
    verdict = "met" if ratio >= 0.5 else "NOT met"
    print(f"goal: entries_post_bulk at least 0.5 × baseline: {ratio:.2f} ({verdict})")
    print(
        "entries_post_bulk against raw inserts into the ledger's own tables:"
        f" {ledger_seconds / bulk_seconds:.2f} (the service layer's own cost: validation, day rows,"
        " balances, audit)"
    )
    print()
    title = f"Reads (median of {args.rounds} runs)"
    print(f"{title:44} {'at 10,000':>11} {'at ' + big:>13} {'ratio':>7}")
    for key, label in [
        ("fund_balances_at", f"fund_balances_at(on={LAST_DAY}), ms"),
        ("statement", f"statement {PERIOD[0]}..{PERIOD[1]}, ms"),
    ]:
        small, large = reads_small[key], reads_large[key]
        print(f"{label:44} {small:11.2f} {large:13.2f} {large / small:7.2f}")
    small_rows, large_rows = reads_small["day rows"], reads_large["day rows"]
    label = "AccountDay rows (what the reads sum over)"
    print(f"{label:44} {small_rows:11,.0f} {large_rows:13,.0f} {large_rows / small_rows:7.2f}")
    worst = max(reads_large[key] / reads_small[key] for key in ("fund_balances_at", "statement"))
    verdict = "met" if worst < 10 else "NOT met"
    print(f"goal: the same order of magnitude (ratio < 10): worst {worst:.2f} ({verdict})")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            autovacuum = cursor.fetchone()[0]
        done = "not run (--no-analyze)" if args.no_analyze else "run after 10,000 postings and after the load"
        print(f"PostgreSQL autovacuum: {autovacuum}; ANALYZE of the ledger tables: {done}")
    sys.stdout.flush()
    if not args.no_verify:
        verify(args.verify_timeout, big)


def verify(timeout: float, big: str) -> None:
    """Time ``ledger_verify`` over the whole load, stopping it (and saying so) after ``timeout`` seconds."""
    from django.db import OperationalError, connection

    from seedbed.funds.ledger import ledger_verify

    connection.ensure_connection()
    raw = connection.connection
    cancel = raw.cancel if connection.vendor == "postgresql" else raw.interrupt
    finished = threading.Event()

    def stop_when_late() -> None:
        """Cancel the running statement after ``timeout``, and every one after it until verify gives up."""
        if finished.wait(timeout):
            return
        while not finished.wait(0.05):
            cancel()

    stopper = threading.Thread(target=stop_when_late, daemon=True)
    start = time.perf_counter()
    stopper.start()
    try:
        problems = ledger_verify()
    except OperationalError as error:
        print(f"ledger_verify over {big} postings: stopped after {timeout:g} s, unfinished ({error})")
        return
    finally:
        finished.set()
        stopper.join()
    seconds = time.perf_counter() - start
    assert problems == [], problems[:5]
    print(f"ledger_verify over {big} postings (recomputes everything): {seconds:.1f} s, no differences")


if __name__ == "__main__":
    main()
