"""Forms of the investment committee's pages. A meeting's date and time is typed in its call's time zone."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.calls.forms.setup import WallClockField
from seedbed.calls.models import Application, Call, ItemDecision, Meeting, VoteChoice
from seedbed.calls.selectors.committee import agenda_candidates, committee_members
from seedbed.core.models import User


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return f"{user.full_name} ({user.username})" if user.full_name else user.username


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scheduled_at = WallClockField(label=_("Date and time"))
    location = forms.CharField(
        label=_("Place or link"),
        max_length=300,
        required=False,
        help_text=_("A room, or the address of the video call."),
    )
    members = MemberChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People who hold the committee member role."),
    )
    quorum = forms.IntegerField(
        label=_("Quorum"),
        min_value=1,
        initial=3,
        help_text=_(
            "Votes needed on an application before a decision can be recorded (abstentions count; "
            "members with a conflict of interest do not)."
        ),
    )

    def __init__(self, *args: Any, call: Call, meeting: Meeting | None = None, **kwargs: Any) -> None:
        self.call = call
        if meeting is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": meeting.title,
                    "scheduled_at": meeting.scheduled_at.astimezone(
                        zoneinfo.ZoneInfo(call.time_zone)
                    ).replace(tzinfo=None),
                    "location": meeting.location,
                    "members": list(meeting.members.all()),
                    "quorum": meeting.quorum,
                },
            )
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = committee_members()
        self.fields["scheduled_at"].help_text = _("In the call's time zone, %(zone)s.") % {
            "zone": call.time_zone
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scheduled_at") is not None:
            cleaned["scheduled_at"] = cleaned["scheduled_at"].replace(
                tzinfo=zoneinfo.ZoneInfo(self.call.time_zone)
            )
        return cleaned


class ApplicationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        application: Application = obj
        return f"{application.reference} — {application.title} ({application.organization.name})"


class AgendaAddForm(forms.Form):
    applications = ApplicationChoiceField(
        label=_("Applications in the investment committee stage"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = agenda_candidates(meeting)


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices)


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("The conflict"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say briefly what ties you to the applicant. You will not vote on this application."),
    )


DECISION_CHOICES = [
    (ItemDecision.APPROVED.value, _("Approve")),
    (ItemDecision.DECLINED.value, _("Decline")),
    (ItemDecision.DEFERRED.value, _("Defer to a later meeting")),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the record; the applicant does not see it."),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
