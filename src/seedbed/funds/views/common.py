"""What the fund pages share: where a service's message goes on a form, and the ledger check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from seedbed.core.views.common import add_service_errors
from seedbed.funds import access
from seedbed.funds.services.common import ERROR_FIELDS


def _service_errors(form: Any, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Put a service's messages on the form's fields where its codes say they belong (``ERROR_FIELDS``,
    then ``rename`` for a form that names a field differently); the rest on the form as a whole."""
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    for item in error.error_list:
        field = ERROR_FIELDS.get(item.code or "")
        field = (rename or {}).get(field or "", field)
        form.add_error(field if field in form.fields else None, item.messages)


def _require_ledger(user: Any) -> None:
    if not access.can_view_ledger(user):
        raise PermissionDenied
