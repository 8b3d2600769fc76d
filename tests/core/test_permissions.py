"""Who may open and change what: every persona against every page and API endpoint of the core app.

The matrix below is the specification. Each cell is one test. A denied request (and every read) must
leave the database exactly as it was: no row added, changed or removed, no audit event, no e-mail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from seedbed.api import api
from seedbed.core import services
from seedbed.core import urls as core_urls
from seedbed.core.api import router as core_router
from seedbed.core.models import (
    ApiToken,
    AuditEvent,
    Country,
    Invitation,
    Job,
    JobStatus,
    Membership,
    MembershipRequest,
    Organization,
    RoleGrant,
    User,
)
from seedbed.core.roles import Role
from tests.conftest import PERSONAS
from tests.core.helpers import db_state

pytestmark = pytest.mark.django_db

# --- The people ------------------------------------------------------------------------------------
# The nine personas of conftest, anonymous visitors, and two people without any role who belong to the
# organization under test: its owner (may edit it) and a plain member (may not).
COLUMNS = (
    "anonymous",
    "fund_manager",
    "reviewer",
    "committee_member",
    "finance_officer",
    "mentor",
    "focal_point",
    "applicant",
    "administrator",
    "outsider",
    "owner",
    "member",
)

# --- What they get ---------------------------------------------------------------------------------
# A number is the status code. The redirects say where they lead:
LOG = "302 to the sign-in page"
SET = "302 to two-factor set-up"
VER = "302 to two-factor verification"
DONE = "302 after a successful write"
HOME = "302 to the home page"

# The job under test was started by the reviewer; the API token under test belongs to the reviewer. A
# person outside the columns, an applicant, has asked to join the organization under test.
# fmt: off
MATRIX: list[tuple[str, tuple[Any, ...]]] = [
    # endpoint                  anon  f.mgr rev.  comm. fin.  ment. focal appl. admin outs. owner memb.
    ("home",                    (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("country list",            (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("country detail",          (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("organization list",       (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("organization detail",     (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("organization activity",   (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("organization create",     (LOG,  200,  403,  403,  403,  403,  200,  200,  200,  403,  403,  403)),
    ("POST new organization",   (LOG,  DONE, 403,  403,  403,  403,  DONE, DONE, DONE, 403,  403,  403)),
    ("organization edit",       (LOG,  200,  403,  403,  403,  403,  403,  403,  200,  403,  200,  403)),
    ("POST organization edit",  (LOG,  DONE, 403,  403,  403,  403,  403,  403,  DONE, 403,  DONE, 403)),
    ("POST membership add",     (LOG,  DONE, 403,  403,  403,  403,  403,  403,  DONE, 403,  DONE, 403)),
    ("POST membership remove",  (LOG,  DONE, 403,  403,  403,  403,  403,  403,  DONE, 403,  DONE, 403)),
    ("POST join request",       (LOG,  403,  403,  403,  403,  403,  DONE, DONE, 403,  403,  403,  403)),
    ("POST join decision",      (LOG,  DONE, 403,  403,  403,  403,  403,  403,  DONE, 403,  DONE, 403)),
    ("invitation list",         (LOG,  200,  403,  403,  403,  403,  403,  403,  200,  403,  403,  403)),
    ("POST invitation",         (LOG,  DONE, 403,  403,  403,  403,  403,  403,  DONE, 403,  403,  403)),
    ("audit log",               (LOG,  403,  403,  403,  403,  403,  403,  403,  200,  403,  403,  403)),
    ("job detail",              (LOG,  404,  200,  404,  404,  404,  404,  404,  200,  404,  404,  404)),
    ("job progress",            (LOG,  404,  200,  404,  404,  404,  404,  404,  200,  404,  404,  404)),
    ("job download",            (LOG,  404,  200,  404,  404,  404,  404,  404,  200,  404,  404,  404)),
    ("token list",              (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("POST token create",       (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("POST token revoke",       (LOG,  404,  DONE, 404,  404,  404,  404,  404,  404,  404,  404,  404)),
    ("two-factor setup",        (LOG,  HOME, HOME, HOME, VER,  HOME, HOME, HOME, VER,  HOME, HOME, HOME)),
    ("two-factor verify",       (LOG,  SET,  SET,  SET,  200,  SET,  SET,  SET,  200,  SET,  SET,  SET)),
    ("sign-up",                 (200,  HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME)),
    ("POST sign-up",            (DONE, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME)),
    ("sign-up sent",            (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("sign-up next steps",      (LOG,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("API countries",           (401,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("API country",             (401,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("API organizations",       (401,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("API organization",        (401,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("API POST organization",   (401,  201,  403,  403,  403,  403,  201,  201,  201,  403,  403,  403)),
    ("API PATCH organization",  (401,  200,  403,  403,  403,  403,  403,  403,  200,  403,  200,  403)),
    ("API docs",                (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
    ("API OpenAPI schema",      (200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200)),
]
# fmt: on


@dataclass
class World:
    users: dict[str, User]
    organization: Organization
    member_membership: Membership
    job: Job
    token: ApiToken
    join_request: MembershipRequest


@dataclass(frozen=True)
class Request:
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]] | None = None
    json: bool = False

    @property
    def writes(self) -> bool:
        return self.method != "get"


def _org_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.organization.slug])


def _job_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.job.pk])


ENDPOINTS: dict[str, Request] = {
    "home": Request("get", lambda w: reverse("home")),
    "country list": Request("get", lambda w: reverse("country_list")),
    "country detail": Request("get", lambda w: reverse("country_detail", args=["KE"])),
    "organization list": Request("get", lambda w: reverse("organization_list")),
    "organization detail": Request("get", _org_url("organization_detail")),
    "organization activity": Request("get", _org_url("organization_activity")),
    "organization create": Request("get", lambda w: reverse("organization_create")),
    "POST new organization": Request(
        "post",
        lambda w: reverse("organization_create"),
        lambda w: {"name": "Mvua Analytics", "kind": "startup", "country": "KE"},
    ),
    "organization edit": Request("get", _org_url("organization_edit")),
    "POST organization edit": Request(
        "post",
        _org_url("organization_edit"),
        lambda w: {
            "name": "Kijani Data Labs",
            "kind": "academic",
            "country": "KE",
            "description": "Changed.",
        },
    ),
    "POST membership add": Request(
        "post",
        _org_url("membership_add"),
        lambda w: {"email": "newcomer@example.org", "role": "member", "title": "Data engineer"},
    ),
    "POST membership remove": Request(
        "post", lambda w: reverse("membership_remove", args=[w.organization.slug, w.member_membership.pk])
    ),
    "POST join request": Request(
        "post", _org_url("membership_request_create"), lambda w: {"message": "I run the data team."}
    ),
    "POST join decision": Request(
        "post",
        lambda w: reverse("membership_request_decide", args=[w.organization.slug, w.join_request.pk]),
        lambda w: {"outcome": "approved"},
    ),
    "invitation list": Request("get", lambda w: reverse("invitation_list")),
    "POST invitation": Request(
        "post",
        lambda w: reverse("invitation_list"),
        lambda w: {"email": "invitee@example.org", "role": "reviewer"},
    ),
    "audit log": Request("get", lambda w: reverse("audit_log")),
    "job detail": Request("get", _job_url("job_detail")),
    "job progress": Request("get", _job_url("job_progress")),
    "job download": Request("get", _job_url("job_download")),
    "token list": Request("get", lambda w: reverse("token_list")),
    "POST token create": Request(
        "post", lambda w: reverse("token_list"), lambda w: {"name": "monthly report"}
    ),
    "POST token revoke": Request("post", lambda w: reverse("token_revoke", args=[w.token.pk])),
    "two-factor setup": Request("get", lambda w: reverse("two_factor_setup")),
    "two-factor verify": Request("get", lambda w: reverse("two_factor_verify")),
    "sign-up": Request("get", lambda w: reverse("signup")),
    "POST sign-up": Request(
        "post",
        lambda w: reverse("signup"),
        lambda w: {
            "full_name": "Amina Yusuf",
            "email": "amina@example.org",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    ),
    "sign-up sent": Request("get", lambda w: reverse("signup_done")),
    "sign-up next steps": Request("get", lambda w: reverse("signup_welcome")),
    "API countries": Request("get", lambda w: "/api/countries"),
    "API country": Request("get", lambda w: "/api/countries/KE"),
    "API organizations": Request("get", lambda w: "/api/organizations"),
    "API organization": Request("get", lambda w: f"/api/organizations/{w.organization.slug}"),
    "API POST organization": Request(
        "post",
        lambda w: "/api/organizations",
        lambda w: {"name": "Mvua Analytics", "kind": "startup"},
        json=True,
    ),
    "API PATCH organization": Request(
        "patch",
        lambda w: f"/api/organizations/{w.organization.slug}",
        lambda w: {"description": "Patched."},
        json=True,
    ),
    "API docs": Request("get", lambda w: "/api/docs"),
    "API OpenAPI schema": Request("get", lambda w: "/api/openapi.json"),
}

CASES = [
    pytest.param(endpoint, persona, expected, id=f"{endpoint}-{persona}".replace(" ", "_"))
    for endpoint, row in MATRIX
    for persona, expected in zip(COLUMNS, row, strict=True)
]


def test_the_matrix_covers_every_endpoint_and_persona():
    assert [endpoint for endpoint, _row in MATRIX] == list(ENDPOINTS)
    assert set(COLUMNS[1:10]) == set(PERSONAS)
    assert all(len(row) == len(COLUMNS) for _endpoint, row in MATRIX)


# Pages of the core app that are not in the matrix because they are the same for everyone: signing in
# and out, password reset and change (Django's own views), the invitation link (tested in
# test_directory), the sign-up verification link (tested in test_signup), and the monitoring endpoint.
OUTSIDE_THE_MATRIX = {
    "healthz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "password_change",
    "password_change_done",
    "invitation_accept",
    "signup_verify",
}


def test_every_page_of_the_core_app_is_in_the_matrix(matrix_world):
    every_page = {pattern.name for pattern in core_urls.urlpatterns}
    in_matrix = {resolve(request.url(matrix_world)).url_name for request in ENDPOINTS.values()}
    assert every_page - OUTSIDE_THE_MATRIX - in_matrix == set(), "add the new page to MATRIX"
    # The core router's endpoints; each other part has its own permission tests for its router.
    core_paths = {"/api" + path for path in core_router.path_operations}
    api_paths = {
        re.sub(r"\{\w+\}", "*", path) for path in api.get_openapi_schema()["paths"] if path in core_paths
    }
    in_matrix_api = {
        re.sub(r"<[\w:]+>", "*", "/" + resolve(request.url(matrix_world)).route)
        for request in ENDPOINTS.values()
    }
    assert api_paths - in_matrix_api == set(), "add the endpoint to MATRIX"


# --- The world every cell runs against -----------------------------------------------------------
# Built once per module (committed), each test runs in a transaction that is rolled back.


def _build_world() -> World:
    Country.objects.create(
        iso2="KE", iso3="KEN", numeric="404", name="Kenya", unicef_region="ESAR", programme_country=True
    )

    def person(username: str, roles: tuple[str, ...] = ()) -> User:
        return services.user_create(
            actor=None,
            username=username,
            email=f"{username}@example.org",
            password=None,
            full_name=username.title(),
            roles=list(roles),
        )

    users = {name: person(name, roles) for name, roles in PERSONAS.items()}
    users["owner"] = person("owner")
    users["member"] = person("member")
    person("newcomer")
    requester = person("requester", (Role.APPLICANT,))
    organization = services.organization_create(
        actor=users["fund_manager"],
        data={"name": "Kijani Data Labs", "kind": "startup", "country": Country.objects.get(iso2="KE")},
    )
    services.membership_add(actor=None, organization=organization, user=users["owner"], role="owner")
    member_membership = services.membership_add(
        actor=None, organization=organization, user=users["member"], role="member"
    )
    for name in ("finance_officer", "administrator"):
        TOTPDevice.objects.create(user=users[name], name="test", confirmed=True)
    job = Job.objects.create(
        kind="organization_export",
        title="Export of organizations (CSV)",
        status=JobStatus.SUCCEEDED,
        total=1,
        done=1,
        created_by=users["reviewer"],
        result_file="jobs/matrix/organizations.csv",
    )
    token, _raw = services.api_token_create(actor=users["reviewer"], name="reviewer script")
    join_request = MembershipRequest.objects.create(
        user=requester, organization=organization, message="I work here."
    )
    return World(users, organization, member_membership, job, token, join_request)


def _clear_world() -> None:
    for model in (
        AuditEvent,
        Job,
        ApiToken,
        Invitation,
        MembershipRequest,
        Membership,
        Organization,
        TOTPDevice,
        RoleGrant,
    ):
        model.objects.all().delete()
    User.objects.all().delete()
    Country.objects.all().delete()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = _build_world()
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            _clear_world()


@pytest.fixture
def matrix_world(world, db):
    """The module's world, with the job's result file in this test's media folder."""
    default_storage.save(world.job.result_file.name, ContentFile(b"Name\r\nKijani Data Labs\r\n"))
    return world


def _client(world: World, persona: str, client_for: Callable[[User | None], Client]) -> Client:
    return Client() if persona == "anonymous" else client_for(world.users[persona])


def _send(client: Client, request: Request, world: World):
    url = request.url(world)
    data = request.data(world) if request.data else {}
    if request.json:
        return getattr(client, request.method)(url, data=json.dumps(data), content_type="application/json")
    return getattr(client, request.method)(url, data=data)


def _check_status(response, expected: Any) -> None:
    location = response.get("Location", "")
    if expected == LOG:
        assert response.status_code == 302 and location.startswith(reverse("login")), (
            response.status_code,
            location,
        )
    elif expected == SET:
        assert response.status_code == 302 and location.startswith(reverse("two_factor_setup")), location
    elif expected == VER:
        assert response.status_code == 302 and location.startswith(reverse("two_factor_verify")), location
    elif expected == HOME:
        assert response.status_code == 302 and location == reverse("home"), (response.status_code, location)
    elif expected == DONE:
        assert response.status_code == 302, response.status_code
        assert not location.startswith(("/accounts/login/", "/accounts/two-factor/")), location
    else:
        assert response.status_code == expected, (response.status_code, location)


@pytest.mark.parametrize(("endpoint", "persona", "expected"), CASES)
def test_permission_matrix(
    endpoint, persona, expected, matrix_world, client_for, django_capture_on_commit_callbacks
):
    world = matrix_world
    request = ENDPOINTS[endpoint]
    client = _client(world, persona, client_for)
    before = db_state()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _send(client, request, world)

    _check_status(response, expected)
    after = db_state()
    succeeded_write = request.writes and expected in (DONE, 200, 201)
    if succeeded_write:
        assert after != before, "an allowed write changed nothing"
        assert len(after["audit_events"]) > len(before["audit_events"]), (
            "an allowed write left no audit event"
        )
    else:
        assert after == before, "a denied request or a read changed the database"
        assert callbacks == []
        assert mail.outbox == []
    if endpoint.startswith("API") and response.status_code in (401, 403):
        assert response["Content-Type"].startswith("application/json")
        assert "detail" in response.json()
