"""``AmountField``: an exact integer of any size, in an asset's base units (cents, wei, satoshi).

PostgreSQL stores it as ``numeric(78,0)`` and sums it exactly. SQLite's numeric affinity would turn any
integer beyond 2**63 into a float (2267 ETH is 2.267e21 wei), so on SQLite the column is ``text`` holding
the decimal digits, and sums go through the exact aggregate ``seedbed_exact_sum`` that our SQLite backend
registers on every connection. Python code always sees ``int``. See docs/adr/0008.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Aggregate
from django.db.models.functions import Cast


class AmountField(models.Field):
    description = "An exact integer amount in an asset's base units"
    empty_strings_allowed = False

    def db_type(self, connection: Any) -> str:
        if connection.vendor == "postgresql":
            return "numeric(78,0)"
        return "text"

    def get_internal_type(self) -> str:
        return "AmountField"

    def to_python(self, value: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        try:
            number = Decimal(str(value))
        except Exception:
            raise ValidationError("Enter a whole number of base units.", code="invalid") from None
        if number != number.to_integral_value():
            raise ValidationError("Amounts are whole numbers of base units.", code="invalid")
        return int(number)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):  # never expected; refuse rather than guess
            raise ValueError("an amount came back from the database as a float")
        return int(Decimal(str(value)))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return self.to_python(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None:
            return None
        if connection.vendor == "postgresql":
            return Decimal(value)
        return str(value)


def amount_as_number(name: str) -> Cast:
    """An amount column as a number in SQL (for constraints and comparisons): it is text on SQLite, where
    "9" > "10" as strings."""
    return Cast(name, models.DecimalField(max_digits=78, decimal_places=0))


class ExactSum(Aggregate):
    """SUM that is exact for ``AmountField`` on every database; returns an int (0 for no rows)."""

    function = "SUM"
    name = "ExactSum"

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, output_field=AmountField(), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="seedbed_exact_sum", **extra_context)

    def convert_value(self, value: Any, expression: Any, connection: Any) -> int:
        return 0 if value is None else int(Decimal(str(value)))

    def get_db_converters(self, connection: Any) -> list[Any]:
        return [self.convert_value]


class ExactDecimalField(models.Field):
    """An exact decimal (prices, rates): ``numeric(40,18)`` on PostgreSQL, decimal text on SQLite.

    Django's DecimalField goes through floats on SQLite; prices must not.
    """

    description = "An exact decimal number"
    empty_strings_allowed = False
    max_digits = 40
    decimal_places = 18

    def db_type(self, connection: Any) -> str:
        if connection.vendor == "postgresql":
            return f"numeric({self.max_digits},{self.decimal_places})"
        return "text"

    def get_internal_type(self) -> str:
        return "ExactDecimalField"

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            raise ValidationError("Give the number as text, not as a float.", code="float")
        try:
            return Decimal(str(value))
        except Exception:
            raise ValidationError("Enter a number.", code="invalid") from None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise ValueError("a decimal came back from the database as a float")
        return (
            Decimal(str(value)).normalize()
            if connection.vendor != "postgresql"
            else Decimal(value).normalize()
        )

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = self.to_python(value)
        if value is None:
            return None
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.decimal_places:
            raise ValidationError(f"At most {self.decimal_places} decimal places.", code="too_precise")
        return value if connection.vendor == "postgresql" else format(value, "f")
