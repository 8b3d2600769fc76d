"""Reminders to reviewers, and the stages' "reviews due by" dates they count down to.

A stage's ``closes_at`` is the moment by which the reviews of the applications in that stage are due.
From ``call.reminder_days`` days before it (included) until that moment (excluded) is the stage's
*reminder window*. ``reviews_remind``, run every hour by the worker (``calls.tasks``) or once by
``seedbed reviews_remind``, e-mails each reviewer one message listing their reviews that are in an open
window and not yet submitted (not started or in progress), of submitted applications, and marks those
reviews ``reminded_at``.

Once per review *per window*: a review whose ``reminded_at`` falls inside the current window is never
reminded again, but one reminded before the window opened is, because the reviewer has a new deadline
since (the application moved on to a later stage with its own date, or a manager moved the date later).
A review reminded for a deadline that was then brought *earlier* is not reminded twice in a row.
``reminder_days = 0`` turns reminders off for a call. Recused and submitted reviews, withdrawn
applications, inactive reviewers, people who no longer hold the reviewer role and addresses left
empty are left out.

In a blind call the e-mail names the application by its reference only, never by its title or applicant.

The reviews are claimed (locked, marked and audited) in one transaction, and the e-mails go out after it
commits: an SMTP server must not hold the database's write lock. Two runs at once (several workers, or
the command beside the worker) remind each review once: the second waits for the first's lock and then
finds the reviews marked. A reviewer whose e-mail cannot be sent gets their reviews unmarked, so the next
run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.calls import access
from seedbed.calls.models import ApplicationStatus, Call, Review, ReviewStatus, Stage
from seedbed.calls.selectors.reviews import reviewer_pool
from seedbed.core.audit import audit_record
from seedbed.core.models import User

logger = logging.getLogger(__name__)

PENDING_STATUSES = (ReviewStatus.ASSIGNED, ReviewStatus.DRAFT)


# --- Reminding reviewers ------------------------------------------------------------------------------


def reminder_windows(now: dt.datetime) -> dict[int, dt.datetime]:
    """{stage id: the moment its reminder window opened} for every stage whose window is open at ``now``.
    Few rows: only stages whose date is still ahead."""
    windows = {}
    for stage in Stage.objects.filter(closes_at__gt=now, call__reminder_days__gt=0).select_related("call"):
        assert stage.closes_at is not None
        opened = stage.closes_at - dt.timedelta(days=stage.call.reminder_days)
        if opened <= now:
            windows[stage.pk] = opened
    return windows


def due_label(review: Review) -> str:
    """The review's due date in its call's time zone, e.g. ``2025-06-30 17:00 (Africa/Nairobi)``."""
    call, stage = review.application.call, review.application.stage
    if stage is None or stage.closes_at is None:
        return ""
    return f"{stage.closes_at.astimezone(call.zone):%Y-%m-%d %H:%M} ({call.time_zone})"


def reminder_email(reviewer: User, reviews: list[Review], connection: Any = None) -> EmailMessage:
    """The one e-mail that lists ``reviewer``'s pending ``reviews`` (with their applications, calls and
    stages loaded). A blind call's application is named by its reference only."""
    lines = [_("Dear %(name)s,") % {"name": reviewer.full_name or reviewer.username}, ""]
    lines.append(
        ngettext(
            "This review is not submitted yet and is due soon:",
            "These reviews are not submitted yet and are due soon:",
            len(reviews),
        )
    )
    for review in reviews:
        application = review.application
        call = application.call
        if call.blind_review:
            name = application.reference
        else:
            name = _("%(reference)s, “%(title)s”") % {
                "reference": application.reference,
                "title": application.title,
            }
        lines += [
            "",
            f"- {name}",
            "  " + _("Call: %(call)s") % {"call": call.title},
            "  " + _("Due by: %(due)s") % {"due": due_label(review)},
            "  " + _("Status: %(status)s") % {"status": review.get_status_display().lower()},
            "  " + settings.SITE_URL + reverse("review_detail", args=[review.pk]),
        ]
    lines += ["", _("Thank you for reviewing."), ""]
    subject = ngettext(
        "Seedbed: %(count)s review due soon", "Seedbed: %(count)s reviews due soon", len(reviews)
    ) % {"count": len(reviews)}
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reviewer.email],
        connection=connection,
    )


@transaction.atomic
def reminders_claim(*, now: dt.datetime) -> list[tuple[User, list[Review]]]:
    """Lock and mark the reviews to remind at ``now``, audit the run, and return them per reviewer (by
    due date). Nothing is e-mailed here: ``reviews_remind`` does that once this has committed."""
    windows = reminder_windows(now)
    if not windows:
        return []
    in_window = Q()
    for stage_id, opened in windows.items():
        in_window |= Q(application__stage_id=stage_id) & (
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=opened)
        )
    reviews = list(
        Review.objects.select_for_update(of=("self",))
        .filter(
            in_window,
            status__in=PENDING_STATUSES,
            application__status=ApplicationStatus.SUBMITTED,
            reviewer__in=reviewer_pool().exclude(email="").values("pk"),
        )
        .select_related("reviewer", "application__call", "application__stage")
        .order_by(
            "reviewer_id", "application__stage__closes_at", "application__call__slug", "application__number"
        )
    )
    if not reviews:
        return []
    Review.objects.filter(pk__in=[review.pk for review in reviews]).update(reminded_at=now)
    batches: dict[int, tuple[User, list[Review]]] = {}
    for review in reviews:
        review.reminded_at = now
        batches.setdefault(review.reviewer_id, (review.reviewer, []))[1].append(review)
    audit_record(
        actor=None,
        action="reviews.remind",
        changes={"reviewers": [None, len(batches)], "reviews": [None, len(reviews)]},
    )
    return list(batches.values())


def reviews_remind(*, now: dt.datetime | None = None) -> int:
    """E-mail every reviewer whose reviews are in an open reminder window and not yet reminded in it: one
    e-mail each. Returns how many e-mails were sent.

    The claim is one transaction (``reminders_claim``, audited as ``reviews.remind``); sending follows it.
    A reviewer whose e-mail fails has their reviews unmarked (audited as ``reviews.remind_failed``)."""
    now = now or timezone.now()
    batches = reminders_claim(now=now)
    if not batches:
        return 0
    sent: set[int] = set()
    try:
        with get_connection() as connection:
            for reviewer, reviews in batches:
                try:
                    reminder_email(reviewer, reviews, connection=connection).send()
                except Exception:
                    logger.exception("Could not e-mail review reminders to user %s", reviewer.pk)
                else:
                    sent.add(reviewer.pk)
    except Exception:
        logger.exception("Could not open the mail connection for review reminders")
    failed = [review.pk for reviewer, reviews in batches if reviewer.pk not in sent for review in reviews]
    if failed:
        with transaction.atomic():
            Review.objects.filter(pk__in=failed, reminded_at=now).update(reminded_at=None)
            audit_record(
                actor=None,
                action="reviews.remind_failed",
                changes={"reviewers": [None, len(batches) - len(sent)], "reviews": [None, len(failed)]},
            )
    return len(sent)


# --- The stages' "reviews due by" dates -------------------------------------------------------------


@transaction.atomic
def stage_dates_update(*, actor: Any, call: Call, dates: Mapping[int, dt.datetime | None]) -> list[Stage]:
    """Set the "reviews due by" moment of the call's stages: ``{stage id: moment or None}`` (None clears
    it; stages left out keep theirs). A moment without a zone is read in the call's time zone; all are
    stored in UTC. Unlike the stages themselves, their dates may change after the call has opened.
    Returns the call's stages in order."""
    if actor is not None and not access.can_manage_calls(actor):  # None: the system (demo, commands)
        raise PermissionDenied
    call = Call.objects.select_for_update().get(pk=call.pk)
    stages = {stage.pk: stage for stage in call.stages.order_by("position")}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, dt.datetime | None] = {}
    for key, value in dates.items():
        try:
            stage_id = int(key)
        except (TypeError, ValueError):
            stage_id = 0
        if stage_id not in stages:
            errors[str(key)] = [_("This is not a stage of this call.")]
            continue
        if value is None:
            cleaned[stage_id] = None
            continue
        if not isinstance(value, dt.datetime):
            errors[str(stage_id)] = [_("Enter a date and time.")]
            continue
        if timezone.is_naive(value):
            value = value.replace(tzinfo=call.zone)
        value = value.astimezone(dt.UTC)
        if value <= call.opens_at:
            errors[str(stage_id)] = [
                _("Reviews can only be due after the call opens (%(opens)s).")
                % {"opens": f"{call.opens_at_local:%Y-%m-%d %H:%M} {call.time_zone}"}
            ]
            continue
        cleaned[stage_id] = value
    if errors:
        raise ValidationError(errors)
    changes: dict[str, list[Any]] = {}
    changed: list[Stage] = []
    for stage_id, value in cleaned.items():
        stage = stages[stage_id]
        if stage.closes_at == value:
            continue
        changes[f"{stage.position}. {stage.name}"] = [stage.closes_at, value]
        stage.closes_at = value
        changed.append(stage)
    if changed:
        Stage.objects.bulk_update(changed, ["closes_at"])
        audit_record(actor=actor, action="call.stage_dates_update", target=call, changes=changes)
    return list(stages.values())
