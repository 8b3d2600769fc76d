"""The JSON API at /api/: countries and organizations, token authentication, errors and documentation."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from seedbed.core import services
from seedbed.core.models import ApiToken, AuditEvent, Country, Organization, Region
from tests.core.helpers import make_organization, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(countries) -> dict[str, Organization]:
    return {
        "kijani": make_organization("Kijani Agritech", "startup", "KE", description="Crop data for farmers."),
        "nairobi": make_organization("Nairobi School of Data", "academic", "KE"),
        "dakar": make_organization("Dakar Health Lab", "startup", "SN"),
        "lima": make_organization("Lima Open Maps", "private_sector", "PE"),
        "alliance": make_organization("Global Goods Alliance", "alliance"),
    }


def post_json(client: Client, url: str, payload: dict, **extra):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **extra)


def patch_json(client: Client, url: str, payload: dict, **extra):
    return client.patch(url, data=json.dumps(payload), content_type="application/json", **extra)


def messages_by_field(response) -> dict[str, list[str]]:
    """The 422 body as ``{field: [messages]}``; ``loc`` is e.g. ``["body", "payload", "kind"]``."""
    assert response.status_code == 422, response.content
    fields: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        field = next(
            str(part) for part in error["loc"] if part not in {"body", "query", "payload", "filters"}
        )
        fields.setdefault(field, []).append(error["msg"])
    return fields


# --- Countries -----------------------------------------------------------------------------------------


def test_country_list_is_paginated_with_items_and_count(manager, countries):
    first = manager.get("/api/countries").json()
    assert first["count"] == 249
    assert len(first["items"]) == 50
    assert first["items"][0]["iso2"] == "AF"
    assert set(first["items"][0]) == {
        "iso2",
        "iso3",
        "name",
        "official_name",
        "unicef_region",
        "programme_country",
    }
    last = manager.get("/api/countries?page=5").json()
    assert len(last["items"]) == 49
    seen = {
        c["iso2"] for page in range(1, 6) for c in manager.get(f"/api/countries?page={page}").json()["items"]
    }
    assert len(seen) == 249


def test_country_list_filters(manager, countries):
    esar = manager.get("/api/countries?region=ESAR").json()
    assert esar["count"] == Country.objects.filter(unicef_region="ESAR").count() > 0
    assert {c["unicef_region"] for c in esar["items"]} == {"ESAR"}
    assert "KE" in {c["iso2"] for c in esar["items"]}

    programme = manager.get("/api/countries?programme=true").json()
    others = manager.get("/api/countries?programme=false").json()
    assert programme["count"] + others["count"] == 249
    assert all(c["programme_country"] for c in programme["items"])

    none = manager.get("/api/countries?region=none&q=france").json()
    assert [c["iso2"] for c in none["items"]] == ["FR"]
    assert none["items"][0]["unicef_region"] is None

    assert [c["iso2"] for c in manager.get("/api/countries?q=KEN").json()["items"]] == ["KE"]
    per_region = sum(manager.get(f"/api/countries?region={r}").json()["count"] for r in Region.values)
    assert per_region + manager.get("/api/countries?region=none").json()["count"] == 249


def test_country_list_rejects_an_unknown_region(manager, countries):
    response = manager.get("/api/countries?region=MARS")
    assert "region" in messages_by_field(response)


def test_country_detail(manager, countries):
    kenya = manager.get("/api/countries/KE").json()
    assert kenya == {
        "iso2": "KE",
        "iso3": "KEN",
        "name": "Kenya",
        "official_name": "Republic of Kenya",
        "unicef_region": "ESAR",
        "programme_country": True,
    }
    assert manager.get("/api/countries/ke").json()["iso2"] == "KE"
    france = manager.get("/api/countries/FR").json()
    assert (france["unicef_region"], france["programme_country"]) == (None, False)
    missing = manager.get("/api/countries/XX")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}


# --- Organizations: reading --------------------------------------------------------------------------


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


def test_organization_list(manager, directory):
    body = manager.get("/api/organizations").json()
    assert body["count"] == 5
    assert [item["slug"] for item in body["items"]] == [
        "dakar-health-lab",
        "global-goods-alliance",
        "kijani-agritech",
        "lima-open-maps",
        "nairobi-school-of-data",
    ]
    kijani = next(item for item in body["items"] if item["slug"] == "kijani-agritech")
    assert kijani == {
        "slug": "kijani-agritech",
        "name": "Kijani Agritech",
        "kind": "startup",
        "kind_label": "Startup",
        "country": "KE",
        "country_name": "Kenya",
        "website": "",
        "description": "Crop data for farmers.",
        "parent": None,
        "is_sample": False,
        "url": "/organizations/kijani-agritech/",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=farmers", {"kijani-agritech"}),
        ("q=LAB", {"dakar-health-lab"}),
        ("kind=startup", {"kijani-agritech", "dakar-health-lab"}),
        ("country=KE", {"kijani-agritech", "nairobi-school-of-data"}),
        ("country=ke", {"kijani-agritech", "nairobi-school-of-data"}),
        ("region=WCAR", {"dakar-health-lab"}),
        ("region=ESAR&kind=academic", {"nairobi-school-of-data"}),
        ("country=FR", set()),
    ],
)
def test_organization_list_filters(manager, directory, query, expected):
    response = manager.get(f"/api/organizations?{query}")
    assert set(_slugs(response)) == expected
    assert response.json()["count"] == len(expected)


def test_organization_list_sorts(manager, directory):
    assert _slugs(manager.get("/api/organizations?sort=-name"))[0] == "nairobi-school-of-data"
    assert _slugs(manager.get("/api/organizations?sort=kind"))[0] == "nairobi-school-of-data"  # academic
    newest = make_organization("Zanzibar Fresh Start", "startup", "TZ")
    assert _slugs(manager.get("/api/organizations?sort=-created"))[0] == newest.slug


@pytest.mark.parametrize("query", ["kind=spaceship", "region=MARS", "sort=password", "page=0"])
def test_organization_list_rejects_bad_filters(manager, directory, query):
    response = manager.get(f"/api/organizations?{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_organization_list_pagination(manager, countries):
    for n in range(55):
        make_organization(f"Startup {n:02d}", "startup", "KE")
    first = manager.get("/api/organizations").json()
    assert first["count"] == 55
    assert len(first["items"]) == 50
    second = manager.get("/api/organizations?page=2").json()
    assert [item["slug"] for item in second["items"]] == [f"startup-{n:02d}" for n in range(50, 55)]
    assert second["count"] == 55


def test_organization_detail(manager, directory):
    unit = make_organization("Kijani Agritech Uganda", "startup", "UG", parent=directory["kijani"])
    body = manager.get(f"/api/organizations/{unit.slug}").json()
    assert body["name"] == "Kijani Agritech Uganda"
    assert body["parent"] == "kijani-agritech"
    assert manager.get("/api/organizations/no-such-thing").status_code == 404


# --- Organizations: writing --------------------------------------------------------------------------


def test_create_an_organization(manager, personas, countries):
    response = post_json(
        manager,
        "/api/organizations",
        {
            "name": "Mvua Analytics",
            "kind": "startup",
            "country": "ke",
            "website": "https://mvua.example.org",
            "description": "Rainfall forecasts.",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "mvua-analytics"
    assert body["country"] == "KE"
    organization = Organization.objects.get(slug="mvua-analytics")
    assert organization.website == "https://mvua.example.org"
    event = AuditEvent.objects.get(action="organization.create")
    assert event.actor == personas["fund_manager"]
    assert event.changes["name"] == [None, "Mvua Analytics"]
    assert manager.get("/api/organizations/mvua-analytics").json() == body


def test_create_a_unit_of_another_organization(manager, directory):
    response = post_json(
        manager,
        "/api/organizations",
        {"name": "Dakar Health Lab Mali", "kind": "startup", "parent": "dakar-health-lab"},
    )
    assert response.status_code == 201
    assert Organization.objects.get(name="Dakar Health Lab Mali").parent == directory["dakar"]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "Mvua Analytics", "kind": "spaceship"}, "kind", "Input should be"),
        (
            {"name": "Mvua Analytics", "kind": "startup", "country": "XX"},
            "country",
            "No country has the ISO code",
        ),
        (
            {"name": "kijani AGRITECH", "kind": "startup"},
            "name",
            "An organization with this name already exists.",
        ),
        (
            {"name": "Mvua Analytics", "kind": "startup", "website": "not a url"},
            "website",
            "Enter a full web address",
        ),
        (
            {"name": "Mvua Analytics", "kind": "startup", "website": "javascript:alert(1)"},
            "website",
            "web address",
        ),
        (
            {"name": "Mvua Analytics", "kind": "startup", "parent": "nothing"},
            "parent",
            "No organization has the slug",
        ),
        ({"kind": "startup"}, "name", "Field required"),
        ({"name": "", "kind": "startup"}, "name", "at least 1 character"),
        ({"name": "   ", "kind": "startup"}, "name", "Enter the organization's name."),
        ({"name": "x" * 201, "kind": "startup"}, "name", "at most 200 characters"),
    ],
)
def test_create_with_bad_input_is_422_with_a_message_per_field(manager, directory, payload, field, message):
    before = Organization.objects.count()
    events = AuditEvent.objects.count()

    response = post_json(manager, "/api/organizations", payload)

    fields = messages_by_field(response)
    assert field in fields, fields
    assert any(message in text for text in fields[field]), fields
    assert Organization.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_create_reports_every_bad_field_at_once(manager, directory):
    response = post_json(
        manager,
        "/api/organizations",
        {
            "name": "Mvua Analytics",
            "kind": "startup",
            "country": "XX",
            "website": "nope",
            "parent": "nothing",
        },
    )
    assert set(messages_by_field(response)) == {"country", "website", "parent"}


def test_create_with_a_body_that_is_not_json_is_a_4xx(manager, countries):
    response = manager.post("/api/organizations", data="{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not Organization.objects.exists()


def test_a_reviewer_cannot_create_an_organization(personas, client_for, countries):
    reviewer = client_for(personas["reviewer"])
    events = AuditEvent.objects.count()

    response = post_json(reviewer, "/api/organizations", {"name": "Mvua Analytics", "kind": "startup"})

    assert response.status_code == 403
    assert response.json() == {"detail": "You are not allowed to do this."}
    assert not Organization.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_applicant_creating_an_organization_owns_it(personas, client_for, countries):
    applicant = client_for(personas["applicant"])
    response = post_json(applicant, "/api/organizations", {"name": "Mvua Analytics", "kind": "startup"})
    assert response.status_code == 201
    patched = patch_json(
        applicant, "/api/organizations/mvua-analytics", {"description": "Now with forecasts."}
    )
    assert patched.status_code == 200
    assert patched.json()["description"] == "Now with forecasts."


def test_update_an_organization(manager, personas, directory):
    response = patch_json(
        manager, "/api/organizations/kijani-agritech", {"kind": "academic", "country": "TZ"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["country"], body["name"]) == ("academic", "TZ", "Kijani Agritech")
    kijani = Organization.objects.get(slug="kijani-agritech")
    assert kijani.description == "Crop data for farmers."  # fields not sent are kept
    event = AuditEvent.objects.get(action="organization.update")
    assert event.actor == personas["fund_manager"]
    assert event.changes == {"kind": ["startup", "academic"], "country": ["Kenya", "Tanzania"]}


@pytest.mark.parametrize("field", ["website", "description", "parent"])
def test_update_with_null_clears_an_optional_field(manager, directory, field):
    kijani = directory["kijani"]
    kijani.website = "https://kijani.example.org"
    kijani.parent = directory["nairobi"]
    kijani.save()

    response = patch_json(manager, "/api/organizations/kijani-agritech", {field: None})

    assert response.status_code == 200, response.content
    assert response.json()[field] in ("", None)
    kijani.refresh_from_db()
    assert getattr(kijani, field) in ("", None)
    assert AuditEvent.objects.filter(action="organization.update").count() == 1


def test_update_can_clear_the_country(manager, directory):
    response = patch_json(manager, "/api/organizations/kijani-agritech", {"country": None})
    assert response.status_code == 200
    assert response.json()["country"] is None
    assert Organization.objects.get(slug="kijani-agritech").country is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "Lima Open Maps"}, "name"),
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"kind": None}, "kind"),
        ({"kind": "spaceship"}, "kind"),
        ({"country": "XX"}, "country"),
        ({"website": "nope"}, "website"),
        ({"parent": "kijani-agritech"}, "parent"),
    ],
)
def test_update_with_bad_input_is_422_and_changes_nothing(manager, directory, payload, field):
    before = list(Organization.objects.order_by("pk").values())
    events = AuditEvent.objects.count()

    response = patch_json(manager, "/api/organizations/kijani-agritech", payload)

    assert field in messages_by_field(response)
    assert list(Organization.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_update_an_unknown_organization_is_404(manager, countries):
    assert patch_json(manager, "/api/organizations/nothing", {"description": "x"}).status_code == 404


# --- Token authentication ------------------------------------------------------------------------------


def _create_token_on_the_page(client: Client, name: str = "monthly report") -> str:
    response = client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 200
    match = re.search(r'<code class="sb-token" id="new-token">([^<]+)</code>', text(response))
    assert match is not None
    return match.group(1)


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_from_the_tokens_page_works_with_the_api(manager, personas, directory):
    raw = _create_token_on_the_page(manager)
    script = Client()  # no session: only the token

    listed = script.get("/api/organizations", **_bearer(raw))
    created = post_json(
        script, "/api/organizations", {"name": "Mvua Analytics", "kind": "startup"}, **_bearer(raw)
    )

    assert listed.status_code == 200
    assert listed.json()["count"] == 5
    assert created.status_code == 201
    assert (
        AuditEvent.objects.get(action="organization.create", object_repr="Mvua Analytics").actor
        == (personas["fund_manager"])
    )
    token = ApiToken.objects.get(user=personas["fund_manager"])
    assert token.last_used_at is not None
    # The token does not open the pages: it is for the API only.
    assert script.get("/organizations/", **_bearer(raw)).status_code == 302


def test_a_token_is_shown_once_and_stored_only_as_a_hash(manager, personas):
    raw = _create_token_on_the_page(manager)
    token = ApiToken.objects.get()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert raw not in stored
    assert raw.split("_")[-1] not in stored  # not even the secret part
    assert raw.startswith(f"sb_{token.prefix}_")
    assert raw not in json.dumps(list(AuditEvent.objects.values("changes", "object_repr")), default=str)
    page = text(manager.get("/accounts/tokens/"))
    assert raw not in page
    assert f"sb_{token.prefix}_…" in page


def test_a_revoked_token_is_refused(manager, countries):
    raw = _create_token_on_the_page(manager)
    token = ApiToken.objects.get()
    assert Client().get("/api/countries", **_bearer(raw)).status_code == 200

    revoked = manager.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert revoked.status_code == 302
    response = Client().get("/api/countries", **_bearer(raw))
    assert response.status_code == 401
    assert (
        post_json(
            Client(), "/api/organizations", {"name": "X", "kind": "startup"}, **_bearer(raw)
        ).status_code
        == 401
    )
    assert not Organization.objects.exists()
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize(
    "header",
    ["Bearer sb_nothing_here", "Bearer ", "Token abc", "Basic Zm9vOmJhcg==", "Bearer sb_" + "a" * 500],
)
def test_wrong_tokens_are_refused(countries, header):
    response = Client().get("/api/countries", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_deactivated_users_token_is_refused(personas, countries):
    _token, raw = services.api_token_create(actor=personas["reviewer"], name="script")
    personas["reviewer"].is_active = False
    personas["reviewer"].save()
    assert Client().get("/api/countries", **_bearer(raw)).status_code == 401


def test_a_token_carries_its_owners_permissions(personas, countries):
    _token, raw = services.api_token_create(actor=personas["reviewer"], name="script")
    response = post_json(
        Client(), "/api/organizations", {"name": "Mvua Analytics", "kind": "startup"}, **_bearer(raw)
    )
    assert response.status_code == 403
    assert not Organization.objects.exists()


def test_a_session_write_without_the_csrf_token_is_refused(personas, countries):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["fund_manager"], backend="django.contrib.auth.backends.ModelBackend")
    response = post_json(client, "/api/organizations", {"name": "Mvua Analytics", "kind": "startup"})
    assert response.status_code == 403
    assert not Organization.objects.exists()


# --- Documentation -----------------------------------------------------------------------------------


def test_openapi_schema(countries):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Seedbed API"
    paths = schema["paths"]
    assert set(paths["/api/countries"]) == {"get"}
    assert set(paths["/api/countries/{iso2}"]) == {"get"}
    assert set(paths["/api/organizations"]) == {"get", "post"}
    assert set(paths["/api/organizations/{slug}"]) == {"get", "patch"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("summary"), (path, method)
            assert operation.get("responses"), (path, method)
            assert operation.get("security"), (path, method)  # every endpoint needs a session or a token
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    # Every reference resolves.
    components = schema["components"]["schemas"]
    for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(schema)):
        assert ref in components, ref
    kinds = components["OrganizationIn"]["properties"]["kind"]
    assert "startup" in json.dumps(kinds)
    list_params = {p["name"] for p in paths["/api/organizations"]["get"]["parameters"]}
    assert {"q", "kind", "country", "region", "sort", "page"} <= list_params


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_api_docs_load_without_any_external_url(countries):
    client = Client()
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = text(response)
    parser = _Assets()
    parser.feed(html)
    assert parser.urls, "the docs page loads no assets?"
    for url in parser.urls:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert "/api/openapi.json" in html
