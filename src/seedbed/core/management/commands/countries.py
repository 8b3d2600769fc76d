from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from seedbed.core.models import Country
from seedbed.core.services import countries_sync


class Command(BaseCommand):
    help = "Load or refresh every ISO 3166-1 country with its UNICEF region: `seedbed countries sync`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args: Any, **options: Any) -> None:
        changed = countries_sync(actor=None)
        self.stdout.write(f"{Country.objects.count()} countries, {changed} created or updated.")
