"""Small helpers shared by the core behaviour tests: reading pages the way a user sees them."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from django.http import HttpResponse

from seedbed.core import services
from seedbed.core.models import (
    ApiToken,
    AuditEvent,
    Country,
    Invitation,
    Job,
    Membership,
    MembershipRequest,
    Organization,
    RoleGrant,
    User,
)

ORGANIZATION_ROW = re.compile(r'<td><a href="/organizations/([\w-]+)/">')
COUNTRY_ROW = re.compile(r'<td><a href="/countries/([A-Z]{2})/">')


def text(response: HttpResponse) -> str:
    return response.content.decode()


def organization_slugs(response: HttpResponse) -> list[str]:
    """The organizations listed in the results table, in the order shown."""
    return ORGANIZATION_ROW.findall(text(response))


def country_codes(response: HttpResponse) -> list[str]:
    """The countries listed in the results table, in the order shown."""
    return COUNTRY_ROW.findall(text(response))


def make_organization(
    name: str, kind: str = "startup", country: str | None = None, **extra: Any
) -> Organization:
    data: dict[str, Any] = {"name": name, "kind": kind, **extra}
    if country:
        data["country"] = Country.objects.get(iso2=country)
    return services.organization_create(actor=None, data=data)


def db_state() -> dict[str, Any]:
    """Everything a write in the core app could change, to compare before and after a denied request."""
    return {
        "organizations": list(
            Organization.objects.order_by("pk").values(
                "pk",
                "name",
                "slug",
                "kind",
                "country_id",
                "website",
                "description",
                "parent_id",
                "updated_at",
            )
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values("pk", "user_id", "organization_id", "role", "title")
        ),
        "membership_requests": list(
            MembershipRequest.objects.order_by("pk").values("pk", "user_id", "organization_id", "outcome")
        ),
        "invitations": list(Invitation.objects.order_by("pk").values("pk", "email", "role", "accepted_at")),
        "tokens": list(ApiToken.objects.order_by("pk").values("pk", "name", "revoked_at")),
        "jobs": list(Job.objects.order_by("pk").values("pk", "status", "created_by_id")),
        "users": list(User.objects.order_by("pk").values("pk", "username", "email", "is_active")),
        "roles": list(RoleGrant.objects.order_by("pk").values_list("user_id", "role")),
        "audit_events": list(AuditEvent.objects.order_by("pk").values_list("pk", "action")),
    }


class ScriptCollector(HTMLParser):
    """Collects every <script> tag's attributes and body."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.handlers += [name for name in attributes if name.startswith("on")]
        if tag == "script":
            self._current = {"attrs": attributes, "body": ""}
            self.scripts.append(self._current)

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["body"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._current = None


def scripts_of(response: HttpResponse) -> ScriptCollector:
    collector = ScriptCollector()
    collector.feed(text(response))
    return collector
