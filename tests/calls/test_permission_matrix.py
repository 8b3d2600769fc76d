"""Every page of the calls part × every persona, in one table; and every write refused to those who may
not make it. The detailed rules are tested in each area's own tests; this table makes sure no page or
endpoint is forgotten: a URL added to ``calls/urls.py`` fails ``test_every_calls_url_is_in_the_matrix``
until it is added here."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seedbed.calls import services, urls
from seedbed.calls.models import AgendaItem, ApplicationFile, Call, Meeting, Review
from seedbed.core.models import AuditEvent

DAY = dt.timedelta(days=1)

PERSONAS = (
    "anon", "fund_manager", "administrator", "reviewer", "committee_member", "finance_officer",
    "mentor", "focal_point", "applicant", "outsider", "member",
)  # fmt: skip


@pytest.fixture
def world(make_call: Any, make_application: Any, personas: dict[str, Any]) -> dict[str, Any]:
    manager = personas["fund_manager"]
    draft_call = make_call("Future call", 10 * DAY, 40 * DAY)
    rule = services.eligibility_rule_create(actor=manager, call=draft_call, kind="working_prototype")
    section = services.section_create(actor=manager, call=draft_call, title="About")
    question = services.question_create(
        actor=manager, call=draft_call, section=section, data={"kind": "short_text", "label": "Name"}
    )
    theme = services.theme_create(actor=manager, name="Health")
    open_call = make_call("Open call", -DAY, 30 * DAY)
    application = make_application(open_call, "Kijani Data Labs", stage_kind="committee")
    draft = make_application(open_call, "Nyota Health", status="draft")
    file_question = open_call.questions.create(
        position=1, kind="file", label="Deck", allowed_file_types=["pdf"], max_file_mb=1
    )
    stored = ApplicationFile(
        application=application,
        question=file_question,
        name="deck.pdf",
        content_type="application/pdf",
        size=5,
    )
    stored.file.save("upload", ContentFile(b"%PDF-"), save=False)
    stored.save()
    review = Review.objects.create(application=application, reviewer=personas["reviewer"])
    meeting = Meeting.objects.create(
        call=open_call, title="Committee", scheduled_at=timezone.now() + DAY, quorum=1
    )
    meeting.members.set([personas["committee_member"]])
    item = AgendaItem.objects.create(meeting=meeting, application=application, position=1)
    return {
        "draft_call": draft_call,
        "open_call": open_call,
        "application": application,
        "draft": draft,
        "member": application.organization.memberships.get().user,
        "draft_member": draft.organization.memberships.get().user,
        "file": stored,
        "review": review,
        "meeting": meeting,
        "item": item,
        "rule": rule,
        "criterion": draft_call.criteria.first(),
        "section": section,
        "question": question,
        "theme": theme,
    }


def _pages(w: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    """Label → (URL name, arguments), for every page a GET opens."""
    o, d, a = w["open_call"].slug, w["draft_call"].slug, w["application"].pk
    return {
        "call_list": ("call_list", []),
        "call_create": ("call_create", []),
        "call_detail": ("call_detail", [o]),
        "call_detail (not yet open)": ("call_detail", [d]),
        "call_edit": ("call_edit", [d]),
        "call_stages_edit": ("call_stages_edit", [d]),
        "call_stage_dates": ("call_stage_dates", [o]),
        "call_rules": ("call_rules", [d]),
        "call_rule_edit": ("call_rule_edit", [d, w["rule"].pk]),
        "call_rubric": ("call_rubric", [d]),
        "call_criterion_edit": ("call_criterion_edit", [d, w["criterion"].pk]),
        "call_form_setup": ("call_form_setup", [d]),
        "call_form_preview": ("call_form_preview", [d]),
        "call_section_edit": ("call_section_edit", [d, w["section"].pk]),
        "call_question_create": ("call_question_create", [d]),
        "call_question_edit": ("call_question_edit", [d, w["question"].pk]),
        "theme_list": ("theme_list", []),
        "theme_edit": ("theme_edit", [w["theme"].pk]),
        "my_applications": ("my_applications", []),
        "application_start": ("application_start", [o]),
        "call_applications": ("call_applications", [o]),
        "call_board": ("call_board", [o]),
        "application_detail": ("application_detail", [a]),
        "application_detail (draft)": ("application_detail", [w["draft"].pk]),
        "application_edit (submitted)": ("application_edit", [a]),
        "application_edit (draft)": ("application_edit", [w["draft"].pk]),
        "application_withdraw": ("application_withdraw", [a]),
        "application_file": ("application_file", [a, w["file"].pk]),
        "review_list": ("review_list", []),
        "review_detail": ("review_detail", [w["review"].pk]),
        "call_reviewers": ("call_reviewers", [o]),
        "call_ranking": ("call_ranking", [o]),
        "my_meetings": ("my_meetings", []),
        "call_meetings": ("call_meetings", [o]),
        "meeting_detail": ("meeting_detail", [w["meeting"].pk]),
        "meeting_edit": ("meeting_edit", [w["meeting"].pk]),
        "meeting_agenda_add": ("meeting_agenda_add", [w["meeting"].pk]),
    }


# What each persona gets. "L" is the redirect to sign in; "R" another redirect (the page sends the
# reader somewhere more useful, e.g. a submitted application's edit page to the application).
# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    # page                          anon  f.mgr admin  rev.  comm.  fin.  ment. focal appl. outs. member
    "call_list":                    (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "call_create":                  ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_detail":                  (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "call_detail (not yet open)":   (404,  200,  200,  200,  200,  200,  200,  200,  404,  404,  404),
    "call_edit":                    ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_stages_edit":             ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_stage_dates":             ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_rules":                   ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_rule_edit":               ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_rubric":                  ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_criterion_edit":          ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_form_setup":              ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_form_preview":            ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_section_edit":            ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_question_create":         ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_question_edit":           ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "theme_list":                   ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "theme_edit":                   ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "my_applications":              ("L",  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "application_start":            ("L",  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "call_applications":            ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_board":                   ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "application_detail":           ("L",  200,  200,  200,  200,  404,  404,  404,  404,  404,  200),
    "application_detail (draft)":   ("L",  404,  404,  404,  404,  404,  404,  404,  404,  404,  404),
    "application_edit (submitted)": ("L",  "R",  "R",  "R",  "R",  404,  404,  404,  404,  404,  "R"),
    "application_edit (draft)":     ("L",  404,  404,  404,  404,  404,  404,  404,  404,  404,  404),
    "application_withdraw":         ("L",  403,  403,  403,  403,  404,  404,  404,  404,  404,  200),
    "application_file":             ("L",  200,  200,  200,  200,  404,  404,  404,  404,  404,  200),
    "review_list":                  ("L",  403,  403,  200,  403,  403,  403,  403,  403,  403,  403),
    "review_detail":                ("L",  404,  404,  200,  404,  404,  404,  404,  404,  404,  404),
    "call_reviewers":               ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "call_ranking":                 ("L",  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "my_meetings":                  ("L",  200,  200,  403,  200,  403,  403,  403,  403,  403,  403),
    "call_meetings":                ("L",  200,  200,  404,  200,  404,  404,  404,  404,  404,  404),
    "meeting_detail":               ("L",  200,  200,  404,  200,  404,  404,  404,  404,  404,  404),
    "meeting_edit":                 ("L",  200,  200,  404,  403,  404,  404,  404,  404,  404,  404),
    "meeting_agenda_add":           ("L",  200,  200,  404,  403,  404,  404,  404,  404,  404,  404),
}
# fmt: on

# Endpoints that only take a POST (buttons and htmx): each area's tests check who may use them; the
# matrix checks that none of them changes anything for people who hold no role in the call.
POST_ONLY = {
    "call_questions_copy", "application_autosave", "application_delete", "application_file_upload",
    "application_file_remove", "eligibility_override", "application_message", "application_move",
    "meeting_minutes", "meeting_close", "meeting_vote", "meeting_conflict", "meeting_decision",
    "meeting_agenda_remove", "review_conflict", "review_reopen", "call_rule_move", "call_rule_delete",
    "call_criterion_move", "call_criterion_delete", "call_section_move", "call_section_delete",
    "call_question_move", "call_question_delete",
}  # fmt: skip


def _client(name: str, personas: dict[str, Any], world: dict[str, Any], client_for: Any) -> Client:
    if name == "anon":
        return Client()
    return client_for(world["member"] if name == "member" else personas[name])


def _code(response: Any) -> Any:
    if response.status_code == 302:
        return "L" if response.url.startswith(reverse("login")) else "R"
    return response.status_code


def test_every_calls_url_is_in_the_matrix(world: dict[str, Any]) -> None:
    names = {pattern.name for pattern in urls.urlpatterns}
    in_matrix = {name for name, _args in _pages(world).values()}
    assert names == in_matrix | POST_ONLY
    assert set(EXPECTED) == set(_pages(world))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pages_give_each_persona_what_the_matrix_says(
    persona: str, world: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    client = _client(persona, personas, world, client_for)
    column = PERSONAS.index(persona)
    got = {}
    for label, (name, args) in _pages(world).items():
        got[label] = _code(client.get(reverse(name, args=args)))
    expected = {label: codes[column] for label, codes in EXPECTED.items()}
    assert got == expected


def _post_args(name: str, w: dict[str, Any]) -> list[Any]:
    o, d, a, m = w["open_call"].slug, w["draft_call"].slug, w["application"].pk, w["meeting"].pk
    return {
        "call_questions_copy": [d],
        "application_autosave": [w["draft"].pk],
        "application_delete": [w["draft"].pk],
        "application_file_upload": [a, w["file"].question_id],
        "application_file_remove": [a, w["file"].pk],
        "eligibility_override": [a, 1],
        "application_message": [a],
        "application_move": [a],
        "meeting_minutes": [m],
        "meeting_close": [m],
        "meeting_vote": [m, w["item"].pk],
        "meeting_conflict": [m, w["item"].pk],
        "meeting_decision": [m, w["item"].pk],
        "meeting_agenda_remove": [m, w["item"].pk],
        "review_conflict": [w["review"].pk],
        "review_reopen": [o, w["review"].pk],
        "call_rule_move": [d, w["rule"].pk],
        "call_rule_delete": [d, w["rule"].pk],
        "call_criterion_move": [d, w["criterion"].pk],
        "call_criterion_delete": [d, w["criterion"].pk],
        "call_section_move": [d, w["section"].pk],
        "call_section_delete": [d, w["section"].pk],
        "call_question_move": [d, w["question"].pk],
        "call_question_delete": [d, w["question"].pk],
    }[name]


@pytest.mark.parametrize(
    "persona", ["anon", "finance_officer", "mentor", "focal_point", "applicant", "outsider"]
)
def test_writes_change_nothing_for_people_without_a_role_in_the_call(
    persona: str, world: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    client = _client(persona, personas, world, client_for)
    before = AuditEvent.objects.count()
    for name in sorted(POST_ONLY):
        response = client.post(
            reverse(name, args=_post_args(name, world)), {"note": "x", "choice": "approve"}
        )
        code = _code(response)
        assert code in (("L",) if persona == "anon" else (403, 404)), (name, code)
    assert AuditEvent.objects.count() == before
    assert Call.objects.get(pk=world["draft_call"].pk).rules.count() == 1


# --- The API -------------------------------------------------------------------------------------------


def _api(w: dict[str, Any]) -> dict[str, str]:
    o, a = w["open_call"].slug, w["application"].pk
    return {
        "list_calls": "/api/calls",
        "get_call": f"/api/calls/{o}",
        "get_call (not yet open)": f"/api/calls/{w['draft_call'].slug}",
        "list_my_applications": "/api/applications",
        "get_application": f"/api/applications/{a}",
        "get_application (draft)": f"/api/applications/{w['draft'].pk}",
        "list_call_applications": f"/api/calls/{o}/applications",
        "list_reviews": "/api/reviews",
        "get_review": f"/api/reviews/{w['review'].pk}",
        "call_ranking": f"/api/calls/{o}/ranking",
        "list_meetings": "/api/meetings",
        "get_meeting": f"/api/meetings/{w['meeting'].pk}",
    }


# fmt: off
API_EXPECTED: dict[str, tuple[int, ...]] = {
    # endpoint                    anon  f.mgr admin  rev.  comm.  fin.  ment. focal appl. outs. member
    "list_calls":                 (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "get_call":                   (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "get_call (not yet open)":    (404,  200,  200,  200,  200,  200,  200,  200,  404,  404,  404),
    "list_my_applications":       (401,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200),
    "get_application":            (401,  200,  200,  200,  200,  404,  404,  404,  404,  404,  200),
    "get_application (draft)":    (401,  404,  404,  404,  404,  404,  404,  404,  404,  404,  404),
    "list_call_applications":     (401,  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "list_reviews":               (401,  403,  403,  200,  403,  403,  403,  403,  403,  403,  403),
    "get_review":                 (401,  404,  404,  200,  404,  404,  404,  404,  404,  404,  404),
    "call_ranking":               (401,  200,  200,  403,  403,  403,  403,  403,  403,  403,  403),
    "list_meetings":              (401,  200,  200,  403,  200,  403,  403,  403,  403,  403,  403),
    "get_meeting":                (401,  200,  200,  404,  200,  404,  404,  404,  404,  404,  404),
}
# fmt: on

# Writes through the API; each area's tests check who may use them.
API_WRITES = {
    "save_application": ("patch", "/api/applications/{a}"),
    "start_application": ("post", "/api/calls/{o}/applications"),
    "submit_application": ("post", "/api/applications/{a}/submit"),
    "withdraw_application": ("post", "/api/applications/{a}/withdraw"),
    "save_review": ("put", "/api/reviews/{r}"),
    "declare_review_conflict": ("post", "/api/reviews/{r}/conflict"),
    "vote_on_item": ("post", "/api/meetings/{m}/items/{i}/vote"),
    "declare_item_conflict": ("post", "/api/meetings/{m}/items/{i}/conflict"),
    "decide_item": ("post", "/api/meetings/{m}/items/{i}/decision"),
    "replace_rules": ("put", "/api/calls/{d}/rules"),
    "replace_rubric": ("put", "/api/calls/{d}/rubric"),
    "replace_form": ("put", "/api/calls/{d}/form"),
}


def test_every_calls_endpoint_is_in_the_matrix(world: dict[str, Any]) -> None:
    from seedbed.calls.api import router

    operations = {op.view_func.__name__ for ops in router.path_operations.values() for op in ops.operations}
    listed = {label.split(" (")[0] for label in API_EXPECTED}
    assert operations == listed | set(API_WRITES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_gives_each_persona_what_the_matrix_says(
    persona: str, world: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    client = _client(persona, personas, world, client_for)
    column = PERSONAS.index(persona)
    got = {label: client.get(url).status_code for label, url in _api(world).items()}
    assert got == {label: codes[column] for label, codes in API_EXPECTED.items()}


@pytest.mark.parametrize(
    "persona", ["anon", "finance_officer", "mentor", "focal_point", "applicant", "outsider"]
)
def test_api_writes_change_nothing_for_people_without_a_role_in_the_call(
    persona: str, world: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    client = _client(persona, personas, world, client_for)
    values = {
        "a": world["application"].pk,
        "o": world["open_call"].slug,
        "d": world["draft_call"].slug,
        "r": world["review"].pk,
        "m": world["meeting"].pk,
        "i": world["item"].pk,
    }
    before = AuditEvent.objects.count()
    bodies = {
        "start_application": {"organization": "kijani-data-labs", "title": "Mine"},
        "vote_on_item": {"choice": "approve"},
        "decide_item": {"decision": "approve", "note": "x"},
        "declare_item_conflict": {"note": "x"},
        "declare_review_conflict": {"note": "x"},
        "replace_rules": {"rules": []},
        "replace_rubric": {"criteria": []},
        "replace_form": {"questions": [], "sections": []},
        "save_review": {"scores": {}, "comment": "", "submit": False},
        "save_application": {"title": "Mine"},
        "withdraw_application": {"reason": ""},
    }
    for name, (method, template) in sorted(API_WRITES.items()):
        url = template.format(**values)
        response = getattr(client, method)(
            url, data=json.dumps(bodies.get(name, {})), content_type="application/json"
        )
        allowed = (401,) if persona == "anon" else (403, 404, 422)
        assert response.status_code in allowed, (name, response.status_code)
    assert AuditEvent.objects.count() == before
