"""What the fund pages share: where a service's message goes on a form, and the ledger check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from seedbed.core.views.common import add_service_errors
from seedbed.funds import access

# Which form field a service's message belongs to, by its error code.
SERVICE_ERROR_FIELDS = {
    "asset_not_allowed": "asset",
    "crypto_only": "asset",
    "unknown_asset": "asset",
    "not_positive": "amount",
    "amount_type": "amount",
    "insufficient_funds": "amount",
    "exceeds_contribution": "amount",
    "to_fund": "to_fund",
    "counterparty": "counterparty",
    "memo": "memo",
    "kind": "kind",
    "date": "effective_date",
    "future": "effective_date",
    "note": "note",
}


def _service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's messages on the form's fields where its codes say where they belong."""
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    for item in error.error_list:
        field = SERVICE_ERROR_FIELDS.get(item.code or "")
        form.add_error(field if field in form.fields else None, item.messages)


def _require_ledger(user: Any) -> None:
    if not access.can_view_ledger(user):
        raise PermissionDenied
