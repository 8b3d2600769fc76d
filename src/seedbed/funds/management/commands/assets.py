from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from seedbed.funds.assets import assets_decimals_conflicts, assets_sync
from seedbed.funds.models import Asset


class Command(BaseCommand):
    help = "Load or refresh every ISO 4217 currency and ETH, BTC and USDC: `seedbed assets sync`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args: Any, **options: Any) -> None:
        changed = assets_sync(actor=None)
        self.stdout.write(f"{Asset.objects.count()} assets, {changed} created or updated.")
        for conflict in assets_decimals_conflicts():
            self.stderr.write(f"Decimals left unchanged (amounts are stored in base units): {conflict}")
