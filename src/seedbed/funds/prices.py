"""Prices and valuation: record prices by hand or from CSV, value amounts, revalue a fund's holdings.

Rules:

* A price is exact (a ``Decimal`` or its text; a float is refused), greater than zero, with at most 18
  decimal places, and is never overwritten: a different price at the same instant is an error.
* Times are instants in UTC. An ``as_of`` given as a date means 00:00 UTC that day; a date-time without
  an offset is read as UTC.
* Valuation uses the latest price at or before the moment asked for, never interpolated and never
  inverted; an asset's price in itself is 1. A ``date`` as the moment means the end of that day (UTC),
  which matches balances, kept per effective date. No price means the value is missing (``None``), not
  guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, Inexact, InvalidOperation, localcontext
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from seedbed.core.audit import audit_record
from seedbed.funds.ledger import fund_balances_at
from seedbed.funds.models import Asset, Fund, Price
from seedbed.funds.money import to_decimal

UTC = dt.UTC
PRICE_DECIMAL_PLACES = 18  # what the price column keeps (numeric(40,18))
PRICE_INTEGER_DIGITS = 22
SOURCE_MAX_LENGTH = 120
CSV_COLUMNS = ("asset", "quote", "as_of", "price")
_PRICE_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- Parsing -------------------------------------------------------------------------------------------


def _canonical(value: Decimal) -> Decimal:
    """``value`` without trailing zeros or a positive exponent, built from its digits (no rounding)."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    digit_list = list(digits)
    while exponent < 0 and len(digit_list) > 1 and digit_list[-1] == 0:
        digit_list.pop()
        exponent += 1
    if exponent > 0:
        digit_list.extend([0] * exponent)
        exponent = 0
    return Decimal((sign, tuple(digit_list), exponent))


def parse_price(value: Decimal | str | int) -> Decimal:
    """An exact positive price from a ``Decimal``, an int or text; ``ValidationError`` otherwise."""
    if isinstance(value, float):
        raise ValidationError(
            _("Give the price as text or as a Decimal, not as a float: floats are not exact."), code="float"
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
        raise ValidationError(_("Enter a price."), code="invalid")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValidationError(_("Enter a price."), code="required")
        if len(text) > 100 or not _PRICE_TEXT.fullmatch(text):
            raise ValidationError(
                _("“%(text)s” is not a number."), code="invalid", params={"text": text[:50]}
            )
        number = Decimal(text)
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise ValidationError(_("A price must be a finite number."), code="invalid")
    if number <= 0:
        raise ValidationError(
            _("A price must be greater than zero; %(price)s is not."),
            code="not_positive",
            params={"price": value},
        )
    if number.adjusted() >= PRICE_INTEGER_DIGITS:
        raise ValidationError(_("This price is too large."), code="too_large")
    number = _canonical(number)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > PRICE_DECIMAL_PLACES:
        raise ValidationError(
            _(
                "A price has at most %(places)s decimal places; %(price)s has %(count)s."
                " Prices are not rounded."
            ),
            code="too_precise",
            params={"places": PRICE_DECIMAL_PLACES, "price": value, "count": -exponent},
        )
    return number


def _as_of(value: dt.date | dt.datetime) -> dt.datetime:
    """The instant a price is for: a date means 00:00 UTC; a naive date-time is read as UTC."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=UTC)
    raise ValidationError(_("Give the time of the price as a date or a date-time."), code="invalid")


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    """The instant to value at: a date means the end of that day (UTC), as balances do."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return dt.datetime.combine(value, dt.time.max, tzinfo=UTC)


def parse_as_of(text: str) -> dt.datetime:
    """An ISO date (00:00 UTC) or ISO date-time (UTC when it has no offset) as an instant in UTC."""
    text = text.strip()
    try:
        if _DATE_TEXT.fullmatch(text):
            return _as_of(dt.date.fromisoformat(text))
        if not _DATE_TEXT.match(text):
            raise ValueError(text)
        return _as_of(dt.datetime.fromisoformat(text))
    except ValueError:
        raise ValidationError(
            _("“%(text)s” is not an ISO date or date-time (2021-06-30 or 2021-06-30T12:00:00Z)."),
            code="invalid_date",
            params={"text": text[:50]},
        ) from None


def _clean_source(source: str) -> str:
    source = (source or "").strip()
    if not source:
        raise ValidationError(_("Say where the prices come from (the source)."), code="source")
    if len(source) > SOURCE_MAX_LENGTH:
        raise ValidationError(
            _("The source can be at most %(max)s characters."),
            code="source",
            params={"max": SOURCE_MAX_LENGTH},
        )
    return source


# --- Recording -----------------------------------------------------------------------------------------


@transaction.atomic
def price_record(
    *,
    actor: Any,
    asset: Asset,
    quote: Asset,
    as_of: dt.date | dt.datetime,
    price: Decimal | str,
    source: str,
    is_sample: bool = False,
) -> Price:
    """Record one price. Recording the same price again returns it; a different one is refused."""
    value = parse_price(price)
    instant = _as_of(as_of)
    source = _clean_source(source)
    if asset.pk == quote.pk:
        raise ValidationError(_("An asset's price in itself is always 1; there is nothing to record."))
    existing = Price.objects.select_for_update().filter(asset=asset, quote=quote, as_of=instant).first()
    if existing is not None:
        if existing.price == value:
            return existing
        raise ValidationError(_already_recorded(existing), code="conflict")
    try:
        with transaction.atomic():
            record = Price.objects.create(
                asset=asset, quote=quote, as_of=instant, price=value, source=source, is_sample=is_sample
            )
    except IntegrityError:
        raise ValidationError(
            _("Someone recorded a price for this time at the same moment; reload and check it."),
            code="conflict",
        ) from None
    audit_record(
        actor=actor,
        action="price.record",
        target=record,
        changes={"price": [None, str(value)], "as_of": [None, instant], "source": [None, source]},
    )
    return record


def _already_recorded(existing: Price) -> str:
    return _(
        "A different price of %(asset)s in %(quote)s is already recorded for %(as_of)s: %(price)s"
        " (from %(source)s). Prices are never overwritten."
    ) % {
        "asset": existing.asset.code,
        "quote": existing.quote.code,
        "as_of": existing.as_of.astimezone(UTC).isoformat(),
        "price": existing.price,
        "source": existing.source,
    }


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    """What an import did. With any error nothing was written (``created`` is then 0)."""

    rows: int = 0
    created: int = 0
    skipped: int = 0  # identical prices already recorded
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    asset: Asset
    quote: Asset
    as_of: dt.datetime
    price: Decimal


def _text_lines(file: Iterable[str | bytes]) -> Iterator[str]:
    """Lines as text; byte lines (an uploaded file) are read as UTF-8, with or without a BOM."""
    for number, line in enumerate(file):
        if isinstance(line, bytes):
            line = line.decode("utf-8-sig" if number == 0 else "utf-8")
        yield line.lstrip("\ufeff") if number == 0 else line


@transaction.atomic
def prices_import_csv(
    *, actor: Any, file: Iterable[str | bytes], source: str, is_sample: bool = False
) -> ImportResult:
    """Import prices from CSV with the columns ``asset,quote,as_of,price``: all the file or nothing.

    Every bad row is reported with its line number. A price already recorded with the same value is
    skipped (so rerunning a file changes nothing); a different one at the same instant is an error.
    """
    source = _clean_source(source)
    result = ImportResult()
    reader = csv.reader(_text_lines(file))
    try:
        rows = _read_rows(reader, result)
    except UnicodeDecodeError:
        result.errors.append(RowError(reader.line_num + 1, _("The file is not UTF-8 text.")))
        return result
    except csv.Error as error:
        result.errors.append(
            RowError(reader.line_num, _("The file is not valid CSV: %(error)s") % {"error": error})
        )
        return result
    if not rows and result.errors:
        return result
    new = _compare_with_recorded(rows, result)
    if result.errors:
        result.errors.sort(key=lambda error: error.line)
        return result
    try:
        with transaction.atomic():
            Price.objects.bulk_create(
                [
                    Price(
                        asset=row.asset,
                        quote=row.quote,
                        as_of=row.as_of,
                        price=row.price,
                        source=source,
                        is_sample=is_sample,
                    )
                    for row in new
                ],
                batch_size=1000,
            )
    except IntegrityError:
        raise ValidationError(
            _("Another import recorded some of these prices at the same moment; run this import again."),
            code="conflict",
        ) from None
    result.created = len(new)
    if new:
        audit_record(
            actor=actor,
            action="prices.import",
            changes={
                "source": [None, source],
                "created": [None, result.created],
                "skipped": [None, result.skipped],
            },
        )
    return result


def _read_rows(reader: Any, result: ImportResult) -> list[_Row]:
    header = next(reader, None)
    if header is None:
        result.errors.append(
            RowError(1, _("The file is empty: it needs the header asset,quote,as_of,price."))
        )
        return []
    names = [name.strip().lower() for name in header]
    missing = [name for name in CSV_COLUMNS if name not in names]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if missing or repeated:
        header_problems = []
        if missing:
            header_problems.append(_("missing column(s) %(columns)s") % {"columns": ", ".join(missing)})
        if repeated:
            header_problems.append(_("repeated column(s) %(columns)s") % {"columns": ", ".join(repeated)})
        result.errors.append(
            RowError(
                1,
                _("The header must name the columns asset,quote,as_of,price: %(problems)s.")
                % {"problems": "; ".join(header_problems)},
            )
        )
        return []
    position = {name: names.index(name) for name in CSV_COLUMNS}
    assets = {asset.code.upper(): asset for asset in Asset.objects.all()}
    seen: dict[tuple[int, int, dt.datetime], int] = {}
    rows: list[_Row] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        result.rows += 1
        if len(cells) < len(names):
            result.errors.append(
                RowError(
                    line,
                    _("Expected %(expected)s columns, found %(found)s.")
                    % {"expected": len(names), "found": len(cells)},
                )
            )
            continue
        problems: list[str] = []
        found: dict[str, Any] = {}
        for column in ("asset", "quote"):
            code = cells[position[column]].strip()
            asset = assets.get(code.upper())
            if asset is None:
                message = (
                    _("Unknown asset “%(code)s”.")
                    if column == "asset"
                    else _("Unknown quote currency “%(code)s”.")
                )
                problems.append(message % {"code": code[:20]})
            found[column] = asset
        for column, parse in (("as_of", parse_as_of), ("price", parse_price)):
            try:
                found[column] = parse(cells[position[column]])
            except ValidationError as error:
                problems.extend(error.messages)
        if not problems and found["asset"].pk == found["quote"].pk:
            problems.append(_("An asset's price in itself is always 1."))
        if not problems:
            key = (found["asset"].pk, found["quote"].pk, found["as_of"])
            if key in seen:
                problems.append(
                    _("Duplicate of line %(line)s: the same asset, quote and time.") % {"line": seen[key]}
                )
            else:
                seen[key] = line
        if problems:
            result.errors.append(RowError(line, " ".join(problems)))
            continue
        rows.append(_Row(line, found["asset"], found["quote"], found["as_of"], found["price"]))
    return rows


def _compare_with_recorded(rows: Sequence[_Row], result: ImportResult) -> list[_Row]:
    """The rows not yet recorded; identical ones are counted as skipped, different ones are errors."""
    by_pair: dict[tuple[int, int], list[_Row]] = defaultdict(list)
    for row in rows:
        by_pair[(row.asset.pk, row.quote.pk)].append(row)
    new: list[_Row] = []
    for (asset_id, quote_id), pair_rows in by_pair.items():
        recorded = {
            price.as_of: price
            for price in Price.objects.select_related("asset", "quote").filter(
                asset_id=asset_id,
                quote_id=quote_id,
                as_of__gte=min(row.as_of for row in pair_rows),
                as_of__lte=max(row.as_of for row in pair_rows),
            )
        }
        for row in pair_rows:
            existing = recorded.get(row.as_of)
            if existing is None:
                new.append(row)
            elif existing.price == row.price:
                result.skipped += 1
            else:
                result.errors.append(RowError(row.line, _already_recorded(existing)))
    return new


# --- Valuation -----------------------------------------------------------------------------------------


def price_at(
    asset: Asset, quote: Asset, at: dt.date | dt.datetime, *, max_age: dt.timedelta | None = None
) -> Price | None:
    """The latest price of ``asset`` in ``quote`` at or before ``at``, or None. Never interpolated.

    With ``max_age``, a price older than that counts as missing. For ``asset == quote`` the answer is an
    unsaved ``Price`` of exactly 1.
    """
    moment = _moment(at)
    if asset.pk == quote.pk:
        return Price(asset=asset, quote=quote, as_of=moment, price=Decimal(1), source=_("same asset"))
    price = (
        Price.objects.select_related("asset", "quote")
        .filter(asset=asset, quote=quote, as_of__lte=moment)
        .order_by("-as_of")
        .first()
    )
    if price is not None and max_age is not None and moment - price.as_of > max_age:
        return None
    return price


def _exact_product(amount: Decimal, price: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = len(amount.as_tuple().digits) + len(price.as_tuple().digits) + 2
        context.traps[Inexact] = True
        context.traps[InvalidOperation] = True
        return amount * price


def value_in(
    *,
    amount: int,
    asset: Asset,
    quote: Asset,
    at: dt.date | dt.datetime,
    max_age: dt.timedelta | None = None,
) -> Decimal | None:
    """``amount`` base units of ``asset`` in units of ``quote`` at ``at``, exact; None without a price."""
    price = price_at(asset, quote, at, max_age=max_age)
    if price is None:
        return None
    return _exact_product(to_decimal(amount, asset), price.price)


@dataclass(frozen=True)
class RevaluationRow:
    """One asset a fund holds, in native units and valued in the quote currency (or missing)."""

    asset: Asset
    amount: int  # base units
    price: Price | None
    value: Decimal | None  # units of the quote currency, exact; None when the price is missing

    @property
    def holding(self) -> Decimal:
        return to_decimal(self.amount, self.asset)

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @property
    def price_as_of(self) -> dt.datetime | None:
        return self.price.as_of if self.price is not None else None

    @property
    def price_source(self) -> str:
        return self.price.source if self.price is not None else ""


def revaluation(
    *, fund: Fund, quote: Asset, at: dt.date | dt.datetime, max_age: dt.timedelta | None = None
) -> list[RevaluationRow]:
    """The fund's holdings at ``at`` (end of that day) valued in ``quote``: a report, not entries."""
    on = _moment(at).date() if isinstance(at, dt.datetime) else at
    held = {code: amount for code, amount in fund_balances_at(fund=fund, on=on).items() if amount != 0}
    assets = {asset.code: asset for asset in Asset.objects.filter(code__in=held)}
    rows = []
    for code in sorted(held):
        asset = assets[code]
        price = price_at(asset, quote, at, max_age=max_age)
        value = None if price is None else _exact_product(to_decimal(held[code], asset), price.price)
        rows.append(RevaluationRow(asset=asset, amount=held[code], price=price, value=value))
    return rows


def revaluation_total(rows: Iterable[RevaluationRow]) -> Decimal | None:
    """The sum of the values, or None when any value is missing (a partial total would mislead)."""
    values = [row.value for row in rows]
    if any(value is None for value in values):
        return None
    with localcontext() as context:
        context.prec = 200
        context.traps[Inexact] = True
        return sum((value for value in values if value is not None), Decimal(0))
