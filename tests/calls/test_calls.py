"""Calls: the deadline to the second, who sees which call, the manager's pages, stages and the form."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from seedbed.calls import services
from seedbed.calls.models import Call, CallStatus, Criterion, EligibilityRule, Question, Stage, Theme
from seedbed.core.models import AuditEvent, Country, Organization
from tests.calls.conftest import DAY, USD_CENTS
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


# --- The deadline ------------------------------------------------------------------------------------


def test_a_call_is_open_one_second_before_closing_and_closed_one_second_after(make_call):
    call = make_call("Deadline", -DAY, DAY)
    assert call.status_at(call.closes_at - dt.timedelta(seconds=1)) == CallStatus.OPEN
    assert call.status_at(call.closes_at) == CallStatus.CLOSED
    assert call.status_at(call.closes_at + dt.timedelta(seconds=1)) == CallStatus.CLOSED
    assert call.status_at(call.opens_at - dt.timedelta(seconds=1)) == CallStatus.DRAFT
    assert call.status_at(call.opens_at) == CallStatus.OPEN


def test_the_public_page_follows_the_clock_to_the_second(make_call, client):
    call = make_call("Deadline", DAY, 2 * DAY)
    with mock.patch("django.utils.timezone.now", return_value=call.opens_at - dt.timedelta(seconds=1)):
        assert client.get(f"/calls/{call.slug}/").status_code == 404  # a draft does not exist yet
    with mock.patch("django.utils.timezone.now", return_value=call.opens_at):
        assert "Open" in client.get(f"/calls/{call.slug}/").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=call.closes_at - dt.timedelta(seconds=1)):
        assert client.get("/api/calls").json()["items"][0]["status"] == "open"
    with mock.patch("django.utils.timezone.now", return_value=call.closes_at + dt.timedelta(seconds=1)):
        assert client.get("/api/calls").json()["items"][0]["status"] == "closed"


def test_the_deadline_is_shown_in_the_calls_zone_and_in_utc(make_call, client):
    call = make_call("Zones", -DAY, DAY)
    Call.objects.filter(pk=call.pk).update(closes_at=dt.datetime(2031, 3, 1, 20, 59, 59, tzinfo=dt.UTC))
    Call.objects.filter(pk=call.pk).update(opens_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    page = client.get(f"/calls/{call.slug}/").content.decode()
    assert '<time datetime="2031-03-01T20:59:59Z" data-local' in page
    assert "1 March 2031, 23:59:59 (Africa/Nairobi)" in page  # UTC+3
    assert "2031-03-01 20:59:59 UTC" in page
    assert "seedbed/local-time.js" in page


# --- Who sees which call -------------------------------------------------------------------------------


def test_anonymous_visitors_see_open_and_closed_calls_never_drafts(three_calls, client):
    page = client.get("/calls/").content.decode()
    assert "Open call" in page and "Blockchain 2018" in page and "Future call" not in page
    assert page.index("Open call") < page.index("Blockchain 2018")  # open calls first
    assert client.get(f"/calls/{three_calls['draft'].slug}/").status_code == 404
    assert client.get(f"/calls/{three_calls['closed'].slug}/").status_code == 200
    listed = [item["slug"] for item in client.get("/api/calls").json()["items"]]
    assert listed == [three_calls["open"].slug, three_calls["closed"].slug]
    assert client.get(f"/api/calls/{three_calls['draft'].slug}").status_code == 404


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_staff_see_drafts_applicants_and_outsiders_do_not(three_calls, personas, client_for, persona):
    client = client_for(personas[persona])
    sees_drafts = persona not in {"applicant", "outsider"}
    draft = three_calls["draft"]
    assert client.get(f"/calls/{draft.slug}/").status_code == (200 if sees_drafts else 404)
    assert client.get(f"/api/calls/{draft.slug}").status_code == (200 if sees_drafts else 404)
    assert ("Future call" in client.get("/calls/").content.decode()) is sees_drafts
    listed = [item["slug"] for item in client.get("/api/calls").json()["items"]]
    assert listed[0] == three_calls["open"].slug  # open first, then drafts, then closed
    assert (draft.slug in listed) is sees_drafts


def test_a_personal_token_lets_staff_see_drafts_through_the_api(three_calls, personas, client):
    from seedbed.core import services as core_services

    _token, raw = core_services.api_token_create(actor=personas["reviewer"], name="script")
    response = client.get(f"/api/calls/{three_calls['draft'].slug}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_themes_filter_the_list(make_call, client):
    blockchain = Theme.objects.get(slug="blockchain")
    make_call("Chain call", -DAY, DAY, themes=[blockchain])
    make_call("Other call", -DAY, DAY)
    page = client.get("/calls/?theme=blockchain").content.decode()
    assert "Chain call" in page and "Other call" not in page
    assert [item["title"] for item in client.get("/api/calls?theme=blockchain").json()["items"]] == [
        "Chain call"
    ]


def test_the_call_page_describes_rules_tickets_stages_rubric_and_form(make_call, client):
    call = make_call("Described", DAY, 2 * DAY)
    services.eligibility_rule_create(actor=None, call=call, kind="programme_country")
    services.eligibility_rule_create(
        actor=None, call=call, kind="organization_kinds", organization_kinds=["startup", "country_office"]
    )
    services.eligibility_rule_create(actor=None, call=call, kind="custom", text="Works with a ministry.")
    section = services.section_create(actor=None, call=call, title="Your team")
    services.question_create(
        actor=None,
        call=call,
        section=section,
        data={
            "kind": "long_text",
            "label": "Who is in the team?",
            "word_limit": 200,
            "translations": {"fr": {"label": "Qui fait partie de l'équipe ?"}},
        },
    )
    services.question_create(
        actor=None,
        call=call,
        section=None,
        data={"kind": "file", "label": "Budget", "allowed_file_types": ["pdf"], "max_file_mb": 5},
    )
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - DAY)
    page = client.get(f"/calls/{call.slug}/").content.decode()
    for text in [
        "50,000.00 USD – 100,000.00 USD",
        "registered in a UNICEF programme country",
        "Startup, UNICEF country office",
        "Works with a ministry.",
        "Eligibility screening",
        "Reach of children",
        "Who is in the team?",
        "at most 200 words",
        "up to 5 MB",
    ]:
        assert text in page, text
    assert (
        "Qui fait partie de l&#x27;équipe ?"
        in client.get(f"/calls/{call.slug}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    detail = client.get(f"/api/calls/{call.slug}").json()
    assert [stage["kind"] for stage in detail["stages"]][-1] == "decision"
    assert len(detail["rubric"]) == 7 and detail["rubric"][0]["weight"] == 3
    assert [rule["check_mode"] for rule in detail["rules"]] == [
        "automatic",
        "automatic",
        "applicant_answers_manager_verifies",
    ]
    assert detail["questions"][0]["section"] == "Your team"
    assert detail["ticket_min"] == str(50_000 * USD_CENTS)


def test_automatic_rules_read_the_directory(make_call, countries):
    call = make_call("Rules", DAY, 2 * DAY)
    country = services.eligibility_rule_create(actor=None, call=call, kind="programme_country")
    kinds = services.eligibility_rule_create(
        actor=None, call=call, kind="organization_kinds", organization_kinds=["startup"]
    )
    prototype = services.eligibility_rule_create(actor=None, call=call, kind="working_prototype")
    kenyan = Organization(name="K", kind="startup", country=Country.objects.get(iso2="KE"))
    swiss = Organization(name="S", kind="academic", country=Country.objects.get(iso2="CH"))
    assert country.evaluate(kenyan) is True and country.evaluate(swiss) is False
    assert kinds.evaluate(kenyan) is True and kinds.evaluate(swiss) is False
    assert prototype.evaluate(kenyan) is None  # a person verifies it


# --- The fund manager's pages ------------------------------------------------------------------------


def test_a_fund_manager_creates_a_call_with_default_stages_and_rubric(fund, personas, client_for):
    client = client_for(personas["fund_manager"])
    assert client.get("/calls/new/").status_code == 200
    response = client.post(
        "/calls/new/",
        {
            "fund": fund.pk,
            "title": "Learning 2031",
            "description": "A call.",
            "themes": [Theme.objects.get(slug="extended-reality").pk],
            "time_zone": "Europe/Paris",
            "opens_at": "2031-01-10T09:00:00",
            "closes_at": "2031-02-28T23:59:59",
            "ticket_min": "50,000.00",
            "ticket_max": "100,000",
            "default_rubric": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    call = Call.objects.get(slug="learning-2031")
    assert call.closes_at == dt.datetime(2031, 2, 28, 22, 59, 59, tzinfo=dt.UTC)  # Paris is UTC+1 in winter
    assert (call.ticket_min, call.ticket_max) == (50_000 * USD_CENTS, 100_000 * USD_CENTS)
    assert list(call.stages.values_list("kind", flat=True)) == [
        "expression_of_interest",
        "eligibility",
        "shortlist",
        "due_diligence",
        "committee",
        "decision",
    ]
    assert call.criteria.count() == 7
    assert [theme.slug for theme in call.themes.all()] == ["extended-reality"]
    assert AuditEvent.objects.filter(action="call.create", object_id=str(call.pk)).count() == 1


def test_the_create_form_refuses_bad_dates_and_amounts(fund, personas, client_for):
    client = client_for(personas["fund_manager"])
    response = client.post(
        "/calls/new/",
        {
            "fund": fund.pk,
            "title": "Bad",
            "time_zone": "UTC",
            "opens_at": "2031-02-10T09:00:00",
            "closes_at": "2031-02-10T09:00:00",
            "ticket_min": "100,000.001",
            "ticket_max": "50,000",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"ticket_min"}
    assert not Call.objects.exists()
    response = client.post(
        "/calls/new/",
        {
            "fund": fund.pk,
            "title": "Bad",
            "time_zone": "UTC",
            "opens_at": "2031-02-10T09:00:00",
            "closes_at": "2031-02-10T09:00:00",
            "ticket_min": "100,000",
            "ticket_max": "50,000",
        },
    )
    assert set(response.context["form"].errors) == {"closes_at", "ticket_max"}
    assert not Call.objects.exists() and not AuditEvent.objects.filter(action="call.create").exists()


def test_a_fund_manager_edits_a_call(make_call, personas, client_for):
    call = make_call("Edit me", DAY, 2 * DAY)
    client = client_for(personas["fund_manager"])
    page = client.get(f"/calls/{call.slug}/edit/")
    assert page.status_code == 200
    data = {**page.context["form"].initial, "title": "Edited"}
    data["themes"] = []
    data["opens_at"] = data["opens_at"].strftime("%Y-%m-%dT%H:%M:%S")
    data["closes_at"] = data["closes_at"].strftime("%Y-%m-%dT%H:%M:%S")
    response = client.post(f"/calls/{call.slug}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    call.refresh_from_db()
    assert call.title == "Edited"
    event = AuditEvent.objects.get(action="call.update")
    assert event.changes == {"title": ["Edit me", "Edited"]}  # unchanged dates and amounts are not changes


def _stage_post(stages: list[tuple[str, str]]) -> dict[str, str]:
    data = {"stages-TOTAL_FORMS": str(len(stages)), "stages-INITIAL_FORMS": "0"}
    for n, (name, kind) in enumerate(stages):
        data[f"stages-{n}-name"] = name
        data[f"stages-{n}-kind"] = kind
    return data


def test_stages_are_edited_before_the_call_opens(make_call, personas, client_for):
    call = make_call("Stages", DAY, 2 * DAY)
    client = client_for(personas["fund_manager"])
    assert client.get(f"/calls/{call.slug}/stages/").status_code == 200
    response = client.post(
        f"/calls/{call.slug}/stages/",
        _stage_post(
            [("Pitch", "expression_of_interest"), ("Committee", "committee"), ("Decision", "decision")]
        ),
    )
    assert response.status_code == 302
    assert list(call.stages.values_list("name", flat=True)) == ["Pitch", "Committee", "Decision"]
    assert AuditEvent.objects.filter(action="call.stages_update").count() == 1


def test_stages_are_refused_once_the_call_has_opened(make_call, personas, client_for):
    call = make_call("Opened", -DAY, DAY)
    client = client_for(personas["fund_manager"])
    before = list(Stage.objects.filter(call=call).values_list("pk", "name", "kind", "position"))
    response = client.post(f"/calls/{call.slug}/stages/", _stage_post([("Decision", "decision")]))
    assert response.status_code == 422
    assert "cannot change once it has opened" in response.content.decode()
    assert list(Stage.objects.filter(call=call).values_list("pk", "name", "kind", "position")) == before
    assert not AuditEvent.objects.filter(action="call.stages_update").exists()
    page = client.get(f"/calls/{call.slug}/stages/").content.decode()
    assert "can no longer change" in page and '<form method="post" novalidate>' not in page


def test_stages_must_end_with_the_decision(make_call):
    call = make_call("Order", DAY, 2 * DAY)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.stages_update(actor=None, call=call, stages=[{"name": "Committee", "kind": "committee"}])
    assert call.stages.count() == 6


def test_questions_are_copied_from_an_earlier_call(make_call, personas, client_for):
    old = make_call("Old", -40 * DAY, -10 * DAY)
    Call.objects.filter(pk=old.pk).update(opens_at=timezone.now() + DAY, closes_at=timezone.now() + 2 * DAY)
    old.refresh_from_db()
    section = services.section_create(actor=None, call=old, title="About you")
    services.question_create(
        actor=None, call=old, section=section, data={"kind": "short_text", "label": "Name"}
    )
    services.question_create(
        actor=None,
        call=old,
        section=None,
        data={"kind": "single_choice", "label": "Stage", "choices": ["Idea", "Prototype"], "required": False},
    )
    new = make_call("New one", DAY, 2 * DAY)
    services.question_create(actor=None, call=new, section=None, data={"kind": "url", "label": "Website"})
    client = client_for(personas["fund_manager"])
    response = client.post(f"/calls/{new.slug}/copy-questions/", {"from_call": old.pk})
    assert response.status_code == 302
    copied = list(new.questions.order_by("position").select_related("section"))
    assert [(q.label, q.kind, q.section.title if q.section else None) for q in copied] == [
        ("Website", "url", None),
        ("Name", "short_text", "About you"),
        ("Stage", "single_choice", None),
    ]
    assert copied[2].choices == ["Idea", "Prototype"] and copied[2].required is False
    assert copied[1].section.call_id == new.pk
    assert old.questions.count() == 2  # the original is untouched
    assert AuditEvent.objects.filter(action="call.questions_copy", object_id=str(new.pk)).count() == 1


def test_questions_cannot_be_copied_into_an_open_call(make_call, personas, client_for):
    old = make_call("Old", DAY, 2 * DAY)
    services.question_create(actor=None, call=old, section=None, data={"kind": "short_text", "label": "Name"})
    opened = make_call("Opened", -DAY, DAY)
    client_for(personas["fund_manager"]).post(f"/calls/{opened.slug}/copy-questions/", {"from_call": old.pk})
    assert not opened.questions.exists()
    assert not AuditEvent.objects.filter(action="call.questions_copy").exists()


def test_a_fund_manager_adds_a_theme(personas):
    theme = services.theme_create(actor=personas["fund_manager"], name="Drone mapping")
    assert theme.slug == "drone-mapping"
    assert AuditEvent.objects.filter(action="theme.create").count() == 1
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.theme_create(actor=personas["reviewer"], name="Other")


# --- Constraints -------------------------------------------------------------------------------------


def _violates(**changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=changes.pop("pk")).update(**changes)


def test_the_database_refuses_impossible_calls(make_call):
    call = make_call("Constrained", DAY, 2 * DAY)
    _violates(pk=call.pk, closes_at=call.opens_at)
    _violates(pk=call.pk, ticket_min=100_000 * USD_CENTS + 1)
    _violates(pk=call.pk, ticket_min=-1)
    # Compared as numbers, not as text: 9 < 10 although "9" > "10".
    Call.objects.filter(pk=call.pk).update(ticket_min=9, ticket_max=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(call=call, position=1).update(weight=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(call=call, position=1, name="Twice", kind="shortlist")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(call=call, position=1, kind="long_text", label="A", word_limit=0)
        Question.objects.create(call=call, position=1, kind="short_text", label="B")
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityRule.objects.create(call=call, position=1, kind="custom", text="", check_mode="automatic")


# --- Permissions of the manager pages -----------------------------------------------------------------

MANAGERS = {"fund_manager", "administrator"}


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_only_fund_managers_and_administrators_open_the_manager_pages(
    make_call, personas, client_for, persona
):
    call = make_call("Guarded", DAY, 2 * DAY)
    source = make_call("Source", DAY, 2 * DAY)
    services.question_create(actor=None, call=source, section=None, data={"kind": "short_text", "label": "Q"})
    client = client_for(personas[persona] if persona else None)
    events = AuditEvent.objects.count()
    for url in ("/calls/new/", f"/calls/{call.slug}/edit/", f"/calls/{call.slug}/stages/"):
        status = client.get(url).status_code
        if persona is None:
            assert status == 302, url
        else:
            assert status == (200 if persona in MANAGERS else 403), (url, status)
    stages = _stage_post([("Decision", "decision")])
    writes = [
        ("/calls/new/", {"fund": call.fund_id, "title": "Sneaky", "time_zone": "UTC"}),
        (f"/calls/{call.slug}/edit/", {"title": "Sneaky"}),
        (f"/calls/{call.slug}/stages/", stages),
        (f"/calls/{call.slug}/copy-questions/", {"from_call": source.pk}),
    ]
    for url, data in writes:
        status = client.post(url, data).status_code
        if persona is None:
            assert status == 302
        elif persona not in MANAGERS:
            assert status == 403, (url, status)
    if persona not in MANAGERS:
        call.refresh_from_db()
        assert call.title == "Guarded" and call.stages.count() == 6 and not call.questions.exists()
        assert AuditEvent.objects.count() == events
        assert not Call.objects.filter(title="Sneaky").exists()


def test_the_manager_links_show_only_to_managers(three_calls, personas, client_for):
    assert "New call" in client_for(personas["fund_manager"]).get("/calls/").content.decode()
    assert "New call" not in client_for(personas["reviewer"]).get("/calls/").content.decode()


def test_everyone_sees_calls_in_the_navigation(client, personas, client_for):
    assert 'href="/calls/"' in client.get("/").content.decode()
    assert 'href="/calls/"' in client_for(personas["applicant"]).get("/").content.decode()
