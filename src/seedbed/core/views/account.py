"""Signing in with a second factor, invitations, personal API tokens."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from seedbed.core import access, selectors, services
from seedbed.core.audit import audit_record
from seedbed.core.forms import AcceptInvitationForm, InvitationForm, TokenForm, TotpForm
from seedbed.core.models import User
from seedbed.core.views.common import add_service_errors, paginate, querystring_without


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show the secret as a QR code and as text, confirm with one code."""
    user = request.user
    assert isinstance(user, User)
    if not user.needs_two_factor:
        messages.info(request, _("Your role does not need a second factor."))
        return redirect("home")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, action="two_factor.enrol", target=user)
            otp_login(request, device)
            messages.success(
                request, _("Your authenticator is set up. You will be asked for a code when you sign in.")
            )
            return redirect(_next_url(request))
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and try the newest code.")
        )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#1a1a1a", light="#ffffff", omitsize=False
    )
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "secret": secret, "qr_svg": qr_svg, "next": _next_url(request)},
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = [device for device in devices if device.verify_is_allowed()[0]]
        for device in allowed:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        if not allowed:
            # django-otp doubles the wait after each wrong code, starting at one second.
            form.add_error(
                "token", _("Too many wrong codes in a row. Wait a few seconds, then try the newest code.")
            )
        else:
            form.add_error("token", _("That code is not right. Try the newest code from your authenticator."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(actor=user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm()
    tokens = user.api_tokens.order_by("-created_at")
    return render(request, "core/token_list.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    token = access.get_api_token_for_user(user, pk, write=True)
    services.api_token_revoke(actor=user, token=token)
    messages.success(
        request,
        _("The token “%(name)s” was revoked. Scripts using it will stop working.") % {"name": token.name},
    )
    return redirect("token_list")


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_invite(user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, roles=access.invitable_roles(user))
    if request.method == "POST" and form.is_valid():
        assert isinstance(user, User)
        try:
            invitation, _raw = services.invitation_create(
                actor=user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                organization=form.cleaned_data["organization"],
                accept_url_builder=lambda raw: request.build_absolute_uri(
                    reverse("invitation_accept", args=[raw])
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("invitation_list")
    return render(
        request,
        "core/invitation_list.html",
        {"form": form, "invitations": selectors.pending_invitations(user)},
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "core/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                raw_token=token,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Seedbed, %(name)s.") % {"name": user})
            return redirect("home")
    return render(request, "core/invitation_accept.html", {"form": form, "invitation": invitation})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.can_view_audit_log(request.user):
        raise PermissionDenied
    filters = selectors.AuditFilters.from_mapping(request.GET)
    page = paginate(request, selectors.audit_log(filters=filters), per_page=50)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "object_types": selectors.audit_object_types(),
            "querystring": querystring_without(request, "page"),
        },
    )
