"""What the portfolio API's modules share: the router they add their endpoints to, where a service's
message goes in a 422, how amounts are written and read, and the lookups of what a request body names.
"""

# No `from __future__ import annotations` in the API: see the package's docstring.

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from seedbed.core.api import FieldErrors
from seedbed.core.models import Organization, User
from seedbed.funds.models import Asset
from seedbed.funds.money import format_amount


class PortfolioRouter(Router):
    """Keeps each endpoint's operation id ``seedbed_portfolio_api_<function>``, whichever module defines
    it (see ``seedbed.funds.api.common.FundsRouter``)."""

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        operation_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        operation_id = operation_id or f"seedbed_portfolio_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)


router = PortfolioRouter(tags=["Portfolio"])


def require(allowed: bool) -> None:
    """Refuse (403) before reading a body that names other rows: who may not act learns nothing more."""
    if not allowed:
        raise PermissionDenied


def field_errors(error: ValidationError, field: str, codes: dict[str, str] | None = None) -> FieldErrors:
    """A service's ``ValidationError`` as a 422: per field when it has fields, else on ``codes[code]`` or
    ``field`` (a refusal about the state of a row is put on the row the request names)."""
    if hasattr(error, "error_dict"):
        return FieldErrors.from_validation_error(error)
    errors: dict[str, list[str]] = {}
    for item in error.error_list:
        target = (codes or {}).get(item.code or "", field)
        errors.setdefault(target, []).extend(item.messages)
    return FieldErrors(errors)


class AmountOut(Schema):
    amount: str = Field(description="Exact amount in base units (cents, wei), as a string")
    amount_display: str


def amount_out(value: int, asset: Asset) -> dict[str, str]:
    return {"amount": str(value), "amount_display": format_amount(value, asset)}


def base_units(text: Any, field: str) -> int:
    """An amount sent as a string of base units (``"8000000"`` is 80,000.00 USD), or a 422 on ``field``."""
    value = str(text if text is not None else "").strip()
    if not value.isascii() or not value.isdigit():
        raise FieldErrors(
            {field: [_("Give the amount in base units, as a string of digits (cents for USD, wei for ETH).")]}
        )
    return int(value)


def asset_by_code(code: str, field: str = "asset") -> Asset:
    asset = Asset.objects.filter(code=(code or "").strip().upper()).first() if code else None
    if asset is None:
        raise FieldErrors({field: [_("No asset has the code %(code)r.") % {"code": code}]})
    return asset


def organization_by_ref(ref: int | str, field: str) -> Organization:
    """An organization named by its id or its short name (slug)."""
    text = str(ref).strip()
    qs = Organization.objects.select_related("country")
    organization = qs.filter(pk=int(text)).first() if text.isdigit() else qs.filter(slug=text).first()
    if organization is None:
        raise FieldErrors({field: [_("No organization has the id or short name %(ref)r.") % {"ref": ref}]})
    return organization


def person(user: User | None) -> str | None:
    return str(user) if user is not None else None
