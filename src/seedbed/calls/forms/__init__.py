"""The calls app's forms, one module per area: the call and its set-up (``setup``), the applicant portal
and the managers' application pages (``applications``), reviews (``reviews``) and the committee
(``committee``). The set-up forms are re-exported here."""

from seedbed.calls.forms.setup import (
    CallForm,
    CriterionForm,
    MoveForm,
    QuestionForm,
    QuestionsCopyForm,
    RuleForm,
    SectionForm,
    StageFormSet,
    ThemeFilterForm,
    ThemeForm,
    WallClockField,
)

__all__ = [
    "CallForm",
    "CriterionForm",
    "MoveForm",
    "QuestionForm",
    "QuestionsCopyForm",
    "RuleForm",
    "SectionForm",
    "StageFormSet",
    "ThemeFilterForm",
    "ThemeForm",
    "WallClockField",
]
