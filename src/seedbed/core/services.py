"""Every write in the directory, users, invitations and tokens. One function per use case.

Each service is keyword-only, runs in one transaction, validates, writes an audit event and returns the
object. Pages and the API call the same services.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pycountry
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seedbed.core import access
from seedbed.core.audit import apply_changes, audit_record, snapshot
from seedbed.core.models import (
    ApiToken,
    Country,
    Invitation,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    RoleGrant,
    User,
)
from seedbed.core.roles import Role

ORGANIZATION_FIELDS = ("name", "kind", "country", "website", "description", "parent")
REGIONS_FILE = Path(__file__).resolve().parent / "data" / "unicef-regions.csv"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


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


# --- Users, roles and invitations -----------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    email: str,
    password: str | None,
    full_name: str = "",
    roles: list[str] | tuple[str, ...] = (),
) -> User:
    username = username.strip()
    email = email.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This username is taken.")]})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("A user with this e-mail address already exists.")]})
    user = User(username=username, email=email, full_name=full_name)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes={"username": [None, username], "email": [None, email]},
    )
    for role in roles:
        role_grant(actor=actor, user=user, role=role)
    return user


@transaction.atomic
def role_grant(*, actor: Any, user: User, role: str) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": actor})
    if created:
        if role == Role.ADMINISTRATOR and not user.is_staff:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(actor=actor, action="role.grant", target=user, changes={"role": [None, role]})
        user.__dict__.pop("roles", None)
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, user: User, role: str) -> None:
    deleted, _count = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        if role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(actor=actor, action="role.revoke", target=user, changes={"role": [role, None]})
        user.__dict__.pop("roles", None)


@transaction.atomic
def invitation_create(
    *, actor: User, email: str, role: str, organization: Organization | None, accept_url_builder: Any
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the raw token (e-mailed, never stored)."""
    allowed = {value for value, _label in access.invitable_roles(actor)}
    if role not in allowed:
        raise PermissionDenied
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("This person already has an account.")]})
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        organization=organization,
        token_hash=_hash_token(raw),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        target=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    url = accept_url_builder(raw)
    context = {"invitation": invitation, "url": url, "inviter": actor}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("You are invited to Seedbed"),
            message=render_to_string("emails/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation, raw


def invitation_for_token(raw: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("organization").filter(token_hash=_hash_token(raw)).first()
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, raw_token: str, username: str, full_name: str, password: str) -> User:
    invitation = Invitation.objects.select_for_update().filter(token_hash=_hash_token(raw_token)).first()
    if invitation is None or not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer valid. Ask for a new one."))
    user = user_create(
        actor=None,
        username=username,
        email=invitation.email,
        password=password,
        full_name=full_name,
        roles=[invitation.role],
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.organization is not None:
        membership_add(actor=None, organization=invitation.organization, user=user)
    audit_record(actor=user, action="invitation.accept", target=invitation)
    return user


# --- API tokens -----------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token. The raw token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name, e.g. the script that will use it.")]})
    secret = secrets.token_urlsafe(32)
    prefix = secrets.token_hex(4)
    raw = f"sb_{prefix}_{secret}"
    token = ApiToken.objects.create(user=actor, name=name[:100], prefix=prefix, token_hash=_hash_token(raw))
    audit_record(actor=actor, action="api_token.create", target=token, changes={"name": [None, token.name]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None. Records when the token was last used."""
    if not raw.startswith("sb_"):
        return None
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=_hash_token(raw), revoked_at=None).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
