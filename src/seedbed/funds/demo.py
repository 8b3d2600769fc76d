"""Demo data of the funds part: three funds, donors' contributions 2016–2021, daily ETH/BTC prices, and a
few payment requests waiting for a second finance officer.

Facts from the seed: the Venture Fund was launched in 2016 and held USD 35M plus 2267 ETH and 8 BTC in
2021 (here: USD 35M in the Venture Fund, the crypto in the CryptoFund, which takes only crypto); the
Acceleration Fund makes USD 200–400K grants to Venture Fund graduates; the Venture Fund's tickets are
USD 50–100K and it aims at 30 new investments a year. Everything else (who gave how much and when, the
prices) is generated from a fixed seed and marked as sample data.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.db import transaction

from seedbed.core.jobs import Progress
from seedbed.core.models import Organization
from seedbed.funds import services
from seedbed.funds.assets import assets_sync
from seedbed.funds.models import Asset, Fund, FundKind
from seedbed.funds.prices import prices_import_csv

USD_CENTS = 100
WEI = 10**18
SATOSHI = 10**8

# Who gave to the Venture Fund (organizations the directory's demo already has).
VENTURE_DONORS = ["Government of Norway", "Norad", "Google", "IBM", "Arm", "Amadeus", "Telefonica"]
CRYPTO_DONORS = ["Google", "Facebook (Meta)", "IBM"]
ACCELERATION_DONORS = ["Government of Norway", "Johnson & Johnson", "Pfizer"]


def _fund(*, name: str, slug: str, kind: str, usd: Asset, launched: dt.date, description: str) -> Fund:
    fund, _created = Fund.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "reporting_asset": usd,
            "launched_on": launched,
            "description": description,
            "is_sample": False,
        },
    )
    return fund


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` positive integers that add up exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    amounts = [int(total * weight / scale) for weight in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def _prices_csv(rng: random.Random) -> str:
    """Daily sample prices of ETH and BTC in USD from 2016 to 2021: a random walk, clearly not market data."""
    lines = ["asset,quote,as_of,price"]
    for code, start in (("ETH", Decimal("10")), ("BTC", Decimal("430"))):
        price = start
        day = dt.date(2016, 1, 1)
        while day <= dt.date(2021, 12, 31):
            lines.append(f"{code},USD,{day.isoformat()},{price:.2f}")
            drift = Decimal(str(round(rng.gauss(0.0012, 0.035), 6)))
            price = max(Decimal("1.00"), (price * (1 + drift)).quantize(Decimal("0.01")))
            day += dt.timedelta(days=1)
    return "\n".join(lines) + "\n"


@transaction.atomic
def load(*, progress: Progress) -> list[tuple[str, str, str]]:
    progress.start(6, "Funds")
    assets_sync(actor=None)
    usd, eth, btc = (Asset.objects.get(code=code) for code in ("USD", "ETH", "BTC"))
    progress.advance()

    if Fund.objects.filter(slug="venture-fund").exists():
        progress.advance(5)
        return []
    venture = _fund(
        name="UNICEF Venture Fund",
        slug="venture-fund",
        kind=FundKind.VENTURE,
        usd=usd,
        launched=dt.date(2016, 1, 1),
        description="Equity-free investments of USD 50–100K in open-source solutions by UNICEF country "
        "offices and companies in UNICEF programme countries.",
    )
    acceleration = _fund(
        name="Acceleration Fund",
        slug="acceleration-fund",
        kind=FundKind.ACCELERATION,
        usd=usd,
        launched=dt.date(2021, 1, 1),
        description="USD 200–400K grants to start-ups graduating from the Venture Fund.",
    )
    crypto = _fund(
        name="CryptoFund",
        slug="cryptofund",
        kind=FundKind.CRYPTO,
        usd=usd,
        launched=dt.date(2019, 10, 1),
        description="Receives and disburses donations exclusively in cryptocurrency, never converted.",
    )
    services.fund_rules_update(
        actor=None,
        fund=venture,
        data={
            "allowed_assets": [usd],
            "target_new_investments_per_year": 30,
            "instrument_rules": {"grant": (50_000 * USD_CENTS, 100_000 * USD_CENTS)},
        },
    )
    services.fund_rules_update(
        actor=None,
        fund=acceleration,
        data={
            "allowed_assets": [usd],
            "instrument_rules": {"grant": (200_000 * USD_CENTS, 400_000 * USD_CENTS)},
        },
    )
    services.fund_rules_update(
        actor=None,
        fund=crypto,
        data={"allowed_assets": [eth, btc], "crypto_only": True, "allows_conversion": False},
    )
    progress.advance()

    rng = random.Random(2016)  # noqa: S311 -- reproducible sample data, not security
    names = {*VENTURE_DONORS, *CRYPTO_DONORS, *ACCELERATION_DONORS}
    donors = {org.name: org for org in Organization.objects.filter(name__in=names)}

    def give(fund: Fund, names: list[str], asset: Asset, total: int, years: range) -> None:
        present = [donors[name] for name in names if name in donors]
        for year, year_total in zip(years, _split(total, len(years), rng), strict=True):
            for donor, amount in zip(present, _split(year_total, len(present), rng), strict=True):
                services.donation_record(
                    actor=None,
                    fund=fund,
                    donor=donor,
                    asset=asset,
                    amount=amount,
                    effective_date=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    memo=f"Sample contribution {year}",
                    is_sample=True,
                )

    # Balances at the end of 2021 match the seed: USD 35M; 2267 ETH and 8 BTC.
    give(venture, VENTURE_DONORS, usd, 35_000_000 * USD_CENTS, range(2016, 2022))
    give(crypto, CRYPTO_DONORS, eth, 2267 * WEI, range(2019, 2022))
    give(crypto, CRYPTO_DONORS, btc, 8 * SATOSHI, range(2019, 2022))
    give(acceleration, ACCELERATION_DONORS, usd, 2_400_000 * USD_CENTS, range(2021, 2022))
    progress.advance()

    result = prices_import_csv(
        actor=None,
        file=io.StringIO(_prices_csv(rng)),
        source="sample (generated random walk)",
        is_sample=True,
    )
    if result.errors:
        raise RuntimeError(f"demo prices did not load: {result.errors[:3]}")
    progress.advance()

    # Payments to grantees are the portfolio's demo: tranches released and approved through payment
    # requests, two of them left waiting for a second finance officer.
    progress.advance()
    progress.advance()
    return []
