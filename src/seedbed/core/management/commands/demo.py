from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
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
        parser.add_argument(
            "--code",
            metavar="USERNAME",
            help="print the current six-digit code of a demo user's demo authenticator, then stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing to load demo data: SEEDBED_PRODUCTION=1. The demo users have a published password "
                "and second-factor secrets."
            )
        console = Console()
        if options["code"]:
            console.print(demo_code(options["code"]))
            return
        console.print(f"[bold]Seedbed demo[/bold] — data in {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        logins = load_all(RichProgress)
        url = f"http://{options['bind']}"
        table = Table(title=f"Demo logins (password for all: seedbed-demo) — {url}")
        for column in ("role", "username", "notes"):
            table.add_column(column)
        for row in logins:
            table.add_row(*row)
        console.print(table)
        console.print(
            "Finance officers and administrators also need a six-digit code: add the secret above to an "
            "authenticator app, or run `seedbed demo --code finance` for the current one."
        )
        if options["no_serve"]:
            return
        console.print(
            f"[bold green]Serving Seedbed at {url}[/bold green] with its background worker. Ctrl-C stops."
        )
        worker = subprocess.Popen([sys.executable, "-m", "seedbed.cli", "worker"])
        try:
            from seedbed.core.management.commands.serve import run_gunicorn

            run_gunicorn(bind=options["bind"], workers=2)
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()


def demo_code(username: str) -> str:
    """The current code of a demo user's "Demo authenticator". Its key is published, so this leaks nothing."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(
        user__username=username, name="Demo authenticator", confirmed=True
    ).first()
    if device is None:
        raise CommandError(
            f"{username!r} has no demo authenticator; only demo finance officers and admins do."
        )
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
