"""Lists keep a constant number of database queries as the data grows (no N+1 queries).

Each test warms the page up once (caches such as content types fill on the first request), measures it
with a few rows, adds three times as many rows, and measures again: the two counts must be equal.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seedbed.core import services
from seedbed.core.models import Country, MembershipRequest, Organization
from seedbed.core.roles import Role
from tests.conftest import make_user
from tests.core.helpers import make_organization

pytestmark = pytest.mark.django_db

N = 4
COUNTRIES = ["KE", "SN", "PE", "IN", "FJ", "JO", "KZ", "BR", "NG", "VN", "UG", "GH", "NP", "TZ", "EG", "MX"]


def queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), [query["sql"] for query in captured.captured_queries]


def assert_constant(client: Client, url: str, grow: Callable[[int], None]) -> None:
    grow(N)
    client.get(url)  # warm-up
    small, _sql = queries(client, url)
    grow(3 * N)
    large, sql = queries(client, url)
    assert large == small, f"{url}: {small} queries with few rows, {large} with more:\n" + "\n".join(sql)


class Organizations:
    """Adds organizations with varied countries, parents, members and history."""

    def __init__(self) -> None:
        self.made = 0
        self.parent: Organization | None = None

    def __call__(self, count: int) -> None:
        for _ in range(count):
            n = self.made
            self.made += 1
            organization = make_organization(
                f"Organization {n:03d}",
                ["startup", "academic", "un_agency", "government"][n % 4],
                COUNTRIES[n % len(COUNTRIES)],
                parent=self.parent,
                website=f"https://org{n}.example.org",
            )
            services.organization_update(
                actor=None, organization=organization, data={"description": f"Now {n}"}
            )
            self.parent = self.parent or organization


@pytest.fixture
def manager(personas, client_for) -> Client:
    return client_for(personas["fund_manager"])


def test_organization_list_page(manager, countries):
    assert_constant(manager, "/organizations/", Organizations())


def test_organization_list_page_filtered_and_sorted_by_country(manager, countries):
    assert_constant(manager, "/organizations/?region=ESAR&sort=country", Organizations())


def test_organization_list_htmx_partial(manager, countries):
    grow = Organizations()
    grow(N)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "organization-results"}
    manager.get("/organizations/", **headers)
    with CaptureQueriesContext(connection) as small:
        manager.get("/organizations/", **headers)
    grow(3 * N)
    with CaptureQueriesContext(connection) as large:
        manager.get("/organizations/", **headers)
    assert len(large) == len(small)


def test_api_organization_list(manager, countries):
    assert_constant(manager, "/api/organizations", Organizations())


def test_organization_detail_with_members_units_and_history(manager, countries):
    parent = make_organization("Parent Organization", "un_agency", "CH")
    made = [0]

    def grow(count: int) -> None:
        for _ in range(count):
            n = made[0]
            made[0] += 1
            person = make_user(f"person{n}")
            services.membership_add(actor=None, organization=parent, user=person, title=f"Role {n}")
            make_organization(f"Unit {n}", "country_office", COUNTRIES[n % len(COUNTRIES)], parent=parent)
            services.organization_update(
                actor=None, organization=parent, data={"description": f"Version {n}"}
            )
            asker = make_user(f"asker{n}", (Role.APPLICANT,))
            MembershipRequest.objects.create(user=asker, organization=parent, message=f"Asking {n}")

    assert_constant(manager, f"/organizations/{parent.slug}/", grow)
    assert "Asking 15" in manager.get(f"/organizations/{parent.slug}/").content.decode()


def test_organization_activity_page(manager, countries):
    organization = make_organization("Changing Organization", "startup", "KE")
    made = [0]

    def grow(count: int) -> None:
        for _ in range(count):
            made[0] += 1
            services.organization_update(
                actor=None, organization=organization, data={"description": f"Version {made[0]}"}
            )

    assert_constant(manager, f"/organizations/{organization.slug}/activity/", grow)


def test_country_list_page(manager, countries):
    assert_constant(manager, "/countries/", Organizations())


def test_country_list_page_with_few_and_many_countries(manager, countries):
    Organizations()(2 * N)
    manager.get("/countries/?q=KE")
    one, _sql = queries(manager, "/countries/?q=kenya")
    full_page, sql = queries(manager, "/countries/?sort=organizations")
    assert full_page == one, "\n".join(sql)


def test_api_country_list(manager, countries):
    assert_constant(manager, "/api/countries", Organizations())
    manager.get("/api/countries?q=kenya")
    one, _sql = queries(manager, "/api/countries?q=kenya")
    full_page, _sql = queries(manager, "/api/countries")
    assert full_page == one


def test_country_detail_page(manager, countries):
    made = [0]

    def grow(count: int) -> None:
        for _ in range(count):
            made[0] += 1
            make_organization(f"Kenyan Organization {made[0]}", "startup", "KE")

    assert_constant(manager, "/countries/KE/", grow)


def test_audit_log_page(personas, client_for, countries):
    admin = client_for(personas["administrator"])
    grow = Organizations()
    made = [0]

    def grow_with_people(count: int) -> None:
        grow(count)
        for _ in range(count):
            made[0] += 1
            make_user(f"audited{made[0]}", roles=("reviewer",))  # events with users as their objects

    assert_constant(admin, "/audit/", grow_with_people)
    assert_constant(admin, "/audit/?action=organization.", grow)


def test_invitation_list_page(manager, personas, countries, django_capture_on_commit_callbacks):
    organization = make_organization("Inviting Organization", "startup", "KE")
    made = [0]

    def grow(count: int) -> None:
        for _ in range(count):
            made[0] += 1
            services.invitation_create(
                actor=personas["fund_manager"],
                email=f"invitee{made[0]}@example.org",
                role="reviewer",
                organization=organization,
                accept_url_builder=lambda raw: f"http://testserver/invitations/accept/{raw}/",
            )

    assert_constant(manager, "/invitations/", grow)


def test_token_list_page(manager, personas, countries):
    def grow(count: int) -> None:
        for n in range(count):
            services.api_token_create(actor=personas["fund_manager"], name=f"script {n}")

    assert_constant(manager, "/accounts/tokens/", grow)


def test_home_page(personas, client_for, countries):
    user = personas["applicant"]
    client = client_for(user)
    made = [0]

    def grow(count: int) -> None:
        for _ in range(count):
            made[0] += 1
            organization = make_organization(f"Applicant Organization {made[0]}", "startup", "KE")
            services.membership_add(actor=None, organization=organization, user=user)

    assert_constant(client, "/", grow)
    assert Country.objects.count() == 249
