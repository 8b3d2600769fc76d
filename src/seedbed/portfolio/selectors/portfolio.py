"""Reads of the portfolio list: filters, sort, the dashboard counts, and the rows of the export. Each is a
fixed number of queries, whatever the size of the portfolio."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet

from seedbed.core.models import Country, Organization, OrganizationKind
from seedbed.core.selectors import query_int
from seedbed.portfolio import access
from seedbed.portfolio.models import Cohort, Investment

SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-start_date", "-id"),
    "oldest": ("start_date", "id"),
    "team": ("organization__name", "id"),
    "reference": ("reference",),
}


@dataclasses.dataclass(frozen=True)
class PortfolioFilters:
    q: str = ""
    fund: str = ""
    cohort: int | None = None
    theme: str = ""
    year: int | None = None
    country: str = ""
    region: str = ""
    status: str = ""
    kind: str = ""
    sort: str = "newest"

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> PortfolioFilters:
        sort = str(data.get("sort") or "newest")
        return cls(
            q=str(data.get("q") or "").strip()[:100],
            fund=str(data.get("fund") or ""),
            cohort=query_int(data.get("cohort")),
            theme=str(data.get("theme") or ""),
            year=query_int(data.get("year")),
            country=str(data.get("country") or "").upper()[:2],
            region=str(data.get("region") or ""),
            status=str(data.get("status") or ""),
            kind=str(data.get("kind") or ""),
            sort=sort if sort in SORTS else "newest",
        )

    @property
    def active(self) -> bool:
        return any(
            (
                self.q,
                self.fund,
                self.cohort,
                self.theme,
                self.year,
                self.country,
                self.region,
                self.status,
                self.kind,
            )
        )


def portfolio_list(*, user: Any, filters: PortfolioFilters | None = None) -> QuerySet[Investment]:
    """The investments ``user`` may see, filtered and sorted; one row per investment (subqueries, not
    joins, for the many-to-many filters)."""
    filters = filters or PortfolioFilters()
    qs = access.investments_for_user(user).select_related(
        "fund", "organization__country", "cohort__theme", "asset"
    )
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(organization__name__icontains=filters.q)
            | Q(reference__iexact=filters.q)
        )
    if filters.fund:
        qs = qs.filter(fund__slug=filters.fund)
    if filters.cohort:
        qs = qs.filter(cohort_id=filters.cohort)
    if filters.theme:
        qs = qs.filter(cohort__theme__slug=filters.theme)
    if filters.year:
        qs = qs.filter(cohort__year=filters.year)
    if filters.country:
        qs = qs.filter(
            pk__in=Investment.countries.through.objects.filter(country_id=filters.country).values(
                "investment_id"
            )
        )
    if filters.region:
        qs = qs.filter(
            pk__in=Investment.countries.through.objects.filter(country__unicef_region=filters.region).values(
                "investment_id"
            )
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(organization__kind=filters.kind)
    return qs.order_by(*SORTS[filters.sort])


@dataclasses.dataclass(frozen=True)
class PortfolioSummary:
    investments: int
    countries: int
    startups: int
    country_offices: int
    by_status: dict[str, int]


def portfolio_summary(qs: QuerySet[Investment]) -> PortfolioSummary:
    """The dashboard counts of a (filtered) list: three queries."""
    ids = qs.order_by().values("pk")
    kinds = dict(
        Investment.objects.filter(pk__in=ids)
        .values_list("organization__kind")
        .annotate(n=Count("pk"))
        .values_list("organization__kind", "n")
    )
    statuses = dict(
        Investment.objects.filter(pk__in=ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    countries = (
        Investment.countries.through.objects.filter(investment_id__in=ids)
        .values("country_id")
        .distinct()
        .count()
    )
    return PortfolioSummary(
        investments=sum(kinds.values()),
        countries=countries,
        startups=kinds.get(OrganizationKind.STARTUP, 0),
        country_offices=kinds.get(OrganizationKind.COUNTRY_OFFICE, 0),
        by_status=statuses,
    )


def attach_countries(investments: list[Investment]) -> list[Investment]:
    """Set ``country_list`` on each investment of a page: one query for the whole page."""
    through = Investment.countries.through
    by_investment: dict[int, list[Country]] = {inv.pk: [] for inv in investments}
    rows = (
        through.objects.filter(investment_id__in=by_investment)
        .select_related("country")
        .order_by("country__name")
    )
    for row in rows:
        by_investment[row.investment_id].append(row.country)
    for investment in investments:
        investment.country_list = by_investment[investment.pk]  # type: ignore[attr-defined]
    return investments


def filter_choices() -> dict[str, Any]:
    """The options of the list's filters: four small queries."""
    from seedbed.calls.models import Theme
    from seedbed.funds.models import Fund

    return {
        "funds": list(Fund.objects.filter(investments__isnull=False).distinct().order_by("name")),
        "cohorts": list(Cohort.objects.select_related("theme").order_by("-year", "theme__name")),
        "themes": list(Theme.objects.filter(cohorts__isnull=False).distinct().order_by("name")),
        "countries": list(Country.objects.filter(investments__isnull=False).distinct().order_by("name")),
        "kinds": [
            (value, label)
            for value, label in OrganizationKind.choices
            if value in (OrganizationKind.STARTUP, OrganizationKind.COUNTRY_OFFICE)
        ],
    }


def organizations_with_investments() -> QuerySet[Organization]:
    return Organization.objects.filter(investments__isnull=False).distinct()
