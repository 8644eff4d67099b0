"""What a column can hold, derived from the model field that declares it.

A value outside it is refused before it reaches the database: on SQLite a decimal of 1e300 is
stored and then cannot be read back (every page that sums it fails); on PostgreSQL the insert
raises an uncaught DataError. The same bounds are written into the API's schemas (so the
OpenAPI document states them), checked by the forms and the imports, and checked once more for
every row saved (`check_instance`, connected to pre_save in danso.api.apps) as a safety net.

The bounds are PostgreSQL's for both databases, so data valid on one is valid on the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

BIGINT_MIN, BIGINT_MAX = BaseDatabaseOperations.integer_field_ranges["BigIntegerField"]
# Above this many bytes a CSV field is refused (Python's csv module stops at 128 KiB).
CSV_FIELD_LIMIT = 128 * 1024


@dataclass(frozen=True)
class Problem:
    field: str
    code: str  # out_of_range, too_long, nul_byte, invalid
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}


class ColumnLimitError(ValueError):
    """A value that its column cannot hold; `problems` names each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


def integer_bounds(field: models.Field) -> tuple[int, int]:
    """The smallest and largest integer the column holds (PostgreSQL's ranges)."""
    internal = field.get_internal_type()
    if internal in ("AutoField", "BigAutoField", "SmallAutoField", "ForeignKey"):
        internal = {"AutoField": "IntegerField", "SmallAutoField": "SmallIntegerField"}.get(
            internal, "BigIntegerField"
        )
    return BaseDatabaseOperations.integer_field_ranges.get(internal, (BIGINT_MIN, BIGINT_MAX))


def decimal_bound(field: models.DecimalField) -> Decimal:
    """The largest absolute value a DecimalField(max_digits, decimal_places) holds."""
    step = Decimal(1).scaleb(-field.decimal_places)
    return Decimal(10) ** (field.max_digits - field.decimal_places) - step


def bounds(model: type[models.Model], name: str) -> tuple[Any, Any]:
    field = _field(model, name)
    if isinstance(field, models.DecimalField):
        top = decimal_bound(field)
        return -top, top
    return integer_bounds(field)


def _format(number) -> str:
    """1.000.000 in Vietnamese style (the API's messages are in Vietnamese)."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, Decimal) and number == number.to_integral_value():
        number = int(number)
    text = f"{number:,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def at_least_message(low) -> str:
    return _("The value must be at least %(low)s.") % {"low": _format(low)}


def at_most_message(high) -> str:
    return _("The value must be at most %(high)s.") % {"high": _format(high)}


def out_of_range_message(low, high) -> str:
    return _("The value must be between %(low)s and %(high)s.") % {
        "low": _format(low),
        "high": _format(high),
    }


def too_long_message(limit: int) -> str:
    return _("Too long: at most %(limit)s characters.") % {"limit": _format(limit)}


def nul_message() -> str:
    return _("The text contains a NUL character, which cannot be stored.")


# Types for the API's schemas: the bounds appear in the OpenAPI document.


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("nul_byte", "NUL character")
    return value


def number(model: type[models.Model], name: str, python_type: type = float, floor=True):
    """A number schema type bounded by the column `model.name` (DecimalField or integer).

    floor=False leaves a negative number to the service, which names it among the other
    problems of the input (negative_count); below the int64 range it is refused here."""
    low, high = bounds(model, name)
    if not floor:
        low = BIGINT_MIN
    if python_type is float:
        # The nearest float may lie just outside the column (9999999999999999.99 → 1e16).
        low, high = (_float_within(low), _float_within(high))
    return Annotated[python_type, Field(ge=python_type(low), le=python_type(high))]


def _float_within(bound) -> float:
    near = float(bound)
    return math.nextafter(near, 0.0) if abs(Decimal(near)) > abs(Decimal(bound)) else near


def text(model: type[models.Model], name: str):
    """A string schema type no longer than the column `model.name`, without NUL characters."""
    limit = _field(model, name).max_length
    return Annotated[str, Field(max_length=limit), AfterValidator(_no_nul)]


# A database id, as a path parameter, a filter or a reference in a body.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
NoNulText = Annotated[str, AfterValidator(_no_nul)]
# A calendar year (what Python's dates hold).
Year = Annotated[int, Field(ge=1, le=9999)]


# The check of a row before it is saved.


def value_problems(field: models.Field, value) -> list[Problem]:
    if value is None:
        return []
    name = field.name
    if isinstance(field, (models.CharField, models.TextField)) and isinstance(value, str):
        found = []
        if "\x00" in value:
            found.append(Problem(name, "nul_byte", nul_message()))
        if field.max_length and len(value) > field.max_length:
            found.append(Problem(name, "too_long", too_long_message(field.max_length)))
        return found
    if isinstance(field, models.DecimalField):
        try:
            amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
        except (InvalidOperation, ValueError):
            return []  # the field's own validation names a malformed number
        top = decimal_bound(field)
        if not amount.is_finite() or abs(amount) > top:
            return [Problem(name, "out_of_range", out_of_range_message(-top, top))]
        return []
    if isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey):
        if isinstance(value, bool) or not isinstance(value, int):
            return []
        low, high = integer_bounds(field)
        if not low <= value <= high:
            return [Problem(name, "out_of_range", out_of_range_message(low, high))]
    return []


def instance_problems(instance: models.Model) -> list[Problem]:
    found = []
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        found += value_problems(field, value)
    return found


def check_instance(instance: models.Model) -> None:
    """Raise ColumnLimitError when a value of the row does not fit its column."""
    if found := instance_problems(instance):
        raise ColumnLimitError(found)


def check_value(model: type[models.Model], name: str, value) -> list[Problem]:
    return value_problems(_field(model, name), value)
