"""The DPG Standard assessment through the pages and the API: answers suggested by scans, confirmed by the
team, signed off by a reviewer; the readiness summary; the DPG status with its expiry on the home page; and
the nomination export with its plain-word errors."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from seedbed.core.models import AuditEvent
from seedbed.dpg import services
from seedbed.dpg.models import DpgStatus, IndicatorAnswer, RegistryRecord
from seedbed.dpg.registry import BUNDLE_PATH, registry_import, schema_errors
from seedbed.portfolio import services as portfolio_services
from tests.dpg.conftest import MIT_TEXT, README

pytestmark = pytest.mark.django_db


def _answers(solution: Any) -> dict[str, IndicatorAnswer]:
    return {a.indicator: a for a in IndicatorAnswer.objects.filter(solution=solution)}


def test_a_scan_suggests_the_items_it_can_speak_to_and_leaves_the_rest_to_people(
    solution: Any, good_repo: Any, scan_of: Any
) -> None:
    scan = scan_of(good_repo)
    answers = _answers(solution)
    assert answers["2"].suggested and answers["2"].met is True
    assert "MIT" in answers["2"].answer
    assert f"#{scan.pk}" in answers["2"].suggestion_source
    assert any(url.endswith(reverse("scan_detail", args=[scan.pk])) for url in answers["2"].evidence_urls)
    assert answers["9c"].met is True  # the code of conduct
    assert answers["5"].suggested  # README present; no docs folder, so not settled
    # SDGs, privacy laws and content policies are for people: nothing is suggested.
    assert not {"1", "7", "9b"} & set(answers)


def test_a_licence_with_an_added_restriction_is_suggested_as_not_met(
    solution: Any, make_repo: Any, scan_of: Any
) -> None:
    restricted = MIT_TEXT + "\nThe Software shall not be used for military purposes.\n"
    scan_of(make_repo("restricted", {"LICENSE": restricted, "README.md": README}))
    answer = _answers(solution)["2"]
    assert answer.suggested and answer.met is False


def test_a_persons_answer_is_never_overwritten_by_a_later_scan(
    solution: Any, people: dict[str, Any], good_repo: Any, scan_of: Any, client_for: Any
) -> None:
    scan_of(good_repo)
    client = client_for(people["grantee"])
    response = client.post(
        reverse("assessment_edit", args=[solution.slug, "2"]),
        {
            "action": "answer",
            "answer": "MIT, see LICENSE",
            "evidence_urls": "https://example.org/LICENSE",
            "met": "yes",
        },
    )
    assert response.status_code == 302
    answer = _answers(solution)["2"]
    assert not answer.suggested and answer.answer == "MIT, see LICENSE"
    assert services.assessment_suggest(solution=solution) == 0
    assert _answers(solution)["2"].answer == "MIT, see LICENSE"


def test_the_team_answers_a_reviewer_signs_off_and_a_change_withdraws_the_sign_off(
    solution: Any, people: dict[str, Any], client_for: Any
) -> None:
    team, mentor = client_for(people["grantee"]), client_for(people["mentor"])
    url = reverse("assessment_edit", args=[solution.slug, "9a"])
    page = team.get(url)
    assert "Does it collect, store or share personal data?" in page.content.decode()
    response = team.post(
        url,
        {
            "action": "answer",
            "answer": "Records are encrypted at rest; access is logged.",
            "evidence_urls": "https://example.org/privacy\nhttps://example.org/security",
            "met": "yes",
            "collectsPII": "Yes",
            "thirdPartyDataSharing": "No",
        },
    )
    assert response.status_code == 302
    answer = _answers(solution)["9a"]
    assert answer.details == {"collectsPII": "Yes", "thirdPartyDataSharing": "No"}
    assert answer.evidence_urls == ["https://example.org/privacy", "https://example.org/security"]
    # Someone who may read but not answer sees the screening questions in words.
    read_only = client_for(people["finance_officer"]).get(url).content.decode()
    assert "Does it collect or store personal data?" in read_only and 'name="answer"' not in read_only

    # The team cannot sign off its own answer; a mentor can.
    assert team.post(url, {"action": "sign_off", "verdict": "met"}).status_code == 403
    assert mentor.post(url, {"action": "sign_off", "verdict": "met"}).status_code == 302
    answer.refresh_from_db()
    assert answer.signed_off and answer.met is True and answer.signed_off_by == people["mentor"]
    summary = mentor.get(reverse("assessment_detail", args=[solution.slug])).content.decode()
    assert "1 of 11 items are met and signed off." in summary

    team.post(
        url,
        {
            "action": "answer",
            "answer": "Records are encrypted at rest.",
            "evidence_urls": "https://example.org/privacy",
            "met": "yes",
        },
    )
    answer.refresh_from_db()
    assert not answer.signed_off and answer.signed_off_by is None
    assert AuditEvent.objects.filter(action="dpg.answer").count() == 2
    assert AuditEvent.objects.filter(action="dpg.sign_off").count() == 1


def test_a_sign_off_needs_evidence_to_be_met_and_a_note_to_be_not_met(
    solution: Any, people: dict[str, Any], client_for: Any
) -> None:
    IndicatorAnswer.objects.create(solution=solution, indicator="7", answer="GDPR applies.")
    mentor = client_for(people["mentor"])
    url = reverse("assessment_edit", args=[solution.slug, "7"])
    refused = mentor.post(url, {"action": "sign_off", "verdict": "met"})
    assert refused.status_code == 422
    assert "at least one evidence link" in refused.content.decode()
    refused = mentor.post(url, {"action": "sign_off", "verdict": "not_met"})
    assert refused.status_code == 422 and "Say what is missing" in refused.content.decode()
    done = mentor.post(url, {"action": "sign_off", "verdict": "not_met", "note": "Link the privacy policy."})
    assert done.status_code == 302
    page = client_for(people["grantee"]).get(url).content.decode()
    assert "Signed off as not met" in page and "Link the privacy policy." in page


def test_evidence_links_must_be_http_links(solution: Any, people: dict[str, Any], client_for: Any) -> None:
    response = client_for(people["grantee"]).post(
        reverse("assessment_edit", args=[solution.slug, "5"]),
        {"action": "answer", "answer": "Docs", "evidence_urls": "javascript:alert(1)", "met": ""},
    )
    assert response.status_code == 422
    assert "is not an http(s) link" in response.content.decode()
    assert not IndicatorAnswer.objects.filter(solution=solution).exists()


def test_the_readiness_summary_says_what_is_met_waiting_and_lacking_evidence(
    solution: Any, people: dict[str, Any], client_for: Any
) -> None:
    IndicatorAnswer.objects.create(
        solution=solution,
        indicator="1",
        answer="SDG 3",
        evidence_urls=["https://example.org/sdg"],
        met=True,
        signed_off_by=people["mentor"],
        signed_off_at=timezone.now(),
    )
    IndicatorAnswer.objects.create(solution=solution, indicator="7", answer="GDPR")
    readiness = services.readiness(solution)
    assert readiness.met == 1 and readiness.total == 11 and not readiness.complete
    assert [row.item.code for row in readiness.waiting] == ["7"]
    assert "7" in [row.item.code for row in readiness.lacking_evidence]
    assert "1" not in [row.item.code for row in readiness.lacking_evidence]
    page = client_for(people["fund_manager"]).get(reverse("solution_detail", args=[solution.slug]))
    assert "1 of 11 items are met and signed off." in page.content.decode()


def test_a_dpg_status_lasts_one_year_and_the_home_page_warns_before_it_expires(
    solution: Any, people: dict[str, Any], client_for: Any
) -> None:
    manager = client_for(people["fund_manager"])
    today = timezone.localdate()
    since = today - dt.timedelta(days=340)
    response = manager.post(
        reverse("dpg_status_edit", args=[solution.slug]), {"status": "dpg", "since": since.isoformat()}
    )
    assert response.status_code == 302
    status = DpgStatus.objects.get(solution=solution)
    assert status.expires_on == since.replace(year=since.year + 1) and status.source == "manual"
    home = manager.get(reverse("home")).content.decode()
    assert f"The DPG status of {solution.name} expires in {status.days_left()} days" in home
    # The team sees its own solution's renewal too; another team does not.
    assert solution.name in client_for(people["grantee"]).get(reverse("home")).content.decode()
    assert solution.name not in client_for(people["other_grantee"]).get(reverse("home")).content.decode()
    listed = manager.get(reverse("solution_list") + "?dpg=renewal").content.decode()
    assert solution.name in listed

    services.dpg_status_set(
        actor=people["fund_manager"], solution=solution, status="dpg", since=today - dt.timedelta(days=400)
    )
    home = manager.get(reverse("home")).content.decode()
    assert f"The DPG status of {solution.name} has expired" in home


def test_a_dpg_status_needs_a_date_in_the_past(solution: Any, people: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="recognised it as a DPG"):
        services.dpg_status_set(actor=people["fund_manager"], solution=solution, status="dpg")
    with pytest.raises(ValidationError, match="future"):
        services.dpg_status_set(
            actor=people["fund_manager"],
            solution=solution,
            status="dpg",
            since=timezone.localdate() + dt.timedelta(days=1),
        )
    assert not DpgStatus.objects.filter(solution=solution).exists()


def test_the_nomination_page_explains_errors_and_downloads_valid_documents(
    solution: Any, people: dict[str, Any], client_for: Any, good_repo: Any, scan_of: Any
) -> None:
    client = client_for(people["grantee"])
    page = client.get(reverse("nomination", args=[solution.slug])).content.decode()
    assert "Choose at least one SDG." in page
    assert "Name the open licence" in page

    scan_of(good_repo)
    solution.sdgs = [3]
    solution.description = "Growth charts for community health workers."
    solution.save()
    IndicatorAnswer.objects.update_or_create(
        solution=solution,
        indicator="2",
        defaults={"evidence_urls": ["https://example.org/LICENSE"], "answer": "MIT", "suggested": False},
    )
    page = client.get(reverse("nomination", args=[solution.slug])).content.decode()
    assert "Choose at least one SDG." not in page
    assert "Both documents are valid" in page, page[page.find("alert") : page.find("alert") + 600]
    assert "are suggestions no one has confirmed yet" in page  # the scan's, not confirmed

    response = client.get(reverse("nomination_download", args=[solution.slug, "zip"]))
    assert response["Content-Disposition"] == 'attachment; filename="growth-monitor-nomination.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "digitalpublicgoods/growth-monitor.json",
        "nominees/growth-monitor.json",
    ]
    nominee = json.loads(archive.read("nominees/growth-monitor.json"))
    screening = json.loads(archive.read("digitalpublicgoods/growth-monitor.json"))
    assert schema_errors("nominee", nominee) == [] and schema_errors("screening", screening) == []
    assert nominee["license"][0]["spdx"] == "MIT"
    assert nominee["repositories"] == []  # a local folder is no address for the DPGA
    single = client.get(reverse("nomination_download", args=[solution.slug, "screening"]))
    assert json.loads(single.content) == screening
    assert client.get(reverse("nomination_download", args=[solution.slug, "other"])).status_code == 404


def test_the_api_reads_and_writes_the_assessment_status_and_nomination(
    solution: Any, people: dict[str, Any], client_for: Any
) -> None:
    team, mentor, manager = (client_for(people[name]) for name in ("grantee", "mentor", "fund_manager"))
    base = f"/api/solutions/{solution.slug}"
    body = team.get(f"{base}/assessment").json()
    assert body["total"] == 11 and body["met"] == 0
    assert [item["indicator"] for item in body["items"]][-3:] == ["9a", "9b", "9c"]

    put = team.put(
        f"{base}/assessment/6",
        {
            "answer": "CSV and JSON export",
            "evidence_urls": ["https://example.org/export"],
            "details": {"collectsNonPII": "Yes"},
        },
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert put.json()["state"] == "waiting" and put.json()["details"] == {"collectsNonPII": "Yes"}
    bad = team.put(f"{base}/assessment/6", {"evidence_urls": ["ftp://x"]}, content_type="application/json")
    assert bad.status_code == 422
    assert (
        team.post(f"{base}/assessment/6/sign-off", {"met": True}, content_type="application/json").status_code
        == 403
    )
    signed = mentor.post(f"{base}/assessment/6/sign-off", {"met": True}, content_type="application/json")
    assert signed.status_code == 200 and signed.json()["state"] == "met"
    assert team.get(f"{base}/assessment").json()["met"] == 1

    assert (
        team.put(f"{base}/dpg-status", {"status": "nominee"}, content_type="application/json").status_code
        == 403
    )
    status = manager.put(
        f"{base}/dpg-status", {"status": "dpg", "since": "2026-03-01"}, content_type="application/json"
    )
    assert status.status_code == 200 and status.json()["expires_on"] == "2027-03-01"
    assert team.get(f"{base}/dpg-status").json()["status"] == "dpg"

    nomination = team.get(f"{base}/nomination").json()
    assert nomination["valid"] is False and "Choose at least one SDG." in nomination["errors"]
    assert nomination["screening"]["NonPII"]["collectsNonPII"] == "Yes"
    assert client_for(people["other_grantee"]).get(f"{base}/nomination").status_code == 404


def test_the_team_edits_the_solution_until_the_nomination_is_valid(
    solution: Any, people: dict[str, Any], client_for: Any, good_repo: Any, scan_of: Any
) -> None:
    """Description and SDGs were missing; the team fills them in from the page the nomination links to."""
    scan_of(good_repo)
    IndicatorAnswer.objects.update_or_create(
        solution=solution,
        indicator="2",
        defaults={"evidence_urls": ["https://example.org/LICENSE"], "answer": "MIT", "suggested": False},
    )
    client = client_for(people["grantee"])
    edit = reverse("solution_edit", args=[solution.slug]) + "?next=nomination"
    assert edit in client.get(reverse("nomination", args=[solution.slug])).content.decode().replace(
        "&amp;", "&"
    )
    refused = client.post(edit, {"name": "Growth Monitor", "kind": "software", "sdgs": ["18"]})
    assert refused.status_code == 422
    response = client.post(
        edit,
        {
            "name": "Growth Monitor",
            "kind": "software",
            "description": "Growth charts for community health workers.",
            "website": "https://growth.example.org",
            "sdgs": ["3", "2"],
        },
    )
    assert response.status_code == 302 and response.url == reverse("nomination", args=[solution.slug])
    solution.refresh_from_db()
    assert solution.sdgs == [2, 3] and solution.website == "https://growth.example.org"
    assert AuditEvent.objects.filter(action="solution.update").count() == 1
    page = client.get(response.url).content.decode()
    assert "Both documents are valid" in page
    # Another team may not edit it.
    other = client_for(people["other_grantee"]).post(edit, {"name": "Taken", "kind": "software"})
    assert other.status_code == 404


def test_a_renewal_starts_from_the_answers_the_dpga_accepted(
    solution: Any, people: dict[str, Any], client_for: Any
) -> None:
    """Primero's record in the shared registry: its SDG evidence, licence, documentation and screening
    answers become suggestions; an answer the team wrote is kept."""
    registry_import(BUNDLE_PATH)
    RegistryRecord.objects.filter(key="primero").update(solution=solution)
    IndicatorAnswer.objects.create(solution=solution, indicator="7", answer="Our own answer", suggested=False)
    IndicatorAnswer.objects.create(
        solution=solution, indicator="5", answer="✓ README", suggested=True, suggested_from="scan"
    )
    client = client_for(people["grantee"])
    url = reverse("assessment_detail", args=[solution.slug])
    assert "Start from the registry record" in client.get(url).content.decode()
    assert client.post(url, {"action": "registry"}).status_code == 302
    answers = _answers(solution)
    assert answers["2"].answer == "AGPL-3.0" and answers["2"].suggested and answers["2"].met is True
    assert answers["2"].evidence_urls == ["https://github.com/primeroIMS/primero/blob/maint_1.6/LICENSE"]
    # A scan's suggestion gives way to the record a person asked for.
    assert answers["5"].evidence_urls == ["https://support.primero.org/documentation"]
    assert answers["5"].suggested_from == "registry"
    assert answers["9a"].details == {"collectsPII": "Yes", "thirdPartyDataSharing": "Yes"}
    assert "Child biodata" in answers["9a"].answer
    assert answers["1"].answer.startswith("SDG 5")
    assert answers["7"].answer == "Our own answer" and not answers["7"].suggested
    assert answers["2"].suggestion_source == "DPGA registry record primero"
    # The page says where the suggestion comes from; only those who can answer are told to confirm it.
    item = reverse("assessment_edit", args=[solution.slug, "9a"])
    for persona, told in (("grantee", True), ("finance_officer", False)):
        page = client_for(people[persona]).get(item).content.decode()
        assert "Suggested by the registry record" in page
        assert ("and save: it then counts" in page) is told, persona
    # Nothing changes on a second run; a solution with no record is told so.
    assert services.assessment_from_registry(actor=people["grantee"], solution=solution) == 0
    RegistryRecord.objects.update(solution=None)
    with pytest.raises(ValidationError, match="not matched"):
        services.assessment_from_registry(actor=people["grantee"], solution=solution)
    body = client.post(f"/api/solutions/{solution.slug}/assessment/from-registry")
    assert body.status_code == 422


def test_a_later_scan_leaves_the_registry_records_suggestions_alone(
    solution: Any, people: dict[str, Any], good_repo: Any, scan_of: Any
) -> None:
    registry_import(BUNDLE_PATH)
    RegistryRecord.objects.filter(key="primero").update(solution=solution)
    services.assessment_from_registry(actor=people["grantee"], solution=solution)
    scan_of(good_repo)  # finds an MIT licence and a code of conduct
    answers = _answers(solution)
    assert answers["2"].answer == "AGPL-3.0" and answers["2"].suggested_from == "registry"
    assert answers["9c"].suggested_from == "registry"


def test_the_team_reaches_its_solution_from_its_investment(
    solution: Any, team: Any, people: dict[str, Any], client_for: Any, make_investment: Any
) -> None:
    """The grantee has no Solutions menu: the investment page links to the solution's readiness."""
    investment = make_investment(team, solutions=[solution])
    page = client_for(people["grantee"]).get(investment.get_absolute_url()).content.decode()
    link = reverse("solution_detail", args=[solution.slug])
    assert f'<a href="{link}">Growth Monitor</a>' in page
    assert client_for(people["grantee"]).get(link).status_code == 200


def test_several_renewals_are_counted_on_the_home_page_and_listed_together(
    team: Any, people: dict[str, Any], client_for: Any
) -> None:
    today = timezone.localdate()
    for name, days_ago in (("Alpha", 330), ("Beta", 350), ("Gamma", 364), ("Delta", 200), ("Old", 500)):
        solution = portfolio_services.solution_create(actor=None, organization=team, name=name)
        services.dpg_status_set(
            actor=None, solution=solution, status="dpg", since=today - dt.timedelta(days=days_ago)
        )
    manager = client_for(people["fund_manager"])
    home = manager.get(reverse("home")).content.decode()
    assert "3 DPG statuses expire within 45 days: start the renewals." in home  # not Delta
    assert "The DPG status of Old has expired" in home
    listed = manager.get(reverse("solution_list"), {"dpg": "renewal"}).content.decode()
    assert all(name in listed for name in ("Alpha", "Beta", "Gamma", "Old")) and "Delta" not in listed


def test_the_breadcrumb_starts_where_each_person_can_go(
    solution: Any, people: dict[str, Any], client_for: Any
) -> None:
    """The team has no list of every solution (403): its breadcrumb starts at its investments."""
    url = reverse("assessment_detail", args=[solution.slug])
    team_page = client_for(people["grantee"]).get(url).content.decode()
    assert f'href="{reverse("my_investments")}">My investments' in team_page
    assert f'href="{reverse("solution_list")}"' not in team_page
    staff_page = client_for(people["mentor"]).get(url).content.decode()
    assert f'href="{reverse("solution_list")}">Solutions' in staff_page
