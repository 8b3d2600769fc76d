"""The investment as the API writes it: a row of the portfolio list, the list's counts, and the detail
with terms, contract, solutions and payments (``investments._detail`` attaches what the detail reads)."""

# No `from __future__ import annotations` in the API: see the package's docstring.

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from seedbed.core.models import Country
from seedbed.portfolio.api.common import AmountOut, amount_out
from seedbed.portfolio.models import Investment, Solution


def _percent(value: Decimal | None) -> str | None:
    """``12.5``, ``100``: plain decimal text, without trailing zeros or an exponent."""
    return None if value is None else format(value.normalize(), "f")


# --- Schemas --------------------------------------------------------------------------------------


class CountryRefOut(Schema):
    iso2: str
    name: str


class InvestmentOut(Schema):
    reference: str = Field(description="The fund's initials, the start year and a number: VF-2021-003")
    title: str
    fund: str = Field(description="The fund's short name")
    fund_name: str
    organization: str = Field(description="The team's short name")
    organization_name: str
    organization_kind: str = Field(description="startup or country_office, mostly")
    cohort: int = Field(description="The cohort's id")
    cohort_name: str
    theme: str = Field(description="The cohort's theme, by short name")
    year: int = Field(description="The cohort's year")
    countries: list[CountryRefOut] = Field(description="Where the solution is deployed")
    start_date: dt.date
    asset: str
    amount: str = Field(description="Exact amount in base units, as a string")
    amount_display: str
    instrument: str
    status: str = Field(description="active, graduated, discontinued or failed")
    status_label: str
    is_sample: bool
    url: str = Field(description="The investment's page")

    @staticmethod
    def resolve_fund(obj: Investment) -> str:
        return obj.fund.slug

    @staticmethod
    def resolve_fund_name(obj: Investment) -> str:
        return obj.fund.name

    @staticmethod
    def resolve_organization(obj: Investment) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_organization_name(obj: Investment) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_organization_kind(obj: Investment) -> str:
        return obj.organization.kind

    @staticmethod
    def resolve_cohort(obj: Investment) -> int:
        return obj.cohort_id

    @staticmethod
    def resolve_cohort_name(obj: Investment) -> str:
        return str(obj.cohort)

    @staticmethod
    def resolve_theme(obj: Investment) -> str:
        return obj.cohort.theme.slug

    @staticmethod
    def resolve_year(obj: Investment) -> int:
        return obj.cohort.year

    @staticmethod
    def resolve_countries(obj: Investment) -> list[Country]:
        return list(getattr(obj, "country_list", None) or obj.countries.order_by("name"))

    @staticmethod
    def resolve_asset(obj: Investment) -> str:
        return obj.asset.code

    @staticmethod
    def resolve_amount(obj: Investment) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_amount_display(obj: Investment) -> str:
        return amount_out(obj.amount, obj.asset)["amount_display"]

    @staticmethod
    def resolve_status_label(obj: Investment) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_url(obj: Investment) -> str:
        return obj.get_absolute_url()


class SummaryOut(Schema):
    investments: int
    countries: int
    startups: int
    country_offices: int
    by_status: dict[str, int] = Field(description="{status: number of investments}")


class TermsOut(Schema):
    equity_share: str | None = Field(description="Per cent, e.g. 12.5 (equity)")
    pre_money_valuation: AmountOut | None = Field(description="In the investment's asset (equity)")
    interest_rate: str | None = Field(description="Per cent a year (debt)")
    term_months: int | None
    repayment_schedule: str = Field(description="bullet, monthly, quarterly or annual (debt)")
    guarantee_beneficiary: str | None = Field(description="Short name of the organization (guarantee)")
    guarantee_expires_on: dt.date | None


class AmendmentOut(Schema):
    signed_on: dt.date
    summary: str
    new_ends_on: dt.date | None


class DocumentOut(Schema):
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    amendment: bool = Field(description="True when it belongs to an amendment")


class ContractOut(Schema):
    months: int
    starts_on: dt.date
    ends_on: dt.date
    signed_on: dt.date | None
    amendments: list[AmendmentOut]
    documents: list[DocumentOut]


class SolutionOut(Schema):
    slug: str
    name: str
    kind: str
    website: str


class PaymentsOut(Schema):
    scheduled: AmountOut = Field(description="Every tranche not cancelled")
    paid: AmountOut = Field(description="Disbursements posted in the ledger")
    awaiting: AmountOut = Field(description="Released, waiting for the second finance officer")
    cancelled: AmountOut


class InvestmentDetailOut(InvestmentOut):
    terms: TermsOut
    contract: ContractOut | None
    solutions: list[SolutionOut]
    application: int | None = Field(description="The application's id, when it came from a call")
    status_date: dt.date | None
    status_reason: str
    rule_override_reason: str | None = Field(description="Why the fund's rules were overridden (staff only)")
    payments: PaymentsOut
    follow_on_multiple: str | None = Field(
        description="Follow-on funding in the investment's asset per unit invested, e.g. 2.50"
    )

    # Resolved from what ``_detail`` attached to the investment.

    @staticmethod
    def resolve_terms(obj: Any) -> dict[str, Any]:
        valuation = obj.pre_money_valuation
        return {
            "equity_share": _percent(obj.equity_share),
            "pre_money_valuation": None if valuation is None else amount_out(valuation, obj.asset),
            "interest_rate": _percent(obj.interest_rate),
            "term_months": obj.term_months,
            "repayment_schedule": obj.repayment_schedule,
            "guarantee_beneficiary": obj.guarantee_beneficiary.slug if obj.guarantee_beneficiary_id else None,
            "guarantee_expires_on": obj.guarantee_expires_on,
        }

    @staticmethod
    def resolve_contract(obj: Any) -> dict[str, Any] | None:
        contract = obj.contract_data
        if contract is None:
            return None
        return {
            "months": contract.months,
            "starts_on": contract.starts_on,
            "ends_on": contract.ends_on,
            "signed_on": contract.signed_on,
            "amendments": list(contract.amendments.all()),
            "documents": [
                {
                    "name": document.name,
                    "size": document.size,
                    "sha256": document.sha256,
                    "uploaded_at": document.uploaded_at,
                    "amendment": document.amendment_id is not None,
                }
                for document in contract.documents.all()
            ],
        }

    @staticmethod
    def resolve_solutions(obj: Any) -> list[Solution]:
        return list(obj.solution_list)

    @staticmethod
    def resolve_application(obj: Any) -> int | None:
        return obj.application_id

    @staticmethod
    def resolve_rule_override_reason(obj: Any) -> str | None:
        return obj.rule_override_reason if obj.staff else None

    @staticmethod
    def resolve_payments(obj: Any) -> dict[str, Any]:
        payments = obj.payments_data
        return {
            name: amount_out(getattr(payments, name), obj.asset)
            for name in ("scheduled", "paid", "awaiting", "cancelled")
        }

    @staticmethod
    def resolve_follow_on_multiple(obj: Any) -> str | None:
        return None if obj.multiple is None else str(obj.multiple)
