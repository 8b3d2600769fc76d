from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Seedbed with gunicorn (static files by whitenoise). Run `seedbed worker` beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("SEEDBED_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SEEDBED_WEB_WORKERS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        run_gunicorn(bind=options["bind"], workers=options["workers"])


def run_gunicorn(*, bind: str, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from seedbed.wsgi import application

    class SeedbedApplication(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set("forwarded_allow_ips", os.environ.get("SEEDBED_FORWARDED_ALLOW_IPS", "127.0.0.1"))

        def load(self) -> Any:
            return application

    SeedbedApplication().run()
