"""Checks of one aggregate value that do not need the database: its text against the data
element's value type, and whether the element may be written by this user at all.

programmes/entry.py checks the figures typed into a form, in Vietnamese notation (5.838 is five
thousand); a DHIS2 file writes numbers with a decimal point, so its values are read here.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from danso.programmes.models import DataElement, ValueType

MAX_VALUE = Decimal("1e16")  # DataValue.value holds 18 digits, 2 after the point


class ValueProblem(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse_value(element: DataElement, text: str) -> Decimal:
    """The number a value's text stands for, or ValueProblem."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValueProblem("not_a_number", _("“%(value)s” is not a number.") % {"value": text})
    if abs(number) >= MAX_VALUE:
        raise ValueProblem("too_large", _("%(value)s is too large.") % {"value": text})
    if element.value_type == ValueType.INTEGER_ZERO_OR_POSITIVE:
        if number < 0 or number != number.to_integral_value():
            raise ValueProblem(
                "not_zero_or_positive_integer",
                _("%(element)s takes a whole number, zero or more; “%(value)s” is not one.")
                % {"element": element.code, "value": text},
            )
    elif number.as_tuple().exponent < -2:
        raise ValueProblem(
            "too_many_decimals",
            _("“%(value)s” has more than two decimals.") % {"value": text},
        )
    if element.value_type == ValueType.PERCENTAGE and not 0 <= number <= 100:
        raise ValueProblem(
            "percentage_out_of_range",
            _("A percentage lies between 0 and 100; “%(value)s” does not.") % {"value": text},
        )
    return number


def is_sensitive(element: DataElement, data_sets) -> bool:
    """Flagged itself, or reported in a sensitive data set (which data entry shows only with
    the permission)."""
    return element.sensitive or any(d.sensitive for d in data_sets)


def writable_problem(element: DataElement, data_sets, user) -> ValueProblem | None:
    """Why the user may not write this element's values, if they may not."""
    if element.is_fed_by_activities:
        return ValueProblem(
            "fed_by_activities",
            _("%(element)s is counted from the activities recorded; it is never typed in or "
              "imported.") % {"element": element.code},
        )  # fmt: skip
    if is_sensitive(element, data_sets) and not user.can_access_sensitive:
        return ValueProblem(
            "sensitive",
            _("%(element)s belongs to a sensitive programme; you do not have the permission "
              "for it.") % {"element": element.code},
        )  # fmt: skip
    return None


def display(number: Decimal) -> str:
    """A stored value as DHIS2 writes it: 12 rather than 12.00, 12.5 rather than 12.50."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")
