"""The applications API: an applicant's own applications (read, write while a draft), one application as
the reader may see it, the managers' list per call, and who may do what."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seedbed.calls import services
from seedbed.calls.models import Application, Call, QuestionKind, Review, RuleKind
from seedbed.core.models import Country, Membership, Organization
from tests.conftest import make_user

DAY = dt.timedelta(days=1)


@pytest.fixture
def call(make_call: Callable[..., Call], personas: dict[str, Any]) -> Call:
    manager = personas["fund_manager"]
    call = make_call("Open call", 10 * DAY, 40 * DAY)
    services.eligibility_rule_create(actor=manager, call=call, kind=RuleKind.PROGRAMME_COUNTRY)
    services.question_create(
        actor=manager, call=call, section=None, data={"kind": QuestionKind.NUMBER, "label": "Team size"}
    )
    services.question_create(
        actor=manager,
        call=call,
        section=None,
        data={"kind": QuestionKind.URL, "label": "Website", "hidden_in_blind_review": True},
    )
    now = timezone.now().replace(microsecond=0)
    Call.objects.filter(pk=call.pk).update(opens_at=now - DAY, closes_at=now + 30 * DAY)
    call.refresh_from_db()
    return call


@pytest.fixture
def applicant(countries: Any) -> Any:
    user = make_user("amina", ("applicant",))
    organization = Organization.objects.create(
        name="Kijani Data Labs", slug="kijani", kind="startup", country=Country.objects.get(iso2="KE")
    )
    Membership.objects.create(user=user, organization=organization, role="owner")
    return user


def _json(client: Client, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json() if response.content else None


def test_an_applicant_applies_through_the_api(call: Call, applicant: Any, client_for: Any) -> None:
    client = client_for(applicant)
    status, created = _json(
        client, "post", f"/api/calls/{call.slug}/applications", {"organization": "kijani", "title": "Kijani"}
    )
    assert status == 201 and created["status"] == "draft" and created["reference"] == "OC-0001"
    pk = created["id"]
    questions = {q.label: q.pk for q in call.questions.all()}
    status, saved = _json(
        client, "patch", f"/api/applications/{pk}", {"answers": {str(questions["Team size"]): "many"}}
    )
    assert status == 200
    assert saved["problems"][f"q{questions['Team size']}"] == "Enter a number."
    status, refused = _json(client, "post", f"/api/applications/{pk}/submit")
    assert status == 422
    assert {item["loc"][-1] for item in refused["detail"]} >= {
        f"q{questions['Team size']}",
        f"q{questions['Website']}",
    }
    _json(
        client,
        "patch",
        f"/api/applications/{pk}",
        {
            "answers": {
                str(questions["Team size"]): "4",
                str(questions["Website"]): "https://kijani.example.org",
            }
        },
    )
    status, submitted = _json(client, "post", f"/api/applications/{pk}/submit")
    assert (
        status == 200
        and submitted["status"] == "submitted"
        and submitted["stage_kind"] == "expression_of_interest"
    )
    status, _after = _json(client, "patch", f"/api/applications/{pk}", {"title": "Changed"})
    assert status == 403  # no longer a draft
    status, mine = _json(client, "get", "/api/applications")
    assert status == 200 and mine["count"] == 1 and mine["items"][0]["title"] == "Kijani"
    status, detail = _json(client, "get", f"/api/applications/{pk}")
    assert detail["organization"] == "kijani" and detail["eligibility"] == "eligible"
    assert detail["messages"][0]["kind"] == "confirmation"
    status, withdrawn = _json(
        client, "post", f"/api/applications/{pk}/withdraw", {"reason": "Funded elsewhere"}
    )
    assert status == 200 and withdrawn["status"] == "withdrawn"


def test_someone_elses_application_does_not_exist(
    call: Call, applicant: Any, client_for: Any, personas: dict[str, Any], make_application: Any
) -> None:
    other = make_application(call, "Nyota Health")
    draft = make_application(call, "Kalam Learning", status="draft")
    client = client_for(applicant)
    for url in (f"/api/applications/{other.pk}", f"/api/applications/{draft.pk}"):
        assert client.get(url).status_code == 404
    assert _json(client, "patch", f"/api/applications/{other.pk}", {"title": "Mine"})[0] == 404
    assert _json(client, "post", f"/api/applications/{other.pk}/withdraw")[0] == 404
    # A manager sees submitted applications but never drafts.
    manager = client_for(personas["fund_manager"])
    assert manager.get(f"/api/applications/{other.pk}").status_code == 200
    assert manager.get(f"/api/applications/{draft.pk}").status_code == 404
    assert Client().get(f"/api/applications/{other.pk}").status_code == 401


def test_applicants_cannot_start_for_an_organization_they_do_not_belong_to(
    call: Call, applicant: Any, client_for: Any
) -> None:
    Organization.objects.create(name="Other", slug="other", kind="startup")
    status, body = _json(
        client_for(applicant),
        "post",
        f"/api/calls/{call.slug}/applications",
        {"organization": "other", "title": "X"},
    )
    assert status == 422 and body["detail"][0]["loc"][-1] == "organization"
    assert not Application.objects.exists()


def test_blind_review_hides_identity_in_the_api(
    call: Call, client_for: Any, personas: dict[str, Any], make_application: Any
) -> None:
    Call.objects.filter(pk=call.pk).update(blind_review=True)
    application = make_application(call, "Nyota Health")
    website = call.questions.get(label="Website")
    application.answers = {str(website.pk): "https://nyota.example.org"}
    application.save()
    Review.objects.create(application=application, reviewer=personas["reviewer"])
    response = client_for(personas["reviewer"]).get(f"/api/applications/{application.pk}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nyota" not in text and "nyota" not in text
    body = response.json()
    assert body["identity_hidden"] is True and body["organization"] is None and body["title"] is None
    assert body["messages"] == [] and body["eligibility"] is None
    manager = client_for(personas["fund_manager"]).get(f"/api/applications/{application.pk}").json()
    assert manager["organization"] == "nyota-health"


def test_managers_list_with_filters_and_a_constant_number_of_queries(
    call: Call, client_for: Any, personas: dict[str, Any], make_application: Any
) -> None:
    manager = client_for(personas["fund_manager"])
    url = f"/api/calls/{call.slug}/applications"
    for index in range(3):
        make_application(call, f"Team {index}")
    with CaptureQueriesContext(connection) as few:
        assert manager.get(url).status_code == 200
    for index in range(3, 40):
        make_application(call, f"Team {index}", stage_kind="shortlist")
    with CaptureQueriesContext(connection) as many:
        body = manager.get(url).json()
    assert len(many) == len(few)
    assert body["count"] == 40
    shortlist = call.stages.get(kind="shortlist")
    assert manager.get(url, {"stage": shortlist.pk}).json()["count"] == 37
    assert manager.get(url, {"q": "Team 1"}).json()["count"] == 11  # Team 1, 10..19
    assert manager.get(url, {"status": "draft"}).status_code == 422
    for persona in ("reviewer", "applicant", "outsider", "committee_member"):
        assert client_for(personas[persona]).get(url).status_code == 403
