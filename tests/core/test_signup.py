"""The applicant's own account: sign-up with e-mail verification, and asking to join an organization."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from seedbed.core import services
from seedbed.core.models import AuditEvent, Membership, MembershipRequest, Organization, User
from seedbed.core.roles import Role
from seedbed.core.views import signup as signup_views
from tests.conftest import PASSWORD, make_user
from tests.core.helpers import db_state, text

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-long-unusual-passphrase"
SIGNUP = {
    "full_name": "Amina Yusuf",
    "email": "Amina.Yusuf@Example.org",
    "password1": PASSPHRASE,
    "password2": PASSPHRASE,
}
LINK = re.compile(r"http://testserver(/accounts/verify/[\w-]+/[\w-]+/)")


def _sign_up(client: Client, capture, **changes: str):
    with capture(execute=True):
        return client.post(reverse("signup"), {**SIGNUP, **changes})


def _link_in(message) -> str:
    match = LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1)


@pytest.fixture
def signed_up(django_capture_on_commit_callbacks) -> tuple[User, str]:
    """Amina has signed up; returns her (inactive) account and the link from her e-mail."""
    _sign_up(Client(), django_capture_on_commit_callbacks)
    return User.objects.get(email="amina.yusuf@example.org"), _link_in(mail.outbox[-1])


# --- Signing up --------------------------------------------------------------------------------------


def test_the_login_page_offers_to_create_an_account(db):
    login_page = text(Client().get(reverse("login")))
    assert "Create an account" in login_page
    assert f'href="{reverse("signup")}"' in login_page
    form = Client().get(reverse("signup"))
    assert form.status_code == 200
    for name in ("full_name", "email", "password1", "password2"):
        assert f'name="{name}"' in text(form)


def test_signing_up_creates_an_inactive_applicant_and_sends_the_link(django_capture_on_commit_callbacks):
    response = _sign_up(Client(), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("signup_done")
    user = User.objects.get(email="amina.yusuf@example.org")
    assert user.username == "amina.yusuf@example.org"  # people sign in with their address
    assert user.full_name == "Amina Yusuf"
    assert not user.is_active
    assert user.roles == {Role.APPLICANT}
    assert user.check_password(PASSPHRASE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina.yusuf@example.org"]
    assert message.subject == "Confirm your e-mail address for Seedbed"
    assert "Hello Amina Yusuf," in message.body
    assert "amina.yusuf@example.org" in message.body
    _link_in(message)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.create", "role.grant", "signup.create"} <= actions
    done = Client().get(response["Location"])
    assert "Check your e-mail" in text(done)


def test_an_unconfirmed_account_cannot_sign_in(signed_up):
    visitor = Client()
    response = visitor.post(reverse("login"), {"username": "amina.yusuf@example.org", "password": PASSPHRASE})
    assert response.status_code == 200  # the form again, not a redirect into the site
    assert "_auth_user_id" not in visitor.session
    assert "Welcome, Amina Yusuf" not in text(visitor.get(reverse("home")))


def test_the_link_activates_the_account_and_signs_in(signed_up):
    user, link = signed_up
    visitor = Client()

    response = visitor.get(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("signup_welcome")
    user.refresh_from_db()
    assert user.is_active
    event = AuditEvent.objects.get(action="signup.verify")
    assert event.actor == user
    assert event.changes == {"is_active": [False, True]}
    welcome = visitor.get(response["Location"])
    assert welcome.status_code == 200
    page = text(welcome)
    assert "Your e-mail address is confirmed." in page
    assert "amina.yusuf@example.org" in page  # the username to sign in with next time
    assert f'href="{reverse("organization_create")}"' in page
    assert f'href="{reverse("organization_list")}"' in page
    assert f'href="{reverse("call_list")}"' in page  # the calls part is installed
    # Signed in: the home page is the applicant's own.
    assert "Welcome, Amina Yusuf" in text(visitor.get(reverse("home")))
    # And from now on the password works.
    fresh = Client()
    signed_in = fresh.post(reverse("login"), {"username": "amina.yusuf@example.org", "password": PASSPHRASE})
    assert signed_in.status_code == 302


def test_a_link_works_once(signed_up):
    _user, link = signed_up
    assert Client().get(link).status_code == 302
    events = AuditEvent.objects.count()

    visitor = Client()
    again = visitor.get(link)

    assert again.status_code == 400
    assert "This link does not work any more" in text(again)
    assert "_auth_user_id" not in visitor.session
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "tamper",
    [
        lambda uid, token: (uid, token[:-1] + ("a" if token[-1] != "a" else "b")),  # altered token
        lambda uid, token: (uid, "abc-def"),  # made-up token
        lambda uid, token: ("MTIzNDU2Nzg", token),  # someone else's (non-existent) id
        lambda uid, token: ("!!", token),  # not base64
        lambda uid, token: ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", token),  # an id too large for the database
        lambda uid, token: ("YWJj", token),  # not a number
    ],
)
def test_a_tampered_link_is_refused(signed_up, tamper):
    user, link = signed_up
    uid, token = link.strip("/").split("/")[-2:]
    bad_uid, bad_token = tamper(uid, token)

    response = Client().get(f"/accounts/verify/{bad_uid}/{bad_token}/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active
    assert not AuditEvent.objects.filter(action="signup.verify").exists()


def test_the_link_of_one_account_does_not_open_another(signed_up, django_capture_on_commit_callbacks):
    _amina, link = signed_up
    _sign_up(Client(), django_capture_on_commit_callbacks, email="kofi@example.org", full_name="Kofi Mensah")
    kofi = User.objects.get(email="kofi@example.org")
    _uid, token = link.strip("/").split("/")[-2:]

    response = Client().get(f"/accounts/verify/{urlsafe_base64_encode(force_bytes(kofi.pk))}/{token}/")

    assert response.status_code == 400
    kofi.refresh_from_db()
    assert not kofi.is_active


def test_an_expired_link_is_refused(signed_up, monkeypatch):
    user, link = signed_up
    generator = services.email_verification_token
    later = generator._now() + dt.timedelta(days=4)  # PASSWORD_RESET_TIMEOUT is three days
    monkeypatch.setattr(generator, "_now", lambda: later)

    response = Client().get(link)

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_a_deactivated_account_cannot_be_reopened_with_its_old_link(signed_up):
    user, link = signed_up
    Client().get(link)  # confirmed and signed in once
    User.objects.filter(pk=user.pk).update(is_active=False)  # later deactivated by an administrator

    response = Client().get(link)

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_an_address_that_has_an_account_gets_the_same_answer_and_no_second_account(
    personas, django_capture_on_commit_callbacks
):
    new = _sign_up(Client(), django_capture_on_commit_callbacks, email="someone.new@example.org")
    users = User.objects.count()
    mail.outbox.clear()

    taken = _sign_up(Client(), django_capture_on_commit_callbacks, email="Reviewer@Example.org")

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"] == reverse("signup_done")
    assert User.objects.count() == users
    reviewer = personas["reviewer"]
    reviewer.refresh_from_db()
    assert reviewer.check_password(PASSWORD)  # nothing about the existing account changed
    assert reviewer.is_active
    # The address's owner hears about it, and nobody else does.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reviewer@example.org"]
    assert "already has an account" in mail.outbox[0].body
    assert "http://testserver/accounts/password/reset/" in mail.outbox[0].body
    assert not LINK.search(mail.outbox[0].body)


def test_signing_up_again_before_confirming_sends_a_fresh_link(signed_up, django_capture_on_commit_callbacks):
    user, _first_link = signed_up
    mail.outbox.clear()

    response = _sign_up(Client(), django_capture_on_commit_callbacks, password1="x" * 3, password2="x" * 3)
    assert response.status_code == 200  # a weak password is refused whether or not the address is known
    response = _sign_up(Client(), django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("signup_done")
    assert User.objects.filter(email="amina.yusuf@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert Client().get(_link_in(mail.outbox[0])).status_code == 302
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password2": "a-different-passphrase"}, "The two passwords differ."),
        ({"password1": "amina.yusuf.example", "password2": "amina.yusuf.example"}, "too similar"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_a_bad_form_is_refused_with_a_message(django_capture_on_commit_callbacks, changes, message):
    response = _sign_up(Client(), django_capture_on_commit_callbacks, **changes)

    assert response.status_code == 200
    assert message in text(response)
    assert not User.objects.exists()
    assert mail.outbox == []


def test_a_name_is_kept_on_one_line(django_capture_on_commit_callbacks):
    _sign_up(Client(), django_capture_on_commit_callbacks, full_name="Amina\r\nBcc: everyone@example.org")
    assert User.objects.get().full_name == "Amina Bcc: everyone@example.org"


def test_signed_in_people_are_sent_home(personas, client_for):
    client = client_for(personas["applicant"])
    assert client.get(reverse("signup"))["Location"] == reverse("home")


def test_closed_sign_up_is_not_found(settings, django_capture_on_commit_callbacks):
    settings.SEEDBED_SIGNUP_OPEN = False

    assert Client().get(reverse("signup")).status_code == 404
    assert _sign_up(Client(), django_capture_on_commit_callbacks).status_code == 404
    assert Client().get(reverse("signup_done")).status_code == 404
    assert not User.objects.exists()
    assert mail.outbox == []
    assert reverse("signup") not in text(Client().get(reverse("login")))
    assert reverse("signup") not in text(Client().get(reverse("home")))


def test_sign_up_is_limited_per_address(django_capture_on_commit_callbacks):
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(signup_views.SIGNUP_POSTS_PER_HOUR):
        response = _sign_up(visitor, django_capture_on_commit_callbacks, email=f"bot{n}@example.org")
        assert response.status_code == 302, n
    created = User.objects.count()
    mails = len(mail.outbox)

    blocked = _sign_up(visitor, django_capture_on_commit_callbacks, email="one.more@example.org")

    assert blocked.status_code == 429
    assert "Too many sign-ups" in text(blocked)
    assert User.objects.count() == created
    assert len(mail.outbox) == mails
    # Another address is not affected.
    other = _sign_up(Client(REMOTE_ADDR="198.51.100.1"), django_capture_on_commit_callbacks)
    assert other.status_code == 302


# --- Asking to join an organization ------------------------------------------------------------------


@pytest.fixture
def kijani(organization) -> Organization:
    """The organization of conftest, with an owner who holds no role."""
    owner = make_user("kijani_owner")
    services.membership_add(actor=None, organization=organization, user=owner, role="owner")
    return organization


def _ask(client: Client, organization: Organization, capture, message: str = "I lead the data team."):
    with capture(execute=True):
        return client.post(
            reverse("membership_request_create", args=[organization.slug]), {"message": message}
        )


def _decide(client: Client, membership_request: MembershipRequest, outcome: str, capture):
    url = reverse(
        "membership_request_decide", args=[membership_request.organization.slug, membership_request.pk]
    )
    with capture(execute=True):
        return client.post(url, {"outcome": outcome})


def test_an_applicant_asks_to_join_and_the_owner_approves(
    kijani, personas, client_for, django_capture_on_commit_callbacks
):
    applicant = personas["applicant"]
    client = client_for(applicant)
    page = text(client.get(kijani.get_absolute_url()))
    assert "Ask to join this organization" in page

    response = _ask(client, kijani, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    membership_request = MembershipRequest.objects.get()
    assert (membership_request.user, membership_request.organization) == (applicant, kijani)
    assert membership_request.outcome == "pending"
    assert membership_request.message == "I lead the data team."
    assert [message.to for message in mail.outbox] == [["kijani_owner@example.org"]]
    assert "Applicant asks to join Kijani Data Labs" in mail.outbox[0].subject
    assert "I lead the data team." in mail.outbox[0].body
    page = text(client.get(kijani.get_absolute_url()))
    assert "Its owners have not answered yet." in page
    assert "Ask to join this organization" not in page

    owner = client_for(User.objects.get(username="kijani_owner"))
    owner_page = text(owner.get(kijani.get_absolute_url()))
    assert "Asking to join" in owner_page
    assert "I lead the data team." in owner_page
    mail.outbox.clear()

    decided = _decide(owner, membership_request, "approved", django_capture_on_commit_callbacks)

    assert decided.status_code == 302
    assert Membership.objects.filter(user=applicant, organization=kijani, role="member").exists()
    membership_request.refresh_from_db()
    assert membership_request.outcome == "approved"
    assert membership_request.decided_by.username == "kijani_owner"
    assert membership_request.decided_at is not None
    assert [message.to for message in mail.outbox] == [["applicant@example.org"]]
    assert "You are now a member of Kijani Data Labs" in mail.outbox[0].subject
    assert "was approved" in mail.outbox[0].body
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "membership_request.create" in actions
    assert "membership_request.approve" in actions
    assert "membership.add" in actions
    assert "Asking to join" not in text(owner.get(kijani.get_absolute_url()))
    # A member does not ask again.
    assert "Ask to join this organization" not in text(client.get(kijani.get_absolute_url()))


def test_the_owner_declines(kijani, personas, client_for, django_capture_on_commit_callbacks):
    applicant = personas["focal_point"]
    _ask(client_for(applicant), kijani, django_capture_on_commit_callbacks)
    membership_request = MembershipRequest.objects.get()
    owner = client_for(User.objects.get(username="kijani_owner"))
    mail.outbox.clear()

    response = _decide(owner, membership_request, "declined", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    membership_request.refresh_from_db()
    assert membership_request.outcome == "declined"
    assert not Membership.objects.filter(user=applicant, organization=kijani).exists()
    assert [message.to for message in mail.outbox] == [["focal_point@example.org"]]
    assert "was declined" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="membership_request.decline").exists()
    # An answered request stays answered: approving it now changes nothing.
    mail.outbox.clear()
    again = _decide(owner, membership_request, "approved", django_capture_on_commit_callbacks)
    assert again.status_code == 302
    assert "already been answered" in text(owner.get(again["Location"]))
    membership_request.refresh_from_db()
    assert membership_request.outcome == "declined"
    assert not Membership.objects.filter(user=applicant, organization=kijani).exists()
    assert mail.outbox == []
    # After a refusal the person may ask again.
    _ask(client_for(applicant), kijani, django_capture_on_commit_callbacks)
    assert MembershipRequest.objects.filter(outcome="pending").count() == 1


@pytest.mark.parametrize("who", ["a plain member", "another applicant", "a reviewer"])
def test_only_owners_and_directory_managers_decide(
    kijani, personas, client_for, django_capture_on_commit_callbacks, who
):
    _ask(client_for(personas["applicant"]), kijani, django_capture_on_commit_callbacks)
    membership_request = MembershipRequest.objects.get()
    if who == "a plain member":
        person = make_user("kijani_member")
        services.membership_add(actor=None, organization=kijani, user=person)
    elif who == "another applicant":
        person = make_user("other_applicant", (Role.APPLICANT,))
    else:
        person = personas["reviewer"]
    client = client_for(person)
    assert "Asking to join" not in text(client.get(kijani.get_absolute_url()))
    mail.outbox.clear()
    before = db_state()

    response = _decide(client, membership_request, "approved", django_capture_on_commit_callbacks)

    assert response.status_code in (403, 404)
    assert db_state() == before
    assert mail.outbox == []


def test_a_request_cannot_be_answered_through_another_organization(
    kijani, personas, client_for, django_capture_on_commit_callbacks
):
    _ask(client_for(personas["applicant"]), kijani, django_capture_on_commit_callbacks)
    membership_request = MembershipRequest.objects.get()
    other = services.organization_create(
        actor=personas["applicant"], data={"name": "Other", "kind": "startup"}
    )
    # The applicant owns "Other" but not Kijani.
    url = reverse("membership_request_decide", args=[other.slug, membership_request.pk])

    response = client_for(personas["applicant"]).post(url, {"outcome": "approved"})

    assert response.status_code == 404
    membership_request.refresh_from_db()
    assert membership_request.is_pending


def test_asking_twice_makes_one_request(kijani, personas, client_for, django_capture_on_commit_callbacks):
    client = client_for(personas["applicant"])
    _ask(client, kijani, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    second = _ask(client, kijani, django_capture_on_commit_callbacks)

    assert second.status_code == 302
    assert "already asked to join" in text(client.get(second["Location"]))
    assert MembershipRequest.objects.count() == 1
    assert mail.outbox == []


def test_members_and_other_roles_cannot_ask(kijani, personas, client_for, django_capture_on_commit_callbacks):
    applicant = personas["applicant"]
    services.membership_add(actor=None, organization=kijani, user=applicant)
    for person in (applicant, personas["reviewer"], personas["fund_manager"]):
        client = client_for(person)
        assert "Ask to join this organization" not in text(client.get(kijani.get_absolute_url()))
        assert _ask(client, kijani, django_capture_on_commit_callbacks).status_code == 403
    assert not MembershipRequest.objects.exists()
    assert mail.outbox == []


def test_a_message_that_is_too_long_is_refused(
    kijani, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas["applicant"])
    response = _ask(client, kijani, django_capture_on_commit_callbacks, message="x" * 1001)
    assert response.status_code == 302
    assert "at most 1000 characters" in text(client.get(response["Location"]))
    assert not MembershipRequest.objects.exists()


def test_approving_someone_who_was_added_meanwhile_keeps_their_role(
    kijani, personas, client_for, django_capture_on_commit_callbacks
):
    applicant = personas["applicant"]
    _ask(client_for(applicant), kijani, django_capture_on_commit_callbacks)
    services.membership_add(actor=None, organization=kijani, user=applicant, role="owner")

    _decide(
        client_for(personas["fund_manager"]),
        MembershipRequest.objects.get(),
        "approved",
        django_capture_on_commit_callbacks,
    )

    assert Membership.objects.get(user=applicant, organization=kijani).role == "owner"
    assert MembershipRequest.objects.get().outcome == "approved"


def test_from_sign_up_to_member(kijani, client_for, django_capture_on_commit_callbacks):
    visitor = Client()
    _sign_up(visitor, django_capture_on_commit_callbacks)
    visitor.get(_link_in(mail.outbox[-1]))
    _ask(visitor, kijani, django_capture_on_commit_callbacks)
    owner = client_for(User.objects.get(username="kijani_owner"))

    _decide(owner, MembershipRequest.objects.get(), "approved", django_capture_on_commit_callbacks)

    amina = User.objects.get(email="amina.yusuf@example.org")
    assert Membership.objects.filter(user=amina, organization=kijani).exists()
    assert "Kijani Data Labs" in text(visitor.get(reverse("home")))


def test_an_address_typed_with_capitals_signs_in(signed_up):
    user, link = signed_up
    Client().get(link)
    visitor = Client()
    response = visitor.post(reverse("login"), {"username": "Amina.Yusuf@Example.org", "password": PASSPHRASE})
    assert response.status_code == 302
    assert visitor.session["_auth_user_id"] == str(user.pk)
