"""Forms of the pages that record money coming in (donations, pledges, receipts) and commitments.

Amounts are typed as people write them ("100,000.00", "1.5") and read exactly by ``money.parse_amount``:
more decimals than the asset has is a message on the field, never a rounding. The forms check what they
can see (a date in the future, an asset the fund does not list, a ticket range upside down); the services
check everything again and their messages are put on these fields by the views.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from seedbed.core.models import Organization, OrganizationKind
from seedbed.funds import money
from seedbed.funds.forms.common import AssetChoiceField, DateInput
from seedbed.funds.models import Asset, Fund
from seedbed.funds.services import PledgeRow

# Who gives money to a fund, and who receives it. Startups and UNICEF country offices are grantees
# (PRODUCT.md: the Venture Fund invests in country offices and companies); every other kind may give.
GRANTEE_KINDS = (OrganizationKind.STARTUP, OrganizationKind.COUNTRY_OFFICE)
DONOR_KINDS = tuple(kind for kind in OrganizationKind if kind not in GRANTEE_KINDS)

AMOUNT_HELP = _("In the asset's units, e.g. 1.5 or 100,000.00; use “.” for decimals.")


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


def _not_in_the_future(day: dt.date | None, today: dt.date) -> dt.date | None:
    if day is not None and day > today:
        raise ValidationError(_("The date cannot be in the future."), code="future")
    return day


class _MoneyForm(forms.Form):
    """The fields every record shares. Subclasses add who gives or receives and say where the asset is."""

    amount = forms.CharField(label=_("Amount"), max_length=100, help_text=AMOUNT_HELP)
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    memo = forms.CharField(
        label=_("Memo"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    external_ref = forms.CharField(
        label=_("External reference"),
        required=False,
        max_length=200,
        help_text=_("The bank or chain reference; each is recorded once per fund."),
    )

    def __init__(self, data: Any = None, *, fund: Fund, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("effective_date", today)
        super().__init__(data, **kwargs)
        self.fund = fund
        self.today = today

    def clean_effective_date(self) -> dt.date | None:
        return _not_in_the_future(self.cleaned_data.get("effective_date"), self.today)

    def clean_external_ref(self) -> str:
        return (self.cleaned_data.get("external_ref") or "").strip()

    def asset_of(self, cleaned: dict[str, Any]) -> Asset | None:
        asset = cleaned.get("asset")
        return asset if isinstance(asset, Asset) else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        asset, text = self.asset_of(cleaned), cleaned.get("amount")
        if asset is not None and isinstance(text, str) and text:
            try:
                cleaned["amount"] = money.parse_amount(text, asset)
            except ValidationError as error:
                self.add_error("amount", error)
        return cleaned


def _fund_assets_field(form: forms.Form, fund: Fund) -> None:
    """Only the assets the fund accepts; its reporting currency first chosen when it is one of them."""
    field = form.fields["asset"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = fund.allowed_assets.order_by("kind", "code")
    if not form.is_bound and "asset" not in form.initial:
        allowed = list(field.queryset)
        reporting = next((asset for asset in allowed if asset.pk == fund.reporting_asset_id), None)
        chosen = reporting or (allowed[0] if len(allowed) == 1 else None)
        if chosen is not None:
            form.initial["asset"] = chosen.code


class ContributionForm(_MoneyForm):
    """A donation received, or a donor's pledge."""

    donor = OrganizationChoiceField(
        label=_("Donor"),
        queryset=Organization.objects.filter(kind__in=DONOR_KINDS).order_by("name"),
        to_field_name="slug",
        help_text=_("Governments, foundations, companies, agencies and other donors of the directory."),
    )
    asset = AssetChoiceField(label=_("Asset"), queryset=Asset.objects.none(), to_field_name="code")

    field_order = ("donor", "asset", "amount", "effective_date", "memo", "external_ref")

    def __init__(self, data: Any = None, *, fund: Fund, today: dt.date, **kwargs: Any) -> None:
        super().__init__(data, fund=fund, today=today, **kwargs)
        _fund_assets_field(self, fund)


class CommitmentForm(_MoneyForm):
    """Money promised to a grantee, off balance until it is paid through a payment request."""

    grantee = OrganizationChoiceField(
        label=_("Grantee"),
        queryset=Organization.objects.filter(kind__in=GRANTEE_KINDS).order_by("name"),
        to_field_name="slug",
        help_text=_("A startup or a UNICEF country office of the directory."),
    )
    asset = AssetChoiceField(label=_("Asset"), queryset=Asset.objects.none(), to_field_name="code")

    field_order = ("grantee", "asset", "amount", "effective_date", "memo", "external_ref")

    def __init__(self, data: Any = None, *, fund: Fund, today: dt.date, **kwargs: Any) -> None:
        super().__init__(data, fund=fund, today=today, **kwargs)
        _fund_assets_field(self, fund)
        self.fields["external_ref"].help_text = _(
            "The agreement's reference; each is recorded once per fund."
        )


def pledge_key(row: PledgeRow) -> str:
    return f"{row.donor.slug}:{row.asset.code}"


class PledgeReceiptForm(_MoneyForm):
    """Money received against an outstanding pledge: the pledge says who gave and in which asset."""

    pledge = forms.ChoiceField(label=_("Pledge"))

    field_order = ("pledge", "amount", "effective_date", "memo", "external_ref")

    def __init__(
        self, data: Any = None, *, fund: Fund, today: dt.date, pledges: list[PledgeRow], **kwargs: Any
    ) -> None:
        super().__init__(data, fund=fund, today=today, **kwargs)
        self.pledges = {pledge_key(row): row for row in pledges}
        field = self.fields["pledge"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------")] + [
            (
                key,
                _("%(donor)s — %(outstanding)s outstanding of %(pledged)s pledged")
                % {
                    "donor": row.donor.name,
                    "outstanding": money.format_amount(row.outstanding, row.asset),
                    "pledged": money.format_amount(row.pledged, row.asset),
                },
            )
            for key, row in self.pledges.items()
        ]
        field.help_text = _("What each donor still owes on its pledges to this fund.")

    def clean_pledge(self) -> PledgeRow:
        return self.pledges[self.cleaned_data["pledge"]]  # ChoiceField already refused unknown keys

    def asset_of(self, cleaned: dict[str, Any]) -> Asset | None:
        row = cleaned.get("pledge")
        return row.asset if isinstance(row, PledgeRow) else None
