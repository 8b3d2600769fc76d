"""The investment committee: meetings, their agenda, members' votes, conflicts, decisions and minutes.

Fund managers (and administrators) run a meeting: its details and members, its agenda of applications in
the call's committee stage, the decision on each item, the minutes, and closing it. The meeting's members
vote (approve, decline, abstain) and may change their vote until the item is decided. A member who
declares a conflict of interest on an application loses their vote on it and cannot vote again.

A decision follows the vote (see ``seedbed.calls.models.committee``): approve or decline needs the quorum
of votes from members without a conflict, abstentions included; defer is always possible. Approve and
decline record the application's outcome, move it to the call's decision stage and write to the
applicant. Once a meeting is closed nothing on it changes.

Every function locks the meeting's row first, so that votes, decisions and closing happen one after the
other, never half over each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from seedbed.calls import access
from seedbed.calls.models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    Call,
    Conflict,
    ItemDecision,
    Meeting,
    MessageKind,
    Outcome,
    StageKind,
    Vote,
    VoteChoice,
)
from seedbed.calls.selectors import committee
from seedbed.calls.services.messages import decision_stage, message_write
from seedbed.core.audit import apply_changes, audit_record
from seedbed.core.models import User

MEETING_FIELDS = ("title", "scheduled_at", "location", "quorum")

# Where each error code belongs on a form or in an API body (the rest are about the whole request).
ERROR_FIELDS = {
    "title": "title",
    "scheduled_at": "scheduled_at",
    "members": "members",
    "member_has_voted": "members",
    "quorum": "quorum",
    "choice": "choice",
    "decision": "decision",
    "decision_against_vote": "decision",
    "quorum_not_met": "decision",
    "note": "note",
    "agenda_empty": "applications",
    "agenda_other_call": "applications",
    "agenda_not_submitted": "applications",
    "agenda_not_committee": "applications",
}


def _require_runner(actor: Any) -> None:
    """``actor=None`` is the system (demo, commands); a person must manage calls."""
    if actor is not None and not access.can_run_meetings(actor):
        raise PermissionDenied


def _locked_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("call").get(pk=meeting.pk)


def _locked_item(item: AgendaItem, meeting: Meeting) -> AgendaItem:
    locked = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("application__organization")
        .get(pk=item.pk, meeting=meeting)
    )
    locked.meeting = meeting
    locked.application.call = meeting.call
    return locked


def _refuse_closed(meeting: Meeting) -> None:
    if meeting.closed_at is not None:
        raise ValidationError(_("This meeting is closed: nothing on it can change."), code="meeting_closed")


def _refuse_decided(item: AgendaItem) -> None:
    if item.decision:
        raise ValidationError(
            _("The decision on %(reference)s is recorded (%(decision)s): it can no longer change.")
            % {"reference": item.application.reference, "decision": item.get_decision_display().lower()},
            code="item_decided",
        )


def _names(users: Iterable[Any]) -> list[str]:
    return sorted(str(user) for user in users)


# --- Meetings -----------------------------------------------------------------------------------------


def _validate_meeting(values: Mapping[str, Any], members: list[User]) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = [ValidationError(_("Enter the meeting's title."), code="title")]
    scheduled_at = values.get("scheduled_at")
    if not isinstance(scheduled_at, dt.datetime) or timezone.is_naive(scheduled_at):
        errors["scheduled_at"] = [ValidationError(_("Enter a date and time."), code="scheduled_at")]
    if not members:
        errors["members"] = [ValidationError(_("Choose the committee's members."), code="members")]
    else:
        eligible = set(
            committee.committee_members()
            .filter(pk__in=[member.pk for member in members])
            .values_list("pk", flat=True)
        )
        outside = [member for member in members if member.pk not in eligible]
        if outside:
            errors["members"] = [
                ValidationError(
                    _("Only committee members can sit on a committee: %(names)s cannot.")
                    % {"names": ", ".join(_names(outside))},
                    code="members",
                )
            ]
    quorum = values.get("quorum")
    if isinstance(quorum, bool) or not isinstance(quorum, int) or quorum < 1:
        errors["quorum"] = [ValidationError(_("The quorum is a whole number of 1 or more."), code="quorum")]
    elif members and quorum > len(members):
        errors["quorum"] = [
            ValidationError(
                _("The quorum cannot be larger than the number of members (%(count)s).")
                % {"count": len(members)},
                code="quorum",
            )
        ]
    if errors:
        raise ValidationError(errors)


def _clean_values(values: dict[str, Any]) -> None:
    if "title" in values:
        values["title"] = str(values["title"] or "").strip()
    if "location" in values:
        values["location"] = str(values["location"] or "").strip()
    if isinstance(values.get("scheduled_at"), dt.datetime) and timezone.is_aware(values["scheduled_at"]):
        values["scheduled_at"] = values["scheduled_at"].astimezone(dt.UTC)


@transaction.atomic
def meeting_create(*, actor: Any, call: Call, data: Mapping[str, Any]) -> Meeting:
    """A meeting of ``call``'s committee. ``data``: title, scheduled_at (aware), location, members (users
    holding the committee member role) and quorum (1 to the number of members)."""
    _require_runner(actor)
    values = {name: data.get(name) for name in MEETING_FIELDS}
    values["location"] = values["location"] or ""
    if values["quorum"] is None:
        values["quorum"] = 3
    members = list(dict.fromkeys(data.get("members") or []))
    _validate_meeting(values, members)
    _clean_values(values)
    meeting = Meeting.objects.create(
        call=call, created_by=actor if getattr(actor, "is_authenticated", False) else None, **values
    )
    meeting.members.set(members)
    changes: dict[str, Any] = {name: [None, values[name]] for name in MEETING_FIELDS}
    changes["call"] = [None, call.slug]
    changes["members"] = [None, _names(members)]
    audit_record(actor=actor, action="committee.meeting_create", target=meeting, changes=changes)
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, data: Mapping[str, Any]) -> Meeting:
    """Change the details or members of an open meeting. ``data`` holds only what changes. A member who
    has voted on an item not yet decided stays on the committee."""
    _require_runner(actor)
    meeting = _locked_meeting(meeting)
    _refuse_closed(meeting)
    current = list(meeting.members.order_by("pk"))
    members = list(dict.fromkeys(data["members"] or [])) if "members" in data else current
    values = {name: data[name] for name in MEETING_FIELDS if name in data}
    if "location" in values:
        values["location"] = values["location"] or ""
    _validate_meeting({**{name: getattr(meeting, name) for name in MEETING_FIELDS}, **values}, members)
    removed = {member.pk for member in current} - {member.pk for member in members}
    if removed:
        voted = set(
            Vote.objects.filter(item__meeting=meeting, item__decision="", member__in=removed).values_list(
                "member", flat=True
            )
        )
        if voted:
            raise ValidationError(
                {
                    "members": [
                        ValidationError(
                            _(
                                "%(names)s voted on an item not decided yet, and so stays on the committee "
                                "until it is decided."
                            )
                            % {"names": ", ".join(_names(m for m in current if m.pk in voted))},
                            code="member_has_voted",
                        )
                    ]
                }
            )
    _clean_values(values)
    changes = apply_changes(meeting, values)
    if changes:
        meeting.save()
    if "members" in data and {m.pk for m in current} != {m.pk for m in members}:
        meeting.members.set(members)
        changes["members"] = [_names(current), _names(members)]
    if changes:
        audit_record(actor=actor, action="committee.meeting_update", target=meeting, changes=changes)
    return meeting


@transaction.atomic
def minutes_save(*, actor: Any, meeting: Meeting, minutes: str) -> Meeting:
    _require_runner(actor)
    meeting = _locked_meeting(meeting)
    _refuse_closed(meeting)
    changes = apply_changes(meeting, {"minutes": (minutes or "").strip()})
    if changes:
        meeting.save(update_fields=["minutes"])
        audit_record(actor=actor, action="committee.minutes_save", target=meeting, changes=changes)
    return meeting


@transaction.atomic
def meeting_close(*, actor: Any, meeting: Meeting) -> Meeting:
    """Close the meeting: its agenda, votes, decisions and minutes are final. Closing twice does
    nothing more. Items left undecided stay so (their applications remain in the committee stage)."""
    _require_runner(actor)
    meeting = _locked_meeting(meeting)
    if meeting.closed_at is not None:
        return meeting
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["closed_at"])
    undecided = meeting.items.filter(decision="").count()
    audit_record(
        actor=actor,
        action="committee.meeting_close",
        target=meeting,
        changes={"closed_at": [None, meeting.closed_at], "undecided_items": [None, undecided]},
    )
    return meeting


# --- The agenda ---------------------------------------------------------------------------------------


@transaction.atomic
def agenda_add(*, actor: Any, meeting: Meeting, applications: Iterable[Application]) -> list[AgendaItem]:
    """Append applications to the agenda, in the order given. Each must be a submitted application of the
    meeting's call in its committee stage; one already on the agenda is left where it is."""
    _require_runner(actor)
    meeting = _locked_meeting(meeting)
    _refuse_closed(meeting)
    pks = list(dict.fromkeys(application.pk for application in applications))
    if not pks:
        raise ValidationError(_("Choose at least one application."), code="agenda_empty")
    found = {
        application.pk: application
        for application in Application.objects.select_related("call", "stage").filter(pk__in=pks)
    }
    errors: list[ValidationError] = []
    for pk in pks:
        application = found[pk]
        if application.call_id != meeting.call_id:
            errors.append(
                ValidationError(
                    _("%(reference)s is not an application to this meeting's call.")
                    % {"reference": application.reference},
                    code="agenda_other_call",
                )
            )
        elif application.status != ApplicationStatus.SUBMITTED:
            errors.append(
                ValidationError(
                    _("%(reference)s is %(status)s; only submitted applications go before the committee.")
                    % {
                        "reference": application.reference,
                        "status": application.get_status_display().lower(),
                    },
                    code="agenda_not_submitted",
                )
            )
        elif application.stage is None or application.stage.kind != StageKind.COMMITTEE:
            errors.append(
                ValidationError(
                    _("%(reference)s is not in the investment committee stage.")
                    % {"reference": application.reference},
                    code="agenda_not_committee",
                )
            )
    if errors:
        raise ValidationError(errors)
    already = set(meeting.items.values_list("application", flat=True))
    position = int(meeting.items.aggregate(top=Max("position"))["top"] or 0)
    new_items = []
    for pk in pks:
        if pk in already:
            continue
        position += 1
        new_items.append(AgendaItem(meeting=meeting, application=found[pk], position=position))
    created = AgendaItem.objects.bulk_create(new_items)
    if created:
        audit_record(
            actor=actor,
            action="committee.agenda_add",
            target=meeting,
            changes={"agenda": [None, [item.application.reference for item in created]]},
        )
    return created


@transaction.atomic
def agenda_remove(*, actor: Any, item: AgendaItem) -> None:
    """Take an undecided application off the agenda (with any votes cast on it)."""
    _require_runner(actor)
    meeting = _locked_meeting(item.meeting)
    _refuse_closed(meeting)
    item = _locked_item(item, meeting)
    _refuse_decided(item)
    votes = list(item.votes.values_list("member__username", "choice"))
    reference = item.application.reference
    item.delete()
    audit_record(
        actor=actor,
        action="committee.agenda_remove",
        target=meeting,
        changes={"agenda": [reference, None], "votes_removed": [dict(votes), None]},
    )


# --- Votes and conflicts ------------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, actor: Any, item: AgendaItem, choice: str) -> Vote:
    """A member votes on an item, or changes their vote, until the item is decided."""
    meeting = _locked_meeting(item.meeting)
    if not access.is_meeting_member(actor, meeting):
        raise PermissionDenied(_("Only the meeting's members vote."))
    item = _locked_item(item, meeting)
    if Conflict.objects.filter(application=item.application_id, user=actor).exists():
        raise PermissionDenied(_("You declared a conflict of interest on this application: you do not vote."))
    _refuse_closed(meeting)
    _refuse_decided(item)
    if choice not in VoteChoice.values:
        raise ValidationError(
            {"choice": [ValidationError(_("Vote approve, decline or abstain."), code="choice")]}
        )
    vote = Vote.objects.filter(item=item, member=actor).first()
    before = vote.choice if vote is not None else None
    if vote is None:
        vote = Vote.objects.create(item=item, member=actor, choice=choice)
    elif vote.choice != choice:
        vote.choice = choice
        vote.save(update_fields=["choice", "cast_at"])
    else:
        return vote
    audit_record(
        actor=actor,
        action="committee.vote",
        target=item,
        changes={"application": [None, item.application.reference], "choice": [before, choice]},
    )
    return vote


@transaction.atomic
def committee_conflict_declare(*, actor: Any, item: AgendaItem, note: str) -> Conflict:
    """A member declares a conflict of interest on an item's application: their vote on it, if any, is
    removed and they cannot vote on it again. Declaring twice keeps the first declaration."""
    meeting = _locked_meeting(item.meeting)
    if not access.is_meeting_member(actor, meeting):
        raise PermissionDenied
    item = _locked_item(item, meeting)
    _refuse_closed(meeting)
    _refuse_decided(item)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": [ValidationError(_("Say briefly what ties you to the applicant."), code="note")]}
        )
    conflict, created = Conflict.objects.get_or_create(
        application=item.application, user=actor, defaults={"note": note}
    )
    vote = Vote.objects.filter(item=item, member=actor).first()
    changes: dict[str, Any] = {}
    if created:
        changes["member"] = [None, str(actor)]
        changes["note"] = [None, note]
        changes["meeting"] = [None, str(meeting)]
    if vote is not None:
        changes["vote"] = [vote.choice, None]
        vote.delete()
    if changes:
        audit_record(
            actor=actor, action="committee.conflict_declare", target=item.application, changes=changes
        )
    return conflict


# --- Decisions ----------------------------------------------------------------------------------------


def _decision_message(application: Application, outcome: str) -> tuple[str, str]:
    """Subject and body, in the site's language (the applicant's own is not known)."""
    values = {
        "reference": application.reference,
        "title": application.title,
        "call": application.call.title,
    }
    with translation.override(settings.LANGUAGE_CODE):
        if outcome == Outcome.AWARDED:
            subject = _("Your application %(reference)s is approved") % values
            body = (
                _(
                    "The investment committee approved your application %(reference)s, “%(title)s”, to "
                    "the call “%(call)s”. The fund will be in touch about the next steps."
                )
                % values
            )
        else:
            subject = _("Decision on your application %(reference)s") % values
            body = (
                _(
                    "The investment committee decided not to fund your application %(reference)s, "
                    "“%(title)s”, to the call “%(call)s”. Thank you for applying."
                )
                % values
            )
    return subject, body


@transaction.atomic
def decision_record(*, actor: Any, item: AgendaItem, decision: str, note: str = "") -> AgendaItem:
    """Record the committee's decision on an item. Approve and decline follow the vote (see the module's
    docstring) and decide the application; defer leaves it in the committee stage for a later meeting."""
    _require_runner(actor)
    meeting = _locked_meeting(item.meeting)
    _refuse_closed(meeting)
    item = _locked_item(item, meeting)
    _refuse_decided(item)
    if decision not in {ItemDecision.APPROVED, ItemDecision.DECLINED, ItemDecision.DEFERRED}:
        raise ValidationError(
            {"decision": [ValidationError(_("Choose approve, decline or defer."), code="decision")]}
        )
    note = (note or "").strip()
    tally = committee.tallies([item])[item.pk]
    application = item.application
    if decision != ItemDecision.DEFERRED:
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "organization", "stage")
            .get(pk=item.application_id)
        )
        if application.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(
                _("%(reference)s is %(status)s: only a submitted application can be decided.")
                % {"reference": application.reference, "status": application.get_status_display().lower()},
                code="not_submitted",
            )
        if application.outcome:
            raise ValidationError(
                _("%(reference)s was already decided (%(outcome)s).")
                % {"reference": application.reference, "outcome": application.get_outcome_display().lower()},
                code="already_decided",
            )
        if tally.counted < meeting.quorum:
            raise ValidationError(
                _(
                    "The quorum is not met: %(counted)s of the %(quorum)s votes needed have been cast. "
                    "Wait for more votes or defer."
                )
                % {"counted": tally.counted, "quorum": meeting.quorum},
                code="quorum_not_met",
            )
        follows = (
            tally.approve > tally.decline
            if decision == ItemDecision.APPROVED
            else tally.decline >= tally.approve
        )
        if not follows:
            raise ValidationError(
                _(
                    "The decision must follow the vote: %(approve)s approve, %(decline)s decline, "
                    "%(abstain)s abstain."
                )
                % {"approve": tally.approve, "decline": tally.decline, "abstain": tally.abstain},
                code="decision_against_vote",
            )
    item.decision = decision
    item.decision_note = note
    item.decided_at = timezone.now()
    item.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    item.save(update_fields=["decision", "decision_note", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="committee.decision",
        target=item,
        changes={
            "application": [None, item.application.reference],
            "decision": ["", decision],
            "note": [None, note],
            "votes": [
                None,
                {"approve": tally.approve, "decline": tally.decline, "abstain": tally.abstain},
            ],
        },
    )
    if decision != ItemDecision.DEFERRED:
        outcome = Outcome.AWARDED if decision == ItemDecision.APPROVED else Outcome.DECLINED
        before_stage = application.stage.name if application.stage else None
        application.outcome = outcome
        application.stage = decision_stage(application) or application.stage
        application.save(update_fields=["outcome", "stage", "updated_at"])
        audit_record(
            actor=actor,
            action="application.decision",
            target=application,
            changes={
                "outcome": ["", outcome],
                "stage": [before_stage, application.stage.name if application.stage else None],
                "meeting": [None, str(meeting)],
            },
        )
        subject, body = _decision_message(application, outcome)
        message_write(
            actor=actor, application=application, kind=MessageKind.DECISION, subject=subject, body=body
        )
    return item
