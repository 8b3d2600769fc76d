"""Applicants' self sign-up: the form, the e-mailed link that activates the account, and what to do next."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from seedbed.core import access, selectors, services
from seedbed.core.forms import SignupForm
from seedbed.core.models import User
from seedbed.core.views.common import add_service_errors

# Sign-up forms one address may send per hour, counted in Django's cache (per process with the default
# local-memory cache). Enough for a family or an office behind one address; too few for a script.
SIGNUP_POSTS_PER_HOUR = 10


def _require_signup_open() -> None:
    if not settings.SEEDBED_SIGNUP_OPEN:
        raise Http404


def _too_many_signups(request: HttpRequest) -> bool:
    """Count this sign-up form from the client's address; True past the hourly limit."""
    key = f"seedbed:signup-posts:{get_client_ip_address(request) or 'unknown'}"
    cache.add(key, 0, timeout=3600)  # the hour starts with the first form sent
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > SIGNUP_POSTS_PER_HOUR


def signup(request: HttpRequest) -> HttpResponse:
    _require_signup_open()
    if access.is_signed_in(request.user):
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if _too_many_signups(request):
            return render(request, "registration/signup_limited.html", status=429)
        if form.is_valid():
            try:
                services.signup_create(
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    absolute_url=request.build_absolute_uri,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                # The same page whether or not the address already had an account.
                return redirect("signup_done")
    return render(request, "registration/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    _require_signup_open()
    return render(request, "registration/signup_done.html")


def signup_verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the e-mail: activate the account, sign in, and say what to do next."""
    try:
        user = services.signup_verify(uidb64=uidb64, token=token)
    except ValidationError:
        return render(request, "registration/signup_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, _("Your e-mail address is confirmed. Welcome to Seedbed, %(name)s.") % {"name": user}
    )
    return redirect("signup_welcome")


def _calls_url() -> str | None:
    """The open calls, when the calls part is installed (core does not depend on it)."""
    try:
        return reverse("call_list")
    except NoReverseMatch:
        return None


@login_required
def signup_welcome(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "registration/signup_welcome.html",
        {
            "memberships": selectors.memberships_of(user),
            "can_create_organization": access.can_create_organization(user),
            "calls_url": _calls_url(),
        },
    )
