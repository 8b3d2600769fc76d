"""Readiness across the portfolio: for each solution, every scanner check's combined result over the
latest finished scans of its repositories (the best result, or for the licence checks the worst), the
filters and sorts of the readiness matrix, and the pass counts per check. Shared by the matrix page, its
export and the API. A page of rows takes a fixed number of queries whatever the number of solutions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from seedbed.core.selectors import query_int
from seedbed.dpg import access
from seedbed.dpg.licences.verdicts import INDICATORS as LICENCE_INDICATORS
from seedbed.dpg.models import DpgStatus, DpgStatusValue, Repository, ScanCheck
from seedbed.dpg.scanner.checks import INDICATORS, community, data, docs, engineering, history, readme
from seedbed.portfolio.models import Investment, InvestmentStatus, Solution

# --- the columns: every check a scan produces (scanner/run.py), grouped as the scanner's modules are --


@dataclasses.dataclass(frozen=True)
class CheckColumn:
    key: str
    title: str
    short: str
    group: str
    indicators: tuple[str, ...]
    first: bool = False  # the first column of its group


GROUPS: tuple[tuple[str, Promise], ...] = (
    ("licence", pgettext_lazy("check group", "Licence")),
    ("docs", pgettext_lazy("check group", "Documentation")),
    ("community", pgettext_lazy("check group", "Community")),
    ("engineering", pgettext_lazy("check group", "Engineering")),
    ("data", pgettext_lazy("check group", "Data")),
    ("history", pgettext_lazy("check group", "Activity")),
)

# The licence checks' titles as ``licences/verdicts.py`` and ``licences/checks.py`` write them.
_LICENCE_CHECKS: tuple[tuple[str, Promise], ...] = (
    ("licence.file", gettext_lazy("Licence file present")),
    ("licence.identified", gettext_lazy("Licence identified")),
    ("licence.classification", gettext_lazy("Licence classification")),
    ("licence.restrictions", gettext_lazy("No added restrictions")),
)

# Column headers: a few words each (the full title is in the header's tooltip and in the legend).
SHORT: dict[str, Promise] = {
    "licence.file": pgettext_lazy("readiness column", "Licence file"),
    "licence.identified": pgettext_lazy("readiness column", "Identified"),
    "licence.classification": pgettext_lazy("readiness column", "DPGA-accepted"),
    "licence.restrictions": pgettext_lazy("readiness column", "No restrictions"),
    "readme.present": pgettext_lazy("readiness column", "README"),
    "readme.english": pgettext_lazy("readiness column", "In English"),
    "readme.sections": pgettext_lazy("readiness column", "Set-up, usage"),
    "docs.present": pgettext_lazy("readiness column", "Docs"),
    "code_of_conduct": pgettext_lazy("readiness column", "Conduct"),
    "contributing": pgettext_lazy("readiness column", "Contributing"),
    "security_policy": pgettext_lazy("readiness column", "Security"),
    "governance": pgettext_lazy("readiness column", "Governance"),
    "issue_templates": pgettext_lazy("readiness column", "Issue forms"),
    "pr_templates": pgettext_lazy("readiness column", "PR forms"),
    "ci": pgettext_lazy("readiness column", "CI"),
    "tests": pgettext_lazy("readiness column", "Tests"),
    "containers": pgettext_lazy("readiness column", "Deployment"),
    "api_description": pgettext_lazy("readiness column", "API"),
    "data_export": pgettext_lazy("readiness column", "Data export"),
    "activity": pgettext_lazy("readiness column", "Active"),
    "pull_requests": pgettext_lazy("readiness column", "Pull requests"),
}


def check_columns() -> list[CheckColumn]:
    """Every check, in the order a scan produces them, with its titles in the active language."""
    columns = [
        CheckColumn(key, str(title), str(SHORT.get(key, title)), "licence", LICENCE_INDICATORS)
        for key, title in _LICENCE_CHECKS
    ]
    modules = (
        ("docs", readme),
        ("docs", docs),
        ("community", community),
        ("engineering", engineering),
        ("data", data),
        ("history", history),
    )
    for group, module in modules:
        for definition in module.CHECKS:
            title = _(definition.title)
            columns.append(
                CheckColumn(
                    definition.key,
                    title,
                    str(SHORT.get(definition.key, title)),
                    group,
                    INDICATORS.get(definition.key, ()),
                )
            )
    return [
        dataclasses.replace(column, first=index == 0 or columns[index - 1].group != column.group)
        for index, column in enumerate(columns)
    ]


# --- statuses -------------------------------------------------------------------------------------------

PASS, WARNING, FAIL, NOT_APPLICABLE, NOT_SCANNED = "pass", "warning", "fail", "n/a", ""
# Checks every repository must pass (a solution is licensed only if all its repositories are): their
# worst result counts; for the others, the best.
EVERY_REPOSITORY = frozenset(
    {"licence.file", "licence.identified", "licence.classification", "licence.restrictions"}
)
RANK = {PASS: 0, WARNING: 1, FAIL: 2, NOT_APPLICABLE: 3}  # lower is better
SEVERITY = {PASS: 0, NOT_APPLICABLE: 1, WARNING: 2, FAIL: 3}  # higher is worse (licence checks)


@dataclasses.dataclass(frozen=True)
class StatusStyle:
    word: Promise
    symbol: str
    badge: str


STYLES: dict[str, StatusStyle] = {
    PASS: StatusStyle(gettext_lazy("pass"), "✓", "text-bg-success"),
    WARNING: StatusStyle(gettext_lazy("warning"), "!", "text-bg-warning"),
    FAIL: StatusStyle(gettext_lazy("fail"), "✗", "text-bg-danger"),
    NOT_APPLICABLE: StatusStyle(gettext_lazy("not applicable"), "–", "text-bg-light border"),
    NOT_SCANNED: StatusStyle(gettext_lazy("not scanned"), "·", ""),
}


@dataclasses.dataclass
class Cell:
    check: CheckColumn
    status: str = NOT_SCANNED
    repository: Repository | None = None
    several: bool = False  # the solution has more than one repository: the title names the one used

    @property
    def style(self) -> StatusStyle:
        return STYLES.get(self.status, STYLES[NOT_SCANNED])

    @property
    def word(self) -> str:
        return str(self.style.word)

    @property
    def title(self) -> str:
        text = f"{self.check.title}: {self.word}"
        if self.repository is not None and self.several:
            text += " — " + _("repository %(name)s (%(url)s)") % {
                "name": self.repository.name,
                "url": self.repository.url,
            }
        return text


@dataclasses.dataclass
class Row:
    solution: Solution
    cells: list[Cell]
    scanned: bool
    last_scanned: dt.datetime | None
    dpg_value: str
    dpg_label: str
    repositories: int

    @property
    def passed(self) -> int:
        return sum(1 for cell in self.cells if cell.status == PASS)

    @property
    def applicable(self) -> int:
        return sum(1 for cell in self.cells if cell.status in (PASS, WARNING, FAIL))


def _dpg(solution: Solution, today: dt.date) -> tuple[str, str]:
    """The solution's DPG status (value, label); a DPG past its expiry date counts as expired."""
    try:
        status: DpgStatus | None = solution.dpg_status
    except DpgStatus.DoesNotExist:
        status = None
    value = status.status if status is not None else DpgStatusValue.NONE
    if status is not None and value == DpgStatusValue.DPG and status.expired(today):
        value = DpgStatusValue.EXPIRED
    return str(value), str(DpgStatusValue(value).label)


def build_row(solution: Solution, columns: Sequence[CheckColumn], today: dt.date) -> Row:
    """A solution's row from its prefetched repositories, their last scans and those scans' checks."""
    repositories = list(solution.repositories.all())
    scans = [(r, r.last_scan) for r in repositories if r.last_scan is not None]
    best: dict[str, tuple[str, Repository | None]] = {}
    for repository, scan in scans:
        for check in scan.checks.all():
            if check.status not in RANK:
                continue
            current = best.get(check.key)
            # Every repository must be licensed (as in the assessment): the worst licence result counts;
            # for the other checks the best result among the repositories does.
            worse = current is not None and SEVERITY[check.status] > SEVERITY[current[0]]
            better = current is not None and RANK[check.status] < RANK[current[0]]
            if current is None or (worse if check.key in EVERY_REPOSITORY else better):
                best[check.key] = (check.status, repository)
    several = len(repositories) > 1
    cells = []
    for column in columns:
        status, source = best.get(column.key, (NOT_SCANNED, None))
        cells.append(Cell(column, status, source, several))
    finished = [scan.finished_at or scan.requested_at for _repository, scan in scans]
    dpg_value, dpg_label = _dpg(solution, today)
    return Row(
        solution=solution,
        cells=cells,
        scanned=bool(scans),
        last_scanned=max(finished) if finished else None,
        dpg_value=dpg_value,
        dpg_label=dpg_label,
        repositories=len(repositories),
    )


# --- filters ---------------------------------------------------------------------------------------------

SCANNED_CHOICES = (
    ("yes", pgettext_lazy("readiness filter", "Scanned")),
    ("no", pgettext_lazy("readiness filter", "Not scanned")),
)
SORTS: dict[str, Promise] = {
    "name": pgettext_lazy("readiness sort", "Name"),
    "most": pgettext_lazy("readiness sort", "Most passed"),
    "fewest": pgettext_lazy("readiness sort", "Fewest passed"),
    "oldest": pgettext_lazy("readiness sort", "Oldest scan"),
}


@dataclasses.dataclass(frozen=True)
class MatrixFilters:
    q: str = ""
    fund: str = ""
    cohort: int | None = None
    status: str = ""
    dpg: str = ""
    failing: str = ""
    scanned: str = ""
    sort: str = "name"

    @classmethod
    def from_query(cls, data: Mapping[str, Any], keys: Sequence[str]) -> MatrixFilters:
        """The filters of a query string; an unknown value is ignored (the list is simply not narrowed)."""

        def choice(name: str, allowed: Sequence[str], default: str = "") -> str:
            value = str(data.get(name) or "")
            return value if value in allowed else default

        return cls(
            q=str(data.get("q") or "").strip()[:100],
            fund=str(data.get("fund") or "")[:100],
            cohort=query_int(data.get("cohort")),
            status=choice("status", InvestmentStatus.values),
            dpg=choice("dpg", DpgStatusValue.values),
            failing=choice("failing", keys),
            scanned=choice("scanned", [value for value, _label in SCANNED_CHOICES]),
            sort=choice("sort", list(SORTS), "name"),
        )

    @property
    def active(self) -> bool:
        return any((self.q, self.fund, self.cohort, self.status, self.dpg, self.failing, self.scanned))


def _last_scan_checks(solutions: QuerySet[Solution, Any] | None = None) -> QuerySet[ScanCheck]:
    """The checks of the repositories' latest finished scans (of ``solutions``' repositories)."""
    # A join on the scan's repository whose last scan it is: about a third faster on SQLite at 10,000
    # solutions than ``scan__in=<the repositories' last scans>`` (bench/readiness.py).
    checks = ScanCheck.objects.filter(scan__repository__last_scan=F("scan"))
    if solutions is not None:
        checks = checks.filter(scan__repository__solution__in=solutions)
    return checks


def matrix_solutions(user: Any, filters: MatrixFilters, today: dt.date | None = None) -> QuerySet[Solution]:
    """The solutions ``user`` may see, filtered, not sorted; one row each (subqueries, not joins)."""
    today = today or timezone.localdate()
    qs = access.solutions_for_user(user).select_related("organization", "dpg_status")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(organization__name__icontains=filters.q))
    if filters.fund or filters.cohort or filters.status:
        investments = Investment.objects.all()
        if filters.fund:
            investments = investments.filter(fund__slug=filters.fund)
        if filters.cohort:
            investments = investments.filter(cohort_id=filters.cohort)
        if filters.status:
            investments = investments.filter(status=filters.status)
        qs = qs.filter(pk__in=investments.values("solutions"))
    if filters.dpg:
        lapsed = Q(status=DpgStatusValue.DPG, expires_on__lte=today)
        if filters.dpg == DpgStatusValue.NONE:
            qs = qs.exclude(pk__in=DpgStatus.objects.exclude(status=DpgStatusValue.NONE).values("solution"))
        elif filters.dpg == DpgStatusValue.EXPIRED:
            expired = DpgStatus.objects.filter(Q(status=DpgStatusValue.EXPIRED) | lapsed)
            qs = qs.filter(pk__in=expired.values("solution"))
        elif filters.dpg == DpgStatusValue.DPG:
            current = DpgStatus.objects.filter(status=DpgStatusValue.DPG).exclude(lapsed)
            qs = qs.filter(pk__in=current.values("solution"))
        else:
            qs = qs.filter(pk__in=DpgStatus.objects.filter(status=filters.dpg).values("solution"))
    scanned = Repository.objects.filter(last_scan__isnull=False).values("solution")
    if filters.scanned == "yes":
        qs = qs.filter(pk__in=scanned)
    elif filters.scanned == "no":
        qs = qs.exclude(pk__in=scanned)
    if filters.failing:
        checks = _last_scan_checks().filter(key=filters.failing)
        passing = Q(pk__in=checks.filter(status=PASS).values("scan__repository__solution"))
        if filters.failing in EVERY_REPOSITORY:  # one repository that does not pass is enough
            not_passing = Q(pk__in=checks.exclude(status=PASS).values("scan__repository__solution"))
            qs = qs.filter(~passing | not_passing)
        else:
            qs = qs.exclude(passing)
    return qs


def sort_solutions(qs: QuerySet[Solution], sort: str, keys: Sequence[str]) -> QuerySet[Solution]:
    """By name, scanned solutions first; by the number of checks passed, scanned solutions first (a check
    counts as passed when one of the solution's repositories passes it, so for a licence check failed by a
    second repository the order can differ by one from the cells); or the least recently scanned first."""
    if sort in ("most", "fewest"):
        passed = (
            ScanCheck.objects.filter(
                status=PASS,
                key__in=list(keys),
                scan__repository__solution=OuterRef("pk"),
                scan__repository__last_scan=F("scan"),
            )
            .order_by()
            .values("scan__repository__solution")
            .annotate(n=Count("key", distinct=True))
            .values("n")
        )
        qs = qs.annotate(
            passed=Coalesce(Subquery(passed, output_field=IntegerField()), Value(0)),
            scanned=Exists(Repository.objects.filter(solution=OuterRef("pk"), last_scan__isnull=False)),
        )
        # Solutions not scanned yet come last either way: they have not failed anything.
        return qs.order_by("-scanned", "-passed" if sort == "most" else "passed", "name", "pk")
    if sort == "oldest":
        latest = (
            Repository.objects.filter(solution=OuterRef("pk"), last_scan__isnull=False)
            .order_by("-last_scan__finished_at")
            .values("last_scan__finished_at")[:1]
        )
        return qs.annotate(last_scanned=Subquery(latest)).order_by(
            F("last_scanned").asc(nulls_first=True), "name", "pk"
        )
    # By name, the scanned solutions first: a fund with many solutions not scanned yet would otherwise
    # open on a page of empty rows.
    scanned = Exists(Repository.objects.filter(solution=OuterRef("pk"), last_scan__isnull=False))
    return qs.annotate(scanned=scanned).order_by("-scanned", "name", "pk")


def with_scans(qs: QuerySet[Solution]) -> QuerySet[Solution]:
    """Two more queries whatever the number of solutions: their repositories with the last scans, and those
    scans' checks (key and status only: the evidence stays in the database)."""
    return qs.prefetch_related(
        Prefetch(
            "repositories", queryset=Repository.objects.select_related("last_scan").order_by("name", "url")
        ),
        Prefetch(
            "repositories__last_scan__checks",
            queryset=ScanCheck.objects.only("id", "scan_id", "key", "status").order_by("scan_id", "position"),
        ),
    )


def pass_counts(qs: QuerySet[Solution], keys: Sequence[str]) -> tuple[dict[str, int], int]:
    """How many of the filtered solutions pass each check, and how many were scanned: two queries, and one
    per licence check (every repository must pass those)."""
    rows = (
        _last_scan_checks(qs.order_by().values("pk"))
        .filter(status=PASS, key__in=list(keys))
        .order_by()
        .values("key")
        .annotate(n=Count("scan__repository__solution", distinct=True))
    )
    counts = {row["key"]: row["n"] for row in rows}
    for key in sorted(EVERY_REPOSITORY & set(keys)):  # one query each: passing, with no repository failing
        checks = _last_scan_checks(qs.order_by().values("pk")).filter(key=key)
        counts[key] = (
            checks.filter(status=PASS)
            .exclude(
                scan__repository__solution__in=checks.exclude(status=PASS).values(
                    "scan__repository__solution"
                )
            )
            .order_by()
            .values("scan__repository__solution")
            .distinct()
            .count()
        )
    scanned = (
        Repository.objects.filter(last_scan__isnull=False, solution__in=qs.order_by().values("pk"))
        .values("solution")
        .distinct()
        .count()
    )
    return counts, scanned
