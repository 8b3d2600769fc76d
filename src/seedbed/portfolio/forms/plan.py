"""Forms for milestones and evidence, tranches, reports and cohort KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.funds import money
from seedbed.funds.forms.common import DateInput
from seedbed.funds.forms.record import AMOUNT_HELP
from seedbed.portfolio.models import Investment, Milestone
from seedbed.portfolio.plan_defaults import plan_title


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=8, initial=1)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    required = forms.BooleanField(label=_("Required to graduate"), required=False)


class EvidenceForm(forms.Form):
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    text = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return to the team with comments"))],
        widget=forms.RadioSelect,
        initial="accept",
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return it, or accept without submitted evidence."),
    )


class _AmountForm(forms.Form):
    amount = forms.CharField(label=_("Amount"), max_length=100, help_text=AMOUNT_HELP)

    def __init__(self, data: Any = None, *, investment: Investment, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.investment = investment

    def clean_amount(self) -> int | None:
        text = self.cleaned_data.get("amount")
        if not text:
            return None
        return money.parse_amount(text, self.investment.asset)


class TrancheForm(_AmountForm):
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    milestones = forms.ModelMultipleChoiceField(
        label=_("Milestones it depends on"),
        required=False,
        queryset=Milestone.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: Any = None, *, investment: Investment, **kwargs: Any) -> None:
        super().__init__(data, investment=investment, **kwargs)
        field = self.fields["milestones"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = investment.milestones.order_by("quarter", "position")
        field.label_from_instance = lambda obj: f"Q{obj.quarter} · {plan_title(obj.title)}"  # type: ignore[method-assign]


class TrancheReleaseForm(forms.Form):
    payment_date = forms.DateField(label=_("Payment date"), widget=DateInput(), initial=dt.date.today)


class TrancheChangeForm(_AmountForm):
    action = forms.ChoiceField(
        label=_("Change"),
        choices=[("reduce", _("Reduce the amount")), ("cancel", _("Cancel the tranche"))],
        widget=forms.RadioSelect,
        initial="reduce",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data: Any = None, *, investment: Investment, **kwargs: Any) -> None:
        super().__init__(data, investment=investment, **kwargs)
        self.fields["amount"].required = False
        self.fields["amount"].label = _("New amount")


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("How the quarter went"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Progress, problems, what you need from the fund."),
    )

    def __init__(self, data: Any = None, *, kpis: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.kpi_keys = []
        for key, label, unit in kpis:
            name = f"kpi_{key}"
            self.kpi_keys.append((name, key))
            self.fields[name] = forms.DecimalField(
                label=f"{label} ({unit})" if unit else label,
                required=False,
                min_value=0,
                max_digits=20,
                decimal_places=2,
            )
        self.order_fields([name for name, _key in self.kpi_keys] + ["narrative"])

    def kpi_values(self) -> dict[str, Any]:
        return {
            key: str(self.cleaned_data[name])
            for name, key in self.kpi_keys
            if self.cleaned_data.get(name) is not None
        }


class CohortKpiForm(forms.Form):
    label = forms.CharField(label=_("KPI"), max_length=120)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
