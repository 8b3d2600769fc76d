"""Solutions, cohorts, investments with their instrument terms, and contracts with documents and amendments.

An investment's amount is an exact integer in its asset's base units (``AmountField``, ADR 0008). The
instrument's terms are typed columns, and the database refuses the impossible ones (an equity share
outside 0–100 %, a negative valuation or rate, a debt without a term), whatever path wrote them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seedbed.calls.models import Application, Theme
from seedbed.core.models import Country, Organization
from seedbed.funds.fields import AmountField, amount_as_number
from seedbed.funds.models import Asset, Fund, Instrument, JournalEntry


class SolutionKind(models.TextChoices):
    SOFTWARE = "software", _("Software")
    DATA = "data", _("Open data")
    CONTENT = "content", _("Open content")
    AI_MODEL = "ai_model", _("AI model")


class Solution(models.Model):
    """A digital product an organization builds and the fund invests in."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="solutions"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=SolutionKind.choices, default=SolutionKind.SOFTWARE
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    sdgs = models.JSONField(_("sustainable development goals"), default=list, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """Investments of one theme and year, which share a technology stack and learn together."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="cohorts"
    )
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-year", "theme__name"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "year"], name="one_cohort_per_theme_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.theme.name} {self.year}"


class InvestmentStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("investment status", "Active")
    GRADUATED = "graduated", pgettext_lazy("investment status", "Graduated")
    DISCONTINUED = "discontinued", pgettext_lazy("investment status", "Discontinued")
    FAILED = "failed", pgettext_lazy("investment status", "Failed")


class RepaymentSchedule(models.TextChoices):
    BULLET = "bullet", _("All at the end of the term")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Yearly")


class Investment(models.Model):
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="investments"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("team"), on_delete=models.PROTECT, related_name="investments"
    )
    solutions = models.ManyToManyField(
        Solution, verbose_name=_("solutions"), related_name="investments", blank=True
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="investments"
    )
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), related_name="investments")
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investment",
    )
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="+")
    amount = AmountField(_("amount"))
    instrument = models.CharField(_("instrument"), max_length=16, choices=Instrument.choices)
    # --- Terms, by instrument ---
    pre_money_valuation = AmountField(_("pre-money valuation"), null=True, blank=True)
    equity_share = models.DecimalField(
        _("equity share (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    interest_rate = models.DecimalField(
        _("interest rate (% a year)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    repayment_schedule = models.CharField(
        _("repayments"), max_length=12, choices=RepaymentSchedule.choices, blank=True
    )
    guarantee_beneficiary = models.ForeignKey(
        Organization,
        verbose_name=_("beneficiary"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guarantees",
    )
    guarantee_expires_on = models.DateField(_("guarantee expires on"), null=True, blank=True)
    # --- Rules overridden, with the written reason (audited) ---
    rule_override_reason = models.TextField(_("reason for overriding the fund's rules"), blank=True)
    commitment_entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # --- Outcome ---
    status = models.CharField(
        _("status"), max_length=14, choices=InvestmentStatus.choices, default=InvestmentStatus.ACTIVE
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["fund", "status"]),
            models.Index(fields=["organization", "start_date"]),
            models.Index(fields=["start_date", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(amount_as_number("amount"), 0), name="investment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(equity_share__isnull=True)
                | models.Q(equity_share__gt=Decimal(0), equity_share__lte=Decimal(100)),
                name="investment_equity_share_0_to_100",
            ),
            models.CheckConstraint(
                # NULL (no valuation) passes a CHECK, as SQL says.
                condition=GreaterThanOrEqual(amount_as_number("pre_money_valuation"), 0),
                name="investment_valuation_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(interest_rate__isnull=True)
                | models.Q(interest_rate__gte=Decimal(0), interest_rate__lte=Decimal(100)),
                name="investment_interest_rate_0_to_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(instrument="equity")
                | models.Q(equity_share__isnull=False, pre_money_valuation__isnull=False),
                name="investment_equity_has_terms",
            ),
            models.CheckConstraint(
                condition=~models.Q(instrument="debt")
                | models.Q(interest_rate__isnull=False, term_months__isnull=False, term_months__gt=0),
                name="investment_debt_has_terms",
            ),
            models.CheckConstraint(
                condition=~models.Q(instrument="guarantee")
                | models.Q(guarantee_beneficiary__isnull=False, guarantee_expires_on__isnull=False),
                name="investment_guarantee_has_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("investment_detail", args=[self.reference])


class Contract(models.Model):
    """The agreement behind an investment: 12 months by default, signed on a date, amended over time."""

    investment = models.OneToOneField(Investment, on_delete=models.CASCADE, related_name="contract")
    months = models.PositiveSmallIntegerField(_("length (months)"), default=12)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(months__gt=0), name="contract_months_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Contract of %(investment)s") % {"investment": self.investment.reference})


def contract_file_path(instance: ContractDocument, filename: str) -> str:
    return f"contracts/{instance.contract_id}/{filename}"


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=contract_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Amendment(models.Model):
    """A change to the contract, in force from its signature: what changed, and a new end date if any."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    signed_on = models.DateField(_("signed on"))
    summary = models.TextField(_("what changes"))
    new_ends_on = models.DateField(_("new end date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return self.summary[:80]
