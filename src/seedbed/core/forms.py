from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.utils.translation import gettext_lazy as _

from seedbed.core.models import (
    Country,
    MembershipRequestOutcome,
    Organization,
    OrganizationKind,
    Region,
    User,
)


class CountryChoiceField(forms.ModelChoiceField):
    """Countries by their name in the interface language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.local_name)


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    country = CountryChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("name"), required=False, to_field_name="iso2"
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        help_text=_("For a unit of a larger organization, e.g. a country office of UNICEF."),
    )

    @classmethod
    def initial_for(cls, organization: Organization) -> dict[str, Any]:
        return {
            "name": organization.name,
            "kind": organization.kind,
            "country": organization.country_id,
            "website": organization.website,
            "description": organization.description,
            "parent": organization.parent.slug if organization.parent else None,
        }


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganizationKind.choices]
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices]
    )
    country = CountryChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.filter(organizations__isnull=False).distinct().order_by("name"),
        to_field_name="iso2",
        empty_label=_("All countries"),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A–Z)")),
            ("-name", _("Name (Z–A)")),
            ("kind", _("Kind")),
            ("country", _("Country")),
            ("-created", _("Newest first")),
        ],
    )


class CountryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.ChoiceField(
        label=_("UNICEF region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices, ("none", _("No programme region"))],
    )
    programme = forms.ChoiceField(
        label=_("Programme country"),
        required=False,
        choices=[("", _("All")), ("yes", _("Programme countries")), ("no", _("Other countries"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A–Z)")),
            ("-name", _("Name (Z–A)")),
            ("region", _("Region")),
            ("organizations", _("Most organizations")),
        ],
    )


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a Seedbed user"))
    role = forms.ChoiceField(
        label=_("Role in the organization"),
        choices=[("member", _("Member")), ("owner", _("Owner (can edit the organization)"))],
    )
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    organization = forms.ModelChoiceField(
        label=_("Organization (optional)"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        to_field_name="slug",
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = roles


def _check_new_password(form: forms.Form, data: dict[str, Any], user: User | None = None) -> None:
    """The two passwords match and pass the password validators (against ``user``'s details, if given)."""
    if data.get("password1") and data.get("password1") != data.get("password2"):
        form.add_error("password2", _("The two passwords differ."))
    elif data.get("password1"):
        try:
            validate_password(data["password1"], user)
        except forms.ValidationError as error:
            form.add_error("password1", error)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_new_password(self, data)
        return data


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    # The address is also the username, and usernames have at most 150 characters.
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("We send a link to this address to confirm it. You sign in with it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the configured password validators ask for, in Django's own translated words.
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())  # one line: names go into e-mail subjects

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email = (data.get("email") or "").strip().lower()
        # Checked against the account as it will be, so that a password like the name or address is refused.
        _check_new_password(
            self, data, User(username=email, email=email, full_name=data.get("full_name") or "")
        )
        return data


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the owners (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say who you are and what you do in the organization."),
    )


class MembershipRequestDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (MembershipRequestOutcome.APPROVED.value, _("Approve")),
            (MembershipRequestOutcome.DECLINED.value, _("Decline")),
        ]
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What will use it, e.g. “monthly report script”.")
    )


class TotpForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, except that an e-mail address typed with capitals still signs in: people
    who signed up themselves have their address, in lower case, as their username."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if (
            "@" in username
            and username != username.lower()
            and not User.objects.filter(username=username).exists()
        ):
            self.cleaned_data["username"] = username.lower()
        return super().clean()
