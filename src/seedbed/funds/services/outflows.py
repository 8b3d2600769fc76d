"""Commitments (off balance) and money going out: fees, refunds, and the lines that disbursements and
transfers post when a payment request is approved (``payment_requests``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from seedbed.core.models import Organization
from seedbed.funds.ledger import Line, account_for, entry_post
from seedbed.funds.models import Account, AccountType, Asset, EntryKind, Fund, JournalEntry
from seedbed.funds.services.common import (
    _amount,
    _asset,
    _code,
    _commitments_account,
    _commitments_contra_account,
    _contributions_account,
    _date,
    _ensure_available,
    _existing_account,
    _lock,
    _movement_inputs,
    _organization,
    _pledges_account,
    _post_pair,
    _require_recorder,
    _shown,
    fund_accepts,
    holdings_account,
)

# --- Commitments ----------------------------------------------------------------------------------


@transaction.atomic
def commitment_record(
    *,
    actor: Any,
    fund: Fund,
    grantee: Organization,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str = "",
    external_ref: str = "",
    cause: models.Model | None = None,
    is_sample: bool = False,
    authorised: bool = False,
) -> JournalEntry:
    """Promise money to a grantee, off balance: debit its commitments, credit the commitments contra.

    ``external_ref`` is the agreement's reference, recorded once per fund like a bank reference.
    ``authorised`` is for a service that has checked its own permission and records the commitment as a
    consequence, in its actor's name (a fund manager creating an investment); nothing moves off balance.
    """
    grantee, asset, amount, effective_date = _movement_inputs(
        actor=None if authorised else actor,
        fund=fund,
        counterparty=grantee,
        missing=_("Choose the grantee."),
        asset=asset,
        amount=amount,
        effective_date=effective_date,
    )
    return _post_pair(
        actor=actor,
        fund=fund,
        kind=EntryKind.COMMITMENT,
        debit=_commitments_account(fund, asset, grantee),
        credit=_commitments_contra_account(fund, asset),
        amount=amount,
        effective_date=effective_date,
        counterparty=grantee,
        memo=memo,
        external_ref=external_ref,
        cause=cause,
        is_sample=is_sample,
    )


@transaction.atomic
def commitment_release(
    *,
    actor: Any,
    fund: Fund,
    grantee: Organization,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str,
    cause: models.Model | None = None,
    authorised: bool = False,
    is_sample: bool = False,
) -> JournalEntry:
    """Release part of what was promised to a grantee and will not be paid (a cancelled or reduced
    tranche): credit its commitments, debit the contra. Never more than is open."""
    grantee, asset, amount, effective_date = _movement_inputs(
        actor=None if authorised else actor,
        fund=fund,
        counterparty=grantee,
        missing=_("Choose the grantee."),
        asset=asset,
        amount=amount,
        effective_date=effective_date,
    )
    commitments = _commitments_account(fund, asset, grantee)

    def check() -> None:  # runs with the account locked, so the balance read here cannot move
        committed = Account.objects.get(pk=commitments.pk).balance
        if amount > committed:
            raise ValidationError(
                _("Only %(open)s %(asset)s is committed to %(grantee)s; cannot release more.")
                % {"open": _shown(max(committed, 0), asset), "asset": asset.code, "grantee": grantee},
                code="exceeds_commitment",
            )

    return _post_pair(
        actor=actor,
        fund=fund,
        kind=EntryKind.COMMITMENT,
        debit=_commitments_contra_account(fund, asset),
        credit=commitments,
        amount=amount,
        effective_date=effective_date,
        counterparty=grantee,
        memo=memo,
        external_ref="",
        cause=cause,
        is_sample=is_sample,
        check=check,
    )


def open_commitment(*, fund: Fund, grantee: Organization, asset: Asset) -> int:
    """What the fund has committed to the grantee in this asset and not yet paid."""
    account = _existing_account(fund, _code(AccountType.COMMITMENT, "commitments", asset, grantee))
    return account.balance if account is not None else 0


# --- Money going out ------------------------------------------------------------------------------
#
# Pages and the API offer money going out only through payment requests (four-eyes). ``fee_record`` and
# ``refund_record`` also serve to record an outflow that already happened outside Seedbed (a bank charge
# or network fee taken at source, a refund shown on an imported bank statement).


# Each ``_*_lines`` helper locks every account it will post to in one statement, in id order (as
# ``entry_post`` does), before reading a balance: concurrent payments queue instead of deadlocking.


def _fee_lines(fund: Fund, asset: Asset, amount: int) -> tuple[Account, list[Line]]:
    holdings = holdings_account(fund, asset)
    fees = account_for(fund=fund, type=AccountType.EXPENSE, asset=asset, purpose="fees")
    _lock(holdings, fees)
    return holdings, [Line(fees, amount), Line(holdings, -amount)]


def _refund_lines(fund: Fund, asset: Asset, donor: Organization, amount: int) -> tuple[Account, list[Line]]:
    holdings = holdings_account(fund, asset)
    contributions = _contributions_account(fund, asset, donor)
    pledges = _pledges_account(fund, asset, donor)
    locked = _lock(holdings, contributions, pledges)
    paid_in = -locked[contributions.pk].balance - locked[pledges.pk].balance
    if amount > paid_in:
        raise ValidationError(
            _("%(donor)s has paid %(paid)s %(asset)s into %(fund)s; a refund cannot be more.")
            % {
                "donor": donor,
                "paid": _shown(max(paid_in, 0), asset),
                "asset": asset.code,
                "fund": fund,
            },
            code="exceeds_contribution",
        )
    return holdings, [Line(contributions, amount), Line(holdings, -amount)]


def _disbursement_lines(
    fund: Fund, asset: Asset, grantee: Organization, amount: int
) -> tuple[Account, list[Line]]:
    holdings = holdings_account(fund, asset)
    grants = account_for(
        fund=fund, type=AccountType.EXPENSE, asset=asset, purpose="grants", counterparty=grantee
    )
    commitments = _existing_account(fund, _code(AccountType.COMMITMENT, "commitments", asset, grantee))
    if commitments is None:
        _lock(holdings, grants)
        return holdings, [Line(grants, amount), Line(holdings, -amount)]
    contra = _commitments_contra_account(fund, asset)
    locked = _lock(holdings, grants, commitments, contra)
    lines = [Line(grants, amount), Line(holdings, -amount)]
    release = min(amount, locked[commitments.pk].balance)
    if release > 0:  # the payment settles (part of) what was promised to this grantee
        lines += [Line(contra, release), Line(commitments, -release)]
    return holdings, lines


def _transfer_lines(fund: Fund, to_fund: Fund, asset: Asset, amount: int) -> tuple[Account, list[Line]]:
    holdings = holdings_account(fund, asset)
    equity = account_for(fund=fund, type=AccountType.EQUITY, asset=asset, purpose="transfers")
    receiving = holdings_account(to_fund, asset)
    receiving_equity = account_for(fund=to_fund, type=AccountType.EQUITY, asset=asset, purpose="transfers")
    _lock(holdings, equity, receiving, receiving_equity)
    return holdings, [
        Line(holdings, -amount),
        Line(equity, amount),
        Line(receiving, amount),
        Line(receiving_equity, -amount),
    ]


def _post_outflow(
    *,
    actor: Any,
    fund: Fund,
    kind: str,
    lines_for: Callable[[], tuple[Account, list[Line]]],
    amount: int,
    effective_date: dt.date,
    memo: str,
    counterparty: Organization | None,
    cause: models.Model | None,
    approved_by: Any,
    is_sample: bool,
    recorded_by: Any = None,
) -> JournalEntry:
    holdings, lines = lines_for()
    _ensure_available(holdings, amount, effective_date)
    return entry_post(
        actor=actor,
        fund=fund,
        kind=kind,
        effective_date=effective_date,
        lines=lines,
        memo=memo,
        counterparty=counterparty,
        cause=cause,
        approved_by=approved_by,
        is_sample=is_sample,
        recorded_by=recorded_by,
    )


@transaction.atomic
def fee_record(
    *,
    actor: Any,
    fund: Fund,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str = "",
    counterparty: Organization | None = None,
    cause: models.Model | None = None,
    approved_by: Any = None,
    is_sample: bool = False,
) -> JournalEntry:
    """A fee, always its own entry: debit fees, credit holdings (which must cover it)."""
    _require_recorder(actor)
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    fund_accepts(fund, asset)
    return _post_outflow(
        actor=actor,
        fund=fund,
        kind=EntryKind.FEE,
        lines_for=lambda: _fee_lines(fund, asset, amount),
        amount=amount,
        effective_date=effective_date,
        memo=memo,
        counterparty=counterparty,
        cause=cause,
        approved_by=approved_by,
        is_sample=is_sample,
    )


@transaction.atomic
def refund_record(
    *,
    actor: Any,
    fund: Fund,
    donor: Organization,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str = "",
    cause: models.Model | None = None,
    approved_by: Any = None,
    is_sample: bool = False,
) -> JournalEntry:
    """Give part of a contribution back: debit the donor's contributions, credit holdings."""
    _require_recorder(actor)
    donor = _organization(donor, _("Choose the donor to refund."))
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    fund_accepts(fund, asset)
    return _post_outflow(
        actor=actor,
        fund=fund,
        kind=EntryKind.REFUND,
        lines_for=lambda: _refund_lines(fund, asset, donor, amount),
        amount=amount,
        effective_date=effective_date,
        memo=memo,
        counterparty=donor,
        cause=cause,
        approved_by=approved_by,
        is_sample=is_sample,
    )
