"""The managers' page of a call's "reviews due by" dates, one per stage, that reviewers are reminded of.

The dates are typed in the call's own time zone and stored in UTC. Unlike the stages themselves, they may
change after the call has opened: reviews happen then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from seedbed.calls import access, services
from seedbed.calls.forms import WallClockField
from seedbed.calls.models import Call, Stage


class StageDatesForm(forms.Form):
    """A date-and-time field per stage, ``stage_<id>``, in the call's time zone; empty means no date."""

    def __init__(self, *args: Any, call: Call, stages: list[Stage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        for stage in stages:
            self.fields[self.field_name(stage.pk)] = WallClockField(
                label=stage.name,
                required=False,
                initial=stage.closes_at.astimezone(call.zone).replace(tzinfo=None)
                if stage.closes_at
                else None,
                help_text=_("%(kind)s. Reviews due by this date and time (%(zone)s); empty: no date.")
                % {"kind": stage.get_kind_display(), "zone": call.time_zone},
            )

    @staticmethod
    def field_name(stage_id: Any) -> str:
        return f"stage_{stage_id}"

    def dates(self) -> dict[int, dt.datetime | None]:
        """{stage id: the moment, in the call's zone, or None} for the stages sent (an empty field clears
        its date; a stage left out of the request keeps it)."""
        zone = self.call.zone
        return {
            int(name.removeprefix("stage_")): value.replace(tzinfo=zone) if value is not None else None
            for name, value in self.cleaned_data.items()
            if name in self.data
        }


@login_required
def call_stage_dates(request: HttpRequest, slug: str) -> HttpResponse:
    call = access.get_call_for_user(request.user, slug, write=True)
    stages = list(call.stages.order_by("position"))
    form = StageDatesForm(request.POST or None, call=call, stages=stages)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_dates_update(actor=request.user, call=call, dates=form.dates())
        except ValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for key, texts in problems.items():
                name = form.field_name(key)
                form.add_error(name if name in form.fields else None, texts)
        else:
            messages.success(request, _("The dates by which reviews are due were saved."))
            return redirect("call_stage_dates", slug=call.slug)
    return render(
        request,
        "calls/stage_dates.html",
        {"call": call, "form": form},
        status=422 if form.errors else 200,
    )
