"""Quarterly reports: the team submits KPIs and a narrative; fund managers add KPIs per cohort; a periodic
job reminds teams of reports due soon or overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.core.models import Membership
from seedbed.portfolio import access
from seedbed.portfolio.models import STANDARD_KPIS, Cohort, CohortKpi, InvestmentStatus, Report, ReportStatus
from seedbed.portfolio.services.common import require, system_or

REMIND_DAYS_BEFORE = 7
REMIND_EVERY_DAYS = 7


def report_kpis(report: Report) -> list[tuple[str, str, str]]:
    """(key, label, unit) of every KPI the report asks for: the standard ones, then the cohort's."""
    rows = [(key, str(label), unit) for key, (label, unit) in STANDARD_KPIS.items()]
    rows += [(kpi.key, kpi.label, kpi.unit) for kpi in report.investment.cohort.kpis.all()]
    return rows


def _number(raw: Any) -> int | str | None:
    """A KPI as the team wrote it: a whole number as an int, otherwise the exact decimal as a string (a
    revenue of 5000.50 stays exact; a float would not)."""
    if raw in (None, ""):
        return None
    try:
        number = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite() or number < 0:
        raise ValueError
    return int(number) if number == number.to_integral_value() else str(number.normalize())


@transaction.atomic
def report_submit(*, actor: Any, report: Report, kpis: dict[str, Any], narrative: str) -> Report:
    """A member of the team submits (or corrects) a quarterly report once its quarter has begun."""
    report = (
        Report.objects.select_for_update(of=("self",)).select_related("investment__cohort").get(pk=report.pk)
    )
    require(access.is_member(actor, report.investment), _("Only the team submits its reports."))
    if report.period_start > timezone.localdate():
        raise ValidationError(_("This report's quarter has not begun yet."), code="early")
    errors: dict[str, list[str]] = {}
    values: dict[str, int | str] = {}
    known = report_kpis(report)
    for key, _label, _unit in known:
        try:
            value = _number(kpis.get(key))
        except ValueError:
            errors[key] = [_("Enter a number of zero or more.")]
            continue
        if value is not None:
            values[key] = value
    unknown = sorted(set(kpis) - {key for key, _l, _u in known})
    if unknown:
        errors["kpis"] = [_("Unknown KPI: %(keys)s.") % {"keys": ", ".join(unknown)}]
    narrative = (narrative or "").strip()
    if not narrative:
        errors["narrative"] = [_("Tell the fund how the quarter went.")]
    if errors:
        raise ValidationError(errors)
    before = report.status
    report.kpis, report.narrative = values, narrative
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), actor
    report.save(update_fields=["kpis", "narrative", "status", "submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="report.submit",
        target=report.investment,
        changes={"report": [None, str(report)], "status": [before, report.status]},
    )
    return report


@transaction.atomic
def cohort_kpi_add(*, actor: Any, cohort: Cohort, label: str, unit: str = "") -> CohortKpi:
    system_or(actor, access.can_manage_portfolio(actor), _("Only fund managers add KPIs."))
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": [_("Name the KPI.")]})
    key = slugify(label).replace("-", "_")[:40] or "kpi"
    if key in STANDARD_KPIS or cohort.kpis.filter(key=key).exists():
        raise ValidationError({"label": [_("This cohort already asks for this KPI.")]})
    kpi = CohortKpi.objects.create(cohort=cohort, key=key, label=label, unit=(unit or "").strip()[:20])
    audit_record(actor=actor, action="cohort.kpi_add", target=cohort, changes={"kpi": [None, label]})
    return kpi


def overdue_reports(today: dt.date | None = None) -> Any:
    today = today or timezone.localdate()
    return Report.objects.filter(status=ReportStatus.DUE, due_on__lt=today)


def reports_remind(*, now: dt.datetime | None = None) -> int:
    """E-mail each active team about reports due within a week or overdue, at most once a week per report.
    Returns how many reports were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Report.objects.filter(
            status=ReportStatus.DUE,
            due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
            period_end__lt=today,
            investment__status=InvestmentStatus.ACTIVE,
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - dt.timedelta(days=REMIND_EVERY_DAYS)))
        .select_related("investment__organization")
        .order_by("investment_id", "due_on")
    )
    sent = 0
    for report in due:
        members = list(
            Membership.objects.filter(organization_id=report.investment.organization_id, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        )
        people = [m.user for m in members if m.user.email]
        overdue = report.due_on < today
        with translation.override(settings.LANGUAGE_CODE):
            subject = (
                _("Overdue: the quarterly report of %(reference)s")
                if overdue
                else _("Due soon: the quarterly report of %(reference)s")
            ) % {"reference": report.investment.reference}
            emails = [
                EmailMessage(
                    subject,
                    render_to_string(
                        "emails/report_reminder.txt",
                        {
                            "report": report,
                            "person": person,
                            "overdue": overdue,
                            "site_url": settings.SITE_URL,
                        },
                    ),
                    to=[person.email],
                )
                for person in people
            ]
        if emails:  # one e-mail per person: nobody sees the others' addresses
            with get_connection() as connection:
                connection.send_messages(emails)
        Report.objects.filter(pk=report.pk).update(reminded_at=now)
        sent += 1
    return sent
