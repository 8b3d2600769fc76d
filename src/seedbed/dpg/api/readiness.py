"""The portfolio-wide readiness matrix through the API: one item per solution with every check's combined
result (staff only, as the page)."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from seedbed.core.api import Pages
from seedbed.dpg import access
from seedbed.dpg.api.scans import router
from seedbed.dpg.readiness import (
    MatrixFilters,
    build_row,
    check_columns,
    matrix_solutions,
    sort_solutions,
    with_scans,
)


class ReadinessFilters(Schema):
    q: str = Field("", description="Name of the solution or its owner")
    fund: str = Field("", description="A fund's short name: solutions it invested in")
    cohort: int | None = None
    status: str = Field("", description="Investment status (active, graduated, ...)")
    dpg: str = Field("", description="none, nominee, dpg or expired")
    failing: str = Field("", description="A check key: solutions not passing it (not scanned included)")
    scanned: str = Field("", description="yes or no")
    sort: str = Field("name", description="name, most, fewest or oldest")


class ReadinessOut(Schema):
    solution: str
    name: str
    owner: str
    dpg_status: str = Field(description="none, nominee, dpg or expired (a DPG past its term is expired)")
    scanned: bool
    last_scanned: dt.datetime | None
    passed: int
    applicable: int = Field(description="Checks that apply (not 'n/a'), of those scanned")
    checks: dict[str, str] = Field(
        description="check key -> pass, warning, fail, n/a, or '' when not scanned; the best result "
        "across the solution's repositories, the worst for the licence checks"
    )


class _Rows:
    """Builds the rows of one page only: the paginator slices the queryset before this runs."""

    def __init__(self, qs: Any, today: dt.date) -> None:
        self.qs, self.today, self.columns = qs, today, check_columns()

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, window: slice) -> list[ReadinessOut]:
        return [self._out(solution) for solution in with_scans(self.qs[window])]

    def _out(self, solution: Any) -> ReadinessOut:
        row = build_row(solution, self.columns, self.today)
        return ReadinessOut(
            solution=solution.slug,
            name=solution.name,
            owner=solution.organization.name,
            dpg_status=row.dpg_value,
            scanned=row.scanned,
            last_scanned=row.last_scanned,
            passed=row.passed,
            applicable=row.applicable,
            checks={cell.check.key: cell.status for cell in row.cells},
        )


@router.get("/readiness", response=list[ReadinessOut])
@paginate(Pages)
def readiness_list(request: HttpRequest, filters: Query[ReadinessFilters]) -> Any:
    """The readiness matrix: every solution the fund invests in against every scanner check, filtered
    and sorted as on the page (``/dpg/readiness/``). Staff only."""
    if not access.can_view_all(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    keys = [column.key for column in check_columns()]
    matrix = MatrixFilters.from_query(filters.dict(), keys)
    return _Rows(sort_solutions(matrix_solutions(request.user, matrix, today), matrix.sort, keys), today)
