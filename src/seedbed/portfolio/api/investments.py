"""Investments through the API: the portfolio list with its filters and dashboard counts, one investment
with its terms, contract and payments, creating one (fund managers, with the fund's rules) and recording
its outcome. Staff see every investment; a grantee sees only their organization's (another team's is a
404, as on the pages)."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from seedbed.calls.models import Application
from seedbed.core.api import FieldErrors, Pages
from seedbed.core.models import Country, OrganizationKind, Region
from seedbed.funds.models import Fund, Instrument
from seedbed.portfolio import access, selectors, services
from seedbed.portfolio.api.common import (
    asset_by_code,
    base_units,
    field_errors,
    organization_by_ref,
    require,
    router,
)
from seedbed.portfolio.api.schemas import InvestmentDetailOut, InvestmentOut, SummaryOut
from seedbed.portfolio.models import Cohort, Contract, Investment, InvestmentStatus, Solution

InstrumentLiteral = Literal[tuple(Instrument.values)]  # type: ignore[valid-type]
StatusLiteral = Literal[tuple(InvestmentStatus.values)]  # type: ignore[valid-type]
RegionLiteral = Literal[tuple(Region.values)]  # type: ignore[valid-type]
KindLiteral = Literal[tuple(OrganizationKind.values)]  # type: ignore[valid-type]
SortLiteral = Literal[tuple(selectors.SORTS)]  # type: ignore[valid-type]


# --- Input ---------------------------------------------------------------------------------------


class InvestmentFilterIn(Schema):
    q: str = Field("", description="In the title or the team's name, or an exact reference")
    fund: str = Field("", description="A fund's short name")
    cohort: int | None = Field(None, description="A cohort's id")
    theme: str = Field("", description="A theme's short name")
    year: int | None = Field(None, description="The cohort's year")
    country: str = Field("", description="ISO 3166-1 alpha-2 code")
    region: RegionLiteral | None = None  # type: ignore[valid-type]
    status: StatusLiteral | None = None  # type: ignore[valid-type]
    kind: KindLiteral | None = Field(None, description="The team's kind")  # type: ignore[valid-type]
    sort: SortLiteral = "newest"  # type: ignore[valid-type]


class TermsIn(Schema):
    equity_share: Decimal | None = Field(None, description="Per cent, more than 0 and at most 100")
    pre_money_valuation: str | None = Field(None, description="In base units of the asset, as a string")
    interest_rate: Decimal | None = Field(None, description="Per cent a year")
    term_months: int | None = None
    repayment_schedule: str = ""
    guarantee_beneficiary: int | str | None = Field(None, description="Id or short name of an organization")
    guarantee_expires_on: dt.date | None = None


class InvestmentIn(Schema):
    fund: str = Field(description="The fund's short name")
    organization: int | str = Field(description="The team, by id or short name")
    cohort: int = Field(description="The cohort's id")
    title: str
    start_date: dt.date
    asset: str = Field(description="The asset's code, e.g. USD")
    amount: str = Field(description="Exact amount in base units, as a string: 8000000 is 80,000.00 USD")
    instrument: InstrumentLiteral  # type: ignore[valid-type]
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes of where the solution is deployed")
    terms: TermsIn | None = Field(None, description="The instrument's terms (equity, debt, guarantee)")
    solutions: list[str] = Field(default_factory=list, description="Short names of the team's solutions")
    application: int | None = Field(None, description="The awarded application's id, if any")
    contract_months: int = 12
    signed_on: dt.date | None = None
    override_reason: str = Field("", description="Required when the investment breaks the fund's rules")


class StatusIn(Schema):
    status: StatusLiteral  # type: ignore[valid-type]
    on: dt.date | None = Field(None, description="The date of the outcome; today when left out")
    reason: str = Field("", description="Required to discontinue or fail")


# --- Helpers --------------------------------------------------------------------------------------


class PortfolioPages(Pages):
    """Pages of the portfolio with the dashboard counts of the whole filtered list beside them."""

    class Output(Schema):
        items: list[Any]
        count: int
        summary: SummaryOut

    def paginate_queryset(
        self, queryset: QuerySet[Investment], pagination: Any, request: Any, **params: Any
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        summary = selectors.portfolio_summary(queryset)
        items = selectors.attach_countries(list(queryset[offset : offset + page_size]))
        return {"items": items, "count": summary.investments, "summary": summary}


def _detail(user: Any, investment: Investment) -> Investment:
    """The investment with what the detail shows attached: a fixed number of queries."""
    attached: Any = investment
    attached.country_list = list(investment.countries.order_by("name"))
    attached.solution_list = list(investment.solutions.order_by("name"))
    contract = (
        Contract.objects.filter(investment=investment).prefetch_related("amendments", "documents").first()
    )
    attached.contract_data = contract
    tranches = selectors.tranches_of(investment)
    attached.payments_data = selectors.payments(investment, tranches)
    attached.multiple = selectors.follow_on_multiple(investment, selectors.follow_ons_of(investment))
    attached.staff = access.can_view_portfolio(user)
    return investment


def _lookups(payload: InvestmentIn) -> dict[str, Any]:
    """The rows the body names, or a 422 naming every field that names nothing."""
    errors: dict[str, list[str]] = {}
    fund = Fund.objects.select_related("reporting_asset").filter(slug=payload.fund).first()
    if fund is None:
        errors["fund"] = [_("No fund has the short name %(slug)r.") % {"slug": payload.fund}]
    try:
        organization = organization_by_ref(payload.organization, "organization")
    except FieldErrors as error:
        errors.update(error.errors)
        organization = None
    cohort = Cohort.objects.filter(pk=payload.cohort).first()
    if cohort is None:
        errors["cohort"] = [_("No cohort has the id %(id)s.") % {"id": payload.cohort}]
    try:
        asset = asset_by_code(payload.asset)
    except FieldErrors as error:
        errors.update(error.errors)
        asset = None
    codes = [code.strip().upper() for code in payload.countries]
    countries = list(Country.objects.filter(iso2__in=codes))
    unknown = sorted(set(codes) - {country.iso2 for country in countries})
    if unknown:
        errors["countries"] = [_("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)}]
    solutions = list(Solution.objects.filter(slug__in=payload.solutions))
    missing = sorted(set(payload.solutions) - {solution.slug for solution in solutions})
    if missing:
        errors["solutions"] = [_("Unknown solutions: %(slugs)s.") % {"slugs": ", ".join(missing)}]
    application = None
    if payload.application is not None:
        application = Application.objects.filter(pk=payload.application).first()
        if application is None:
            errors["application"] = [_("No application has the id %(id)s.") % {"id": payload.application}]
    terms: dict[str, Any] = payload.terms.dict() if payload.terms else {}
    if terms.get("pre_money_valuation") not in (None, ""):
        try:
            terms["pre_money_valuation"] = base_units(terms["pre_money_valuation"], "pre_money_valuation")
        except FieldErrors as error:
            errors.update(error.errors)
    if terms.get("guarantee_beneficiary") not in (None, ""):
        try:
            terms["guarantee_beneficiary"] = organization_by_ref(
                terms["guarantee_beneficiary"], "guarantee_beneficiary"
            )
        except FieldErrors as error:
            errors.update(error.errors)
    try:
        amount = base_units(payload.amount, "amount")
    except FieldErrors as error:
        errors.update(error.errors)
        amount = None
    if errors:
        raise FieldErrors(errors)
    return {
        "fund": fund,
        "organization": organization,
        "cohort": cohort,
        "asset": asset,
        "amount": amount,
        "countries": countries,
        "solutions": solutions,
        "application": application,
        "terms": terms,
    }


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/investments", response=list[InvestmentOut], summary="List investments, with counts")
@paginate(PortfolioPages, page_size=50)
def list_investments(request: HttpRequest, filters: Query[InvestmentFilterIn]) -> Any:
    """Staff see the whole portfolio; a grantee sees their organizations' investments only. ``summary``
    counts the whole filtered list, not just the page."""
    data = {key: value for key, value in filters.dict().items() if value is not None}
    return selectors.portfolio_list(user=request.user, filters=selectors.PortfolioFilters.from_query(data))


@router.get("/investments/{reference}", response=InvestmentDetailOut, summary="One investment")
def get_investment(request: HttpRequest, reference: str) -> Any:
    return _detail(request.user, access.get_investment_for_user(request.user, reference))


@router.post(
    "/investments",
    response={201: InvestmentDetailOut},
    summary="Create an investment (fund managers), with its contract, plan and schedule",
)
def create_investment(request: HttpRequest, payload: InvestmentIn) -> Any:
    """Breaking the fund's rules (instrument, ticket range, graduation) needs ``override_reason``: without
    it the 422 lists the rules on that field."""
    require(access.can_manage_portfolio(request.user))
    rows = _lookups(payload)
    try:
        investment = services.investment_create(
            actor=request.user,
            title=payload.title,
            start_date=payload.start_date,
            instrument=payload.instrument,
            contract_months=payload.contract_months,
            signed_on=payload.signed_on,
            override_reason=payload.override_reason,
            **rows,
        )
    except ValidationError as error:
        raise field_errors(error, "__all__") from None
    return Status(
        201, _detail(request.user, access.get_investment_for_user(request.user, investment.reference))
    )


@router.post(
    "/investments/{reference}/status",
    response=InvestmentDetailOut,
    summary="Record the outcome (fund managers)",
)
def set_investment_status(request: HttpRequest, reference: str, payload: StatusIn) -> Any:
    """Graduate (every required milestone accepted), discontinue or fail (with a reason), or make active
    again."""
    investment = access.get_investment_for_user(request.user, reference, write=True)
    try:
        services.investment_set_status(
            actor=request.user,
            investment=investment,
            status=payload.status,
            on=payload.on or timezone.localdate(),
            reason_text=payload.reason,
        )
    except ValidationError as error:
        raise field_errors(error, "status", {"reason": "reason"}) from None
    return _detail(request.user, access.get_investment_for_user(request.user, reference))
