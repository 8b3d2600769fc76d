"""Django's flush, with the database guards of immutable records off while it empties the tables."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from seedbed.core.db.guards import guards_disabled


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with guards_disabled():
            super().handle(**options)
