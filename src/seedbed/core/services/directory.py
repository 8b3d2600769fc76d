"""Writes in the directory: countries, organizations, memberships and requests to join."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pycountry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seedbed.core import access
from seedbed.core.audit import apply_changes, audit_record, snapshot
from seedbed.core.models import (
    Country,
    Membership,
    MembershipRequest,
    MembershipRequestOutcome,
    MembershipRole,
    Organization,
    OrganizationKind,
    User,
)

ORGANIZATION_FIELDS = ("name", "kind", "country", "website", "description", "parent")
REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "unicef-regions.csv"


# --- Countries ------------------------------------------------------------------------------------


@transaction.atomic
def countries_sync(*, actor: Any = None) -> int:
    """Create or update every ISO 3166-1 country from pycountry and our UNICEF region file. Idempotent."""
    regions: dict[str, dict[str, str]] = {}
    with REGIONS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            regions[row["iso2"]] = row
    existing = {country.iso2: country for country in Country.objects.all()}
    changed = 0
    for record in pycountry.countries:
        row = regions.get(record.alpha_2, {})
        values = {
            "iso3": record.alpha_3,
            "numeric": record.numeric,
            "name": getattr(record, "common_name", None) or record.name,
            "official_name": getattr(record, "official_name", "") or "",
            "unicef_region": row.get("unicef_region", ""),
            "programme_country": row.get("programme_country") == "yes",
            "programme_note": row.get("notes", "").split(";")[0][:300]
            if row.get("programme_country") == "yes"
            else "",
        }
        country = existing.get(record.alpha_2)
        if country is None:
            Country.objects.create(iso2=record.alpha_2, **values)
            changed += 1
        elif snapshot(country, values.keys()) != values:
            for name, value in values.items():
                setattr(country, name, value)
            country.save()
            changed += 1
    if changed:
        audit_record(actor=actor, action="countries.sync", changes={"countries_changed": [None, changed]})
    return changed


# --- Organizations --------------------------------------------------------------------------------


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "organization"
    slug, n = base, 2
    taken = Organization.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken_slugs = set(taken.values_list("slug", flat=True))
    while slug in taken_slugs:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate_organization(data: Mapping[str, Any], instance: Organization | None = None) -> None:
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Enter the organization's name.")]
    elif Organization.objects.filter(name__iexact=name).exclude(pk=instance.pk if instance else 0).exists():
        errors["name"] = [_("An organization with this name already exists.")]
    if data.get("kind") not in OrganizationKind.values:
        errors["kind"] = [_("Choose a kind of organization.")]
    parent = data.get("parent")
    if instance is not None and parent is not None and parent.pk == instance.pk:
        errors["parent"] = [_("An organization cannot be part of itself.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organization_create(*, actor: Any, data: Mapping[str, Any], is_sample: bool = False) -> Organization:
    """Register an organization. A creator who does not manage the directory becomes its owner."""
    if actor is not None and not access.can_create_organization(actor):
        raise PermissionDenied
    _validate_organization(data)
    values = {name: data.get(name) for name in ORGANIZATION_FIELDS if name in data}
    values["name"] = str(values["name"]).strip()
    values.setdefault("description", "")
    values.setdefault("website", "")
    organization = Organization(**values, slug=_unique_slug(str(values["name"])), is_sample=is_sample)
    organization.full_clean()
    organization.save()
    audit_record(
        actor=actor,
        action="organization.create",
        target=organization,
        changes={name: [None, value] for name, value in snapshot(organization, values.keys()).items()},
    )
    if actor is not None and not access.can_manage_directory(actor):
        membership_add(actor=None, organization=organization, user=actor, role=MembershipRole.OWNER)
    return organization


@transaction.atomic
def organization_update(*, actor: Any, organization: Organization, data: Mapping[str, Any]) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if actor is not None and not access.can_edit_organization(actor, organization):
        raise PermissionDenied
    merged = {**snapshot(organization, ["name", "kind"]), **data}
    merged["kind"] = data.get("kind", organization.kind)
    _validate_organization(merged, instance=organization)
    values = {name: data[name] for name in ORGANIZATION_FIELDS if name in data}
    if "name" in values:
        values["name"] = values["name"].strip()
    changes = apply_changes(organization, values)
    if not changes:
        return organization
    organization.full_clean(exclude=["slug"])
    organization.save()
    audit_record(actor=actor, action="organization.update", target=organization, changes=changes)
    return organization


@transaction.atomic
def membership_add(
    *, actor: Any, organization: Organization, user: User, role: str = MembershipRole.MEMBER, title: str = ""
) -> Membership:
    if actor is not None and not access.can_edit_organization(actor, organization):
        raise PermissionDenied
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role, "title": title}
    )
    if not created:
        changes = apply_changes(membership, {"role": role, "title": title})
        if changes:
            membership.save(update_fields=["role", "title"])
    else:
        changes = {"person": [None, str(user)], "role": [None, role], "title": [None, title]}
    if changes:
        audit_record(actor=actor, action="membership.add", target=organization, changes=changes)
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    organization = membership.organization
    if not access.can_edit_organization(actor, organization):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="membership.remove",
        target=organization,
        changes={"person": [str(membership.user), None], "role": [membership.role, None]},
    )
    membership.delete()


# --- Requests to join an organization -------------------------------------------------------------


def _mail_after_commit(*, subject: str, template: str, context: dict[str, Any], to: list[str]) -> None:
    """Render now (in the request's language), send each message once the transaction has committed."""
    if not to:
        return
    body = render_to_string(template, context)
    subject = " ".join(subject.split())  # names go into the subject; a line break there would be refused

    def send() -> None:
        for address in to:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])

    transaction.on_commit(send)


@transaction.atomic
def membership_request_create(
    *, actor: User, organization: Organization, message: str = "", absolute_url: Callable[[str], str]
) -> MembershipRequest:
    """Ask to join an organization. Its owners are e-mailed; they or a directory manager answer."""
    # Lock the organization so that two presses of the button make one request, not two.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not access.can_request_membership(actor, organization):
        raise PermissionDenied
    if MembershipRequest.objects.filter(
        user=actor, organization=organization, outcome=MembershipRequestOutcome.PENDING
    ).exists():
        raise ValidationError(
            {"message": [_("You have already asked to join this organization. Wait for its answer.")]}
        )
    message = message.strip()
    if len(message) > 1000:
        raise ValidationError({"message": [_("Keep the message to 1,000 characters at most.")]})
    membership_request = MembershipRequest.objects.create(
        user=actor, organization=organization, message=message
    )
    audit_record(
        actor=actor,
        action="membership_request.create",
        target=membership_request,
        changes={"person": [None, str(actor)], "organization": [None, str(organization)]},
    )
    owners = User.objects.filter(
        is_active=True, memberships__organization=organization, memberships__role=MembershipRole.OWNER
    ).order_by("pk")
    names = {"person": actor, "organization": organization}
    _mail_after_commit(
        subject=_("%(person)s asks to join %(organization)s") % names,
        template="emails/membership_request_received.txt",
        context={
            "membership_request": membership_request,
            "url": absolute_url(organization.get_absolute_url()),
        },
        to=[owner.email for owner in owners],
    )
    return membership_request


@transaction.atomic
def membership_request_decide(
    *, actor: User, membership_request: MembershipRequest, outcome: str, absolute_url: Callable[[str], str]
) -> MembershipRequest:
    """Approve (the person becomes a member) or decline a request to join. The requester is e-mailed."""
    membership_request = (
        MembershipRequest.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=membership_request.pk)
    )
    organization = membership_request.organization
    if not access.can_edit_organization(actor, organization):
        raise PermissionDenied
    if outcome not in (MembershipRequestOutcome.APPROVED, MembershipRequestOutcome.DECLINED):
        raise ValidationError({"outcome": [_("Choose to approve or to decline.")]})
    if not membership_request.is_pending:
        raise ValidationError(_("This request has already been answered."))
    membership_request.outcome = outcome
    membership_request.decided_at = timezone.now()
    membership_request.decided_by = actor
    membership_request.save(update_fields=["outcome", "decided_at", "decided_by"])
    approved = outcome == MembershipRequestOutcome.APPROVED
    audit_record(
        actor=actor,
        action="membership_request.approve" if approved else "membership_request.decline",
        target=membership_request,
        changes={"outcome": [MembershipRequestOutcome.PENDING.value, outcome]},
    )
    requester = membership_request.user
    # Someone may have added the person meanwhile; an approval must not change the role they were given.
    if approved and not Membership.objects.filter(user=requester, organization=organization).exists():
        membership_add(actor=actor, organization=organization, user=requester)
    _mail_after_commit(
        subject=(
            _("You are now a member of %(organization)s")
            if approved
            else _("Your request to join %(organization)s was declined")
        )
        % {"organization": organization},
        template="emails/membership_request_decided.txt",
        context={
            "membership_request": membership_request,
            "approved": approved,
            "url": absolute_url(
                organization.get_absolute_url() if approved else reverse("organization_list")
            ),
        },
        to=[requester.email],
    )
    return membership_request
