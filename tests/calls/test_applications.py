"""The applicant portal and the managers' application pages: drafts, files, the deadline to the second,
screening and overrides, withdrawal, privacy, stage moves with templated messages, board and table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from seedbed.calls import services
from seedbed.calls.models import (
    Application,
    ApplicationMessage,
    Call,
    CheckResult,
    Eligibility,
    QuestionKind,
    RuleKind,
)
from seedbed.core.models import AuditEvent, Country, Membership, Organization
from tests.conftest import make_user

DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def open_call(make_call: Callable[..., Call], personas: dict[str, Any]) -> Call:
    """An open call with a draft-time form: rules, questions of most kinds, a file question."""
    manager = personas["fund_manager"]
    call = make_call("Open call", 10 * DAY, 40 * DAY)  # created as a draft, so its form can be set up
    services.eligibility_rule_create(actor=manager, call=call, kind=RuleKind.PROGRAMME_COUNTRY)
    services.eligibility_rule_create(
        actor=manager, call=call, kind=RuleKind.ORGANIZATION_KINDS, organization_kinds=["startup"]
    )
    services.eligibility_rule_create(actor=manager, call=call, kind=RuleKind.WORKING_PROTOTYPE)
    section = services.section_create(actor=manager, call=call, title="The team")
    for data in (
        {"kind": QuestionKind.LONG_TEXT, "label": "What problem do you solve?", "word_limit": 5},
        {"kind": QuestionKind.REPOSITORY_URL, "label": "Repository", "hidden_in_blind_review": True},
        {"kind": QuestionKind.NUMBER, "label": "Team size"},
        {"kind": QuestionKind.SINGLE_CHOICE, "label": "Stage", "choices": ["Idea", "Prototype", "Pilot"]},
        {
            "kind": QuestionKind.MULTIPLE_CHOICE,
            "label": "Platforms",
            "choices": ["Web", "Android"],
            "required": False,
        },
        {"kind": QuestionKind.DATE, "label": "Founded on"},
        {"kind": QuestionKind.FILE, "label": "Pitch deck", "allowed_file_types": ["pdf"], "max_file_mb": 1},
    ):
        services.question_create(actor=manager, call=call, section=section, data=data)
    # Open it now: shift the dates (set-up is refused after opening, so it happens first).
    now = timezone.now().replace(microsecond=0)
    Call.objects.filter(pk=call.pk).update(opens_at=now - DAY, closes_at=now + 30 * DAY)
    call.refresh_from_db()
    return call


@pytest.fixture
def applicant_org(countries: Any) -> tuple[Any, Organization]:
    applicant = make_user("amina", ("applicant",))
    organization = Organization.objects.create(
        name="Kijani Data Labs", slug="kijani", kind="startup", country=Country.objects.get(iso2="KE")
    )
    Membership.objects.create(user=applicant, organization=organization, role="owner")
    return applicant, organization


def _questions(call: Call) -> dict[str, Any]:
    return {question.label: question for question in call.questions.all()}


def _complete(call: Call, applicant: Any, application: Application) -> None:
    q = _questions(call)
    rule = call.rules.get(kind=RuleKind.WORKING_PROTOTYPE)
    services.application_save(
        actor=applicant,
        application=application,
        data={
            "summary": "Crop data for farmers.",
            "answers": {
                q["What problem do you solve?"].pk: "Farmers lack data.",
                q["Repository"].pk: "https://github.com/kijani/crops",
                q["Team size"].pk: "4",
                q["Stage"].pk: "Prototype",
                q["Founded on"].pk: "2017-03-01",
            },
            "rule_answers": {rule.pk: {"meets": True, "note": "https://demo.kijani.example"}},
        },
    )
    services.application_file_upload(
        actor=applicant,
        application=application,
        question=q["Pitch deck"],
        upload=SimpleUploadedFile("deck.pdf", b"%PDF-1.7 deck", content_type="application/pdf"),
    )


@pytest.fixture
def draft(open_call: Call, applicant_org: tuple[Any, Organization]) -> Application:
    applicant, organization = applicant_org
    return services.application_start(
        actor=applicant, call=open_call, organization=organization, title="Kijani"
    )


# --- Drafts and submission ----------------------------------------------------------------------------


def test_draft_keeps_every_answer_and_reports_problems(
    open_call: Call, draft: Application, applicant_org: Any
) -> None:
    applicant, _org = applicant_org
    q = _questions(open_call)
    problems = services.application_save(
        actor=applicant,
        application=draft,
        data={
            "answers": {
                q["What problem do you solve?"].pk: "one two three four five six",
                q["Team size"].pk: "four",
                q["Repository"].pk: "https://github.com",
            }
        },
    )
    draft.refresh_from_db()
    assert draft.answers[str(q["Team size"].pk)] == "four"  # kept, so autosave never loses work
    assert set(problems) == {
        f"q{q['What problem do you solve?'].pk}",
        f"q{q['Team size'].pk}",
        f"q{q['Repository'].pk}",
    }
    assert "limit is 5 words" in problems[f"q{q['What problem do you solve?'].pk}"]


def test_submission_one_second_before_the_deadline_is_accepted(
    open_call: Call, draft: Application, applicant_org: Any
) -> None:
    applicant, _org = applicant_org
    _complete(open_call, applicant, draft)
    submitted = services.application_submit(
        actor=applicant, application=draft, now=open_call.closes_at - SECOND
    )
    assert submitted.status == "submitted"
    assert submitted.submitted_at == open_call.closes_at - SECOND
    assert submitted.stage == open_call.stages.order_by("position").first()


@pytest.mark.parametrize("late", [dt.timedelta(0), SECOND])
def test_submission_at_or_after_the_deadline_is_refused(
    open_call: Call, draft: Application, applicant_org: Any, late: dt.timedelta
) -> None:
    applicant, _org = applicant_org
    _complete(open_call, applicant, draft)
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=applicant, application=draft, now=open_call.closes_at + late)
    assert error.value.code == "call_closed"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_page_refuses_a_submission_one_second_late(
    open_call: Call, draft: Application, applicant_org: Any, client_for: Any, monkeypatch: Any
) -> None:
    applicant, _org = applicant_org
    _complete(open_call, applicant, draft)
    client = client_for(applicant)
    page = client.get(reverse("application_edit", args=[draft.pk]))
    form_data = {key: value for key, value in page.context["form"].initial.items() if value not in (None, [])}
    form_data[f"rule{open_call.rules.get(kind=RuleKind.WORKING_PROTOTYPE).pk}"] = "yes"
    # The server's clock, as the submission service reads it (the session's own clock stays real).
    clock = "seedbed.calls.services.applications.timezone"
    monkeypatch.setattr(clock, SimpleNamespace(now=lambda: open_call.closes_at + SECOND))
    response = client.post(reverse("application_edit", args=[draft.pk]), {**form_data, "submit": "1"})
    assert response.status_code == 422
    assert "This call closed on" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    monkeypatch.setattr(clock, SimpleNamespace(now=lambda: open_call.closes_at - SECOND))
    response = client.post(reverse("application_edit", args=[draft.pk]), {**form_data, "submit": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_submit_needs_every_required_answer(open_call: Call, draft: Application, applicant_org: Any) -> None:
    applicant, _org = applicant_org
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=applicant, application=draft)
    q = _questions(open_call)
    assert f"q{q['Pitch deck'].pk}" in error.value.message_dict
    assert f"q{q['Platforms'].pk}" not in error.value.message_dict  # optional
    rule = open_call.rules.get(kind=RuleKind.WORKING_PROTOTYPE)
    assert f"rule{rule.pk}" in error.value.message_dict


def test_submission_screens_eligibility_and_emails_a_copy(
    open_call: Call, draft: Application, applicant_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    applicant, _org = applicant_org
    _complete(open_call, applicant, draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=applicant, application=draft)
    draft.refresh_from_db()
    results = {check.rule.kind: check for check in draft.eligibility_checks.select_related("rule")}
    assert results[RuleKind.PROGRAMME_COUNTRY].result == CheckResult.PASSED  # Kenya
    assert "Kenya is a UNICEF programme country" in results[RuleKind.PROGRAMME_COUNTRY].reason
    assert results[RuleKind.ORGANIZATION_KINDS].result == CheckResult.PASSED
    assert results[RuleKind.WORKING_PROTOTYPE].result == CheckResult.TO_VERIFY
    assert draft.eligibility == Eligibility.TO_VERIFY
    confirmation = draft.messages.get(kind="confirmation")
    assert "Farmers lack data." in confirmation.body  # the copy of what was sent
    assert "deck.pdf" in confirmation.body
    assert [message.to for message in mail.outbox] == [[applicant.email]]
    assert "Farmers lack data." in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="application.submit", object_id=str(draft.pk)).exists()


def test_screening_gives_the_reason_for_each_failed_rule(
    open_call: Call, applicant_org: Any, countries: Any
) -> None:
    applicant, organization = applicant_org
    organization.kind = "academic"
    organization.country = Country.objects.get(iso2="CH")
    organization.save()
    application = services.application_start(
        actor=applicant, call=open_call, organization=organization, title="X"
    )
    _complete(open_call, applicant, application)
    services.application_submit(actor=applicant, application=application)
    reasons = {
        check.rule.kind: check.reason for check in application.eligibility_checks.select_related("rule")
    }
    assert "Switzerland is not a UNICEF programme country" in reasons[RuleKind.PROGRAMME_COUNTRY]
    assert "which this call does not accept" in reasons[RuleKind.ORGANIZATION_KINDS]
    # Stored as a code: each reader reads the reason in their own language, names included.
    check = application.eligibility_checks.get(rule__kind=RuleKind.PROGRAMME_COUNTRY)
    with translation.override("fr"):
        assert "Suisse" in check.reason and "Switzerland" not in check.reason
    application.refresh_from_db()
    assert application.eligibility == Eligibility.INELIGIBLE


def test_manager_overrides_a_rule_with_a_note_and_it_is_audited(
    open_call: Call, draft: Application, applicant_org: Any, personas: dict[str, Any]
) -> None:
    applicant, _org = applicant_org
    _complete(open_call, applicant, draft)
    services.application_submit(actor=applicant, application=draft)
    check = draft.eligibility_checks.get(rule__kind=RuleKind.WORKING_PROTOTYPE)
    with pytest.raises(ValidationError):
        services.eligibility_override(
            actor=personas["fund_manager"], check=check, decision="passed", note="  "
        )
    with pytest.raises(PermissionDenied):
        services.eligibility_override(actor=personas["reviewer"], check=check, decision="passed", note="Seen")
    services.eligibility_override(
        actor=personas["fund_manager"], check=check, decision="passed", note="Demo seen on a call."
    )
    draft.refresh_from_db()
    assert draft.eligibility == Eligibility.ELIGIBLE
    event = AuditEvent.objects.get(action="application.eligibility_override")
    assert event.changes["note"] == [None, "Demo seen on a call."]


def test_one_live_application_per_organization(
    open_call: Call, draft: Application, applicant_org: Any
) -> None:
    applicant, organization = applicant_org
    with pytest.raises(ValidationError) as error:
        services.application_start(actor=applicant, call=open_call, organization=organization, title="Again")
    assert error.value.code == "already_applied"


def test_only_members_start_for_their_organization(open_call: Call, applicant_org: Any) -> None:
    _applicant, organization = applicant_org
    stranger = make_user("stranger", ("applicant",))
    with pytest.raises(PermissionDenied):
        services.application_start(actor=stranger, call=open_call, organization=organization, title="Mine")


def test_withdraw_then_nothing_changes(
    open_call: Call, draft: Application, applicant_org: Any, client_for: Any
) -> None:
    applicant, _org = applicant_org
    _complete(open_call, applicant, draft)
    services.application_submit(actor=applicant, application=draft)
    client = client_for(applicant)
    response = client.post(
        reverse("application_withdraw", args=[draft.pk]), {"reason": "We joined another fund."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    with pytest.raises(ValidationError):
        services.application_withdraw(actor=applicant, application=draft)
    assert client.get(reverse("application_edit", args=[draft.pk])).status_code == 302  # back to the page


# --- Files ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deck.exe", b"MZ...", "Upload a file of type pdf"),
        ("deck.pdf", b"MZ not a pdf", "not a real PDF file"),
        ("deck.pdf", b"%PDF-" + b"0" * (1024 * 1024), "larger than 1 MB"),
    ],
)
def test_uploads_are_checked(
    open_call: Call, draft: Application, applicant_org: Any, name: str, content: bytes, message: str
) -> None:
    applicant, _org = applicant_org
    question = _questions(open_call)["Pitch deck"]
    with pytest.raises(ValidationError) as error:
        services.application_file_upload(
            actor=applicant, application=draft, question=question, upload=SimpleUploadedFile(name, content)
        )
    assert message in " ".join(error.value.messages)
    assert not draft.files.exists()


def test_upload_page_and_download_are_private(
    open_call: Call, draft: Application, applicant_org: Any, client_for: Any, personas: dict[str, Any]
) -> None:
    applicant, _org = applicant_org
    question = _questions(open_call)["Pitch deck"]
    client = client_for(applicant)
    response = client.post(
        reverse("application_file_upload", args=[draft.pk, question.pk]),
        {"file": SimpleUploadedFile("deck.pdf", b"%PDF-1.7 hello")},
    )
    assert response.status_code == 302
    stored = draft.files.get()
    assert stored.name == "deck.pdf" and stored.size == 14
    assert "deck.pdf" not in stored.file.name  # stored under a random name
    url = reverse("application_file", args=[draft.pk, stored.pk])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7 hello"
    # A draft is nobody else's business, not even the fund manager's.
    for persona in ("fund_manager", "reviewer", "outsider", "applicant"):
        assert client_for(personas[persona]).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


# --- Pages ----------------------------------------------------------------------------------------------


def test_applicant_journey_through_the_pages(
    open_call: Call, applicant_org: Any, client_for: Any, personas: dict[str, Any]
) -> None:
    applicant, organization = applicant_org
    client = client_for(applicant)
    assert "Apply" in client.get(open_call.get_absolute_url()).content.decode()
    response = client.post(
        reverse("application_start", args=[open_call.slug]),
        {"organization": organization.pk, "title": "Kijani"},
    )
    application = Application.objects.get(call=open_call)
    assert response.url == reverse("application_edit", args=[application.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "What problem do you solve?" in body and 'hx-post="' in body
    q = _questions(open_call)
    autosave = client.post(
        reverse("application_autosave", args=[application.pk]),
        {"title": "Kijani Crops", f"q{q['Team size'].pk}": "many"},
        HTTP_HX_REQUEST="true",
    )
    assert autosave.status_code == 200
    assert "Saved at" in autosave.content.decode() and "Enter a number." in autosave.content.decode()
    application.refresh_from_db()
    assert application.title == "Kijani Crops"
    mine = client.get(reverse("my_applications")).content.decode()
    assert "Kijani Crops" in mine and "Draft" in mine


def test_managers_never_see_drafts(
    open_call: Call, draft: Application, client_for: Any, personas: dict[str, Any]
) -> None:
    manager = client_for(personas["fund_manager"])
    assert manager.get(reverse("application_detail", args=[draft.pk])).status_code == 404
    table = manager.get(reverse("call_applications", args=[open_call.slug])).content.decode()
    assert "Kijani" not in table
    assert "1 draft is being written" in table


def test_permission_matrix_of_the_application_pages(
    open_call: Call, applicant_org: Any, client_for: Any, personas: dict[str, Any], make_application: Any
) -> None:
    application = make_application(open_call, "Nyota Health")
    member = application.organization.memberships.get().user
    pages = {
        "application_detail": [application.pk],
        "call_applications": [open_call.slug],
        "call_board": [open_call.slug],
    }
    expected = {
        # persona: (detail, table, board)
        None: (302, 302, 302),
        "fund_manager": (200, 200, 200),
        "administrator": (200, 200, 200),
        "reviewer": (404, 403, 403),
        "committee_member": (404, 403, 403),
        "finance_officer": (404, 403, 403),
        "focal_point": (404, 403, 403),
        "applicant": (404, 403, 403),
        "outsider": (404, 403, 403),
    }
    for persona, codes in expected.items():
        client = client_for(personas[persona] if persona else None)
        got = tuple(client.get(reverse(name, args=args)).status_code for name, args in pages.items())
        assert got == codes, persona
    assert client_for(member).get(reverse("application_detail", args=[application.pk])).status_code == 200
    assert client_for(member).get(reverse("call_applications", args=[open_call.slug])).status_code == 403
    # Writes a member cannot make: overrides, messages, moves.
    for name in ("application_message", "application_move"):
        assert client_for(member).post(reverse(name, args=[application.pk]), {}).status_code == 403


def test_bulk_move_sends_each_applicant_their_own_message(
    open_call: Call,
    client_for: Any,
    personas: dict[str, Any],
    make_application: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = make_application(open_call, "Nyota Health")
    second = make_application(open_call, "Kalam Learning")
    shortlist = open_call.stages.get(kind="shortlist")
    manager = client_for(personas["fund_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("call_applications", args=[open_call.slug]),
            {
                "applications": [first.pk, second.pk],
                "stage": shortlist.pk,
                "subject": "$reference is shortlisted",
                "body": "Dear $organization, $title reached $stage.",
            },
        )
    assert response.status_code == 302
    for application in (first, second):
        application.refresh_from_db()
        assert application.stage == shortlist
        message = application.messages.get()
        assert message.subject == f"{application.reference} is shortlisted"
        assert message.body == f"Dear {application.organization.name}, {application.title} reached Shortlist."
    assert sorted(email.subject for email in mail.outbox) == sorted(
        f"{application.reference} is shortlisted" for application in (first, second)
    )
    assert AuditEvent.objects.filter(action="application.move").count() == 2


def test_unknown_placeholder_is_refused(
    open_call: Call, personas: dict[str, Any], make_application: Any
) -> None:
    application = make_application(open_call)
    with pytest.raises(ValidationError) as error:
        services.message_send(
            actor=personas["fund_manager"], application=application, subject="Hi $name", body="Hello"
        )
    assert "$name" in error.value.messages[0]
    assert not ApplicationMessage.objects.exists()


def test_applicant_sees_stage_and_messages_but_not_screening_details(
    open_call: Call, client_for: Any, personas: dict[str, Any], make_application: Any
) -> None:
    application = make_application(open_call, "Nyota Health")
    services.message_send(
        actor=personas["fund_manager"],
        application=application,
        subject="A question",
        body="Send us your budget.",
    )
    page = client_for(application.organization.memberships.get().user).get(application.get_absolute_url())
    body = page.content.decode()
    assert "Send us your budget." in body
    assert 'aria-current="step"' in body
    assert "Record the decision" not in body


def test_board_and_table_queries_do_not_grow(
    open_call: Call, client_for: Any, personas: dict[str, Any], make_application: Any
) -> None:
    manager = client_for(personas["fund_manager"])

    def count(name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(reverse(name, args=[open_call.slug])).status_code == 200
        return len(queries)

    for index in range(3):
        make_application(open_call, f"Team {index}")
    few = (count("call_board"), count("call_applications"))
    for index in range(3, 30):
        make_application(open_call, f"Team {index}", stage_kind="shortlist" if index % 2 else None)
    assert (count("call_board"), count("call_applications")) == few


def test_blind_review_hides_identity_on_the_application_page(
    open_call: Call, client_for: Any, personas: dict[str, Any], make_application: Any
) -> None:
    from seedbed.calls.models import Review

    Call.objects.filter(pk=open_call.pk).update(blind_review=True)
    application = make_application(open_call, "Nyota Health")
    repository = _questions(open_call)["Repository"]
    application.answers = {str(repository.pk): "https://github.com/nyota/app"}
    application.save()
    Review.objects.create(application=application, reviewer=personas["reviewer"])
    body = client_for(personas["reviewer"]).get(application.get_absolute_url()).content.decode()
    assert application.reference in body
    assert "Nyota" not in body and "nyota" not in body
    assert "Hidden in blind review" in body
    manager = client_for(personas["fund_manager"]).get(application.get_absolute_url()).content.decode()
    assert "Nyota Health" in manager and "github.com/nyota/app" in manager


def test_assessment_settings_are_set_on_the_call_and_blind_review_is_fixed_once_open(
    open_call: Call, make_call: Callable[..., Call], personas: dict[str, Any]
) -> None:
    manager = personas["fund_manager"]
    future = make_call("Future call", 10 * DAY, 40 * DAY)
    services.call_update(
        actor=manager,
        call=future,
        data={
            "blind_review": True,
            "reviewers_per_application": 2,
            "disagreement_spread": "2.0",
            "reminder_days": 5,
        },
    )
    future.refresh_from_db()
    assert (future.blind_review, future.reviewers_per_application, future.reminder_days) == (True, 2, 5)
    with pytest.raises(ValidationError) as error:
        services.call_update(actor=manager, call=open_call, data={"blind_review": True})
    assert "blind_review" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.call_update(actor=manager, call=open_call, data={"reviewers_per_application": 0})
    assert "reviewers_per_application" in error.value.message_dict
    services.call_update(
        actor=manager, call=open_call, data={"reviewers_per_application": 4}
    )  # allowed when open
    open_call.refresh_from_db()
    assert open_call.reviewers_per_application == 4


def test_an_upload_past_the_ceiling_is_not_read(
    open_call: Call, draft: Application, applicant_org: Any, client_for: Any, settings: Any
) -> None:
    settings.SEEDBED_UPLOAD_MAX_MB = 1
    applicant, _org = applicant_org
    question = _questions(open_call)["Pitch deck"]
    response = client_for(applicant).post(
        reverse("application_file_upload", args=[draft.pk, question.pk]),
        {"file": SimpleUploadedFile("deck.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024))},
        follow=True,
    )
    assert "Choose a file to upload." in response.content.decode()
    assert not draft.files.exists()


def test_default_stage_names_are_shown_in_the_readers_language(
    open_call: Call, client_for: Any, make_application: Any
) -> None:
    application = make_application(open_call, "Nyota Health", stage_kind="shortlist")
    client = client_for(application.organization.memberships.get().user)
    client.cookies["django_language"] = "fr"
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Présélection" in page and "Shortlist" not in page
    # A name a manager wrote is shown as written.
    open_call.stages.filter(kind="shortlist").update(name="Short list 2026")
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Short list 2026" in page
