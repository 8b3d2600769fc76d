"""Reference assets: every ISO 4217 currency, and the crypto assets the funds hold (ETH, BTC, USDC).

``assets_sync`` creates missing assets and brings names and kinds up to date. It never changes the
``decimals`` of an asset that already exists: amounts are stored in base units, so a new number of
decimals would silently rescale every amount already recorded. Such a difference is reported (a warning
in the log, in the sync's audit event when it changed anything, and by ``assets_decimals_conflicts``)
for a person to resolve with a data migration.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from iso4217 import Currency

from seedbed.core.audit import audit_record
from seedbed.funds.models import Asset, AssetKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssetSpec:
    code: str
    name: str
    kind: str
    decimals: int
    chain: str = ""
    contract_address: str = ""


CRYPTO_ASSETS = (
    AssetSpec("ETH", "Ether", AssetKind.NATIVE, 18, chain="ethereum"),
    AssetSpec("BTC", "Bitcoin", AssetKind.NATIVE, 8, chain="bitcoin"),
    AssetSpec(
        "USDC",
        "USD Coin",
        AssetKind.TOKEN,
        6,
        chain="ethereum",
        contract_address="0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    ),
)


def reference_assets() -> list[AssetSpec]:
    """Every ISO 4217 currency with minor units (not XAU, XDR and the like), then the crypto assets."""
    currencies = [
        AssetSpec(currency.code, currency.currency_name, AssetKind.FIAT, currency.exponent)
        for currency in Currency
        if currency.exponent is not None
    ]
    return sorted(currencies, key=lambda spec: spec.code) + list(CRYPTO_ASSETS)


def assets_decimals_conflicts() -> list[str]:
    """Assets whose decimals differ from the reference list, one readable line each."""
    reference = {spec.code: spec for spec in reference_assets()}
    return [
        f"{asset.code}: {asset.decimals} decimals here, {reference[asset.code].decimals} in the reference"
        for asset in Asset.objects.filter(code__in=reference).order_by("code")
        if asset.decimals != reference[asset.code].decimals
    ]


@transaction.atomic
def assets_sync(*, actor: Any) -> int:
    """Create or update every reference asset. Idempotent; returns how many were created or updated."""
    existing = {asset.code: asset for asset in Asset.objects.select_for_update()}
    created: list[Asset] = []
    updated = 0
    conflicts: list[str] = []
    for spec in reference_assets():
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "chain": spec.chain,
            "contract_address": spec.contract_address,
        }
        asset = existing.get(spec.code)
        if asset is None:
            created.append(Asset(code=spec.code, decimals=spec.decimals, **values))
            continue
        if asset.decimals != spec.decimals:
            conflicts.append(spec.code)
        changed = [name for name, value in values.items() if getattr(asset, name) != value]
        if changed:
            for name in changed:
                setattr(asset, name, values[name])
            asset.full_clean(validate_unique=False)
            asset.save(update_fields=changed)
            updated += 1
    Asset.objects.bulk_create(created)
    count = len(created) + updated
    for code in conflicts:
        logger.warning("asset %s: decimals differ from ISO 4217 / the reference list; left unchanged", code)
    if count:
        changes: dict[str, Any] = {"assets_changed": [None, count]}
        if conflicts:
            changes["decimals_left_unchanged"] = [None, conflicts]
        audit_record(actor=actor, action="assets.sync", changes=changes)
    return count
