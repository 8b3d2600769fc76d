"""Every page of the portfolio × every persona, in one table; and every write refused to those who may
not make it. A URL added to ``portfolio/urls.py`` fails ``test_every_portfolio_url_is_in_the_matrix``
until it is added here. ``member`` belongs to the investment's team; ``other`` to another funded team."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from seedbed.core.models import AuditEvent
from seedbed.funds.models import PaymentRequest
from seedbed.portfolio import services, urls
from seedbed.portfolio.models import ContractDocument, Evidence, KnowledgeProduct

PERSONAS = (
    "anon", "fund_manager", "administrator", "reviewer", "committee_member", "finance_officer",
    "mentor", "focal_point", "applicant", "outsider", "member", "other",
)  # fmt: skip


@pytest.fixture
def world(make_investment: Any, team: Any, other_team: Any, people: dict[str, Any]) -> dict[str, Any]:
    investment = make_investment(team)
    make_investment(other_team)
    milestone = investment.milestones.order_by("quarter", "position").first()
    services.evidence_submit(actor=people["grantee"], milestone=milestone, text="See the repository.")
    evidence = Evidence(
        milestone=milestone, kind="file", name="proof.txt", size=5, submitted_by=people["grantee"]
    )
    evidence.file.save("proof.txt", ContentFile(b"proof"), save=True)
    document = ContractDocument(contract=investment.contract, name="contract.pdf", size=5, sha256="0" * 64)
    document.file.save("contract.pdf", ContentFile(b"%PDF-"), save=True)
    product = KnowledgeProduct(
        title="Lessons", kind="research", licence="CC-BY-4.0", published_on="2021-01-01"
    )
    product.file.save("lessons.pdf", ContentFile(b"%PDF-"), save=True)
    return {
        "investment": investment,
        "milestone": milestone,
        "evidence": evidence,
        "document": document,
        "tranche": investment.tranches.get(number=1),
        "report": investment.reports.order_by("period_start").first(),
        "product": product,
    }


def _pages(w: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    ref = w["investment"].reference
    return {
        "list": ("portfolio_list", []),
        "new": ("investment_new", []),
        "mentor queue": ("mentor_queue", []),
        "tranche queue": ("tranche_queue", []),
        "cohort": ("cohort_detail", [w["investment"].cohort_id]),
        "investment": ("investment_detail", [ref]),
        "contract": ("investment_contract", [ref]),
        "document": ("contract_document", [ref, w["document"].pk]),
        "follow-on": ("follow_on_new", [ref]),
        "add milestone": ("milestone_new", [ref]),
        "add tranche": ("tranche_new", [ref]),
        "milestone": ("milestone_detail", [w["milestone"].pk]),
        "evidence file": ("evidence_file", [w["evidence"].pk]),
        "tranche change": ("tranche_change", [w["tranche"].pk]),
        "report": ("report_edit", [w["report"].pk]),
        "my investments": ("my_investments", []),
        "knowledge": ("knowledge_list", []),
        "knowledge new": ("knowledge_new", []),
        "knowledge file": ("knowledge_file", [w["product"].pk]),
    }


# L: sent to sign in. Columns in the order of PERSONAS.
STAFF_READ = ("L", 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 403)
TEAM_READ = ("L", 200, 200, 200, 200, 200, 200, 200, 404, 404, 200, 404)
MANAGE = ("L", 200, 200, 403, 403, 403, 403, 403, 404, 404, 403, 404)
EXPECTED: dict[str, tuple[Any, ...]] = {
    "list": STAFF_READ,
    "new": ("L", 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "mentor queue": ("L", 200, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403),
    "tranche queue": ("L", 200, 200, 403, 403, 200, 403, 403, 403, 403, 403, 403),
    "cohort": STAFF_READ,
    "investment": TEAM_READ,
    "contract": MANAGE,
    "document": TEAM_READ,
    "follow-on": MANAGE,
    "add milestone": MANAGE,
    "add tranche": MANAGE,
    "milestone": TEAM_READ,
    "evidence file": TEAM_READ,
    "tranche change": MANAGE,
    "report": TEAM_READ,
    "my investments": ("L", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "knowledge": (200,) * 12,
    "knowledge new": ("L", 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "knowledge file": (200,) * 12,
}
POST_ONLY = {"tranche_release", "investment_status"}


def _client(name: str, people: dict[str, Any], client_for: Any) -> Client:
    if name == "anon":
        return Client()
    key = {"member": "grantee", "other": "other_grantee"}.get(name, name)
    return client_for(people[key])


def _code(response: Any) -> Any:
    if response.status_code == 302:
        return "L" if response.url.startswith(reverse("login")) else "R"
    return response.status_code


def test_every_portfolio_url_is_in_the_matrix(world: dict[str, Any]) -> None:
    names = {pattern.name for pattern in urls.urlpatterns}
    in_matrix = {name for name, _args in _pages(world).values()}
    assert names == in_matrix | POST_ONLY
    assert set(EXPECTED) == set(_pages(world))


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


@pytest.mark.parametrize(
    "persona",
    [
        "anon",
        "reviewer",
        "committee_member",
        "mentor",
        "focal_point",
        "applicant",
        "outsider",
        "member",
        "other",
    ],
)
def test_writes_change_nothing_for_people_without_the_role(
    persona: str, world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    """Releasing a tranche, changing one, recording a status or a follow-on round, deciding a milestone:
    refused, and nothing is written."""
    client = _client(persona, people, client_for)
    before = AuditEvent.objects.count()
    w = world
    ref = w["investment"].reference
    attempts = [
        (reverse("tranche_release", args=[w["tranche"].pk]), {"payment_date": "2030-01-01"}),
        (reverse("investment_status", args=[ref]), {"status": "failed", "on": "2026-01-01", "reason": "x"}),
        (reverse("tranche_change", args=[w["tranche"].pk]), {"action": "cancel", "reason": "x"}),
        (reverse("follow_on_new", args=[ref]), {"date": "2026-01-01", "amount": "1", "asset": "USD"}),
        (reverse("investment_contract", args=[ref]), {"form": "sign", "sign-signed_on": "2026-01-01"}),
        (
            reverse("knowledge_new"),
            {"title": "x", "kind": "research", "licence": "x", "url": "https://x.org"},
        ),
    ]
    if persona != "mentor":
        attempts.append(
            (
                reverse("milestone_detail", args=[w["milestone"].pk]),
                {"form": "decision", "decision-decision": "accept", "decision-comment": "ok"},
            )
        )
    if persona not in ("member",):
        attempts.append(
            (
                reverse("milestone_detail", args=[w["milestone"].pk]),
                {"form": "evidence", "evidence-text": "x"},
            )
        )
        attempts.append((reverse("report_edit", args=[w["report"].pk]), {"narrative": "x"}))
    for url, data in attempts:
        code = _code(client.post(url, data))
        assert code in (("L",) if persona == "anon" else (403, 404)), (url, code)
    assert AuditEvent.objects.count() == before
    assert not PaymentRequest.objects.exists()
