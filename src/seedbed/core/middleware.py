"""Request ids for the audit log, refusal of NUL characters, and the two-factor rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from seedbed.core.audit import new_request_id, request_id_var

# Paths a user who still owes a second factor may open.
TWO_FACTOR_EXEMPT_NAMES = ("two_factor_setup", "two_factor_verify", "logout", "set_language")
TWO_FACTOR_EXEMPT_PREFIXES = ("/static/", "/i18n/")


def _has_nul_character(request: HttpRequest) -> bool:
    """NUL in the path, the query, a form or a JSON body: PostgreSQL cannot store or even compare it."""
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return request.content_type == "application/json" and b"\\u0000" in request.body.lower()


class RequestIdMiddleware:
    """Gives every request an id (kept from a proxy's X-Request-ID when sane) for its audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 36 else new_request_id()
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RejectNulMiddleware:
    """Refuses requests carrying NUL characters with a 400; PostgreSQL would otherwise fail with a 500."""

    message = "The request contains a NUL character, which Seedbed does not accept."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul_character(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": self.message}, status=400)
        return HttpResponseBadRequest(self.message, content_type="text/plain; charset=utf-8")


class TwoFactorRequiredMiddleware:
    """Finance officers and administrators must enrol and verify TOTP before any page or API call.

    Requests authenticated with an API token never reach here as a session user, so they are not
    affected; a token can only be created from a verified session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user  # OTPMiddleware adds is_verified()
        if (
            user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not self._exempt(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Verify your second factor in the browser before using the API."},
                    status=403,
                )
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            target = "two_factor_verify" if has_device else "two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES):
            return True
        return any(request.path == reverse(name) for name in TWO_FACTOR_EXEMPT_NAMES)
