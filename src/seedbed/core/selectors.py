"""Reads for the directory, the audit log and jobs. Every list query has a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Q, QuerySet
from django.utils.dateparse import parse_date

from seedbed.core import access
from seedbed.core.models import (
    AuditEvent,
    Country,
    Invitation,
    Job,
    Membership,
    MembershipRequest,
    MembershipRequestOutcome,
    Organization,
    Region,
)


def query_int(value: Any) -> int | None:
    """A whole number from a query string, or None when it is missing or not a number (a filter that is
    then simply not applied)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


ORGANIZATION_SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "kind": ("kind", "name"),
    "country": ("country__name", "name"),
    "-created": ("-created_at", "name"),
}
COUNTRY_SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "region": ("unicef_region", "name"),
    "organizations": ("-organization_count", "name"),
}


@dataclass(frozen=True)
class OrganizationFilters:
    q: str = ""
    kind: str = ""
    country: str = ""
    region: str = ""
    sample: str = ""  # "", "yes", "no"
    sort: str = "name"

    @classmethod
    def from_mapping(cls, data: Any) -> OrganizationFilters:
        sort = data.get("sort") or "name"
        return cls(
            q=(data.get("q") or "").strip()[:100],
            kind=data.get("kind") or "",
            country=(data.get("country") or "").upper()[:2],
            region=data.get("region") or "",
            sample=data.get("sample") or "",
            sort=sort if sort in ORGANIZATION_SORTS else "name",
        )


def organization_list(*, user: Any, filters: OrganizationFilters) -> QuerySet[Organization]:
    qs = access.organizations_for_user(user).select_related("country")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.country:
        qs = qs.filter(country_id=filters.country)
    if filters.region in Region.values:
        qs = qs.filter(country__unicef_region=filters.region)
    if filters.sample == "yes":
        qs = qs.filter(is_sample=True)
    elif filters.sample == "no":
        qs = qs.filter(is_sample=False)
    return qs.order_by(*ORGANIZATION_SORTS[filters.sort])


@dataclass(frozen=True)
class CountryFilters:
    q: str = ""
    region: str = ""
    programme: str = ""  # "", "yes", "no"
    sort: str = "name"

    @classmethod
    def from_mapping(cls, data: Any) -> CountryFilters:
        sort = data.get("sort") or "name"
        return cls(
            q=(data.get("q") or "").strip()[:100],
            region=data.get("region") or "",
            programme=data.get("programme") or "",
            sort=sort if sort in COUNTRY_SORTS else "name",
        )


def country_list(*, filters: CountryFilters) -> QuerySet[Country]:
    qs = Country.objects.annotate(organization_count=Count("organizations"))
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(iso2__iexact=filters.q) | Q(iso3__iexact=filters.q))
    if filters.region == "none":
        qs = qs.filter(unicef_region="")
    elif filters.region in Region.values:
        qs = qs.filter(unicef_region=filters.region)
    if filters.programme == "yes":
        qs = qs.filter(programme_country=True)
    elif filters.programme == "no":
        qs = qs.filter(programme_country=False)
    return qs.order_by(*COUNTRY_SORTS[filters.sort])


def organization_members(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("user__full_name", "user__username")


def pending_membership_requests(organization: Organization) -> QuerySet[MembershipRequest]:
    """Requests to join that wait for an answer, oldest first."""
    return organization.membership_requests.filter(outcome=MembershipRequestOutcome.PENDING).select_related(
        "user"
    )


def pending_membership_request_of(user: Any, organization: Organization) -> MembershipRequest | None:
    if not access.is_signed_in(user):
        return None
    return organization.membership_requests.filter(
        user=user, outcome=MembershipRequestOutcome.PENDING
    ).first()


def activity_for(obj: Model, limit: int = 50) -> QuerySet[AuditEvent]:
    content_type = ContentType.objects.get_for_model(obj)
    return (
        AuditEvent.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> AuditFilters:
        return cls(
            actor=(data.get("actor") or "").strip()[:150],
            action=(data.get("action") or "").strip()[:80],
            object_type=data.get("object_type") or "",
            date_from=_valid_date(data.get("date_from")),
            date_to=_valid_date(data.get("date_to")),
        )


def _valid_date(value: Any) -> str:
    """An ISO date (YYYY-MM-DD) from a query string, or "" for anything else (a filter, not an error)."""
    try:
        return value if value and parse_date(value) else ""
    except ValueError:  # well-formed but impossible, e.g. 2024-02-30
        return ""


def audit_log(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor", "content_type")
    if filters.actor:
        qs = qs.filter(
            Q(actor__username__icontains=filters.actor) | Q(actor__full_name__icontains=filters.actor)
        )
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.object_type.isdigit() and len(filters.object_type) <= 18:  # fits a 64-bit id
        qs = qs.filter(content_type_id=int(filters.object_type))
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs.order_by("-created_at", "-id")


def audit_object_types() -> QuerySet[ContentType]:
    ids = AuditEvent.objects.exclude(content_type=None).values("content_type").distinct()
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


def recent_jobs_for(user: Any, limit: int = 5) -> QuerySet[Job]:
    return Job.objects.filter(created_by=user).order_by("-created_at")[:limit]


def pending_invitations(user: Any) -> QuerySet[Invitation]:
    if not access.can_invite(user):
        return Invitation.objects.none()
    from django.utils import timezone

    return (
        Invitation.objects.filter(accepted_at=None, expires_at__gt=timezone.now())
        .select_related("organization", "invited_by")
        .order_by("-created_at")
    )


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization", "organization__country")
