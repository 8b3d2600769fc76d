"""Reminders to reviewers before a stage's "reviews due by" date: the window's edges, once per review and
window, one e-mail per reviewer, blind calls, what is left out, failures, the command, the periodic task
and the worker; and the managers' page that sets the dates."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from seedbed.calls import services
from seedbed.calls.models import Application, Call, Review, ReviewStatus, Stage
from seedbed.calls.services.reminders import reminder_windows
from seedbed.calls.tasks import reviews_remind_task
from seedbed.core.models import AuditEvent, RoleGrant
from tests.calls.conftest import DAY
from tests.conftest import PERSONAS, make_user

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)
SITE = "https://seedbed.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def call(make_call) -> Call:
    return make_call("AI 2025", -5 * DAY, 30 * DAY)  # open; time zone Africa/Nairobi (UTC+3, no DST)


@pytest.fixture
def closes(call) -> dt.datetime:
    """The first stage's "reviews due by": ten days ahead, at 09:00 UTC (12:00 in Nairobi)."""
    moment = (timezone.now() + 10 * DAY).replace(hour=9, minute=0, second=0, microsecond=0)
    Stage.objects.filter(call=call, position=1).update(closes_at=moment)
    return moment


@pytest.fixture
def reviewers(db) -> list:
    return [make_user(f"rev{i}", ("reviewer",)) for i in range(3)]


def in_window(closes: dt.datetime) -> dt.datetime:
    return closes - 2 * DAY  # the call reminds 3 days before


def review(application: Application, reviewer, status: str = ReviewStatus.ASSIGNED) -> Review:
    fields = {}
    if status == ReviewStatus.SUBMITTED:
        fields = {"total": "3.000", "submitted_at": timezone.now()}
    return Review.objects.create(application=application, reviewer=reviewer, status=status, **fields)


# --- The window --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before_closing", "reminded"),
    [
        (3 * DAY + SECOND, False),  # one second before the window opens
        (3 * DAY, True),  # the window opens: reminder_days before the date, included
        (SECOND, True),  # the last second
        (dt.timedelta(0), False),  # the date itself: too late to remind
        (-DAY, False),
    ],
)
def test_the_window_opens_reminder_days_before_the_date_and_closes_at_it(
    call, closes, make_application, reviewers, before_closing, reminded
):
    pending = review(make_application(call), reviewers[0])
    sent = services.reviews_remind(now=closes - before_closing)
    pending.refresh_from_db()
    assert sent == (1 if reminded else 0)
    assert len(mail.outbox) == sent
    assert (pending.reminded_at == closes - before_closing) if reminded else pending.reminded_at is None


def test_reminder_days_come_from_the_call_and_zero_turns_reminders_off(
    call, closes, make_application, reviewers
):
    pending = review(make_application(call), reviewers[0])
    Call.objects.filter(pk=call.pk).update(reminder_days=7)
    assert services.reviews_remind(now=closes - 6 * DAY) == 1
    Review.objects.filter(pk=pending.pk).update(reminded_at=None)
    Call.objects.filter(pk=call.pk).update(reminder_days=0)
    assert reminder_windows(closes - SECOND) == {}
    assert services.reviews_remind(now=closes - SECOND) == 0


def test_a_stage_without_a_date_reminds_nobody(call, make_application, reviewers):
    review(make_application(call), reviewers[0])
    assert services.reviews_remind() == 0
    assert mail.outbox == []


# --- Once ------------------------------------------------------------------------------------------


def test_each_review_is_reminded_once_per_window(call, closes, make_application, reviewers):
    application = make_application(call)
    pending = review(application, reviewers[0])
    now = in_window(closes)
    assert services.reviews_remind(now=now) == 1
    assert services.reviews_remind(now=now + 3600 * SECOND) == 0
    assert services.reviews_remind(now=closes - SECOND) == 0
    assert len(mail.outbox) == 1
    # A date brought earlier, still inside the window that was reminded: not again.
    Stage.objects.filter(pk=application.stage_id).update(closes_at=closes - DAY)
    assert services.reviews_remind(now=now + 3600 * SECOND) == 0
    # The application moves on to a stage with a later date: a new deadline, a new reminder.
    later = call.stages.get(position=2)
    later.closes_at = closes + 10 * DAY
    later.save()
    Application.objects.filter(pk=application.pk).update(stage=later)
    assert services.reviews_remind(now=closes + 8 * DAY) == 1
    pending.refresh_from_db()
    assert pending.reminded_at == closes + 8 * DAY
    assert len(mail.outbox) == 2


def test_a_date_moved_later_reminds_again_when_the_new_window_opens(
    call, closes, make_application, reviewers
):
    review(make_application(call), reviewers[0])
    assert services.reviews_remind(now=in_window(closes)) == 1
    Stage.objects.filter(call=call, position=1).update(closes_at=closes + 7 * DAY)
    assert services.reviews_remind(now=closes + 2 * DAY) == 0  # the new window is not open yet
    assert services.reviews_remind(now=closes + 5 * DAY) == 1


def test_a_review_assigned_after_the_reminder_is_reminded_at_the_next_run(
    call, closes, make_application, reviewers
):
    first = review(make_application(call, "First"), reviewers[0])
    now = in_window(closes)
    assert services.reviews_remind(now=now) == 1
    late = review(make_application(call, "Second"), reviewers[0])
    assert services.reviews_remind(now=now + 3600 * SECOND) == 1
    assert len(mail.outbox) == 2
    assert late.application.reference in mail.outbox[1].body
    assert first.application.reference not in mail.outbox[1].body


# --- One e-mail per reviewer -------------------------------------------------------------------------


def test_one_email_per_reviewer_lists_all_their_pending_reviews(
    call, closes, make_call, make_application, reviewers
):
    other_call = make_call("XR 2025", -5 * DAY, 30 * DAY)
    Stage.objects.filter(call=other_call, position=1).update(closes_at=closes + DAY)
    ours = [make_application(call, f"Team {i}") for i in range(2)]
    theirs = make_application(other_call, "Team X")
    mine = [review(ours[0], reviewers[0]), review(ours[1], reviewers[0], ReviewStatus.DRAFT)]
    mine.append(review(theirs, reviewers[0]))
    other = review(ours[0], reviewers[1], ReviewStatus.DRAFT)

    sent = services.reviews_remind(now=in_window(closes))

    assert sent == 2
    by_person = {tuple(email.to): email for email in mail.outbox}
    assert set(by_person) == {(reviewers[0].email,), (reviewers[1].email,)}
    first = by_person[(reviewers[0].email,)]
    assert first.subject == "Seedbed: 3 reviews due soon"
    for item in mine:
        assert item.application.reference in first.body
        assert f"{SITE}{reverse('review_detail', args=[item.pk])}" in first.body
    assert "Call: AI 2025" in first.body and "Call: XR 2025" in first.body
    assert "not started" in first.body and "in progress" in first.body
    # The soonest due first.
    assert first.body.index(ours[0].reference) < first.body.index(theirs.reference)
    second = by_person[(reviewers[1].email,)]
    assert second.subject == "Seedbed: 1 review due soon"
    assert other.application.reference in second.body and theirs.reference not in second.body
    assert Review.objects.filter(reminded_at__isnull=True).count() == 0
    events = AuditEvent.objects.filter(action="reviews.remind")
    assert events.count() == 1
    assert events.get().changes == {"reviewers": [None, 2], "reviews": [None, 4]}


def test_the_due_date_is_shown_in_the_calls_time_zone(call, closes, make_application, reviewers):
    review(make_application(call), reviewers[0])
    services.reviews_remind(now=in_window(closes))
    assert f"Due by: {closes:%Y-%m-%d} 12:00 (Africa/Nairobi)" in mail.outbox[0].body


def test_a_run_with_nothing_to_remind_writes_nothing(call, closes, make_application, reviewers):
    review(make_application(call), reviewers[0], ReviewStatus.SUBMITTED)
    assert services.reviews_remind(now=in_window(closes)) == 0
    assert not AuditEvent.objects.filter(action__startswith="reviews.remind").exists()


# --- Blind calls -------------------------------------------------------------------------------------


@pytest.mark.parametrize("blind", [True, False])
def test_a_blind_calls_reminder_names_the_application_by_its_reference_only(
    call, closes, make_application, reviewers, blind
):
    Call.objects.filter(pk=call.pk).update(blind_review=blind)
    application = make_application(call, "Kijani Data Labs")
    review(application, reviewers[0])
    services.reviews_remind(now=in_window(closes))
    body, subject = mail.outbox[0].body, mail.outbox[0].subject
    assert application.reference in body
    identity = [application.title, application.organization.name, "Kijani"]
    if blind:
        assert not any(word in body or word in subject for word in identity)
    else:
        assert application.title in body


# --- Left out ------------------------------------------------------------------------------------------


def test_submitted_recused_withdrawn_and_unreachable_reviews_are_left_out(
    call, closes, make_application, reviewers
):
    left_out = [
        review(make_application(call, "Submitted"), reviewers[0], ReviewStatus.SUBMITTED),
        review(make_application(call, "Recused"), reviewers[0], ReviewStatus.RECUSED),
    ]
    withdrawn = make_application(call, "Withdrawn", status="withdrawn")
    left_out.append(review(withdrawn, reviewers[0]))
    other_stage = make_application(call, "Later stage", stage_kind="shortlist")  # no date there
    left_out.append(review(other_stage, reviewers[0]))
    inactive = make_user("gone", ("reviewer",))
    inactive.is_active = False
    inactive.save()
    left_out.append(review(make_application(call, "Inactive"), inactive))
    former = make_user("former", ("reviewer",))
    left_out.append(review(make_application(call, "Former"), former))
    RoleGrant.objects.filter(user=former).delete()
    kept = review(make_application(call, "Kept"), reviewers[1])

    assert services.reviews_remind(now=in_window(closes)) == 1

    assert [email.to for email in mail.outbox] == [[reviewers[1].email]]
    assert kept.application.reference in mail.outbox[0].body
    assert not Review.objects.filter(
        pk__in=[item.pk for item in left_out], reminded_at__isnull=False
    ).exists()


# --- Failures --------------------------------------------------------------------------------------------


def test_a_reminder_that_cannot_be_sent_is_tried_again_at_the_next_run(
    call, closes, make_application, reviewers, monkeypatch
):
    ok = review(make_application(call, "One"), reviewers[0])
    failing = review(make_application(call, "Two"), reviewers[1])
    original = EmailMessage.send

    def send(self, fail_silently=False):
        if self.to == [reviewers[1].email]:
            raise OSError("connection refused")
        return original(self, fail_silently)

    now = in_window(closes)
    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", send)
        assert services.reviews_remind(now=now) == 1
    ok.refresh_from_db()
    failing.refresh_from_db()
    assert ok.reminded_at == now and failing.reminded_at is None
    assert AuditEvent.objects.get(action="reviews.remind_failed").changes == {
        "reviewers": [None, 1],
        "reviews": [None, 1],
    }
    assert services.reviews_remind(now=now + 3600 * SECOND) == 1
    assert [email.to for email in mail.outbox] == [[reviewers[0].email], [reviewers[1].email]]


# --- The command, the periodic task and the worker -----------------------------------------------------


def test_the_command_says_how_many_reminders_it_sent(call, closes, make_application, reviewers):
    Stage.objects.filter(call=call, position=1).update(closes_at=timezone.now() + DAY)
    review(make_application(call, "One"), reviewers[0])
    review(make_application(call, "Two"), reviewers[1])
    out = io.StringIO()
    call_command("reviews_remind", stdout=out)
    assert out.getvalue().strip() == "2 reminders sent (one e-mail per reviewer)."
    out = io.StringIO()
    call_command("reviews_remind", stdout=out)
    assert out.getvalue().startswith("0 reminders sent")
    assert len(mail.outbox) == 2


def test_the_periodic_task_runs_every_hour_and_reminds(call, make_application, reviewers):
    Stage.objects.filter(call=call, position=1).update(closes_at=timezone.now() + DAY)
    review(make_application(call), reviewers[0])
    task = reviews_remind_task.task_class()
    hour = dt.datetime(2030, 1, 1, 10, 0)
    runs = [hour + dt.timedelta(minutes=minute) for minute in range(120)]
    assert [moment.minute for moment in runs if task.validate_datetime(moment)] == [7, 7]
    reviews_remind_task()  # tests run Huey immediately
    assert len(mail.outbox) == 1


def test_the_worker_schedules_periodic_tasks_among_them_the_reminders(monkeypatch):
    consumer = mock.Mock()
    create = mock.Mock(return_value=consumer)
    monkeypatch.setattr(HUEY, "create_consumer", create)
    call_command("worker")
    options = create.call_args.kwargs
    assert options["periodic"] is True and options["workers"] == 2
    consumer.run.assert_called_once()
    periodic = {task.name for task in HUEY._registry.periodic_tasks}
    assert any(name.endswith("reviews_remind_task") for name in periodic)


# --- Service: the stages' dates ---------------------------------------------------------------------------


def test_managers_set_dates_in_any_zone_stored_in_utc(call, personas):
    first, second = call.stages.order_by("position")[:2]
    nairobi = dt.datetime(2031, 3, 1, 17, 0)  # naive: read in the call's zone
    aware = dt.datetime(2031, 4, 1, 9, 0, tzinfo=dt.UTC)
    services.stage_dates_update(actor=personas["fund_manager"], call=call, dates={first.pk: nairobi})
    services.stage_dates_update(actor=personas["fund_manager"], call=call, dates={second.pk: aware})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.closes_at == dt.datetime(2031, 3, 1, 14, 0, tzinfo=dt.UTC)
    assert second.closes_at == aware
    event = AuditEvent.objects.filter(action="call.stage_dates_update").order_by("pk").first()
    assert event is not None and event.object_id == str(call.pk)
    assert event.changes == {f"1. {first.name}": [None, "2031-03-01T14:00:00+00:00"]}
    # None clears; nothing changed writes no event.
    services.stage_dates_update(actor=personas["fund_manager"], call=call, dates={first.pk: None})
    first.refresh_from_db()
    assert first.closes_at is None
    count = AuditEvent.objects.filter(action="call.stage_dates_update").count()
    services.stage_dates_update(actor=personas["fund_manager"], call=call, dates={second.pk: aware})
    assert AuditEvent.objects.filter(action="call.stage_dates_update").count() == count


def test_dates_are_refused_for_another_calls_stage_before_opening_and_for_non_managers(
    call, make_call, personas
):
    other = make_call("Other", -5 * DAY, 30 * DAY)
    foreign = other.stages.first()
    own = call.stages.first()
    later = timezone.now() + 20 * DAY
    with pytest.raises(ValidationError) as error:
        services.stage_dates_update(actor=personas["fund_manager"], call=call, dates={foreign.pk: later})
    assert str(foreign.pk) in error.value.message_dict
    with pytest.raises(ValidationError):
        services.stage_dates_update(
            actor=personas["fund_manager"], call=call, dates={own.pk: call.opens_at - DAY}
        )
    for persona in ("reviewer", "committee_member", "applicant", "finance_officer"):
        with pytest.raises(PermissionDenied):
            services.stage_dates_update(actor=personas[persona], call=call, dates={own.pk: later})
    assert not Stage.objects.filter(closes_at__isnull=False).exists()


# --- The page ----------------------------------------------------------------------------------------------


def test_the_stages_page_links_to_the_dates_page(call, personas, client_for):
    page = client_for(personas["fund_manager"]).get(reverse("call_stages_edit", args=[call.slug]))
    assert reverse("call_stage_dates", args=[call.slug]) in page.content.decode()
    assert reverse("call_stage_dates", args=[call.slug]) == f"/calls/{call.slug}/stages/dates/"


def test_a_manager_sets_the_dates_on_the_page_after_the_call_opened(call, personas, client_for):
    assert call.has_opened()
    client = client_for(personas["fund_manager"])
    url = reverse("call_stage_dates", args=[call.slug])
    stages = list(call.stages.order_by("position"))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(stage.name in html for stage in stages) and "Africa/Nairobi" in html
    local = (timezone.now() + 20 * DAY).astimezone(call.zone).replace(microsecond=0, tzinfo=None)
    data = {f"stage_{stage.pk}": "" for stage in stages}
    data[f"stage_{stages[2].pk}"] = local.strftime("%Y-%m-%dT%H:%M:%S")
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    stored = Stage.objects.get(pk=stages[2].pk).closes_at
    assert stored == local.replace(tzinfo=call.zone) and stored.utcoffset() == dt.timedelta(0)
    assert Stage.objects.filter(call=call, closes_at__isnull=False).count() == 1
    # The form shows it back in the call's zone.
    assert local.strftime("%Y-%m-%dT%H:%M:%S") in client.get(url).content.decode()
    # A request that leaves a stage out keeps its date; an empty field clears it.
    client.post(url, {f"stage_{stages[0].pk}": local.strftime("%Y-%m-%dT%H:%M:%S")})
    assert Stage.objects.filter(call=call, closes_at__isnull=False).count() == 2
    client.post(url, {f"stage_{stages[2].pk}": ""})
    assert list(Stage.objects.filter(call=call, closes_at__isnull=False)) == [stages[0]]
    assert AuditEvent.objects.filter(
        action="call.stage_dates_update", actor=personas["fund_manager"]
    ).exists()


def test_bad_dates_on_the_page_are_a_422_and_change_nothing(call, personas, client_for):
    client = client_for(personas["fund_manager"])
    url = reverse("call_stage_dates", args=[call.slug])
    first = call.stages.order_by("position").first()
    for value in ["not a date", call.opens_at_local.replace(tzinfo=None) - DAY]:
        text = value if isinstance(value, str) else value.strftime("%Y-%m-%dT%H:%M:%S")
        response = client.post(url, {f"stage_{first.pk}": text})
        assert response.status_code == 422
        assert 'class="invalid-feedback' in response.content.decode()
    assert not Stage.objects.filter(call=call, closes_at__isnull=False).exists()


MANAGERS = {"fund_manager", "administrator"}


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_only_managers_open_and_save_the_dates_page(call, personas, client_for, persona):
    client = client_for(personas[persona] if persona else None)
    url = reverse("call_stage_dates", args=[call.slug])
    first = call.stages.order_by("position").first()
    moment = (timezone.now() + 20 * DAY).astimezone(call.zone).strftime("%Y-%m-%dT%H:%M:%S")
    get, post = client.get(url), client.post(url, {f"stage_{first.pk}": moment})
    if persona in MANAGERS:
        assert (get.status_code, post.status_code) == (200, 302)
        assert Stage.objects.get(pk=first.pk).closes_at is not None
    else:
        expected = 302 if persona is None else 403
        assert (get.status_code, post.status_code) == (expected, expected)
        if persona is None:
            assert get["Location"].startswith(reverse("login"))
        assert Stage.objects.get(pk=first.pk).closes_at is None
