"""Self sign-up: applicants create their own account and confirm their e-mail address with a link."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.core.models import User
from seedbed.core.roles import Role
from seedbed.core.services.accounts import user_create

# Characters Django's username validator refuses; an e-mail address rarely has any.
NOT_IN_USERNAMES = re.compile(r"[^\w.@+-]")


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the link that confirms a new account's e-mail address.

    A token is valid for ``PASSWORD_RESET_TIMEOUT`` seconds and only while the account is inactive and
    has never signed in. Following the link activates the account and signs the person in, which changes
    both, so a link works once. A different ``key_salt`` keeps these tokens apart from password resets.
    """

    key_salt = "seedbed.core.services.signup.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        return f"{user.pk}{user.is_active}{user.email}{last_login}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def _signup_username(email: str) -> str:
    """The e-mail address itself, so that there is nothing else to remember; made unique if needed."""
    base = NOT_IN_USERNAMES.sub("_", email)[:150]
    username, n = base, 2
    while User.objects.filter(username__iexact=username).exists():
        suffix = f"-{n}"
        username, n = f"{base[: 150 - len(suffix)]}{suffix}", n + 1
    return username


def _mail_after_commit(*, subject: str, template: str, context: dict[str, Any], to: str) -> None:
    body = render_to_string(template, context)
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    )


def _send_verification(user: User, absolute_url: Callable[[str], str]) -> None:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    _mail_after_commit(
        subject=_("Confirm your e-mail address for Seedbed"),
        template="emails/signup_verify.txt",
        context={
            "user": user,
            "url": absolute_url(reverse("signup_verify", args=[uidb64, token])),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        to=user.email,
    )


def _send_already_registered(user: User, absolute_url: Callable[[str], str]) -> None:
    _mail_after_commit(
        subject=_("You already have a Seedbed account"),
        template="emails/signup_existing.txt",
        context={
            "user": user,
            "login_url": absolute_url(reverse("login")),
            "reset_url": absolute_url(reverse("password_reset")),
        },
        to=user.email,
    )


@transaction.atomic
def signup_create(
    *, email: str, full_name: str, password: str, absolute_url: Callable[[str], str]
) -> User | None:
    """Create an inactive applicant account and e-mail the link that activates it.

    Whether the address already has an account must not show, so that sign-up cannot be used to find
    out who uses Seedbed: the caller shows the same page either way, and the address's owner gets an
    e-mail instead (a fresh link if the account was never confirmed, otherwise a note that they already
    have one). Returns the new user, or None when the address was already taken.
    """
    email = email.strip().lower()
    full_name = full_name.strip()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = user_create(
                    actor=None,
                    username=_signup_username(email),
                    email=email,
                    password=password,
                    full_name=full_name,
                    roles=[Role.APPLICANT],
                    is_active=False,
                )
        except IntegrityError:
            user = None  # the same address signed up at the same moment; that sign-up sends the e-mail
        except ValidationError as error:
            if "email" not in getattr(error, "error_dict", {}):
                raise
            user = None
        if user is None:
            return None
        audit_record(actor=None, action="signup.create", target=user, changes={"email": [None, email]})
        _send_verification(user, absolute_url)
        return user
    User().set_password(password)  # the same work as a new sign-up, so the response time does not tell
    if not existing.is_active and existing.last_login is None:
        _send_verification(existing, absolute_url)
    else:
        _send_already_registered(existing, absolute_url)
    audit_record(actor=None, action="signup.repeat", target=existing)
    return None


@transaction.atomic
def signup_verify(*, uidb64: str, token: str) -> User:
    """Activate the account that the link was made for. A used, expired or altered link is refused."""
    invalid = ValidationError(_("This link does not work any more."), code="invalid_link")
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.select_for_update().get(pk=pk)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, ValidationError):
        raise invalid from None
    if user.is_active or not email_verification_token.check_token(user, token):
        raise invalid
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=user, action="signup.verify", target=user, changes={"is_active": [False, True]})
    return user
