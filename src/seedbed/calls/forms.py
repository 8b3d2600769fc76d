"""Forms of the call pages. Date-times are typed in the call's own time zone; amounts as people write them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models import Call, StageKind, Theme
from seedbed.funds import money
from seedbed.funds.models import Fund


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


class WallClockField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form reads it in the call's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S")

    def to_python(self, value: Any) -> dt.datetime | None:
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            result = timezone.make_naive(result)
        return result

    def prepare_value(self, value: Any) -> Any:
        return value


class CallForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        initial="UTC",
        help_text=_("The opening and closing times below are in this zone."),
    )
    opens_at = WallClockField(label=_("Opens at"))
    closes_at = WallClockField(label=_("Closes at"), help_text=_("The deadline, to the second."))
    ticket_min = forms.CharField(label=_("Smallest ticket"), help_text=_("In the fund's reporting currency."))
    ticket_max = forms.CharField(label=_("Largest ticket"), help_text=_("In the fund's reporting currency."))
    default_rubric = forms.BooleanField(
        label=_("Start with the default rubric"),
        required=False,
        initial=True,
        help_text=_(
            "Problem fit, open-source commitment, team, evidence of effectiveness, path to scale, "
            "reach of children and risk."
        ),
    )

    def __init__(self, *args: Any, funds: QuerySet[Fund], call: Call | None = None, **kwargs: Any) -> None:
        self.call = call
        if call is not None:
            kwargs.setdefault("initial", self.initial_for(call))
        super().__init__(*args, **kwargs)
        fund_field = self.fields["fund"]
        assert isinstance(fund_field, forms.ModelChoiceField)
        fund_field.queryset = funds.select_related("reporting_asset")
        themes_field = self.fields["themes"]
        assert isinstance(themes_field, forms.ModelMultipleChoiceField)
        themes_field.queryset = Theme.objects.order_by("name")
        zone_field = self.fields["time_zone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = time_zone_choices()
        if call is not None:
            del self.fields["fund"]  # a call stays with its fund
            del self.fields["default_rubric"]

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        asset = call.fund.reporting_asset
        return {
            "title": call.title,
            "description": call.description,
            "themes": list(call.themes.all()),
            "time_zone": call.time_zone,
            "opens_at": call.opens_at_local.replace(tzinfo=None),
            "closes_at": call.closes_at_local.replace(tzinfo=None),
            "ticket_min": money.format_amount(call.ticket_min, asset, with_code=False),
            "ticket_max": money.format_amount(call.ticket_max, asset, with_code=False),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        zone_name = cleaned.get("time_zone")
        if zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("opens_at", "closes_at"):
                if cleaned.get(name) is not None:
                    cleaned[name] = cleaned[name].replace(tzinfo=zone)
        fund = self.call.fund if self.call is not None else cleaned.get("fund")
        if fund is not None:
            for name in ("ticket_min", "ticket_max"):
                text = cleaned.get(name)
                if text is None:
                    continue
                try:
                    cleaned[name] = money.parse_amount(text, fund.reporting_asset)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=StageKind.choices)


StageFormSet = forms.formset_factory(StageForm, extra=1, can_delete=True)


class QuestionsCopyForm(forms.Form):
    from_call = forms.ModelChoiceField(label=_("Copy the questions of"), queryset=Call.objects.none())

    def __init__(self, *args: Any, calls: QuerySet[Call], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["from_call"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = calls


class ThemeFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All themes")), *Theme.objects.order_by("name").values_list("slug", "name")]
