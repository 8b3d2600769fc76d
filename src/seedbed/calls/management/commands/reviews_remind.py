from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from seedbed.calls.services import reviews_remind


class Command(BaseCommand):
    help = (
        "E-mail reviewers about their reviews due soon, once (the worker does it every hour). Each reviewer "
        "gets one e-mail; a review is reminded once per stage deadline."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reviews_remind()
        noun = "reminder" if sent == 1 else "reminders"
        self.stdout.write(f"{sent} {noun} sent (one e-mail per reviewer).")
