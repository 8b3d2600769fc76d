"""Named personas and clients signed in as them. Used by every test module."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from huey.contrib.djhuey import HUEY

from seedbed.core import services
from seedbed.core.models import Country, Organization, User
from seedbed.core.roles import Role

PERSONAS: dict[str, tuple[str, ...]] = {
    "fund_manager": (Role.FUND_MANAGER,),
    "reviewer": (Role.REVIEWER,),
    "committee_member": (Role.COMMITTEE_MEMBER,),
    "finance_officer": (Role.FINANCE_OFFICER,),
    "mentor": (Role.OSS_MENTOR,),
    "focal_point": (Role.FOCAL_POINT,),
    "applicant": (Role.APPLICANT,),
    "administrator": (Role.ADMINISTRATOR,),
    "outsider": (),  # signed in, but holds no role
}


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    HUEY.immediate = True
    yield
    # A request in another language (a language cookie) leaves that language active on the thread, and
    # the next test calling a service directly would read its messages in it.
    translation.deactivate()


PASSWORD = "correct-horse-battery"


def make_user(username: str, roles: tuple[str, ...] = (), password: str = PASSWORD) -> User:
    return services.user_create(
        actor=None,
        username=username,
        email=f"{username}@example.org",
        password=password,
        full_name=username.replace("_", " ").title(),
        roles=list(roles),
    )


def verify_second_factor(client: Client, user: User) -> TOTPDevice:
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def countries(db) -> None:
    services.countries_sync(actor=None)


@pytest.fixture
def personas(db) -> dict[str, User]:
    return {name: make_user(name, roles) for name, roles in PERSONAS.items()}


@pytest.fixture
def client_for(db) -> Callable[[User | None], Client]:
    """A test client signed in as ``user`` (with the second factor verified when the role needs it)."""

    def build(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            if user.needs_two_factor:
                verify_second_factor(client, user)
        return client

    return build


@pytest.fixture
def organization(countries, personas) -> Organization:
    return services.organization_create(
        actor=personas["fund_manager"],
        data={
            "name": "Kijani Data Labs",
            "kind": "startup",
            "country": Country.objects.get(iso2="KE"),
            "website": "https://kijani.example.org",
            "description": "Open-source crop data for smallholder farmers.",
        },
    )
