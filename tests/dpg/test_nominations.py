"""Nomination export: a solution with a scanned licence, SDGs and DPG Standard answers gives a nominee
record and screening answers that validate against the DPGA's schemas; modern SPDX ids are spelt the
registry's way; what is missing or not accepted is said in plain words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from jsonschema import Draft7Validator

from seedbed.dpg.models import Indicator, IndicatorAnswer, Repository, Scan, ScanCheck, ScanStatus
from seedbed.dpg.nominations import licence_ids, nomination_for, to_registry_id
from seedbed.dpg.registry import DATA_DIR
from seedbed.portfolio import services as portfolio_services
from seedbed.portfolio.models import Solution

pytestmark = pytest.mark.django_db

SHARED_DPGA = Path(__file__).resolve().parents[3] / "shared" / "data" / "dpga"


def shared_schema(name: str) -> dict[str, Any]:
    """The schema from ../shared/data/dpga when it is there (the same file the app ships), else the copy."""
    path = SHARED_DPGA / f"{name}-schema.json"
    if not path.exists():
        path = DATA_DIR / f"{name}-schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def schema_problems(name: str, document: dict[str, Any]) -> list[str]:
    return [error.message for error in Draft7Validator(shared_schema(name)).iter_errors(document)]


@pytest.fixture
def solution(team, people) -> Solution:
    solution = portfolio_services.solution_create(
        actor=people["fund_manager"], organization=team, name="Growth Monitor"
    )
    solution.description = "Growth charts for community health workers,\n offline first."
    solution.website = "https://growth.example.org"
    solution.sdgs = [3, 2, 3]
    solution.save()
    team.website = "https://kijani.example.org"
    team.save()
    return solution


def add_scan(solution: Solution, licence: str, url: str = "https://github.com/kijani/growth-monitor") -> Scan:
    repository, _created = Repository.objects.get_or_create(solution=solution, url=url)
    scan = Scan.objects.create(
        repository=repository, status=ScanStatus.DONE, licence=licence, finished_at=timezone.now()
    )
    ScanCheck.objects.create(
        scan=scan,
        key="licence.identified",
        title="Licence identified",
        status="pass",
        evidence=[{"path": "LICENSE", "line": 1, "note": "", "url": f"{url}/blob/abc123/LICENSE#L1"}],
    )
    return scan


def answer_everything(solution: Solution) -> None:
    texts = {
        "1": "Community health workers track child growth (SDG 3) and malnutrition (SDG 2).",
        "3": "Kijani Data Labs holds the copyright.",
        "4": "Runs on PostgreSQL and Django, both open.",
        "5": "Set-up and user guides.",
        "6": "Exports measurements as CSV and JSON.",
        "7": "Complies with the Kenya Data Protection Act.",
        "8": "WHO growth standards, FHIR.",
        "9a": "Personal data is encrypted and access is logged.",
        "9b": "The application stores no user content.",
        "9c": "Users do not interact with each other.",
    }
    details = {
        "7": {"privacyComplianceList": ["Kenya Data Protection Act 2019"]},
        "9a": {"collectsPII": "Yes", "typesOfDataCollected": ["child height and weight"]},
        "9b": {"collectStoreDistribute": "No"},
        "9c": {"userInteraction": "No"},
    }
    for code, text in texts.items():
        IndicatorAnswer.objects.create(
            solution=solution,
            indicator=code,
            answer=text,
            evidence_urls=[f"https://growth.example.org/evidence/{code}"],
            details=details.get(code, {}),
            met=True,
        )


def test_the_shipped_schemas_are_the_dpgas() -> None:
    if not SHARED_DPGA.is_dir():
        pytest.skip(f"The shared DPGA data is not at {SHARED_DPGA}.")
    for name in ("nominee", "screening"):
        shipped = json.loads((DATA_DIR / f"{name}-schema.json").read_text())
        assert shipped == json.loads((SHARED_DPGA / f"{name}-schema.json").read_text())


def test_a_complete_solution_exports_a_valid_nomination(solution, make_investment, team) -> None:
    add_scan(solution, "GPL-3.0-only")
    answer_everything(solution)
    make_investment(team, solutions=[solution])

    nominee, screening, errors = nomination_for(solution)

    assert errors == []
    assert schema_problems("nominee", nominee) == []
    assert schema_problems("screening", screening) == []
    assert list(nominee) == [
        "name",
        "description",
        "website",
        "license",
        "SDGs",
        "type",
        "repositories",
        "organizations",
        "stage",
    ]
    assert nominee["description"] == "Growth charts for community health workers, offline first."
    assert nominee["license"] == [
        {"spdx": "GPL-3.0", "licenseURL": "https://github.com/kijani/growth-monitor/blob/abc123/LICENSE#L1"}
    ]
    assert [goal["SDGNumber"] for goal in nominee["SDGs"]] == [2, 3]
    assert nominee["SDGs"][0]["evidenceText"].startswith("Community health workers")
    assert nominee["SDGs"][0]["evidenceURL"] == "https://growth.example.org/evidence/1"
    assert nominee["type"] == ["software"]
    assert nominee["repositories"] == [{"name": "main", "url": "https://github.com/kijani/growth-monitor"}]
    assert nominee["organizations"] == [
        {"name": "Kijani Data Labs", "website": "https://kijani.example.org", "org_type": "owner"},
        {"name": "Venture Fund", "org_type": "funder"},
    ]
    assert nominee["stage"] == "nominee"

    assert screening["name"] == "Growth Monitor"
    assert screening["clearOwnership"]["isOwnershipExplicit"] == "Yes"
    assert screening["platformIndependence"]["mandatoryDepsCreateMoreRestrictions"] == "No"
    assert screening["documentation"]["documentationURL"] == ["https://growth.example.org/evidence/5"]
    assert screening["privacy"]["privacyComplianceList"] == ["Kenya Data Protection Act 2019"]
    assert screening["doNoHarm"]["preventHarm"]["stepsToPreventHarm"] == "Yes"
    assert screening["doNoHarm"]["dataPrivacySecurity"]["collectsPII"] == "Yes"
    assert screening["doNoHarm"]["inappropriateIllegalContent"]["collectStoreDistribute"] == "No"
    assert screening["locations"] == {"developmentCountries": ["Kenya"], "deploymentCountries": ["Kenya"]}


def test_unanswered_indicators_are_unknown_and_still_valid(solution) -> None:
    add_scan(solution, "MIT")
    nominee, screening, errors = nomination_for(solution)
    assert errors == []
    assert schema_problems("screening", screening) == []
    assert screening["clearOwnership"]["isOwnershipExplicit"] == "Unknown"
    assert screening["doNoHarm"]["preventHarm"]["stepsToPreventHarm"] == "Unknown"
    assert nominee["SDGs"][0]["evidenceText"] == ""


@pytest.mark.parametrize(
    ("modern", "registry"),
    [
        ("GPL-3.0-only", "GPL-3.0"),
        ("GPL-3.0-or-later", "GPL-3.0"),
        ("GPL-2.0-only", "GPL-2.0"),
        ("AGPL-3.0-only", "AGPL-3.0"),
        ("AGPL-3.0-or-later", "AGPL-3.0"),
        ("LGPL-2.1-only", "LGPL-2.1"),
        ("LGPL-3.0-or-later", "LGPL-3.0"),
        ("MIT", "MIT"),
        ("Apache-2.0", "Apache-2.0"),
    ],
)
def test_modern_spdx_ids_are_spelt_the_registrys_way(modern: str, registry: str) -> None:
    assert to_registry_id(modern) == registry


def test_expressions_list_each_licence_once() -> None:
    assert licence_ids("(MIT OR Apache-2.0) AND CC-BY-4.0") == ["MIT", "Apache-2.0", "CC-BY-4.0"]
    assert licence_ids("GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT") == ["GPL-2.0-or-later", "MIT"]
    assert licence_ids("") == []


def test_a_dual_licence_and_a_declared_licence_are_both_exported(solution) -> None:
    add_scan(solution, "AGPL-3.0-only OR MPL-2.0")
    IndicatorAnswer.objects.create(
        solution=solution,
        indicator=Indicator.LICENCE,
        answer="CC-BY-4.0",
        evidence_urls=["https://growth.example.org/content-licence"],
    )
    nominee, _screening, errors = nomination_for(solution)
    assert errors == []
    assert [item["spdx"] for item in nominee["license"]] == ["AGPL-3.0", "MPL-2.0", "CC-BY-4.0"]
    assert nominee["license"][2]["licenseURL"] == "https://growth.example.org/content-licence"


def test_a_solution_without_sdgs_or_licence_gets_plain_words(solution) -> None:
    solution.sdgs = []
    solution.save()
    _nominee, _screening, errors = nomination_for(solution)
    assert "Choose at least one SDG." in errors
    assert "Name the open licence: no scan identified one and indicator 2 names none." in errors


def test_a_licence_not_on_the_dpga_list_is_named(solution) -> None:
    add_scan(solution, "BUSL-1.1")
    _nominee, _screening, errors = nomination_for(solution)
    assert errors == ["The licence 'BUSL-1.1' is not on the DPGA's list of approved open licences."]


def test_a_licence_without_a_link_and_a_bad_screening_answer_are_named(solution) -> None:
    solution.description = ""
    solution.save()
    IndicatorAnswer.objects.create(solution=solution, indicator="2", answer="MIT")
    IndicatorAnswer.objects.create(solution=solution, indicator="9a", details={"collectsPII": "Maybe"})
    _nominee, _screening, errors = nomination_for(solution)
    assert "Add a one-line description of the solution." in errors
    assert "Add a link to where the licence 'MIT' is published (e.g. the LICENSE file)." in errors
    assert "The screening answer 'collectsPII' must be Yes, No or Unknown, not 'Maybe'." in errors


def test_kinds_map_to_registry_types(solution) -> None:
    add_scan(solution, "CC-BY-4.0")
    solution.kind = "ai_model"
    solution.save()
    nominee, _screening, errors = nomination_for(solution)
    assert nominee["type"] == ["aimodel"]
    assert errors == []
