"""Platform guarantees: migrations, deployment checks, security headers, request ids, reference data, i18n."""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from seedbed.core.models import AuditEvent, Country, Organization
from tests.core.helpers import make_organization, scripts_of, text

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


# --- Migrations and deployment -------------------------------------------------------------------------


def test_no_model_change_is_missing_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # raised when a migration is missing
        pytest.fail(
            f"makemigrations found changes without a migration (exit {exit_.code}):\n{out.getvalue()}"
        )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("SEEDBED_", "DJANGO_", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_")
        )
    }
    env.update(
        {
            "SEEDBED_PRODUCTION": "1",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "seedbed.example.org",
            "SEEDBED_DATA_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "seedbed.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SEEDBED_", "SECRET_KEY"))}
    env.update({"SEEDBED_PRODUCTION": "1", "SEEDBED_DATA_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "seedbed.cli", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


# --- Content-Security-Policy and inline scripts ----------------------------------------------------------


def _directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def pages(personas, client_for, countries) -> list[tuple[Client, str]]:
    organization = make_organization("Kijani Agritech", "startup", "KE")
    manager = client_for(personas["fund_manager"])
    admin = client_for(personas["administrator"])
    setup_client = Client()
    setup_client.force_login(personas["finance_officer"], backend="django.contrib.auth.backends.ModelBackend")
    return [
        (Client(), "/"),
        (Client(), "/accounts/login/"),
        (Client(), "/accounts/password/reset/"),
        (Client(), "/invitations/accept/not-a-token/"),
        (Client(), "/accounts/signup/"),
        (Client(), "/accounts/signup/sent/"),
        (Client(), "/accounts/verify/MQ/not-a-token/"),
        (manager, "/"),
        (manager, "/countries/"),
        (manager, "/countries/KE/"),
        (manager, "/organizations/"),
        (manager, f"/organizations/{organization.slug}/"),
        (manager, f"/organizations/{organization.slug}/edit/"),
        (manager, f"/organizations/{organization.slug}/activity/"),
        (manager, "/organizations/new/"),
        (manager, "/invitations/"),
        (manager, "/accounts/tokens/"),
        (manager, "/accounts/password/change/"),
        (manager, "/accounts/welcome/"),
        (admin, "/audit/"),
        (admin, "/accounts/two-factor/verify/"),
        (setup_client, "/accounts/two-factor/setup/"),
        (manager, "/organizations/does-not-exist/"),
    ]


def test_every_page_has_a_strict_csp_and_no_inline_script(pages):
    for client, url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        directives = _directives(response)
        script_src = directives.get("script-src", directives.get("default-src"))
        assert script_src == ["'self'"], (url, script_src)
        assert "'unsafe-inline'" not in directives.get("style-src", [])
        assert directives.get("object-src") == ["'none'"]
        assert directives.get("frame-ancestors") == ["'none'"]
        found = scripts_of(response)
        assert found.scripts, f"{url} loads no script at all?"
        for script in found.scripts:
            assert script["attrs"].get("src", "").startswith("/static/"), (url, script)
            assert not script["body"].strip(), (url, script)
        assert found.handlers == [], (url, found.handlers)  # no onclick= and friends either


def test_the_api_docs_page_runs_only_local_scripts(countries):
    response = Client().get("/api/docs")
    assert _directives(response)["script-src"] == ["'self'"]
    for script in scripts_of(response).scripts:
        if script["attrs"].get("type") == "application/json":
            continue  # a data block, never executed
        assert script["attrs"].get("src", "").startswith("/static/"), script
        assert not script["body"].strip()


def test_security_headers(countries):
    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "csrftoken" in response.cookies
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


# --- Request ids -------------------------------------------------------------------------------------


def test_every_response_has_a_request_id_and_the_audit_events_carry_it(personas, client_for, countries):
    client = client_for(personas["fund_manager"])

    response = client.post(
        "/organizations/new/", {"name": "Mvua Analytics", "kind": "startup", "country": "KE"}
    )

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and request_id.isalnum()
    event = AuditEvent.objects.get(action="organization.create")
    assert event.request_id == request_id
    other = client.get("/organizations/")["X-Request-ID"]
    assert other and other != request_id


def test_one_request_writing_several_events_gives_them_the_same_id(personas, client_for, countries):
    client = client_for(personas["applicant"])
    response = client.post("/organizations/new/", {"name": "Mvua Analytics", "kind": "startup"})
    events = AuditEvent.objects.filter(action__in=["organization.create", "membership.add"])
    assert events.count() == 2
    assert set(events.values_list("request_id", flat=True)) == {response["X-Request-ID"]}


def test_a_request_id_from_a_proxy_is_kept_and_a_bad_one_replaced(personas, client_for, countries):
    client = client_for(personas["fund_manager"])
    kept = client.post(
        "/api/organizations",
        data='{"name": "Mvua Analytics", "kind": "startup"}',
        content_type="application/json",
        HTTP_X_REQUEST_ID="abc123DEF",
    )
    assert kept["X-Request-ID"] == "abc123DEF"
    assert AuditEvent.objects.get(action="organization.create").request_id == "abc123DEF"

    replaced = client.get("/organizations/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert replaced["X-Request-ID"].isalnum()
    assert "script" not in replaced["X-Request-ID"]
    too_long = client.get("/organizations/", HTTP_X_REQUEST_ID="a" * 100)
    assert len(too_long["X-Request-ID"]) <= 36


# --- Countries reference data ----------------------------------------------------------------------------


def test_countries_sync_is_idempotent(db):
    first, second = io.StringIO(), io.StringIO()

    call_command("countries", "sync", stdout=first)
    snapshot = list(Country.objects.order_by("iso2").values())
    call_command("countries", "sync", stdout=second)

    assert first.getvalue().strip() == "249 countries, 249 created or updated."
    assert second.getvalue().strip() == "249 countries, 0 created or updated."
    assert list(Country.objects.order_by("iso2").values()) == snapshot
    assert AuditEvent.objects.filter(action="countries.sync").count() == 1


def test_countries_sync_repairs_a_changed_country_and_keeps_organizations(db):
    call_command("countries", "sync", stdout=io.StringIO())
    organization = make_organization("Kijani Agritech", "startup", "KE")
    Country.objects.filter(iso2="KE").update(name="Kenia", unicef_region="", programme_country=False)

    out = io.StringIO()
    call_command("countries", "sync", stdout=out)

    assert "1 created or updated" in out.getvalue()
    kenya = Country.objects.get(iso2="KE")
    assert (kenya.name, kenya.unicef_region, kenya.programme_country) == ("Kenya", "ESAR", True)
    assert Organization.objects.get(pk=organization.pk).country_id == "KE"


def test_the_audit_log_shows_a_countries_sync(personas, client_for, countries):
    response = client_for(personas["administrator"]).get("/audit/")
    assert response.status_code == 200
    assert "countries.sync" in text(response)
    assert "countries_changed" in text(response)


def test_audit_log_filters(personas, client_for, countries):
    make_organization("Kijani Agritech", "startup", "KE")
    manager = client_for(personas["fund_manager"])
    manager.post("/organizations/kijani-agritech/edit/", {"name": "Kijani Agritech", "kind": "academic"})
    admin = client_for(personas["administrator"])

    by_action = text(admin.get("/audit/?action=organization.update"))
    assert "organization.update" in by_action
    assert "countries.sync" not in by_action
    by_actor = text(admin.get("/audit/?actor=fund"))
    assert "organization.update" in by_actor
    assert "countries.sync" not in by_actor
    assert "No event matches these filters." in text(admin.get("/audit/?date_from=2999-01-01"))
    for bad in ("not-a-date", "2024-02-30", "2024-13-01"):
        response = admin.get(f"/audit/?date_from={bad}&date_to={bad}")
        assert response.status_code == 200, bad
        assert "countries.sync" in text(response)  # an unusable date filters nothing out


# --- Languages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "es"])
def test_switching_language(personas, client_for, countries, language):
    client = client_for(personas["reviewer"])
    assert 'lang="en"' in text(client.get("/"))

    response = client.post("/i18n/setlang/", {"language": language, "next": "/organizations/"})

    assert response.status_code == 302
    assert response["Location"] == "/organizations/"
    home = text(client.get("/"))
    assert f'<html lang="{language}">' in home
    assert f'<option value="{language}" lang="{language}" selected>' in home


def test_switching_language_works_for_visitors_and_owed_second_factors(personas, countries):
    visitor = Client()
    visitor.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in text(visitor.get("/"))

    finance = Client()
    finance.force_login(personas["finance_officer"], backend="django.contrib.auth.backends.ModelBackend")
    response = finance.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="es">' in text(finance.get("/accounts/two-factor/setup/"))


def test_an_unknown_language_is_ignored(countries):
    client = Client()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="en">' in text(client.get("/"))


# --- Bad input is a 4xx, never a 500 (on SQLite and on PostgreSQL) ---------------------------------------

NUL_URLS = [
    "/organizations/?q=%00",
    "/organizations/?country=KE%00",
    "/organizations/?export=csv&q=%00",
    "/countries/?q=%00",
    "/countries/K%00/",
    "/audit/?actor=%00",
    "/organizations/kijani%00/",
    "/invitations/accept/%00/",
    "/api/countries?q=%00",
    "/api/countries/K%00",
    "/api/organizations?country=%00",
    "/api/organizations/kijani%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_character_in_the_url_is_a_400(personas, client_for, countries, url):
    response = client_for(personas["administrator"]).get(url)
    assert response.status_code == 400
    assert response["X-Request-ID"]
    if url.startswith("/api/"):
        assert "NUL character" in response.json()["detail"]


def test_a_nul_character_in_a_form_or_json_body_is_a_400(personas, client_for, countries):
    client = client_for(personas["fund_manager"])
    form = client.post("/organizations/new/", {"name": "Mvua\x00Analytics", "kind": "startup"})
    urlencoded = client.post(
        "/organizations/new/",
        "name=Mvua&kind=startup&country=K%00",
        content_type="application/x-www-form-urlencoded",
    )
    api = client.post(
        "/api/organizations",
        data='{"name": "Mvua\\u0000Analytics", "kind": "startup"}',
        content_type="application/json",
    )
    assert (form.status_code, urlencoded.status_code, api.status_code) == (400, 400, 400)
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/audit/?object_type=" + "9" * 30, 200),
        ("/audit/?date_from=2024-02-30", 200),
        ("/organizations/?page=" + "9" * 30, 200),
        ("/countries/?page=-1", 200),
        ("/api/organizations?page=" + "9" * 30, 422),
        ("/api/countries?page=" + "9" * 12, 422),
        ("/api/organizations?page_size=100000", 200),
    ],
)
def test_out_of_range_numbers_are_not_errors(personas, client_for, countries, url, status):
    assert client_for(personas["administrator"]).get(url).status_code == status
