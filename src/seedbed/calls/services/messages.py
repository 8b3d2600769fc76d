"""Messages to applicants and stage moves.

A message is stored (the applicant reads it in the portal) and e-mailed to every active member of the
applicant's organization after the transaction commits, by a background task. Stage-move messages are
*templates*: ``$reference``, ``$title``, ``$organization``, ``$call`` and ``$stage`` are filled in for each
application, so one bulk move sends each applicant their own message.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from seedbed.calls import access
from seedbed.calls.models import (
    Application,
    ApplicationMessage,
    ApplicationStatus,
    MessageKind,
    Stage,
    StageKind,
)
from seedbed.core.audit import audit_record

PLACEHOLDERS = ("reference", "title", "organization", "call", "stage")


def template_values(application: Application, stage: Stage | None = None) -> dict[str, str]:
    stage = stage or application.stage
    return {
        "reference": application.reference,
        "title": application.title,
        "organization": application.organization.name,
        "call": application.call.title,
        "stage": stage.name if stage else "",
    }


def template_fill(text: str, values: Mapping[str, str]) -> str:
    """Fill ``$name`` placeholders; an unknown ``$word`` stays as written."""
    return string.Template(text).safe_substitute(values)


def template_check(text: str) -> None:
    unknown = sorted(
        {
            match.group("named") or match.group("braced")
            for match in string.Template.pattern.finditer(text)
            if (match.group("named") or match.group("braced"))
            and (match.group("named") or match.group("braced")) not in PLACEHOLDERS
        }
    )
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Use %(known)s.")
            % {
                "names": ", ".join(f"${name}" for name in unknown),
                "known": ", ".join(f"${name}" for name in PLACEHOLDERS),
            },
            code="message_placeholder",
        )


def _enqueue_email(message_ids: list[int]) -> None:
    from seedbed.calls.tasks import messages_email_task

    if message_ids:
        transaction.on_commit(lambda: messages_email_task(message_ids))


def message_write(
    *, actor: Any, application: Application, kind: str, subject: str, body: str
) -> ApplicationMessage:
    """Store one message and e-mail it once the transaction commits. For other services' use: no access
    check here, the caller has made it."""
    message = ApplicationMessage.objects.create(
        application=application,
        kind=kind,
        subject=subject[:200],
        body=body,
        sent_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _enqueue_email([message.pk])
    return message


@transaction.atomic
def message_send(*, actor: Any, application: Application, subject: str, body: str) -> ApplicationMessage:
    """A manager writes to an applicant (placeholders are filled in)."""
    if not access.can_manage_applications(actor):
        raise PermissionDenied
    if not subject.strip() or not body.strip():
        raise ValidationError(_("Write a subject and a message."), code="message_empty")
    template_check(subject + body)
    values = template_values(application)
    message = message_write(
        actor=actor,
        application=application,
        kind=MessageKind.NOTE,
        subject=template_fill(subject, values),
        body=template_fill(body, values),
    )
    audit_record(
        actor=actor, action="application.message", target=application, changes={"subject": [None, subject]}
    )
    return message


@transaction.atomic
def applications_move(
    *,
    actor: Any,
    applications: Iterable[Application],
    stage: Stage,
    subject: str = "",
    body: str = "",
) -> list[Application]:
    """Move submitted applications of ``stage``'s call to ``stage``; with a subject and body, each
    applicant gets the filled-in message. The decision stage is reached through a committee decision or
    ``outcome_record``, which say what was decided."""
    if not access.can_manage_applications(actor):
        raise PermissionDenied
    if bool(subject.strip()) != bool(body.strip()):
        raise ValidationError(_("Write both a subject and a message, or neither."), code="message_empty")
    template_check(subject + body)
    moved: list[Application] = []
    message_ids: list[int] = []
    pks = [application.pk for application in applications]
    locked = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organization", "stage")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    for application in locked:
        if application.call_id != stage.call_id:
            raise ValidationError(
                _("%(reference)s is not an application to this call.") % {"reference": application.reference},
                code="stage_other_call",
            )
        if application.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(
                _("%(reference)s is %(status)s; only submitted applications move between stages.")
                % {"reference": application.reference, "status": application.get_status_display().lower()},
                code="stage_not_submitted",
            )
        if application.stage_id == stage.pk:
            continue
        before = application.stage.name if application.stage else None
        application.stage = stage
        application.save(update_fields=["stage", "updated_at"])
        audit_record(
            actor=actor,
            action="application.move",
            target=application,
            changes={"stage": [before, stage.name]},
        )
        if subject.strip():
            values = template_values(application, stage)
            message = ApplicationMessage.objects.create(
                application=application,
                kind=MessageKind.STAGE,
                subject=template_fill(subject, values)[:200],
                body=template_fill(body, values),
                sent_by=actor,
            )
            message_ids.append(message.pk)
        moved.append(application)
    _enqueue_email(message_ids)
    return moved


def decision_stage(application: Application) -> Stage | None:
    return application.call.stages.filter(kind=StageKind.DECISION).order_by("position").first()
