"""The directory as its users see it: countries, organizations, people, invitations and password reset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seedbed.core import services
from seedbed.core.models import (
    AuditEvent,
    Country,
    Invitation,
    Membership,
    Organization,
    Region,
    User,
)
from seedbed.core.roles import Role
from tests.core.helpers import country_codes, make_organization, organization_slugs, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(countries) -> dict[str, Organization]:
    """A small directory across regions and kinds."""
    return {
        "kijani": make_organization("Kijani Agritech", "startup", "KE", description="Crop data for farmers."),
        "nairobi": make_organization("Nairobi School of Data", "academic", "KE"),
        "dakar": make_organization(
            "Dakar Health Lab", "startup", "SN", description="Open-source health records."
        ),
        "lima": make_organization("Lima Open Maps", "private_sector", "PE"),
        "geneva": make_organization("Geneva Standards Body", "un_agency", "CH"),
        "alliance": make_organization("Global Goods Alliance", "alliance"),
    }


# --- Organization list -----------------------------------------------------------------------------


def _listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/organizations/{query}")
    assert response.status_code == 200
    return organization_slugs(response)


def test_organization_list_shows_everything_by_name(manager, directory):
    assert _listed(manager) == [
        "dakar-health-lab",
        "geneva-standards-body",
        "global-goods-alliance",
        "kijani-agritech",
        "lima-open-maps",
        "nairobi-school-of-data",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=lab", {"dakar-health-lab"}),
        ("?q=FARMERS", {"kijani-agritech"}),  # description, any case
        ("?q=open", {"dakar-health-lab", "lima-open-maps"}),
        ("?kind=startup", {"kijani-agritech", "dakar-health-lab"}),
        ("?kind=alliance", {"global-goods-alliance"}),
        ("?country=KE", {"kijani-agritech", "nairobi-school-of-data"}),
        ("?country=ke", {"kijani-agritech", "nairobi-school-of-data"}),
        ("?region=ESAR", {"kijani-agritech", "nairobi-school-of-data"}),
        ("?region=WCAR", {"dakar-health-lab"}),
        ("?region=LACR", {"lima-open-maps"}),
        ("?region=ESAR&kind=academic", {"nairobi-school-of-data"}),
        ("?q=lab&region=ESAR", set()),
        ("?country=FR", set()),
    ],
)
def test_organization_list_filters(manager, directory, query, expected):
    assert set(_listed(manager, query)) == expected


def test_organization_list_says_how_many_match(manager, directory):
    response = manager.get("/organizations/?kind=startup")
    assert "2 organizations" in text(response)
    empty = manager.get("/organizations/?q=nothing-like-this")
    assert "No organization matches these filters." in text(empty)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-name", ["nairobi-school-of-data", "lima-open-maps", "kijani-agritech", "global-goods-alliance"]),
        # by kind (academic, alliance, private sector, startup, UN agency), then by name
        ("kind", ["nairobi-school-of-data", "global-goods-alliance", "lima-open-maps", "dakar-health-lab"]),
        # by country name: Kenya, Peru, Senegal, Switzerland (where no country sorts depends on the database)
        ("country", ["kijani-agritech", "nairobi-school-of-data", "lima-open-maps", "dakar-health-lab"]),
    ],
)
def test_organization_list_sorts(manager, directory, sort, expected):
    listed = _listed(manager, f"?sort={sort}")
    assert len(listed) == 6
    positions = [listed.index(slug) for slug in expected]
    assert positions == sorted(positions), listed


def test_organization_list_sorts_newest_first(manager, directory):
    newest = make_organization("Zanzibar Fresh Start", "startup", "TZ")
    assert _listed(manager, "?sort=-created")[0] == newest.slug
    assert _listed(manager, "?sort=name")[-1] == newest.slug


def test_organization_list_ignores_an_unknown_sort(manager, directory):
    assert _listed(manager, "?sort=password") == _listed(manager)


def test_organization_list_paginates(manager, countries):
    for n in range(30):
        make_organization(f"Startup {n:02d}", "startup", "KE")
    first = manager.get("/organizations/")
    assert len(organization_slugs(first)) == 25
    assert "Page 1 of 2" in text(first)
    assert "30 organizations" in text(first)
    second = manager.get("/organizations/?page=2")
    assert organization_slugs(second) == [f"startup-{n:02d}" for n in range(25, 30)]
    assert "Page 2 of 2" in text(second)
    # A page number that is out of range shows the last page rather than an error.
    assert organization_slugs(manager.get("/organizations/?page=99")) == organization_slugs(second)
    assert manager.get("/organizations/?page=abc").status_code == 200


def test_organization_list_keeps_filters_on_the_next_page_link(manager, countries):
    for n in range(30):
        make_organization(f"Startup {n:02d}", "startup", "KE")
    make_organization("Some University", "academic", "KE")
    page = text(manager.get("/organizations/?kind=startup"))
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', page)
    assert link is not None
    assert "kind=startup" in link.group(1)


def test_organization_list_htmx_request_gets_only_the_results(manager, directory):
    response = manager.get(
        "/organizations/?kind=startup", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="organization-results"
    )
    body = text(response)
    assert body.lstrip().startswith('<div id="organization-results">')
    assert "<html" not in body
    assert set(organization_slugs(response)) == {"kijani-agritech", "dakar-health-lab"}


# --- Country list and detail -------------------------------------------------------------------------


def _count_shown(response) -> int:
    match = re.search(r"(\d+) countr(?:y|ies)</p>", text(response))
    assert match is not None
    return int(match.group(1))


def test_country_list_has_every_iso_country(manager, countries):
    response = manager.get("/countries/")
    assert _count_shown(response) == 249
    assert len(country_codes(response)) == 50
    assert country_codes(response)[0] == "AF"  # Afghanistan comes first by name


def test_country_facts_kenya_and_france(manager, countries):
    kenya = text(manager.get("/countries/KE/"))
    assert "Eastern and Southern Africa (ESAR)" in kenya
    assert "KEN" in kenya
    france = text(manager.get("/countries/FR/"))
    assert "No UNICEF programme region" in france

    programme = country_codes(manager.get("/countries/?programme=yes&q=kenya"))
    assert programme == ["KE"]
    assert country_codes(manager.get("/countries/?programme=yes&q=FRA")) == []
    assert country_codes(manager.get("/countries/?programme=no&q=FRA")) == ["FR"]
    assert "FR" in country_codes(manager.get("/countries/?region=none&q=france"))


@pytest.mark.parametrize("region", Region.values)
def test_country_list_filters_by_region(manager, countries, region):
    response = manager.get(f"/countries/?region={region}")
    shown = _count_shown(response)
    assert 5 <= shown <= 60, shown
    assert shown == Country.objects.filter(unicef_region=region).count()
    # The region filter shows only countries of that region.
    assert set(country_codes(response)) <= set(
        Country.objects.filter(unicef_region=region).values_list("iso2", flat=True)
    )


def test_regions_and_programme_countries_add_up(manager, countries):
    per_region = sum(_count_shown(manager.get(f"/countries/?region={region}")) for region in Region.values)
    without = _count_shown(manager.get("/countries/?region=none"))
    assert per_region + without == 249
    programme = _count_shown(manager.get("/countries/?programme=yes"))
    other = _count_shown(manager.get("/countries/?programme=no"))
    assert programme + other == 249
    assert 100 <= programme <= 200, programme
    assert _count_shown(manager.get("/countries/?region=ESAR&programme=yes")) > 15


@pytest.mark.parametrize(("query", "code"), [("kenya", "KE"), ("KEN", "KE"), ("ke", "KE"), ("Senegal", "SN")])
def test_country_list_search(manager, countries, query, code):
    assert code in country_codes(manager.get(f"/countries/?q={query}"))


def test_country_list_paginates_and_sorts(manager, countries):
    last = manager.get("/countries/?page=5")
    assert len(country_codes(last)) == 49
    assert country_codes(manager.get("/countries/?sort=-name"))[0] != "AF"
    make_organization("Kijani Agritech", "startup", "KE")
    make_organization("Nairobi School of Data", "academic", "KE")
    make_organization("Dakar Health Lab", "startup", "SN")
    assert country_codes(manager.get("/countries/?sort=organizations"))[:2] == ["KE", "SN"]


def test_country_detail_lists_its_organizations(manager, directory):
    kenya = manager.get("/countries/KE/")
    assert kenya.status_code == 200
    assert "Kijani Agritech" in text(kenya)
    assert "Nairobi School of Data" in text(kenya)
    assert "Dakar Health Lab" not in text(kenya)
    empty = text(manager.get("/countries/FR/"))
    assert "No organization in France is in the directory yet." in empty


def test_country_detail_accepts_lower_case_and_rejects_unknown_codes(manager, countries):
    assert manager.get("/countries/ke/").status_code == 200
    assert manager.get("/countries/XX/").status_code == 404
    assert manager.get("/countries/KEN/").status_code == 404


# --- Creating and editing organizations --------------------------------------------------------------


def test_fund_manager_registers_an_organization(manager, personas, countries):
    response = manager.post(
        "/organizations/new/",
        {
            "name": "  Mvua Analytics ",
            "kind": "startup",
            "country": "KE",
            "website": "https://mvua.example.org",
            "description": "Rainfall forecasts.",
        },
    )

    organization = Organization.objects.get(name="Mvua Analytics")
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{organization.slug}/"
    assert organization.slug == "mvua-analytics"
    assert organization.kind == "startup"
    assert organization.country_id == "KE"
    assert organization.website == "https://mvua.example.org"
    event = AuditEvent.objects.get(action="organization.create")
    assert event.actor == personas["fund_manager"]
    assert event.object_id == str(organization.pk)
    assert event.changes["name"] == [None, "Mvua Analytics"]
    assert event.changes["kind"] == [None, "startup"]
    assert event.changes["country"] == [None, "Kenya"]
    # The fund manager manages the directory; they do not become a member of what they register.
    assert not Membership.objects.filter(organization=organization).exists()
    page = text(manager.get(response["Location"]))
    assert "Mvua Analytics was added to the directory." in page
    assert "Rainfall forecasts." in page


def test_an_applicant_who_registers_an_organization_owns_it(personas, client_for, countries):
    client = client_for(personas["applicant"])
    response = client.post("/organizations/new/", {"name": "Mvua Analytics", "kind": "startup"})
    assert response.status_code == 302
    organization = Organization.objects.get(name="Mvua Analytics")
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role) == (personas["applicant"], "owner")
    assert client.get(f"/organizations/{organization.slug}/edit/").status_code == 200


def test_a_second_organization_with_the_same_slug_gets_a_new_one(manager, countries):
    manager.post("/organizations/new/", {"name": "Open Data!", "kind": "startup"})
    manager.post("/organizations/new/", {"name": "Open Data?", "kind": "startup"})
    assert sorted(Organization.objects.values_list("slug", flat=True)) == ["open-data", "open-data-2"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "kijani agritech", "kind": "startup"},
            "name",
            "An organization with this name already exists.",
        ),
        ({"name": "Mvua Analytics"}, "kind", "This field is required."),
        ({"name": "Mvua Analytics", "kind": "spaceship"}, "kind", "Select a valid choice."),
        ({"kind": "startup"}, "name", "This field is required."),
        ({"name": "Mvua Analytics", "kind": "startup", "country": "XX"}, "country", "Select a valid choice."),
        (
            {"name": "Mvua Analytics", "kind": "startup", "website": "not a url"},
            "website",
            "Enter a valid URL.",
        ),
    ],
)
def test_registering_an_invalid_organization_shows_the_field_message(
    manager, directory, data, field, message
):
    before = Organization.objects.count()
    events = AuditEvent.objects.count()

    response = manager.post("/organizations/new/", data)

    assert response.status_code == 200
    errors = re.search(rf'id="id_{field}_errors">([^<]*)<', text(response))
    assert errors is not None, f"no message under {field}"
    assert message in errors.group(1)
    assert f'aria-describedby="id_{field}_errors" aria-invalid="true"' in text(response)
    assert Organization.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_editing_an_organization_records_before_and_after(manager, personas, directory):
    kijani = directory["kijani"]
    page = manager.get(f"/organizations/{kijani.slug}/edit/")
    assert 'value="Kijani Agritech"' in text(page)

    response = manager.post(
        f"/organizations/{kijani.slug}/edit/",
        {
            "name": "Kijani Agritech",
            "kind": "academic",
            "country": "TZ",
            "description": "Crop data for farmers.",
        },
    )

    assert response.status_code == 302
    kijani.refresh_from_db()
    assert (kijani.kind, kijani.country_id) == ("academic", "TZ")
    event = AuditEvent.objects.get(action="organization.update")
    assert event.actor == personas["fund_manager"]
    assert event.changes == {"kind": ["startup", "academic"], "country": ["Kenya", "Tanzania"]}
    history = text(manager.get(f"/organizations/{kijani.slug}/activity/"))
    assert "organization.update" in history
    assert "startup" in history and "academic" in history
    assert "Fund Manager" in history


def test_saving_an_organization_unchanged_writes_no_audit_event(manager, directory):
    kijani = directory["kijani"]
    events = AuditEvent.objects.count()
    response = manager.post(
        f"/organizations/{kijani.slug}/edit/",
        {
            "name": "Kijani Agritech",
            "kind": "startup",
            "country": "KE",
            "description": "Crop data for farmers.",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.count() == events


def test_renaming_to_an_existing_name_is_refused(manager, directory):
    kijani = directory["kijani"]
    response = manager.post(
        f"/organizations/{kijani.slug}/edit/", {"name": "LIMA OPEN MAPS", "kind": "startup", "country": "KE"}
    )
    assert response.status_code == 200
    assert "An organization with this name already exists." in text(response)
    kijani.refresh_from_db()
    assert kijani.name == "Kijani Agritech"
    assert not AuditEvent.objects.filter(action="organization.update").exists()


def test_an_organization_cannot_be_part_of_itself(manager, directory):
    kijani = directory["kijani"]
    response = manager.post(
        f"/organizations/{kijani.slug}/edit/",
        {"name": "Kijani Agritech", "kind": "startup", "country": "KE", "parent": kijani.slug},
    )
    assert response.status_code == 200
    assert "An organization cannot be part of itself." in text(response)
    kijani.refresh_from_db()
    assert kijani.parent is None


def test_units_show_on_the_parent_page(manager, directory):
    unit = make_organization(
        "Geneva Standards Body Kenya Office", "un_agency", "KE", parent=directory["geneva"]
    )
    page = text(manager.get(f"/organizations/{directory['geneva'].slug}/"))
    assert unit.name in page
    unit_page = text(manager.get(f"/organizations/{unit.slug}/"))
    assert "Part of" in unit_page


def test_an_unknown_organization_is_404(manager, countries):
    assert manager.get("/organizations/no-such-thing/").status_code == 404
    assert manager.get("/organizations/no-such-thing/edit/").status_code == 404


# --- People in organizations ---------------------------------------------------------------------------


def test_fund_manager_adds_and_removes_a_person(manager, personas, client_for, directory):
    kijani = directory["kijani"]
    person = personas["reviewer"]

    response = manager.post(
        f"/organizations/{kijani.slug}/members/",
        {"email": "REVIEWER@example.org", "role": "owner", "title": "Chief data officer"},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(organization=kijani, user=person)
    assert (membership.role, membership.title) == ("owner", "Chief data officer")
    added = AuditEvent.objects.get(action="membership.add")
    assert added.changes["person"] == [None, "Reviewer"]
    page = text(manager.get(f"/organizations/{kijani.slug}/"))
    assert "Chief data officer" in page
    assert "Reviewer now belongs to Kijani Agritech." in page
    # As an owner, the reviewer may now edit this organization, and only this one.
    reviewer = client_for(person)
    assert reviewer.get(f"/organizations/{kijani.slug}/edit/").status_code == 200
    assert reviewer.get(f"/organizations/{directory['lima'].slug}/edit/").status_code == 403

    removed = manager.post(f"/organizations/{kijani.slug}/members/{membership.pk}/remove/")

    assert removed.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.changes == {"person": ["Reviewer", None], "role": ["owner", None]}
    assert reviewer.get(f"/organizations/{kijani.slug}/edit/").status_code == 403


def test_adding_someone_without_an_account_says_so(manager, directory):
    kijani = directory["kijani"]
    response = manager.post(
        f"/organizations/{kijani.slug}/members/",
        {"email": "nobody@example.org", "role": "member"},
        follow=True,
    )
    assert "No Seedbed user has the address nobody@example.org. Invite them first." in text(response)
    assert not Membership.objects.filter(organization=kijani).exists()


def test_adding_an_invalid_address_says_so(manager, directory):
    kijani = directory["kijani"]
    response = manager.post(
        f"/organizations/{kijani.slug}/members/", {"email": "nope", "role": "member"}, follow=True
    )
    assert "Enter a valid e-mail address." in text(response)
    assert not Membership.objects.filter(organization=kijani).exists()
    assert not AuditEvent.objects.filter(action="membership.add").exists()


def test_adding_a_person_twice_updates_the_role(manager, personas, directory):
    kijani = directory["kijani"]
    url = f"/organizations/{kijani.slug}/members/"
    manager.post(url, {"email": "mentor@example.org", "role": "member"})
    manager.post(url, {"email": "mentor@example.org", "role": "owner", "title": "Lead"})
    membership = Membership.objects.get(organization=kijani)
    assert (membership.user, membership.role, membership.title) == (personas["mentor"], "owner", "Lead")


def test_a_membership_of_another_organization_cannot_be_removed_through_this_one(
    personas, client_for, directory
):
    kijani, lima = directory["kijani"], directory["lima"]
    services.membership_add(actor=None, organization=kijani, user=personas["applicant"], role="owner")
    other = services.membership_add(actor=None, organization=lima, user=personas["mentor"], role="member")
    owner = client_for(personas["applicant"])

    response = owner.post(f"/organizations/{kijani.slug}/members/{other.pk}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


# --- Invitations -------------------------------------------------------------------------------------


def _invite(client: Client, capture, **data):
    with capture(execute=True):
        return client.post("/invitations/", data)


def _link_in(message) -> str:
    match = re.search(r"http://testserver(/invitations/accept/[\w-]+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_invitation_end_to_end(manager, personas, directory, django_capture_on_commit_callbacks):
    kijani = directory["kijani"]

    response = _invite(
        manager,
        django_capture_on_commit_callbacks,
        email="Wanjiru@Example.org",
        role="reviewer",
        organization=kijani.slug,
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wanjiru@example.org"]
    assert "Fund Manager invites you to Seedbed as Reviewer." in message.body
    assert "You will join Kijani Agritech." in message.body
    link = _link_in(message)
    raw = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get()
    assert raw not in invitation.token_hash  # only a hash of the token is stored
    assert "wanjiru@example.org" in text(manager.get("/invitations/"))

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "You were invited as <strong>Reviewer</strong>" in text(page)

    accepted = visitor.post(
        link,
        {
            "full_name": "Wanjiru Kamau",
            "username": "wanjiru",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("home")
    user = User.objects.get(username="wanjiru")
    assert user.email == "wanjiru@example.org"
    assert user.full_name == "Wanjiru Kamau"
    assert user.roles == {Role.REVIEWER}
    assert Membership.objects.filter(user=user, organization=kijani, role="member").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert AuditEvent.objects.filter(action="invitation.accept", actor=user).exists()
    home = visitor.get("/")
    assert "Welcome, Wanjiru Kamau" in text(home)
    assert visitor.get("/organizations/").status_code == 200
    # The link works once.
    again = Client().get(link)
    assert again.status_code == 404
    assert "This invitation is not valid" in text(again)
    assert "wanjiru@example.org" not in text(manager.get("/invitations/"))


def test_an_expired_invitation_shows_the_invalid_page(manager, directory, django_capture_on_commit_callbacks):
    _invite(manager, django_capture_on_commit_callbacks, email="late@example.org", role="oss_mentor")
    link = _link_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 404
    assert "This invitation is not valid" in text(page)
    post = visitor.post(
        link,
        {
            "full_name": "Late",
            "username": "late",
            "password1": "a-long-passphrase!",
            "password2": "a-long-passphrase!",
        },
    )
    assert post.status_code == 404
    assert not User.objects.filter(username="late").exists()


def test_a_made_up_invitation_link_shows_the_invalid_page(countries):
    response = Client().get("/invitations/accept/not-a-real-token/")
    assert response.status_code == 404
    assert "This invitation is not valid" in text(response)


def test_accepting_with_a_weak_or_mismatched_password_is_refused(
    manager, directory, django_capture_on_commit_callbacks
):
    _invite(manager, django_capture_on_commit_callbacks, email="new@example.org", role="oss_mentor")
    link = _link_in(mail.outbox[0])
    visitor = Client()
    weak = visitor.post(link, {"full_name": "New", "username": "new", "password1": "123", "password2": "123"})
    assert weak.status_code == 200
    assert "too short" in text(weak)
    differ = visitor.post(
        link,
        {
            "full_name": "New",
            "username": "new",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-2",
        },
    )
    assert "The two passwords differ." in text(differ)
    assert not User.objects.filter(username="new").exists()
    taken = visitor.post(
        link,
        {
            "full_name": "New",
            "username": "REVIEWER",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert "This username is taken." in text(taken)
    assert Invitation.objects.get().accepted_at is None


def test_a_fund_manager_cannot_invite_an_administrator(
    manager, directory, django_capture_on_commit_callbacks
):
    form = text(manager.get("/invitations/"))
    assert 'value="reviewer"' in form
    assert 'value="administrator"' not in form

    response = _invite(
        manager, django_capture_on_commit_callbacks, email="boss@example.org", role="administrator"
    )

    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="invitation.create").exists()


def test_an_administrator_can_invite_an_administrator(
    personas, client_for, countries, django_capture_on_commit_callbacks
):
    admin = client_for(personas["administrator"])
    assert 'value="administrator"' in text(admin.get("/invitations/"))
    response = _invite(
        admin, django_capture_on_commit_callbacks, email="boss@example.org", role="administrator"
    )
    assert response.status_code == 302
    assert Invitation.objects.get().role == "administrator"
    assert len(mail.outbox) == 1


def test_inviting_someone_who_has_an_account_is_refused(
    manager, directory, django_capture_on_commit_callbacks
):
    response = _invite(
        manager, django_capture_on_commit_callbacks, email="Reviewer@example.org", role="oss_mentor"
    )
    assert response.status_code == 200
    assert "This person already has an account." in text(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- Password reset ------------------------------------------------------------------------------------


def test_password_reset_by_email(personas):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "reviewer@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reviewer@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in text(form_page)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a-fresh-long-passphrase", "new_password2": "a-fresh-long-passphrase"}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    fresh = Client()
    old = fresh.post(reverse("login"), {"username": "reviewer", "password": "correct-horse-battery"})
    assert old.status_code == 200
    new = fresh.post(reverse("login"), {"username": "reviewer", "password": "a-fresh-long-passphrase"})
    assert new.status_code == 302
    # The link works once.
    assert "This link does not work any more" in text(Client().get(link.group(1), follow=True))


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(personas):
    response = Client().post("/accounts/password/reset/", {"email": "stranger@example.org"}, follow=True)
    assert "Check your e-mail" in text(response)
    assert mail.outbox == []
