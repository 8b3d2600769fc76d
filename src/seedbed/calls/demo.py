"""Demo data of the calls part: the Venture Fund's 2018 calls for the data science and AI, blockchain and
extended reality cohorts (closed), and one open call closing about six weeks from now with a full form,
rubric and eligibility rules.

Facts from the seed: the 2018 cohorts were on data science and AI, blockchain and XR; the Venture Fund's
tickets are USD 50–100K, only open source, to UNICEF country offices or companies in programme countries.
Dates, wording and questions are invented and every call is marked as sample data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from seedbed.calls import services
from seedbed.calls.demo_applications import load_applications
from seedbed.calls.models import Call, QuestionKind, RuleKind, Theme
from seedbed.core.jobs import Progress
from seedbed.funds.models import Fund

USD_CENTS = 100
VENTURE_FUND = "venture-fund"  # the slug seedbed.funds.demo gives the Venture Fund
OPEN_CALL = "open-source-solutions-for-children-sample"

COHORTS_2018 = [
    (
        "Data science and AI cohort 2018",
        "data-science-and-ai-2018",
        "data-science-and-ai",
        dt.datetime(2018, 3, 1, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2018, 4, 15, 21, 59, 59, tzinfo=dt.UTC),
        "The Venture Fund invests in open-source data science and artificial intelligence solutions "
        "that improve children's lives. (Sample: the dates and wording of this call are invented.)",
    ),
    (
        "Blockchain cohort 2018",
        "blockchain-2018",
        "blockchain",
        dt.datetime(2018, 4, 1, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2018, 5, 15, 21, 59, 59, tzinfo=dt.UTC),
        "Open-source blockchain solutions with a clear use for children and young people. "
        "(Sample: the dates and wording of this call are invented.)",
    ),
    (
        "Extended reality cohort 2018",
        "extended-reality-2018",
        "extended-reality",
        dt.datetime(2018, 9, 3, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2018, 10, 15, 21, 59, 59, tzinfo=dt.UTC),
        "Open-source virtual, augmented and mixed reality for learning and well-being. "
        "(Sample: the dates and wording of this call are invented.)",
    ),
]

OPEN_CALL_FORM: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "Your solution",
        [
            {
                "kind": QuestionKind.LONG_TEXT,
                "label": "What problem for children does it solve, and how?",
                "help_text": "Who is affected, how many, and what changes for them.",
                "word_limit": 300,
                "translations": {
                    "fr": {"label": "Quel problème des enfants résout-elle, et comment ?"},
                    "es": {"label": "¿Qué problema de la infancia resuelve y cómo?"},
                },
            },
            {
                "kind": QuestionKind.SINGLE_CHOICE,
                "label": "Stage of development",
                "choices": ["Idea", "Working prototype", "Pilot with users", "Deployed at scale"],
            },
            {
                "kind": QuestionKind.MULTIPLE_CHOICE,
                "label": "Technologies used",
                "choices": [
                    "Machine learning",
                    "Blockchain",
                    "Extended reality",
                    "Drones",
                    "Mobile",
                    "Other",
                ],
                "required": False,
            },
        ],
    ),
    (
        "Open source",
        [
            {
                "kind": QuestionKind.REPOSITORY_URL,
                "label": "Public source code repository",
                "help_text": "A GitHub, GitLab or similar address.",
                "hidden_in_blind_review": True,
            },
            {
                "kind": QuestionKind.SHORT_TEXT,
                "label": "Licence (OSI-approved)",
                "help_text": "For example Apache-2.0, MIT, GPL-3.0.",
            },
            {
                "kind": QuestionKind.URL,
                "label": "Project website",
                "required": False,
                "hidden_in_blind_review": True,
            },
        ],
    ),
    (
        "Team and plan",
        [
            {"kind": QuestionKind.NUMBER, "label": "Number of people in the team"},
            {"kind": QuestionKind.DATE, "label": "When could the work start?"},
            {
                "kind": QuestionKind.LONG_TEXT,
                "label": "What would you do with the investment in 12 months?",
                "word_limit": 400,
            },
            {
                "kind": QuestionKind.FILE,
                "label": "Budget",
                "help_text": "Use the fund's template if you can.",
                "allowed_file_types": ["pdf", "xlsx", "ods"],
                "max_file_mb": 10,
            },
        ],
    ),
]


def _themes(*slugs: str) -> list[Theme]:
    return list(Theme.objects.filter(slug__in=slugs))


def _build(
    *,
    fund: Fund,
    title: str,
    slug: str,
    description: str,
    themes: list[Theme],
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    time_zone: str,
    form: list[tuple[str, list[dict[str, Any]]]],
) -> Call:
    """Build the call while it is a draft (rules and form are fixed once a call opens), then set its dates."""
    now = timezone.now()
    call = services.call_create(
        actor=None,
        fund=fund,
        data={
            "slug": slug,
            "title": title,
            "description": description,
            "themes": themes,
            "opens_at": now + dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=2),
            "time_zone": time_zone,
            "ticket_min": 50_000 * USD_CENTS,
            "ticket_max": 100_000 * USD_CENTS,
        },
        default_rubric=True,
        is_sample=True,
    )
    services.eligibility_rule_create(actor=None, call=call, kind=RuleKind.PROGRAMME_COUNTRY)
    services.eligibility_rule_create(
        actor=None,
        call=call,
        kind=RuleKind.ORGANIZATION_KINDS,
        organization_kinds=["startup", "country_office"],
    )
    services.eligibility_rule_create(actor=None, call=call, kind=RuleKind.OSI_LICENCE)
    services.eligibility_rule_create(actor=None, call=call, kind=RuleKind.WORKING_PROTOTYPE)
    for section_title, questions in form:
        section = services.section_create(actor=None, call=call, title=section_title)
        for question in questions:
            services.question_create(actor=None, call=call, section=section, data=question)
    return services.call_update(actor=None, call=call, data={"opens_at": opens_at, "closes_at": closes_at})


@transaction.atomic
def load(*, progress: Progress) -> list[tuple[str, str, str]]:
    progress.start(len(COHORTS_2018) + 1, "Calls")
    fund = Fund.objects.filter(slug=VENTURE_FUND).first()
    if fund is None or Call.objects.filter(slug=OPEN_CALL).exists():
        progress.advance(len(COHORTS_2018) + 1)
        return []
    basic_form = OPEN_CALL_FORM[:2]
    cohorts = []
    for title, slug, theme, opens_at, closes_at, description in COHORTS_2018:
        cohort = _build(
            fund=fund,
            title=title,
            slug=slug,
            description=description,
            themes=_themes(theme),
            opens_at=opens_at,
            closes_at=closes_at,
            time_zone="America/New_York",
            form=basic_form,
        )
        cohorts.append(cohort)
        progress.advance()
    now = timezone.now().replace(microsecond=0)
    open_call = _build(
        fund=fund,
        title="Open-source solutions for children (sample call)",
        slug=OPEN_CALL,
        description="A sample open call of the demo: the Venture Fund looks for open-source solutions in "
        "data "
        "science and AI, blockchain and extended reality that can improve the lives of children. "
        "Equity-free investments of USD 50–100K.",
        themes=_themes("data-science-and-ai", "blockchain", "extended-reality"),
        opens_at=now - dt.timedelta(days=14),
        closes_at=(now + dt.timedelta(weeks=6))
        .astimezone(ZoneInfo("America/New_York"))
        .replace(hour=23, minute=59, second=59),
        time_zone="America/New_York",
        form=OPEN_CALL_FORM,
    )
    progress.advance()
    load_applications(open_call=open_call, cohorts=cohorts)
    return []
