"""Every page of the DPG part × every persona, in one table; and a scan refused to those who may not ask
for one. A URL added to ``dpg/urls.py`` fails ``test_every_dpg_url_is_in_the_matrix`` until it is added
here. ``member`` belongs to the solution's team; ``other`` to another funded team."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seedbed.core.models import AuditEvent
from seedbed.dpg import urls
from seedbed.dpg.models import RegistryRecord, Repository, Scan
from seedbed.portfolio import services as portfolio_services

PERSONAS = (
    "anon", "fund_manager", "administrator", "reviewer", "committee_member", "finance_officer",
    "mentor", "focal_point", "applicant", "outsider", "member", "other",
)  # fmt: skip


@pytest.fixture
def world(team: Any, other_team: Any, people: dict[str, Any]) -> dict[str, Any]:
    solution = portfolio_services.solution_create(actor=None, organization=team, name="Growth Monitor")
    repository = Repository.objects.create(solution=solution, url="https://git.example.org/kijani/growth")
    scan = Scan.objects.create(repository=repository, status="done", commit="a" * 40)
    record = RegistryRecord.objects.create(
        key="growth-monitor",
        name="Growth Monitor",
        stage="DPG",
        content_hash="0" * 64,
        updated_at=timezone.now(),
    )
    return {"solution": solution, "repository": repository, "scan": scan, "record": record}


def _pages(w: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    return {
        "solutions": ("solution_list", []),
        "solution": ("solution_detail", [w["solution"].slug]),
        "add repository": ("repository_new", [w["solution"].slug]),
        "repository": ("repository_detail", [w["repository"].pk]),
        "scan": ("scan_detail", [w["scan"].pk]),
        "registry": ("registry_list", []),
        "registry record": ("registry_detail", [w["record"].key]),
    }


STAFF = ("L", 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403)
TEAM = ("L", 200, 200, 200, 200, 200, 200, 200, 404, 404, 200, 404)
SCANNERS = ("L", 200, 200, 403, 403, 403, 200, 403, 404, 404, 200, 404)
PUBLIC = (200,) * 12  # the DPGA registry is public-domain data; contacts are never imported
EXPECTED = {
    "solutions": STAFF,
    "solution": TEAM,
    "add repository": SCANNERS,
    "repository": TEAM,
    "scan": TEAM,
    "registry": PUBLIC,
    "registry record": PUBLIC,
}
POST_ONLY = {"repository_scan"}


def _client(name: str, people: dict[str, Any], client_for: Any) -> Client:
    if name == "anon":
        return Client()
    return client_for(people[{"member": "grantee", "other": "other_grantee"}.get(name, name)])


def _code(response: Any) -> Any:
    if response.status_code == 302:
        return "L" if response.url.startswith(reverse("login")) else "R"
    return response.status_code


@pytest.mark.django_db
def test_every_dpg_url_is_in_the_matrix(world: dict[str, Any]) -> None:
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names == {name for name, _args in _pages(world).values()} | POST_ONLY
    assert set(EXPECTED) == set(_pages(world))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pages_give_each_persona_what_the_matrix_says(
    persona: str, world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    client = _client(persona, people, client_for)
    column = PERSONAS.index(persona)
    got = {
        label: _code(client.get(reverse(name, args=args))) for label, (name, args) in _pages(world).items()
    }
    assert got == {label: codes[column] for label, codes in EXPECTED.items()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    [
        "anon",
        "reviewer",
        "committee_member",
        "finance_officer",
        "focal_point",
        "applicant",
        "outsider",
        "other",
    ],
)
def test_scans_and_repositories_are_refused_to_people_without_the_role(
    persona: str, world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    client = _client(persona, people, client_for)
    before = AuditEvent.objects.count()
    attempts = [
        (reverse("repository_scan", args=[world["repository"].pk]), {}),
        (
            reverse("repository_new", args=[world["solution"].slug]),
            {"url": "https://git.example.org/x", "name": "x"},
        ),
    ]
    for url, data in attempts:
        code = _code(client.post(url, data))
        assert code in (("L",) if persona == "anon" else (403, 404)), (url, code)
    assert AuditEvent.objects.count() == before
    assert Scan.objects.count() == 1 and Repository.objects.count() == 1
