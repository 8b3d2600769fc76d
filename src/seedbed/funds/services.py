"""The fund's money workflows and rule edits. One keyword-only, atomic service per use case.

Every movement posts through ``ledger.entry_post``, which checks balance and the fund's rules again and
writes the ledger's audit event. Each service here validates first and raises ``PermissionDenied`` or
``ValidationError`` with a clear message; since each runs in one transaction, a refusal writes nothing.

Chart of accounts (codes are ``<type>:<purpose>:<asset>[:<counterparty slug>]``, see ``account_for``):

    what                        type        purpose               per           normal balance
    holdings, fiat              ASSET       cash                  —             debit
    holdings, crypto            ASSET       wallet                —             debit
    pledges receivable          ASSET       pledges               donor         debit
    contributions               INCOME      donations             donor         credit
    commitments (off balance)   COMMITMENT  commitments           grantee       debit
    commitments contra          COMMITMENT  commitments-contra    —             credit
    grants paid                 EXPENSE     grants                grantee       debit
    fees                        EXPENSE     fees                  —             debit
    transfers between funds     EQUITY      transfers             —             either

- A pledge is income when pledged (accrual): debit pledges receivable, credit contributions. A receipt
  turns the receivable into holdings; what is left on the receivable is the outstanding pledge.
- A commitment is off balance: both of its postings are in COMMITMENT accounts, so the fund's assets,
  income and expenses do not move. A disbursement to a grantee releases that grantee's open commitment
  by the amount paid (at most what is open), inside the same entry.
- A **refund** returns part of a donor's contribution: debit that donor's contributions account (so the
  donor's net contribution, and every donor statement, goes down), credit holdings. It is not an expense,
  and it can never exceed what the donor has actually paid in (contributions less outstanding pledges).
- A transfer between funds is one entry touching both: credit holdings of the paying fund, debit its
  ``transfers`` equity; debit holdings of the receiving fund, credit its ``transfers`` equity.

Money going out (disbursements, fees, refunds, transfers) is requested by one finance officer and
approved by a different one (``payment_request_*``); approval locks the request row, so two approvals
pressed together post once. Holdings never go negative, at the payment date or at any later date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record, diff
from seedbed.core.models import Organization
from seedbed.funds import access
from seedbed.funds.fields import ExactSum
from seedbed.funds.ledger import Line, account_for, balance_at, entry_post
from seedbed.funds.models import (
    Account,
    AccountDay,
    AccountType,
    Asset,
    EntryKind,
    Fund,
    Instrument,
    InstrumentRule,
    JournalEntry,
    PaymentRequest,
    PaymentRequestKind,
    PaymentRequestStatus,
    Posting,
)
from seedbed.funds.money import format_amount

# --- Accounts of the chart ------------------------------------------------------------------------


def holdings_account(fund: Fund, asset: Asset) -> Account:
    purpose = "wallet" if asset.is_crypto else "cash"
    return account_for(fund=fund, type=AccountType.ASSET, asset=asset, purpose=purpose)


def _pledges_account(fund: Fund, asset: Asset, donor: Organization) -> Account:
    return account_for(fund=fund, type=AccountType.ASSET, asset=asset, purpose="pledges", counterparty=donor)


def _contributions_account(fund: Fund, asset: Asset, donor: Organization) -> Account:
    return account_for(
        fund=fund, type=AccountType.INCOME, asset=asset, purpose="donations", counterparty=donor
    )


def _commitments_account(fund: Fund, asset: Asset, grantee: Organization) -> Account:
    return account_for(
        fund=fund, type=AccountType.COMMITMENT, asset=asset, purpose="commitments", counterparty=grantee
    )


def _commitments_contra_account(fund: Fund, asset: Asset) -> Account:
    return account_for(fund=fund, type=AccountType.COMMITMENT, asset=asset, purpose="commitments-contra")


def _existing_account(fund: Fund, code: str) -> Account | None:
    return Account.objects.filter(fund=fund, code=code).first()


def _code(type: str, purpose: str, asset: Asset, counterparty: Organization | None = None) -> str:
    return f"{type}:{purpose}:{asset.code}" + (f":{counterparty.slug}" if counterparty else "")


# --- Checks shared by the services ----------------------------------------------------------------


def _shown(amount: int, asset: Asset) -> str:
    """An amount as people read it in a message, without its code: ``1,000.00``, ``1.5``."""
    return format_amount(amount, asset, with_code=False)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_recorder(actor: Any) -> None:
    """Finance officers record money; ``actor=None`` is the system itself (demo loader, imports)."""
    if actor is not None:
        _require(access.can_record_money(actor), _("Only finance officers can record money."))


def _asset(value: Asset | str) -> Asset:
    if isinstance(value, Asset):
        return value
    asset = Asset.objects.filter(code=str(value).strip().upper()).first()
    if asset is None:
        raise ValidationError(_("Unknown asset: %(code)s.") % {"code": value}, code="unknown_asset")
    return asset


def _amount(amount: Any) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationError(_("Amounts are whole numbers of base units."), code="amount_type")
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="not_positive")
    return amount


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(_("Enter the effective date."), code="date")
    return value


def _organization(value: Any, message: str) -> Organization:
    if not isinstance(value, Organization) or value.pk is None:
        raise ValidationError(message, code="counterparty")
    return value


def fund_accepts(fund: Fund, asset: Asset) -> None:
    """Raise the ledger's own messages (``validate_entry``) early, before anything is prepared.

    A crypto-only fund is told so first: "CryptoFund accepts and pays out only crypto assets" says more
    than "CryptoFund does not accept USD".
    """
    if fund.crypto_only and not asset.is_crypto:
        raise ValidationError(
            _("%(fund)s accepts and pays out only crypto assets.") % {"fund": fund}, code="crypto_only"
        )
    if not fund.allowed_assets.filter(pk=asset.pk).exists():
        raise ValidationError(
            _("%(fund)s does not accept %(asset)s.") % {"fund": fund, "asset": asset.code},
            code="asset_not_allowed",
        )


def _lock(*accounts: Account) -> dict[int, Account]:
    """Lock the accounts (in id order, as ``entry_post`` does) and return them with fresh balances."""
    rows = Account.objects.select_for_update().filter(pk__in={a.pk for a in accounts}).order_by("pk")
    return {account.pk: account for account in rows}


def _lowest_balance_from(account: Account, on: dt.date) -> int:
    """The account's lowest balance at the end of ``on`` or of any later day (the latest day included)."""
    balance = balance_at(account=account, on=on)
    lowest = balance
    later = AccountDay.objects.filter(account=account, date__gt=on).order_by("date")
    for debits, credits in later.values_list("debits", "credits"):
        balance += debits - credits
        lowest = min(lowest, balance)
    return lowest


def _ensure_available(holdings: Account, amount: int, on: dt.date) -> None:
    available = _lowest_balance_from(holdings, on)
    if amount > available:
        raise ValidationError(
            _("Not enough %(asset)s in %(fund)s: %(available)s available.")
            % {
                "asset": holdings.asset.code,
                "fund": holdings.fund,
                "available": _shown(max(available, 0), holdings.asset),
            },
            code="insufficient_funds",
        )


def _ensure_new_reference(fund: Fund, kind: str, external_ref: str) -> None:
    """The same bank or chain reference is recorded once per fund (a reversed entry frees it)."""
    if not external_ref:
        return
    taken = JournalEntry.objects.filter(
        fund=fund, kind=kind, external_ref=external_ref, reversed_by__isnull=True
    ).exists()
    if taken:
        raise ValidationError(
            _("An entry with the reference %(ref)s is already recorded in %(fund)s.")
            % {"ref": external_ref, "fund": fund},
            code="duplicate_reference",
        )


def _cause_of(obj: PaymentRequest) -> models.Model | None:
    if obj.cause_type_id is None or not obj.cause_id:
        return None
    model = ContentType.objects.get_for_id(obj.cause_type_id).model_class()
    return model._default_manager.filter(pk=obj.cause_id).first() if model is not None else None


# --- Donations and pledges ------------------------------------------------------------------------


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
    _require_recorder(actor)
    donor = _organization(donor, _("Choose the donor."))
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    fund_accepts(fund, asset)
    holdings = holdings_account(fund, asset)
    contributions = _contributions_account(fund, asset, donor)
    _lock(holdings, contributions)
    _ensure_new_reference(fund, EntryKind.DONATION, external_ref)
    return entry_post(
        actor=actor,
        fund=fund,
        kind=EntryKind.DONATION,
        effective_date=effective_date,
        lines=[Line(holdings, amount), Line(contributions, -amount)],
        memo=memo,
        counterparty=donor,
        cause=cause,
        external_ref=external_ref,
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
    _require_recorder(actor)
    donor = _organization(donor, _("Choose the donor."))
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    fund_accepts(fund, asset)
    return entry_post(
        actor=actor,
        fund=fund,
        kind=EntryKind.PLEDGE,
        effective_date=effective_date,
        lines=[
            Line(_pledges_account(fund, asset, donor), amount),
            Line(_contributions_account(fund, asset, donor), -amount),
        ],
        memo=memo,
        counterparty=donor,
        cause=cause,
        external_ref=external_ref,
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
    _require_recorder(actor)
    donor = _organization(donor, _("Choose the donor."))
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    fund_accepts(fund, asset)
    holdings = holdings_account(fund, asset)
    pledges = _pledges_account(fund, asset, donor)
    _lock(holdings, pledges)
    _ensure_new_reference(fund, EntryKind.PLEDGE_RECEIPT, external_ref)
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
    return entry_post(
        actor=actor,
        fund=fund,
        kind=EntryKind.PLEDGE_RECEIPT,
        effective_date=effective_date,
        lines=[Line(holdings, amount), Line(pledges, -amount)],
        memo=memo,
        counterparty=donor,
        cause=cause,
        external_ref=external_ref,
        is_sample=is_sample,
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
    cause: models.Model | None = None,
    is_sample: bool = False,
) -> JournalEntry:
    """Promise money to a grantee, off balance: debit its commitments, credit the commitments contra."""
    _require_recorder(actor)
    grantee = _organization(grantee, _("Choose the grantee."))
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    fund_accepts(fund, asset)
    return entry_post(
        actor=actor,
        fund=fund,
        kind=EntryKind.COMMITMENT,
        effective_date=effective_date,
        lines=[
            Line(_commitments_account(fund, asset, grantee), amount),
            Line(_commitments_contra_account(fund, asset), -amount),
        ],
        memo=memo,
        counterparty=grantee,
        cause=cause,
        is_sample=is_sample,
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


# --- Payment requests (four-eyes) -----------------------------------------------------------------


def _validate_request(
    *,
    fund: Fund,
    kind: str,
    asset: Asset,
    counterparty: Organization | None,
    to_fund: Fund | None,
) -> None:
    if kind not in PaymentRequestKind.values:
        raise ValidationError(_("Unknown kind of payment."), code="kind")
    fund_accepts(fund, asset)
    if kind == PaymentRequestKind.TRANSFER:
        if to_fund is None:
            raise ValidationError(_("Choose the fund that receives the transfer."), code="to_fund")
        if to_fund.pk == fund.pk:
            raise ValidationError(_("A transfer goes to another fund."), code="to_fund")
        if counterparty is not None:
            raise ValidationError(_("A transfer between funds has no counterparty."), code="counterparty")
        fund_accepts(to_fund, asset)
        return
    if to_fund is not None:
        raise ValidationError(_("Only a transfer goes to another fund."), code="to_fund")
    if kind == PaymentRequestKind.DISBURSEMENT:
        _organization(counterparty, _("Choose the grantee to pay."))
    elif kind == PaymentRequestKind.REFUND:
        _organization(counterparty, _("Choose the donor to refund."))
    elif counterparty is not None:
        _organization(counterparty, _("Choose who is paid the fee."))


@transaction.atomic
def payment_request_create(
    *,
    actor: Any,
    fund: Fund,
    kind: str,
    asset: Asset | str,
    amount: int,
    effective_date: dt.date,
    memo: str,
    counterparty: Organization | None = None,
    to_fund: Fund | None = None,
    cause: models.Model | None = None,
    is_sample: bool = False,
) -> PaymentRequest:
    """A finance officer asks for money to go out; a different finance officer must approve it."""
    _require(access.can_record_money(actor), _("Only finance officers can request payments."))
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    memo = (memo or "").strip()
    if not memo:
        raise ValidationError(_("Say what the payment is for."), code="memo")
    _validate_request(fund=fund, kind=kind, asset=asset, counterparty=counterparty, to_fund=to_fund)
    request = PaymentRequest.objects.create(
        fund=fund,
        kind=kind,
        asset=asset,
        amount=amount,
        counterparty=counterparty,
        to_fund=to_fund,
        effective_date=effective_date,
        memo=memo,
        requested_by=actor,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=str(cause.pk) if cause is not None else "",
        is_sample=is_sample,
    )
    audit_record(
        actor=actor,
        action="payment_request.create",
        target=request,
        changes={
            "fund": [None, str(fund)],
            "kind": [None, kind],
            "amount": [None, format_amount(amount, asset)],
            "counterparty": [None, str(counterparty or to_fund or "")],
            "effective_date": [None, effective_date.isoformat()],
        },
    )
    return request


def _ensure_pending(request: PaymentRequest) -> None:
    if request.status != PaymentRequestStatus.PENDING:
        raise ValidationError(
            _("This payment request is no longer waiting for approval: %(status)s.")
            % {"status": request.get_status_display().lower()},
            code="not_pending",
        )


def _lock_request(request: PaymentRequest) -> PaymentRequest:
    locked = PaymentRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None:
        raise ValidationError(_("This payment request no longer exists."), code="missing")
    return locked


def _require_second_officer(actor: Any, request: PaymentRequest, message: str) -> None:
    """Four-eyes: whoever requested a payment never decides it (the database refuses it too)."""
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(message)


@transaction.atomic
def payment_request_approve(*, actor: Any, request: PaymentRequest) -> PaymentRequest:
    """Approve and post. Locks the request, so two approvals at the same moment post exactly once."""
    _require(access.can_record_money(actor), _("Only finance officers can approve payments."))
    request = _lock_request(request)
    _ensure_pending(request)
    _require_second_officer(
        actor, request, _("You requested this payment, so another finance officer must approve it.")
    )
    # The rules may have changed since the request was made: check them again, with the same messages.
    _validate_request(
        fund=request.fund,
        kind=request.kind,
        asset=request.asset,
        counterparty=request.counterparty,
        to_fund=request.to_fund,
    )
    fund, asset, amount = request.fund, request.asset, request.amount
    counterparty = request.counterparty
    lines_for: Callable[[], tuple[Account, list[Line]]]
    if request.kind == PaymentRequestKind.DISBURSEMENT:
        assert counterparty is not None
        kind, lines_for = (
            EntryKind.DISBURSEMENT,
            lambda: _disbursement_lines(fund, asset, counterparty, amount),
        )
    elif request.kind == PaymentRequestKind.FEE:
        kind, lines_for = EntryKind.FEE, lambda: _fee_lines(fund, asset, amount)
    elif request.kind == PaymentRequestKind.REFUND:
        assert counterparty is not None
        kind, lines_for = EntryKind.REFUND, lambda: _refund_lines(fund, asset, counterparty, amount)
    else:
        to_fund = request.to_fund
        assert to_fund is not None
        kind, lines_for = EntryKind.TRANSFER, lambda: _transfer_lines(fund, to_fund, asset, amount)
    entry = _post_outflow(
        actor=actor,
        fund=fund,
        kind=kind,
        lines_for=lines_for,
        amount=amount,
        effective_date=request.effective_date,
        memo=request.memo,
        counterparty=counterparty,
        cause=_cause_of(request),
        approved_by=actor,
        is_sample=request.is_sample,
        recorded_by=request.requested_by,
    )
    request.status = PaymentRequestStatus.POSTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.entry = entry
    request.save(update_fields=["status", "decided_by", "decided_at", "entry"])
    audit_record(
        actor=actor,
        action="payment_request.approve",
        target=request,
        changes={"status": [PaymentRequestStatus.PENDING, request.status], "entry": [None, entry.pk]},
    )
    return request


@transaction.atomic
def payment_request_reject(*, actor: Any, request: PaymentRequest, note: str) -> PaymentRequest:
    """A different finance officer turns the request down, saying why."""
    _require(access.can_record_money(actor), _("Only finance officers can reject payments."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the payment is rejected."), code="note")
    request = _lock_request(request)
    _ensure_pending(request)
    _require_second_officer(
        actor, request, _("You requested this payment, so another finance officer must reject it.")
    )
    request.status = PaymentRequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="payment_request.reject",
        target=request,
        changes={"status": [PaymentRequestStatus.PENDING, request.status], "note": [None, note]},
    )
    return request


@transaction.atomic
def payment_request_cancel(*, actor: Any, request: PaymentRequest) -> PaymentRequest:
    """The requester withdraws the request while it waits. ``decided_by`` stays empty (four-eyes rule)."""
    request = _lock_request(request)
    if request.requested_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the person who requested a payment can cancel it."))
    _ensure_pending(request)
    request.status = PaymentRequestStatus.CANCELLED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action="payment_request.cancel",
        target=request,
        changes={"status": [PaymentRequestStatus.PENDING, request.status]},
    )
    return request


# --- Fund rules -----------------------------------------------------------------------------------

RULE_FIELDS = (
    "allowed_assets",
    "allows_conversion",
    "crypto_only",
    "target_new_investments_per_year",
    "instrument_rules",
)


def _rules_snapshot(fund: Fund) -> dict[str, Any]:
    return {
        "allowed_assets": sorted(fund.allowed_assets.values_list("code", flat=True)),
        "allows_conversion": fund.allows_conversion,
        "crypto_only": fund.crypto_only,
        "target_new_investments_per_year": fund.target_new_investments_per_year,
        "instrument_rules": {
            rule.instrument: [rule.min_amount, rule.max_amount]
            for rule in InstrumentRule.objects.filter(fund=fund).order_by("instrument")
        },
    }


def _ticket(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _clean_instrument_rules(raw: Any, errors: dict[str, list[str]]) -> dict[str, tuple[int, int]]:
    rules: dict[str, tuple[int, int]] = {}
    if not isinstance(raw, Mapping):
        errors["instrument_rules"] = [_("Give each instrument its smallest and largest ticket.")]
        return rules
    for instrument, bounds in raw.items():
        if instrument not in Instrument.values:
            errors.setdefault("instrument_rules", []).append(
                _("Unknown instrument: %(instrument)s.") % {"instrument": instrument}
            )
            continue
        label = Instrument(instrument).label
        low, high = (_ticket(bounds[0]), _ticket(bounds[1])) if len(bounds) == 2 else (None, None)
        if low is None or high is None:
            errors.setdefault("instrument_rules", []).append(
                _("%(instrument)s: tickets are whole, non-negative amounts in base units.")
                % {"instrument": label}
            )
        elif low > high:
            errors.setdefault("instrument_rules", []).append(
                _("%(instrument)s: the smallest ticket is larger than the largest.") % {"instrument": label}
            )
        else:
            rules[instrument] = (low, high)
    return rules


def _clean_assets(raw: Iterable[Asset | str], errors: dict[str, list[str]]) -> list[Asset]:
    assets: list[Asset] = []
    for item in raw:
        try:
            assets.append(_asset(item))
        except ValidationError as error:
            errors.setdefault("allowed_assets", []).extend(error.messages)
    if not assets and "allowed_assets" not in errors:
        errors["allowed_assets"] = [_("A fund must accept at least one asset.")]
    return assets


@transaction.atomic
def fund_rules_update(*, actor: Any, fund: Fund, data: Mapping[str, Any]) -> Fund:
    """A fund manager edits the fund's rules; the audit event holds every rule before and after.

    ``data`` may hold any of ``RULE_FIELDS``. ``allowed_assets`` is a list of assets (or codes);
    ``instrument_rules`` maps each instrument to ``(smallest, largest)`` ticket in base units of the
    reporting currency and replaces the fund's list (an instrument left out is no longer allowed).
    """
    if actor is not None:
        _require(access.can_edit_fund_rules(actor), _("Only fund managers can change a fund's rules."))
    unknown = sorted(set(data) - set(RULE_FIELDS))
    if unknown:
        raise ValidationError(_("Unknown rules: %(names)s.") % {"names": ", ".join(unknown)}, code="unknown")
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    before = _rules_snapshot(fund)
    errors: dict[str, list[str]] = {}
    crypto_only = bool(data.get("crypto_only", fund.crypto_only))
    allows_conversion = bool(data.get("allows_conversion", fund.allows_conversion))
    target = data.get("target_new_investments_per_year", fund.target_new_investments_per_year)
    if target is not None and _ticket(target) is None:
        errors["target_new_investments_per_year"] = [_("Enter a whole number, or leave it empty.")]
    if crypto_only and allows_conversion:
        errors["allows_conversion"] = [_("A crypto-only fund never converts between assets.")]
    assets = (
        _clean_assets(data["allowed_assets"], errors)
        if "allowed_assets" in data
        else list(fund.allowed_assets.all())
    )
    fiat = sorted(asset.code for asset in assets if not asset.is_crypto)
    if crypto_only and fiat:
        errors.setdefault("allowed_assets", []).append(
            _("A crypto-only fund accepts only crypto assets: remove %(codes)s.") % {"codes": ", ".join(fiat)}
        )
    if "allowed_assets" in data:
        kept = {asset.pk for asset in assets}
        for account in Account.objects.filter(fund=fund, type=AccountType.ASSET).select_related("asset"):
            if account.asset_id not in kept and account.balance:
                errors.setdefault("allowed_assets", []).append(
                    _("%(fund)s still holds %(amount)s %(asset)s, so it must keep accepting %(asset)s.")
                    % {
                        "fund": fund,
                        "amount": _shown(account.balance, account.asset),
                        "asset": account.asset.code,
                    }
                )
                break
    rules = _clean_instrument_rules(data["instrument_rules"], errors) if "instrument_rules" in data else None
    if errors:
        raise ValidationError(errors)
    fund.crypto_only, fund.allows_conversion = crypto_only, allows_conversion
    fund.target_new_investments_per_year = target
    fund.save(update_fields=["crypto_only", "allows_conversion", "target_new_investments_per_year"])
    if "allowed_assets" in data:
        fund.allowed_assets.set(assets)
    if rules is not None:
        InstrumentRule.objects.filter(fund=fund).exclude(instrument__in=rules).delete()
        for instrument, (low, high) in rules.items():
            InstrumentRule.objects.update_or_create(
                fund=fund, instrument=instrument, defaults={"min_amount": low, "max_amount": high}
            )
    changes = diff(before, _rules_snapshot(fund))
    if changes:
        audit_record(actor=actor, action="fund.rules_update", target=fund, changes=changes)
    return fund
