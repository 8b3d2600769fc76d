"""Forms of the applicant portal and of the managers' application pages.

``AnswerForm`` is built from a call's questions. Every field is optional for the form itself, because a
draft may be incomplete; required questions are marked (``show_required``) and the submission service
says what is missing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models import (
    Application,
    CheckResult,
    EligibilityRule,
    Question,
    QuestionKind,
    Stage,
)
from seedbed.core.models import Organization

PLACEHOLDER_HELP = _(
    "You can write $reference, $title, $organization, $call and $stage: each applicant reads their own."
)
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class StartForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Apply on behalf of"), queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Name of the solution"), max_length=200)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations


def _question_field(question: Question, label: str, help_text: str) -> forms.Field:
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    kind = question.kind
    field: forms.Field
    if kind == QuestionKind.SHORT_TEXT:
        field = forms.CharField(max_length=500, **common)
    elif kind == QuestionKind.LONG_TEXT:
        if question.word_limit:
            limit = _("At most %(count)s words.") % {"count": question.word_limit}
            common["help_text"] = f"{help_text} {limit}".strip()
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000, **common)
    elif kind == QuestionKind.NUMBER:
        field = forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=40, **common
        )
    elif kind == QuestionKind.SINGLE_CHOICE:
        field = forms.ChoiceField(
            choices=[(choice, choice) for choice in question.choices], widget=forms.RadioSelect, **common
        )
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        field = forms.MultipleChoiceField(
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    elif kind in {QuestionKind.URL, QuestionKind.REPOSITORY_URL}:
        # A text input, not URLField: a draft keeps what was typed, the service says what is wrong.
        field = forms.CharField(
            widget=forms.URLInput(attrs={"placeholder": "https://"}), max_length=500, **common
        )
    elif kind == QuestionKind.DATE:
        field = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), max_length=10, **common)
    else:
        raise ValueError(kind)
    setattr(field, "show_required", question.required)  # noqa: B010 (read by components/field.html)
    return field


class AnswerForm(forms.Form):
    """The draft: name, summary, the call's questions (but files) and the rules the applicant answers."""

    title = forms.CharField(label=_("Name of the solution"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Two or three sentences: what it does, for whom."),
    )

    def __init__(
        self,
        *args: Any,
        application: Application,
        questions: list[tuple[Question, str, str]],
        rules: list[EligibilityRule],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", self.initial_for(application, rules))
        super().__init__(*args, **kwargs)
        setattr(self.fields["title"], "show_required", True)  # noqa: B010
        self.question_names: dict[int, str] = {}
        for question, label, help_text in questions:
            if question.kind == QuestionKind.FILE:
                continue
            name = f"q{question.pk}"
            self.fields[name] = _question_field(question, label, help_text)
            self.question_names[question.pk] = name
        self.rule_names: dict[int, tuple[str, str]] = {}
        for rule in rules:
            meets, note = f"rule{rule.pk}", f"rule{rule.pk}_note"
            self.fields[meets] = forms.ChoiceField(
                label=rule.describe(), choices=YES_NO, widget=forms.RadioSelect, required=False
            )
            setattr(self.fields[meets], "show_required", True)  # noqa: B010 (read by components/field.html)
            self.fields[note] = forms.CharField(
                label=_("How (optional)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                required=False,
                help_text=_("A link or a sentence that helps the fund verify it."),
            )
            self.rule_names[rule.pk] = (meets, note)

    @staticmethod
    def initial_for(application: Application, rules: list[EligibilityRule]) -> dict[str, Any]:
        initial: dict[str, Any] = {"title": application.title, "summary": application.summary}
        for key, value in application.answers.items():
            initial[f"q{key}"] = value
        for rule in rules:
            answer = application.rule_answers.get(str(rule.pk)) or {}
            if answer.get("meets") is not None:
                initial[f"rule{rule.pk}"] = "yes" if answer["meets"] else "no"
            initial[f"rule{rule.pk}_note"] = answer.get("note", "")
        return initial

    def service_data(self) -> dict[str, Any]:
        """What ``application_save`` takes, from the cleaned data (every field: the page sends them all)."""
        data = self.cleaned_data
        meets = {"yes": True, "no": False}
        return {
            "title": data.get("title", ""),
            "summary": data.get("summary", ""),
            "answers": {str(pk): data.get(name) for pk, name in self.question_names.items()},
            "rule_answers": {
                str(pk): {"meets": meets.get(data.get(meets_name) or ""), "note": data.get(note_name, "")}
                for pk, (meets_name, note_name) in self.rule_names.items()
            },
        }

    def problems_to_errors(self, problems: dict[str, str]) -> None:
        for key, message in problems.items():
            if key in self.fields:
                self.add_error(key, message)
            else:
                self.add_error(None, message)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CheckResult.PASSED.value, CheckResult.PASSED.label),
            (CheckResult.FAILED.value, CheckResult.FAILED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        help_text=PLACEHOLDER_HELP,
    )


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Move to stage"), queryset=Stage.objects.none())
    subject = forms.CharField(label=_("Subject of the message (optional)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message to the applicants (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        required=False,
        help_text=PLACEHOLDER_HELP,
    )
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(), widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args: Any, call: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ModelChoiceField)
        stage.queryset = call.stages.order_by("position")
        chosen = self.fields["applications"]
        assert isinstance(chosen, forms.ModelMultipleChoiceField)
        chosen.queryset = applications


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    eligibility = forms.ChoiceField(label=_("Eligibility"), required=False)

    def __init__(self, *args: Any, call: Any, **kwargs: Any) -> None:
        from seedbed.calls.models import ApplicationStatus, Eligibility

        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ModelChoiceField)
        stage.queryset = call.stages.order_by("position")
        stage.empty_label = _("Any")
        status = self.fields["status"]
        eligibility = self.fields["eligibility"]
        assert isinstance(status, forms.ChoiceField) and isinstance(eligibility, forms.ChoiceField)
        status.choices = [("", _("Submitted or withdrawn"))] + [
            (value, label) for value, label in ApplicationStatus.choices if value != ApplicationStatus.DRAFT
        ]
        eligibility.choices = [("", _("Any"))] + [
            (value or "none", label) for value, label in Eligibility.choices
        ]
