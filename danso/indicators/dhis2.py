"""The `indicators` of a DHIS2 metadata file that danso does not declare in code: kept as
data (models.Indicator), checked like the admin form (unknown elements refused with
`unknown_element`…). Called by exchange.dhis2_metadata_import for each such indicator, inside
its all-or-nothing transaction and report."""

from danso.exchange.dhis2_metadata import indicator_type_uid, translate_expression
from danso.exchange.dhis2_metadata_import import Problem
from danso.programmes.models import CategoryOptionCombo, DataElement
from danso.uids import uid_for

from . import services
from .models import Indicator

FACTORS = (1, 10, 100, 1000, 10000, 100000)
MESSAGES = {
    "unknown_indicator_type": "Không xác định được hệ số của chỉ số (indicatorType: cần "
    "factor hoặc một loại chỉ số của danso).",  # fmt: skip
}


def _factor(item) -> int | None:
    extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
    kind = item.get("indicatorType")
    for value in (extra.get("factor"), kind.get("factor") if isinstance(kind, dict) else None):
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    ident = kind.get("id") if isinstance(kind, dict) else kind
    return next((f for f in FACTORS if indicator_type_uid(f) == ident), None)


def import_indicator(importer, kind: str, index: int, item: dict) -> None:
    ident = str(item.get("id") or item.get("code") or "")

    def problem(field, code, message):
        importer.report.problems.append(Problem(kind, index, ident, field, code, message))

    if not importer.check_text(kind, index, item, "name", 230):
        return
    found = importer.match(kind, index, item, Indicator)
    if found is False:
        return
    elements = dict(DataElement.objects.values_list("uid", "code"))
    combos = dict(CategoryOptionCombo.objects.values_list("uid", "code"))
    sides = {}
    for side in ("numerator", "denominator"):
        value = item.get(side)
        text = value if isinstance(value, str) else ""
        sides[side] = translate_expression(text, elements, combos)
    problems = services.check(item["code"], sides["numerator"], sides["denominator"],
                              found.pk if found else None)  # fmt: skip
    for p in problems:
        problem(p.field, p.code, p.message)
    factor = _factor(item)
    if factor is None:
        problem("indicatorType", "unknown_indicator_type", MESSAGES["unknown_indicator_type"])
    decimals = item.get("decimals", 1)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        importer.problem(kind, index, item, "decimals", "invalid_value")
        return
    if problems or factor is None:
        return
    extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
    unit = extra.get("unit") if isinstance(extra.get("unit"), str) else (
        "%" if factor == 100 else "‰" if factor == 1000 else "")  # fmt: skip
    values = {"_model": Indicator, "code": item["code"], "name": item["name"],
              "numerator": sides["numerator"], "denominator": sides["denominator"],
              "factor": factor, "unit": unit[:30], "decimals": decimals,
              "description": item.get("description") or "",
              "sensitive": services.is_sensitive(sides["numerator"], sides["denominator"]),
              }  # fmt: skip
    importer.save(kind, found, values,
                  new_uid=item.get("id") or uid_for("indicator", item["code"]))  # fmt: skip
