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
from seedbed.dpg.models import DpgStatus, IndicatorAnswer, RegistryRecord, Repository, Scan
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
        "edit solution": ("solution_edit", [w["solution"].slug]),
        "repository": ("repository_detail", [w["repository"].pk]),
        "scan": ("scan_detail", [w["scan"].pk]),
        "assessment": ("assessment_detail", [w["solution"].slug]),
        "assessment item": ("assessment_edit", [w["solution"].slug, "9a"]),
        "DPG status": ("dpg_status_edit", [w["solution"].slug]),
        "nomination": ("nomination", [w["solution"].slug]),
        "nomination download": ("nomination_download", [w["solution"].slug, "zip"]),
        "readiness matrix": ("readiness_matrix", []),
        "registry": ("registry_list", []),
        "registry record": ("registry_detail", [w["record"].key]),
    }


STAFF = ("L", 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403)
TEAM = ("L", 200, 200, 200, 200, 200, 200, 200, 404, 404, 200, 404)
SCANNERS = ("L", 200, 200, 403, 403, 403, 200, 403, 404, 404, 200, 404)
EDITORS = ("L", 200, 200, 403, 403, 403, 403, 403, 404, 404, 200, 404)
STATUS_KEEPERS = ("L", 200, 200, 403, 403, 403, 403, 403, 404, 404, 403, 404)
PUBLIC = (200,) * 12  # the DPGA registry is public-domain data; contacts are never imported
EXPECTED = {
    "solutions": STAFF,
    "solution": TEAM,
    "add repository": SCANNERS,
    "edit solution": EDITORS,
    "repository": TEAM,
    "scan": TEAM,
    "assessment": TEAM,
    "assessment item": TEAM,
    "DPG status": STATUS_KEEPERS,
    "nomination": TEAM,
    "nomination download": TEAM,
    "readiness matrix": STAFF,
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


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_right_people_answer_sign_off_and_record_a_dpg_status(
    persona: str, world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    """Answers: the team and scan managers. Sign-off: fund managers, mentors, administrators, never the
    team. DPG status: fund managers and administrators. A refusal writes nothing."""
    client = _client(persona, people, client_for)
    slug = world["solution"].slug
    item = reverse("assessment_edit", args=[slug, "5"])
    answered = _code(
        client.post(
            item,
            {
                "action": "answer",
                "answer": "See the docs",
                "evidence_urls": "https://docs.example.org",
                "met": "yes",
            },
        )
    )
    answer = IndicatorAnswer.objects.filter(solution=world["solution"], indicator="5").first()
    may_answer = persona in ("fund_manager", "administrator", "mentor", "member")
    assert (answered == "R") is may_answer, answered
    assert (answer is not None) is may_answer
    if answer is None:  # give reviewers something to sign off
        IndicatorAnswer.objects.create(
            solution=world["solution"],
            indicator="5",
            answer="Docs",
            evidence_urls=["https://docs.example.org"],
        )
    signed = _code(client.post(item, {"action": "sign_off", "verdict": "met"}))
    answer = IndicatorAnswer.objects.get(solution=world["solution"], indicator="5")
    may_sign = persona in ("fund_manager", "administrator", "mentor")
    assert (signed == "R") is may_sign, signed
    assert answer.signed_off is may_sign
    status = _code(
        client.post(reverse("dpg_status_edit", args=[slug]), {"status": "dpg", "since": "2026-01-15"})
    )
    recorded = DpgStatus.objects.filter(solution=world["solution"], status="dpg").exists()
    assert (status == "R") is (persona in ("fund_manager", "administrator")), status
    assert recorded is (persona in ("fund_manager", "administrator"))
