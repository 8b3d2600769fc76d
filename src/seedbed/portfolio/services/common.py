"""Checks the portfolio's services share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def system_or(actor: Any, allowed: bool, message: str) -> None:
    """``actor=None`` is the system itself (demo loader, imports); anyone else needs ``allowed``."""
    if actor is not None:
        require(allowed, message)


def reason(text: Any, message: str | None = None) -> str:
    text = (text or "").strip() if isinstance(text, str) or text is None else str(text).strip()
    if not text:
        raise ValidationError(message or _("Give a reason."), code="reason")
    return text
