"""Forms of the call pages. Date-times are typed in the call's own time zone; amounts as people write them.

The set-up forms (rules, rubric, sections, questions, themes) only shape what people type; the services
in ``services.form_builder`` and ``services.setup`` decide what is valid."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models import (
    Call,
    Criterion,
    EligibilityRule,
    Question,
    QuestionKind,
    RuleCheck,
    RuleKind,
    Section,
    StageKind,
    Theme,
)
from seedbed.calls.services.form_builder import FILE_TYPE, MAX_FILE_MB, MAX_WEIGHT, translation_languages
from seedbed.core.models import OrganizationKind
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
    reviewers_per_application = forms.IntegerField(
        label=_("Reviewers per application"),
        min_value=1,
        max_value=20,
        initial=3,
        required=False,
        help_text=_("How many reviewers automatic assignment gives each application."),
    )
    disagreement_spread = forms.DecimalField(
        label=_("Flag disagreement at a spread of"),
        min_value=Decimal("0.1"),
        max_value=Decimal(4),
        decimal_places=1,
        initial=Decimal("1.5"),
        required=False,
        help_text=_("Points between the highest and lowest reviewer's score (1 to 5)."),
    )
    reminder_days = forms.IntegerField(
        label=_("Remind reviewers (days before a stage's due date)"),
        min_value=0,
        max_value=60,
        initial=3,
        required=False,
        help_text=_("0: no reminder."),
    )
    blind_review = forms.BooleanField(
        label=_("Blind review"),
        required=False,
        help_text=_(
            "Reviewers do not see who applied: not the organization, its people, the solution's name "
            "and summary, nor the answers marked as identifying. Fixed once the call opens."
        ),
    )
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
            "reviewers_per_application": call.reviewers_per_application,
            "disagreement_spread": call.disagreement_spread,
            "reminder_days": call.reminder_days,
            "blind_review": call.blind_review,
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


# --- Set-up: eligibility rules, rubric, form and themes -------------------------------------------------


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=RuleKind.choices, widget=forms.RadioSelect)
    organization_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organization that may apply"),
        choices=OrganizationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("For the rule on allowed kinds of organization."),
    )
    text = forms.CharField(
        label=_("The rule in plain words"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("For other rules, e.g. “Works with a ministry of education.”"),
    )
    check_mode = forms.ChoiceField(
        label=_("How it is checked"),
        choices=[("", _("Automatically where Seedbed can, otherwise by the applicant")), *RuleCheck.choices],
        required=False,
        help_text=_(
            "Seedbed checks the programme country and the kind of organization from the directory; "
            "the applicant answers every other rule and a fund manager verifies the answer."
        ),
    )

    @staticmethod
    def initial_for(rule: EligibilityRule) -> dict[str, Any]:
        return {
            "kind": rule.kind,
            "organization_kinds": list(rule.organization_kinds),
            "text": rule.text,
            "check_mode": rule.check_mode,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "organization_kinds": list(data.get("organization_kinds") or []),
            "text": data.get("text") or "",
            "check_mode": data.get("check_mode") or None,
        }


SCORES = range(1, 6)


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=120)
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=MAX_WEIGHT,
        initial=1,
        help_text=_("How much the criterion counts, relative to the others."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for score in SCORES:
            self.fields[f"guidance_{score}"] = forms.CharField(
                label=_("What a score of %(score)s means") % {"score": score},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=1000,
                required=False,
            )

    @staticmethod
    def initial_for(criterion: Criterion) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": criterion.name, "weight": criterion.weight}
        for score, text in enumerate(criterion.guidance or [], start=1):
            initial[f"guidance_{score}"] = text
        return initial

    def guidance_fields(self) -> list[forms.BoundField]:
        return [self[f"guidance_{score}"] for score in SCORES]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        guidance = [data.get(f"guidance_{score}") or "" for score in SCORES]
        return {"name": data["name"], "weight": data["weight"], "guidance": guidance if any(guidance) else []}


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(forms.Form):
    """A question, with a label and help text per translation language (``label_fr``, ``help_text_fr``…)."""

    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.none(), required=False, empty_label=_("No section")
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    label = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(
        label=_("Help text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    hidden_in_blind_review = forms.BooleanField(
        label=_("Hidden in blind review"),
        required=False,
        help_text=_(
            "The answer could identify the applicant (names, links): reviewers of a blind call do not see it."
        ),
    )
    word_limit = forms.IntegerField(
        label=_("Word limit"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Long text only. Leave empty for no limit."),
    )
    choices = forms.CharField(
        label=_("Choices"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("Single and multiple choice only: one choice per line, at least two."),
    )
    allowed_file_types = forms.CharField(
        label=_("Accepted file types"),
        max_length=200,
        required=False,
        help_text=_("File upload only: lower-case extensions separated by commas, e.g. pdf, docx."),
    )
    max_file_mb = forms.IntegerField(
        label=_("Largest file (MB)"),
        min_value=1,
        max_value=MAX_FILE_MB,
        required=False,
        help_text=_("File upload only."),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        section = self.fields["section"]
        assert isinstance(section, forms.ModelChoiceField)
        section.queryset = call.sections.order_by("position")
        self.languages = translation_languages()
        for code, name in self.languages:
            self.fields[f"label_{code}"] = forms.CharField(
                label=_("Question in %(language)s") % {"language": name},
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"lang": code}),
            )
            self.fields[f"help_text_{code}"] = forms.CharField(
                label=_("Help text in %(language)s") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 2, "lang": code}),
                max_length=2000,
                required=False,
            )

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "section": question.section_id,
            "kind": question.kind,
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required,
            "hidden_in_blind_review": question.hidden_in_blind_review,
            "word_limit": question.word_limit,
            "choices": "\n".join(question.choices),
            "allowed_file_types": ", ".join(question.allowed_file_types),
            "max_file_mb": question.max_file_mb,
        }
        for code, texts in (question.translations or {}).items():
            initial[f"label_{code}"] = texts.get("label", "")
            initial[f"help_text_{code}"] = texts.get("help_text", "")
        return initial

    def translation_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(name, self[f"label_{code}"], self[f"help_text_{code}"]) for code, name in self.languages]

    def clean_choices(self) -> list[str]:
        choices = _lines(self.cleaned_data.get("choices") or "")
        if len({choice.casefold() for choice in choices}) != len(choices):
            raise ValidationError(_("Each choice may appear only once."))
        return choices

    def clean_allowed_file_types(self) -> list[str]:
        text = self.cleaned_data.get("allowed_file_types") or ""
        kinds = [kind.strip().lower().lstrip(".") for kind in text.split(",") if kind.strip()]
        if any(not FILE_TYPE.match(kind) for kind in kinds):
            raise ValidationError(_("Give file extensions such as pdf, docx or png, separated by commas."))
        return list(dict.fromkeys(kinds))

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        translations: dict[str, dict[str, str]] = {}
        for code, _name in self.languages:
            texts = {
                "label": data.get(f"label_{code}") or "",
                "help_text": data.get(f"help_text_{code}") or "",
            }
            texts = {key: text.strip() for key, text in texts.items() if text.strip()}
            if texts:
                translations[code] = texts
        return {
            "kind": data["kind"],
            "label": data["label"],
            "help_text": data.get("help_text") or "",
            "required": bool(data.get("required")),
            "hidden_in_blind_review": bool(data.get("hidden_in_blind_review")),
            "word_limit": data.get("word_limit"),
            "choices": data.get("choices") or [],
            "allowed_file_types": data.get("allowed_file_types") or [],
            "max_file_mb": data.get("max_file_mb"),
            "translations": translations,
        }


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Theme"), max_length=80)
