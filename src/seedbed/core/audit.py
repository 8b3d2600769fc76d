"""Audit events: every service records who changed what. No signals: services call ``audit_record``."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from seedbed.core.models import AuditEvent

# The current request's id, set by RequestIdMiddleware and by jobs, so that every event a request or a
# job causes can be found together.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("seedbed_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def _plain(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value for the audit log."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def apply_changes(instance: models.Model, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set ``data`` on ``instance`` and return what changed, ready for ``audit_record``."""
    before = snapshot(instance, data.keys())
    for name, value in data.items():
        setattr(instance, name, value)
    return diff(before, snapshot(instance, data.keys()))


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the service's transaction, after the write."""
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=content_type,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        request_id=request_id_var.get(),
    )
