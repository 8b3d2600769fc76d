"""A solution's assessment against the DPG Standard: one answer per assessable item (indicators 1-8 and
9a, 9b, 9c), suggested by the scanner or written by the team, signed off by a reviewer; and the
solution's DPG status with its one-year term."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seedbed.portfolio.models import Solution

DPG_TERM_YEARS = 1
RENEWAL_WINDOW_DAYS = 45


class Indicator(models.TextChoices):
    """The eleven assessable items of the DPG Standard (see DPG-STANDARD.md)."""

    SDG = "1", _("1. Relevance to the SDGs")
    LICENCE = "2", _("2. Approved open licence")
    OWNERSHIP = "3", _("3. Clear ownership")
    PLATFORM = "4", _("4. Platform independence")
    DOCUMENTATION = "5", _("5. Documentation")
    DATA_EXTRACTION = "6", _("6. Extracting data and content")
    PRIVACY_LAWS = "7", _("7. Privacy and applicable laws")
    STANDARDS = "8", _("8. Standards and best practices")
    DATA_PRIVACY = "9a", _("9a. Data privacy and security")
    CONTENT = "9b", _("9b. Inappropriate and illegal content")
    HARASSMENT = "9c", _("9c. Protection from harassment")


class IndicatorAnswer(models.Model):
    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="indicator_answers"
    )
    indicator = models.CharField(_("indicator"), max_length=3, choices=Indicator.choices)
    answer = models.TextField(_("answer"), blank=True)
    evidence_urls = models.JSONField(_("evidence links"), default=list, blank=True)
    # Answers to the DPGA application's own questions for this item, keyed by the screening schema's field
    # names (e.g. {"collectsPII": "Yes"}); the nomination export uses them over what it would infer.
    details = models.JSONField(_("details"), default=dict, blank=True)
    suggested = models.BooleanField(
        _("suggested"), default=False, help_text=_("Pre-filled from a scan; not yet confirmed by a person.")
    )
    suggestion_source = models.CharField(_("suggested by"), max_length=200, blank=True)
    # What made the suggestion: a scan refreshes only its own suggestions; a registry record (asked for by
    # a person) replaces a scan's.
    suggested_from = models.CharField(
        _("suggested from"),
        max_length=8,
        blank=True,
        choices=[
            ("scan", pgettext_lazy("suggested from", "a scan")),
            ("registry", pgettext_lazy("suggested from", "the DPGA registry")),
        ],
    )
    met = models.BooleanField(_("met"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("indicator answer")
        verbose_name_plural = _("indicator answers")
        ordering = ["solution", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["solution", "indicator"], name="indicator_answer_once_per_solution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.solution}: {self.indicator}"

    @property
    def signed_off(self) -> bool:
        return self.signed_off_at is not None


class DpgStatusValue(models.TextChoices):
    NONE = "none", pgettext_lazy("DPG status", "Not a DPG")
    NOMINEE = "nominee", pgettext_lazy("DPG status", "Nominee")
    DPG = "dpg", pgettext_lazy("DPG status", "Digital public good")
    EXPIRED = "expired", pgettext_lazy("DPG status", "Expired")


class DpgStatusSource(models.TextChoices):
    REGISTRY = "registry", pgettext_lazy("DPG status source", "DPGA registry")
    MANUAL = "manual", pgettext_lazy("DPG status source", "Recorded by a person")


def expiry_for(since: dt.date) -> dt.date:
    """One year after ``since`` (29 February moves to 28 February)."""
    try:
        return since.replace(year=since.year + DPG_TERM_YEARS)
    except ValueError:
        return since.replace(year=since.year + DPG_TERM_YEARS, day=28)


class DpgStatus(models.Model):
    solution = models.OneToOneField(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="dpg_status"
    )
    status = models.CharField(
        _("DPG status"), max_length=8, choices=DpgStatusValue.choices, default=DpgStatusValue.NONE
    )
    since = models.DateField(_("since"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("DPG status lasts one year from the decision.")
    )
    registry_record = models.ForeignKey(
        "dpg.RegistryRecord",
        verbose_name=_("registry record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statuses",
    )
    source = models.CharField(
        _("source"), max_length=8, choices=DpgStatusSource.choices, default=DpgStatusSource.MANUAL
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("DPG status")
        verbose_name_plural = _("DPG statuses")

    def __str__(self) -> str:
        return f"{self.solution}: {self.get_status_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status == DpgStatusValue.DPG and self.since and not self.expires_on:
            self.expires_on = expiry_for(self.since)
        super().save(*args, **kwargs)

    def expired(self, today: dt.date | None = None) -> bool:
        """Whether the DPG status has lapsed (on ``expires_on`` or later), or was recorded as expired."""
        if self.status == DpgStatusValue.EXPIRED:
            return True
        if self.status != DpgStatusValue.DPG or self.expires_on is None:
            return False
        return (today or timezone.localdate()) >= self.expires_on

    def renewal_open(self, today: dt.date | None = None) -> bool:
        """Whether a renewal can be started: 45 days or fewer remain, or the status has expired."""
        if self.status == DpgStatusValue.EXPIRED:
            return True
        if self.status != DpgStatusValue.DPG or self.expires_on is None:
            return False
        today = today or timezone.localdate()
        return today >= self.expires_on - dt.timedelta(days=RENEWAL_WINDOW_DAYS)

    def days_left(self, today: dt.date | None = None) -> int | None:
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days
