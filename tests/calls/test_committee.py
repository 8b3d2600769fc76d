"""The investment committee: meetings, the agenda, votes with a quorum, conflicts of interest, decisions
and what they do to the application, minutes and closing; who sees what; constant queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seedbed.calls import services
from seedbed.calls.models import (
    AgendaItem,
    Application,
    ApplicationMessage,
    Call,
    Conflict,
    Meeting,
    MessageKind,
    Review,
    StageKind,
    Vote,
)
from seedbed.core.models import AuditEvent, User
from tests.calls.conftest import DAY
from tests.conftest import PERSONAS, make_user

pytestmark = pytest.mark.django_db

COMMITTEE = StageKind.COMMITTEE


# --- Fixtures -------------------------------------------------------------------------------------------


@pytest.fixture
def call(make_call: Callable[..., Call]) -> Call:
    return make_call("Blockchain 2018", -40 * DAY, -10 * DAY)


@pytest.fixture
def manager(personas: dict[str, User]) -> User:
    return personas["fund_manager"]


@pytest.fixture
def members(personas: dict[str, User]) -> list[User]:
    """Three committee members: the persona and two more."""
    return [
        personas["committee_member"],
        make_user("member_two", ("committee_member",)),
        make_user("member_three", ("committee_member",)),
    ]


def meeting_data(members: list[User], **overrides: Any) -> dict[str, Any]:
    return {
        "title": "Committee, March",
        "scheduled_at": dt.datetime(2031, 3, 1, 7, 0, tzinfo=dt.UTC),
        "location": "Room 4",
        "members": members,
        "quorum": 2,
        **overrides,
    }


@pytest.fixture
def meeting(call: Call, manager: User, members: list[User]) -> Meeting:
    return services.meeting_create(actor=manager, call=call, data=meeting_data(members))


@pytest.fixture
def application(call: Call, make_application: Callable[..., Application]) -> Application:
    return make_application(call, "Kijani Data Labs", stage_kind=COMMITTEE)


@pytest.fixture
def item(meeting: Meeting, application: Application, manager: User) -> AgendaItem:
    (added,) = services.agenda_add(actor=manager, meeting=meeting, applications=[application])
    return added


def applicant_of(application: Application) -> User:
    return application.organization.memberships.get().user


def vote_page(client: Client, item: AgendaItem, choice: str) -> Any:
    return client.post(f"/meetings/{item.meeting_id}/items/{item.pk}/vote/", {"choice": choice})


def decide_page(client: Client, item: AgendaItem, decision: str, note: str = "") -> Any:
    prefix = f"decision-{item.pk}"
    return client.post(
        f"/meetings/{item.meeting_id}/items/{item.pk}/decision/",
        {f"{prefix}-decision": decision, f"{prefix}-note": note},
    )


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def cast(item: AgendaItem, *pairs: tuple[User, str]) -> None:
    for member, choice in pairs:
        services.vote_cast(actor=member, item=item, choice=choice)


def state(item: AgendaItem) -> tuple[Any, ...]:
    """What a refused write must leave as it was."""
    item.refresh_from_db()
    application = Application.objects.get(pk=item.application_id)
    return (
        item.decision,
        sorted(Vote.objects.filter(item=item).values_list("member__username", "choice")),
        application.outcome,
        application.stage_id,
        ApplicationMessage.objects.filter(application=application).count(),
    )


# --- Meetings and the agenda ----------------------------------------------------------------------------


def test_a_manager_creates_a_meeting_on_the_page_in_the_calls_time_zone(call, manager, members, client_for):
    client = client_for(manager)
    response = client.post(
        f"/calls/{call.slug}/meetings/",
        {
            "title": "Committee, March",
            "scheduled_at": "2031-03-01T10:00:00",
            "location": "Room 4",
            "members": [member.pk for member in members],
            "quorum": "2",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.scheduled_at == dt.datetime(2031, 3, 1, 7, 0, tzinfo=dt.UTC)  # Nairobi is UTC+3
    assert set(meeting.members.all()) == set(members) and meeting.created_by == manager
    assert AuditEvent.objects.filter(action="committee.meeting_create", object_id=str(meeting.pk)).exists()
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert '<time datetime="2031-03-01T07:00:00Z" data-local' in page
    assert "1 March 2031, 10:00:00 (Africa/Nairobi)" in page
    assert "Committee, March" in client.get(f"/calls/{call.slug}/meetings/").content.decode()


def test_members_must_hold_the_committee_role_and_the_quorum_fit_them(call, manager, members, personas):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(actor=manager, call=call, data=meeting_data([*members, personas["reviewer"]]))
    assert "members" in error.value.message_dict
    for quorum in (0, 4):
        with pytest.raises(ValidationError) as error:
            services.meeting_create(actor=manager, call=call, data=meeting_data(members, quorum=quorum))
        assert "quorum" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.meeting_create(actor=manager, call=call, data=meeting_data([]))
    assert "members" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=members[0], call=call, data=meeting_data(members))
    assert not Meeting.objects.exists()
    meeting = services.meeting_create(actor=manager, call=call, data=meeting_data(members, quorum=3))
    assert meeting.quorum == 3


def test_the_page_shows_a_422_with_field_messages(call, manager, personas, client_for):
    response = client_for(manager).post(
        f"/calls/{call.slug}/meetings/",
        {
            "title": "Committee",
            "scheduled_at": "2031-03-01T10:00:00",
            "members": [personas["committee_member"].pk],
            "quorum": "2",
        },
    )
    assert response.status_code == 422
    assert "The quorum cannot be larger than the number of members (1)." in response.content.decode()
    assert not Meeting.objects.exists()


def test_only_applications_in_the_committee_stage_go_on_the_agenda(
    call, meeting, manager, make_application, make_call
):
    first_stage = make_application(call, "Early Stage Co")
    draft = make_application(call, "Draft Co", status="draft")
    other = make_application(
        make_call("Other call", -30 * DAY, -5 * DAY), "Elsewhere Co", stage_kind=COMMITTEE
    )
    for refused in (first_stage, draft, other):
        with pytest.raises(ValidationError):
            services.agenda_add(actor=manager, meeting=meeting, applications=[refused])
    assert not AgendaItem.objects.exists()
    one = make_application(call, "One Co", stage_kind=COMMITTEE)
    two = make_application(call, "Two Co", stage_kind=COMMITTEE)
    services.agenda_add(actor=manager, meeting=meeting, applications=[one])
    services.agenda_add(actor=manager, meeting=meeting, applications=[two, one])  # one is already there
    assert list(meeting.items.order_by("position").values_list("application", "position")) == [
        (one.pk, 1),
        (two.pk, 2),
    ]


def test_the_agenda_page_offers_the_committee_stage_only(
    call, meeting, manager, make_application, client_for
):
    waiting = make_application(call, "Waiting Co", stage_kind=COMMITTEE)
    make_application(call, "Early Stage Co")
    client = client_for(manager)
    page = client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    assert waiting.reference in page and "Early Stage Co" not in page
    response = client.post(f"/meetings/{meeting.pk}/agenda/", {"applications": [waiting.pk]})
    assert response.status_code == 302
    assert meeting.items.get().application == waiting
    assert waiting.reference not in client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()


# --- Votes, quorum and decisions ------------------------------------------------------------------------


def test_a_decision_is_refused_until_the_quorum_is_met(item, members, manager, client_for):
    cast(item, (members[0], "approve"))
    before = state(item)
    response = decide_page(client_for(manager), item, "approved")
    assert response.status_code == 422
    assert "The quorum is not met: 1 of the 2 votes needed have been cast." in response.content.decode()
    response = post_json(
        client_for(manager),
        f"/api/meetings/{item.meeting_id}/items/{item.pk}/decision",
        {"decision": "approved"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "decision"]
    assert state(item) == before


def test_abstentions_count_towards_the_quorum(item, members, manager):
    cast(item, (members[0], "approve"), (members[1], "abstain"))
    decided = services.decision_record(actor=manager, item=item, decision="approved", note="")
    assert decided.decision == "approved"


def test_the_decision_must_follow_the_vote(item, members, manager):
    cast(item, (members[0], "approve"), (members[1], "decline"))
    before = state(item)
    with pytest.raises(ValidationError) as error:
        services.decision_record(actor=manager, item=item, decision="approved", note="")
    assert error.value.error_list[0].code == "decision_against_vote"
    assert state(item) == before
    # A tie declines.
    assert (
        services.decision_record(actor=manager, item=item, decision="declined", note="").decision
        == "declined"
    )


def test_a_majority_to_approve_cannot_be_recorded_as_a_decline(item, members, manager):
    cast(item, (members[0], "approve"), (members[1], "approve"), (members[2], "decline"))
    with pytest.raises(ValidationError) as error:
        services.decision_record(actor=manager, item=item, decision="declined", note="")
    assert error.value.error_list[0].code == "decision_against_vote"


def test_defer_is_always_allowed_and_leaves_the_application_in_the_committee_stage(
    item, manager, application, client_for
):
    response = decide_page(client_for(manager), item, "deferred", note="More evidence needed.")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "deferred" and item.decision_note == "More evidence needed."
    application.refresh_from_db()
    assert application.outcome == "" and application.stage.kind == COMMITTEE
    assert not ApplicationMessage.objects.filter(application=application).exists()


def test_a_member_may_change_their_vote_until_the_decision_and_each_change_is_audited(
    item, members, manager, client_for
):
    client = client_for(members[0])
    assert vote_page(client, item, "approve").status_code == 302
    assert vote_page(client, item, "decline").status_code == 302
    vote = Vote.objects.get(item=item)
    assert (vote.member, vote.choice) == (members[0], "decline")
    events = AuditEvent.objects.filter(action="committee.vote").order_by("pk")
    assert [event.changes["choice"] for event in events] == [[None, "approve"], ["approve", "decline"]]
    cast(item, (members[1], "decline"))
    services.decision_record(actor=manager, item=item, decision="declined", note="")
    response = vote_page(client, item, "approve")
    assert response.status_code == 422
    assert Vote.objects.get(item=item, member=members[0]).choice == "decline"


def test_an_invalid_vote_is_refused(item, members, client_for):
    assert vote_page(client_for(members[0]), item, "maybe").status_code == 422
    response = post_json(
        client_for(members[0]), f"/api/meetings/{item.meeting_id}/items/{item.pk}/vote", {"choice": "maybe"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "choice"]
    assert not Vote.objects.exists()


def test_a_conflicted_member_loses_their_vote_and_cannot_vote_again(item, members, client_for):
    client = client_for(members[0])
    vote_page(client, item, "approve")
    prefix = f"conflict-{item.pk}"
    response = client.post(
        f"/meetings/{item.meeting_id}/items/{item.pk}/conflict/", {f"{prefix}-note": "I advise this startup."}
    )
    assert response.status_code == 302
    assert Conflict.objects.filter(application=item.application, user=members[0]).exists()
    assert not Vote.objects.filter(item=item).exists()
    assert AuditEvent.objects.get(action="committee.conflict_declare").changes["vote"] == ["approve", None]
    assert vote_page(client, item, "decline").status_code == 403
    api = post_json(client, f"/api/meetings/{item.meeting_id}/items/{item.pk}/vote", {"choice": "decline"})
    assert api.status_code == 403
    assert not Vote.objects.filter(item=item).exists()
    page = client.get(f"/meetings/{item.meeting_id}/").content.decode()
    assert "you do not vote on it" in page
    detail = client.get(f"/api/meetings/{item.meeting_id}").json()["agenda"][0]
    assert detail["my_conflict"] is True and detail["conflicted"] == [members[0].username]


def test_a_conflict_needs_a_note(item, members, client_for):
    response = client_for(members[0]).post(
        f"/meetings/{item.meeting_id}/items/{item.pk}/conflict/", {f"conflict-{item.pk}-note": " "}
    )
    assert response.status_code == 422
    assert not Conflict.objects.exists()


def test_a_conflict_declared_as_a_reviewer_also_keeps_a_member_from_voting(item, members, manager):
    cast(item, (members[0], "approve"), (members[1], "approve"))
    Conflict.objects.create(application=item.application, user=members[0], note="Declared while reviewing.")
    with pytest.raises(ValidationError) as error:  # the first vote no longer counts: 1 of 2
        services.decision_record(actor=manager, item=item, decision="approved", note="")
    assert error.value.error_list[0].code == "quorum_not_met"
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=members[0], item=item, choice="decline")


def test_only_the_meetings_members_vote(item, members, manager, personas, client_for):
    outside_member = make_user("member_elsewhere", ("committee_member",))
    assert vote_page(client_for(outside_member), item, "approve").status_code == 404
    assert vote_page(client_for(manager), item, "approve").status_code == 403
    for user in (personas["reviewer"], personas["outsider"], applicant_of(item.application)):
        assert vote_page(client_for(user), item, "approve").status_code == 404
        url = f"/api/meetings/{item.meeting_id}/items/{item.pk}/vote"
        assert post_json(client_for(user), url, {"choice": "approve"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=outside_member, item=item, choice="approve")
    assert not Vote.objects.exists()


def test_members_do_not_record_decisions(item, members, client_for):
    cast(item, (members[0], "approve"), (members[1], "approve"))
    before = state(item)
    assert decide_page(client_for(members[0]), item, "approved").status_code == 403
    url = f"/api/meetings/{item.meeting_id}/items/{item.pk}/decision"
    assert post_json(client_for(members[0]), url, {"decision": "approved"}).status_code == 403
    assert state(item) == before


def test_an_approval_awards_moves_to_the_decision_stage_and_writes_to_the_applicant(
    item, members, manager, application, client_for, django_capture_on_commit_callbacks
):
    cast(item, (members[0], "approve"), (members[1], "approve"), (members[2], "decline"))
    with django_capture_on_commit_callbacks(execute=True):
        response = decide_page(client_for(manager), item, "approved", note="Strong team.")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "awarded"
    assert application.stage.kind == StageKind.DECISION
    message = ApplicationMessage.objects.get(application=application)
    assert message.kind == MessageKind.DECISION and "approved" in message.body
    assert "Strong team." not in message.body  # the note is for the record only
    applicant = applicant_of(application)
    assert [email.to for email in mail.outbox] == [[applicant.email]]
    assert mail.outbox[0].subject == message.subject and application.reference in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="application.decision", object_id=str(application.pk)).exists()
    item.refresh_from_db()
    assert item.decided_by == manager and item.decided_at is not None
    # Decided: no second decision, no more votes, no more conflicts.
    with pytest.raises(ValidationError):
        services.decision_record(actor=manager, item=item, decision="deferred", note="")
    with pytest.raises(ValidationError):
        services.vote_cast(actor=members[2], item=item, choice="approve")
    with pytest.raises(ValidationError):
        services.committee_conflict_declare(actor=members[2], item=item, note="Too late.")


def test_a_decline_through_the_api_declines_the_application(
    item, members, manager, application, client_for, django_capture_on_commit_callbacks
):
    cast(item, (members[0], "decline"), (members[1], "abstain"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            client_for(manager),
            f"/api/meetings/{item.meeting_id}/items/{item.pk}/decision",
            {"decision": "declined", "note": "Not open source yet."},
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"] == "declined" and body["application"]["outcome"] == "declined"
    assert body["tally"] == {"approve": 0, "decline": 1, "abstain": 1, "counted": 2, "quorum_met": True}
    application.refresh_from_db()
    assert application.outcome == "declined" and application.stage.kind == StageKind.DECISION
    assert ApplicationMessage.objects.get(application=application).kind == MessageKind.DECISION
    assert len(mail.outbox) == 1


# --- Minutes and closing --------------------------------------------------------------------------------


def test_a_closed_meeting_refuses_every_change(
    call, item, meeting, members, manager, make_application, client_for
):
    cast(item, (members[0], "approve"))
    client = client_for(manager)
    assert client.post(f"/meetings/{meeting.pk}/minutes/", {"minutes": "We met."}).status_code == 302
    assert client.post(f"/meetings/{meeting.pk}/close/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.closed_at is not None and meeting.minutes == "We met."
    before = state(item)
    waiting = make_application(call, "Late Co", stage_kind=COMMITTEE)
    refusals: list[Callable[[], Any]] = [
        lambda: services.vote_cast(actor=members[1], item=item, choice="approve"),
        lambda: services.vote_cast(actor=members[0], item=item, choice="decline"),
        lambda: services.committee_conflict_declare(actor=members[1], item=item, note="Tie."),
        lambda: services.decision_record(actor=manager, item=item, decision="deferred", note=""),
        lambda: services.agenda_add(actor=manager, meeting=meeting, applications=[waiting]),
        lambda: services.agenda_remove(actor=manager, item=item),
        lambda: services.minutes_save(actor=manager, meeting=meeting, minutes="Changed."),
        lambda: services.meeting_update(actor=manager, meeting=meeting, data={"title": "Renamed"}),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError) as error:
            refused()
        assert error.value.error_list[0].code == "meeting_closed"
    assert vote_page(client_for(members[1]), item, "approve").status_code == 422
    assert decide_page(client, item, "deferred").status_code == 422
    assert client.post(f"/meetings/{meeting.pk}/minutes/", {"minutes": "Changed."}).status_code == 422
    url = f"/api/meetings/{meeting.pk}/items/{item.pk}/vote"
    assert post_json(client_for(members[1]), url, {"choice": "approve"}).status_code == 422
    assert state(item) == before
    meeting.refresh_from_db()
    assert meeting.minutes == "We met." and meeting.title == "Committee, March"
    assert meeting.items.count() == 1
    # Closing twice changes nothing more.
    closed_at = meeting.closed_at
    services.meeting_close(actor=manager, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.closed_at == closed_at
    assert AuditEvent.objects.filter(action="committee.meeting_close").count() == 1
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "We met." in page and "Record the decision" not in page


def test_a_member_who_voted_on_an_open_item_stays_on_the_committee(meeting, item, members, manager):
    cast(item, (members[2], "abstain"))
    with pytest.raises(ValidationError) as error:
        services.meeting_update(actor=manager, meeting=meeting, data={"members": members[:2]})
    assert "members" in error.value.message_dict
    services.meeting_update(actor=manager, meeting=meeting, data={"members": members[1:]})
    assert set(meeting.members.all()) == set(members[1:])


def test_a_manager_edits_the_meeting_on_its_page(meeting, members, manager, client_for):
    client = client_for(manager)
    assert "Room 4" in client.get(f"/meetings/{meeting.pk}/edit/").content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": "Committee, April",
            "scheduled_at": "2031-04-01T09:30:00",
            "location": "",
            "members": [member.pk for member in members],
            "quorum": "3",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.quorum, meeting.location) == ("Committee, April", 3, "")
    assert meeting.scheduled_at == dt.datetime(2031, 4, 1, 6, 30, tzinfo=dt.UTC)
    assert AuditEvent.objects.filter(action="committee.meeting_update").count() == 1


def test_an_undecided_item_can_be_taken_off_the_agenda(item, members, manager, client_for):
    cast(item, (members[0], "approve"))
    response = client_for(manager).post(f"/meetings/{item.meeting_id}/items/{item.pk}/remove/")
    assert response.status_code == 302
    assert not AgendaItem.objects.exists() and not Vote.objects.exists()


# --- Who sees what --------------------------------------------------------------------------------------

SEES_THE_MEETING = {"fund_manager", "administrator", "committee_member"}


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_who_sees_a_meeting(item, personas, client_for, persona):
    client = client_for(personas[persona])
    meeting_id = item.meeting_id
    expected = 200 if persona in SEES_THE_MEETING else 404
    assert client.get(f"/meetings/{meeting_id}/").status_code == expected
    assert client.get(f"/api/meetings/{meeting_id}").status_code == expected
    assert client.get(f"/calls/{item.meeting.call.slug}/meetings/").status_code == expected
    lists = 200 if persona in SEES_THE_MEETING else 403
    assert client.get("/meetings/").status_code == lists
    assert client.get("/api/meetings").status_code == lists
    runs = persona in {"fund_manager", "administrator"}
    manager_only = 200 if runs else (403 if persona in SEES_THE_MEETING else 404)
    assert client.get(f"/meetings/{meeting_id}/edit/").status_code == manager_only
    assert client.get(f"/meetings/{meeting_id}/agenda/").status_code == manager_only


def test_the_applicant_and_a_committee_member_of_another_meeting_see_nothing(item, client_for):
    for user in (applicant_of(item.application), make_user("member_elsewhere", ("committee_member",))):
        client = client_for(user)
        assert client.get(f"/meetings/{item.meeting_id}/").status_code == 404
        assert client.get(f"/api/meetings/{item.meeting_id}").status_code == 404
    listed = client_for(make_user("member_elsewhere_2", ("committee_member",))).get("/api/meetings").json()
    assert listed["count"] == 0


def test_anonymous_visitors_are_sent_to_sign_in(item, client):
    for url in (
        f"/meetings/{item.meeting_id}/",
        "/meetings/",
        f"/calls/{item.meeting.call.slug}/meetings/",
        f"/meetings/{item.meeting_id}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert vote_page(client, item, "approve").status_code == 302
    assert client.get("/api/meetings").status_code == 401
    assert client.get(f"/api/meetings/{item.meeting_id}").status_code == 401
    url = f"/api/meetings/{item.meeting_id}/items/{item.pk}/vote"
    assert post_json(client, url, {"choice": "approve"}).status_code == 401
    assert not Vote.objects.exists()


# --- The page and the API -------------------------------------------------------------------------------


def test_the_meeting_page_shows_the_agenda_tally_quorum_and_the_members_own_vote(
    item, members, manager, client_for
):
    reviewer = make_user("a_reviewer", ("reviewer",))
    Review.objects.create(
        application=item.application,
        reviewer=reviewer,
        status="submitted",
        total="3.500",
        submitted_at=item.application.submitted_at,
    )
    cast(item, (members[0], "approve"))
    page = client_for(members[0]).get(f"/meetings/{item.meeting_id}/").content.decode()
    application = item.application
    assert (
        application.reference in page and application.title in page and application.organization.name in page
    )
    assert "3.50 / 5" in page
    assert "Quorum not met (1 of 2)" in page
    assert 'value="approve" class="btn btn-sm btn-primary" aria-pressed="true"' in page
    assert "Record the decision" not in page  # managers only
    manager_page = client_for(manager).get(f"/meetings/{item.meeting_id}/").content.decode()
    assert "Record the decision" in manager_page and 'name="choice"' not in manager_page


def test_the_api_lists_my_meetings_and_shows_my_vote(item, members, manager, client_for):
    client = client_for(members[1])
    listed = client.get("/api/meetings").json()
    assert listed["count"] == 1 and listed["items"][0]["items"] == 1
    response = post_json(
        client, f"/api/meetings/{item.meeting_id}/items/{item.pk}/vote", {"choice": "approve"}
    )
    assert response.status_code == 200
    assert response.json()["my_vote"] == "approve" and response.json()["votes"] is None
    detail = client.get(f"/api/meetings/{item.meeting_id}").json()
    assert detail["quorum"] == 2 and len(detail["members"]) == 3
    (entry,) = detail["agenda"]
    assert entry["application"]["reference"] == item.application.reference
    assert entry["tally"]["approve"] == 1 and entry["my_vote"] == "approve"
    manager_view = client_for(manager).get(f"/api/meetings/{item.meeting_id}").json()["agenda"][0]
    assert manager_view["my_vote"] is None
    assert manager_view["votes"] == [{"member": members[1].username, "choice": "approve"}]


# --- A constant number of queries -----------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(captured)


@pytest.mark.parametrize("who", ["member", "manager"])
def test_the_meeting_page_and_api_take_the_same_queries_however_long_the_agenda(
    call, meeting, members, manager, make_application, client_for, who, django_assert_max_num_queries
):
    made = [0]

    def grow(count: int) -> None:
        for _ in range(count):
            made[0] += 1
            application = make_application(call, f"Startup {made[0]}", stage_kind=COMMITTEE)
            (added,) = services.agenda_add(actor=manager, meeting=meeting, applications=[application])
            cast(added, (members[0], "approve"), (members[1], "decline"))
            Conflict.objects.create(application=application, user=members[2], note="Related.")
            services.meeting_create(actor=manager, call=call, data=meeting_data(members, title=f"M{made[0]}"))

    client = client_for(members[0] if who == "member" else manager)
    grow(2)
    urls = [
        f"/meetings/{meeting.pk}/",
        f"/api/meetings/{meeting.pk}",
        f"/calls/{call.slug}/meetings/",
        "/meetings/",
        "/api/meetings",
    ]
    for url in urls:
        client.get(url)  # warm-up
    small = {url: count_queries(client, url) for url in urls}
    grow(4)
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200


def test_the_managers_list_of_meetings_links_to_where_a_meeting_is_created(
    call, manager, members, client_for
):
    page = client_for(manager).get("/meetings/").content.decode()
    assert f'href="/calls/{call.slug}/meetings/"' in page
    member_page = client_for(members[0]).get("/meetings/").content.decode()
    assert f'href="/calls/{call.slug}/meetings/"' not in member_page
