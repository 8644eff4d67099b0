"""Checking and listing the indicators kept as data (models.Indicator).

An expression is a sum of terms (`+`/`-`), each a data-element operand `#{DE}` or
`#{DE.COC}` or a number, the syntax of validation rules (programmes.quality.evaluate). An
indicator is refused, with a specific code, when an expression cannot be read
(`invalid_expression`), names a data element that does not exist (`unknown_element`) or a
disaggregation cell not of that element (`unknown_option_combo`), or when its code is taken
by a declared indicator or a data element (`code_taken`)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danso.programmes.indicators import AggregateIndicator
from danso.programmes.metadata import INDICATORS as DECLARED
from danso.programmes.models import CategoryOptionCombo, DataElement, ValueType
from danso.programmes.quality import OPERAND, ExpressionError, evaluate

CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,49}$")


@dataclass
class IndicatorProblem:
    field: str
    code: str
    message: str


def check_expression(field: str, text: str) -> list[IndicatorProblem]:
    text = (text or "").strip()
    if not text:
        return [IndicatorProblem(field, "required", _("This field is required."))]
    try:
        evaluate(text, {})
    except (ExpressionError, ArithmeticError, ValueError):
        return [IndicatorProblem(field, "invalid_expression", _(
            "The expression cannot be read: write a sum of #{DATA_ELEMENT} or "
            "#{DATA_ELEMENT.OPTION_COMBO} and numbers, e.g. #{A} + #{B.FEMALE}."))]  # fmt: skip
    problems = []
    operands = [m.groups() for m in OPERAND.finditer(text)]
    elements = {e.code: e for e in DataElement.objects.filter(
        code__in={de for de, _c in operands}).select_related("category_combo")}  # fmt: skip
    for de, coc in operands:
        element = elements.get(de)
        if element is None:
            problems.append(IndicatorProblem(field, "unknown_element", _(
                "Unknown data element “%(code)s”.") % {"code": de}))  # fmt: skip
        elif element.value_type == ValueType.PERCENTAGE:
            problems.append(IndicatorProblem(field, "percentage_element", _(
                "“%(code)s” is a percentage: percentages are not added up.")
                % {"code": de}))  # fmt: skip
        elif coc and not CategoryOptionCombo.objects.filter(
                code=coc, combo=element.category_combo).exists():  # fmt: skip
            problems.append(IndicatorProblem(field, "unknown_option_combo", _(
                "“%(coc)s” is not a disaggregation cell of “%(code)s”.")
                % {"coc": coc, "code": de}))  # fmt: skip
    return problems


def check(code: str, numerator: str, denominator: str, current_pk=None) -> list[IndicatorProblem]:
    from .models import Indicator

    problems = []
    if not CODE.match(code or ""):
        problems.append(IndicatorProblem("code", "invalid_code", _(
            "A code is 1 to 50 capital letters, digits or underscores, starting with a "
            "letter.")))  # fmt: skip
    elif (code in {i.code for i in DECLARED} or DataElement.objects.filter(code=code).exists()
          or Indicator.objects.filter(code=code).exclude(pk=current_pk).exists()):  # fmt: skip
        problems.append(IndicatorProblem("code", "code_taken", _(
            "The code %(code)s is taken by a declared indicator, a data element or another "
            "indicator.") % {"code": code}))  # fmt: skip
    problems += check_expression("numerator", numerator)
    problems += check_expression("denominator", denominator)
    return problems


def is_sensitive(numerator: str, denominator: str) -> bool:
    codes = {m.group(1) for m in OPERAND.finditer(f"{numerator} {denominator}")}
    return DataElement.objects.filter(code__in=codes, sensitive=True).exists()


def stored() -> list[AggregateIndicator]:
    from .models import Indicator

    declared = {i.code for i in DECLARED}
    return [i.as_aggregate() for i in Indicator.objects.all() if i.code not in declared]


def all_aggregate() -> list[AggregateIndicator]:
    """The declared indicators, then those kept as data."""
    return [*DECLARED, *stored()]


def find(code: str) -> AggregateIndicator | None:
    for i in DECLARED:
        if i.code == code:
            return i
    from .models import Indicator

    found = Indicator.objects.filter(code=code).first()
    return found.as_aggregate() if found else None
