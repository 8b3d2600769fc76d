"""A fund's rules: allowed assets, conversion, crypto only, the yearly target and each instrument's
tickets. Every edit is audited with the rules before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record, diff
from seedbed.funds import access
from seedbed.funds.models import Account, AccountType, Asset, Fund, Instrument, InstrumentRule
from seedbed.funds.services.common import _asset, _require, _shown

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
