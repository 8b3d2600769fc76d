"""What donors gave: a fund's donors today (``donor_summary``), and a donor's statement: what one
organization pledged, paid in and got back, per fund and asset, over a period.

A statement's figures come from the donor's own accounts (the chart in ``services``): its contributions
account (``income:donations:<asset>:<slug>``, credited by pledges and donations, debited by refunds) and its
pledges receivable (``asset:pledges:<asset>:<slug>``, debited by pledges, credited by pledge receipts).
Opening and closing figures come from those accounts' day rows; what happened in the period comes from the
donor's entries (donations, pledges, pledge receipts, refunds, and reversals of them), each read from its
postings on the donor's accounts, so a reversal counts against the kind it reverses. Values are in USD at
each entry's effective date; a missing price stays missing (``None``), never guessed.

A statement takes a fixed number of queries whatever the number of entries: the accounts, two sums of day
rows, the entries with their postings, and two price reads per asset (``Valuer.load``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404

from seedbed.core.models import Organization
from seedbed.funds import access
from seedbed.funds.fields import ExactSum
from seedbed.funds.models import (
    Account,
    AccountDay,
    AccountType,
    Asset,
    EntryKind,
    Fund,
    JournalEntry,
    Posting,
)
from seedbed.funds.selectors.holdings import RECEIVABLE_PREFIX
from seedbed.funds.selectors.valuation import Valuer, total_of

CONTRIBUTIONS_PREFIX = "income:donations:"
REPORTING_CODE = "USD"
# The entries a donor statement lists, by their own kind or, for a reversal, the kind they reverse.
DONOR_KINDS = (EntryKind.PLEDGE, EntryKind.PLEDGE_RECEIPT, EntryKind.DONATION, EntryKind.REFUND)


@dataclass(frozen=True)
class DonorLine:
    """What one donor gave a fund in one asset, today: contributed (pledged or donated, less refunds),
    paid in, and still outstanding on its pledges."""

    donor: Organization
    asset: Asset
    contributed: int
    outstanding: int

    @property
    def paid(self) -> int:
        return self.contributed - self.outstanding


def donor_summary(fund: Fund) -> list[DonorLine]:
    """Per donor and asset, from the running balances of its contributions and pledges: one query."""
    accounts = Account.objects.filter(fund=fund, counterparty__isnull=False).filter(
        Q(code__startswith="income:donations:") | Q(code__startswith=RECEIVABLE_PREFIX)
    )
    lines: dict[tuple[int, int], list[int]] = {}
    objects: dict[tuple[int, int], Account] = {}
    for account in accounts.select_related("asset", "counterparty"):
        key = (account.counterparty_id or 0, account.asset_id)
        figures = lines.setdefault(key, [0, 0])
        objects.setdefault(key, account)
        if account.type == AccountType.INCOME:
            figures[0] += account.natural_balance
        else:
            figures[1] += account.balance
    result = []
    for key, (contributed, outstanding) in lines.items():
        account = objects[key]
        assert account.counterparty is not None
        result.append(
            DonorLine(
                donor=account.counterparty,
                asset=account.asset,
                contributed=contributed,
                outstanding=outstanding,
            )
        )
    result.sort(key=lambda line: (line.donor.name, line.asset.code))
    return result


def get_donor_for_user(user: Any, slug: str) -> Organization:
    """The organization whose statement is asked for: 403 unless the user sees the ledger, then 404."""
    if not access.can_view_ledger(user):
        raise PermissionDenied
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class DonorEntryLine:
    """One asset of one of the donor's entries, and what it did to the donor's figures (signed).

    A reversal has the opposite sign of the entry it reverses: a reversed donation is ``received < 0``.
    """

    entry: JournalEntry
    asset: Asset
    base_kind: str  # the entry's kind, or the kind of the entry it reverses
    pledged: int
    received: int
    refunded: int
    value: Decimal | None  # the figure in USD at the effective date; None when the price is missing

    @property
    def amount(self) -> int:
        """The figure this entry changed (one of pledged, received, refunded), signed."""
        return self.pledged or self.received or self.refunded

    @property
    def is_reversal(self) -> bool:
        return self.entry.kind == EntryKind.REVERSAL


@dataclass(frozen=True)
class DonorStatementLine:
    """One fund and asset over the period.

    ``contributed`` is the donor's net contribution (pledged and donated, less refunds), ``outstanding``
    what is still owed on its pledges and ``paid_in`` the difference: money actually received and kept.
    ``received`` is donations plus pledge receipts.
    """

    fund: Fund
    asset: Asset
    opening_contributed: int
    opening_outstanding: int
    pledged: int
    donated: int
    pledge_receipts: int
    refunded: int
    closing_contributed: int
    closing_outstanding: int
    pledged_value: Decimal | None
    received_value: Decimal | None
    refunded_value: Decimal | None
    closing_outstanding_value: Decimal | None  # at the price of the period's last day

    @property
    def received(self) -> int:
        return self.donated + self.pledge_receipts

    @property
    def opening_paid_in(self) -> int:
        return self.opening_contributed - self.opening_outstanding

    @property
    def closing_paid_in(self) -> int:
        return self.closing_contributed - self.closing_outstanding

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        return (self.pledged_value, self.received_value, self.refunded_value, self.closing_outstanding_value)


@dataclass(frozen=True)
class DonorStatement:
    donor: Organization
    date_from: dt.date
    date_to: dt.date
    quote: Asset | None  # USD; None only when there is no USD asset at all (then every value is missing)
    lines: list[DonorStatementLine]
    entries: list[DonorEntryLine]  # oldest first

    @property
    def pledged_value(self) -> Decimal | None:
        return total_of(line.pledged_value for line in self.lines)

    @property
    def received_value(self) -> Decimal | None:
        return total_of(line.received_value for line in self.lines)

    @property
    def refunded_value(self) -> Decimal | None:
        return total_of(line.refunded_value for line in self.lines)

    @property
    def closing_outstanding_value(self) -> Decimal | None:
        return total_of(line.closing_outstanding_value for line in self.lines)

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        return (self.pledged_value, self.received_value, self.refunded_value, self.closing_outstanding_value)

    @property
    def has_missing_prices(self) -> bool:
        return any(value is None for line in self.lines for value in line.values) or any(
            entry.value is None for entry in self.entries
        )


def _donor_accounts(donor: Organization) -> Q:
    return Q(counterparty=donor) & (
        Q(code__startswith=CONTRIBUTIONS_PREFIX) | Q(code__startswith=RECEIVABLE_PREFIX)
    )


def _balances(accounts: dict[int, Account], **dates: dt.date) -> dict[int, int]:
    """Each account's balance (debit positive) from its day rows in the given dates: one query."""
    rows = (
        AccountDay.objects.filter(account_id__in=list(accounts), **dates)
        .values("account_id")
        .annotate(debits=ExactSum("debits"), credits=ExactSum("credits"))
        .order_by()
    )
    return {row["account_id"]: int(row["debits"]) - int(row["credits"]) for row in rows}


def donor_entries(*, donor: Organization, start: dt.date, end: dt.date) -> list[JournalEntry]:
    """The donor's entries with an effective date in the period, oldest first; each carries
    ``donor_postings`` (its postings on the donor's accounts, with account and asset). Two queries."""
    kinds = Q(kind__in=DONOR_KINDS) | Q(kind=EntryKind.REVERSAL, reverses__kind__in=DONOR_KINDS)
    postings = (
        Posting.objects.filter(account__in=Account.objects.filter(_donor_accounts(donor)))
        .select_related("account", "asset")
        .order_by("id")
    )
    return list(
        JournalEntry.objects.filter(
            kinds, counterparty=donor, effective_date__gte=start, effective_date__lte=end
        )
        .select_related("fund", "reverses")
        .prefetch_related(Prefetch("postings", queryset=postings, to_attr="donor_postings"))
        .order_by("effective_date", "id")
    )


def _value(valuer: Valuer | None, amount: int, asset: Asset, on: dt.date) -> Decimal | None:
    """``amount`` in USD at the end of ``on``; nothing is worth nothing, priced or not."""
    if amount == 0:
        return Decimal(0)
    return valuer.value(amount, asset, on) if valuer is not None else None


def _entry_lines(entry: JournalEntry, valuer: Valuer | None) -> list[DonorEntryLine]:
    base_kind = entry.reverses.kind if entry.reverses is not None else entry.kind
    pledges: dict[int, int] = defaultdict(int)
    contributions: dict[int, int] = defaultdict(int)
    assets: dict[int, Asset] = {}
    for posting in getattr(entry, "donor_postings", ()):
        assets[posting.asset_id] = posting.asset
        if posting.account.code.startswith(RECEIVABLE_PREFIX):
            pledges[posting.asset_id] += posting.amount
        else:
            contributions[posting.asset_id] += posting.amount
    lines = []
    for asset_id in sorted(assets, key=lambda pk: assets[pk].code):
        asset = assets[asset_id]
        pledged = received = refunded = 0
        if base_kind == EntryKind.PLEDGE:
            pledged = pledges[asset_id]
        elif base_kind == EntryKind.PLEDGE_RECEIPT:
            received = -pledges[asset_id]
        elif base_kind == EntryKind.DONATION:
            received = -contributions[asset_id]
        else:
            refunded = contributions[asset_id]
        lines.append(
            DonorEntryLine(
                entry=entry,
                asset=asset,
                base_kind=base_kind,
                pledged=pledged,
                received=received,
                refunded=refunded,
                value=_value(valuer, pledged or received or refunded, asset, entry.effective_date),
            )
        )
    return lines


def donor_statement(*, donor: Organization, start: dt.date, end: dt.date) -> DonorStatement:
    """The donor's statement from ``start`` to ``end`` (both included), per fund and asset."""
    accounts = {
        account.pk: account
        for account in Account.objects.filter(_donor_accounts(donor)).select_related("fund", "asset")
    }
    before = _balances(accounts, date__lt=start) if accounts else {}
    closing = _balances(accounts, date__lte=end) if accounts else {}
    entries = donor_entries(donor=donor, start=start, end=end)
    quote = Asset.objects.filter(code=REPORTING_CODE).first()
    valuer = Valuer(quote) if quote is not None else None

    # Read every price the statement needs in two queries per asset, from its first entry to the end.
    first_day: dict[int, tuple[Asset, dt.date]] = {}
    for account in accounts.values():
        first_day.setdefault(account.asset_id, (account.asset, end))
    for entry in entries:
        for posting in getattr(entry, "donor_postings", ()):
            asset, day = first_day.get(posting.asset_id, (posting.asset, end))
            first_day[posting.asset_id] = (asset, min(day, entry.effective_date))
    if valuer is not None:
        for asset, day in first_day.values():
            valuer.load(asset, day, end)

    entry_lines = [line for entry in entries for line in _entry_lines(entry, valuer)]

    # Opening and closing per fund and asset, from the accounts' day rows.
    figures: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    keys: dict[tuple[int, int], tuple[Fund, Asset]] = {}
    for pk, account in accounts.items():
        key = (account.fund_id, account.asset_id)
        keys[key] = (account.fund, account.asset)
        if account.code.startswith(RECEIVABLE_PREFIX):
            figures[key]["opening_outstanding"] += before.get(pk, 0)
            figures[key]["closing_outstanding"] += closing.get(pk, 0)
        else:  # contributions: a credit balance, shown the right way round
            figures[key]["opening_contributed"] -= before.get(pk, 0)
            figures[key]["closing_contributed"] -= closing.get(pk, 0)
    period: dict[tuple[int, int], list[DonorEntryLine]] = defaultdict(list)
    for item in entry_lines:
        key = (item.entry.fund_id, item.asset.pk)
        keys.setdefault(key, (item.entry.fund, item.asset))
        period[key].append(item)

    lines: list[DonorStatementLine] = []
    for key, (fund, asset) in keys.items():
        numbers = figures[key]
        moved = period[key]
        if not moved and not any(numbers.values()):
            continue  # an account opened but never moved up to the end of the period
        lines.append(
            DonorStatementLine(
                fund=fund,
                asset=asset,
                opening_contributed=numbers["opening_contributed"],
                opening_outstanding=numbers["opening_outstanding"],
                pledged=sum(item.pledged for item in moved),
                donated=sum(item.received for item in moved if item.base_kind == EntryKind.DONATION),
                pledge_receipts=sum(
                    item.received for item in moved if item.base_kind == EntryKind.PLEDGE_RECEIPT
                ),
                refunded=sum(item.refunded for item in moved),
                closing_contributed=numbers["closing_contributed"],
                closing_outstanding=numbers["closing_outstanding"],
                pledged_value=total_of(item.value for item in moved if item.pledged),
                received_value=total_of(item.value for item in moved if item.received),
                refunded_value=total_of(item.value for item in moved if item.refunded),
                closing_outstanding_value=_value(valuer, numbers["closing_outstanding"], asset, end),
            )
        )
    lines.sort(key=lambda line: (line.fund.name, line.asset.kind != "fiat", line.asset.code))
    return DonorStatement(
        donor=donor, date_from=start, date_to=end, quote=quote, lines=lines, entries=entry_lines
    )
