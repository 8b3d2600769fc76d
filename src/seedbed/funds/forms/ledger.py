"""Forms of the ledger pages: filters, a statement's period, payment requests, reversals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from seedbed.core.models import Organization
from seedbed.funds import money
from seedbed.funds.forms.common import AssetChoiceField, DateInput
from seedbed.funds.models import Asset, EntryKind, Fund, PaymentRequestKind, PaymentRequestStatus


def _period_fields(form: forms.Form, *, required: bool) -> None:
    """Add the ``from`` and ``to`` date fields (named as in the query string; not Python names)."""
    form.fields["from"] = forms.DateField(label=_("From"), required=required, widget=DateInput())
    form.fields["to"] = forms.DateField(label=_("To"), required=required, widget=DateInput())


class MovementFilterForm(forms.Form):
    """The filters over a fund's movements; choices come from what the fund actually holds and names."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EntryKind.choices]
    )
    asset = forms.ChoiceField(label=_("Asset"), required=False)
    counterparty = forms.ChoiceField(label=_("Counterparty"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        assets: QuerySet[Asset],
        counterparties: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        _period_fields(self, required=False)
        asset_field = self.fields["asset"]
        assert isinstance(asset_field, forms.ChoiceField)
        asset_field.choices = [("", _("All assets")), *((asset.code, asset.code) for asset in assets)]
        counterparty_field = self.fields["counterparty"]
        assert isinstance(counterparty_field, forms.ChoiceField)
        counterparty_field.choices = [
            ("", _("Anyone")),
            *((organization.slug, organization.name) for organization in counterparties),
        ]


class PeriodForm(forms.Form):
    """A statement's period; both days are included."""

    def __init__(self, data: Any = None, *, initial_period: tuple[dt.date, dt.date], **kwargs: Any) -> None:
        super().__init__(data, initial={"from": initial_period[0], "to": initial_period[1]}, **kwargs)
        _period_fields(self, required=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end of the period comes before its start."))
        return cleaned


class PaymentRequestForm(forms.Form):
    """Money going out. The amount is read in the chosen asset's units; approval is someone else's."""

    fund = forms.ModelChoiceField(
        label=_("Fund"), queryset=Fund.objects.order_by("name"), to_field_name="slug"
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentRequestKind.choices)
    asset = AssetChoiceField(
        label=_("Asset"),
        queryset=Asset.objects.filter(funds__isnull=False).distinct().order_by("kind", "code"),
        to_field_name="code",
    )
    amount = forms.CharField(
        label=_("Amount"),
        max_length=100,
        help_text=_("In the asset's units, e.g. 1.5 or 100,000.00; use “.” for decimals."),
    )
    counterparty = forms.ModelChoiceField(
        label=_("Paid to"),
        queryset=Organization.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        help_text=_("The grantee of a disbursement, the donor of a refund, or who charges a fee."),
    )
    to_fund = forms.ModelChoiceField(
        label=_("To fund"),
        queryset=Fund.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        help_text=_("Only for a transfer between funds."),
    )
    effective_date = forms.DateField(label=_("Payment date"), widget=DateInput())
    memo = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        asset, text = cleaned.get("asset"), cleaned.get("amount")
        if asset is not None and text:
            try:
                cleaned["amount"] = money.parse_amount(text, asset)
            except ValidationError as error:
                self.add_error("amount", error)
        return cleaned


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why is it rejected?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReverseForm(forms.Form):
    memo = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept on the reversing entry."),
    )
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )


class PaymentRequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *PaymentRequestStatus.choices]
    )
    fund = forms.ModelChoiceField(
        label=_("Fund"),
        required=False,
        queryset=Fund.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All funds"),
    )
