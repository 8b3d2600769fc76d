"""Quarterly grantee reports: the standard KPIs, the ones a fund manager adds per cohort, a narrative."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from seedbed.portfolio.models.investment import Cohort, Investment

# The standard KPIs every report asks for: key → (label, unit). Numbers only; money in the fund's
# reporting currency, as a whole number.
STANDARD_KPIS: dict[str, tuple[StrOrPromise, str]] = {
    "people_reached": (_("People reached"), ""),
    "children_reached": (_("Children reached"), ""),
    "countries_deployed": (_("Countries deployed"), ""),
    "active_users": (_("Active users"), ""),
    "revenue": (_("Revenue"), "USD"),
    "team_size": (_("Team size"), ""),
    "funds_raised": (_("Funds raised"), "USD"),
}


class CohortKpi(models.Model):
    """A KPI a fund manager adds for every report of one cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="kpis")
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("name"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("cohort KPI")
        verbose_name_plural = _("cohort KPIs")
        ordering = ["cohort", "label"]
        constraints = [models.UniqueConstraint(fields=["cohort", "key"], name="cohort_kpi_key_unique")]

    def __str__(self) -> str:
        return self.label


class ReportStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("report status", "Due")
    SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")


class Report(models.Model):
    investment = models.ForeignKey(Investment, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    kpis = models.JSONField(_("KPIs"), default=dict, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["investment", "period_start"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["investment", "period_start"], name="one_report_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="report_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investment.reference} {self.period_start:%Y-%m}–{self.period_end:%Y-%m}"
