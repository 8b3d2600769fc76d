"""Calls for applications: themes, the call itself, its eligibility rules, stages, rubric and form.

A call is a *draft* until ``opens_at``, *open* from ``opens_at`` (included) until ``closes_at``
(excluded), and *closed* from ``closes_at`` on: the deadline is enforced to the second. Date-times are
stored in UTC; ``time_zone`` is the IANA zone in which the fund announces the deadline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from seedbed.core.models import OrganizationKind
from seedbed.funds.fields import AmountField, amount_as_number
from seedbed.funds.models import Fund


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet open")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Call(models.Model):
    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="calls")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="calls")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", help_text=_("The deadline is announced in this zone.")
    )
    ticket_min = AmountField(_("smallest ticket"))
    ticket_max = AmountField(_("largest ticket"))
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_(
            "Reviewers do not see who applied: not the organization, its people or marked questions."
        ),
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=3,
        help_text=_("Used when reviewers are assigned automatically."),
    )
    disagreement_spread = models.DecimalField(
        _("disagreement at a spread of"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.5"),
        help_text=_("Reviewers disagree strongly when their scores (1 to 5) are this far apart or more."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind reviewers (days before a stage closes)"), default=3
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["opens_at", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(amount_as_number("ticket_min"), amount_as_number("ticket_max")),
                name="call_ticket_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(amount_as_number("ticket_min"), 0),
                name="call_ticket_min_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("call_detail", args=[self.slug])

    def status_at(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return CallStatus.DRAFT
        if now < self.closes_at:
            return CallStatus.OPEN
        return CallStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def status_label(self) -> str:
        return str(CallStatus(self.status).label)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.status_at(now) == CallStatus.OPEN

    def has_opened(self, now: dt.datetime | None = None) -> bool:
        return self.status_at(now) != CallStatus.DRAFT

    @property
    def reference_prefix(self) -> str:
        """A short code for application references: the initials of the short name's words, and the last
        two digits of a year in it ("data-science-and-ai-2018" → "DSAA18", "open-call" → "OC")."""
        words = [word for word in self.slug.split("-") if word]
        letters = "".join(word[0] for word in words if not word.isdigit())[:6].upper()
        years = [word[-2:] for word in words if word.isdigit() and len(word) == 4]
        return (letters + (years[-1] if years else "")) or "APP"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def closes_at_local(self) -> dt.datetime:
        return self.closes_at.astimezone(self.zone)

    @property
    def opens_at_local(self) -> dt.datetime:
        return self.opens_at.astimezone(self.zone)


class RuleKind(models.TextChoices):
    PROGRAMME_COUNTRY = "programme_country", _("Registered in a UNICEF programme country")
    OSI_LICENCE = "osi_licence", _("Commits to an OSI-approved open-source licence")
    WORKING_PROTOTYPE = "working_prototype", _("Has a working prototype")
    ORGANIZATION_KINDS = "organization_kinds", _("Allowed kinds of organization")
    CUSTOM = "custom", _("Other rule")


class RuleCheck(models.TextChoices):
    AUTOMATIC = "automatic", _("Checked automatically")
    APPLICANT_ANSWERS = (
        "applicant_answers_manager_verifies",
        _("Answered by the applicant, verified by a manager"),
    )


# Rules that Seedbed can check from the directory's data about the applicant's organization.
AUTOMATIC_KINDS = frozenset({RuleKind.PROGRAMME_COUNTRY, RuleKind.ORGANIZATION_KINDS})


class EligibilityRule(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind.choices)
    organization_kinds = models.JSONField(_("allowed kinds of organization"), default=list, blank=True)
    text = models.TextField(_("rule"), blank=True, help_text=_("The rule in plain words (other rules)."))
    # Not named ``check``: that would hide Model.check(), Django's system checks.
    check_mode = models.CharField(_("how it is checked"), max_length=40, choices=RuleCheck.choices)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="unique_rule_position_per_call"),
            models.CheckConstraint(condition=~models.Q(kind="custom", text=""), name="custom_rule_has_text"),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """The rule in plain words, in the reader's language."""
        if self.kind == RuleKind.CUSTOM:
            return self.text
        if self.kind == RuleKind.ORGANIZATION_KINDS:
            labels = [str(OrganizationKind(kind).label) for kind in self.organization_kinds]
            return gettext("The applicant is one of: %(kinds)s.") % {"kinds": ", ".join(labels)}
        return {
            RuleKind.PROGRAMME_COUNTRY: gettext("The applicant is registered in a UNICEF programme country."),
            RuleKind.OSI_LICENCE: gettext(
                "The solution is, or will be, released under an OSI-approved open-source licence."
            ),
            RuleKind.WORKING_PROTOTYPE: gettext("The team has a working prototype."),
        }[RuleKind(self.kind)]

    def evaluate(self, organization: Any) -> bool | None:
        """True or False where the directory's data decides; None where a person must check."""
        if self.check_mode != RuleCheck.AUTOMATIC:
            return None
        if self.kind == RuleKind.PROGRAMME_COUNTRY:
            return bool(organization.country and organization.country.programme_country)
        if self.kind == RuleKind.ORGANIZATION_KINDS:
            return organization.kind in self.organization_kinds
        return None


class StageKind(models.TextChoices):
    EXPRESSION_OF_INTEREST = "expression_of_interest", _("Expression of interest")
    ELIGIBILITY = "eligibility", _("Eligibility screening")
    SHORTLIST = "shortlist", _("Shortlist")
    DUE_DILIGENCE = "due_diligence", _("Due diligence")
    COMMITTEE = "committee", _("Investment committee")
    DECISION = "decision", _("Decision")


# The names new calls give their stages: shown in the reader's language while a manager keeps them.
DEFAULT_STAGE_NAMES: dict[str, str] = {
    StageKind.EXPRESSION_OF_INTEREST: "Expression of interest",
    StageKind.ELIGIBILITY: "Eligibility screening",
    StageKind.SHORTLIST: "Shortlist",
    StageKind.DUE_DILIGENCE: "Due diligence",
    StageKind.COMMITTEE: "Investment committee",
    StageKind.DECISION: "Decision",
}


class Stage(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=StageKind.choices)
    closes_at = models.DateTimeField(
        _("reviews due by"), null=True, blank=True, help_text=_("Reviewers are reminded before this.")
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="unique_stage_position_per_call")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name to show: a default name in the reader's language, a manager's own name as written."""
        if self.kind in StageKind.values and self.name == DEFAULT_STAGE_NAMES.get(self.kind):
            return str(StageKind(self.kind).label)
        return self.name


class Criterion(models.Model):
    """One line of a call's rubric: reviewers score it 1–5; ``guidance`` says what each score means."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    guidance = models.JSONField(_("guidance for scores 1 to 5"), default=list, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="unique_criterion_position_per_call"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def guidance_by_score(self) -> list[tuple[int, str]]:
        return [(score, text) for score, text in enumerate(self.guidance, start=1) if text]


class Section(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="unique_section_position_per_call")
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    URL = "url", _("Web address")
    REPOSITORY_URL = "repository_url", _("Source code repository")
    FILE = "file", _("File upload")
    DATE = "date", _("Date")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})


class Question(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.TextField(_("help text"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    word_limit = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    allowed_file_types = models.JSONField(_("allowed file types"), default=list, blank=True)
    max_file_mb = models.PositiveSmallIntegerField(_("largest file (MB)"), null=True, blank=True)
    hidden_in_blind_review = models.BooleanField(
        _("hidden in blind review"),
        default=False,
        help_text=_(
            "The answer could identify the applicant (names, links): reviewers of a blind call do not see it."
        ),
    )
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('{"fr": {"label": …, "help_text": …}}')
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="unique_question_position_per_call"),
            models.CheckConstraint(
                condition=models.Q(word_limit__isnull=True) | models.Q(word_limit__gt=0),
                name="question_word_limit_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(max_file_mb__isnull=True) | models.Q(max_file_mb__gt=0),
                name="question_max_file_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def translated(self, language: str) -> tuple[str, str]:
        """The label and help text in ``language``, falling back to the original."""
        text = (self.translations or {}).get((language or "").split("-")[0], {})
        return text.get("label") or self.label, text.get("help_text") or self.help_text
