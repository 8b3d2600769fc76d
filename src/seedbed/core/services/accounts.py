"""Writes for users, roles, invitations and personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.core import access
from seedbed.core.audit import audit_record
from seedbed.core.models import ApiToken, Invitation, Organization, RoleGrant, User
from seedbed.core.roles import Role
from seedbed.core.services.directory import membership_add


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


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
    is_active: bool = True,
) -> User:
    """Create an account. ``is_active=False`` makes one that cannot sign in yet (self sign-up)."""
    username = username.strip()
    email = email.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This username is taken.")]})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("A user with this e-mail address already exists.")]})
    user = User(username=username, email=email, full_name=full_name, is_active=is_active)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    changes: dict[str, Any] = {"username": [None, username], "email": [None, email]}
    if not is_active:
        changes["is_active"] = [None, False]
    audit_record(actor=actor, action="user.create", target=user, changes=changes)
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
