"""Forms of the review pages: the score sheet built from a call's rubric, the conflict declaration, the
reviewer's list filters, and the managers' assignment and ranking forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models import Application, Call, Criterion, Eligibility
from seedbed.core.models import User

SCORES = range(1, 6)


class ReviewForm(forms.Form):
    """One radio group (1 to 5, each with the rubric's guidance) and one comment per criterion, and an
    overall comment. Scores are optional here: a draft may be incomplete; the service checks a
    submission."""

    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        comment = self.fields.pop("comment")
        for criterion in criteria:
            guidance = list(criterion.guidance or [])
            choices = [
                (
                    str(score),
                    f"{score} — {guidance[score - 1]}"
                    if score <= len(guidance) and guidance[score - 1]
                    else str(score),
                )
                for score in SCORES
            ]
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=_("Weight %(weight)s") % {"weight": criterion.weight},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = comment

    def rubric(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            criterion.pk: (data.get(f"score_{criterion.pk}"), data.get(f"comment_{criterion.pk}") or "")
            for criterion in self.criteria
        }

    @staticmethod
    def field_name(service_key: str) -> str | None:
        """The form field of a service's error key (``scores.12`` → ``score_12``)."""
        if service_key.startswith("scores."):
            return f"score_{service_key.split('.', 1)[1]}"
        if service_key == "comment":
            return "comment"
        return None


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("What ties you to the applicant?"),
        help_text=_(
            "You will no longer see this application, and another reviewer will be assigned. "
            "Fund managers read this note."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewFilterForm(forms.Form):
    call = forms.ChoiceField(label=_("Call"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("To do")),
            ("assigned", _("Not started")),
            ("draft", _("In progress")),
            ("submitted", _("Submitted")),
        ],
    )

    def __init__(self, *args: Any, calls: QuerySet[Call], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["call"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All calls")), *calls.values_list("slug", "title")]


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s (%(live)s in this call)") % {"name": obj, "live": obj.live}


class AssignForm(forms.Form):
    # Chosen with the checkboxes of the applications table (one page at a time), not from a list of
    # every application of the call.
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        error_messages={"required": _("Tick the applications to assign.")},
    )
    reviewers = ReviewerChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        help_text=_("Hold Ctrl or ⌘ to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(
        self, *args: Any, applications: QuerySet[Application], reviewers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        applications_field = self.fields["applications"]
        assert isinstance(applications_field, forms.ModelMultipleChoiceField)
        applications_field.queryset = applications
        reviewers_field = self.fields["reviewers"]
        assert isinstance(reviewers_field, forms.ModelMultipleChoiceField)
        reviewers_field.queryset = reviewers
        # As tall as the list, up to ten rows: with two reviewers the Assign button stays close.
        reviewers_field.widget.attrs["size"] = min(10, max(2, reviewers.count()))


def stage_choices(call: Call, empty: str) -> list[tuple[str, str]]:
    return [
        ("", empty),
        *(
            (str(position), name)
            for position, name in call.stages.order_by("position").values_list("position", "name")
        ),
    ]


class AssignmentFilterForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), required=False, coerce=int, empty_value=None)
    short = forms.BooleanField(label=_("Only those short of reviewers"), required=False)

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = stage_choices(call, str(_("All stages")))


class AutoAssignForm(forms.Form):
    stage = forms.TypedChoiceField(
        label=_("Applications in stage"), required=False, coerce=int, empty_value=None
    )
    per_application = forms.IntegerField(
        label=_("Reviewers per application"), min_value=1, max_value=50, required=False
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"per_application": call.reviewers_per_application})
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = stage_choices(call, str(_("All stages")))


class RankingFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    eligibility = forms.ChoiceField(
        label=_("Eligibility"),
        required=False,
        choices=[
            ("", _("Any")),
            (Eligibility.ELIGIBLE, Eligibility.ELIGIBLE.label),
            (Eligibility.TO_VERIFY, Eligibility.TO_VERIFY.label),
            (Eligibility.INELIGIBLE, Eligibility.INELIGIBLE.label),
            ("none", Eligibility.NOT_SCREENED.label),
        ],
    )
    min_reviews = forms.IntegerField(
        label=_("At least this many reviews"), min_value=0, max_value=100, required=False
    )
    disagreement = forms.BooleanField(label=_("Only where reviewers disagree"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-mean", _("Mean score, highest first")),
            ("mean", _("Mean score, lowest first")),
            ("-spread", _("Spread, widest first")),
            ("-reviews", _("Most reviews first")),
            ("number", _("Reference")),
        ],
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = stage_choices(call, str(_("All stages")))
