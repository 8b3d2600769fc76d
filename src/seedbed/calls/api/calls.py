"""JSON API for calls: the public list of calls that have opened, and one call with its rules, stages,
form and rubric. Drafts (not yet open) are seen by the fund's staff only, as on the pages."""

# No `from __future__ import annotations` here: django-ninja cannot resolve deferred `Query[...]`
# annotations on @paginate-wrapped views (vitalik/django-ninja#1717).

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from seedbed.calls import access, selectors
from seedbed.calls.api.common import PUBLIC, router
from seedbed.calls.models import Call, Criterion, EligibilityRule, Question
from seedbed.core.api import Pages
from seedbed.funds.money import format_amount


class CallOut(Schema):
    slug: str
    title: str
    fund: str = Field(description="The fund's short name")
    fund_name: str
    status: str = Field(description="draft (not yet open; staff only), open or closed")
    opens_at: dt.datetime
    closes_at: dt.datetime = Field(description="The deadline, in UTC; a submission at this second is late")
    time_zone: str = Field(description="IANA time zone in which the call announces its times")
    themes: list[str]
    currency: str
    ticket_min: str = Field(description="Exact amount in base units, as a string")
    ticket_max: str = Field(description="Exact amount in base units, as a string")
    ticket_range_display: str
    is_sample: bool
    url: str

    @staticmethod
    def resolve_fund(obj: Call) -> str:
        return obj.fund.slug

    @staticmethod
    def resolve_fund_name(obj: Call) -> str:
        return obj.fund.name

    @staticmethod
    def resolve_themes(obj: Call) -> list[str]:
        return [theme.name for theme in obj.themes.all()]

    @staticmethod
    def resolve_currency(obj: Call) -> str:
        return obj.fund.reporting_asset.code

    @staticmethod
    def resolve_ticket_min(obj: Call) -> str:
        return str(obj.ticket_min)

    @staticmethod
    def resolve_ticket_max(obj: Call) -> str:
        return str(obj.ticket_max)

    @staticmethod
    def resolve_ticket_range_display(obj: Call) -> str:
        asset = obj.fund.reporting_asset
        return f"{format_amount(obj.ticket_min, asset)} – {format_amount(obj.ticket_max, asset)}"

    @staticmethod
    def resolve_url(obj: Call) -> str:
        return obj.get_absolute_url()


class RuleOut(Schema):
    kind: str
    description: str
    organization_kinds: list[str]
    check_mode: str = Field(description="automatic or applicant_answers_manager_verifies")

    @staticmethod
    def resolve_description(obj: EligibilityRule) -> str:
        return obj.describe()


class StageOut(Schema):
    position: int
    name: str
    kind: str


class CriterionOut(Schema):
    position: int
    name: str
    weight: int
    guidance: list[str] = Field(description="What scores 1 to 5 mean")


class QuestionOut(Schema):
    position: int
    section: str | None
    kind: str
    label: str
    help_text: str
    required: bool
    word_limit: int | None
    choices: list[str]
    allowed_file_types: list[str]
    max_file_mb: int | None
    translations: dict[str, dict[str, str]]

    @staticmethod
    def resolve_section(obj: Question) -> str | None:
        return obj.section.title if obj.section_id and obj.section else None


class SectionOut(Schema):
    position: int
    title: str


class CallDetailOut(CallOut):
    description: str
    rules: list[RuleOut]
    stages: list[StageOut]
    sections: list[SectionOut]
    questions: list[QuestionOut]
    rubric: list[CriterionOut]

    @staticmethod
    def resolve_rules(obj: Call) -> list[EligibilityRule]:
        return list(obj.rules.all())

    @staticmethod
    def resolve_stages(obj: Call) -> list[Any]:
        return list(obj.stages.all())

    @staticmethod
    def resolve_sections(obj: Call) -> list[Any]:
        return list(obj.sections.all())

    @staticmethod
    def resolve_questions(obj: Call) -> list[Question]:
        sections = {section.pk: section for section in obj.sections.all()}
        questions = list(obj.questions.all())
        for question in questions:  # use the prefetched sections rather than one query per question
            if question.section_id:
                question.section = sections.get(question.section_id)
        return questions

    @staticmethod
    def resolve_rubric(obj: Call) -> list[Criterion]:
        return list(obj.criteria.all())


class CallFilterIn(Schema):
    theme: str = Field("", description="A theme's short name, e.g. blockchain")


@router.get("/calls", response=list[CallOut], summary="List calls (public)", auth=PUBLIC)
@paginate(Pages, page_size=50)
def list_calls(request: HttpRequest, filters: Query[CallFilterIn]) -> Any:
    return selectors.call_list(user=request.user, theme=filters.theme)


@router.get("/calls/{slug}", response=CallDetailOut, summary="One call (public)", auth=PUBLIC)
def get_call(request: HttpRequest, slug: str) -> Any:
    return selectors.call_with_details(access.get_call_for_user(request.user, slug))
