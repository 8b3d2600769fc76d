"""What the services share: the accounts of the chart (see the package's docstring) and the checks
every service makes before it posts (who records, which asset and amount, the date, the fund's rules,
enough holdings, a reference recorded once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.models import Organization
from seedbed.funds import access
from seedbed.funds.ledger import Line, account_for, balance_at, entry_post
from seedbed.funds.models import Account, AccountDay, AccountType, Asset, Fund, JournalEntry
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


# Which input a service's message is about, by its error code: pages put it on that form field, the API
# under that key of its 422 (both may rename, e.g. "counterparty" to "donor").
ERROR_FIELDS = {
    "asset_not_allowed": "asset",
    "crypto_only": "asset",
    "unknown_asset": "asset",
    "not_positive": "amount",
    "amount_type": "amount",
    "insufficient_funds": "amount",
    "exceeds_pledge": "amount",
    "exceeds_contribution": "amount",
    "to_fund": "to_fund",
    "counterparty": "counterparty",
    "memo": "memo",
    "kind": "kind",
    "date": "effective_date",
    "future": "effective_date",
    "note": "note",
    "duplicate_reference": "external_ref",
}


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


def _date(value: Any, *, happened: bool = True) -> dt.date:
    """A movement's effective date. One that ``happened`` (recorded after the fact) is not in the future."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(_("Enter the effective date."), code="date")
    if happened and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
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


def _movement_inputs(
    *, actor: Any, fund: Fund, counterparty: Any, missing: str, asset: Any, amount: Any, effective_date: Any
) -> tuple[Organization, Asset, int, dt.date]:
    """The checks every recorded movement starts with: who records, with whom, what, how much, when."""
    _require_recorder(actor)
    counterparty = _organization(counterparty, missing)
    asset, amount, effective_date = _asset(asset), _amount(amount), _date(effective_date)
    fund_accepts(fund, asset)
    return counterparty, asset, amount, effective_date


def _post_pair(
    *,
    actor: Any,
    fund: Fund,
    kind: str,
    debit: Account,
    credit: Account,
    amount: int,
    effective_date: dt.date,
    counterparty: Organization,
    memo: str,
    external_ref: str,
    cause: models.Model | None,
    is_sample: bool,
    check: Callable[[], None] | None = None,
) -> JournalEntry:
    """Move ``amount`` from ``credit`` to ``debit`` in one entry, once per external reference.

    Both accounts are locked first, so ``check`` reads balances nobody else can move before the posting.
    """
    _lock(debit, credit)
    _ensure_new_reference(fund, kind, external_ref)
    if check is not None:
        check()
    return entry_post(
        actor=actor,
        fund=fund,
        kind=kind,
        effective_date=effective_date,
        lines=[Line(debit, amount), Line(credit, -amount)],
        memo=memo,
        counterparty=counterparty,
        cause=cause,
        external_ref=external_ref,
        is_sample=is_sample,
    )
