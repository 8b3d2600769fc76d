"""The DPGA registry as imported (``seedbed dpga import``): one row per published nominee or DPG record,
with its screening answers, matched to a portfolio solution where one is the same product.

Contact names and e-mail addresses are personal data: the import drops them before anything is stored, so
no page, export or API can show them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seedbed.portfolio.models import Solution


class RegistryStage(models.TextChoices):
    # The values are the registry's own spelling (``stage`` in nominee-schema.json).
    DPG = "DPG", pgettext_lazy("registry stage", "Digital public good")
    NOMINEE = "nominee", pgettext_lazy("registry stage", "Nominee")
    ARCHIVE = "archive", pgettext_lazy("registry stage", "Archived")


class RegistryMatch(models.TextChoices):
    REPOSITORY = "repository", pgettext_lazy("registry match", "Same repository")
    NAME = "name", pgettext_lazy("registry match", "Same name")


class RegistryRecord(models.Model):
    key = models.CharField(
        _("key"), max_length=200, unique=True, help_text=_("The record's file name without .json.")
    )
    name = models.CharField(_("name"), max_length=300)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    stage = models.CharField(_("stage"), max_length=8, choices=RegistryStage.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    licences = models.JSONField(
        _("licences"), default=list, blank=True
    )  # SPDX ids as the registry spells them
    sdgs = models.JSONField(_("sustainable development goals"), default=list, blank=True)  # [int]
    types = models.JSONField(_("types"), default=list, blank=True)  # software / data / content / ...
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    repositories = models.JSONField(_("repositories"), default=list, blank=True)  # [{name, url}]
    organizations = models.JSONField(
        _("organizations"), default=list, blank=True
    )  # [{name, website, org_type}]
    # The whole nominee record and the screening answers, both without contact fields or e-mail addresses.
    record = models.JSONField(_("record"), default=dict, blank=True)
    screening = models.JSONField(_("screening"), default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"))
    solution = models.ForeignKey(
        Solution,
        verbose_name=_("solution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registry_records",
    )
    match = models.CharField(_("matched by"), max_length=12, choices=RegistryMatch.choices, blank=True)

    class Meta:
        verbose_name = _("registry record")
        verbose_name_plural = _("registry records")
        ordering = ["name", "key"]
        indexes = [models.Index(fields=["stage", "name"])]

    def __str__(self) -> str:
        return self.name
