from __future__ import annotations

import io
import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from seedbed.dpg.scanner.fetch import FetchError
from seedbed.dpg.scanner.run import scan_source

STYLES = {"pass": "green", "fail": "red", "warning": "yellow", "n/a": "dim"}


class Command(BaseCommand):
    help = (
        "Scan a repository (an https:// address, a local folder, or a bare repository) for open-source and "
        "DPG readiness and print the report as a table, or as JSON with --json. Nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="https://… address, local folder or bare repository")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = scan_source(
                options["source"],
                cache_dir=settings.SEEDBED_SCAN_CACHE,
                cli=True,
                timeout=settings.SEEDBED_SCAN_TIMEOUT,
                max_mb=settings.SEEDBED_SCAN_MAX_MB,
            )
        except FetchError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
            return
        # rich writes in pieces, and Django's OutputWrapper would end each piece with a newline.
        buffer = io.StringIO()
        console = Console(file=buffer, width=120, force_terminal=False)
        counts = report.counts()
        table = Table(
            title=f"{report.source}" + (f" @ {report.commit[:12]}" if report.commit else ""),
            caption=(
                f"licence: {report.licence or '—'} · {counts['pass']} passed, {counts['fail']} failed, "
                f"{counts['warning']} warnings, {counts['n/a']} not applicable · {report.seconds:.2f} s"
            ),
        )
        table.add_column("check")
        table.add_column("result")
        table.add_column("what was found")
        table.add_column("evidence")
        for check in report.checks:
            evidence = ", ".join(
                f"{item.path}:{item.line}" if item.line else item.path for item in check.evidence[:3]
            )
            style = STYLES.get(str(check.status), "")
            table.add_row(check.key, f"[{style}]{check.status}[/{style}]", check.message, evidence)
        console.print(table)
        self.stdout.write(buffer.getvalue(), ending="")
