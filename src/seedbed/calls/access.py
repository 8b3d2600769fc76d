"""Who may see and change calls. Same contract as ``seedbed.core.access``.

Decisions:

- The **public** (and every signed-in user) sees the calls that have opened: open and closed ones.
- A call that has not opened yet is a **draft**: only the fund's staff (every role but applicants) see
  it, so that reviewers and the committee can prepare; for everyone else it does not exist (404).
- **Fund managers and administrators** create and edit calls, their stages, rubric and form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from seedbed.calls.models import (
    LIVE_REVIEW_STATUSES,
    AgendaItem,
    Application,
    ApplicationStatus,
    Call,
    Meeting,
    Review,
)
from seedbed.core.access import is_signed_in
from seedbed.core.models import Membership, Organization
from seedbed.core.roles import STAFF_ROLES, Role

CALL_MANAGERS = frozenset({Role.FUND_MANAGER, Role.ADMINISTRATOR})


def can_view_calls(user: Any) -> bool:
    """The list of calls is public."""
    return True


def can_view_drafts(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*STAFF_ROLES)


def can_manage_calls(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(*CALL_MANAGERS)


def calls_for_user(user: Any, now: dt.datetime | None = None) -> QuerySet[Call]:
    qs = Call.objects.all()
    if not can_view_drafts(user):
        qs = qs.filter(opens_at__lte=now or timezone.now())
    return qs


def get_call_for_user(user: Any, slug: str, write: bool = False) -> Call:
    """``write`` means changing the call, its stages, rubric or form: fund managers and administrators."""
    if write and not can_manage_calls(user):
        raise PermissionDenied
    try:
        return calls_for_user(user).select_related("fund__reporting_asset").get(slug=slug)
    except Call.DoesNotExist:
        raise Http404 from None


# --- Applications -----------------------------------------------------------------------------------
# - An application's **organization** (its members) sees it in every status and changes it while it is a
#   draft; nobody else sees a draft.
# - **Fund managers and administrators** see every submitted (or withdrawn) application and act on it:
#   screening overrides, reviewer assignment, stage moves, messages.
# - A **reviewer** sees the submitted applications they are assigned to, until they recuse themselves.
# - A **committee member** sees the applications on the agenda of the meetings they sit on.
# - In a **blind** call, the identity (organization, people, answers marked as identifying) is hidden
#   from everyone who sees the application only as its reviewer.


def can_manage_applications(user: Any) -> bool:
    return can_manage_calls(user)


def can_review(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(Role.REVIEWER)


def can_sit_on_committee(user: Any) -> bool:
    return is_signed_in(user) and user.has_role(Role.COMMITTEE_MEMBER)


def can_apply(user: Any) -> bool:
    """Anyone signed in who belongs to an organization may apply on its behalf."""
    return is_signed_in(user)


def can_apply_nav(user: Any) -> bool:
    """Whether the navigation shows "My applications": people who apply (applicants, country offices)."""
    return is_signed_in(user) and user.has_role(Role.APPLICANT, Role.FOCAL_POINT)


def applications_for_user(user: Any) -> QuerySet[Application]:
    """Every application ``user`` may open, in any call."""
    if not is_signed_in(user):
        return Application.objects.none()
    # Subqueries, not joins: the lists built on this stay one row per application without DISTINCT.
    own = Q(organization__in=Membership.objects.filter(user=user).values("organization"))
    if can_manage_applications(user):
        return Application.objects.filter(own | ~Q(status=ApplicationStatus.DRAFT))
    visible = own
    if can_review(user):
        reviewed = Review.objects.filter(reviewer=user, status__in=LIVE_REVIEW_STATUSES).values("application")
        visible |= Q(pk__in=reviewed) & ~Q(status=ApplicationStatus.DRAFT)
    if can_sit_on_committee(user):
        on_agenda = AgendaItem.objects.filter(meeting__members=user).values("application")
        visible |= Q(pk__in=on_agenda) & ~Q(status=ApplicationStatus.DRAFT)
    return Application.objects.filter(visible)


def organizations_of(user: Any) -> QuerySet[Organization]:
    if not is_signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user).order_by("name")


def is_member(user: Any, application: Application) -> bool:
    return is_signed_in(user) and application.organization.memberships.filter(user=user).exists()


def get_application_for_user(user: Any, pk: Any, write: bool = False) -> Application:
    """``write`` means changing the answers: members of the organization, while it is a draft."""
    try:
        application = (
            applications_for_user(user)
            .select_related("call__fund__reporting_asset", "organization__country", "stage", "created_by")
            .get(pk=pk)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not (application.is_draft and is_member(user, application)):
        raise PermissionDenied
    return application


def identity_visible(user: Any, application: Application) -> bool:
    """False when ``user`` sees a blind call's application only as one of its reviewers."""
    if not application.call.blind_review or can_manage_applications(user):
        return True
    if is_member(user, application):
        return True
    return can_sit_on_committee(user) and application.agenda_items.filter(meeting__members=user).exists()


# --- Reviews ------------------------------------------------------------------------------------------


def reviews_for_user(user: Any) -> QuerySet[Review]:
    """The reviews ``user`` works on or has submitted: their own, live, of submitted applications."""
    if not can_review(user):
        return Review.objects.none()
    return Review.objects.filter(reviewer=user, status__in=LIVE_REVIEW_STATUSES).exclude(
        application__status=ApplicationStatus.DRAFT
    )


def get_review_for_user(user: Any, pk: Any) -> Review:
    """The review, or 404 (someone else's, recused, or not a reviewer). Scoring rules are the service's."""
    try:
        return (
            reviews_for_user(user)
            .select_related("application__call", "application__stage", "application__organization__country")
            .get(pk=pk)
        )
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Committee meetings (see selectors/committee.py for the rules) ----------------------------------


def can_run_meetings(user: Any) -> bool:
    return can_manage_applications(user)


def can_view_meetings(user: Any) -> bool:
    """Whether the user has a list of meetings at all (the navigation's "Committee" entry)."""
    return can_run_meetings(user) or can_sit_on_committee(user)


def meetings_for_user(user: Any) -> QuerySet[Meeting]:
    if not is_signed_in(user):
        return Meeting.objects.none()
    if can_run_meetings(user):
        return Meeting.objects.all()
    if can_sit_on_committee(user):
        return Meeting.objects.filter(members=user)  # one row per meeting: a single member is joined
    return Meeting.objects.none()


def get_meeting_for_user(user: Any, pk: Any, write: bool = False) -> Meeting:
    """``write`` means running the meeting (its details, agenda, decisions, minutes): managers only. A
    meeting the user may not see is a 404 even when writing."""
    try:
        meeting = meetings_for_user(user).select_related("call__fund").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not can_run_meetings(user):
        raise PermissionDenied
    return meeting


def get_item_for_user(user: Any, meeting: Meeting, item_pk: Any) -> AgendaItem:
    """An item of ``meeting`` (already checked with ``get_meeting_for_user``)."""
    try:
        item = AgendaItem.objects.select_related("application__organization").get(pk=item_pk, meeting=meeting)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    item.meeting = meeting
    item.application.call = meeting.call
    return item


def is_meeting_member(user: Any, meeting: Meeting) -> bool:
    return is_signed_in(user) and can_sit_on_committee(user) and meeting.members.filter(pk=user.pk).exists()
