from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seedbed.core.exports import FORMATS
from seedbed.core.models import User
from seedbed.core.selectors import OrganizationFilters
from seedbed.core.tasks import organization_export_write
from seedbed.core.terminal import RichProgress


class Command(BaseCommand):
    help = "Export the organizations (all, or filtered) to CSV or XLSX, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="file to write, e.g. organizations.xlsx")
        parser.add_argument("--format", choices=sorted(FORMATS), help="default: from the file name")
        parser.add_argument("--kind", default="")
        parser.add_argument("--country", default="", help="ISO alpha-2 code")
        parser.add_argument("--region", default="")
        parser.add_argument(
            "--as-user", default="", help="username whose access applies (default: an administrator)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        fmt = options["format"] or output.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError("Give --format csv or xlsx, or a file name ending in .csv or .xlsx.")
        user = (
            User.objects.filter(username=options["as_user"]).first()
            if options["as_user"]
            else User.objects.filter(role_grants__role="administrator").first()
        )
        if user is None:
            raise CommandError("No such user; pass --as-user USERNAME.")
        filters = OrganizationFilters.from_mapping(
            {"kind": options["kind"], "country": options["country"], "region": options["region"]}
        )
        with output.open("wb") as handle, RichProgress("Exporting organizations") as progress:
            count = organization_export_write(
                user=user, filters=filters, fmt=fmt, target=handle, progress=progress
            )
        self.stdout.write(f"{count} organizations written to {output}")
