"""A fund's movements (journal entries seen from the fund), their filters, and one entry in full."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils.dateparse import parse_date

from seedbed.core.models import Organization
from seedbed.funds import access
from seedbed.funds.models import Asset, EntryKind, Fund, JournalEntry, PaymentRequest, Posting
from seedbed.funds.selectors.holdings import is_holdings


def parse_day(value: Any) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from a query string, or None for anything else (a filter, not an error)."""
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value) if value else None
    except (TypeError, ValueError):  # well-formed but impossible, e.g. 2024-02-30
        return None


@dataclass(frozen=True)
class MovementFilters:
    kind: str = ""
    date_from: str = ""
    date_to: str = ""
    asset: str = ""  # asset code
    counterparty: str = ""  # organization slug

    @classmethod
    def from_mapping(cls, data: Any) -> MovementFilters:
        kind = data.get("kind") or ""
        date_from, date_to = parse_day(data.get("from")), parse_day(data.get("to"))
        return cls(
            kind=kind if kind in EntryKind.values else "",
            date_from=date_from.isoformat() if date_from else "",
            date_to=date_to.isoformat() if date_to else "",
            asset=(data.get("asset") or "").strip().upper()[:16],
            counterparty=(data.get("counterparty") or "").strip()[:80],
        )

    @property
    def is_empty(self) -> bool:
        return not (self.kind or self.date_from or self.date_to or self.asset or self.counterparty)


@dataclass(frozen=True)
class MovementAmount:
    """One asset of one entry, as seen from one fund."""

    asset: Asset
    amount: int  # the size of the movement in this fund (see ``movement_amounts``)
    holdings_change: int  # what it did to the fund's holdings (its asset accounts): + in, - out


def movement_list(*, fund: Fund, filters: MovementFilters) -> QuerySet[JournalEntry]:
    """The entries that moved any of the fund's accounts, newest first; postings prefetched.

    Each entry carries ``fund_postings`` (its postings on this fund's accounts) and ``amounts``
    (``MovementAmount`` per asset) once evaluated through ``movement_amounts``.
    """
    postings = Posting.objects.filter(fund=fund)
    if filters.asset:
        postings = postings.filter(asset__code=filters.asset)
    entries = JournalEntry.objects.filter(pk__in=postings.values("entry_id"))
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.date_from:
        entries = entries.filter(effective_date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(effective_date__lte=filters.date_to)
    if filters.counterparty:
        entries = entries.filter(counterparty__slug=filters.counterparty)
    return (
        entries.select_related("fund", "counterparty", "recorded_by", "approved_by")
        .prefetch_related(
            Prefetch(
                "postings",
                queryset=Posting.objects.filter(fund=fund).select_related("account", "asset").order_by("id"),
                to_attr="fund_postings",
            )
        )
        .order_by("-effective_date", "-id")
    )


def movement_amounts(entry: JournalEntry) -> list[MovementAmount]:
    """Per asset, the size of ``entry`` in the fund whose postings were prefetched, and its effect.

    The size is what moved in or out of the fund's holdings; for an entry that leaves them alone (a
    pledge, a commitment) it is the sum of its debits.
    """
    debits: dict[int, int] = defaultdict(int)
    changes: dict[int, int] = defaultdict(int)
    assets: dict[int, Asset] = {}
    for posting in getattr(entry, "fund_postings", ()):
        assets[posting.asset_id] = posting.asset
        if posting.amount > 0:
            debits[posting.asset_id] += posting.amount
        if is_holdings(posting.account):
            changes[posting.asset_id] += posting.amount
    return [
        MovementAmount(
            asset=assets[asset_id],
            amount=abs(changes[asset_id]) or debits[asset_id],
            holdings_change=changes[asset_id],
        )
        for asset_id in sorted(assets, key=lambda pk: assets[pk].code)
    ]


def movement_counterparties(fund: Fund) -> QuerySet[Organization]:
    """The organizations the fund's entries name, for the counterparty filter."""
    return (
        Organization.objects.filter(ledger_entries__fund=fund)
        .distinct()
        .order_by("name")
        .only("pk", "slug", "name")
    )


def fund_assets(fund: Fund) -> QuerySet[Asset]:
    """The assets a fund allows or has accounts in, for filters and forms."""
    return Asset.objects.filter(Q(funds=fund) | Q(accounts__fund=fund)).distinct().order_by("kind", "code")


# --- Entries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryDetail:
    entry: JournalEntry
    postings: list[Posting]
    cause: Model | None
    cause_label: str
    reversal: JournalEntry | None
    payment_request: PaymentRequest | None


def entry_detail(entry: JournalEntry) -> EntryDetail:
    postings = list(
        entry.postings.select_related("account__fund", "account__counterparty", "asset").order_by("id")
    )
    cause: Model | None = None
    cause_label = ""
    if entry.cause_type_id and entry.cause_id:
        model = ContentType.objects.get_for_id(entry.cause_type_id).model_class()
        if model is not None:
            cause_label = str(model._meta.verbose_name)
            # The cause's row may be gone (the entry stays): then show its type and id only.
            cause = model._default_manager.filter(pk=entry.cause_id).first()
    reversal = JournalEntry.objects.filter(reverses=entry).select_related("recorded_by").first()
    payment_request = (
        PaymentRequest.objects.filter(entry=entry).select_related("requested_by", "decided_by").first()
    )
    return EntryDetail(
        entry=entry,
        postings=postings,
        cause=cause,
        cause_label=cause_label,
        reversal=reversal,
        payment_request=payment_request,
    )


def entry_list(*, user: Any, fund: Fund, filters: MovementFilters) -> QuerySet[JournalEntry]:
    """The fund's movements for someone who may see the ledger (the API's entry list)."""
    if not access.can_view_ledger(user):
        return JournalEntry.objects.none()
    return movement_list(fund=fund, filters=filters)
