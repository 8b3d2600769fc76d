"""The managers' set-up of a call: eligibility rules, rubric, form (with preview and translations) and themes,
through the pages and the API; read-only once the call opens; for fund managers and administrators only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seedbed.calls import services
from seedbed.calls.models import Application, Call, Criterion, EligibilityRule, Question, Section, Theme
from seedbed.core.models import AuditEvent
from tests.calls.conftest import DAY
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

MANAGERS = {"fund_manager", "administrator"}


@pytest.fixture
def draft(make_call) -> Call:
    """A call that opens tomorrow, with the default rubric (weights 3, 3, 2, 2, 2, 2, 1: 15 in all)."""
    return make_call("Learning 2031", DAY, 2 * DAY)


@pytest.fixture
def opened(make_call) -> Call:
    """A call that opened yesterday, set up while it was a draft."""
    call = make_call("Opened call", DAY, 2 * DAY)
    services.eligibility_rule_create(actor=None, call=call, kind="custom", text="Works with a ministry.")
    section = services.section_create(actor=None, call=call, title="Your team")
    services.question_create(
        actor=None, call=call, section=section, data={"kind": "short_text", "label": "Who leads?"}
    )
    _open(call)
    call.refresh_from_db()
    return call


@pytest.fixture
def manager(personas, client_for) -> Client:
    return client_for(personas["fund_manager"])


def _open(call: Call) -> None:
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - DAY)


def _question(**changes: Any) -> dict[str, Any]:
    data = {
        "kind": "long_text",
        "label": "What problem do you solve?",
        "help_text": "For whom, and how you know.",
        "required": "on",
        "word_limit": "300",
        "choices": "",
        "allowed_file_types": "",
        "max_file_mb": "",
        "label_fr": "",
        "help_text_fr": "",
        "label_es": "",
        "help_text_es": "",
        "section": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _state(call: Call) -> tuple[Any, ...]:
    """Everything the set-up pages may change, to show that a refused request changed nothing."""
    return (
        list(EligibilityRule.objects.filter(call=call).order_by("pk").values()),
        list(Criterion.objects.filter(call=call).order_by("pk").values()),
        list(Section.objects.filter(call=call).order_by("pk").values()),
        list(Question.objects.filter(call=call).order_by("pk").values()),
        list(Theme.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def _positions_are_unique(call: Call) -> None:
    for items in (call.rules, call.criteria, call.sections, call.questions):
        positions = list(items.values_list("position", flat=True))
        assert len(positions) == len(set(positions))


# --- Eligibility rules -----------------------------------------------------------------------------------


def test_a_manager_adds_edits_reorders_and_deletes_rules(draft, manager):
    url = f"/calls/{draft.slug}/rules/"
    assert manager.get(url).status_code == 200
    response = manager.post(
        url, {"kind": "organization_kinds", "organization_kinds": ["startup", "academic"]}
    )
    assert response.status_code == 302, response.content.decode()
    assert manager.post(url, {"kind": "programme_country"}).status_code == 302
    kinds_rule, country_rule = draft.rules.order_by("position")
    assert kinds_rule.organization_kinds == ["startup", "academic"] and kinds_rule.check_mode == "automatic"
    page = manager.get(url).content.decode()
    assert "Startup" in page and "registered in a UNICEF programme country" in page

    response = manager.post(
        f"{url}{kinds_rule.pk}/",
        {
            "kind": "custom",
            "text": "Works with a ministry.",
            "check_mode": "applicant_answers_manager_verifies",
        },
    )
    assert response.status_code == 302
    kinds_rule.refresh_from_db()
    assert (kinds_rule.kind, kinds_rule.text, kinds_rule.organization_kinds) == (
        "custom",
        "Works with a ministry.",
        [],
    )
    event = AuditEvent.objects.get(action="call.rule_update")
    assert event.changes["kind"] == ["organization_kinds", "custom"]

    assert manager.post(f"{url}{country_rule.pk}/move/", {"direction": "up"}).status_code == 302
    assert list(draft.rules.order_by("position").values_list("kind", flat=True)) == [
        "programme_country",
        "custom",
    ]
    assert AuditEvent.objects.filter(action="call.rule_move").count() == 1

    assert manager.post(f"{url}{kinds_rule.pk}/delete/").status_code == 302
    assert list(draft.rules.values_list("kind", flat=True)) == ["programme_country"]
    assert AuditEvent.objects.get(action="call.rule_delete").changes["rule"] == [
        "Works with a ministry.",
        None,
    ]


def test_a_rule_that_needs_more_is_refused_with_a_message(draft, manager):
    url = f"/calls/{draft.slug}/rules/"
    response = manager.post(url, {"kind": "custom", "text": " "})
    assert response.status_code == 422
    assert response.context["form"].errors["text"] == ["Write the rule."]
    response = manager.post(url, {"kind": "working_prototype", "check_mode": "automatic"})
    assert response.status_code == 422 and "check_mode" in response.context["form"].errors
    response = manager.post(url, {"kind": "organization_kinds"})
    assert response.status_code == 422 and "organization_kinds" in response.context["form"].errors
    assert not draft.rules.exists()


# --- Rubric ------------------------------------------------------------------------------------------------


def test_the_rubric_shows_the_total_weight_and_each_share(draft, manager):
    page = manager.get(f"/calls/{draft.slug}/rubric/").content.decode()
    assert '<td class="text-end fw-semibold" id="total-weight">15</td>' in page
    assert "20.0 %" in page  # 3 of 15
    assert "6.7 %" in page  # 1 of 15
    assert "Reaches many of the most vulnerable children." in page


def test_a_manager_adds_edits_reorders_and_deletes_criteria(draft, manager):
    url = f"/calls/{draft.slug}/rubric/"
    guidance = {f"guidance_{score}": f"Score {score} means this." for score in range(1, 6)}
    response = manager.post(url, {"name": "Data protection", "weight": "5", **guidance})
    assert response.status_code == 302, response.content.decode()
    added = draft.criteria.get(name="Data protection")
    assert added.weight == 5 and added.guidance[4] == "Score 5 means this." and added.position == 8
    assert 'id="total-weight">20</td>' in manager.get(url).content.decode()

    response = manager.post(f"{url}{added.pk}/", {"name": "Data protection and privacy", "weight": "4"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.weight, added.guidance) == ("Data protection and privacy", 4, [])
    event = AuditEvent.objects.get(action="call.criterion_update")
    assert event.changes["criterion"] == ["Data protection", "Data protection and privacy"]
    assert event.changes["weight"] == [5, 4]

    for _ in range(3):
        assert manager.post(f"{url}{added.pk}/move/", {"direction": "up"}).status_code == 302
    names = list(draft.criteria.order_by("position").values_list("name", flat=True))
    assert names.index("Data protection and privacy") == 4 and names[-1] == "Risk"
    _positions_are_unique(draft)
    first = draft.criteria.order_by("position").first()
    assert manager.post(f"{url}{first.pk}/move/", {"direction": "up"}).status_code == 302  # already first
    assert AuditEvent.objects.filter(action="call.criterion_move").count() == 3

    assert manager.post(f"{url}{added.pk}/delete/").status_code == 302
    assert draft.criteria.count() == 7 and not draft.criteria.filter(pk=added.pk).exists()
    assert AuditEvent.objects.filter(action="call.criterion_delete").count() == 1


def test_a_criterion_needs_a_name_and_a_positive_weight(draft, manager):
    response = manager.post(f"/calls/{draft.slug}/rubric/", {"name": "Zero", "weight": "0"})
    assert response.status_code == 422 and "weight" in response.context["form"].errors
    criterion = draft.criteria.first()
    response = manager.post(f"/calls/{draft.slug}/rubric/{criterion.pk}/", {"name": "", "weight": "2"})
    assert response.status_code == 422
    assert draft.criteria.count() == 7 and Criterion.objects.get(pk=criterion.pk).name == criterion.name


# --- Form ----------------------------------------------------------------------------------------------


def test_a_manager_builds_the_form_with_sections_and_questions(draft, manager):
    url = f"/calls/{draft.slug}/form/"
    assert manager.get(url).status_code == 200
    assert manager.post(url, {"title": "Your team"}).status_code == 302
    assert manager.post(url, {"title": "Your solution"}).status_code == 302
    team, solution = draft.sections.order_by("position")
    assert manager.get(f"{url}questions/new/?section={team.pk}").context["form"].initial == {
        "section": str(team.pk)
    }

    response = manager.post(f"{url}questions/new/", _question(section=str(solution.pk)))
    assert response.status_code == 302, response.content.decode()
    response = manager.post(
        f"{url}questions/new/",
        _question(
            kind="file",
            label="Budget",
            word_limit="",
            allowed_file_types="PDF, .xlsx, pdf",
            max_file_mb="5",
            section=str(solution.pk),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    response = manager.post(
        f"{url}questions/new/",
        _question(
            kind="single_choice",
            label="Stage",
            word_limit="",
            choices="Idea\n\n Prototype \nScaling",
            required="",
            hidden_in_blind_review="on",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    problem, budget, stage = draft.questions.order_by("position")
    assert (problem.section, problem.word_limit, problem.required) == (solution, 300, True)
    assert (budget.allowed_file_types, budget.max_file_mb) == (["pdf", "xlsx"], 5)
    assert stage.choices == ["Idea", "Prototype", "Scaling"] and stage.section is None
    assert stage.required is False and stage.hidden_in_blind_review is True
    page = manager.get(url).content.decode()
    assert page.index("Stage") < page.index("Your team") < page.index("Your solution") < page.index("Budget")
    assert "pdf, xlsx, up to 5 MB" in page and "hidden in blind review" in page

    # Edit: a long text becomes a choice question in another section, and lands last there.
    response = manager.post(
        f"{url}questions/{problem.pk}/",
        _question(
            kind="multiple_choice",
            label="Which problems?",
            word_limit="",
            choices="A\nB",
            section=str(team.pk),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    problem.refresh_from_db()
    assert (problem.kind, problem.choices, problem.word_limit, problem.section) == (
        "multiple_choice",
        ["A", "B"],
        None,
        team,
    )
    event = AuditEvent.objects.get(action="call.question_update")
    assert event.changes["question"] == ["What problem do you solve?", "Which problems?"]
    assert event.changes["section"] == ["Your solution", "Your team"]

    # Move the sections, then delete one: its questions stay, without a section.
    assert manager.post(f"{url}sections/{solution.pk}/move/", {"direction": "up"}).status_code == 302
    assert list(draft.sections.order_by("position")) == [solution, team]
    assert manager.post(f"{url}sections/{team.pk}/", {"title": "The team"}).status_code == 302
    assert Section.objects.get(pk=team.pk).title == "The team"
    assert manager.post(f"{url}sections/{team.pk}/delete/").status_code == 302
    problem.refresh_from_db()
    assert problem.section is None and draft.sections.count() == 1
    assert manager.post(f"{url}questions/{budget.pk}/delete/").status_code == 302
    assert list(draft.questions.order_by("position")) == [stage, problem]  # moved last to its section
    _positions_are_unique(draft)
    for action in ("section_create", "section_move", "section_update", "section_delete", "question_delete"):
        assert AuditEvent.objects.filter(action=f"call.{action}").exists(), action


def test_questions_move_within_their_section(draft, manager):
    section = services.section_create(actor=None, call=draft, title="Team")
    loose = services.question_create(
        actor=None, call=draft, section=None, data={"kind": "short_text", "label": "Loose"}
    )
    first, _second, third = (
        services.question_create(
            actor=None, call=draft, section=section, data={"kind": "url", "label": label}
        )
        for label in ("One", "Two", "Three")
    )
    url = f"/calls/{draft.slug}/form/questions/"
    assert manager.post(f"{url}{third.pk}/move/", {"direction": "up"}).status_code == 302
    assert manager.post(f"{url}{third.pk}/move/", {"direction": "up"}).status_code == 302
    assert list(section.questions.order_by("position").values_list("label", flat=True)) == [
        "Three",
        "One",
        "Two",
    ]
    # The loose question is alone among the questions without a section: moving it does nothing.
    assert manager.post(f"{url}{loose.pk}/move/", {"direction": "down"}).status_code == 302
    assert Question.objects.get(pk=loose.pk).position == loose.position
    response = manager.post(f"{url}{first.pk}/move/", {"direction": "sideways"}, follow=True)
    assert "Move up or down." in response.content.decode()
    _positions_are_unique(draft)
    assert AuditEvent.objects.filter(action="call.question_move").count() == 2


def test_a_question_is_checked_for_its_kind(draft, manager):
    url = f"/calls/{draft.slug}/form/questions/new/"
    response = manager.post(
        url, _question(kind="file", label="Budget", word_limit="", allowed_file_types="p d f")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "allowed_file_types" in errors
    response = manager.post(
        url, _question(kind="file", label="Budget", word_limit="", allowed_file_types="pdf")
    )
    assert response.status_code == 422 and "max_file_mb" in response.context["form"].errors
    response = manager.post(url, _question(kind="single_choice", word_limit="", choices="Only one"))
    assert response.status_code == 422 and "choices" in response.context["form"].errors
    response = manager.post(url, _question(kind="short_text", word_limit="50"))
    assert response.status_code == 422 and "word_limit" in response.context["form"].errors
    assert not draft.questions.exists()


def test_translations_are_stored_and_shown_in_french(draft, manager, client):
    url = f"/calls/{draft.slug}/form/questions/new/"
    response = manager.post(
        url,
        _question(
            label="Who is in the team?",
            help_text="Names and roles.",
            label_fr="Qui fait partie de l'équipe ?",
            help_text_fr="Noms et rôles.",
            label_es="¿Quién forma parte del equipo?",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    question = draft.questions.get()
    assert question.translations == {
        "fr": {"label": "Qui fait partie de l'équipe ?", "help_text": "Noms et rôles."},
        "es": {"label": "¿Quién forma parte del equipo?"},
    }
    edit = manager.get(f"/calls/{draft.slug}/form/questions/{question.pk}/")
    assert edit.context["form"].initial["label_fr"] == "Qui fait partie de l'équipe ?"
    assert 'lang="fr"' in edit.content.decode()
    preview = manager.get(f"/calls/{draft.slug}/form/preview/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Qui fait partie de l&#x27;équipe ?" in preview and "Noms et rôles." in preview
    _open(draft)
    french = client.get(f"/calls/{draft.slug}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Qui fait partie de l&#x27;équipe ?" in french and "Noms et rôles." in french
    spanish = client.get(f"/calls/{draft.slug}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¿Quién forma parte del equipo?" in spanish and "Names and roles." in spanish  # help falls back
    english = client.get(f"/calls/{draft.slug}/").content.decode()
    assert "Who is in the team?" in english


def test_the_preview_shows_the_form_as_applicants_see_it(draft, manager):
    services.eligibility_rule_create(actor=None, call=draft, kind="working_prototype")
    services.eligibility_rule_create(actor=None, call=draft, kind="programme_country")
    section = services.section_create(actor=None, call=draft, title="Your solution")
    services.question_create(
        actor=None,
        call=draft,
        section=section,
        data={"kind": "single_choice", "label": "Stage", "choices": ["Idea", "Prototype"]},
    )
    services.question_create(
        actor=None,
        call=draft,
        section=None,
        data={"kind": "file", "label": "Budget", "allowed_file_types": ["pdf"], "max_file_mb": 5},
    )
    response = manager.get(f"/calls/{draft.slug}/form/preview/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Name of the solution" in page and "Your solution" in page and 'value="Prototype"' in page
    assert 'type="file"' in page and "pdf; at most 5 MB." in page
    assert "The team has a working prototype." in page  # the applicant answers it
    assert "registered in a UNICEF programme country" not in page  # checked automatically
    assert not Application.objects.exists()


# --- Read-only once the call has opened ---------------------------------------------------------------------


def test_the_pages_are_read_only_once_the_call_has_opened(opened, manager):
    for path in ("rules", "rubric", "form"):
        page = manager.get(f"/calls/{opened.slug}/{path}/").content.decode()
        assert "Read-only: this call has opened." in page, path
        assert '<form method="post" novalidate>' not in page and "/delete/" not in page, path
    assert "Works with a ministry." in manager.get(f"/calls/{opened.slug}/rules/").content.decode()
    assert "Who leads?" in manager.get(f"/calls/{opened.slug}/form/").content.decode()
    rule, question = opened.rules.get(), opened.questions.get()
    assert manager.get(f"/calls/{opened.slug}/rules/{rule.pk}/").status_code == 302  # back to the list
    assert manager.get(f"/calls/{opened.slug}/form/questions/{question.pk}/").status_code == 302
    assert manager.get(f"/calls/{opened.slug}/form/questions/new/").status_code == 302
    # The preview still works: it changes nothing.
    assert "Who leads?" in manager.get(f"/calls/{opened.slug}/form/preview/").content.decode()


def test_writes_are_refused_once_the_call_has_opened(opened, manager):
    rule, criterion = opened.rules.get(), opened.criteria.first()
    section, question = opened.sections.get(), opened.questions.get()
    before = _state(opened)
    base = f"/calls/{opened.slug}"
    forms = [
        (f"{base}/rules/", {"kind": "programme_country"}),
        (f"{base}/rules/{rule.pk}/", {"kind": "custom", "text": "Changed."}),
        (f"{base}/rubric/", {"name": "Late", "weight": "1"}),
        (f"{base}/rubric/{criterion.pk}/", {"name": "Changed", "weight": "1"}),
        (f"{base}/form/", {"title": "Late"}),
        (f"{base}/form/sections/{section.pk}/", {"title": "Changed"}),
        (f"{base}/form/questions/new/", _question()),
        (f"{base}/form/questions/{question.pk}/", _question(label="Changed")),
    ]
    for url, data in forms:
        response = manager.post(url, data)
        assert response.status_code == 422, url
        assert "cannot change once it has opened" in response.content.decode(), url
    buttons = [
        f"{base}/rules/{rule.pk}/delete/",
        f"{base}/rubric/{criterion.pk}/move/",
        f"{base}/rubric/{criterion.pk}/delete/",
        f"{base}/form/sections/{section.pk}/delete/",
        f"{base}/form/questions/{question.pk}/delete/",
        f"{base}/form/questions/{question.pk}/move/",
    ]
    for url in buttons:
        response = manager.post(url, {"direction": "down"}, follow=True)
        assert "cannot change once it has opened" in response.content.decode(), url
    assert _state(opened) == before


def test_items_that_applications_refer_to_are_never_deleted(draft, make_application):
    rule = services.eligibility_rule_create(actor=None, call=draft, kind="working_prototype")
    question = services.question_create(
        actor=None, call=draft, section=None, data={"kind": "short_text", "label": "Q"}
    )
    make_application(draft, status="draft")
    with pytest.raises(ValidationError, match="Applications to this call already exist"):
        services.eligibility_rule_delete(actor=None, rule=rule)
    with pytest.raises(ValidationError):
        services.question_delete(actor=None, question=question)
    with pytest.raises(ValidationError):
        services.criterion_delete(actor=None, criterion=draft.criteria.first())
    with pytest.raises(ValidationError):
        services.form_replace(actor=None, call=draft, questions=[])
    assert draft.rules.count() == 1 and draft.questions.count() == 1 and draft.criteria.count() == 7


# --- Permissions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_only_fund_managers_and_administrators_set_up_a_call(draft, personas, client_for, persona):
    rule = services.eligibility_rule_create(actor=None, call=draft, kind="programme_country")
    section = services.section_create(actor=None, call=draft, title="Team")
    question = services.question_create(
        actor=None, call=draft, section=section, data={"kind": "short_text", "label": "Q"}
    )
    criterion = draft.criteria.first()
    theme = Theme.objects.first()
    base = f"/calls/{draft.slug}"
    pages = [
        f"{base}/rules/",
        f"{base}/rules/{rule.pk}/",
        f"{base}/rubric/",
        f"{base}/rubric/{criterion.pk}/",
        f"{base}/form/",
        f"{base}/form/preview/",
        f"{base}/form/sections/{section.pk}/",
        f"{base}/form/questions/new/",
        f"{base}/form/questions/{question.pk}/",
        "/themes/",
        f"/themes/{theme.pk}/",
    ]
    writes = [
        (f"{base}/rules/", {"kind": "osi_licence"}),
        (f"{base}/rules/{rule.pk}/", {"kind": "osi_licence"}),
        (f"{base}/rules/{rule.pk}/move/", {"direction": "down"}),
        (f"{base}/rules/{rule.pk}/delete/", {}),
        (f"{base}/rubric/", {"name": "Sneaky", "weight": "9"}),
        (f"{base}/rubric/{criterion.pk}/", {"name": "Sneaky", "weight": "9"}),
        (f"{base}/rubric/{criterion.pk}/move/", {"direction": "down"}),
        (f"{base}/rubric/{criterion.pk}/delete/", {}),
        (f"{base}/form/", {"title": "Sneaky"}),
        (f"{base}/form/sections/{section.pk}/", {"title": "Sneaky"}),
        (f"{base}/form/sections/{section.pk}/delete/", {}),
        (f"{base}/form/questions/new/", _question(label="Sneaky")),
        (f"{base}/form/questions/{question.pk}/", _question(label="Sneaky")),
        (f"{base}/form/questions/{question.pk}/delete/", {}),
        ("/themes/", {"name": "Sneaky"}),
        (f"/themes/{theme.pk}/", {"name": "Sneaky"}),
    ]
    client = client_for(personas[persona] if persona else None)
    before = _state(draft)
    login = reverse("login")
    for url in pages:
        response = client.get(url)
        if persona is None:
            assert response.status_code == 302 and response["Location"].startswith(login), url
        elif persona in MANAGERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, (url, response.status_code)
    if persona in MANAGERS:
        return
    for url, data in writes:
        response = client.post(url, data)
        if persona is None:
            assert response.status_code == 302 and response["Location"].startswith(login), url
        else:
            assert response.status_code == 403, (url, response.status_code)
    assert _state(draft) == before


def test_the_call_page_links_the_set_up_pages_for_managers_only(draft, personas, client_for):
    page = client_for(personas["fund_manager"]).get(f"/calls/{draft.slug}/").content.decode()
    for name in ("call_rules", "call_rubric", "call_form_setup", "call_stages_edit", "call_edit"):
        assert f'href="{reverse(name, args=[draft.slug])}"' in page, name
    assert "Set up:" in page and 'href="/themes/"' in page
    page = client_for(personas["reviewer"]).get(f"/calls/{draft.slug}/").content.decode()
    assert "Set up:" not in page and f"/calls/{draft.slug}/rules/" not in page


def test_items_of_another_call_are_not_found(draft, make_call, manager):
    other = make_call("Other", DAY, 2 * DAY)
    criterion = other.criteria.first()
    assert manager.get(f"/calls/{draft.slug}/rubric/{criterion.pk}/").status_code == 404
    assert manager.post(f"/calls/{draft.slug}/rubric/{criterion.pk}/delete/").status_code == 404
    assert other.criteria.count() == 7


# --- Themes -------------------------------------------------------------------------------------------------


def test_a_manager_adds_and_renames_themes(manager):
    assert manager.get("/themes/").status_code == 200
    assert manager.post("/themes/", {"name": "Drone mapping"}).status_code == 302
    theme = Theme.objects.get(slug="drone-mapping")
    assert manager.post("/themes/", {"name": "drone mapping"}).status_code == 422  # already there
    assert manager.post(f"/themes/{theme.pk}/", {"name": "Drones and mapping"}).status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.slug) == ("Drones and mapping", "drone-mapping")  # links keep working
    assert AuditEvent.objects.get(action="theme.rename").changes == {
        "name": ["Drone mapping", "Drones and mapping"]
    }
    other = Theme.objects.exclude(pk=theme.pk).first()
    assert manager.post(f"/themes/{theme.pk}/", {"name": other.name}).status_code == 422
    assert "Drones and mapping" in manager.get("/themes/").content.decode()


# --- API ----------------------------------------------------------------------------------------------------


def _put(client: Client, url: str, body: Any) -> tuple[int, Any]:
    response = client.put(url, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json() if response.content else None


def test_the_api_replaces_rules_rubric_and_form(draft, manager, client):
    services.eligibility_rule_create(actor=None, call=draft, kind="osi_licence")
    status, rules = _put(
        manager,
        f"/api/calls/{draft.slug}/rules",
        {
            "rules": [
                {"kind": "organization_kinds", "organization_kinds": ["startup"]},
                {"kind": "custom", "text": "Works with a ministry."},
            ]
        },
    )
    assert status == 200, rules
    assert [(rule["kind"], rule["check_mode"]) for rule in rules] == [
        ("organization_kinds", "automatic"),
        ("custom", "applicant_answers_manager_verifies"),
    ]
    assert list(draft.rules.order_by("position").values_list("kind", "position")) == [
        ("organization_kinds", 1),
        ("custom", 2),
    ]

    status, rubric = _put(
        manager,
        f"/api/calls/{draft.slug}/rubric",
        {
            "criteria": [
                {"name": "Fit", "weight": 2, "guidance": ["1", "2", "3", "4", "5"]},
                {"name": "Team", "weight": 1},
            ]
        },
    )
    assert status == 200, rubric
    assert [(item["name"], item["weight"], item["position"]) for item in rubric] == [
        ("Fit", 2, 1),
        ("Team", 1, 2),
    ]
    assert draft.criteria.count() == 2

    status, form = _put(
        manager,
        f"/api/calls/{draft.slug}/form",
        {
            "questions": [{"kind": "url", "label": "Website", "hidden_in_blind_review": True}],
            "sections": [
                {
                    "title": "Your team",
                    "questions": [
                        {
                            "kind": "long_text",
                            "label": "Who is in the team?",
                            "word_limit": 200,
                            "translations": {"fr": {"label": "Qui fait partie de l'équipe ?"}},
                        },
                        {
                            "kind": "file",
                            "label": "CVs",
                            "allowed_file_types": [".PDF"],
                            "max_file_mb": 10,
                        },
                    ],
                },
                {"title": "Empty for now"},
            ],
        },
    )
    assert status == 200, form
    assert [section["title"] for section in form["sections"]] == ["Your team", "Empty for now"]
    assert [(q["label"], q["section"], q["position"]) for q in form["questions"]] == [
        ("Website", None, 1),
        ("Who is in the team?", "Your team", 2),
        ("CVs", "Your team", 3),
    ]
    assert form["questions"][0]["hidden_in_blind_review"] is True
    assert form["questions"][2]["allowed_file_types"] == ["pdf"]
    detail = manager.get(f"/api/calls/{draft.slug}").json()
    assert detail["questions"][1]["translations"] == {"fr": {"label": "Qui fait partie de l'équipe ?"}}
    for action in ("call.rules_replace", "call.rubric_replace", "call.form_replace"):
        assert AuditEvent.objects.filter(action=action, object_id=str(draft.pk)).count() == 1, action
    # The same list again changes nothing and records nothing.
    _put(manager, f"/api/calls/{draft.slug}/rubric", {"criteria": [{"name": "Fit", "weight": 2}]})
    _put(manager, f"/api/calls/{draft.slug}/rubric", {"criteria": [{"name": "Fit", "weight": 2}]})
    assert AuditEvent.objects.filter(action="call.rubric_replace").count() == 2


def test_the_api_refuses_invalid_lists_whole(draft, manager):
    services.eligibility_rule_create(actor=None, call=draft, kind="osi_licence")
    before = _state(draft)
    status, body = _put(
        manager,
        f"/api/calls/{draft.slug}/rules",
        {"rules": [{"kind": "programme_country"}, {"kind": "custom", "text": ""}]},
    )
    assert status == 422
    assert {"loc": ["body", "rules.1.text"], "msg": "Write the rule.", "type": "value_error"} in body[
        "detail"
    ]
    status, body = _put(
        manager, f"/api/calls/{draft.slug}/rubric", {"criteria": [{"name": "Fit", "weight": 0}]}
    )
    assert status == 422 and body["detail"][0]["loc"] == ["body", "criteria.0.weight"]
    status, body = _put(
        manager, f"/api/calls/{draft.slug}/rubric", {"criteria": [{"name": "Fit", "weight": "x"}]}
    )
    assert status == 422
    status, body = _put(
        manager,
        f"/api/calls/{draft.slug}/form",
        {
            "sections": [
                {
                    "title": "Team",
                    "questions": [{"kind": "single_choice", "label": "Pick", "choices": ["Only"]}],
                }
            ],
            "questions": [{"kind": "short_text", "label": "Hi", "translations": {"de": {"label": "Hallo"}}}],
        },
    )
    assert status == 422
    locs = {tuple(item["loc"]) for item in body["detail"]}
    assert locs == {("body", "sections.0.questions.0.choices"), ("body", "questions.0.translations")}
    assert _state(draft) == before


def test_the_api_refuses_changes_once_the_call_has_opened(opened, manager):
    before = _state(opened)
    for path, body in (
        ("rules", {"rules": []}),
        ("rubric", {"criteria": [{"name": "Fit", "weight": 1}]}),
        ("form", {"questions": []}),
    ):
        status, answer = _put(manager, f"/api/calls/{opened.slug}/{path}", body)
        assert status == 422, path
        assert "cannot change once it has opened" in answer["detail"][0]["msg"]
    assert _state(opened) == before


@pytest.mark.parametrize("persona", [None, "reviewer", "applicant", "outsider", "committee_member"])
def test_only_managers_use_the_set_up_api(draft, personas, client_for, persona):
    client = client_for(personas[persona] if persona else None)
    before = _state(draft)
    for path, body in (
        ("rules", {"rules": []}),
        ("rubric", {"criteria": []}),
        ("form", {"questions": []}),
    ):
        status, _answer = _put(client, f"/api/calls/{draft.slug}/{path}", body)
        assert status == (401 if persona is None else 403), (path, status)
    assert _state(draft) == before
