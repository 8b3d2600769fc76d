"""Quarterly reports through the API: an investment's report calendar with the KPIs submitted, one report
with the KPIs it asks for, and the team submitting (or correcting) a report."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from seedbed.core.api import Pages
from seedbed.portfolio import access, selectors, services
from seedbed.portfolio.api.common import field_errors, person, router
from seedbed.portfolio.models import Report, ReportStatus

ReportStatusLiteral = Literal[tuple(ReportStatus.values)]  # type: ignore[valid-type]


class ReportOut(Schema):
    id: int
    investment: str = Field(description="The investment's reference")
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    status: str = Field(description="due or submitted")
    status_label: str
    overdue: bool
    kpis: dict[str, int | float] = Field(description="{KPI key: value}, as submitted")
    narrative: str
    submitted_at: dt.datetime | None
    submitted_by: str | None

    @staticmethod
    def resolve_investment(obj: Report) -> str:
        return obj.investment.reference

    @staticmethod
    def resolve_status_label(obj: Report) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: Report) -> bool:
        return selectors.is_overdue(obj)

    @staticmethod
    def resolve_submitted_by(obj: Report) -> str | None:
        return person(obj.submitted_by)


class KpiFieldOut(Schema):
    key: str
    label: str
    unit: str


class ReportDetailOut(ReportOut):
    fields: list[KpiFieldOut] = Field(
        description="The KPIs the report asks for: the standard ones, the cohort's"
    )

    @staticmethod
    def resolve_fields(obj: Report) -> list[dict[str, str]]:
        return [{"key": key, "label": label, "unit": unit} for key, label, unit in services.report_kpis(obj)]


class ReportFilterIn(Schema):
    status: ReportStatusLiteral | None = None  # type: ignore[valid-type]
    overdue: bool | None = None


class ReportIn(Schema):
    kpis: dict[str, Any] = Field(
        default_factory=dict, description="{KPI key: number of zero or more}; see the report's fields"
    )
    narrative: str = Field("", description="How the quarter went (required)")


@router.get(
    "/investments/{reference}/reports",
    response=list[ReportOut],
    summary="An investment's quarterly reports",
)
@paginate(Pages, page_size=100)
def list_reports(request: HttpRequest, reference: str, filters: Query[ReportFilterIn]) -> Any:
    investment = access.get_investment_for_user(request.user, reference)
    return [
        report
        for report in selectors.reports_of(investment)
        if (filters.status is None or report.status == filters.status)
        and (filters.overdue is None or selectors.is_overdue(report) == filters.overdue)
    ]


@router.get("/reports/{report_id}", response=ReportDetailOut, summary="One report, with the KPIs it asks for")
def get_report(request: HttpRequest, report_id: int) -> Any:
    return access.get_report_for_user(request.user, report_id)


@router.post(
    "/reports/{report_id}", response=ReportDetailOut, summary="Submit or correct a report (the team)"
)
def submit_report(request: HttpRequest, report_id: int, payload: ReportIn) -> Any:
    """Once the report's quarter has begun. A KPI that is not a number of zero or more is a 422 on its key."""
    report = access.get_report_for_user(request.user, report_id)
    try:
        services.report_submit(
            actor=request.user, report=report, kpis=payload.kpis, narrative=payload.narrative
        )
    except ValidationError as error:
        raise field_errors(error, "report") from None
    return access.get_report_for_user(request.user, report_id)
