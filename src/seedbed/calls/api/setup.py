"""The managers' set-up of a call through the API: replace its eligibility rules, rubric or form in one
request. Each list is validated whole (422 with a message per item and field, nothing changed) and is
refused once the call has opened (422). Fund managers and administrators only (403; 401 signed out)."""

# No `from __future__ import annotations` in the API: see the package's docstring.

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Schema

from seedbed.calls import access, services
from seedbed.calls.api.calls import CriterionOut, QuestionOut, RuleOut, SectionOut
from seedbed.calls.api.common import router
from seedbed.core.api import FieldErrors


class RuleIn(Schema):
    kind: str = Field(
        description="programme_country, osi_licence, working_prototype, organization_kinds or custom"
    )
    organization_kinds: list[str] = Field([], description="For organization_kinds: the kinds that may apply")
    text: str = Field("", description="For custom rules: the rule in plain words")
    check_mode: str | None = Field(
        None,
        description="automatic (programme_country and organization_kinds only) or "
        "applicant_answers_manager_verifies; by default automatic where possible",
    )


class RulesIn(Schema):
    rules: list[RuleIn] = Field(description="Every rule of the call, in order")


class CriterionIn(Schema):
    name: str = Field(max_length=120)
    weight: int = Field(description="A whole number from 1 to 100")
    guidance: list[str] = Field([], description="Empty, or what scores 1 to 5 mean (five texts)")


class RubricIn(Schema):
    criteria: list[CriterionIn] = Field(description="Every criterion of the rubric, in order")


class QuestionIn(Schema):
    kind: str = Field(
        description="short_text, long_text, number, single_choice, multiple_choice, url, repository_url, "
        "file or date"
    )
    label: str = Field(max_length=300)
    help_text: str = ""
    required: bool = True
    word_limit: int | None = Field(None, description="Long text only")
    choices: list[str] = Field([], description="Choice questions only: at least two")
    allowed_file_types: list[str] = Field([], description="Files only: extensions such as pdf")
    max_file_mb: int | None = Field(None, description="Files only: from 1 to 100")
    hidden_in_blind_review: bool = False
    translations: dict[str, dict[str, str]] = Field(
        {}, description='{"fr": {"label": "…", "help_text": "…"}, "es": {…}}'
    )


class SectionIn(Schema):
    title: str = Field(max_length=200)
    questions: list[QuestionIn] = []


class FormIn(Schema):
    questions: list[QuestionIn] = Field([], description="The questions without a section, asked first")
    sections: list[SectionIn] = Field([], description="Each section with its questions, in order")


class QuestionSetupOut(QuestionOut):
    hidden_in_blind_review: bool


class FormOut(Schema):
    sections: list[SectionOut]
    questions: list[QuestionSetupOut]


def _errors(error: ValidationError) -> FieldErrors:
    return FieldErrors.from_validation_error(error)


@router.put(
    "/calls/{slug}/rules",
    response=list[RuleOut],
    summary="Replace a call's eligibility rules (managers, before it opens)",
)
def replace_rules(request: HttpRequest, slug: str, payload: RulesIn) -> Any:
    call = access.get_call_for_user(request.user, slug, write=True)
    try:
        return services.rules_replace(
            actor=request.user, call=call, rules=[rule.model_dump() for rule in payload.rules]
        )
    except ValidationError as error:
        raise _errors(error) from None


@router.put(
    "/calls/{slug}/rubric",
    response=list[CriterionOut],
    summary="Replace a call's rubric (managers, before it opens)",
)
def replace_rubric(request: HttpRequest, slug: str, payload: RubricIn) -> Any:
    call = access.get_call_for_user(request.user, slug, write=True)
    try:
        return services.rubric_replace(
            actor=request.user, call=call, criteria=[criterion.model_dump() for criterion in payload.criteria]
        )
    except ValidationError as error:
        raise _errors(error) from None


@router.put(
    "/calls/{slug}/form",
    response=FormOut,
    summary="Replace a call's application form (managers, before it opens)",
)
def replace_form(request: HttpRequest, slug: str, payload: FormIn) -> Any:
    call = access.get_call_for_user(request.user, slug, write=True)
    data = payload.model_dump()
    try:
        sections, questions = services.form_replace(
            actor=request.user, call=call, questions=data["questions"], sections=data["sections"]
        )
    except ValidationError as error:
        raise _errors(error) from None
    return {"sections": sections, "questions": questions}
