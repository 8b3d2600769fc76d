"""Assets, funds and accounts for the ledger tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from seedbed.funds.ledger import account_for
from seedbed.funds.models import Account, AccountType, Asset, Fund


@dataclass
class Books:
    usd: Asset
    eth: Asset
    btc: Asset
    venture: Fund
    crypto: Fund
    cash_usd: Account
    income_usd: Account
    cash_eth: Account
    income_eth: Account
    crypto_eth: Account
    crypto_income_eth: Account
    crypto_btc: Account


@pytest.fixture
def books(db) -> Books:
    usd = Asset.objects.create(code="USD", name="US dollar", kind="fiat", decimals=2)
    eth = Asset.objects.create(code="ETH", name="Ether", kind="native", decimals=18, chain="ethereum")
    btc = Asset.objects.create(code="BTC", name="Bitcoin", kind="native", decimals=8, chain="bitcoin")
    venture = Fund.objects.create(name="Venture Fund", slug="venture", kind="venture", reporting_asset=usd)
    venture.allowed_assets.set([usd, eth, btc])
    crypto = Fund.objects.create(
        name="CryptoFund",
        slug="crypto",
        kind="crypto",
        reporting_asset=usd,
        crypto_only=True,
        allows_conversion=False,
    )
    crypto.allowed_assets.set([eth, btc])
    return Books(
        usd=usd,
        eth=eth,
        btc=btc,
        venture=venture,
        crypto=crypto,
        cash_usd=account_for(fund=venture, type=AccountType.ASSET, asset=usd, purpose="cash"),
        income_usd=account_for(fund=venture, type=AccountType.INCOME, asset=usd, purpose="donations"),
        cash_eth=account_for(fund=venture, type=AccountType.ASSET, asset=eth, purpose="wallet"),
        income_eth=account_for(fund=venture, type=AccountType.INCOME, asset=eth, purpose="donations"),
        crypto_eth=account_for(fund=crypto, type=AccountType.ASSET, asset=eth, purpose="wallet"),
        crypto_income_eth=account_for(fund=crypto, type=AccountType.INCOME, asset=eth, purpose="donations"),
        crypto_btc=account_for(fund=crypto, type=AccountType.ASSET, asset=btc, purpose="wallet"),
    )
