"""The home page is made for its reader: what needs their attention and what their role looks at first."""

import pytest
from django.urls import reverse

from seedbed.core import services
from seedbed.core.models import Country

pytestmark = pytest.mark.django_db


def test_administrator_sees_the_latest_changes_and_who_lacks_a_second_factor(
    personas, client_for, organization
):
    page = client_for(personas["administrator"]).get(reverse("home")).content.decode()
    assert "Latest changes" in page
    assert "organization.create" in page
    # The finance officer persona has no confirmed authenticator yet.
    assert "1 finance officer or administrator has not enrolled a second factor yet." in page


def test_fund_manager_sees_recent_organizations_and_pending_invitations(personas, client_for, organization):
    manager = personas["fund_manager"]
    services.invitation_create(
        actor=manager,
        email="new.reviewer@example.org",
        role="reviewer",
        organization=None,
        accept_url_builder=lambda raw: f"/invitations/accept/{raw}/",
    )
    page = client_for(manager).get(reverse("home")).content.decode()
    assert "Recently added to the directory" in page
    assert organization.name in page
    assert "1 invitation has not been accepted yet." in page
    assert "Latest changes" not in page


def test_focal_point_sees_their_country_office_and_its_country(personas, client_for, countries):
    office = services.organization_create(
        actor=None,
        data={
            "name": "UNICEF Ghana Country Office",
            "kind": "country_office",
            "country": Country.objects.get(iso2="GH"),
        },
    )
    services.membership_add(
        actor=None, organization=office, user=personas["focal_point"], title="Innovation officer"
    )
    page = client_for(personas["focal_point"]).get(reverse("home")).content.decode()
    assert "UNICEF Ghana Country Office" in page
    assert reverse("country_detail", args=["GH"]) in page
    assert "Recently added to the directory" not in page


def test_reviewer_gets_an_honest_empty_state(personas, client_for):
    page = client_for(personas["reviewer"]).get(reverse("home")).content.decode()
    assert "Nothing needs your attention right now." in page
    assert "You do not belong to any organization yet." in page
    assert "Latest changes" not in page
