"""What the page benchmarks that grow a table share (``assessment.py``, ``portfolio.py``): a throwaway
database, Django set up to render pages without collectstatic, and the round-robin timing of a list of
pages at each size, printed with ratios to /healthz and to the first size.

A benchmark gives ``main`` its own ``World`` (``grow_to(size)``, ``manager`` to sign in as) and the pages
to time once the world exists. Uses a throwaway SQLite database in a temporary folder, or, when
DATABASE_URL points at PostgreSQL, a throwaway ``test_<name>`` database on that server (created and dropped
here; the named one is untouched; ANALYZE runs after each growth, as autovacuum would).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any


def main(
    *,
    doc: str | None,
    default_sizes: str,
    unit: str,
    name: str,
    world: Callable[[], Any],
    pages: Callable[[Any], list[tuple[str, str]]],
    describe: Callable[[Any, int], str],
) -> None:
    """Parse ``--sizes``, ``--rounds``, ``--page-seconds``; build the throwaway database; time ``pages``
    at each size. ``describe(world, size)`` says what the world holds at that size."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument("--sizes", default=default_sizes, help=f"{unit}, growing; the first is the base")
    parser.add_argument("--rounds", type=int, default=15, help="timed requests per page and size")
    parser.add_argument(
        "--page-seconds", type=float, default=6.0, help="time budget per page and size (at least 3 rounds)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if sizes != sorted(set(sizes)) or sizes[0] < 1:
        parser.error(f"--sizes must grow, e.g. {default_sizes}")

    data_dir = tempfile.mkdtemp(prefix=f"seedbed-bench-{name}-")
    os.environ["SEEDBED_DATA_DIR"] = data_dir  # never the user's own SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbed.settings")
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files by name: no collectstatic (and no node_modules) needed to render the pages.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    postgres = connection.vendor == "postgresql"
    original_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    try:
        if postgres:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        else:
            call_command("migrate", verbosity=0)
        _run(args, sizes, postgres, name=name, unit=unit, world=world(), pages=pages, describe=describe)
    finally:
        if postgres:
            connection.creation.destroy_test_db(original_name, verbosity=0)
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"Done in {time.perf_counter() - started:.0f} s.")


def _run(
    args: argparse.Namespace,
    sizes: list[int],
    postgres: bool,
    *,
    name: str,
    unit: str,
    world: Any,
    pages: Callable[[Any], list[tuple[str, str]]],
    describe: Callable[[Any, int], str],
) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(world.manager, backend="django.contrib.auth.backends.ModelBackend")
    world.grow_to(sizes[0])
    timed = [("/healthz", "/healthz"), *pages(world)]

    def medians() -> dict[str, tuple[float, int]]:
        """Round-robin over the pages, so that a busy moment of the machine slows them all alike."""
        samples: dict[str, list[float]] = {label: [] for label, _path in timed}
        for _label, path in timed:
            response = client.get(path)  # warm up
            assert response.status_code == 200, (path, response.status_code)
        deadline = time.perf_counter() + args.page_seconds * len(timed)
        for done in range(args.rounds):
            if done >= 3 and time.perf_counter() > deadline:
                break
            for label, path in timed:
                start = time.perf_counter()
                response = client.get(path)
                samples[label].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
        return {label: (statistics.median(values), len(values)) for label, values in samples.items()}

    engine = "postgresql" if postgres else "sqlite"
    print(
        f"{name.capitalize()} pages on {engine}: median of up to {args.rounds} requests per page "
        f"(in process, test Client, signed in as a fund manager). Ratios: × /healthz at the same size; "
        f"× first: the same page at {sizes[0]:,} {unit}.",
        flush=True,
    )
    first: dict[str, float] = {}
    for size in sizes:
        built = time.perf_counter()
        world.grow_to(size)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"\n{describe(world, size)} (built in {time.perf_counter() - built:.1f} s)")
        print(f"{'page':36} {'median ms':>10} {'rounds':>6} {'× /healthz':>11} {'× first':>8}")
        results = medians()
        healthz = results["/healthz"][0]
        for label, (value, rounds) in results.items():
            first.setdefault(label, value)
            print(f"{label:36} {value:10.2f} {rounds:6d} {value / healthz:11.1f} {value / first[label]:8.2f}")
        sys.stdout.flush()
