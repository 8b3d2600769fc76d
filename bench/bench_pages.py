"""Page and API list speed against a bare endpoint, measured in the same run.

    .venv/bin/python bench/bench_pages.py [--organizations 2000] [--rounds 30]

Prints the median time of each page and its ratio to /healthz (one trivial query), for a directory of
N organizations. Lists are paginated, so the ratios should stay flat as N grows: run it with two sizes to
see that. Uses a throwaway SQLite database (or DATABASE_URL if set).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="seedbed-bench-")
    os.environ.setdefault("SEEDBED_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbed.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from seedbed.core import services
    from seedbed.core.models import Country, Organization

    services.countries_sync(actor=None)
    countries = list(Country.objects.filter(programme_country=True))
    Organization.objects.bulk_create(
        Organization(
            name=f"Bench organization {n:06d}",
            slug=f"bench-{n:06d}",
            kind="startup" if n % 3 else "country_office",
            country=countries[n % len(countries)],
            is_sample=True,
        )
        for n in range(args.organizations)
    )
    manager = services.user_create(
        actor=None, username="bench", email="bench@example.org", password=None, roles=["fund_manager"]
    )
    client = Client()
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")

    def median_ms(path: str) -> float:
        client.get(path)  # warm up
        samples = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        return statistics.median(samples)

    baseline = median_ms("/healthz")
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{args.organizations} organizations, {args.rounds} rounds, database {engine}")
    print(f"{'page':55} {'median ms':>10} {'× /healthz':>11}")
    print(f"{'/healthz (baseline)':55} {baseline:10.2f} {1.0:11.1f}")
    for path in [
        "/organizations/",
        "/organizations/?kind=startup&region=ESAR&sort=-name",
        "/organizations/?q=0001",
        "/countries/",
        "/api/organizations",
        "/api/countries",
        f"/organizations/{Organization.objects.first().slug}/",  # type: ignore[union-attr]
    ]:
        value = median_ms(path)
        print(f"{path:55} {value:10.2f} {value / baseline:11.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
