"""The directory's demo data: countries, the real organizations named in the seed, a generated sample
of startups and country offices, and one demo login per role.

``load`` is idempotent: it looks every organization up by name and every user by username first and
only creates what is missing, so running it twice creates nothing new the second time. The sample is
drawn from ``random.Random(2016)`` over the countries from ``countries_sync`` (a fixed file), so the
same names come out on every machine and every run.

Sample organizations are flagged ``is_sample`` and say so in their name or description. Real
organizations come from ``data/seed-organizations.csv``; ``data/SEED-NOTE.txt`` gives each row's source.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from seedbed.core.audit import audit_record
from seedbed.core.jobs import Progress
from seedbed.core.models import Country, MembershipRole, Organization, OrganizationKind, User
from seedbed.core.roles import TWO_FACTOR_ROLES, Role
from seedbed.core.services import countries_sync, membership_add, organization_create, role_grant, user_create

DEMO_PASSWORD = "seedbed-demo"  # noqa: S105 - published demo password, demo accounts only
DEMO_EMAIL_DOMAIN = "demo.seedbed.local"
TOTP_DEVICE_NAME = "Demo authenticator"

SEED_ORGANIZATIONS_FILE = Path(__file__).resolve().parent / "data" / "seed-organizations.csv"
SEED_COLUMNS = ("name", "kind", "country_iso2", "website", "description", "parent")

# The portfolio figures of the seed: 113 investments across 67 countries by Q4 2021, 33 of them in
# startups. The directory holds the organizations those investments can go to: country offices (real
# and sample) in exactly PORTFOLIO_COUNTRIES programme countries, and sample startups located in them.
SAMPLE_SEED = 2016
PORTFOLIO_COUNTRIES = 67
SAMPLE_STARTUPS = 60
SAMPLE_OFFICE_SUFFIX = " (sample)"
SAMPLE_STARTUP_PREFIX = "Sample startup"
SAMPLE_OFFICE_PREFIX = "Sample country office"

# Neutral words for obviously made-up startup names ("Amber Heron Data Labs").
_NAME_FIRST = (
    "Amber", "Birch", "Cedar", "Cobalt", "Dune", "Ember", "Fern", "Granite", "Harbour", "Indigo",
    "Juniper", "Kestrel", "Lumen", "Meadow", "Nimbus", "Orchid", "Pebble", "Quartz", "Rowan", "Saffron",
    "Tamarind", "Umber", "Willow", "Yarrow", "Zephyr",
)  # fmt: skip
_NAME_SECOND = (
    "Heron", "Otter", "Finch", "Lark", "Maple", "Comet", "Lantern", "Compass", "Prism", "Acorn",
    "Kite", "Pine", "Reef", "Delta", "Summit",
)  # fmt: skip
# Themes of the Venture Fund's cohorts (data science and AI, blockchain, XR) and of its other work,
# each with the words a startup working on it might put in its name.
_THEMES = (
    ("data science and artificial intelligence", ("Data Labs", "Analytics", "AI")),
    ("blockchain", ("Ledger", "Chain Works")),
    ("extended reality (XR)", ("XR Studio", "Immersive")),
    ("drones and aerial mapping", ("Drone Works", "Aerial")),
    ("open learning content", ("Learning", "EdTech")),
    ("school connectivity mapping", ("Connect", "Maps")),
    ("health information systems", ("Health", "Care Tech")),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("manager", Role.FUND_MANAGER, "Demo Fund Manager"),
    DemoUser("reviewer", Role.REVIEWER, "Demo Reviewer"),
    DemoUser("committee", Role.COMMITTEE_MEMBER, "Demo Committee Member"),
    DemoUser("finance", Role.FINANCE_OFFICER, "Demo Finance Officer"),
    DemoUser("finance2", Role.FINANCE_OFFICER, "Demo Second Finance Officer"),
    DemoUser("mentor", Role.OSS_MENTOR, "Demo Open-Source Mentor"),
    DemoUser("focal", Role.FOCAL_POINT, "Demo Focal Point"),
    DemoUser("applicant", Role.APPLICANT, "Demo Applicant"),
    DemoUser("admin", Role.ADMINISTRATOR, "Demo Administrator"),
)
FOCAL_POINT_OFFICE = "UNICEF Ghana Country Office"


@dataclass(frozen=True)
class SampleOrganization:
    name: str
    kind: str
    country_iso2: str
    description: str


# --- Public helpers -------------------------------------------------------------------------------


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def totp_key(username: str) -> bytes:
    """A user's demo TOTP key: the 20 bytes of SHA-1("seedbed-demo-totp:" + username). Public on purpose."""
    return hashlib.sha1(f"seedbed-demo-totp:{username}".encode(), usedforsecurity=False).digest()[:20]


def totp_secret(username: str) -> str:
    """The demo TOTP key in base32, as a person types it into an authenticator app."""
    return base64.b32encode(totp_key(username)).decode("ascii")


def read_seed_organizations(path: Path = SEED_ORGANIZATIONS_FILE) -> list[dict[str, str]]:
    """The rows of the seed organizations file, checked: known kinds, parents listed before children."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != SEED_COLUMNS:
            raise ValueError(f"{path.name}: expected the columns {', '.join(SEED_COLUMNS)}")
        rows = [{key: (value or "").strip() for key, value in row.items()} for row in reader]
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if row["kind"] not in OrganizationKind.values:
            raise ValueError(f"{path.name} line {number}: unknown kind {row['kind']!r}")
        if row["parent"] and row["parent"] not in seen:
            raise ValueError(f"{path.name} line {number}: parent {row['parent']!r} must come earlier")
        seen.add(row["name"])
    return rows


def sample_plan(
    countries: list[Country], seed_rows: list[dict[str, str]]
) -> tuple[list[SampleOrganization], list[SampleOrganization]]:
    """The sample country offices and startups, the same for the same countries and seed file.

    Country offices: one in each of the programme countries that (a) have a UNICEF country office of
    their own and (b) no real country office in the seed file, drawn until real and sample offices are
    in ``PORTFOLIO_COUNTRIES`` countries. Startups: ``SAMPLE_STARTUPS``, each in one of those countries.
    """
    rng = random.Random(SAMPLE_SEED)  # noqa: S311 - demo data, not security
    real_office_countries = {
        row["country_iso2"] for row in seed_rows if row["kind"] == OrganizationKind.COUNTRY_OFFICE
    }
    programme = sorted((c for c in countries if c.programme_country), key=lambda c: c.iso2)
    candidates = [
        c
        for c in programme
        if c.iso2 not in real_office_countries
        and c.programme_note == "own country office"
        and "," not in c.name
        and "(" not in c.name
    ]
    wanted = max(0, PORTFOLIO_COUNTRIES - len(real_office_countries))
    office_countries = sorted(rng.sample(candidates, min(wanted, len(candidates))), key=lambda c: c.name)
    offices = [
        SampleOrganization(
            name=f"UNICEF {country.name} Country Office{SAMPLE_OFFICE_SUFFIX}",
            kind=OrganizationKind.COUNTRY_OFFICE,
            country_iso2=country.iso2,
            description=(
                f"{SAMPLE_OFFICE_PREFIX} generated for the Seedbed demo. It stands for UNICEF's office in "
                f"{country.name}; its people, investments and payments here are fictitious."
            ),
        )
        for country in office_countries
    ]

    portfolio = sorted(
        [c for c in programme if c.iso2 in real_office_countries] + office_countries, key=lambda c: c.iso2
    )
    startups: list[SampleOrganization] = []
    taken: set[str] = set()
    while len(startups) < SAMPLE_STARTUPS and portfolio:
        theme, words = rng.choice(_THEMES)
        name = f"{rng.choice(_NAME_FIRST)} {rng.choice(_NAME_SECOND)} {rng.choice(words)}"
        country = rng.choice(portfolio)
        if name.lower() in taken:
            continue
        taken.add(name.lower())
        startups.append(
            SampleOrganization(
                name=name,
                kind=OrganizationKind.STARTUP,
                country_iso2=country.iso2,
                description=(
                    f"{SAMPLE_STARTUP_PREFIX} generated for the Seedbed demo; not a real company. "
                    f"It works on {theme} in {country.name}."
                ),
            )
        )
    return offices, startups


# --- Loading --------------------------------------------------------------------------------------


def load(*, progress: Progress) -> list[tuple[str, str, str]]:
    """Load the directory's demo data. Returns the demo logins as (role label, username, note) rows."""
    seed_rows = read_seed_organizations()
    total = 1 + len(seed_rows) + (PORTFOLIO_COUNTRIES - _count_offices(seed_rows)) + SAMPLE_STARTUPS
    total += len(DEMO_USERS)
    progress.start(total, "Loading the demo directory")

    progress.message("Countries and UNICEF regions")
    countries_sync(actor=None)
    progress.advance()

    existing = {name.lower(): pk for pk, name in Organization.objects.values_list("pk", "name")}
    countries = {country.iso2: country for country in Country.objects.all()}

    progress.message("Organizations named in the seed")
    by_name: dict[str, Organization] = {}
    for row in seed_rows:
        by_name[row["name"]] = _ensure_organization(
            existing,
            {
                "name": row["name"],
                "kind": row["kind"],
                "country": countries[row["country_iso2"]] if row["country_iso2"] else None,
                "website": row["website"],
                "description": row["description"],
                "parent": by_name[row["parent"]] if row["parent"] else None,
            },
            is_sample=False,
        )
        progress.advance()

    offices, startups = sample_plan(list(countries.values()), seed_rows)
    unicef = by_name.get("UNICEF")
    progress.message("Sample country offices")
    for office in offices:
        _ensure_organization(existing, _sample_data(office, countries, parent=unicef), is_sample=True)
        progress.advance()
    progress.message("Sample startups")
    sample_startups: list[Organization] = []
    for startup in startups:
        sample_startups.append(
            _ensure_organization(existing, _sample_data(startup, countries, parent=None), is_sample=True)
        )
        progress.advance()

    progress.message("Demo users")
    # The focal point works in a real pilot country office; the applicant owns the first sample startup.
    memberships: dict[str, tuple[Organization, str]] = {
        "focal": (by_name[FOCAL_POINT_OFFICE], MembershipRole.MEMBER),
    }
    if sample_startups:
        memberships["applicant"] = (sample_startups[0], MembershipRole.OWNER)
    logins: list[tuple[str, str, str]] = []
    for demo_user in DEMO_USERS:
        membership = memberships.get(demo_user.username)
        user = _ensure_user(demo_user, membership)
        note = ""
        if demo_user.role in TWO_FACTOR_ROLES:
            _ensure_totp_device(user)
            note = f"TOTP secret: {totp_secret(user.username)}"
        elif membership is not None:
            organization, membership_role = membership
            note = (
                f"{'Owner' if membership_role == MembershipRole.OWNER else 'Member'} of {organization.name}"
            )
        logins.append((str(Role(demo_user.role).label), demo_user.username, note))
        progress.advance()
    progress.message("Demo data loaded")
    return logins


def _count_offices(seed_rows: list[dict[str, str]]) -> int:
    return len({row["country_iso2"] for row in seed_rows if row["kind"] == OrganizationKind.COUNTRY_OFFICE})


def _sample_data(
    sample: SampleOrganization, countries: dict[str, Country], parent: Organization | None
) -> dict[str, object]:
    return {
        "name": sample.name,
        "kind": sample.kind,
        "country": countries[sample.country_iso2],
        "website": "",
        "description": sample.description,
        "parent": parent,
    }


def _ensure_organization(
    existing: dict[str, int], data: dict[str, object], *, is_sample: bool
) -> Organization:
    """The organization with this name (any letter case), created through the service if missing."""
    name = str(data["name"])
    pk = existing.get(name.lower())
    if pk is not None:
        return Organization.objects.get(pk=pk)
    organization = organization_create(actor=None, data=data, is_sample=is_sample)
    existing[name.lower()] = organization.pk
    return organization


def _ensure_user(demo_user: DemoUser, membership: tuple[Organization, str] | None) -> User:
    """The demo user, created with its role (and organization) if missing. An existing user's password,
    name and e-mail address are left alone; only a missing role or membership is added."""
    user = User.objects.filter(username__iexact=demo_user.username).first()
    if user is None:
        with transaction.atomic():
            # user_create checks the password against AUTH_PASSWORD_VALIDATORS, and the published demo
            # password is "too similar" to the demo e-mail address (…@demo.seedbed.local). The demo
            # accounts are public on purpose, so the password is set here, after the service.
            user = user_create(
                actor=None,
                username=demo_user.username,
                email=demo_email(demo_user.username),
                password=None,
                full_name=demo_user.full_name,
                roles=[demo_user.role],
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    else:
        role_grant(actor=None, user=user, role=demo_user.role)
    if membership is not None:
        organization, membership_role = membership
        if not user.memberships.filter(organization=organization).exists():
            membership_add(actor=None, organization=organization, user=user, role=membership_role)
    return user


def _ensure_totp_device(user: User) -> TOTPDevice:
    """A confirmed TOTP device with the user's documented demo key, so the demo needs no enrolment."""
    device = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE_NAME).first()
    if device is not None:
        return device
    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=totp_key(user.username).hex(), confirmed=True
        )
        audit_record(
            actor=None, action="two_factor.enrol", target=user, changes={"device": [None, TOTP_DEVICE_NAME]}
        )
    return device
