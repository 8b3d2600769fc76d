"""The default milestone plan (the open-source mentorship plan of OSS-MILESTONES.md), the default tranche
schedule and the quarterly report calendar of a 12-month contract.

A **check key** names what a repository scan can establish by itself (the DPG readiness part fills them in
as automatic evidence). Keys are stable: scans, exports and the API refer to them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

# Check keys a repository scan can satisfy, with what they mean.
CHECK_KEYS: dict[str, str] = {
    "oss.license": gettext_noop("An OSI-approved licence in the public repository"),
    "oss.readme": gettext_noop("A README in English with set-up and usage sections"),
    "oss.docs": gettext_noop("Documentation built automatically from the repository"),
    "oss.tests": gettext_noop("Tests in the repository"),
    "oss.code_of_conduct": gettext_noop("A code of conduct"),
    "oss.pull_requests": gettext_noop("Changes merged through pull requests"),
    "oss.contributing": gettext_noop("Contributing guidelines"),
    "oss.public_issues": gettext_noop("Public issues for planned features and known bugs"),
    "oss.ci": gettext_noop("Continuous integration that checks pull requests"),
    "oss.issue_templates": gettext_noop("Issue templates"),
    "oss.good_first_issues": gettext_noop("Issues labelled for newcomers"),
}


@dataclass(frozen=True)
class PlanItem:
    quarter: int
    title: str
    required: bool = False
    check_key: str = ""


# Titles are English source strings marked for translation; they are stored as written so the team and
# the mentor read the same words, and translated on the page when they are unchanged defaults.
OSS_PLAN: tuple[PlanItem, ...] = (
    PlanItem(1, gettext_noop("Apply an OSI-approved licence to a public repository"), False, "oss.license"),
    PlanItem(1, gettext_noop("A README in English in every public repository"), False, "oss.readme"),
    PlanItem(
        1,
        gettext_noop("A public documentation site built automatically from the repository"),
        False,
        "oss.docs",
    ),
    PlanItem(
        1, gettext_noop("A quality-assurance process with unit-test frameworks chosen"), False, "oss.tests"
    ),
    PlanItem(
        1,
        gettext_noop("A code of conduct and a procedure for handling reports"),
        False,
        "oss.code_of_conduct",
    ),
    PlanItem(1, gettext_noop("Changes go through pull requests"), False, "oss.pull_requests"),
    PlanItem(
        2,
        gettext_noop("An OSI-approved licence distributed with every public repository"),
        True,
        "oss.license",
    ),
    PlanItem(2, gettext_noop("Contributing guidelines in every repository"), True, "oss.contributing"),
    PlanItem(
        2, gettext_noop("Public issues for planned features and known bugs"), False, "oss.public_issues"
    ),
    PlanItem(2, gettext_noop("A public project board")),
    PlanItem(2, gettext_noop("Developer or user documentation on the documentation site")),
    PlanItem(2, gettext_noop("Test coverage of 15 per cent where applicable")),
    PlanItem(3, gettext_noop("CI/CD checks on new pull requests, coverage of 40 per cent"), True, "oss.ci"),
    PlanItem(
        3, gettext_noop("Issue templates for the public and the core team"), True, "oss.issue_templates"
    ),
    PlanItem(3, gettext_noop("Good first issues for newcomers"), False, "oss.good_first_issues"),
    PlanItem(3, gettext_noop("A public communication channel for the community")),
    PlanItem(3, gettext_noop("The documentation not done in Q2 (developer or user)")),
    PlanItem(4, gettext_noop("User and developer documentation final"), True),
    PlanItem(4, gettext_noop("Test coverage of 80 per cent where applicable")),
    PlanItem(4, gettext_noop("Growth plan with the mentor; apply for DPG status"), True),
)

DEFAULT_PLAN_TITLES = frozenset(item.title for item in OSS_PLAN)


def plan_title(title: str) -> str:
    """A milestone's title in the reader's language when it is a default one; a manager's own as written.
    (In Python: a template's ``{% translate var %}`` would look up "15 %%" for a title with "15 %".)"""
    return gettext(title) if title in DEFAULT_PLAN_TITLES else title


# The default tranche schedule: share of the amount (per cent) and the last quarter whose required
# milestones must be accepted first (0: paid on signature).
DEFAULT_TRANCHES: tuple[tuple[int, int], ...] = ((40, 0), (30, 2), (30, 4))

REPORT_GRACE_DAYS = 15  # a quarterly report is due this many days after its quarter ends


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_end(start: dt.date, quarter: int) -> dt.date:
    """The last day of the contract's ``quarter`` (1-based), counted from ``start``."""
    return add_months(start, 3 * quarter) - dt.timedelta(days=1)


def split_amount(amount: int, percents: tuple[int, ...]) -> list[int]:
    """Split exactly: every part rounded down, the remainder added to the last part."""
    parts = [amount * percent // 100 for percent in percents]
    parts[-1] += amount - sum(parts)
    return parts
