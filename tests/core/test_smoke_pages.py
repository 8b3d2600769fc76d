import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signed_in_pages_render(personas, client_for, organization):
    client = client_for(personas["fund_manager"])
    for url in [
        reverse("home"),
        reverse("country_list"),
        reverse("country_detail", args=["KE"]),
        reverse("organization_list"),
        reverse("organization_detail", args=[organization.slug]),
        reverse("organization_edit", args=[organization.slug]),
        reverse("organization_create"),
        reverse("organization_activity", args=[organization.slug]),
        reverse("token_list"),
        reverse("invitation_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
