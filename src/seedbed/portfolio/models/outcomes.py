"""What became of an investment after it: follow-on rounds with their co-investors, and the fund's
knowledge products (research published in the public domain) linked to investments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from seedbed.core.models import Organization
from seedbed.funds.fields import AmountField, amount_as_number
from seedbed.funds.models import Asset, Instrument
from seedbed.portfolio.models.investment import Investment


class FollowOnRound(models.Model):
    investment = models.ForeignKey(Investment, on_delete=models.CASCADE, related_name="follow_ons")
    date = models.DateField(_("date"))
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="+")
    amount = AmountField(_("amount"))
    instrument = models.CharField(_("instrument"), max_length=16, choices=Instrument.choices)
    investors = models.ManyToManyField(
        Organization, verbose_name=_("investors"), related_name="follow_on_rounds"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("follow-on round")
        verbose_name_plural = _("follow-on rounds")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(amount_as_number("amount"), 0), name="follow_on_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investment.reference} {self.date}"


class KnowledgeKind(models.TextChoices):
    RESEARCH = "research", _("Research")
    CASE_STUDY = "case_study", _("Case study")
    DATA_SET = "data_set", _("Data set")
    TOOLKIT = "toolkit", _("Toolkit")


def knowledge_file_path(instance: KnowledgeProduct, filename: str) -> str:
    return f"knowledge/{filename}"


class KnowledgeProduct(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=KnowledgeKind.choices)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(upload_to=knowledge_file_path, max_length=300, blank=True)
    licence = models.CharField(
        _("licence"), max_length=60, help_text=_("An SPDX identifier, e.g. CC-BY-4.0.")
    )
    published_on = models.DateField(_("published on"))
    investments = models.ManyToManyField(
        Investment, verbose_name=_("investments"), related_name="knowledge_products", blank=True
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("knowledge product")
        verbose_name_plural = _("knowledge products")
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title
