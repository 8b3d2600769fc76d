"""The investment committee's reads: the agenda with its tallies in a fixed number of queries. Who sees
which meeting is in ``access`` (``get_meeting_for_user``); the decisions below are enforced there.

Decisions:

- **Fund managers and administrators** see every meeting and run them: create, edit, the agenda,
  decisions, minutes, closing.
- A **committee member** sees the meetings they sit on (and, through ``access.applications_for_user``,
  the applications on their agendas) and votes there.
- Everyone else is told the meeting does not exist (404).
- A vote counts only while its member has no declared conflict of interest on the application: the
  services remove the vote when a member declares one, and the tally ignores a vote whose member has
  declared a conflict elsewhere (as a reviewer) since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from seedbed.calls import access
from seedbed.calls.models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    Call,
    Conflict,
    Meeting,
    ReviewStatus,
    StageKind,
    Vote,
    VoteChoice,
)
from seedbed.core.models import User
from seedbed.core.roles import Role

# --- Reads --------------------------------------------------------------------------------------------


def committee_members() -> QuerySet[User]:
    """Everyone who may sit on a committee: active users holding the committee member role."""
    return (
        User.objects.filter(is_active=True, role_grants__role=Role.COMMITTEE_MEMBER)
        .distinct()
        .order_by("full_name", "username")
    )


def meeting_list(*, user: Any, call: Call | None = None) -> QuerySet[Meeting]:
    """Meetings the user sees, latest first, with their agenda and member counts (one query)."""
    qs = access.meetings_for_user(user)
    if call is not None:
        qs = qs.filter(call=call)
    return (
        qs.select_related("call")
        .annotate(
            item_count=Count("items", distinct=True),
            member_count=Count("members", distinct=True),
            decided_count=Count("items", filter=~Q(items__decision=""), distinct=True),
        )
        .order_by("-scheduled_at", "-pk")
    )


def meeting_with_members(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_related("call__fund")
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("full_name", "username")))
        .get(pk=meeting.pk)
    )


def agenda_candidates(meeting: Meeting) -> QuerySet[Application]:
    """Submitted applications of the meeting's call in its committee stage, not yet on this agenda."""
    return (
        Application.objects.filter(
            call=meeting.call_id,
            status=ApplicationStatus.SUBMITTED,
            stage__kind=StageKind.COMMITTEE,
            outcome="",
        )
        .exclude(pk__in=AgendaItem.objects.filter(meeting=meeting).values("application"))
        .select_related("call", "organization")
        .order_by("number")
    )


@dataclass
class Tally:
    """The votes that count on one item, and who is out of it for a conflict of interest."""

    approve: int = 0
    decline: int = 0
    abstain: int = 0
    votes: list[Vote] = field(default_factory=list)
    conflicted: list[User] = field(default_factory=list)

    @property
    def counted(self) -> int:
        """Votes cast by members without a conflict, abstentions included: what the quorum counts."""
        return self.approve + self.decline + self.abstain

    def quorum_met(self, quorum: int) -> bool:
        return self.counted >= quorum


def tallies(items: Iterable[AgendaItem]) -> dict[int, Tally]:
    """Each item's tally, in two queries however many items and votes."""
    items = list(items)
    result = {item.pk: Tally() for item in items}
    if not items:
        return result
    conflicts = Conflict.objects.filter(
        application__in={item.application_id for item in items}
    ).select_related("user")
    conflicted: dict[int, list[User]] = {}
    for conflict in conflicts:
        conflicted.setdefault(conflict.application_id, []).append(conflict.user)
    votes = Vote.objects.filter(item__in=result.keys()).select_related("member").order_by("cast_at", "pk")
    application_of = {item.pk: item.application_id for item in items}
    members_of = {item.pk: {member.pk for member in item.meeting.members.all()} for item in items}
    for item in items:
        tally = result[item.pk]
        # Only the meeting's members' conflicts matter here.
        tally.conflicted = [
            person for person in conflicted.get(item.application_id, []) if person.pk in members_of[item.pk]
        ]
    for vote in votes:
        out = {person.pk for person in conflicted.get(application_of[vote.item_id], [])}
        if vote.member_id in out:
            continue
        tally = result[vote.item_id]
        tally.votes.append(vote)
        if vote.choice == VoteChoice.APPROVE:
            tally.approve += 1
        elif vote.choice == VoteChoice.DECLINE:
            tally.decline += 1
        else:
            tally.abstain += 1
    return result


@dataclass
class AgendaRow:
    item: AgendaItem
    tally: Tally
    mean_score: Decimal | None
    my_vote: str
    my_conflict: bool
    quorum_met: bool


def agenda(meeting: Meeting, user: Any, *, item_pks: Iterable[int] | None = None) -> list[AgendaRow]:
    """The agenda in order with each application, its mean review score, tally and the user's own vote
    (only the items ``item_pks`` if given).

    ``meeting`` comes from ``meeting_with_members`` (members prefetched). Three queries: the items, the
    votes and the conflicts.
    """
    qs = AgendaItem.objects.filter(meeting=meeting)
    if item_pks is not None:
        qs = qs.filter(pk__in=list(item_pks))
    items = list(
        qs.select_related("application__organization", "application__stage", "decided_by")
        .annotate(
            mean_score=Avg(
                "application__reviews__total",
                filter=Q(application__reviews__status=ReviewStatus.SUBMITTED),
            )
        )
        .order_by("position")
    )
    for item in items:
        item.meeting = meeting
        item.application.call = meeting.call
    counts = tallies(items)
    rows = []
    for item in items:
        tally = counts[item.pk]
        mine = next((vote.choice for vote in tally.votes if vote.member_id == user.pk), "")
        score = getattr(item, "mean_score", None)
        rows.append(
            AgendaRow(
                item=item,
                tally=tally,
                mean_score=Decimal(score).quantize(Decimal("0.01")) if score is not None else None,
                my_vote=mine,
                my_conflict=any(person.pk == user.pk for person in tally.conflicted),
                quorum_met=tally.quorum_met(meeting.quorum),
            )
        )
    return rows


def calls_for_new_meetings(limit: int = 6) -> list[Call]:
    """Where a manager creates a meeting: the calls that have opened, latest first."""
    return list(Call.objects.filter(opens_at__lte=timezone.now()).order_by("-opens_at")[:limit])
