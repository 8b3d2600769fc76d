"""Portfolio services, quarterly reports: the team submits KPIs and a narrative, fund managers add KPIs per
cohort, and teams are reminded by e-mail of reports due soon or overdue — once a week at most."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from seedbed.calls.models import Theme
from seedbed.core.models import AuditEvent, Membership
from seedbed.core.roles import Role
from seedbed.portfolio import services
from seedbed.portfolio.models import STANDARD_KPIS, Cohort, Investment, Report, ReportStatus
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def first_report(investment: Investment) -> Report:
    return investment.reports.order_by("period_start").first()


@pytest.fixture
def investment(make_investment, team) -> Investment:
    """Started 30 days ago: its first quarter has begun, the second has not."""
    return make_investment(team)


def submit(people, report: Report, kpis=None, narrative="A good quarter.", who="grantee") -> Report:
    return services.report_submit(actor=people[who], report=report, kpis=kpis or {}, narrative=narrative)


# --- Submitting a report ------------------------------------------------------------------------------


def test_a_member_submits_kpis_and_a_narrative(investment, people):
    report = first_report(investment)
    submitted = submit(
        people,
        report,
        kpis={
            "people_reached": "1,200",
            "revenue": "5000.5",
            "team_size": 7,
            "active_users": "0",
            "children_reached": "",
        },
        narrative="  Onboarded two cooperatives.  ",
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # Exact: a whole number as a number, a decimal as its exact digits (never a float).
    assert report.kpis == {"people_reached": 1200, "revenue": "5000.5", "team_size": 7, "active_users": 0}
    assert report.narrative == "Onboarded two cooperatives."
    assert report.submitted_by == people["grantee"]
    assert report.submitted_at is not None
    assert submitted.pk == report.pk
    assert AuditEvent.objects.filter(action="report.submit", object_id=str(investment.pk)).count() == 1


def test_a_submitted_report_can_be_corrected(investment, people):
    report = first_report(investment)
    submit(people, report, kpis={"people_reached": 100})
    submit(people, report, kpis={"people_reached": 150}, narrative="Corrected figures.")
    report.refresh_from_db()
    assert report.kpis == {"people_reached": 150}
    assert report.narrative == "Corrected figures."


@pytest.mark.parametrize("value", ["-5", -1, "abc", "NaN", "Infinity", "12 people"])
def test_a_kpi_must_be_a_number_of_zero_or_more(investment, people, value):
    report = first_report(investment)
    with pytest.raises(ValidationError) as refused:
        submit(people, report, kpis={"people_reached": value, "team_size": 4})
    assert refused.value.message_dict["people_reached"] == ["Enter a number of zero or more."]
    assert "team_size" not in refused.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    assert report.kpis == {}


def test_an_unknown_kpi_is_refused(investment, people):
    report = first_report(investment)
    with pytest.raises(ValidationError) as refused:
        submit(people, report, kpis={"people_reached": 10, "unicorns": 3, "aardvarks": 1})
    assert refused.value.message_dict["kpis"] == ["Unknown KPI: aardvarks, unicorns."]
    assert first_report(investment).status == ReportStatus.DUE


@pytest.mark.parametrize("narrative", ["", "   ", None])
def test_a_report_needs_a_narrative(investment, people, narrative):
    report = first_report(investment)
    with pytest.raises(ValidationError) as refused:
        submit(people, report, kpis={"people_reached": 10}, narrative=narrative)
    assert "narrative" in refused.value.message_dict
    assert first_report(investment).status == ReportStatus.DUE


def test_a_report_cannot_be_submitted_before_its_quarter_begins(investment, people):
    later = investment.reports.order_by("period_start")[1]
    assert later.period_start > today()
    with pytest.raises(ValidationError, match="has not begun yet"):
        submit(people, later, kpis={"people_reached": 10})
    later.refresh_from_db()
    assert later.status == ReportStatus.DUE


@pytest.mark.parametrize("persona", ["other_grantee", "fund_manager", "mentor"])
def test_only_the_team_submits_its_reports(investment, people, persona):
    with pytest.raises(PermissionDenied):
        submit(people, first_report(investment), kpis={"people_reached": 10}, who=persona)
    assert first_report(investment).status == ReportStatus.DUE


# --- KPIs of a cohort ------------------------------------------------------------------------------


def test_a_cohort_kpi_is_asked_for_in_every_report_of_the_cohort(investment, people, cohort):
    report = first_report(investment)
    keys_before = [key for key, _label, _unit in services.report_kpis(report)]
    assert keys_before == list(STANDARD_KPIS)

    kpi = services.cohort_kpi_add(
        actor=people["fund_manager"], cohort=cohort, label="  Schools connected ", unit="schools"
    )
    assert (kpi.key, kpi.label, kpi.unit) == ("schools_connected", "Schools connected", "schools")
    assert services.report_kpis(report)[-1] == ("schools_connected", "Schools connected", "schools")

    submit(people, report, kpis={"schools_connected": "12", "people_reached": 40})
    report.refresh_from_db()
    assert report.kpis == {"schools_connected": 12, "people_reached": 40}
    assert AuditEvent.objects.filter(action="cohort.kpi_add").count() == 1


def test_a_kpi_of_another_cohort_is_not_asked_for(investment, people):
    other = Cohort.objects.create(theme=Theme.objects.order_by("name").last(), year=2022)
    services.cohort_kpi_add(actor=people["fund_manager"], cohort=other, label="Hectares mapped")
    report = first_report(investment)
    assert "hectares_mapped" not in [key for key, _l, _u in services.report_kpis(report)]
    with pytest.raises(ValidationError, match="Unknown KPI: hectares_mapped"):
        submit(people, report, kpis={"hectares_mapped": 5})


def test_a_cohort_kpi_is_named_once(people, cohort):
    manager = people["fund_manager"]
    services.cohort_kpi_add(actor=manager, cohort=cohort, label="Schools connected")
    for label in ("Schools connected", "schools-connected", "People reached"):
        with pytest.raises(ValidationError, match="already asks for this KPI"):
            services.cohort_kpi_add(actor=manager, cohort=cohort, label=label)
    with pytest.raises(ValidationError, match="Name the KPI"):
        services.cohort_kpi_add(actor=manager, cohort=cohort, label="  ")
    with pytest.raises(PermissionDenied):
        services.cohort_kpi_add(actor=people["mentor"], cohort=cohort, label="Clinics")
    assert cohort.kpis.count() == 1


# --- Reminders --------------------------------------------------------------------------------------


@pytest.fixture
def second_member(team):
    user = make_user("second_member", (Role.APPLICANT,))
    Membership.objects.create(user=user, organization=team, role="member")
    return user


@pytest.fixture
def due_soon(make_investment, team, second_member) -> Investment:
    """Started 100 days ago: the first quarter ended 9–12 days ago, its report is due in 3–6 days."""
    return make_investment(team, start_date=today() - dt.timedelta(days=100))


def test_each_member_is_reminded_once_in_their_own_e_mail(due_soon, people, second_member):
    report = first_report(due_soon)
    assert today() < report.due_on <= today() + dt.timedelta(days=7)

    assert services.reports_remind() == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [people["grantee"].email, second_member.email]
    )
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert message.subject == f"Due soon: the quarterly report of {due_soon.reference}"
        assert due_soon.reference in message.body
        assert reverse("report_edit", args=[report.pk]) in message.body
    report.refresh_from_db()
    assert report.reminded_at is not None


def test_no_second_reminder_within_a_week(due_soon):
    now = timezone.now()
    assert services.reports_remind(now=now) == 1
    assert len(mail.outbox) == 2
    assert services.reports_remind(now=now + dt.timedelta(days=1)) == 0
    assert services.reports_remind(now=now + dt.timedelta(days=6, hours=23)) == 0
    assert len(mail.outbox) == 2
    assert services.reports_remind(now=now + dt.timedelta(days=7, hours=1)) == 1
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].subject.startswith("Overdue:")


def test_an_overdue_report_says_so(make_investment, team, people):
    investment = make_investment(team, start_date=today() - dt.timedelta(days=130))
    assert services.reports_remind() == 1
    (message,) = mail.outbox
    assert message.to == [people["grantee"].email]
    assert message.subject == f"Overdue: the quarterly report of {investment.reference}"
    assert "has not been submitted" in message.body
    assert list(services.overdue_reports()) == [first_report(investment)]


def test_a_submitted_report_is_not_reminded(due_soon, people):
    submit(people, first_report(due_soon), kpis={"people_reached": 10})
    assert services.reports_remind() == 0
    assert mail.outbox == []


def test_nobody_is_reminded_of_a_quarter_still_running(investment):
    assert services.reports_remind() == 0
    assert mail.outbox == []


def test_an_ended_investment_is_not_reminded(due_soon, people):
    services.investment_set_status(
        actor=people["fund_manager"],
        investment=due_soon,
        status="discontinued",
        on=today(),
        reason_text="The team stopped.",
    )
    assert services.reports_remind() == 0
    assert mail.outbox == []


def test_inactive_members_are_not_e_mailed(due_soon, people, second_member):
    second_member.is_active = False
    second_member.save(update_fields=["is_active"])
    assert services.reports_remind() == 1
    assert [message.to for message in mail.outbox] == [[people["grantee"].email]]
