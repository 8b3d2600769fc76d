"""JSON API of the investment committee: the meetings a member sits on (every meeting for managers), one
meeting with its agenda, tallies and the caller's own vote, and the writes members and managers make there:
votes, conflicts of interest and decisions. Same getters and services as the pages."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import paginate

from seedbed.calls import access, services
from seedbed.calls.api.common import router
from seedbed.calls.models import Meeting
from seedbed.calls.selectors import committee
from seedbed.calls.services.committee import ERROR_FIELDS
from seedbed.core.api import FieldErrors, Pages


def _field_errors(error: ValidationError) -> FieldErrors:
    """A service's ValidationError as a 422 with messages per field (codes say which field)."""
    if hasattr(error, "error_dict"):
        return FieldErrors.from_validation_error(error)
    errors: dict[str, list[str]] = {}
    for item in error.error_list:
        errors.setdefault(ERROR_FIELDS.get(item.code or "", "__all__"), []).extend(item.messages)
    return FieldErrors(errors)


class MeetingOut(Schema):
    id: int
    call: str = Field(description="The call's short name")
    call_title: str
    title: str
    scheduled_at: dt.datetime
    time_zone: str = Field(description="The call's IANA time zone, in which pages show the meeting")
    location: str
    quorum: int = Field(description="Votes needed on an application before a decision is recorded")
    closed_at: dt.datetime | None = Field(description="Set once the meeting is closed: nothing changes after")
    items: int = Field(description="Applications on the agenda")
    decided: int = Field(description="Agenda items decided")
    members: int
    url: str

    @staticmethod
    def resolve_call(obj: Meeting) -> str:
        return obj.call.slug

    @staticmethod
    def resolve_call_title(obj: Meeting) -> str:
        return obj.call.title

    @staticmethod
    def resolve_time_zone(obj: Meeting) -> str:
        return obj.call.time_zone

    @staticmethod
    def resolve_items(obj: Any) -> int:
        return int(obj.item_count)

    @staticmethod
    def resolve_decided(obj: Any) -> int:
        return int(obj.decided_count)

    @staticmethod
    def resolve_members(obj: Any) -> int:
        return int(obj.member_count)

    @staticmethod
    def resolve_url(obj: Meeting) -> str:
        return obj.get_absolute_url()


class MemberOut(Schema):
    username: str
    name: str


class TallyOut(Schema):
    approve: int
    decline: int
    abstain: int
    counted: int = Field(description="Votes of members without a conflict, abstentions included")
    quorum_met: bool


class VoteOut(Schema):
    member: str = Field(description="The member's username")
    choice: str


class ApplicationRefOut(Schema):
    id: int
    reference: str
    title: str
    organization: str
    stage: str | None
    outcome: str = Field(description="awarded, declined, or empty while not decided")


class ItemOut(Schema):
    id: int
    position: int
    application: ApplicationRefOut
    mean_score: str | None = Field(description="Mean of the submitted reviews' weighted scores (1 to 5)")
    decision: str = Field(description="approved, declined, deferred, or empty while not decided")
    decision_note: str | None = Field(description="Managers only")
    decided_at: dt.datetime | None
    tally: TallyOut
    conflicted: list[str] = Field(description="Members who declared a conflict of interest (usernames)")
    votes: list[VoteOut] | None = Field(description="Each member's vote: managers only")
    my_vote: str | None = Field(description="Your own vote: approve, decline, abstain, or null")
    my_conflict: bool


class MeetingDetailOut(Schema):
    id: int
    call: str
    call_title: str
    title: str
    scheduled_at: dt.datetime
    time_zone: str
    location: str
    quorum: int
    closed_at: dt.datetime | None
    members: list[MemberOut]
    minutes: str
    agenda: list[ItemOut]
    url: str


class VoteIn(Schema):
    choice: str = Field(description="approve, decline or abstain")


class DecisionIn(Schema):
    decision: str = Field(description="approved, declined or deferred")
    note: str = ""


class ConflictIn(Schema):
    note: str = Field(description="What ties you to the applicant")


def _item_out(row: committee.AgendaRow, meeting: Meeting, can_run: bool) -> dict[str, Any]:
    item, tally, application = row.item, row.tally, row.item.application
    return {
        "id": item.pk,
        "position": item.position,
        "application": {
            "id": application.pk,
            "reference": application.reference,
            "title": application.title,
            "organization": application.organization.name,
            "stage": application.stage.name if application.stage else None,
            "outcome": application.outcome,
        },
        "mean_score": str(row.mean_score) if row.mean_score is not None else None,
        "decision": item.decision,
        "decision_note": item.decision_note if can_run else None,
        "decided_at": item.decided_at,
        "tally": {
            "approve": tally.approve,
            "decline": tally.decline,
            "abstain": tally.abstain,
            "counted": tally.counted,
            "quorum_met": row.quorum_met,
        },
        "conflicted": [person.username for person in tally.conflicted],
        "votes": [{"member": vote.member.username, "choice": vote.choice} for vote in tally.votes]
        if can_run
        else None,
        "my_vote": row.my_vote or None,
        "my_conflict": row.my_conflict,
    }


def _one_item(request: HttpRequest, meeting: Meeting, item_pk: int) -> dict[str, Any]:
    meeting = committee.meeting_with_members(meeting)
    (row,) = committee.agenda(meeting, request.user, item_pks=[item_pk])
    return _item_out(row, meeting, access.can_run_meetings(request.user))


@router.get(
    "/meetings", response=list[MeetingOut], summary="List committee meetings (yours; all for managers)"
)
@paginate(Pages, page_size=50)
def list_meetings(request: HttpRequest) -> Any:
    if not access.can_view_meetings(request.user):
        raise PermissionDenied
    return committee.meeting_list(user=request.user)


@router.get(
    "/meetings/{meeting_id}", response=MeetingDetailOut, summary="One committee meeting and its agenda"
)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    meeting = committee.meeting_with_members(access.get_meeting_for_user(request.user, meeting_id))
    can_run = access.can_run_meetings(request.user)
    return {
        "id": meeting.pk,
        "call": meeting.call.slug,
        "call_title": meeting.call.title,
        "title": meeting.title,
        "scheduled_at": meeting.scheduled_at,
        "time_zone": meeting.call.time_zone,
        "location": meeting.location,
        "quorum": meeting.quorum,
        "closed_at": meeting.closed_at,
        "members": [
            {"username": member.username, "name": member.full_name or member.username}
            for member in meeting.members.all()
        ],
        "minutes": meeting.minutes,
        "agenda": [_item_out(row, meeting, can_run) for row in committee.agenda(meeting, request.user)],
        "url": meeting.get_absolute_url(),
    }


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/vote",
    response=ItemOut,
    summary="Vote on an agenda item, or change your vote (members)",
)
def vote_on_item(request: HttpRequest, meeting_id: int, item_id: int, payload: VoteIn) -> Any:
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    item = access.get_item_for_user(request.user, meeting, item_id)
    try:
        services.vote_cast(actor=request.user, item=item, choice=payload.choice)
    except ValidationError as error:
        raise _field_errors(error) from error
    return _one_item(request, meeting, item.pk)


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/conflict",
    response=ItemOut,
    summary="Declare a conflict of interest on an agenda item's application (members)",
)
def declare_item_conflict(request: HttpRequest, meeting_id: int, item_id: int, payload: ConflictIn) -> Any:
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    item = access.get_item_for_user(request.user, meeting, item_id)
    try:
        services.committee_conflict_declare(actor=request.user, item=item, note=payload.note)
    except ValidationError as error:
        raise _field_errors(error) from error
    return _one_item(request, meeting, item.pk)


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/decision",
    response=ItemOut,
    summary="Record the committee's decision on an agenda item (managers)",
)
def decide_item(request: HttpRequest, meeting_id: int, item_id: int, payload: DecisionIn) -> Any:
    meeting = access.get_meeting_for_user(request.user, meeting_id, write=True)
    item = access.get_item_for_user(request.user, meeting, item_id)
    try:
        services.decision_record(actor=request.user, item=item, decision=payload.decision, note=payload.note)
    except ValidationError as error:
        raise _field_errors(error) from error
    return _one_item(request, meeting, item.pk)
