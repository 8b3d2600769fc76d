"""Reference assets: every ISO 4217 currency plus ETH, BTC and USDC, synced idempotently."""

import io

import pytest
from django.core.management import call_command
from iso4217 import Currency

from seedbed.core.models import AuditEvent
from seedbed.funds.assets import assets_decimals_conflicts, assets_sync
from seedbed.funds.models import Asset

pytestmark = pytest.mark.django_db

CURRENCIES_WITH_DECIMALS = sum(1 for currency in Currency if currency.exponent is not None)


def test_sync_creates_every_iso_currency_and_the_crypto_assets():
    assert CURRENCIES_WITH_DECIMALS > 150

    changed = assets_sync(actor=None)

    assert changed == CURRENCIES_WITH_DECIMALS + 3
    assert Asset.objects.count() == changed
    assert Asset.objects.filter(kind="fiat").count() == CURRENCIES_WITH_DECIMALS
    decimals = dict(Asset.objects.values_list("code", "decimals"))
    assert (decimals["USD"], decimals["EUR"], decimals["JPY"], decimals["BHD"], decimals["CLF"]) == (
        2,
        2,
        0,
        3,
        4,
    )
    usd = Asset.objects.get(code="USD")
    assert (usd.name, usd.kind, usd.chain, usd.contract_address, usd.is_crypto) == (
        "US Dollar",
        "fiat",
        "",
        "",
        False,
    )
    # Units of account and precious metals have no minor unit: not assets we can count in.
    assert not Asset.objects.filter(code__in=["XAU", "XDR", "XXX", "XTS"]).exists()


def test_sync_seeds_eth_btc_and_usdc():
    assets_sync(actor=None)
    crypto = {
        asset.code: (asset.kind, asset.decimals, asset.chain, asset.contract_address)
        for asset in Asset.objects.exclude(kind="fiat")
    }
    assert crypto == {
        "ETH": ("native", 18, "ethereum", ""),
        "BTC": ("native", 8, "bitcoin", ""),
        "USDC": ("token", 6, "ethereum", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
    }


def test_sync_is_idempotent_and_audited_once():
    assets_sync(actor=None)
    snapshot = list(Asset.objects.order_by("code").values())

    assert assets_sync(actor=None) == 0

    assert list(Asset.objects.order_by("code").values()) == snapshot
    events = AuditEvent.objects.filter(action="assets.sync")
    assert events.count() == 1
    assert events.get().changes == {"assets_changed": [None, CURRENCIES_WITH_DECIMALS + 3]}


def test_sync_repairs_names_and_keeps_existing_assets_and_their_ids(books):
    usd_id = books.usd.pk
    Asset.objects.filter(code="USD").update(name="Dollar", is_active=False)

    changed = assets_sync(actor=None)

    # USD, ETH and BTC existed (from the fixture): all the others are created, and only USD changes.
    assert changed == (CURRENCIES_WITH_DECIMALS + 3 - 3) + 1
    usd = Asset.objects.get(code="USD")
    assert (usd.pk, usd.name, usd.is_active) == (usd_id, "US Dollar", False)  # activity is the users' call
    assert Asset.objects.get(code="ETH").name == "Ether"
    assert assets_sync(actor=None) == 0


def test_sync_never_changes_the_decimals_of_an_existing_asset(books, caplog):
    # Amounts are in base units: changing decimals would rescale every recorded amount.
    Asset.objects.filter(pk=books.btc.pk).update(decimals=6)

    assets_sync(actor=None)

    assert Asset.objects.get(code="BTC").decimals == 6
    assert assets_decimals_conflicts() == ["BTC: 6 decimals here, 8 in the reference"]
    assert "BTC" in caplog.text
    event = AuditEvent.objects.get(action="assets.sync")
    assert event.changes["decimals_left_unchanged"] == [None, ["BTC"]]


def test_command_reports_counts_and_conflicts():
    first, second, errors = io.StringIO(), io.StringIO(), io.StringIO()
    total = CURRENCIES_WITH_DECIMALS + 3

    call_command("assets", "sync", stdout=first)
    Asset.objects.filter(code="ETH").update(decimals=9)
    call_command("assets", "sync", stdout=second, stderr=errors)

    assert first.getvalue().strip() == f"{total} assets, {total} created or updated."
    assert second.getvalue().strip() == f"{total} assets, 0 created or updated."
    assert "ETH: 9 decimals here, 18 in the reference" in errors.getvalue()
