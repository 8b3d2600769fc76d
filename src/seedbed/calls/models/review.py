"""Reviews: a reviewer's assignment to an application, their scores per criterion, and conflicts of interest.

A review is *assigned*, then *draft* once the reviewer saves scores, then *submitted* (``total`` is then
the weighted mean of the scores, 1 to 5). A reviewer who declares a conflict of interest is *recused*:
they see nothing more of the application and another reviewer is assigned.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models.application import Application
from seedbed.calls.models.call import Criterion


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Not started")
    DRAFT = "draft", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    RECUSED = "recused", _("Recused")


# Reviews that still count: the reviewer works on them or has submitted them.
LIVE_REVIEW_STATUSES = (ReviewStatus.ASSIGNED, ReviewStatus.DRAFT, ReviewStatus.SUBMITTED)


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    comment = models.TextField(_("overall comment"), blank=True)
    total = models.DecimalField(_("weighted score"), max_digits=4, decimal_places=3, null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer"),
            models.CheckConstraint(
                condition=models.Q(status="submitted", total__isnull=False, submitted_at__isnull=False)
                | (~models.Q(status="submitted") & models.Q(total__isnull=True)),
                name="review_total_only_when_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["application", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application_id}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="score_between_1_and_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class Conflict(models.Model):
    """A declared conflict of interest: the person neither reviews nor votes on the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    note = models.TextField(_("the conflict"), help_text=_("Say briefly what ties you to the applicant."))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["application", "user"], name="one_conflict_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} ⟂ {self.application_id}"
