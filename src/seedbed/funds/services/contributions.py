"""Money coming in: donations, pledges and receipts against pledges, and what is outstanding on them.

A pledge is income when pledged (accrual); a receipt turns the receivable into holdings and can never be
more than what is outstanding.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from seedbed.core.models import Organization
from seedbed.funds.fields import ExactSum
from seedbed.funds.models import Account, AccountType, Asset, EntryKind, Fund, JournalEntry, Posting
from seedbed.funds.services.common import (
    _contributions_account,
    _lowest_balance_from,
    _movement_inputs,
    _pledges_account,
    _post_pair,
    _shown,
    holdings_account,
)


@transaction.atomic
def donation_record(
    *,
    actor: Any,
    fund: Fund,
    donor: Organization,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str = "",
    external_ref: str = "",
    cause: models.Model | None = None,
    is_sample: bool = False,
) -> JournalEntry:
    """Money received from a donor without a pledge: debit holdings, credit the donor's contributions."""
    donor, asset, amount, effective_date = _movement_inputs(
        actor=actor,
        fund=fund,
        counterparty=donor,
        missing=_("Choose the donor."),
        asset=asset,
        amount=amount,
        effective_date=effective_date,
    )
    return _post_pair(
        actor=actor,
        fund=fund,
        kind=EntryKind.DONATION,
        debit=holdings_account(fund, asset),
        credit=_contributions_account(fund, asset, donor),
        amount=amount,
        effective_date=effective_date,
        counterparty=donor,
        memo=memo,
        external_ref=external_ref,
        cause=cause,
        is_sample=is_sample,
    )


@transaction.atomic
def pledge_record(
    *,
    actor: Any,
    fund: Fund,
    donor: Organization,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str = "",
    external_ref: str = "",
    cause: models.Model | None = None,
    is_sample: bool = False,
) -> JournalEntry:
    """A donor's promise: debit its pledges receivable, credit its contributions."""
    donor, asset, amount, effective_date = _movement_inputs(
        actor=actor,
        fund=fund,
        counterparty=donor,
        missing=_("Choose the donor."),
        asset=asset,
        amount=amount,
        effective_date=effective_date,
    )
    return _post_pair(
        actor=actor,
        fund=fund,
        kind=EntryKind.PLEDGE,
        debit=_pledges_account(fund, asset, donor),
        credit=_contributions_account(fund, asset, donor),
        amount=amount,
        effective_date=effective_date,
        counterparty=donor,
        memo=memo,
        external_ref=external_ref,
        cause=cause,
        is_sample=is_sample,
    )


@transaction.atomic
def pledge_receipt_record(
    *,
    actor: Any,
    fund: Fund,
    donor: Organization,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str = "",
    external_ref: str = "",
    cause: models.Model | None = None,
    is_sample: bool = False,
) -> JournalEntry:
    """Money received against a pledge: debit holdings, credit the pledge. Never more than outstanding."""
    donor, asset, amount, effective_date = _movement_inputs(
        actor=actor,
        fund=fund,
        counterparty=donor,
        missing=_("Choose the donor."),
        asset=asset,
        amount=amount,
        effective_date=effective_date,
    )
    pledges = _pledges_account(fund, asset, donor)

    def within_the_pledge() -> None:
        outstanding = _lowest_balance_from(pledges, effective_date)
        if amount > outstanding:
            raise ValidationError(
                _(
                    "%(donor)s has %(outstanding)s %(asset)s outstanding on its pledges to %(fund)s;"
                    " a receipt cannot be more. Record the difference as a donation."
                )
                % {
                    "donor": donor,
                    "outstanding": _shown(max(outstanding, 0), asset),
                    "asset": asset.code,
                    "fund": fund,
                },
                code="exceeds_pledge",
            )

    return _post_pair(
        actor=actor,
        fund=fund,
        kind=EntryKind.PLEDGE_RECEIPT,
        debit=holdings_account(fund, asset),
        credit=pledges,
        amount=amount,
        effective_date=effective_date,
        counterparty=donor,
        memo=memo,
        external_ref=external_ref,
        cause=cause,
        is_sample=is_sample,
        check=within_the_pledge,
    )


@dataclass(frozen=True)
class PledgeRow:
    donor: Organization
    asset: Asset
    pledged: int
    received: int
    outstanding: int


def outstanding_pledges(fund: Fund, *, include_settled: bool = False) -> list[PledgeRow]:
    """Per donor and asset: pledged, received and outstanding (a reversal counts against its original).

    Two queries, however many donors and entries.
    """
    accounts = {
        account.pk: account
        for account in Account.objects.filter(
            fund=fund, type=AccountType.ASSET, code__startswith="asset:pledges:", counterparty__isnull=False
        ).select_related("asset", "counterparty")
    }
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Posting.objects.filter(account_id__in=accounts)
        .values("account_id", "entry__kind", "entry__reverses__kind")
        .annotate(total=ExactSum("amount"))
        .order_by()
    )
    for row in rows:
        kind = row["entry__reverses__kind"] or row["entry__kind"]
        totals[row["account_id"]][kind] += int(row["total"])
    result = []
    for pk, account in accounts.items():
        assert account.counterparty is not None
        line = PledgeRow(
            donor=account.counterparty,
            asset=account.asset,
            pledged=totals[pk][EntryKind.PLEDGE],
            received=-totals[pk][EntryKind.PLEDGE_RECEIPT],
            outstanding=account.balance,
        )
        if include_settled or line.outstanding:
            result.append(line)
    return sorted(result, key=lambda row: (row.donor.name, row.asset.code))
