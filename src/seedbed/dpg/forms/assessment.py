"""Forms of the DPG Standard assessment and of a solution's DPG status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.dpg.models import DpgStatusValue, IndicatorAnswer
from seedbed.dpg.standard import SDGS, YES_NO_UNKNOWN, Item
from seedbed.portfolio.models import SolutionKind

MET_CHOICES = (("", _("Not sure yet")), ("yes", _("Yes, it is met")), ("no", _("No, not yet")))


def met_value(choice: str) -> bool | None:
    return {"yes": True, "no": False}.get(choice)


def met_choice(met: bool | None) -> str:
    return {True: "yes", False: "no"}.get(met, "") if met is not None else ""


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    evidence_urls = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
        help_text=_("One http(s) link per line: the file, page or document that shows it."),
    )
    met = forms.ChoiceField(label=_("Is it met, in your view?"), choices=MET_CHOICES, required=False)

    def __init__(self, *args: Any, item: Item, answer: IndicatorAnswer | None, **kwargs: Any) -> None:
        if answer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "answer": answer.answer,
                "evidence_urls": "\n".join(answer.evidence_urls or []),
                "met": met_choice(answer.met),
                **{q.field: (answer.details or {}).get(q.field, "") for q in item.questions},
            }
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["answer"].help_text = item.question
        for question in item.questions:
            self.fields[question.field] = forms.ChoiceField(
                label=question.label, choices=YES_NO_UNKNOWN, required=False
            )

    def details(self) -> dict[str, str]:
        return {q.field: self.cleaned_data.get(q.field, "") for q in self.item.questions}


class SignOffForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Your decision"),
        choices=(("met", _("Met")), ("not_met", _("Not met"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the team"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when it is not met: say what is missing."),
    )


class DpgStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("DPG status"), choices=DpgStatusValue.choices)
    since = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a DPG: the date of the DPGA's decision."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for one year after the decision."),
    )


class SolutionForm(forms.Form):
    """What the DPGA reads about a solution (the nominee record)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SolutionKind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: what it does and for whom."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    sdgs = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals it advances"),
        coerce=int,
        required=False,
        choices=[(number, f"{number}. {name}") for number, name in SDGS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
