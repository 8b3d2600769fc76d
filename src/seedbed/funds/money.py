"""Exact conversion between the amounts people read and type and integer base units. Pure, no database.

Amounts live in the database as integers in an asset's base units (cents, wei, satoshi). People see
and type *human* amounts. The rule for what ``parse_amount`` accepts is one rule for every language:

* ``.`` is the decimal mark; ``,`` or a space separates groups of exactly three digits, one kind of
  separator per amount (``1,234,567.89``, ``1 234 567.89``, ``1234567.89``). A comma is never a
  decimal mark: ``1,5`` and ``100 000,00`` are refused with a hint, never read as 15 or 10000000.
* At most as many digits after the decimal mark as the asset has decimals, *as written*: ``10.005``
  and ``10.000`` are both refused for USD (2 decimals). Nothing is ever rounded, and ``10.000`` cannot be
  misread where ``.`` separates thousands.
* An optional leading ``-`` (or ``−``) when negative amounts are allowed; an optional asset code before
  or after the number, separated by a space (``1.5 ETH``, ``USD 100.00``), which must be the asset's.
* Refused with a clear message: empty text, exponents (``1e5``), NaN and infinities, anything else that is
  not a plain number, and amounts of 78 digits or more (beyond what the database column holds).

``format_amount`` writes what ``parse_amount`` reads: fiat always with exactly ``decimals`` places
(``100,000.00 USD``), crypto with trailing zeros trimmed (``1.5 ETH``, ``2,267 ETH``), never in
scientific notation. ``parse_amount(format_amount(v, asset), asset, allow_negative=True) == v``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The database column is numeric(78,0): amounts have at most 78 digits in base units.
MAX_DIGITS = 78
_LIMIT = 10**MAX_DIGITS
_MAX_TEXT = 200

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ", "\u2212": "-"})
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,15}")
# Digits are ASCII only ([0-9], not \d, which also matches other scripts' digits).
_NUMBER = re.compile(
    r"(?P<int>[0-9]{1,3}(?:(?P<sep>[, ])[0-9]{3})(?:(?P=sep)[0-9]{3})*|[0-9]*)(?:\.(?P<frac>[0-9]*))?"
)
_EXPONENT = re.compile(r"[0-9., ]*[0-9.][eE][+-]?[0-9]+")
_NOT_FINITE = {"nan", "snan", "qnan", "inf", "infinity"}


class AssetLike(Protocol):
    """What these functions need of an asset: ``seedbed.funds.models.Asset`` or any look-alike."""

    code: str
    decimals: int

    @property
    def is_crypto(self) -> bool: ...


def parse_amount(text: str, asset: AssetLike, *, allow_negative: bool = False) -> int:
    """The exact amount in base units that ``text`` means, or ``ValidationError`` with a clear message."""
    if not isinstance(text, str):
        raise TypeError("parse_amount() reads text; pass amounts in base units as they are")
    cleaned = text.translate(_SPACES).strip()
    if not cleaned:
        raise ValidationError(_("Enter an amount."), code="required")
    if len(cleaned) > _MAX_TEXT:
        raise ValidationError(_("This amount is too long to be a number."), code="invalid")
    tokens = cleaned.split()
    code = None
    if len(tokens) > 1 and _CODE.fullmatch(tokens[-1]):
        code = tokens.pop()
    elif len(tokens) > 1 and _CODE.fullmatch(tokens[0]):
        code = tokens.pop(0)
    if code is not None and code.upper() != asset.code.upper():
        raise ValidationError(
            _("This amount is in %(given)s, but %(code)s is expected."),
            code="wrong_asset",
            params={"given": code.upper(), "code": asset.code},
        )
    number = " ".join(tokens)
    negative = number.startswith("-")
    body = number[1:] if number[:1] in "+-" else number
    if body.lower() in _NOT_FINITE:
        raise ValidationError(
            _("Enter a finite amount, not “%(text)s”."), code="invalid", params={"text": body}
        )
    if _EXPONENT.fullmatch(body):
        raise ValidationError(
            _("Write the amount in full, without an exponent: “%(text)s” is not accepted."),
            code="exponent",
            params={"text": body},
        )
    match = _NUMBER.fullmatch(body)
    if match is None or not (match["int"] or match["frac"]):
        if "," in body:
            raise ValidationError(
                _(
                    "“%(text)s” is not an amount we can read: use “.” for decimals and “,” only between"
                    " groups of three digits, as in 1,234.56."
                ),
                code="invalid",
                params={"text": number},
            )
        raise ValidationError(_("“%(text)s” is not a number."), code="invalid", params={"text": number})
    whole = re.sub(r"[, ]", "", match["int"])
    fraction = match["frac"] or ""
    if len(fraction) > asset.decimals:
        raise ValidationError(
            ngettext(
                "%(code)s has %(decimals)s decimal; %(text)s has %(count)s.",
                "%(code)s has %(decimals)s decimals; %(text)s has %(count)s.",
                asset.decimals,
            ),
            code="too_precise",
            params={"code": asset.code, "decimals": asset.decimals, "text": number, "count": len(fraction)},
        )
    value = int(whole or "0") * 10**asset.decimals + int(fraction.ljust(asset.decimals, "0") or "0")
    if negative:
        value = -value
    if value < 0 and not allow_negative:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    if abs(value) >= _LIMIT:
        raise ValidationError(_("This amount is too large."), code="too_large")
    return value


def _grouped(whole: int, grouping: bool) -> str:
    return f"{whole:,}" if grouping else str(whole)


def format_amount(value: int, asset: AssetLike, *, with_code: bool = True, grouping: bool = True) -> str:
    """``value`` base units as people read them: ``100,000.00 USD``, ``1.5 ETH``, ``2,267 ETH``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("format_amount() takes an int of base units")
    decimals = asset.decimals
    whole, part = divmod(abs(value), 10**decimals)
    fraction = str(part).zfill(decimals) if decimals else ""
    if asset.is_crypto:
        fraction = fraction.rstrip("0")
    text = ("-" if value < 0 else "") + _grouped(whole, grouping) + (f".{fraction}" if fraction else "")
    return f"{text} {asset.code}" if with_code else text


def to_decimal(value: int, asset: AssetLike) -> Decimal:
    """``value`` base units as an exact ``Decimal`` of whole units with ``decimals`` places (150 → 1.50)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("to_decimal() takes an int of base units")
    sign, digits, _exponent = Decimal(value).as_tuple()
    return Decimal((sign, digits, -asset.decimals))  # built from digits: exact, whatever the context


def format_decimal(value: Decimal, asset: AssetLike, *, with_code: bool = True, grouping: bool = True) -> str:
    """An exact decimal number of units (a valuation, say) shown in full, never rounded.

    Fiat shows at least its ``decimals`` places (``3,000.18 USD``, but ``3,000.1805 USD`` when that is
    the exact value); crypto trims trailing zeros. Round for display elsewhere, knowingly.
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError("format_decimal() takes a finite Decimal")
    whole_text, _dot, fraction = format(value.copy_abs(), "f").partition(".")
    fraction = fraction.rstrip("0")
    if not asset.is_crypto:
        fraction = fraction.ljust(asset.decimals, "0")
    negative = value < 0
    text = (
        ("-" if negative else "") + _grouped(int(whole_text), grouping) + (f".{fraction}" if fraction else "")
    )
    return f"{text} {asset.code}" if with_code else text
