"""The portfolio-wide readiness matrix: one row per solution, one column per scanner check, each cell the
check's result in the latest finished scan of the solution's repositories; filtered, paginated and
exported to CSV/XLSX with the same filters.

When a solution has several repositories a cell shows the best result among them (pass, then warning,
then fail, then not applicable: a result that applies beats one that does not) and its title names the
repository it comes from; for the licence checks, the worst (every repository must be licensed, as in
the DPG Standard assessment). A page runs a fixed number of queries: the solutions, their repositories with
their last scans, those scans' checks (status and key only), the pass count per check and the filters'
options.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import IO, Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core.exports import FORMATS, Column, write_table
from seedbed.core.views.common import paginate, querystring_without
from seedbed.dpg import access
from seedbed.dpg.models import DpgStatusValue
from seedbed.dpg.readiness import (
    FAIL,
    GROUPS,
    NOT_APPLICABLE,
    NOT_SCANNED,
    PASS,
    SCANNED_CHOICES,
    SORTS,
    STYLES,
    WARNING,
    CheckColumn,
    MatrixFilters,
    Row,
    build_row,
    check_columns,
    matrix_solutions,
    pass_counts,
    sort_solutions,
    with_scans,
)
from seedbed.funds.models import Fund
from seedbed.portfolio.models import Cohort, InvestmentStatus, Solution

EXPORT_CHUNK = 500


# --- export -----------------------------------------------------------------------------------------------


def _export_rows(qs: QuerySet[Solution], columns: Sequence[CheckColumn], today: dt.date) -> Iterator[Row]:
    """Every filtered solution, ``EXPORT_CHUNK`` at a time (three queries a chunk)."""
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        order = {pk: index for index, pk in enumerate(chunk)}
        solutions = list(
            with_scans(Solution.objects.filter(pk__in=chunk).select_related("organization", "dpg_status"))
        )
        solutions.sort(key=lambda solution: order[solution.pk])
        for solution in solutions:
            yield build_row(solution, columns, today)


def _export_columns(columns: Sequence[CheckColumn]) -> list[Column]:
    def status_of(index: int) -> Any:
        return lambda row: row.cells[index].word

    return [
        Column(_("Solution"), lambda row: row.solution.name),
        Column(_("Owner"), lambda row: row.solution.organization.name),
        Column(_("DPG status"), lambda row: row.dpg_label),
        Column(_("Checks passed"), lambda row: row.passed if row.scanned else ""),
        Column(_("Checks that apply"), lambda row: row.applicable if row.scanned else ""),
        Column(
            _("Last scan"),
            lambda row: timezone.localtime(row.last_scanned).date().isoformat() if row.last_scanned else "",
        ),
        *(Column(column.title, status_of(index)) for index, column in enumerate(columns)),
    ]


def _export(qs: QuerySet[Solution], columns: Sequence[CheckColumn], fmt: str, today: dt.date) -> HttpResponse:
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="dpg-readiness-{today:%Y%m%d}.{extension}"'
    write_table(
        rows=_export_rows(qs, columns, today),
        columns=_export_columns(columns),
        fmt=fmt,
        target=cast(IO[bytes], response),
        sheet_title=_("DPG readiness"),
    )
    return response


# --- the page ---------------------------------------------------------------------------------------------

LABEL_FONT_PX = 12


@login_required
def readiness_matrix(request: HttpRequest) -> HttpResponse:
    if not access.can_view_all(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    columns = check_columns()
    keys = [column.key for column in columns]
    filters = MatrixFilters.from_query(request.GET, keys)
    qs = matrix_solutions(request.user, filters, today)
    sorted_qs = sort_solutions(qs, filters.sort, keys)
    export = request.GET.get("export", "")
    if export in FORMATS:
        return _export(sorted_qs, columns, export, today)
    page = paginate(request, with_scans(sorted_qs))
    rows = [build_row(solution, columns, today) for solution in page.object_list]
    counts, scanned = pass_counts(qs, keys)
    groups = []
    for value, label in GROUPS:
        span = sum(1 for column in columns if column.group == value)
        if span:
            groups.append({"value": value, "label": label, "span": span})
    longest = max(len(column.short) for column in columns)
    label_height = longest * 7 + 10  # about 7 px a character at 12 px, rotated
    return render(
        request,
        "dpg/readiness_matrix.html",
        {
            "page": page,
            "rows": rows,
            "columns": columns,
            "groups": groups,
            "summary": [{"column": column, "passed": counts.get(column.key, 0)} for column in columns],
            "scanned": scanned,
            "filters": filters,
            "label": {"height": label_height, "y": label_height - 4, "size": LABEL_FONT_PX},
            "funds": _funds(),
            "cohorts": list(Cohort.objects.select_related("theme").order_by("-year", "theme__name")),
            "statuses": InvestmentStatus.choices,
            "dpg_statuses": DpgStatusValue.choices,
            "scanned_choices": SCANNED_CHOICES,
            "sorts": list(SORTS.items()),
            "legend": [STYLES[status] for status in (PASS, WARNING, FAIL, NOT_APPLICABLE, NOT_SCANNED)],
            "querystring": querystring_without(request, "page", "export"),
        },
    )


def _funds() -> list[Fund]:
    return list(Fund.objects.filter(investments__isnull=False).distinct().order_by("name"))
