"""Two-factor authentication for finance officers and administrators, and login throttling."""

from __future__ import annotations

import json

import pytest
from axes.utils import reset as axes_reset
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from seedbed.core.models import AuditEvent, Organization, User
from tests.core.helpers import text

pytestmark = pytest.mark.django_db


# --- Second factor for finance officers and administrators ---------------------------------------


@pytest.fixture
def signed_in_without_second_factor(personas):
    def build(persona: str) -> tuple[Client, User]:
        user = personas[persona]
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client, user

    return build


@pytest.mark.parametrize("persona", ["finance_officer", "administrator"])
def test_money_and_admin_roles_without_a_device_are_sent_to_set_up(persona, signed_in_without_second_factor):
    client, _user = signed_in_without_second_factor(persona)

    for url in ["/", "/organizations/", "/countries/KE/", "/accounts/tokens/", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/setup/?next="), response["Location"]

    api = client.get("/api/organizations")
    assert api.status_code == 403
    assert "second factor" in api.json()["detail"]
    created = client.post(
        "/api/organizations",
        data=json.dumps({"name": "Sneaky", "kind": "startup"}),
        content_type="application/json",
    )
    assert created.status_code == 403
    assert not Organization.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize("persona", ["finance_officer", "administrator"])
def test_enrolling_a_real_totp_code_opens_the_pages(persona, signed_in_without_second_factor):
    client, user = signed_in_without_second_factor(persona)

    page = client.get("/accounts/two-factor/setup/?next=/organizations/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert device.config_url.split("secret=")[1].split("&")[0] in text(page).replace("\n", "")

    code = f"{totp(device.bin_key):06d}"
    response = client.post("/accounts/two-factor/setup/", {"token": code, "next": "/organizations/"})
    assert response.status_code == 302
    assert response["Location"] == "/organizations/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="two_factor.enrol", object_id=str(user.pk)).count() == 1

    assert client.get("/organizations/").status_code == 200
    assert client.get("/accounts/tokens/").status_code == 200
    assert client.get("/api/organizations").status_code == 200


@pytest.mark.parametrize("persona", ["finance_officer", "administrator"])
def test_a_new_session_with_a_device_must_enter_a_code(persona, signed_in_without_second_factor):
    client, user = signed_in_without_second_factor(persona)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = client.get("/organizations/?kind=startup&region=ESAR")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/?next=")
    assert client.get("/api/countries").status_code == 403
    # Set-up is not offered again to someone who already has a device.
    assert client.get("/accounts/two-factor/setup/")["Location"].startswith("/accounts/two-factor/verify/")

    follow = client.get(response["Location"])
    assert follow.status_code == 200
    done = client.post(response["Location"], {"token": f"{totp(device.bin_key):06d}"})
    assert done.status_code == 302
    # The user lands on the page they asked for, with all of its query string.
    assert done["Location"] == "/organizations/?kind=startup&region=ESAR"
    assert client.get("/organizations/").status_code == 200
    assert client.get("/api/countries").status_code == 200


def _wrong_code(device: TOTPDevice) -> str:
    return f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"


def test_a_wrong_code_does_not_enrol(signed_in_without_second_factor):
    client, user = signed_in_without_second_factor("finance_officer")
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user)

    response = client.post("/accounts/two-factor/setup/", {"token": _wrong_code(device), "next": "/"})

    assert response.status_code == 200
    assert "That code is not right" in text(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEvent.objects.filter(action="two_factor.enrol").exists()
    assert client.get("/organizations/")["Location"].startswith("/accounts/two-factor/setup/")


def test_a_wrong_code_does_not_verify(signed_in_without_second_factor):
    client, user = signed_in_without_second_factor("administrator")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = client.post("/accounts/two-factor/verify/", {"token": _wrong_code(device), "next": "/audit/"})

    assert response.status_code == 200
    assert "That code is not right" in text(response)
    assert client.get("/audit/")["Location"].startswith("/accounts/two-factor/verify/")
    assert client.get("/api/organizations").status_code == 403


def test_roles_without_money_or_administration_need_no_second_factor(signed_in_without_second_factor):
    for persona in ("fund_manager", "reviewer", "applicant", "outsider"):
        client, _user = signed_in_without_second_factor(persona)
        assert client.get("/organizations/").status_code == 200, persona
        assert client.get("/api/organizations").status_code == 200, persona


# --- Login throttling ------------------------------------------------------------------------------


@pytest.fixture
def clean_axes():
    axes_reset()
    yield
    axes_reset()


def _sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_right_password_signs_in(personas, clean_axes):
    client = Client()
    response = _sign_in(client, "reviewer", "correct-horse-battery")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/organizations/").status_code == 200


def test_five_wrong_passwords_lock_the_username(personas, clean_axes):
    client = Client()
    for attempt in range(5):
        response = _sign_in(client, "reviewer", f"wrong-password-{attempt}")
        assert response.status_code in (200, 429), response.status_code
        assert client.get("/organizations/").status_code == 302

    locked = _sign_in(client, "reviewer", "correct-horse-battery")

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in text(locked)
    assert client.get("/organizations/")["Location"].startswith(reverse("login"))
    # Someone else, from the same address, can still sign in.
    other = Client()
    assert _sign_in(other, "applicant", "correct-horse-battery").status_code == 302


def test_fewer_than_five_wrong_passwords_do_not_lock(personas, clean_axes):
    client = Client()
    for attempt in range(4):
        _sign_in(client, "reviewer", f"wrong-password-{attempt}")
    assert _sign_in(client, "reviewer", "correct-horse-battery").status_code == 302


def test_signing_in_with_the_password_alone_does_not_open_a_finance_officers_pages(personas, clean_axes):
    client = Client()
    response = _sign_in(client, "finance_officer", "correct-horse-battery")
    assert response.status_code == 302

    home = client.get(response["Location"])

    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/two-factor/setup/")
    assert client.get("/api/organizations").status_code == 403
    # The way out stays open.
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/organizations/")["Location"].startswith(reverse("login"))
