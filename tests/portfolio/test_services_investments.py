"""Portfolio services, creating an investment: what comes with it (reference, contract, plan, schedule,
reports, the commitment in the ledger), the fund's rules, the instrument's terms, the application path,
the investment's outcome, follow-on rounds and knowledge products."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from seedbed.calls import services as calls_services
from seedbed.calls.models import Application, Outcome
from seedbed.core.models import AuditEvent, Organization
from seedbed.funds import services as funds_services
from seedbed.funds.models import Asset, EntryKind, Fund, JournalEntry
from seedbed.portfolio import services
from seedbed.portfolio.models import (
    Investment,
    InvestmentStatus,
    MilestoneStatus,
    Report,
    Tranche,
)
from seedbed.portfolio.plan_defaults import add_months
from tests.portfolio.conftest import USD_CENTS, accept_all

TODAY = timezone.localdate  # called, not frozen: tests read "today" as the services do
pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def field_messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


def open_commitment(investment: Investment) -> int:
    return funds_services.open_commitment(
        fund=investment.fund, grantee=investment.organization, asset=investment.asset
    )


@pytest.fixture
def all_instruments(venture: Fund, usd: Asset) -> Fund:
    """The Venture Fund uses every instrument, with the same ticket range (50–100K USD)."""
    ticket = (50_000 * USD_CENTS, 100_000 * USD_CENTS)
    funds_services.fund_rules_update(
        actor=None,
        fund=venture,
        data={"instrument_rules": {"grant": ticket, "equity": ticket, "debt": ticket, "guarantee": ticket}},
    )
    return venture


# --- What an investment comes with ---------------------------------------------------------------


def test_reference_names_the_fund_the_year_and_a_number(make_investment, team, other_team):
    first = make_investment(team)
    second = make_investment(other_team, start_date=dt.date(2021, 3, 1))
    third = make_investment(other_team, start_date=dt.date(2021, 4, 1))
    year = first.start_date.year
    assert first.reference == f"VF-{year}-001"
    assert second.reference == "VF-2021-001"
    assert third.reference == "VF-2021-002"


def test_the_contract_lasts_twelve_months_from_the_start(make_investment, team):
    investment = make_investment(team)
    contract = investment.contract
    assert contract.months == 12
    assert contract.starts_on == investment.start_date
    assert contract.ends_on == add_months(investment.start_date, 12) - dt.timedelta(days=1)
    assert contract.signed_on is None


def test_the_default_plan_is_the_twenty_open_source_milestones(make_investment, team):
    investment = make_investment(team)
    milestones = list(investment.milestones.order_by("quarter", "position"))
    assert len(milestones) == 20
    assert {m.status for m in milestones} == {MilestoneStatus.PLANNED}
    assert [m.quarter for m in milestones] == sorted(m.quarter for m in milestones)
    assert {m.quarter for m in milestones} == {1, 2, 3, 4}
    keys = {m.check_key for m in milestones if m.check_key}
    assert {
        "oss.license",
        "oss.readme",
        "oss.code_of_conduct",
        "oss.contributing",
        "oss.ci",
        "oss.issue_templates",
    } <= keys
    required = [m for m in milestones if m.required]
    assert required, "the plan has required milestones"
    assert {m.quarter for m in required} == {2, 3, 4}
    assert {m.check_key for m in required if m.check_key} == {
        "oss.license",
        "oss.contributing",
        "oss.ci",
        "oss.issue_templates",
    }
    q1 = [m for m in milestones if m.quarter == 1]
    assert all(m.due_on == add_months(investment.start_date, 3) - dt.timedelta(days=1) for m in q1)


def test_the_default_schedule_is_40_30_30_and_sums_exactly_to_the_amount(make_investment, team):
    amount = 75_000 * USD_CENTS + 33  # 75,000.33 USD: not divisible by 100
    investment = make_investment(team, amount=amount)
    tranches = list(investment.tranches.order_by("number"))
    assert [t.number for t in tranches] == [1, 2, 3]
    assert sum(t.amount for t in tranches) == amount
    assert tranches[0].amount == amount * 40 // 100
    assert tranches[1].amount == amount * 30 // 100
    assert abs(tranches[2].amount - amount * 30 // 100) < 100
    assert [t.state for t in tranches] == ["scheduled"] * 3
    # The first tranche is paid on signature; the others wait for the required milestones.
    assert tranches[0].milestones.count() == 0
    assert {m.quarter for m in tranches[1].milestones.all()} == {2}
    assert set(tranches[2].milestones.all()) == set(investment.milestones.filter(required=True))


def test_a_report_is_due_every_quarter(make_investment, team):
    investment = make_investment(team)
    reports = list(investment.reports.order_by("period_start"))
    assert len(reports) == 4
    assert reports[0].period_start == investment.start_date
    assert reports[-1].period_end == investment.contract.ends_on
    for earlier, later in itertools.pairwise(reports):
        assert later.period_start == earlier.period_end + dt.timedelta(days=1)
    assert all(r.due_on == r.period_end + dt.timedelta(days=15) for r in reports)
    assert {r.status for r in reports} == {"due"}


def test_the_commitment_is_recorded_in_the_ledger(make_investment, team):
    investment = make_investment(team, amount_usd=80_000)
    entry = JournalEntry.objects.get(kind=EntryKind.COMMITMENT, fund=investment.fund)
    assert investment.commitment_entry == entry
    assert entry.cause_type == ContentType.objects.get_for_model(Investment)
    assert entry.cause_id == str(investment.pk)
    assert open_commitment(investment) == 80_000 * USD_CENTS


def test_creation_is_audited_and_needs_a_fund_manager(make_investment, team, people):
    investment = make_investment(team)
    assert AuditEvent.objects.filter(action="investment.create", object_id=str(investment.pk)).exists()
    for persona in ("grantee", "mentor", "finance_officer", "reviewer"):
        with pytest.raises(PermissionDenied):
            make_investment(team, actor=people[persona])
    assert Investment.objects.count() == 1


def test_creation_refuses_missing_title_amount_and_countries(make_investment, team):
    with pytest.raises(ValidationError) as refused:
        make_investment(team, title="  ", amount=0, countries=[])
    assert set(refused.value.message_dict) >= {"title", "amount", "countries"}
    assert Investment.objects.count() == 0
    assert JournalEntry.objects.filter(kind=EntryKind.COMMITMENT).count() == 0


# --- The fund's rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("amount_usd", [49_999, 100_001, 10])
def test_a_ticket_outside_the_range_is_refused_in_plain_words(make_investment, team, amount_usd):
    with pytest.raises(ValidationError) as refused:
        make_investment(team, amount_usd=amount_usd)
    message = field_messages(refused.value, "override_reason")
    assert "outside Venture Fund's ticket range" in message
    assert "50,000.00 USD–100,000.00 USD" in message
    assert Investment.objects.count() == 0
    assert Tranche.objects.count() == 0


@pytest.mark.parametrize("amount_usd", [50_000, 100_000])
def test_the_ticket_range_includes_its_bounds(make_investment, team, amount_usd):
    investment = make_investment(team, amount_usd=amount_usd)
    assert investment.rule_override_reason == ""
    assert not AuditEvent.objects.filter(action="investment.rules_overridden").exists()


def test_a_fund_manager_may_override_the_ticket_range_with_a_reason_which_is_audited(
    make_investment, team, people
):
    investment = make_investment(team, amount_usd=120_000, override_reason="Board decision of 3 May.")
    assert investment.amount == 120_000 * USD_CENTS
    assert investment.rule_override_reason == "Board decision of 3 May."
    event = AuditEvent.objects.get(action="investment.rules_overridden")
    assert event.actor == people["fund_manager"]
    assert event.object_id == str(investment.pk)
    assert "Board decision of 3 May." in str(event.changes)
    assert "ticket range" in str(event.changes)
    assert open_commitment(investment) == 120_000 * USD_CENTS


def test_a_blank_override_reason_does_not_override(make_investment, team):
    with pytest.raises(ValidationError) as refused:
        make_investment(team, amount_usd=120_000, override_reason="   ")
    assert "ticket range" in field_messages(refused.value, "override_reason")


def test_an_instrument_the_fund_does_not_use_is_refused(make_investment, team):
    with pytest.raises(ValidationError) as refused:
        make_investment(
            team,
            instrument="debt",
            terms={"interest_rate": "5", "term_months": 24, "repayment_schedule": "monthly"},
        )
    assert "Venture Fund does not use the instrument “Debt”" in field_messages(
        refused.value, "override_reason"
    )
    assert Investment.objects.count() == 0


def test_an_asset_the_fund_does_not_accept_is_refused_even_with_an_override(make_investment, team):
    eur = Asset.objects.get(code="EUR")
    with pytest.raises(ValidationError) as refused:
        make_investment(team, asset=eur, override_reason="The team banks in euros.")
    assert "Venture Fund does not accept EUR" in field_messages(refused.value, "asset")
    assert Investment.objects.count() == 0


def test_the_acceleration_fund_refuses_a_team_that_did_not_graduate(make_investment, team, acceleration):
    with pytest.raises(ValidationError) as refused:
        make_investment(team, fund=acceleration, amount_usd=300_000)
    assert "graduated from the Venture Fund" in field_messages(refused.value, "override_reason")
    assert "Kijani Data Labs has not" in field_messages(refused.value, "override_reason")


def test_an_active_venture_investment_is_not_a_graduation(make_investment, team, acceleration):
    make_investment(team)
    with pytest.raises(ValidationError, match="graduated from the Venture Fund"):
        make_investment(team, fund=acceleration, amount_usd=300_000)


def test_the_acceleration_fund_accepts_a_team_that_graduated(make_investment, team, acceleration, people):
    venture_investment = make_investment(team)
    accept_all(venture_investment, people["mentor"])
    services.investment_set_status(
        actor=people["fund_manager"],
        investment=venture_investment,
        status=InvestmentStatus.GRADUATED,
        on=TODAY(),
    )
    assert services.graduated_from_venture(team)

    follow_up = make_investment(team, fund=acceleration, amount_usd=300_000)
    assert follow_up.reference.startswith("AF-")
    assert follow_up.rule_override_reason == ""
    assert open_commitment(follow_up) == 300_000 * USD_CENTS


# --- The instrument's terms --------------------------------------------------------------------------


def equity(share: Any, valuation: Any = 2_000_000 * USD_CENTS) -> dict[str, Any]:
    return {"instrument": "equity", "terms": {"equity_share": share, "pre_money_valuation": valuation}}


@pytest.mark.parametrize("share", ["0", "-1", "100.5", 0, Decimal("-0.0001"), "abc", None, "12.12345"])
def test_an_equity_share_must_be_more_than_0_and_at_most_100(make_investment, team, all_instruments, share):
    with pytest.raises(ValidationError) as refused:
        make_investment(team, **equity(share))
    assert field_messages(refused.value, "equity_share")
    assert Investment.objects.count() == 0


@pytest.mark.parametrize(("share", "stored"), [("12.5", Decimal("12.5")), ("100", Decimal(100))])
def test_a_valid_equity_share_is_stored(make_investment, team, all_instruments, share, stored):
    investment = make_investment(team, **equity(share))
    investment.refresh_from_db()
    assert investment.equity_share == stored
    assert investment.pre_money_valuation == 2_000_000 * USD_CENTS
    assert investment.interest_rate is None


def test_equity_needs_a_pre_money_valuation(make_investment, team, all_instruments):
    for valuation in (None, -1, "2000000", 1.5):
        with pytest.raises(ValidationError) as refused:
            make_investment(team, **equity("12.5", valuation))
        assert "pre-money valuation" in field_messages(refused.value, "pre_money_valuation")
    assert Investment.objects.count() == 0


def debt(rate: Any = "7.5", months: Any = 24, schedule: str = "quarterly") -> dict[str, Any]:
    return {
        "instrument": "debt",
        "terms": {"interest_rate": rate, "term_months": months, "repayment_schedule": schedule},
    }


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (debt(rate="-1"), "interest_rate"),
        (debt(rate="100.01"), "interest_rate"),
        (debt(rate=None), "interest_rate"),
        (debt(months=0), "term_months"),
        (debt(months=361), "term_months"),
        (debt(months="a year"), "term_months"),
        (debt(schedule=""), "repayment_schedule"),
        (debt(schedule="whenever"), "repayment_schedule"),
    ],
)
def test_debt_terms_are_checked(make_investment, team, all_instruments, terms, field):
    with pytest.raises(ValidationError) as refused:
        make_investment(team, **terms)
    assert field_messages(refused.value, field)
    assert Investment.objects.count() == 0


@pytest.mark.parametrize(("rate", "months"), [("0", 1), ("100", 360), ("7.5", 24)])
def test_debt_within_the_bounds_is_accepted(make_investment, team, all_instruments, rate, months):
    investment = make_investment(team, **debt(rate=rate, months=months, schedule="bullet"))
    investment.refresh_from_db()
    assert investment.interest_rate == Decimal(rate)
    assert investment.term_months == months
    assert investment.repayment_schedule == "bullet"


def test_a_guarantee_needs_a_beneficiary_and_an_expiry_after_the_start(
    make_investment, team, other_team, all_instruments
):
    start = TODAY() - dt.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        make_investment(team, instrument="guarantee", terms={})
    assert set(refused.value.message_dict) >= {"guarantee_beneficiary", "guarantee_expires_on"}
    with pytest.raises(ValidationError) as refused:
        make_investment(
            team,
            instrument="guarantee",
            terms={"guarantee_beneficiary": other_team, "guarantee_expires_on": start},
        )
    assert "expires after the start date" in field_messages(refused.value, "guarantee_expires_on")
    assert Investment.objects.count() == 0

    expires = start + dt.timedelta(days=365)
    investment = make_investment(
        team,
        instrument="guarantee",
        terms={"guarantee_beneficiary": other_team, "guarantee_expires_on": expires},
    )
    assert investment.guarantee_beneficiary == other_team
    assert investment.guarantee_expires_on == expires


@pytest.mark.parametrize(
    "values",
    [
        {"equity_share": Decimal(150)},
        {"equity_share": Decimal(0)},
        {"equity_share": Decimal(-5)},
        {"equity_share": None},  # equity without its share
        {"pre_money_valuation": -1},
        {"interest_rate": Decimal(101)},
    ],
)
def test_the_database_refuses_impossible_terms_written_directly(
    make_investment, team, all_instruments, values
):
    investment = make_investment(team, **equity("12.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Investment.objects.filter(pk=investment.pk).update(**values)
    investment.refresh_from_db()
    assert investment.equity_share == Decimal("12.5")


def test_the_database_refuses_debt_without_a_term(make_investment, team, all_instruments):
    investment = make_investment(team, **debt())
    with pytest.raises(IntegrityError), transaction.atomic():
        Investment.objects.filter(pk=investment.pk).update(term_months=None)


# --- From an awarded application ----------------------------------------------------------------------


@pytest.fixture
def application(venture: Fund, team: Organization, people) -> Application:
    now = timezone.now().replace(microsecond=0)
    call = calls_services.call_create(
        actor=None,
        fund=venture,
        data={
            "title": "Open call 2021",
            "description": "About the call.",
            "themes": [],
            "opens_at": now - dt.timedelta(days=90),
            "closes_at": now - dt.timedelta(days=60),
            "time_zone": "Africa/Nairobi",
            "ticket_min": 50_000 * USD_CENTS,
            "ticket_max": 100_000 * USD_CENTS,
        },
    )
    return Application.objects.create(
        call=call,
        number=1,
        organization=team,
        created_by=people["grantee"],
        title="Kijani crop data",
        status="submitted",
        stage=call.stages.order_by("position").last(),
        submitted_at=now - dt.timedelta(days=70),
        submitted_by=people["grantee"],
    )


@pytest.mark.parametrize("outcome", [Outcome.PENDING, Outcome.DECLINED])
def test_only_an_awarded_application_becomes_an_investment(make_investment, team, application, outcome):
    application.outcome = outcome
    application.save(update_fields=["outcome"])
    with pytest.raises(ValidationError) as refused:
        make_investment(team, application=application)
    assert "committee approved" in field_messages(refused.value, "application")
    assert Investment.objects.count() == 0


def test_an_awarded_application_becomes_one_investment_only(make_investment, team, application):
    application.outcome = Outcome.AWARDED
    application.save(update_fields=["outcome"])
    investment = make_investment(team, application=application)
    application.refresh_from_db()
    assert application.investment == investment

    with pytest.raises(ValidationError) as refused:
        make_investment(team, application=application)
    assert "already has its investment" in field_messages(refused.value, "application")
    assert Investment.objects.count() == 1


def test_the_investment_goes_to_the_organization_that_applied(make_investment, other_team, application):
    application.outcome = Outcome.AWARDED
    application.save(update_fields=["outcome"])
    with pytest.raises(ValidationError) as refused:
        make_investment(other_team, application=application)
    assert "organization that applied" in field_messages(refused.value, "organization")


def test_without_a_plan_there_are_no_milestones_tranches_or_reports(make_investment, team):
    investment = make_investment(team, with_plan=False)
    assert investment.milestones.count() == 0
    assert investment.tranches.count() == 0
    assert Report.objects.filter(investment=investment).count() == 0
    assert open_commitment(investment) == 80_000 * USD_CENTS
