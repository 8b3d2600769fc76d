"""The demo loader: countries, the seed's real organizations, the generated sample and the demo logins."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from seedbed.core import demo
from seedbed.core.jobs import NullProgress
from seedbed.core.models import AuditEvent, Country, Membership, Organization, RoleGrant, User
from seedbed.core.roles import TWO_FACTOR_ROLES, Role

# Facts from the seed (PRODUCT.md, "Facts from the seed"): name -> (kind, ISO country or "").
SEED_FACTS = {
    "UNICEF": ("un_agency", "US"),
    "UNICEF Office of Innovation": ("un_agency", "US"),
    "UNICEF Digital Centre of Excellence": ("un_agency", ""),
    "UNICEF Eastern Caribbean Area Office": ("country_office", "BB"),
    "UNICEF Ghana Country Office": ("country_office", "GH"),
    "UNICEF Jordan Country Office": ("country_office", "JO"),
    "UNICEF Kazakhstan Country Office": ("country_office", "KZ"),
    "UNICEF Kyrgyzstan Country Office": ("country_office", "KG"),
    "UNICEF Niger Country Office": ("country_office", "NE"),
    "UNICEF Philippines Country Office": ("country_office", "PH"),
    "UNICEF Sierra Leone Country Office": ("country_office", "SL"),
    "UNICEF Uzbekistan Country Office": ("country_office", "UZ"),
    "UNICEF Vietnam Country Office": ("country_office", "VN"),
    "Arm": ("private_sector", "GB"),
    "Amadeus": ("private_sector", "ES"),
    "Google": ("private_sector", "US"),
    "Facebook (Meta)": ("private_sector", "US"),
    "Telefónica": ("private_sector", "ES"),
    "IBM": ("private_sector", "US"),
    "Johnson & Johnson": ("private_sector", "US"),
    "Pfizer": ("private_sector", "US"),
    "International Telecommunication Union (ITU)": ("un_agency", "CH"),
    "Norad": ("donor", "NO"),
    "Government of Sierra Leone": ("government", "SL"),
    "Government of Norway": ("government", "NO"),
    "Digital Public Goods Alliance": ("alliance", ""),
    "Giga": ("alliance", ""),
    "Directorate of Science, Technology and Innovation (DSTI)": ("government", "SL"),
    "Agence Nationale pour la Société de l'Information (ANSI)": ("government", "NE"),
    "Sierra Leone Civil Aviation Authority": ("government", "SL"),
    "Astana Hub": ("accelerator", "KZ"),
    "Fintech for Impact DPG Accelerator": ("accelerator", "PH"),
    "University of South Australia": ("academic", "AU"),
}
DEMO_USERNAMES = {
    Role.FUND_MANAGER: ["manager"],
    Role.REVIEWER: ["reviewer"],
    Role.COMMITTEE_MEMBER: ["committee"],
    Role.FINANCE_OFFICER: ["finance", "finance2"],
    Role.OSS_MENTOR: ["mentor"],
    Role.FOCAL_POINT: ["focal"],
    Role.APPLICANT: ["applicant"],
    Role.ADMINISTRATOR: ["admin"],
}


class RecordingProgress:
    def __init__(self) -> None:
        self.total: int | None = None
        self.done = 0
        self.messages: list[str] = []

    def start(self, total: int | None, message: str = "") -> None:
        self.total = total

    def advance(self, step: int = 1) -> None:
        self.done += step

    def message(self, text: str) -> None:
        self.messages.append(text)


def counts() -> dict[str, int]:
    return {
        "countries": Country.objects.count(),
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "roles": RoleGrant.objects.count(),
        "memberships": Membership.objects.count(),
        "devices": TOTPDevice.objects.count(),
    }


def programme_countries_covered() -> set[str]:
    return set(
        Organization.objects.filter(
            kind__in=["country_office", "startup"], country__programme_country=True
        ).values_list("country_id", flat=True)
    )


@pytest.mark.django_db
def test_load_creates_countries_seed_organizations_and_a_labelled_sample():
    demo.load(progress=NullProgress())

    assert Country.objects.count() == 249
    unicef = Organization.objects.get(name="UNICEF")
    for name, (kind, iso2) in SEED_FACTS.items():
        organization = Organization.objects.get(name=name)
        assert (organization.kind, organization.country_id or "", organization.is_sample) == (
            kind,
            iso2,
            False,
        )
        if kind == "country_office":
            assert organization.parent == unicef
    assert Organization.objects.get(name="UNICEF Office of Innovation").parent == unicef
    assert not Organization.objects.filter(name__icontains="Innovation Fund").exists()
    for row in demo.read_seed_organizations():
        organization = Organization.objects.get(name=row["name"])
        assert organization.kind == row["kind"]
        assert (organization.country_id or "") == row["country_iso2"]
        assert (organization.parent.name if organization.parent else "") == row["parent"]
        assert organization.website == row["website"]

    samples = Organization.objects.filter(is_sample=True)
    startups = samples.filter(kind="startup")
    offices = samples.filter(kind="country_office")
    assert startups.count() == demo.SAMPLE_STARTUPS == 60
    assert samples.count() == startups.count() + offices.count()
    assert all(org.description.startswith("Sample startup") for org in startups)
    assert all(org.name.endswith("(sample)") and org.description.startswith("Sample") for org in offices)
    assert not Organization.objects.filter(is_sample=False, kind="startup").exists()
    assert all(org.country.programme_country for org in samples.select_related("country"))
    # No sample office where the seed names a real one.
    real_office_countries = {iso2 for kind, iso2 in SEED_FACTS.values() if kind == "country_office"}
    assert not offices.filter(country_id__in=real_office_countries).exists()
    # 113 investments across 67 countries: the offices and startups cover exactly those 67 countries.
    assert len(programme_countries_covered()) == demo.PORTFOLIO_COUNTRIES == 67


@pytest.mark.django_db
def test_every_role_has_a_demo_login_and_finance_and_admin_have_totp():
    rows = demo.load(progress=NullProgress())

    assert [username for _label, username, _note in rows] == [
        "manager", "reviewer", "committee", "finance", "finance2", "mentor", "focal", "applicant", "admin",
    ]  # fmt: skip
    notes = {username: note for _label, username, note in rows}
    request = RequestFactory().post("/accounts/login/")
    for role in Role:
        for username in DEMO_USERNAMES[role]:
            user = authenticate(request, username=username, password=demo.DEMO_PASSWORD)
            assert user is not None, username
            assert user.has_role(role)
            assert user.email == f"{username}@demo.seedbed.local"
            assert "Demo" in user.full_name
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            if role in TWO_FACTOR_ROLES:
                device = devices.get()
                assert device.name == "Demo authenticator"
                secret = notes[username].removeprefix("TOTP secret: ")
                assert base64.b32decode(secret) == device.bin_key == demo.totp_key(username)
                assert device.verify_token(totp(device.bin_key))
            else:
                assert not devices.exists()
    assert authenticate(request, username="manager", password="wrong password") is None
    assert User.objects.get(username="admin").is_superuser
    focal = User.objects.get(username="focal")
    assert focal.memberships.get().organization.name == "UNICEF Ghana Country Office"
    owner = User.objects.get(username="applicant").memberships.get()
    assert owner.role == "owner"
    assert owner.organization.is_sample and owner.organization.kind == "startup"


@pytest.mark.django_db
def test_second_load_creates_nothing_and_reports_progress():
    first = RecordingProgress()
    rows = demo.load(progress=first)
    assert first.total is not None and first.done == first.total
    before, events = counts(), AuditEvent.objects.count()

    second = RecordingProgress()
    assert demo.load(progress=second) == rows
    assert counts() == before
    assert AuditEvent.objects.count() == events
    assert second.done == second.total == first.total


@pytest.mark.django_db
def test_the_sample_is_the_same_on_every_run():
    demo.load(progress=NullProgress())
    names = sorted(Organization.objects.filter(is_sample=True).values_list("name", "country_id"))
    descriptions = sorted(Organization.objects.filter(is_sample=True).values_list("description", flat=True))

    # As on a fresh database: remove the sample and load again.
    Organization.objects.filter(is_sample=True).delete()
    demo.load(progress=NullProgress())

    assert sorted(Organization.objects.filter(is_sample=True).values_list("name", "country_id")) == names
    assert sorted(Organization.objects.filter(is_sample=True).values_list("description", flat=True)) == (
        descriptions
    )
    assert len({name for name, _country in names}) == len(names)
