"""Reviews: assignment (by hand and balanced automatic), conflicts of interest and recusal, scoring
(draft, submit, weighted mean, reopen), who sees whose scores, blind review, the ranking and its export,
permissions, and constant query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seedbed.calls import services
from seedbed.calls.models import (
    LIVE_REVIEW_STATUSES,
    AgendaItem,
    ApplicationFile,
    Call,
    Conflict,
    Criterion,
    Meeting,
    Question,
    Review,
    ReviewStatus,
    Score,
)
from seedbed.calls.selectors import reviews as review_selectors
from seedbed.calls.services.reviews import weighted_mean
from seedbed.core.models import AuditEvent, Membership
from tests.calls.conftest import DAY
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


# --- Fixtures and helpers --------------------------------------------------------------------------


@pytest.fixture
def call(make_call) -> Call:
    return make_call("AI 2025", -5 * DAY, 30 * DAY)


@pytest.fixture
def reviewers(db) -> list:
    return [make_user(f"rev{i}", ("reviewer",)) for i in range(5)]


def criteria_of(call: Call) -> list[Criterion]:
    return list(call.criteria.order_by("position"))


def all_scores(call: Call, score: int = 4) -> dict[int, tuple[int | None, str]]:
    return {criterion.pk: (score, "") for criterion in criteria_of(call)}


def submitted_review(application, reviewer, total: str) -> Review:
    return Review.objects.create(
        application=application,
        reviewer=reviewer,
        status=ReviewStatus.SUBMITTED,
        total=Decimal(total),
        submitted_at=timezone.now(),
    )


def form_data(call: Call, scores: dict[int, int | None], action: str, comment: str = "") -> dict[str, str]:
    data = {"action": action, "comment": comment}
    for criterion in criteria_of(call):
        value = scores.get(criterion.pk)
        if value is not None:
            data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = ""
    return data


# --- Automatic assignment ----------------------------------------------------------------------------


def test_automatic_assignment_balances_the_load(call, make_application, reviewers, personas):
    applications = [make_application(call, f"Team {i}") for i in range(10)]
    # The reviewer persona makes a sixth reviewer.
    result = services.reviews_assign_auto(actor=personas["fund_manager"], applications=applications)
    assert len(result.reviews) == 30 and result.understaffed == []
    loads = Counter(
        Review.objects.filter(application__call=call).values_list("reviewer__username", flat=True)
    )
    assert len(loads) == 6 and sum(loads.values()) == 30
    assert set(loads.values()) == {5}  # six reviewers: five reviews each
    for application in applications:
        assert application.reviews.count() == 3
    # A second run has nothing to do: every application is staffed.
    again = services.reviews_assign_auto(actor=personas["fund_manager"], applications=applications)
    assert again.reviews == [] and again.understaffed == []
    assert Review.objects.filter(application__call=call).count() == 30
    assert AuditEvent.objects.filter(action="call.reviewers_assign_auto").count() == 1


def test_ten_applications_three_reviewers_each_over_five_reviewers_gives_six_each(
    call, make_application, reviewers
):
    applications = [make_application(call, f"Team {i}") for i in range(10)]
    services.reviews_assign_auto(actor=None, applications=applications, per_application=3)
    loads = Counter(Review.objects.values_list("reviewer_id", flat=True))
    assert sorted(loads.values()) == [6, 6, 6, 6, 6]
    assert set(loads) == {reviewer.pk for reviewer in reviewers}


def test_the_load_counts_reviews_already_in_the_call_and_ties_break_the_same_way(
    call, make_application, reviewers
):
    first = make_application(call, "First")
    services.reviews_assign(actor=None, application=first, reviewers=reviewers[:3])
    second = make_application(call, "Second")
    result = services.reviews_assign_auto(actor=None, applications=[second], per_application=3)
    # rev3 and rev4 have no review yet; then the earliest account among the others.
    assert [review.reviewer for review in result.reviews] == [reviewers[3], reviewers[4], reviewers[0]]


def test_assignment_never_picks_the_applicants_own_member_nor_a_conflicted_reviewer(
    call, make_application, reviewers
):
    application = make_application(call, "Kijani")
    Membership.objects.create(user=reviewers[0], organization=application.organization, role="member")
    Conflict.objects.create(application=application, user=reviewers[1], note="My cousin runs it.")
    result = services.reviews_assign_auto(actor=None, applications=[application], per_application=5)
    assigned = {review.reviewer for review in application.reviews.all()}
    assert assigned == {reviewers[2], reviewers[3], reviewers[4]}
    # Only three eligible reviewers: the application is reported as two short.
    assert [(found.pk, missing) for found, missing in result.understaffed] == [(application.pk, 2)]


def test_automatic_assignment_tops_up_and_never_brings_back_a_recused_reviewer(
    call, make_application, reviewers
):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    Review.objects.create(application=application, reviewer=reviewers[1], status=ReviewStatus.RECUSED)
    result = services.reviews_assign_auto(actor=None, applications=[application], per_application=3)
    assert len(result.reviews) == 2
    live = set(application.reviews.filter(status__in=LIVE_REVIEW_STATUSES).values_list("reviewer", flat=True))
    assert len(live) == 3 and reviewers[1].pk not in live


def test_automatic_assignment_takes_a_bounded_number_of_queries(call, make_application, reviewers):
    few = [make_application(call, f"Few {i}") for i in range(5)]
    many = [make_application(call, f"Many {i}") for i in range(50)]
    with CaptureQueriesContext(connection) as small:
        services.reviews_assign_auto(actor=None, applications=few, per_application=2)
    with CaptureQueriesContext(connection) as large:
        services.reviews_assign_auto(actor=None, applications=many, per_application=2)
    # The same reads; only the bulk insert may take one more batch.
    assert len(large) <= len(small) + 2
    assert len(large) < 20


def test_only_submitted_applications_are_assigned_and_only_by_managers(call, make_application, reviewers):
    draft = make_application(call, "Draft", status="draft")
    with pytest.raises(ValidationError) as raised:
        services.reviews_assign_auto(actor=None, applications=[draft])
    assert raised.value.error_list[0].code == "review_not_submitted"
    submitted = make_application(call, "Submitted")
    with pytest.raises(PermissionDenied):
        services.reviews_assign_auto(actor=reviewers[0], applications=[submitted])
    with pytest.raises(PermissionDenied):
        services.reviews_assign(actor=reviewers[0], application=submitted, reviewers=[reviewers[1]])
    assert not Review.objects.exists()


# --- Assignment by hand -------------------------------------------------------------------------------


def test_assigning_by_hand_refuses_members_conflicts_and_non_reviewers_and_skips_the_assigned(
    call, make_application, reviewers, personas
):
    application = make_application(call)
    applicant = application.organization.memberships.get().user
    manager = personas["fund_manager"]
    Conflict.objects.create(application=application, user=reviewers[1], note="Former employer.")
    for person, code in (
        (applicant, "reviewer_not_reviewer"),
        (personas["outsider"], "reviewer_not_reviewer"),
        (reviewers[1], "reviewer_conflict"),
    ):
        with pytest.raises(ValidationError) as raised:
            services.reviews_assign(actor=manager, application=application, reviewers=[reviewers[0], person])
        assert raised.value.error_dict["reviewers"][0].code == code
    Membership.objects.create(user=reviewers[2], organization=application.organization)
    with pytest.raises(ValidationError) as raised:
        services.reviews_assign(actor=manager, application=application, reviewers=[reviewers[2]])
    assert raised.value.error_dict["reviewers"][0].code == "reviewer_is_applicant"
    assert not Review.objects.exists()  # all or nothing
    created = services.reviews_assign(actor=manager, application=application, reviewers=[reviewers[0]])
    assert [review.reviewer for review in created] == [reviewers[0]]
    again = services.reviews_assign(
        actor=manager, application=application, reviewers=[reviewers[0], reviewers[3]]
    )
    assert [review.reviewer for review in again] == [reviewers[3]]
    assert application.reviews.count() == 2
    event = AuditEvent.objects.filter(action="application.reviewers_assign").latest("pk")
    assert event.actor == manager


def test_the_managers_page_assigns_by_hand_and_automatically_and_shows_the_load(
    call, make_application, reviewers, personas, client_for
):
    manager = client_for(personas["fund_manager"])
    applications = [make_application(call, f"Team {i}") for i in range(4)]
    Membership.objects.create(user=reviewers[0], organization=applications[0].organization)
    url = f"/calls/{call.slug}/reviewers/"
    page = manager.get(url)
    assert page.status_code == 200 and "rev0" in page.content.decode().lower()
    refused = manager.post(
        url,
        {
            "action": "assign",
            "assign-applications": [applications[0].pk],
            "assign-reviewers": [reviewers[0].pk],
        },
    )
    assert refused.status_code == 422
    assert "member of the applicant" in refused.content.decode()
    assert not Review.objects.exists()
    done = manager.post(
        url,
        {
            "action": "assign",
            "assign-applications": [applications[1].pk],
            "assign-reviewers": [reviewers[0].pk],
        },
    )
    assert done.status_code == 302 and applications[1].reviews.get().reviewer == reviewers[0]
    auto = manager.post(url, {"action": "auto", "auto-per_application": "2", "auto-stage": ""}, follow=True)
    assert "reviews were assigned" in auto.content.decode()
    for application in applications:
        assert application.reviews.count() == 2
    assert not applications[0].reviews.filter(reviewer=reviewers[0]).exists()


# --- Conflicts of interest ------------------------------------------------------------------------------


def test_a_conflict_recuses_the_reviewer_assigns_a_replacement_and_hides_the_application(
    call, make_application, reviewers, client_for
):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=reviewers[:3])
    other = make_application(call, "Busy")
    services.reviews_assign(actor=None, application=other, reviewers=[reviewers[3]])  # rev3 is busier
    review = application.reviews.get(reviewer=reviewers[0])
    client = client_for(reviewers[0])
    assert client.get(f"/reviews/{review.pk}/").status_code == 200
    response = client.post(
        f"/reviews/{review.pk}/conflict/", {"note": "I advised them last year."}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/reviews/"
    assert "conflict of interest" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.RECUSED
    assert Conflict.objects.get(application=application).user == reviewers[0]
    live = application.reviews.filter(status__in=LIVE_REVIEW_STATUSES)
    assert set(live.values_list("reviewer", flat=True)) == {reviewers[1].pk, reviewers[2].pk, reviewers[4].pk}
    assert client.get(f"/reviews/{review.pk}/").status_code == 404
    assert client.get(f"/api/reviews/{review.pk}").status_code == 404
    assert client.get(f"/applications/{application.pk}/").status_code == 404
    assert review.pk not in [item["id"] for item in client.get("/api/reviews").json()["items"]]
    event = AuditEvent.objects.get(action="application.conflict_declare")
    assert event.actor == reviewers[0] and event.changes["replacement"] == [None, str(reviewers[4])]
    with pytest.raises(ValidationError) as raised:
        services.review_save(actor=reviewers[0], review=review, scores={}, comment="", submit=False)
    assert raised.value.error_list[0].code == "review_recused"


def test_a_conflict_through_the_api_and_its_note_is_required(call, make_application, reviewers, client_for):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    review = application.reviews.get()
    client = client_for(reviewers[0])
    empty = client.post(f"/api/reviews/{review.pk}/conflict", {"note": "  "}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "note"]
    assert not Conflict.objects.exists()
    done = client.post(
        f"/api/reviews/{review.pk}/conflict", {"note": "Shareholder."}, content_type="application/json"
    )
    assert done.status_code == 201
    assert client.get(f"/api/reviews/{review.pk}").status_code == 404
    assert application.reviews.filter(status=ReviewStatus.ASSIGNED).count() == 1  # the replacement


def test_a_committee_member_on_the_agenda_may_declare_a_conflict_others_may_not(
    call, make_application, personas
):
    application = make_application(call)
    member = personas["committee_member"]
    with pytest.raises(PermissionDenied):
        services.conflict_declare(actor=member, application=application, note="Ties.")
    meeting = Meeting.objects.create(call=call, title="IC", scheduled_at=timezone.now())
    meeting.members.add(member)
    AgendaItem.objects.create(meeting=meeting, application=application, position=1)
    conflict = services.conflict_declare(actor=member, application=application, note="Ties.")
    assert conflict.user == member and not application.reviews.exists()
    with pytest.raises(ValidationError) as raised:
        services.conflict_declare(actor=member, application=application, note="Again.")
    assert raised.value.error_list[0].code == "conflict_exists"


# --- Scoring ------------------------------------------------------------------------------------------


def test_the_weighted_mean_is_exact_and_rounds_half_to_even():
    assert weighted_mean([(5, 3), (4, 3), (3, 2), (3, 2), (2, 2), (4, 2), (1, 1)]) == Decimal("3.467")
    assert weighted_mean([(1, 1), (2, 1999)]) == Decimal("2.000")  # 1.9995 → even
    assert weighted_mean([(1, 3), (2, 1997)]) == Decimal("1.998")  # 1.9985 → even (half-up: 1.999)
    assert weighted_mean([(4, 1)]) == Decimal("4.000")


def test_a_draft_then_a_submission_with_the_weighted_total(call, make_application, reviewers):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    review = application.reviews.get()
    criteria = criteria_of(call)
    assert [criterion.weight for criterion in criteria] == [3, 3, 2, 2, 2, 2, 1]
    first = {criteria[0].pk: (5, "Clear problem."), criteria[1].pk: (None, "")}
    review = services.review_save(actor=reviewers[0], review=review, scores=first, comment="", submit=False)
    assert review.status == ReviewStatus.DRAFT and review.total is None
    with pytest.raises(ValidationError) as raised:
        services.review_save(actor=reviewers[0], review=review, scores={}, comment="", submit=True)
    assert set(raised.value.error_dict) == {f"scores.{criterion.pk}" for criterion in criteria[1:]}
    assert raised.value.error_dict[f"scores.{criteria[1].pk}"][0].code == "score_missing"
    rest = {
        criterion.pk: (score, "") for criterion, score in zip(criteria[1:], [4, 3, 3, 2, 4, 1], strict=True)
    }
    review = services.review_save(
        actor=reviewers[0], review=review, scores=rest, comment="Good.", submit=True
    )
    assert review.status == ReviewStatus.SUBMITTED
    assert review.total == Decimal("3.467")  # 52 / 15
    assert Score.objects.get(review=review, criterion=criteria[0]).comment == "Clear problem."
    assert AuditEvent.objects.filter(action="review.submit", object_id=str(review.pk)).exists()
    with pytest.raises(ValidationError) as raised:
        services.review_save(actor=reviewers[0], review=review, scores={}, comment="", submit=False)
    assert raised.value.error_list[0].code == "review_submitted"


def test_scores_are_checked_and_only_the_reviewer_saves(call, make_application, reviewers, make_call):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    review = application.reviews.get()
    foreign = criteria_of(make_call("Other", -DAY, DAY))[0]
    first = criteria_of(call)[0]
    for scores, code in (
        ({first.pk: (6, "")}, "score_range"),
        ({first.pk: (0, "")}, "score_range"),
        ({foreign.pk: (3, "")}, "score_criterion"),
    ):
        with pytest.raises(ValidationError) as raised:
            services.review_save(actor=reviewers[0], review=review, scores=scores, comment="", submit=False)
        assert next(iter(raised.value.error_dict.values()))[0].code == code
    with pytest.raises(PermissionDenied):
        services.review_save(
            actor=reviewers[1], review=review, scores={first.pk: (3, "")}, comment="", submit=False
        )
    assert not Score.objects.exists()


def test_the_page_saves_a_draft_and_refuses_an_incomplete_submission(
    call, make_application, reviewers, client_for
):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    review = application.reviews.get()
    client = client_for(reviewers[0])
    criteria = criteria_of(call)
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "Save draft" in page and "Submit" in page
    assert criteria[0].guidance[4] in page  # the 1–5 guidance beside each score
    assert f'name="score_{criteria[0].pk}"' in page and 'type="radio"' in page
    incomplete = client.post(f"/reviews/{review.pk}/", form_data(call, {criteria[0].pk: 5}, "submit"))
    assert incomplete.status_code == 422
    assert "Score this criterion from 1 to 5 before submitting." in incomplete.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.ASSIGNED and not Score.objects.exists()
    draft = client.post(f"/reviews/{review.pk}/", form_data(call, {criteria[0].pk: 5}, "draft"))
    assert draft.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert Score.objects.get(review=review, criterion=criteria[0]).score == 5
    assert "checked" in client.get(f"/reviews/{review.pk}/").content.decode()
    full = client.post(
        f"/reviews/{review.pk}/", form_data(call, {criterion.pk: 3 for criterion in criteria}, "submit")
    )
    assert full.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.total == Decimal("3.000")


def test_a_manager_reopens_a_submitted_review(call, make_application, reviewers, personas, client_for):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    review = services.review_save(
        actor=reviewers[0], review=application.reviews.get(), scores=all_scores(call), comment="", submit=True
    )
    with pytest.raises(PermissionDenied):
        services.review_reopen(actor=reviewers[0], review=review)
    response = client_for(personas["fund_manager"]).post(f"/calls/{call.slug}/reviewers/{review.pk}/reopen/")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT and review.total is None and review.submitted_at is None
    assert AuditEvent.objects.filter(action="review.reopen", actor=personas["fund_manager"]).exists()
    with pytest.raises(ValidationError):
        services.review_reopen(actor=personas["fund_manager"], review=review)
    services.review_save(
        actor=reviewers[0], review=review, scores=all_scores(call, 5), comment="", submit=True
    )
    review.refresh_from_db()
    assert review.total == Decimal("5.000")


# --- Who sees whose scores -----------------------------------------------------------------------------


def test_others_scores_appear_only_after_ones_own_submission(call, make_application, reviewers, client_for):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=reviewers[:2])
    mine, theirs = (
        application.reviews.get(reviewer=reviewers[0]),
        application.reviews.get(reviewer=reviewers[1]),
    )
    scores = all_scores(call, 2)
    scores[criteria_of(call)[0].pk] = (2, "THEIR-CRITERION-NOTE")
    services.review_save(
        actor=reviewers[1], review=theirs, scores=scores, comment="THEIR-OVERALL", submit=True
    )
    client = client_for(reviewers[0])
    before = client.get(f"/reviews/{mine.pk}/").content.decode()
    assert "THEIR-OVERALL" not in before and "THEIR-CRITERION-NOTE" not in before
    assert "Other reviewers" not in before and "2.000" not in before
    api_before = client.get(f"/api/reviews/{mine.pk}")
    assert api_before.json()["others"] is None
    assert "THEIR" not in api_before.content.decode()
    # A draft of one's own is not enough.
    services.review_save(
        actor=reviewers[0], review=mine, scores=all_scores(call, 4), comment="", submit=False
    )
    assert "THEIR-OVERALL" not in client.get(f"/reviews/{mine.pk}/").content.decode()
    assert client.get(f"/api/reviews/{mine.pk}").json()["others"] is None
    put = client.put(
        f"/api/reviews/{mine.pk}", {"submit": True, "comment": "Mine."}, content_type="application/json"
    )
    assert put.status_code == 200 and put.json()["status"] == "submitted" and put.json()["total"] == "4.000"
    after = client.get(f"/reviews/{mine.pk}/").content.decode()
    assert "THEIR-OVERALL" in after and "THEIR-CRITERION-NOTE" in after and "rev1" not in after.lower()
    others = client.get(f"/api/reviews/{mine.pk}").json()["others"]
    assert [(other["reviewer"], other["total"], other["comment"]) for other in others] == [
        ("Reviewer 1", "2.000", "THEIR-OVERALL")
    ]


def test_the_api_saves_drafts_and_reports_errors_per_field(call, make_application, reviewers, client_for):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    review = application.reviews.get()
    client = client_for(reviewers[0])
    criteria = criteria_of(call)
    url = f"/api/reviews/{review.pk}"
    detail = client.get(url).json()
    assert [score["criterion"] for score in detail["scores"]] == [criterion.pk for criterion in criteria]
    assert detail["scores"][0]["guidance"] == criteria[0].guidance
    bad = client.put(
        url, {"scores": [{"criterion": criteria[0].pk, "score": 9}]}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", f"scores.{criteria[0].pk}"]
    draft = client.put(
        url,
        {"scores": [{"criterion": criteria[0].pk, "score": 4, "comment": "Fine."}], "comment": "So far."},
        content_type="application/json",
    )
    assert draft.status_code == 200 and draft.json()["status"] == "draft"
    assert draft.json()["scores"][0]["score"] == 4 and draft.json()["comment"] == "So far."
    incomplete = client.put(url, {"submit": True}, content_type="application/json")
    assert incomplete.status_code == 422
    assert {item["loc"][1] for item in incomplete.json()["detail"]} == {
        f"scores.{criterion.pk}" for criterion in criteria[1:]
    }
    client.put(
        url,
        {"scores": [{"criterion": c.pk, "score": 5} for c in criteria], "submit": True},
        content_type="application/json",
    )
    late = client.put(url, {"comment": "Changed my mind."}, content_type="application/json")
    assert late.status_code == 422 and late.json()["detail"][0]["loc"] == ["body", "__all__"]
    review.refresh_from_db()
    assert review.comment == "So far." and review.total == Decimal("5.000")


# --- Blind review -------------------------------------------------------------------------------------


@pytest.fixture
def blind(call, make_application, reviewers):
    Call.objects.filter(pk=call.pk).update(blind_review=True, opens_at=call.opens_at - 10 * DAY)
    visible = Question.objects.create(call=call, position=1, kind="long_text", label="What do you build?")
    hidden = Question.objects.create(
        call=call, position=2, kind="short_text", label="Who is on the team?", hidden_in_blind_review=True
    )
    hidden_file = Question.objects.create(
        call=call,
        position=3,
        kind="file",
        label="Pitch deck",
        hidden_in_blind_review=True,
        allowed_file_types=["pdf"],
        max_file_mb=5,
    )
    application = make_application(call, "Kijani Data Labs")
    application.answers = {
        str(visible.pk): "Soil maps for farmers.",
        str(hidden.pk): "Wanjiru, CEO of Kijani",
    }
    application.save()
    ApplicationFile.objects.create(
        application=application,
        question=hidden_file,
        file=ContentFile(b"%PDF-1.4", name="pitch.pdf"),
        name="kijani-pitch.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    return application


def test_blind_review_hides_the_identity_on_the_page_and_in_the_api(blind, reviewers, client_for):
    review = blind.reviews.get()
    client = client_for(reviewers[0])
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert blind.reference in page and "Soil maps for farmers." in page
    for secret in ("Kijani", "Wanjiru", "Who is on the team?", "Pitch deck", "kijani-pitch.pdf"):
        assert secret not in page
    listing = client.get("/reviews/").content.decode()
    assert blind.reference in listing and "Kijani" not in listing
    detail = client.get(f"/api/reviews/{review.pk}")
    assert detail.status_code == 200 and "Kijani" not in detail.content.decode()
    assert "Wanjiru" not in detail.content.decode()
    body = detail.json()
    assert body["title"] is None and body["applicant"] is None and body["blind_review"] is True
    assert [answer["label"] for answer in body["answers"]] == ["What do you build?"]
    items = client.get("/api/reviews").json()["items"]
    assert items[0]["title"] is None and "Kijani" not in str(items)
    # Once submitted, the identity stays hidden.
    client.put(
        f"/api/reviews/{review.pk}",
        {"scores": [{"criterion": c.pk, "score": 3} for c in criteria_of(blind.call)], "submit": True},
        content_type="application/json",
    )
    assert "Kijani" not in client.get(f"/reviews/{review.pk}/").content.decode()
    assert "Kijani" not in client.get(f"/api/reviews/{review.pk}").content.decode()


def test_without_blind_review_the_reviewer_sees_who_applied(call, make_application, reviewers, client_for):
    application = make_application(call, "Kijani Data Labs")
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    review = application.reviews.get()
    client = client_for(reviewers[0])
    assert "Kijani Data Labs" in client.get(f"/reviews/{review.pk}/").content.decode()
    body = client.get(f"/api/reviews/{review.pk}").json()
    assert body["title"] == "Kijani Data Labs app" and body["applicant"]["organization"] == "Kijani Data Labs"


def test_managers_see_the_identity_of_a_blind_call_in_the_ranking_and_its_export(blind, personas, client_for):
    client = client_for(personas["fund_manager"])
    assert "Kijani Data Labs" in client.get(f"/calls/{blind.call.slug}/ranking/").content.decode()
    export = client.get(f"/calls/{blind.call.slug}/ranking/?export=csv")
    assert "Kijani Data Labs" in export.content.decode("utf-8-sig")
    assert client.get(f"/api/calls/{blind.call.slug}/ranking").json()["items"][0]["organization"] == (
        "Kijani Data Labs"
    )


# --- The ranking ----------------------------------------------------------------------------------------


@pytest.fixture
def ranked(call, make_application, reviewers):
    """Four applications: A 4.1 & 2.6 (mean 3.35, spread 1.5: disagreement), B 4.0 & 3.0 & 3.5 (3.5),
    C 4.8 (one review), D none submitted (one assigned)."""
    a, b, c, d = (make_application(call, name) for name in ("Alpha", "Beta", "Gamma", "Delta"))
    submitted_review(a, reviewers[0], "4.100")
    submitted_review(a, reviewers[1], "2.600")
    submitted_review(b, reviewers[0], "4.000")
    submitted_review(b, reviewers[1], "3.000")
    submitted_review(b, reviewers[2], "3.500")
    Review.objects.create(application=b, reviewer=reviewers[3], status=ReviewStatus.RECUSED)
    submitted_review(c, reviewers[2], "4.800")
    Review.objects.create(application=c, reviewer=reviewers[3], status=ReviewStatus.DRAFT)
    Review.objects.create(application=d, reviewer=reviewers[4])
    return {"a": a, "b": b, "c": c, "d": d}


def test_the_ranking_orders_by_mean_with_spread_and_disagreement(call, ranked):
    rows = list(review_selectors.ranking(call=call))
    assert [row.pk for row in rows] == [ranked[key].pk for key in "cbad"]
    by_key = {key: next(row for row in rows if row.pk == ranked[key].pk) for key in ranked}
    assert review_selectors.as_total(by_key["a"].mean) == Decimal("3.350")
    assert review_selectors.as_total(by_key["a"].spread) == Decimal("1.500")
    assert by_key["a"].disagreement is True  # 4.1 - 2.6 reaches 1.5 exactly
    assert by_key["b"].disagreement is False and review_selectors.as_total(by_key["b"].spread) == Decimal(
        "1.000"
    )
    assert (by_key["b"].submitted_reviews, by_key["b"].live_reviews) == (3, 3)
    assert (by_key["c"].submitted_reviews, by_key["c"].live_reviews) == (1, 2)
    assert by_key["d"].mean is None and by_key["d"].disagreement is False


def test_the_ranking_filters_and_sorts(call, ranked, client_for, personas):
    def refs(**filters):
        qs = review_selectors.ranking(call=call, filters=review_selectors.RankingFilters(**filters))
        return [row.pk for row in qs]

    assert refs(disagreement=True) == [ranked["a"].pk]
    assert refs(min_reviews=2) == [ranked["b"].pk, ranked["a"].pk]
    assert refs(sort="mean")[:3] == [ranked["a"].pk, ranked["b"].pk, ranked["c"].pk]
    assert refs(sort="-spread")[0] == ranked["a"].pk
    ranked["b"].eligibility = "ineligible"
    ranked["b"].save()
    assert refs(eligibility="ineligible") == [ranked["b"].pk]
    assert ranked["b"].pk not in refs(eligibility="none")
    second_stage = call.stages.get(position=2)
    ranked["c"].stage = second_stage
    ranked["c"].save()
    assert refs(stage=2) == [ranked["c"].pk]
    client = client_for(personas["fund_manager"])
    page = client.get(f"/calls/{call.slug}/ranking/?disagreement=on").content.decode()
    assert "Alpha app" in page and "Beta app" not in page and "Disagreement" in page
    api = client.get(f"/api/calls/{call.slug}/ranking?min_reviews=2").json()
    assert [item["reference"] for item in api["items"]] == [ranked["b"].reference, ranked["a"].reference]
    assert api["items"][1]["mean"] == "3.350" and api["items"][1]["spread"] == "1.500"
    assert api["items"][1]["disagreement"] is True
    assert client.get(f"/api/calls/{call.slug}/ranking?min_reviews=-1").status_code == 422


def test_the_ranking_exports_csv_and_xlsx(call, ranked, client_for, personas):
    client = client_for(personas["fund_manager"])
    response = client.get(f"/calls/{call.slug}/ranking/?export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"ranking-{call.slug}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rank", "Reference", "Name of the solution", "Organization"]
    assert [row[1] for row in rows[1:]] == [ranked[key].reference for key in "cbad"]
    alpha = rows[3]
    assert alpha[0] == "3" and alpha[3] == "Alpha" and alpha[7] == "3.350" and alpha[8] == "1.500"
    assert alpha[9] == "yes" and alpha[10] == "2"
    filtered = client.get(f"/calls/{call.slug}/ranking/?export=csv&disagreement=on")
    assert len(list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig"))))) == 2
    xlsx = client.get(f"/calls/{call.slug}/ranking/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


# --- Permissions -------------------------------------------------------------------------------------


@pytest.fixture
def assigned(call, make_application, reviewers):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    return application.reviews.get()


@pytest.mark.parametrize(
    "who", ["applicant", "outsider", "other_reviewer", "fund_manager", "committee_member", "administrator"]
)
def test_only_the_reviewer_opens_a_review(assigned, personas, client_for, who, call):
    user = assigned.application.organization.memberships.get().user if who == "applicant" else None
    user = user or personas["reviewer" if who == "other_reviewer" else who]
    client = client_for(user)
    assert client.get(f"/reviews/{assigned.pk}/").status_code == 404
    assert client.get(f"/api/reviews/{assigned.pk}").status_code == 404
    payload = {"scores": [{"criterion": criteria_of(call)[0].pk, "score": 3}]}
    assert (
        client.put(f"/api/reviews/{assigned.pk}", payload, content_type="application/json").status_code == 404
    )
    assert client.post(f"/reviews/{assigned.pk}/", {"action": "draft"}).status_code == 404
    assert client.post(f"/reviews/{assigned.pk}/conflict/", {"note": "x"}).status_code == 404
    conflict = client.post(
        f"/api/reviews/{assigned.pk}/conflict", {"note": "x"}, content_type="application/json"
    )
    assert conflict.status_code == 404
    assigned.refresh_from_db()
    assert (
        assigned.status == ReviewStatus.ASSIGNED
        and not Score.objects.exists()
        and not Conflict.objects.exists()
    )


def test_anonymous_visitors_are_sent_to_sign_in(assigned, client, call):
    for url in (
        "/reviews/",
        f"/reviews/{assigned.pk}/",
        f"/calls/{call.slug}/reviewers/",
        f"/calls/{call.slug}/ranking/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for url in ("/api/reviews", f"/api/reviews/{assigned.pk}", f"/api/calls/{call.slug}/ranking"):
        assert client.get(url).status_code == 401
    assert client.put(f"/api/reviews/{assigned.pk}", {}, content_type="application/json").status_code == 401


@pytest.mark.parametrize("persona", ["applicant", "outsider", "committee_member", "finance_officer"])
def test_the_reviewers_list_is_for_reviewers(personas, client_for, persona):
    client = client_for(personas[persona])
    assert client.get("/reviews/").status_code == 403
    assert client.get("/api/reviews").status_code == 403


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("fund_manager", True),
        ("administrator", True),
        ("reviewer", False),
        ("committee_member", False),
        ("applicant", False),
        ("outsider", False),
    ],
)
def test_assignment_and_ranking_are_for_managers(assigned, personas, client_for, call, persona, allowed):
    client = client_for(personas[persona])
    expected = 200 if allowed else 403
    assert client.get(f"/calls/{call.slug}/reviewers/").status_code == expected
    assert client.get(f"/calls/{call.slug}/ranking/").status_code == expected
    assert client.get(f"/calls/{call.slug}/ranking/?export=csv").status_code == expected
    assert client.get(f"/api/calls/{call.slug}/ranking").status_code == expected
    posted = client.post(f"/calls/{call.slug}/reviewers/", {"action": "auto", "auto-per_application": "3"})
    assert posted.status_code == (302 if allowed else 403)
    if not allowed:
        assert Review.objects.count() == 1


def test_a_reviewer_sees_only_their_own_assignments(assigned, reviewers, client_for):
    other = client_for(reviewers[1])
    assert other.get("/api/reviews").json()["count"] == 0
    assert assigned.application.reference not in other.get("/reviews/").content.decode()
    mine = client_for(reviewers[0])
    items = mine.get("/api/reviews").json()["items"]
    assert [item["id"] for item in items] == [assigned.pk]
    assert items[0]["application"] == assigned.application.reference and items[0]["status"] == "assigned"


def test_the_due_date_is_the_stages_closing(assigned, reviewers, client_for):
    stage = assigned.application.stage
    stage.closes_at = timezone.now().replace(microsecond=0) + 3 * DAY
    stage.save()
    client = client_for(reviewers[0])
    page = client.get("/reviews/").content.decode()
    assert stage.closes_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") in page
    due = client.get("/api/reviews").json()["items"][0]["due_at"]
    assert due.startswith(stage.closes_at.strftime("%Y-%m-%dT%H:%M:%S"))


# --- Constant queries ----------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def _grow(call, make_application, reviewers, start: int, count: int) -> None:
    for i in range(start, start + count):
        application = make_application(call, f"Grow {i}")
        submitted_review(application, reviewers[0], f"{1 + (i % 40) / 10:.3f}")
        submitted_review(application, reviewers[1], "3.000")
        Review.objects.create(application=application, reviewer=reviewers[2])


@pytest.mark.parametrize(
    "url",
    [
        "/calls/{slug}/ranking/",
        "/calls/{slug}/ranking/?disagreement=on&min_reviews=1&sort=-spread",
        "/api/calls/{slug}/ranking",
        "/calls/{slug}/reviewers/",
    ],
)
def test_manager_pages_keep_a_constant_number_of_queries(
    call, make_application, reviewers, personas, client_for, url
):
    client = client_for(personas["fund_manager"])
    url = url.format(slug=call.slug)
    _grow(call, make_application, reviewers, 0, 5)
    client.get(url)
    small = _count(client, url)
    _grow(call, make_application, reviewers, 5, 45)
    assert _count(client, url) == small


@pytest.mark.parametrize(
    "url", ["/reviews/", "/api/reviews", "/reviews/?status=submitted", "/api/reviews?status=open"]
)
def test_reviewer_lists_keep_a_constant_number_of_queries(call, make_application, reviewers, client_for, url):
    Call.objects.filter(pk=call.pk).update(blind_review=True)
    client = client_for(reviewers[2])
    _grow(call, make_application, reviewers, 0, 5)
    client.get(url)
    small = _count(client, url)
    _grow(call, make_application, reviewers, 5, 45)
    assert _count(client, url) == small


def test_the_review_page_keeps_a_constant_number_of_queries(call, make_application, reviewers, client_for):
    application = make_application(call)

    def add_reviews(people) -> None:
        for reviewer in people:
            services.reviews_assign(actor=None, application=application, reviewers=[reviewer])
            review = application.reviews.get(reviewer=reviewer)
            services.review_save(
                actor=reviewer, review=review, scores=all_scores(call), comment="", submit=True
            )

    def add_questions(positions) -> None:
        for position in positions:
            Question.objects.create(call=call, position=position, kind="short_text", label=f"Q{position}")

    add_reviews(reviewers[:2])
    add_questions([1])
    mine = application.reviews.get(reviewer=reviewers[0])
    client = client_for(reviewers[0])
    client.get(f"/reviews/{mine.pk}/")
    small = _count(client, f"/reviews/{mine.pk}/"), _count(client, f"/api/reviews/{mine.pk}")
    add_reviews(reviewers[2:])
    add_questions(range(2, 8))
    assert (_count(client, f"/reviews/{mine.pk}/"), _count(client, f"/api/reviews/{mine.pk}")) == small


def test_a_reviewer_who_sits_on_the_committee_for_it_sees_who_applied_in_a_blind_call(blind, client_for):
    person = make_user("both", ("reviewer", "committee_member"))
    services.reviews_assign(actor=None, application=blind, reviewers=[person])
    review = blind.reviews.get(reviewer=person)
    client = client_for(person)
    assert client.get("/api/reviews").json()["items"][0]["title"] is None
    assert "Kijani" not in client.get(f"/reviews/{review.pk}/").content.decode()
    meeting = Meeting.objects.create(call=blind.call, title="IC", scheduled_at=timezone.now())
    meeting.members.add(person)
    AgendaItem.objects.create(meeting=meeting, application=blind, position=1)
    # The list's annotation and the page's check agree with access.identity_visible.
    assert client.get("/api/reviews").json()["items"][0]["title"] == "Kijani Data Labs app"
    assert "Kijani Data Labs app" in client.get("/reviews/").content.decode()
    assert "Kijani Data Labs" in client.get(f"/reviews/{review.pk}/").content.decode()


def test_the_assignment_table_filters_to_applications_short_of_reviewers(
    call, make_application, reviewers, personas, client_for
):
    staffed, short = make_application(call, "Staffed"), make_application(call, "Short")
    services.reviews_assign(actor=None, application=staffed, reviewers=reviewers[:3])
    services.reviews_assign(actor=None, application=short, reviewers=reviewers[:1])
    page = (
        client_for(personas["fund_manager"]).get(f"/calls/{call.slug}/reviewers/?short=on").content.decode()
    )
    assert short.reference in page and staffed.reference not in page


def test_a_conflict_declared_earlier_still_recuses_a_live_review(call, make_application, reviewers):
    application = make_application(call)
    services.reviews_assign(actor=None, application=application, reviewers=[reviewers[0]])
    # Declared elsewhere (the committee) after the assignment.
    Conflict.objects.create(application=application, user=reviewers[0], note="Board member.")
    conflict = services.conflict_declare(actor=reviewers[0], application=application, note="Board member.")
    assert conflict.note == "Board member." and Conflict.objects.count() == 1
    assert application.reviews.get(reviewer=reviewers[0]).status == ReviewStatus.RECUSED
    assert application.reviews.filter(status=ReviewStatus.ASSIGNED).count() == 1
