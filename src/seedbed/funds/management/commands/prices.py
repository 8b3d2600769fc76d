"""``seedbed prices import FILE --source NAME``: import prices from CSV, all the file or nothing."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from seedbed.funds.prices import prices_import_csv


class Command(BaseCommand):
    help = (
        "Import prices: `seedbed prices import FILE --source NAME` reads CSV with the columns"
        " asset,quote,as_of,price (as_of an ISO date, meaning 00:00 UTC, or date-time). Nothing is imported"
        " when any row is wrong; every wrong row is listed and the command exits non-zero. Prices already"
        " recorded with the same value are skipped, so rerunning a file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", help="the CSV file (UTF-8), or - for standard input")
        parser.add_argument("--source", required=True, help="where the prices come from, e.g. a data vendor")
        parser.add_argument("--sample", action="store_true", help="label the prices as sample data")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            if path == "-":
                result = self._import(sys.stdin, options)
            else:
                with open(path, encoding="utf-8-sig", newline="") as handle:
                    result = self._import(handle, options)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if result.errors:
            for row_error in result.errors:
                self.stderr.write(str(row_error))
            count = len(result.errors)
            raise CommandError(
                f"{count} row{'s' if count != 1 else ''} with errors in {path}; nothing was imported."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} prices imported, {result.skipped} already recorded"
                f" ({result.rows} rows read)."
            )
        )

    def _import(self, handle: Any, options: dict[str, Any]) -> Any:
        return prices_import_csv(
            actor=None, file=handle, source=options["source"], is_sample=options["sample"]
        )
