from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from seedbed.portfolio.services import reports_remind


class Command(BaseCommand):
    help = (
        "E-mail the teams whose quarterly report is due within a week or overdue (the worker does it every "
        "morning). Each member gets their own e-mail; a report is reminded at most once a week."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = reports_remind()
        noun = "report" if reminded == 1 else "reports"
        self.stdout.write(f"{reminded} {noun} reminded.")
