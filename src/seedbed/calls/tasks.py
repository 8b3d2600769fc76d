"""Background tasks of the calls app: e-mailing messages to applicants, and reminding reviewers."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from seedbed.calls.models import ApplicationMessage
from seedbed.calls.services.reminders import reviews_remind
from seedbed.core.models import User


@db_task()
def messages_email_task(message_ids: list[int]) -> None:
    """E-mail each message to every active member of its application's organization, one e-mail per
    person (nobody sees the others' addresses). Sending twice is harmless: ``recipients`` is recomputed."""
    messages = ApplicationMessage.objects.filter(pk__in=message_ids).select_related(
        "application__call", "application__organization"
    )
    with get_connection() as connection:
        for message in messages:
            people = User.objects.filter(
                is_active=True, memberships__organization=message.application.organization_id
            ).exclude(email="")
            emails = []
            for person in people:
                body = render_to_string(
                    "emails/application_message.txt",
                    {
                        "message": message,
                        "application": message.application,
                        "person": person,
                        "site_url": settings.SITE_URL,
                    },
                )
                emails.append(
                    EmailMessage(
                        subject=message.subject,
                        body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[person.email],
                        connection=connection,
                    )
                )
            connection.send_messages(emails)
            ApplicationMessage.objects.filter(pk=message.pk).update(recipients=len(emails))


@db_periodic_task(crontab(minute="7"))
def reviews_remind_task() -> int:
    """Every hour (at seven past), e-mail reviewers about their reviews due soon. ``seedbed worker`` runs
    it: its Huey consumer schedules periodic tasks. ``seedbed reviews_remind`` does the same once."""
    return reviews_remind()
