"""What the API's modules share: the router they add their endpoints to, where a service's message goes
in a 422, how values are written, and the lookups of what a request body names.
"""

# No `from __future__ import annotations` in the API: see the package's docstring.

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from ninja import Router

from seedbed.core.api import FieldErrors
from seedbed.core.models import Organization
from seedbed.funds import access
from seedbed.funds.models import Asset, Fund, JournalEntry
from seedbed.funds.money import format_amount, parse_amount
from seedbed.funds.services.common import ERROR_FIELDS


class FundsRouter(Router):
    """A router that keeps each endpoint's operation id ``seedbed_funds_api_<function>``, as it was when
    the API was one module: clients generated from the OpenAPI schema name their methods after it, and
    ninja's default id would otherwise follow the submodule (``seedbed_funds_api_funds_list_funds``).
    """

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        operation_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        operation_id = operation_id or f"seedbed_funds_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)


router = FundsRouter(tags=["Funds and ledger"])


def _field_errors(error: ValidationError, rename: dict[str, str] | None = None) -> FieldErrors:
    if hasattr(error, "error_dict"):
        return FieldErrors.from_validation_error(error)
    errors: dict[str, list[str]] = {}
    for item in error.error_list:
        field = ERROR_FIELDS.get(item.code or "", "__all__")
        field = (rename or {}).get(field, field)
        errors.setdefault(field, []).extend(item.messages)
    return FieldErrors(errors)


def _value_text(value: Decimal | None) -> str | None:
    """The exact value as plain decimal text, without trailing zeros or an exponent."""
    if value is None:
        return None
    with localcontext() as context:
        context.prec = 200
        text = format(value.normalize(), "f")
    return text


def _value_display(value: Decimal | None, quote: Asset) -> str:
    if value is None:
        return _("price missing")
    with localcontext() as context:
        context.prec = 200
        rounded = value.quantize(Decimal(1).scaleb(-quote.decimals), rounding=ROUND_HALF_EVEN)
        return format_amount(int(rounded.scaleb(quote.decimals)), quote)


def _require_ledger(user: Any) -> None:
    if not access.can_view_ledger(user):
        raise PermissionDenied


def _require_recorder(user: Any) -> None:
    if not access.can_record_money(user):
        raise PermissionDenied


def _asset(code: str) -> Asset:
    asset = Asset.objects.filter(code=code.strip().upper()).first() if code else None
    if asset is None:
        raise FieldErrors({"asset": [_("No asset has the code %(code)r.") % {"code": code}]})
    return asset


def _amount(text: str, asset: Asset) -> int:
    try:
        return parse_amount(text, asset)
    except ValidationError as error:
        raise FieldErrors({"amount": list(error.messages)}) from error


def _organization(slug: str | None, field: str) -> Organization | None:
    if not slug:
        return None
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise FieldErrors({field: [_("No organization has the slug %(slug)r.") % {"slug": slug}]})
    return organization


def _fund_ref(slug: str | None, field: str) -> Fund | None:
    if not slug:
        return None
    fund = Fund.objects.filter(slug=slug).first()
    if fund is None:
        raise FieldErrors({field: [_("No fund has the slug %(slug)r.") % {"slug": slug}]})
    return fund


def _entries_with_reversals(qs: Any) -> Any:
    """Each entry's reversal id in the same query (a reversal points at its original)."""
    reversal = JournalEntry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
    return qs.annotate(reversal_id=Subquery(reversal))
