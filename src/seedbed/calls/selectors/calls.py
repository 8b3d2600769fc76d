"""Reads of calls: lists and a call's full description, each with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, DateTimeField, F, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language

from seedbed.calls import access
from seedbed.calls.models import Call, EligibilityRule, Question, RuleCheck, Section, Theme


def call_list(*, user: Any, theme: str = "", now: dt.datetime | None = None) -> QuerySet[Call]:
    """Open calls first (soonest deadline first), then drafts (staff only), then closed (latest first)."""
    now = now or timezone.now()
    qs = access.calls_for_user(user, now=now)
    if theme:
        qs = qs.filter(themes__slug=theme)
    return (
        qs.select_related("fund__reporting_asset")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name")))
        .annotate(
            group=Case(
                When(opens_at__lte=now, closes_at__gt=now, then=Value(0)),
                When(opens_at__gt=now, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "group",
            # Open calls and drafts by their deadline, soonest first; closed calls latest first.
            Case(When(group__lt=2, then=F("closes_at")), default=None, output_field=DateTimeField()),
            "-closes_at",
            "title",
        )
    )


def call_with_details(call: Call) -> Call:
    """The call with its themes, rules, stages, rubric, sections and questions loaded (one query each)."""
    return (
        Call.objects.select_related("fund__reporting_asset")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
            "rules",
            "stages",
            "criteria",
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            Prefetch("questions", queryset=Question.objects.order_by("position")),
        )
        .get(pk=call.pk)
    )


def form_outline(call: Call) -> list[tuple[Section | None, list[Question]]]:
    """The form as applicants meet it: questions without a section first, then each section's questions.

    Uses the prefetched ``sections`` and ``questions`` of ``call_with_details``.
    """
    questions = list(call.questions.all())
    outline: list[tuple[Section | None, list[Question]]] = []
    loose = [question for question in questions if question.section_id is None]
    if loose:
        outline.append((None, loose))
    for section in call.sections.all():
        outline.append((section, [question for question in questions if question.section_id == section.pk]))
    return outline


def translated_outline(call: Call) -> list[tuple[Section | None, list[tuple[Question, str, str]]]]:
    """``form_outline`` with each question's label and help text in the reader's language."""
    language = get_language() or "en"
    return [
        (section, [(question, *question.translated(language)) for question in questions])
        for section, questions in form_outline(call)
    ]


def applicant_rules(call: Call) -> list[EligibilityRule]:
    """The rules the applicant answers (a manager verifies them), in order."""
    return list(call.rules.filter(check_mode=RuleCheck.APPLICANT_ANSWERS).order_by("position"))


def themes() -> QuerySet[Theme]:
    return Theme.objects.order_by("name")
