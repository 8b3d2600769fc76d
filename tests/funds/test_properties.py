"""Property-based tests of the ledger: any sequence of valid operations keeps the books straight.

Hypothesis draws sequences of donations (one or several assets per entry), moves between a fund's own
asset accounts, disbursements, transfers between funds and reversals of earlier entries, in USD, ETH and
BTC, with amounts up to 10**24 base units (beyond 64 bits) and effective dates in any order (back-dated).
A plain Python model keeps what every account should hold; after each sequence the database must agree
with it and with itself. Each example runs in a savepoint that is rolled back, so examples never see
each other's entries; the accounts are made once per test.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedbed.cli import main as seedbed_main
from seedbed.funds.ledger import (
    HOLDING_PURPOSES,
    EntrySpec,
    Line,
    account_for,
    balance_at,
    entries_post_bulk,
    entry_post,
    entry_reverse,
    fund_balances_at,
    ledger_verify,
)
from seedbed.funds.models import Account, AccountDay, AccountType, EntryKind, Fund, JournalEntry, Posting

pytestmark = pytest.mark.django_db

FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2021, 12, 31)
MAX_AMOUNT = 10**24  # a million ETH in wei: beyond 2**63 and 2**64
CRYPTO = ("ETH", "BTC")

PROPERTY_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- The chart of accounts the operations use -------------------------------------------------------


@dataclass
class Chart:
    venture: Fund
    crypto: Fund
    # (fund slug, asset code) -> accounts
    holdings: dict[tuple[str, str], list[Account]]  # its asset accounts that hold money: cash and wallet
    income: dict[tuple[str, str], Account]
    expense: dict[tuple[str, str], Account]
    everything: list[Account] = field(default_factory=list)

    def fund(self, slug: str) -> Fund:
        return self.venture if slug == "venture" else self.crypto


@pytest.fixture
def chart(books) -> Chart:
    holdings: dict[tuple[str, str], list[Account]] = {}
    income: dict[tuple[str, str], Account] = {}
    expense: dict[tuple[str, str], Account] = {}
    for fund, assets in (
        (books.venture, (books.usd, books.eth, books.btc)),
        (books.crypto, (books.eth, books.btc)),
    ):
        for asset in assets:
            key = (fund.slug, asset.code)
            holdings[key] = [
                account_for(fund=fund, type=AccountType.ASSET, asset=asset, purpose=purpose)
                for purpose in ("cash", "wallet")
            ]
            income[key] = account_for(fund=fund, type=AccountType.INCOME, asset=asset, purpose="donations")
            expense[key] = account_for(fund=fund, type=AccountType.EXPENSE, asset=asset, purpose="grants")
    everything = [
        *(account for accounts in holdings.values() for account in accounts),
        *income.values(),
        *expense.values(),
    ]
    return Chart(books.venture, books.crypto, holdings, income, expense, everything)


# --- Operations -------------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=MAX_AMOUNT)
dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
funds_and_assets = st.sampled_from(
    [("venture", "USD"), ("venture", "ETH"), ("venture", "BTC"), ("crypto", "ETH"), ("crypto", "BTC")]
)


@dataclass(frozen=True)
class Donation:
    """Income credited, holdings debited; several assets in one entry where the fund allows it."""

    fund: str
    parts: tuple[tuple[str, int, int], ...]  # (asset code, holding index, amount)
    date: dt.date


@dataclass(frozen=True)
class Move:
    """Between two asset accounts of one fund (cash -> wallet or back)."""

    fund: str
    asset: str
    forward: bool
    amount: int
    date: dt.date


@dataclass(frozen=True)
class Disbursement:
    fund: str
    asset: str
    amount: int
    date: dt.date


@dataclass(frozen=True)
class Transfer:
    """A crypto asset from one fund's holdings to the other fund's (no conversion)."""

    asset: str
    to_crypto: bool
    amount: int
    date: dt.date


@dataclass(frozen=True)
class Reversal:
    """Reverse an earlier entry, picked by ``target`` modulo the entries posted so far."""

    target: int
    date: dt.date


def _donation(draw: st.DrawFn) -> Donation:
    fund, asset = draw(funds_and_assets)
    parts = [(asset, draw(st.integers(0, 1)), draw(amounts))]
    if fund == "venture":  # the Venture Fund allows several assets in one entry
        for other in draw(st.lists(st.sampled_from(["USD", "ETH", "BTC"]), max_size=2)):
            parts.append((other, draw(st.integers(0, 1)), draw(amounts)))
    return Donation(fund, tuple(parts), draw(dates))


donations = st.composite(_donation)()
moves = st.builds(
    Move,
    fund=st.just("venture") | st.just("crypto"),
    asset=st.sampled_from(CRYPTO),
    forward=st.booleans(),
    amount=amounts,
    date=dates,
) | st.builds(
    Move, fund=st.just("venture"), asset=st.just("USD"), forward=st.booleans(), amount=amounts, date=dates
)
disbursements = st.builds(
    lambda pair, amount, date: Disbursement(pair[0], pair[1], amount, date), funds_and_assets, amounts, dates
)
transfers = st.builds(
    Transfer, asset=st.sampled_from(CRYPTO), to_crypto=st.booleans(), amount=amounts, date=dates
)
reversals = st.builds(Reversal, target=st.integers(0, 10**6), date=dates)

operations = st.lists(
    st.one_of(donations, moves, disbursements, transfers, reversals),
    min_size=1,
    max_size=14,
)


Operation = Donation | Move | Disbursement | Transfer | Reversal


def spec_for(chart: Chart, operation: Operation) -> EntrySpec:
    """The entry an operation posts (all but reversals)."""
    if isinstance(operation, Donation):
        lines = []
        for asset, index, amount in operation.parts:
            key = (operation.fund, asset)
            lines += [Line(chart.holdings[key][index], amount), Line(chart.income[key], -amount)]
        return EntrySpec(chart.fund(operation.fund), EntryKind.DONATION, operation.date, lines)
    if isinstance(operation, Move):
        source, target = chart.holdings[(operation.fund, operation.asset)]
        if not operation.forward:
            source, target = target, source
        # The ledger has no kind of its own for a move inside a fund; every kind but "transfer" (which is
        # between funds) is checked the same way.
        return EntrySpec(
            chart.fund(operation.fund),
            EntryKind.DISBURSEMENT,
            operation.date,
            [Line(source, -operation.amount), Line(target, operation.amount)],
        )
    if isinstance(operation, Disbursement):
        key = (operation.fund, operation.asset)
        return EntrySpec(
            chart.fund(operation.fund),
            EntryKind.DISBURSEMENT,
            operation.date,
            [Line(chart.holdings[key][0], -operation.amount), Line(chart.expense[key], operation.amount)],
        )
    assert isinstance(operation, Transfer)
    payer, payee = ("venture", "crypto") if operation.to_crypto else ("crypto", "venture")
    return EntrySpec(
        chart.fund(payer),
        EntryKind.TRANSFER,
        operation.date,
        [
            Line(chart.holdings[(payer, operation.asset)][0], -operation.amount),
            Line(chart.holdings[(payee, operation.asset)][0], operation.amount),
        ],
    )


# --- The model: what the books must say -------------------------------------------------------------


@dataclass
class Model:
    """Every posting that should exist, as (account id, effective date, amount), per entry."""

    entries: list[tuple[JournalEntry, list[tuple[int, dt.date, int]]]] = field(default_factory=list)
    reversed: set[int] = field(default_factory=set)  # entry ids

    def post(self, entry: JournalEntry, spec: EntrySpec) -> None:
        self.entries.append(
            (entry, [(line.account.pk, spec.effective_date, line.amount) for line in spec.lines])
        )

    def postings(self) -> list[tuple[int, dt.date, int]]:
        return [posting for _entry, postings in self.entries for posting in postings]

    def balance(self, account_id: int, on: dt.date | None = None) -> int:
        return sum(
            amount
            for account, date, amount in self.postings()
            if account == account_id and (on is None or date <= on)
        )

    def dates(self) -> set[dt.date]:
        return {date for _account, date, _amount in self.postings()}


def apply(chart: Chart, model: Model, operation: Operation) -> None:
    """Carry out one operation through the service layer and record what it should have written."""
    if not isinstance(operation, Reversal):
        spec = spec_for(chart, operation)
        entry = entry_post(
            actor=None, fund=spec.fund, kind=spec.kind, effective_date=spec.effective_date, lines=spec.lines
        )
        model.post(entry, spec)
        return
    if not model.entries:
        return
    original, postings = model.entries[operation.target % len(model.entries)]
    before = (JournalEntry.objects.count(), Posting.objects.count())
    if original.kind == EntryKind.REVERSAL or original.pk in model.reversed:
        code = "reversal" if original.kind == EntryKind.REVERSAL else "already_reversed"
        with pytest.raises(ValidationError) as refused:
            entry_reverse(actor=None, entry=original, effective_date=operation.date)
        assert refused.value.code == code
        assert (JournalEntry.objects.count(), Posting.objects.count()) == before  # nothing written
        return
    balances_before = {account: model.balance(account) for account, _date, _amount in postings}
    reversal = entry_reverse(actor=None, entry=original, effective_date=operation.date)
    assert reversal.reverses_id == original.pk
    model.reversed.add(original.pk)
    model.entries.append(
        (reversal, [(account, operation.date, -amount) for account, _date, amount in postings])
    )
    for account, balance in balances_before.items():  # the reversal takes away exactly what the entry put
        own = sum(amount for acc, _date, amount in postings if acc == account)
        assert Account.objects.get(pk=account).balance == balance - own


def check_books(chart: Chart, model: Model) -> None:
    """The database agrees with the model and with itself; ``ledger verify`` finds nothing."""
    postings = list(
        Posting.objects.values_list("entry_id", "asset_id", "account_id", "effective_date", "amount")
    )
    assert len(postings) == len(model.postings())
    assert JournalEntry.objects.count() == len(model.entries)

    # Every entry balances per asset, and has two postings or more.
    per_entry_asset: dict[tuple[int, int], int] = defaultdict(int)
    per_entry: dict[int, int] = defaultdict(int)
    for entry_id, asset_id, _account, _date, amount in postings:
        assert isinstance(amount, int) and amount != 0
        per_entry_asset[(entry_id, asset_id)] += amount
        per_entry[entry_id] += 1
    assert all(total == 0 for total in per_entry_asset.values())
    assert all(count >= 2 for count in per_entry.values())
    assert set(per_entry) == {entry.pk for entry, _postings in model.entries}

    # Running balances equal the sum of postings (from the database and from the model).
    stored = dict(
        Account.objects.filter(pk__in=[a.pk for a in chart.everything]).values_list("pk", "balance")
    )
    for account in chart.everything:
        from_postings = sum(amount for _e, _a, acc, _d, amount in postings if acc == account.pk)
        assert stored[account.pk] == from_postings == model.balance(account.pk), account

    # Balances at a date: before anything, at the end of the period, and on (and the day before) a spread
    # of the dates that have postings.
    posted_dates = sorted(model.dates())
    step = max(1, len(posted_dates) // 4)
    checkpoints = {FIRST_DAY - dt.timedelta(days=1), LAST_DAY}
    for date in posted_dates[::step]:
        checkpoints |= {date, date - dt.timedelta(days=1)}
    used = {account for account, _date, _amount in model.postings()}
    for account in chart.everything:
        if account.pk not in used:
            assert balance_at(account=account, on=LAST_DAY) == 0, account
    for on in sorted(checkpoints):
        for account in chart.everything:
            if account.pk in used:
                assert balance_at(account=account, on=on) == model.balance(account.pk, on), (account, on)
        for fund in (chart.venture, chart.crypto):
            holdings: dict[str, int] = defaultdict(int)
            for (slug, asset), accounts in chart.holdings.items():
                if slug == fund.slug:
                    holdings[asset] += sum(
                        model.balance(account.pk, on)
                        for account in accounts
                        if account.code.split(":")[1] in HOLDING_PURPOSES
                    )
            reported = fund_balances_at(fund=fund, on=on)
            assert {code: reported.get(code, 0) for code in holdings} == dict(holdings), (fund, on)
            assert set(reported) <= set(holdings)

    assert ledger_verify() == []


def in_rollback(run: Callable[[], None]) -> None:
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        run()
        transaction.set_rollback(True)


# --- Properties -------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(ops=operations)
def test_any_sequence_of_valid_operations_keeps_the_books_straight(chart, ops):
    def run() -> None:
        model = Model()
        for operation in ops:
            apply(chart, model, operation)
        check_books(chart, model)

    in_rollback(run)


@settings(PROPERTY_SETTINGS, max_examples=15)
@given(
    ops=st.lists(st.one_of(donations, moves, disbursements, transfers), min_size=1, max_size=7),
    data=st.data(),
)
def test_reversing_entries_restores_the_balances_at_every_date(chart, ops, data):
    """Reverse a random subset on their own effective dates: the books read as if they never happened."""

    def run() -> None:
        model = Model()
        for operation in ops:
            apply(chart, model, operation)
        kept = Model()
        for entry, postings in list(model.entries):
            if data.draw(st.booleans(), label=f"reverse entry {entry.pk}"):
                reversal = entry_reverse(actor=None, entry=entry, effective_date=entry.effective_date)
                model.entries.append((reversal, [(a, d, -amount) for a, d, amount in postings]))
                model.reversed.add(entry.pk)
            else:
                kept.entries.append((entry, postings))
        used = {account for account, _date, _amount in model.postings()}
        for account in chart.everything:
            assert Account.objects.get(pk=account.pk).balance == kept.balance(account.pk)
            if account.pk in used:
                for on in sorted(model.dates())[:: max(1, len(model.dates()) // 5)]:
                    assert balance_at(account=account, on=on) == kept.balance(account.pk, on)
        check_books(chart, model)

    in_rollback(run)


@PROPERTY_SETTINGS
@given(
    ops=st.lists(st.one_of(donations, moves, disbursements, transfers), min_size=1, max_size=20),
    batch_size=st.integers(min_value=1, max_value=7),
)
def test_the_bulk_path_keeps_the_same_books(chart, ops, batch_size):
    """``entries_post_bulk`` (imports, demo, benchmark) keeps the same invariants in any batch size."""

    def run() -> None:
        specs = [spec_for(chart, operation) for operation in ops]
        assert entries_post_bulk(actor=None, specs=specs, batch_size=batch_size) == len(specs)
        model = Model()
        entries = {entry.key: entry for entry in JournalEntry.objects.all()}
        for spec in specs:
            model.post(entries[spec.key], spec)
        check_books(chart, model)

    in_rollback(run)


def test_a_transfer_between_funds_reverses(chart):
    """The reversal of a transfer touches both funds, as the transfer did."""
    spec = spec_for(chart, Transfer("ETH", True, 10**18, dt.date(2020, 1, 1)))
    entry = entry_post(
        actor=None, fund=spec.fund, kind=spec.kind, effective_date=spec.effective_date, lines=spec.lines
    )
    entry_reverse(actor=None, entry=entry, effective_date=spec.effective_date)
    for account in chart.holdings[("venture", "ETH")] + chart.holdings[("crypto", "ETH")]:
        assert Account.objects.get(pk=account.pk).balance == 0
    assert ledger_verify() == []


# --- seedbed ledger verify --------------------------------------------------------------------------


def test_ledger_verify_command_is_clean_on_good_data_and_reports_tampering(chart):
    donation = spec_for(chart, Donation("venture", (("ETH", 0, 2267 * 10**18 + 1),), dt.date(2020, 5, 1)))
    move = spec_for(chart, Move("venture", "ETH", True, 10**18, dt.date(2019, 1, 1)))  # back-dated
    for spec in (donation, move):
        entry_post(
            actor=None, fund=spec.fund, kind=spec.kind, effective_date=spec.effective_date, lines=spec.lines
        )

    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    assert f"Ledger verified: {Account.objects.count()} accounts, 2 entries, no differences" in out.getvalue()

    wallet = chart.holdings[("venture", "ETH")][0]
    true_balance = 2267 * 10**18 + 1 - 10**18
    Account.objects.filter(pk=wallet.pk).update(balance=true_balance + 7)
    AccountDay.objects.filter(account=wallet, date=dt.date(2020, 5, 1)).update(debits=1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="found 2 problems"):
        call_command("ledger", "verify", "--no-progress", stdout=out)
    report = out.getvalue()
    assert f"balance: {wallet}: running balance {true_balance + 7}, postings sum to {true_balance}" in report
    assert f"day: {wallet} on 2020-05-01: day row 1, postings {2267 * 10**18 + 1}" in report
    assert "Ledger verified" not in report

    # From the command line, the same problems end with a non-zero exit status.
    with pytest.raises(SystemExit) as exited:
        seedbed_main(["ledger", "verify", "--no-progress"])
    assert exited.value.code != 0
