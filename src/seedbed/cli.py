"""The ``seedbed`` command: every Django management command, plus ``demo``, ``serve`` and ``worker``."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbed.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["seedbed", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
