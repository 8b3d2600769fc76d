"""Forms for an investment, its contract, its status, follow-on rounds and knowledge products."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models import Theme
from seedbed.core.models import Country, Organization, OrganizationKind
from seedbed.funds import money
from seedbed.funds.forms.common import AssetChoiceField, DateInput
from seedbed.funds.forms.record import AMOUNT_HELP, GRANTEE_KINDS, OrganizationChoiceField
from seedbed.funds.models import Asset, Fund, Instrument
from seedbed.portfolio.models import Investment, InvestmentStatus, KnowledgeKind, RepaymentSchedule, Solution

INVESTOR_KINDS = (
    OrganizationKind.INVESTOR,
    OrganizationKind.PRIVATE_SECTOR,
    OrganizationKind.DONOR,
    OrganizationKind.ACCELERATOR,
    OrganizationKind.UN_AGENCY,
    OrganizationKind.GOVERNMENT,
    OrganizationKind.ACADEMIC,
)


def _parse(form: forms.Form, field: str, asset: Asset | None) -> None:
    text = form.cleaned_data.get(field)
    if asset is None or not isinstance(text, str) or not text:
        return
    try:
        form.cleaned_data[field] = money.parse_amount(text, asset)
    except ValidationError as error:
        form.add_error(field, error)


class InvestmentForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.order_by("name"))
    organization = OrganizationChoiceField(
        label=_("Team"),
        queryset=Organization.objects.filter(kind__in=GRANTEE_KINDS).order_by("name"),
        help_text=_("A startup or a UNICEF country office from the directory."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("Usually the solution it funds."))
    solutions = forms.ModelMultipleChoiceField(
        label=_("Solutions it funds"),
        required=False,
        queryset=Solution.objects.select_related("organization").order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("The team's registered solutions."),
    )
    new_solution = forms.CharField(
        label=_("Or register a new solution"),
        required=False,
        max_length=200,
        help_text=_("Its name; it is registered for the team."),
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.order_by("name"))
    year = forms.IntegerField(label=_("Cohort year"), min_value=2000, max_value=2100)
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Where the solution is deployed. Hold Ctrl (or ⌘) to choose several."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    asset = AssetChoiceField(
        label=_("Asset"),
        queryset=Asset.objects.filter(is_active=True).order_by("kind", "code"),
        to_field_name="code",
    )
    amount = forms.CharField(label=_("Amount"), max_length=100, help_text=AMOUNT_HELP)
    instrument = forms.ChoiceField(
        label=_("Instrument"), choices=Instrument.choices, initial=Instrument.GRANT
    )
    pre_money_valuation = forms.CharField(label=_("Pre-money valuation"), max_length=100, required=False)
    equity_share = forms.DecimalField(
        label=_("Equity share (%)"), required=False, max_digits=9, decimal_places=4
    )
    interest_rate = forms.DecimalField(
        label=_("Interest rate (% a year)"), required=False, max_digits=9, decimal_places=4
    )
    term_months = forms.IntegerField(label=_("Term (months)"), required=False)
    repayment_schedule = forms.ChoiceField(
        label=_("Repayments"), required=False, choices=[("", "—"), *RepaymentSchedule.choices]
    )
    guarantee_beneficiary = OrganizationChoiceField(
        label=_("Beneficiary of the guarantee"),
        required=False,
        queryset=Organization.objects.order_by("name"),
    )
    guarantee_expires_on = forms.DateField(
        label=_("Guarantee expires on"), required=False, widget=DateInput()
    )
    contract_months = forms.IntegerField(
        label=_("Contract length (months)"), initial=12, min_value=1, max_value=120
    )
    signed_on = forms.DateField(label=_("Contract signed on"), required=False, widget=DateInput())
    override_reason = forms.CharField(
        label=_("Reason for overriding the fund's rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the investment breaks a rule of the fund. It is kept in the audit log."),
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if not self.is_bound and "asset" not in self.initial:
            self.initial["asset"] = "USD"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        asset = cleaned.get("asset")
        _parse(self, "amount", asset if isinstance(asset, Asset) else None)
        _parse(self, "pre_money_valuation", asset if isinstance(asset, Asset) else None)
        return cleaned

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "equity_share": data.get("equity_share"),
            "pre_money_valuation": data.get("pre_money_valuation") or None,
            "interest_rate": data.get("interest_rate"),
            "term_months": data.get("term_months"),
            "repayment_schedule": data.get("repayment_schedule") or "",
            "guarantee_beneficiary": data.get("guarantee_beneficiary"),
            "guarantee_expires_on": data.get("guarantee_expires_on"),
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=InvestmentStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the investment is discontinued or failed."),
    )


class ContractForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    document = forms.FileField(label=_("Signed contract"), required=False)


class AmendmentForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    summary = forms.CharField(label=_("What changes"), widget=forms.Textarea(attrs={"rows": 2}))
    new_ends_on = forms.DateField(label=_("New end date"), required=False, widget=DateInput())
    document = forms.FileField(label=_("Signed amendment"), required=False)


class FollowOnForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    asset = AssetChoiceField(
        label=_("Asset"),
        queryset=Asset.objects.filter(is_active=True).order_by("kind", "code"),
        to_field_name="code",
    )
    amount = forms.CharField(label=_("Amount"), max_length=100, help_text=AMOUNT_HELP)
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Instrument.choices)
    investors = forms.ModelMultipleChoiceField(
        label=_("Investors"),
        queryset=Organization.objects.filter(kind__in=INVESTOR_KINDS).order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("From the directory. Hold Ctrl (or ⌘) to choose several."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.initial.setdefault("asset", "USD")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        asset = cleaned.get("asset")
        _parse(self, "amount", asset if isinstance(asset, Asset) else None)
        return cleaned


class KnowledgeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=KnowledgeKind.choices)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)
    licence = forms.CharField(
        label=_("Licence"),
        max_length=60,
        initial="CC-BY-4.0",
        help_text=_("An SPDX identifier, e.g. CC-BY-4.0."),
    )
    published_on = forms.DateField(label=_("Published on"), widget=DateInput(), initial=dt.date.today)
    investments = forms.ModelMultipleChoiceField(
        label=_("Investments"),
        required=False,
        queryset=Investment.objects.order_by("-start_date", "reference"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
