from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from seedbed.core.demo_framework import load_all
from seedbed.core.terminal import RichProgress


class Command(BaseCommand):
    help = (
        "Migrate, collect static files, load the demo data of every part, then serve Seedbed with its "
        "worker at http://127.0.0.1:8000 (Ctrl-C stops both)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="only migrate and load the demo data")
        parser.add_argument("--bind", default=os.environ.get("SEEDBED_BIND", "127.0.0.1:8000"))

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        console.print(f"[bold]Seedbed demo[/bold] — data in {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        logins = load_all(RichProgress)
        url = f"http://{options['bind']}"
        table = Table(title=f"Demo logins (password for all: seedbed-demo) — {url}")
        for column in ("role", "username", "second factor"):
            table.add_column(column)
        for row in logins:
            table.add_row(*row)
        console.print(table)
        console.print(
            "Finance officers and administrators sign in with a six-digit code: add the secret above to any "
            "authenticator app, or run `oathtool --totp -b SECRET`."
        )
        if options["no_serve"]:
            return
        console.print(f"[bold green]Serving Seedbed at {url}[/bold green] with its background worker. Ctrl-C stops.")
        worker = subprocess.Popen([sys.executable, "-m", "seedbed.cli", "worker"])  # noqa: S603
        try:
            from seedbed.core.management.commands.serve import run_gunicorn

            run_gunicorn(bind=options["bind"], workers=2)
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
