"""The form of a fund's rules (fund managers): allowed assets, conversion, the yearly target, and each
instrument's smallest and largest ticket in the fund's reporting currency.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from seedbed.funds import money
from seedbed.funds.models import Asset, Fund, Instrument


def _ticket_fields(instrument: str) -> tuple[str, str, str]:
    return f"{instrument}_allowed", f"{instrument}_smallest", f"{instrument}_largest"


class FundRulesForm(forms.Form):
    """What a fund accepts and how it invests. Tickets are in the fund's reporting currency."""

    allowed_assets = forms.MultipleChoiceField(
        label=_("Allowed assets"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("The assets the fund receives and pays out. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    allows_conversion = forms.BooleanField(
        label=_("Allows conversion"),
        required=False,
        help_text=_("Whether an entry may exchange one asset for another inside this fund."),
    )
    target_new_investments_per_year = forms.IntegerField(
        label=_("Target of new investments per year"),
        required=False,
        min_value=0,
        help_text=_("Leave empty when the fund has no target."),
    )

    def __init__(self, data: Any = None, *, fund: Fund, **kwargs: Any) -> None:
        self.fund = fund
        self.quote = fund.reporting_asset
        rules = {rule.instrument: rule for rule in fund.instrument_rules.all()}
        initial: dict[str, Any] = {
            "allowed_assets": sorted(fund.allowed_assets.values_list("code", flat=True)),
            "allows_conversion": fund.allows_conversion,
            "target_new_investments_per_year": fund.target_new_investments_per_year,
        }
        for instrument, rule in rules.items():
            allowed, smallest, largest = _ticket_fields(instrument)
            initial[allowed] = True
            initial[smallest] = money.format_amount(rule.min_amount, self.quote, with_code=False)
            initial[largest] = money.format_amount(rule.max_amount, self.quote, with_code=False)
        super().__init__(data, initial=initial, **kwargs)
        # The assets the fund accepts now come first, so that the list opens on them.
        allowed_now = set(initial["allowed_assets"])
        groups: dict[str, list[tuple[str, str]]] = {"now": [], "crypto": [], "fiat": []}
        for asset in Asset.objects.order_by("code"):
            group = "now" if asset.code in allowed_now else "crypto" if asset.is_crypto else "fiat"
            groups[group].append((asset.code, f"{asset.code} — {asset.name}"))
        field = self.fields["allowed_assets"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (label, groups[key])
            for key, label in (
                ("now", _("Accepted now")),
                ("crypto", _("Crypto assets")),
                ("fiat", _("Currencies")),
            )
            if groups[key]
        ]
        if fund.crypto_only:
            self.fields["allows_conversion"].help_text = _(
                "%(fund)s is crypto only: it never converts between assets."
            ) % {"fund": fund}
        for instrument in Instrument.values:
            allowed, smallest, largest = _ticket_fields(instrument)
            self.fields[allowed] = forms.BooleanField(label=_("The fund uses it"), required=False)
            for name, text in ((smallest, _("Smallest ticket")), (largest, _("Largest ticket"))):
                self.fields[name] = forms.CharField(
                    label=text,
                    required=False,
                    max_length=100,
                    help_text=_("In %(code)s, e.g. 50,000.00.") % {"code": self.quote.code},
                )

    def instrument_groups(self) -> list[dict[str, Any]]:
        """Per instrument, its label and bound fields, for a fieldset each in the template."""
        groups = []
        for instrument, label in Instrument.choices:
            allowed, smallest, largest = _ticket_fields(instrument)
            groups.append(
                {
                    "instrument": instrument,
                    "label": label,
                    "fields": [self[allowed], self[smallest], self[largest]],
                }
            )
        return groups

    def _ticket(self, name: str) -> int | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            self.add_error(name, _("Enter the ticket, or untick the instrument."))
            return None
        try:
            return money.parse_amount(text, self.quote)
        except ValidationError as error:
            self.add_error(name, error)
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        rules: dict[str, tuple[int, int]] = {}
        for instrument, _label in Instrument.choices:
            allowed, smallest, largest = _ticket_fields(instrument)
            if not cleaned.get(allowed):
                continue
            low, high = self._ticket(smallest), self._ticket(largest)
            if low is None or high is None:
                continue
            if low > high:
                self.add_error(largest, _("The largest ticket is smaller than the smallest."))
                continue
            rules[instrument] = (low, high)
        cleaned["instrument_rules"] = rules
        return cleaned

    def rules(self) -> dict[str, Any]:
        """The data ``services.fund_rules_update`` takes, from a valid form."""
        data = self.cleaned_data
        return {
            "allowed_assets": list(data["allowed_assets"]),
            "allows_conversion": data["allows_conversion"],
            "target_new_investments_per_year": data["target_new_investments_per_year"],
            "instrument_rules": data["instrument_rules"],
        }
