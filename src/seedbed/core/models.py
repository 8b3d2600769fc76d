"""Directory (countries, organizations, people), users and roles, audit events, jobs and API tokens."""

from __future__ import annotations

import functools
import gettext
import uuid
from typing import Any

import pycountry
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from seedbed.core.roles import STAFF_ROLES, TWO_FACTOR_ROLES, Role


class Region(models.TextChoices):
    EAPR = "EAPR", _("East Asia and the Pacific")
    ECAR = "ECAR", _("Europe and Central Asia")
    ESAR = "ESAR", _("Eastern and Southern Africa")
    LACR = "LACR", _("Latin America and the Caribbean")
    MENA = "MENA", _("Middle East and North Africa")
    SAR = "SAR", _("South Asia")
    WCAR = "WCAR", _("West and Central Africa")


@functools.cache
def country_name_catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


class User(AbstractUser):
    """A person who signs in. Roles are granted through ``RoleGrant``; see ``roles``."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), unique=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        # Uses the prefetch cache when the caller prefetched ``role_grants``.
        return frozenset(grant.role for grant in self.role_grants.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_fund_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def needs_two_factor(self) -> bool:
        """Finance officers, administrators, and anyone who can open the Django admin."""
        return bool(self.roles & TWO_FACTOR_ROLES) or self.is_staff or self.is_superuser

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in sorted(self.roles)]


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Country(models.Model):
    """An ISO 3166-1 country or territory with its UNICEF programme region."""

    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=100)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    unicef_region = models.CharField(_("UNICEF region"), max_length=4, choices=Region.choices, blank=True)
    programme_country = models.BooleanField(_("UNICEF programme country"), default=False)
    programme_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        indexes = [models.Index(fields=["unicef_region", "name"])]

    def __str__(self) -> str:
        return self.name  # stable English name: audit events and exports do not depend on the reader

    def get_absolute_url(self) -> str:
        return reverse("country_detail", args=[self.iso2])

    @property
    def local_name(self) -> str:
        """The name in the interface language, from the ISO 3166 translations that pycountry ships."""
        return country_name_catalog(get_language() or "en").gettext(self.name)


class OrganizationKind(models.TextChoices):
    STARTUP = "startup", _("Startup")
    COUNTRY_OFFICE = "country_office", _("UNICEF country office")
    PRIVATE_SECTOR = "private_sector", _("Private-sector company")
    ACADEMIC = "academic", _("Academic institution")
    UN_AGENCY = "un_agency", _("UN or international agency")
    GOVERNMENT = "government", _("Government body")
    ACCELERATOR = "accelerator", _("Accelerator")
    INVESTOR = "investor", _("Investor")
    DONOR = "donor", _("Donor")
    ALLIANCE = "alliance", _("Alliance")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Generated for the demo; not a real organization.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(fields=["kind", "name"]), models.Index(fields=["country", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organization_detail", args=[self.slug])


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner (can edit the organization)")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A person's place in an organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class MembershipRequestOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class MembershipRequest(models.Model):
    """A person asks to join an organization; one of its owners or a directory manager answers."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="membership_requests")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="membership_requests"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=MembershipRequestOutcome.choices,
        default=MembershipRequestOutcome.PENDING,
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=models.Q(outcome="pending"),
                name="unique_pending_membership_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == MembershipRequestOutcome.PENDING


class Invitation(models.Model):
    """An e-mailed invitation to join Seedbed with a role. Only the token's hash is stored."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.CASCADE
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """Who did what to which object, with the fields before and after. Written by services, never signals."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def change_rows(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) rows; a value that is not a before/after pair is shown as "after"."""
        rows = []
        for field, value in sorted(self.changes.items()):
            if isinstance(value, list | tuple) and len(value) == 2:
                rows.append((field, value[0], value[1]))
            else:
                rows.append((field, None, value))
        return rows


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A background job as the user sees it: status, progress, a message, and a result or an error."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("job_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)


class ApiToken(models.Model):
    """A personal API token. Shown once; only a SHA-256 hash and a short prefix are stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def user_label(user: Any) -> str:
    """A display name for an actor that may be None (a system job) or anonymous."""
    if user is None or not getattr(user, "is_authenticated", False):
        return str(_("system"))
    return str(user)


__all__ = [
    "ApiToken",
    "AuditEvent",
    "Country",
    "Invitation",
    "Job",
    "JobStatus",
    "Membership",
    "MembershipRequest",
    "MembershipRequestOutcome",
    "MembershipRole",
    "Organization",
    "OrganizationKind",
    "Region",
    "RoleGrant",
    "User",
]
