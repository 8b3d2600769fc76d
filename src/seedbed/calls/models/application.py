"""Applications to a call: the answers, files, eligibility screening and the messages sent to applicants.

An application is a *draft* that only its organization sees until it is *submitted* (before the call's
deadline, to the second); it may then be *withdrawn*. Once submitted it enters the call's first stage and
moves through the stages; ``outcome`` records the decision (awarded or declined).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models.call import Call, EligibilityRule, Question, Stage
from seedbed.core.models import Organization, OrganizationKind, country_name_catalog


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(models.TextChoices):
    PENDING = "", _("Not decided")
    AWARDED = "awarded", _("Awarded")
    DECLINED = "declined", _("Declined")


class Eligibility(models.TextChoices):
    """The screening's summary: any failed rule makes the application ineligible."""

    NOT_SCREENED = "", _("Not screened")
    ELIGIBLE = "eligible", _("Eligible")
    TO_VERIFY = "to_verify", _("To verify")
    INELIGIBLE = "ineligible", _("Not eligible")


class Application(models.Model):
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.PositiveIntegerField(_("number"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications_started"
    )
    title = models.CharField(_("name of the solution"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Two or three sentences."))
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices, default="", blank=True)
    eligibility = models.CharField(
        _("eligibility"), max_length=12, choices=Eligibility.choices, default="", blank=True
    )
    # {question id: value}; values are text, a number as text, a list of choices, or a date in ISO format.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # {rule id: {"meets": bool, "note": text}} for rules answered by the applicant.
    rule_answers = models.JSONField(_("answers to eligibility rules"), default=dict, blank=True)
    # What was submitted, frozen: [{"label": …, "answer": …}], as e-mailed to the applicant.
    submitted_copy = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="unique_application_number_per_call"),
            # One live application per organization and call; a withdrawn one does not block a new one.
            models.UniqueConstraint(
                fields=["call", "organization"],
                condition=~models.Q(status="withdrawn"),
                name="one_live_application_per_organization",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", submitted_at__isnull=True)
                | (~models.Q(status="draft") & models.Q(submitted_at__isnull=False)),
                name="application_submitted_at_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", stage__isnull=True) | ~models.Q(status="draft"),
                name="draft_application_has_no_stage",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status", "stage", "submitted_at"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("application_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """What everyone, reviewers of a blind call included, calls the application."""
        return f"{self.call.reference_prefix}-{self.number:04d}"

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


def application_file_path(instance: ApplicationFile, filename: str) -> str:
    # A random name: the original one is kept in ``name`` and never used as a path.
    return f"applications/{instance.application.call_id}/{instance.application_id}/{uuid.uuid4().hex}"


class ApplicationFile(models.Model):
    """A file answering a file question. Served only through the application's access check."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=application_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="one_file_per_question")
        ]

    def __str__(self) -> str:
        return self.name


# What the screening says about a rule; ``EligibilityCheck.reason`` fills in the values.
REASONS = {
    "no_country": _("The organization has no country in the directory."),
    "programme_country": _("%(country)s is a UNICEF programme country."),
    "not_programme_country": _("%(country)s is not a UNICEF programme country."),
    "kind_allowed": _("The organization is a %(kind)s."),
    "kind_not_allowed": _("The organization is a %(kind)s, which this call does not accept."),
    "applicant_meets": _("The applicant says they meet this rule."),
    "applicant_does_not_meet": _("The applicant says they do not meet this rule."),
}


class CheckResult(models.TextChoices):
    PASSED = "passed", _("Meets the rule")
    FAILED = "failed", _("Does not meet the rule")
    TO_VERIFY = "to_verify", _("To verify by a manager")


class EligibilityCheck(models.Model):
    """One rule's result for one application: automatic, then possibly overridden by a manager."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="eligibility_checks")
    rule = models.ForeignKey(EligibilityRule, on_delete=models.PROTECT, related_name="checks")
    result = models.CharField(_("screening result"), max_length=12, choices=CheckResult.choices)
    # Why, as a code and its values, so that each reader reads it in their own language (``reason``).
    reason_code = models.CharField(max_length=32, choices=[(code, code) for code in REASONS], blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    applicant_note = models.TextField(_("the applicant's note"), blank=True)
    override = models.CharField(
        _("manager's decision"), max_length=12, choices=CheckResult.choices, blank=True
    )
    override_note = models.TextField(_("note"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["application", "rule__position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rule"], name="one_check_per_rule"),
            models.CheckConstraint(
                condition=models.Q(override="") | ~models.Q(override_note=""), name="override_has_note"
            ),
            models.CheckConstraint(condition=~models.Q(override="to_verify"), name="override_decides"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.rule_id} {self.outcome}"

    @property
    def outcome(self) -> str:
        return self.override or self.result

    @property
    def outcome_label(self) -> Any:
        return CheckResult(self.outcome).label

    @property
    def reason(self) -> str:
        """The reason in the reader's language, followed by the applicant's own note if any."""
        template = REASONS.get(self.reason_code)
        text = ""
        if template is not None:
            params = dict(self.reason_params or {})
            if "country" in params:
                params["country"] = country_name_catalog(get_language() or "en").gettext(params["country"])
            if "kind" in params and params["kind"] in OrganizationKind.values:
                params["kind"] = str(OrganizationKind(params["kind"]).label)
            text = str(template) % params
        return f"{text} {self.applicant_note}".strip()


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Submission confirmed")
    STAGE = "stage", _("Stage changed")
    DECISION = "decision", _("Decision")
    NOTE = "note", _("Message")


class ApplicationMessage(models.Model):
    """A message to the applicant's organization: shown in the portal and e-mailed to its members."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices, default=MessageKind.NOTE)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("e-mailed to"), default=0)

    class Meta:
        verbose_name = _("message to applicant")
        verbose_name_plural = _("messages to applicants")
        ordering = ["application", "-sent_at", "-pk"]
        indexes = [models.Index(fields=["application", "sent_at"])]

    def __str__(self) -> str:
        return self.subject
