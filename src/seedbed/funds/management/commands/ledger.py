"""``seedbed ledger verify``: recompute every balance from the postings and report any difference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seedbed.core.terminal import RichProgress
from seedbed.funds.ledger import ledger_verify
from seedbed.funds.models import Account, JournalEntry


class Command(BaseCommand):
    help = (
        "Check the ledger: `seedbed ledger verify` recomputes every running balance and day row from the"
        " postings, checks that every entry balances and is sealed, and exits non-zero on any difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_progress"]:
            problems = ledger_verify()
        else:
            with RichProgress("Verifying the ledger") as progress:
                problems = ledger_verify(progress=progress)
        if problems:
            for problem in problems:
                self.stdout.write(self.style.ERROR(f"{problem.what}: {problem.detail}"))
            raise CommandError(
                f"Ledger verification found {len(problems)} problem{'s' if len(problems) != 1 else ''}."
            )
        accounts = Account.objects.count()
        entries = JournalEntry.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Ledger verified: {accounts} accounts, {entries} entries, no differences")
        )
