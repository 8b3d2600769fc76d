"""The milestone plan of an investment, the evidence a team submits, and the tranches that pay for it.

A milestone goes planned → submitted → accepted, or back to the team (returned, with comments) until it
is accepted; a mentor decides. A tranche is paid through a payment request in the ledger (four-eyes); its
state is read from that request, so it shows as paid only when the disbursement is posted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from seedbed.funds.fields import AmountField, amount_as_number
from seedbed.funds.models import PaymentRequest, PaymentRequestStatus
from seedbed.portfolio.models.investment import Investment


class MilestoneKind(models.TextChoices):
    OPEN_SOURCE = "oss", _("Open-source mentorship")
    BUSINESS = "business", _("Business")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("milestone status", "Planned")
    SUBMITTED = "submitted", pgettext_lazy("milestone status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("milestone status", "Accepted")
    RETURNED = "returned", pgettext_lazy("milestone status", "Returned with comments")


class Milestone(models.Model):
    investment = models.ForeignKey(Investment, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=10, choices=MilestoneKind.choices)
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("milestone"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"))
    required = models.BooleanField(_("required"), default=False)
    check_key = models.CharField(
        _("check key"),
        max_length=60,
        blank=True,
        help_text=_("A repository scan can satisfy it automatically, e.g. oss.license."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_comment = models.TextField(_("comments"), blank=True)
    automatic = models.BooleanField(
        _("accepted from a repository scan"),
        default=False,
        help_text=_("A scan confirmed the check key; a mentor may override it with a reason."),
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["quarter", "position", "id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=8), name="milestone_quarter_1_to_8"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceKind(models.TextChoices):
    LINK = "link", _("Link")
    FILE = "file", _("File")
    TEXT = "text", _("Text")


def evidence_file_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.milestone.investment_id}/{instance.milestone_id}/{filename}"


class Evidence(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(upload_to=evidence_file_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return self.url or self.name or self.text[:60]


class TrancheState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("tranche state", "Scheduled")
    REQUESTED = "requested", pgettext_lazy("tranche state", "Awaiting payment approval")
    PAID = "paid", pgettext_lazy("tranche state", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("tranche state", "Cancelled")


class Tranche(models.Model):
    investment = models.ForeignKey(Investment, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount = AmountField(_("amount"))
    due_on = models.DateField(_("due on"))
    milestones = models.ManyToManyField(
        Milestone, verbose_name=_("milestones it depends on"), related_name="tranches", blank=True
    )
    payment_request = models.OneToOneField(
        PaymentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="tranche"
    )
    original_amount = AmountField(_("amount first scheduled"), null=True, blank=True)
    added_commitment = AmountField(null=True, blank=True)  # committed again when added (see tranche_add)
    change_reason = models.TextField(_("reason for the change"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["investment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["investment", "number"], name="tranche_number_unique"),
            models.CheckConstraint(
                condition=GreaterThan(amount_as_number("amount"), 0), name="tranche_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Tranche %(number)s") % {"number": self.number})

    @property
    def state(self) -> str:
        """Read from the payment request: paid only once the disbursement is posted in the ledger."""
        if self.cancelled_at is not None:
            return TrancheState.CANCELLED
        request = self.payment_request
        if request is None or request.status in (
            PaymentRequestStatus.REJECTED,
            PaymentRequestStatus.CANCELLED,
        ):
            return TrancheState.SCHEDULED
        if request.status == PaymentRequestStatus.POSTED:
            return TrancheState.PAID
        return TrancheState.REQUESTED

    def get_state_display(self) -> str:
        return str(TrancheState(self.state).label)
