"""A solution's repositories and their scans: every check's result with its evidence, kept per scan so
the history shows how a repository's readiness changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seedbed.core.models import Job
from seedbed.portfolio.models import Solution


class Repository(models.Model):
    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="repositories"
    )
    url = models.CharField(
        _("repository"),
        max_length=500,
        help_text=_("Its public address, e.g. https://github.com/org/project."),
    )
    name = models.CharField(_("name"), max_length=100, default="main")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_scan = models.ForeignKey(
        "Scan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last scan"),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("repository")
        verbose_name_plural = _("repositories")
        ordering = ["solution", "name", "url"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "url"], name="repository_url_once_per_solution")
        ]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("repository_detail", args=[self.pk])


class ScanStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("scan status", "Queued")
    RUNNING = "running", pgettext_lazy("scan status", "Running")
    DONE = "done", pgettext_lazy("scan status", "Done")
    FAILED = "failed", pgettext_lazy("scan status", "Failed")


class Scan(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="scans")
    status = models.CharField(
        _("status"), max_length=8, choices=ScanStatus.choices, default=ScanStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    commit = models.CharField(_("commit"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    passed = models.PositiveSmallIntegerField(_("passed"), default=0)
    failed = models.PositiveSmallIntegerField(_("failed"), default=0)
    warnings = models.PositiveSmallIntegerField(_("warnings"), default=0)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["repository", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.repository} @ {self.requested_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("scan_detail", args=[self.pk])

    @property
    def score(self) -> int | None:
        """Passed checks out of those that apply, in per cent."""
        applicable = self.passed + self.failed + self.warnings
        return round(100 * self.passed / applicable) if applicable else None


class ScanCheck(models.Model):
    """One check of one scan, as the scanner returned it (see ``scanner.types.CheckResult``)."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="checks")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=8)
    message = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)  # [{path, line, note, url}]
    indicators = models.JSONField(default=list, blank=True)
    check_keys = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scan", "position"]
        constraints = [models.UniqueConstraint(fields=["scan", "key"], name="scan_check_key_once")]

    def __str__(self) -> str:
        return f"{self.key}: {self.status}"
