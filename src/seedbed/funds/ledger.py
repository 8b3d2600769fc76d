"""The ledger's mechanics: post a balanced entry, reverse one, keep running balances, verify everything.

Every money workflow (donations, commitments, disbursements, payment requests, ...) posts through
``entry_post``; bulk loads (imports, the demo, the benchmark) through ``entries_post_bulk``. Both check
the invariants in Python first, so users get a clear message; the database checks them again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.core.jobs import NullProgress, Progress
from seedbed.core.models import Organization
from seedbed.funds.fields import ExactSum
from seedbed.funds.ledger_rows import entries_write
from seedbed.funds.models import (
    Account,
    AccountDay,
    AccountType,
    Asset,
    EntryKind,
    EntrySeal,
    Fund,
    JournalEntry,
    Posting,
)


@dataclass(frozen=True)
class Line:
    account: Account
    amount: int


@dataclass
class EntrySpec:
    """Everything needed to post one entry; used by the bulk path."""

    fund: Fund
    kind: str
    effective_date: dt.date
    lines: Sequence[Line]
    memo: str = ""
    counterparty: Organization | None = None
    external_ref: str = ""
    is_sample: bool = False
    recorded_by: Any = None
    approved_by: Any = None
    cause: models.Model | None = None
    reverses: JournalEntry | None = None
    key: uuid.UUID = field(default_factory=uuid.uuid4)


# --- Validation ------------------------------------------------------------------------------------


class _FundRules:
    """The rules of the funds an entry touches, read once per call."""

    def __init__(self) -> None:
        self._allowed: dict[int, set[int]] = {}

    def allowed_assets(self, fund: Fund) -> set[int]:
        if fund.pk not in self._allowed:
            self._allowed[fund.pk] = set(fund.allowed_assets.values_list("pk", flat=True))
        return self._allowed[fund.pk]


def validate_entry(spec: EntrySpec, rules: _FundRules | None = None) -> None:
    """Raise ``ValidationError`` unless ``spec`` is a balanced entry that its funds' rules allow."""
    rules = rules or _FundRules()
    lines = list(spec.lines)
    if spec.kind not in EntryKind.values:
        raise ValidationError(_("Unknown kind of entry."), code="kind")
    if len(lines) < 2:
        raise ValidationError(_("An entry needs at least two postings."), code="too_few_postings")
    totals: dict[int, int] = defaultdict(int)
    assets: dict[int, Asset] = {}
    funds_touched: dict[int, Fund] = {}
    assets_per_fund: dict[int, set[int]] = defaultdict(set)
    for line in lines:
        if isinstance(line.amount, bool) or not isinstance(line.amount, int):
            raise ValidationError(_("Amounts are whole numbers of base units."), code="amount_type")
        if line.amount == 0:
            raise ValidationError(_("A posting cannot be zero."), code="zero_amount")
        account = line.account
        totals[account.asset_id] += line.amount
        assets[account.asset_id] = account.asset
        funds_touched[account.fund_id] = account.fund
        assets_per_fund[account.fund_id].add(account.asset_id)
    reverses_a_transfer = spec.reverses is not None and spec.reverses.kind == EntryKind.TRANSFER
    moves_between_funds = spec.kind == EntryKind.TRANSFER or (
        spec.kind == EntryKind.REVERSAL and reverses_a_transfer
    )
    if moves_between_funds:
        if spec.fund.pk not in funds_touched or len(funds_touched) != 2:
            raise ValidationError(_("A transfer moves money between its fund and exactly one other fund."))
    elif set(funds_touched) != {spec.fund.pk}:
        raise ValidationError(
            _("Every posting must be on an account of the entry's fund."), code="wrong_fund"
        )
    for fund_id, fund in funds_touched.items():
        allowed = rules.allowed_assets(fund)
        for asset_id in assets_per_fund[fund_id]:
            asset = assets[asset_id]
            if asset_id not in allowed:
                raise ValidationError(
                    _("%(fund)s does not accept %(asset)s.") % {"fund": fund, "asset": asset.code},
                    code="asset_not_allowed",
                )
            if fund.crypto_only and not asset.is_crypto:
                raise ValidationError(
                    _("%(fund)s accepts and pays out only crypto assets.") % {"fund": fund},
                    code="crypto_only",
                )
        if not fund.allows_conversion and len(assets_per_fund[fund_id]) > 1:
            raise ValidationError(
                _("%(fund)s never converts between assets: an entry may use only one asset there.")
                % {"fund": fund},
                code="conversion",
            )
    unbalanced = [assets[asset_id].code for asset_id, total in totals.items() if total != 0]
    if unbalanced:
        raise ValidationError(
            _("The entry does not balance in %(assets)s: debits and credits must be equal.")
            % {"assets": ", ".join(sorted(unbalanced))},
            code="unbalanced",
        )


# --- Posting ---------------------------------------------------------------------------------------


def _refused(error: IntegrityError) -> ValidationError:
    return ValidationError(
        _("The ledger refused this entry: %(reason)s") % {"reason": str(error).split("\n")[0]},
        code="refused_by_database",
    )


@transaction.atomic
def entry_post(
    *,
    actor: Any,
    fund: Fund,
    kind: str,
    effective_date: dt.date,
    lines: Sequence[Line],
    memo: str = "",
    counterparty: Organization | None = None,
    cause: models.Model | None = None,
    approved_by: Any = None,
    reverses: JournalEntry | None = None,
    external_ref: str = "",
    is_sample: bool = False,
    recorded_by: Any = None,
) -> JournalEntry:
    """Post one balanced entry, update the running balances, and record an audit event.

    ``actor`` is who posts it now (audit); ``recorded_by`` is who recorded the movement, when that is
    someone else (the finance officer who requested a payment that ``approved_by`` approved).
    """
    spec = EntrySpec(
        fund=fund,
        kind=kind,
        effective_date=effective_date,
        lines=lines,
        memo=memo,
        counterparty=counterparty,
        cause=cause,
        approved_by=approved_by,
        reverses=reverses,
        external_ref=external_ref,
        is_sample=is_sample,
        recorded_by=recorded_by if recorded_by is not None else actor,
    )
    validate_entry(spec)
    try:
        with transaction.atomic():
            ids = entries_write([spec])
    except IntegrityError as error:
        raise _refused(error) from error
    entry = JournalEntry.objects.get(pk=ids[spec.key])
    audit_record(
        actor=actor,
        action=f"ledger.{kind}",
        target=entry,
        changes={
            "postings": [None, [f"{line.account.code} {line.amount:+d}" for line in lines]],
            "effective_date": [None, effective_date.isoformat()],
        },
    )
    return entry


def entries_post_bulk(
    *, actor: Any, specs: Iterable[EntrySpec], batch_size: int = 2000, progress: Progress | None = None
) -> int:
    """Post many entries fast (imports, demo data, benchmarks): validated one by one, written in batches.

    Each batch is its own transaction and one audit event; a bad entry stops the load with its position,
    and the batches before it stay posted (resumable by batch).
    """
    progress = progress or NullProgress()
    rules = _FundRules()
    posted = 0
    batch: list[EntrySpec] = []

    def flush() -> None:
        nonlocal posted
        if not batch:
            return
        with transaction.atomic():
            try:
                with transaction.atomic():
                    entries_write(batch)
            except IntegrityError as error:
                raise _refused(error) from error
            postings = sum(len(spec.lines) for spec in batch)
            audit_record(
                actor=actor,
                action="ledger.bulk_post",
                changes={"entries": [None, len(batch)], "postings": [None, postings]},
            )
        posted += len(batch)
        progress.advance(len(batch))
        batch.clear()

    for number, spec in enumerate(specs, start=1):
        try:
            validate_entry(spec, rules)
        except ValidationError as error:
            raise ValidationError(
                _("Entry %(number)s: %(message)s") % {"number": number, "message": " ".join(error.messages)}
            ) from error
        batch.append(spec)
        if len(batch) >= batch_size:
            flush()
    flush()
    return posted


@transaction.atomic
def entry_reverse(
    *, actor: Any, entry: JournalEntry, memo: str = "", effective_date: dt.date | None = None
) -> JournalEntry:
    """Post the mirror image of ``entry``. An entry can be reversed once; a reversal is not reversed."""
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError(
            _("A reversal cannot itself be reversed; post a new entry instead."), code="reversal"
        )
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."), code="already_reversed")
    lines = [
        Line(account=posting.account, amount=-posting.amount)
        for posting in entry.postings.select_related("account__fund", "account__asset")
    ]
    try:
        return entry_post(
            actor=actor,
            fund=entry.fund,
            kind=EntryKind.REVERSAL,
            effective_date=effective_date or timezone.localdate(),
            lines=lines,
            memo=memo or _("Reversal of entry #%(number)s") % {"number": entry.pk},
            counterparty=entry.counterparty,
            reverses=entry,
            is_sample=entry.is_sample,
        )
    except ValidationError as error:
        if error.code == "refused_by_database":  # a concurrent reversal won the race
            raise ValidationError(
                _("This entry has already been reversed."), code="already_reversed"
            ) from error
        raise


# --- Accounts -------------------------------------------------------------------------------------


def account_for(
    *, fund: Fund, type: str, asset: Asset, purpose: str = "main", counterparty: Organization | None = None
) -> Account:
    """The fund's account of this type, asset, purpose and counterparty, created on first use."""
    code = f"{type}:{purpose}:{asset.code}"
    if counterparty is not None:
        code += f":{counterparty.slug}"
    account = Account.objects.filter(fund=fund, code=code).select_related("fund", "asset").first()
    if account is not None:
        return account
    label = {
        AccountType.ASSET: _("Holdings"),
        AccountType.LIABILITY: _("Payable"),
        AccountType.INCOME: _("Contributions"),
        AccountType.EXPENSE: _("Expenses"),
        AccountType.EQUITY: _("Fund balance"),
        AccountType.COMMITMENT: _("Commitments"),
    }[AccountType(type)]
    name = f"{label} ({purpose}) {asset.code}" + (f" — {counterparty}" if counterparty else "")
    account, _created = Account.objects.get_or_create(
        fund=fund,
        code=code,
        defaults={"name": name[:200], "type": type, "asset": asset, "counterparty": counterparty},
    )
    return Account.objects.select_related("fund", "asset").get(pk=account.pk)


# --- Balances and verification --------------------------------------------------------------------


def balance_at(*, account: Account, on: dt.date) -> int:
    """The account's balance at the end of ``on``, from its day rows (not from every posting)."""
    totals = AccountDay.objects.filter(account=account, date__lte=on).aggregate(
        debits=ExactSum("debits"), credits=ExactSum("credits")
    )
    return int(totals["debits"]) - int(totals["credits"])


# What a fund holds: its cash and wallet accounts. Pledges receivable are assets too, but not money in hand.
HOLDING_PURPOSES = ("cash", "wallet")


def holdings_filter(prefix: str = "") -> models.Q:
    """Accounts that hold the fund's money (``prefix`` is a relation path, e.g. ``"account__"``)."""
    query = models.Q()
    for purpose in HOLDING_PURPOSES:
        query |= models.Q(**{f"{prefix}code__startswith": f"{AccountType.ASSET}:{purpose}:"})
    return query


def fund_balances_at(*, fund: Fund, on: dt.date) -> dict[str, int]:
    """The fund's holdings (cash and wallets) per asset code at the end of ``on``."""
    rows = (
        AccountDay.objects.filter(holdings_filter("account__"), account__fund=fund, date__lte=on)
        .values("account__asset__code")
        .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
        .order_by("account__asset__code")
    )
    return {row["account__asset__code"]: int(row["debits"]) - int(row["credits"]) for row in rows}


@dataclass(frozen=True)
class Problem:
    what: str
    detail: str


def ledger_verify(progress: Progress | None = None) -> list[Problem]:
    """Recompute every balance from the postings and compare; check every entry balances and is sealed."""
    progress = progress or NullProgress()
    problems: list[Problem] = []
    accounts = list(Account.objects.order_by("pk"))
    progress.start(len(accounts) + 2, _("Checking accounts"))
    for account in accounts:
        from_postings = Posting.objects.filter(account=account).aggregate(total=ExactSum("amount"))["total"]
        if int(from_postings) != account.balance:
            problems.append(
                Problem(
                    "balance",
                    f"{account}: running balance {account.balance}, postings sum to {from_postings}",
                )
            )
        days = (
            Posting.objects.filter(account=account)
            .values("effective_date")
            .annotate(total=ExactSum("amount"))
            .order_by("effective_date")
        )
        stored = {row.date: row.debits - row.credits for row in AccountDay.objects.filter(account=account)}
        computed = {row["effective_date"]: int(row["total"]) for row in days}
        for date in sorted(set(stored) | set(computed)):
            if stored.get(date, 0) != computed.get(date, 0):
                problems.append(
                    Problem(
                        "day",
                        f"{account} on {date}: day row {stored.get(date, 0)},"
                        f" postings {computed.get(date, 0)}",
                    )
                )
        progress.advance()
    total = (
        "SUM(p.amount) <> 0" if connection.vendor == "postgresql" else "seedbed_exact_sum(p.amount) <> '0'"
    )
    with connection.cursor() as cursor:
        # Only the unbalanced come back (none, normally), not one row per entry.
        cursor.execute(
            "SELECT p.entry_id, a.code FROM funds_posting p JOIN funds_asset a ON a.id = p.asset_id"  # noqa: S608
            f" GROUP BY p.entry_id, a.code HAVING {total} ORDER BY p.entry_id"
        )
        for entry_id, code in cursor.fetchall():
            problems.append(Problem("entry", f"entry #{entry_id} does not balance in {code}"))
    progress.advance()
    # NOT EXISTS, an anti-join: PostgreSQL runs NOT IN (subquery) row by row once the seals outgrow
    # work_mem, which at a million postings took longer than five minutes.
    unsealed = JournalEntry.objects.exclude(
        models.Exists(EntrySeal.objects.filter(entry_id=models.OuterRef("key")))
    )
    for entry in unsealed:
        problems.append(Problem("seal", f"entry #{entry.pk} has no seal"))
    progress.advance()
    return problems
