from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from seedbed.dpg.registry import BUNDLE_PATH, registry_import


class Command(BaseCommand):
    help = (
        "The Digital Public Goods Alliance's registry. `dpga import` imports or refreshes it from the copy "
        "Seedbed ships; `dpga import <folder>` from a folder in the published format (or a bundle file)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{import}")
        imports = subcommands.add_parser(
            "import",
            help="import the registry in its published format (nominees/*.json, digitalpublicgoods/*.json)",
        )
        imports.add_argument(
            "folder",
            type=Path,
            nargs="?",
            default=None,
            help=f"the registry folder (holding nominees/), or a bundle file; by default {BUNDLE_PATH.name}, "
            "the copy Seedbed ships",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self.import_registry(options["folder"], verbosity=options["verbosity"])

    def import_registry(self, folder: Path | None, *, verbosity: int) -> None:
        if folder is not None and not folder.exists():
            raise CommandError(_("No such folder: %(folder)s") % {"folder": folder})
        result = registry_import(folder)
        for error in result.errors:
            self.stderr.write(error)
        if verbosity:
            self.stdout.write(
                _(
                    "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(errors)d errors; "
                    "%(matched)d matched to solutions, %(statuses)d DPG statuses set (%(seconds).1f s)."
                )
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "errors": len(result.errors),
                    "matched": result.matched,
                    "statuses": result.statuses_set,
                    "seconds": result.seconds,
                }
            )
        if result.errors:
            raise CommandError(
                _("The import found %(count)d errors (listed above).") % {"count": len(result.errors)}
            )
