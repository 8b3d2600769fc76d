"""The investment committee's pages: a call's meetings, one meeting with its agenda, votes and decisions,
the managers' edit and agenda pages, and the member's own list of meetings.

Managers and administrators see and run every meeting; committee members see the meetings they sit on and
vote there; for everyone else a meeting does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.calls import access, services
from seedbed.calls.forms.committee import (
    AgendaAddForm,
    ConflictForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    VoteForm,
)
from seedbed.calls.models import AgendaItem, Meeting, VoteChoice
from seedbed.calls.selectors import committee
from seedbed.core.views.common import add_service_errors, paginate


def _item_anchor(meeting: Meeting, item: AgendaItem) -> str:
    return f"{meeting.get_absolute_url()}#item-{item.pk}"


# --- Lists --------------------------------------------------------------------------------------------


@login_required
def call_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    """A call's meetings; managers create one here."""
    call = access.get_call_for_user(request.user, slug)
    if not access.can_view_meetings(request.user):
        raise Http404
    can_run = access.can_run_meetings(request.user)
    if request.method == "POST" and not can_run:
        raise PermissionDenied
    form = MeetingForm(request.POST or None, call=call) if can_run else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.meeting_create(actor=request.user, call=call, data=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting %(title)s was created.") % {"title": meeting.title})
                return redirect(meeting)
        status = 422
    return render(
        request,
        "calls/committee/meeting_list.html",
        {
            "call": call,
            "meetings": committee.meeting_list(user=request.user, call=call),
            "form": form,
            "can_run": can_run,
        },
        status=status,
    )


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """The meetings a committee member sits on; every meeting for managers."""
    if not access.can_view_meetings(request.user):
        raise PermissionDenied
    page = paginate(request, committee.meeting_list(user=request.user))
    return render(
        request,
        "calls/committee/my_meetings.html",
        {
            "page": page,
            "can_run": access.can_run_meetings(request.user),
            "calls": committee.calls_for_new_meetings() if access.can_run_meetings(request.user) else [],
        },
    )


# --- One meeting --------------------------------------------------------------------------------------


def _render_meeting(
    request: HttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    bound: dict[tuple[str, int], Form] | None = None,
    minutes_form: MinutesForm | None = None,
) -> HttpResponse:
    """The meeting page; ``bound`` holds a submitted form to show with its errors, by (kind, item id)."""
    bound = bound or {}
    meeting = committee.meeting_with_members(meeting)
    user: Any = request.user
    members = list(meeting.members.all())
    is_member = access.can_sit_on_committee(user) and any(member.pk == user.pk for member in members)
    can_run = access.can_run_meetings(user)
    rows = []
    for row in committee.agenda(meeting, user):
        pk = row.item.pk
        rows.append(
            {
                "row": row,
                "decision_form": bound.get(("decision", pk)) or DecisionForm(prefix=f"decision-{pk}"),
                "conflict_form": bound.get(("conflict", pk)) or ConflictForm(prefix=f"conflict-{pk}"),
            }
        )
    return render(
        request,
        "calls/committee/meeting_detail.html",
        {
            "meeting": meeting,
            "call": meeting.call,
            "members": members,
            "rows": rows,
            "is_member": is_member,
            "can_run": can_run,
            "is_open": meeting.closed_at is None,
            "vote_choices": VoteChoice.choices,
            "minutes_form": minutes_form or MinutesForm(initial={"minutes": meeting.minutes}),
        },
        status=status,
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_meeting(request, access.get_meeting_for_user(request.user, pk))


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk, write=True)
    form = MeetingForm(request.POST or None, call=meeting.call, meeting=meeting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_update(actor=request.user, meeting=meeting, data=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect(meeting)
        status = 422
    return render(
        request,
        "calls/committee/meeting_form.html",
        {"form": form, "meeting": meeting, "call": meeting.call},
        status=status,
    )


@login_required
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk, write=True)
    form = AgendaAddForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                added = services.agenda_add(
                    actor=request.user, meeting=meeting, applications=form.cleaned_data["applications"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s applications were added to the agenda.") % {"count": len(added)},
                )
                return redirect(meeting)
        status = 422
    return render(
        request,
        "calls/committee/agenda_add.html",
        {"form": form, "meeting": meeting, "call": meeting.call},
        status=status,
    )


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk, write=True)
    item = access.get_item_for_user(request.user, meeting, item_pk)
    try:
        services.agenda_remove(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_meeting(request, meeting, status=422)
    messages.success(
        request, _("%(reference)s was taken off the agenda.") % {"reference": item.application.reference}
    )
    return redirect(meeting)


@login_required
@require_POST
def meeting_vote(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    item = access.get_item_for_user(request.user, meeting, item_pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vote approve, decline or abstain."))
        return _render_meeting(request, meeting, status=422)
    try:
        vote = services.vote_cast(actor=request.user, item=item, choice=form.cleaned_data["choice"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_meeting(request, meeting, status=422)
    messages.success(
        request,
        _("Your vote on %(reference)s: %(choice)s.")
        % {"reference": item.application.reference, "choice": vote.get_choice_display().lower()},
    )
    return redirect(_item_anchor(meeting, item))


@login_required
@require_POST
def meeting_conflict(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    item = access.get_item_for_user(request.user, meeting, item_pk)
    if not access.is_meeting_member(request.user, meeting):
        raise PermissionDenied
    form = ConflictForm(request.POST, prefix=f"conflict-{item.pk}")
    if form.is_valid():
        try:
            services.committee_conflict_declare(actor=request.user, item=item, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your conflict of interest on %(reference)s is recorded; you do not vote on it.")
                % {"reference": item.application.reference},
            )
            return redirect(_item_anchor(meeting, item))
    return _render_meeting(request, meeting, status=422, bound={("conflict", item.pk): form})


@login_required
@require_POST
def meeting_decision(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk, write=True)
    item = access.get_item_for_user(request.user, meeting, item_pk)
    form = DecisionForm(request.POST, prefix=f"decision-{item.pk}")
    if form.is_valid():
        try:
            decided = services.decision_record(
                actor=request.user,
                item=item,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The decision on %(reference)s is recorded: %(decision)s.")
                % {
                    "reference": item.application.reference,
                    "decision": decided.get_decision_display().lower(),
                },
            )
            return redirect(_item_anchor(meeting, item))
    return _render_meeting(request, meeting, status=422, bound={("decision", item.pk): form})


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk, write=True)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_save(actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect(f"{meeting.get_absolute_url()}#minutes")
    return _render_meeting(request, meeting, status=422, minutes_form=form)


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk, write=True)
    services.meeting_close(actor=request.user, meeting=meeting)
    messages.success(request, _("The meeting is closed: its decisions and minutes are final."))
    return redirect(meeting)
