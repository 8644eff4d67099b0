"""Metadata shaped like DHIS2's /api/metadata: org units of both maps, their groups, the
disaggregations, data elements, data sets, indicators and validation rules.

Field names are DHIS2's; references are `{"id": uid}`; expressions name uids
(`#{deUid.cocUid}`), as DHIS2 writes them. What DHIS2 has no field for (a unit's type, a data
set's reporting unit types and sections, what feeds an element) is kept under `"danso"` in
each object, which DHIS2 ignores and danso reads back, so a file round-trips.
"""

import datetime
import re

from danso.orgunits.models import OrgUnit, OrgUnitGroup, OrgUnitGroupSet
from danso.programmes.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    ValidationRule,
)
from danso.uids import uid_for

DHIS2_PERIOD_TYPES = {"month": "Monthly", "quarter": "Quarterly", "half": "SixMonthly",
                      "year": "Yearly"}  # fmt: skip
# DHIS2's own default category combo, option combo, category and option.
DHIS2_DEFAULTS = {"bjDvmb4bfuf", "HllvX50cXC0", "GLevLNI9wkl", "xYerKDKCefk"}
EXPRESSION_OPERAND = re.compile(r"#\{([A-Za-z][A-Za-z0-9_]*)(?:\.([A-Za-z][A-Za-z0-9_]*))?\}")


def ref(uid: str) -> dict:
    return {"id": uid}


def indicator_uid(code: str) -> str:
    return uid_for("indicator", code)


def indicator_type_uid(factor: int) -> str:
    return uid_for("indicatorType", str(factor))


def translate_expression(expression: str, elements: dict, combos: dict) -> str:
    """Rewrites each operand's identifiers through the two maps (code → uid or back); an
    identifier not in a map is left as written."""

    def swap(m):
        de, coc = m.group(1), m.group(2)
        de = elements.get(de, de)
        return f"#{{{de}.{combos.get(coc, coc)}}}" if coc else f"#{{{de}}}"

    return EXPRESSION_OPERAND.sub(swap, expression)


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _org_units() -> list[dict]:
    out = []
    units = OrgUnit.objects.select_related("parent", "legacy_commune").order_by("path")
    for u in units:
        item = {"id": u.uid, "code": u.code, "name": u.name, "shortName": u.short_name or u.name,
                "level": u.path.strip("/").count("/") + 1, "path": u.path.rstrip("/"),
                "openingDate": _date(u.valid_from) or "1945-09-02",
                "danso": {"unitType": u.unit_type, "level": u.level}}  # fmt: skip
        if u.parent_id:
            item["parent"] = ref(u.parent.uid)
        if u.valid_to:
            item["closedDate"] = _date(u.valid_to)
        if u.valid_from is None:
            item["danso"]["openingDateUnknown"] = True
        if u.legacy_commune_id:
            item["danso"]["legacyCommune"] = ref(u.legacy_commune.uid)
        if u.address:
            item["address"] = u.address
        out.append(item)
    return out


def _groups() -> tuple[list[dict], list[dict]]:
    groups = [{"id": g.uid, "code": g.code, "name": g.name, "shortName": g.short_name or g.name,
               "description": g.description,
               "organisationUnits": [ref(uid) for uid in sorted(
                   g.members.values_list("uid", flat=True))]}
              for g in OrgUnitGroup.objects.order_by("code")]  # fmt: skip
    sets = [{"id": s.uid, "code": s.code, "name": s.name, "shortName": s.name[:50],
             "description": s.description, "dataDimension": True, "compulsory": False,
             "organisationUnitGroups": [ref(uid) for uid in sorted(
                 s.groups.values_list("uid", flat=True))],
             "danso": {"exclusive": s.exclusive}}
            for s in OrgUnitGroupSet.objects.order_by("code")]  # fmt: skip
    return groups, sets


def _categories() -> dict:
    options = [{"id": o.uid, "code": o.code, "name": o.name, "shortName": o.name}
               for o in CategoryOption.objects.all()]  # fmt: skip
    categories = [{"id": c.uid, "code": c.code, "name": c.name, "shortName": c.name,
                   "dataDimensionType": "DISAGGREGATION",
                   "categoryOptions": [ref(o.uid) for o in c.ordered_options()]}
                  for c in Category.objects.all()]  # fmt: skip
    combos = [{"id": c.uid, "code": c.code, "name": c.name, "dataDimensionType": "DISAGGREGATION",
               "categories": [ref(uid) for uid in c.categories.order_by("code").values_list(
                   "uid", flat=True)]}
              for c in CategoryCombo.objects.all()]  # fmt: skip
    cocs = [{"id": c.uid, "code": c.code, "name": c.name, "categoryCombo": ref(c.combo.uid),
             "categoryOptions": [ref(uid) for uid in c.options.order_by("code").values_list(
                 "uid", flat=True)],
             "danso": {"sortOrder": c.sort_order}}
            for c in CategoryOptionCombo.objects.select_related("combo")
                           .order_by("code")]  # fmt: skip
    return {"categoryOptions": options, "categories": categories, "categoryCombos": combos,
            "categoryOptionCombos": cocs}  # fmt: skip


def _data_elements() -> list[dict]:
    out = []
    for e in DataElement.objects.select_related("category_combo"):
        out.append({
            "id": e.uid, "code": e.code, "name": e.name, "shortName": e.short_name or e.name,
            "description": e.description, "valueType": e.value_type,
            "aggregationType": e.aggregation_type, "domainType": "AGGREGATE",
            "zeroIsSignificant": True, "categoryCombo": ref(e.category_combo.uid),
            "danso": {"unit": e.unit, "sensitive": e.sensitive, "feedKinds": e.feed_kinds,
                      "feedMeasure": e.feed_measure, "feedService": e.feed_service},
        })  # fmt: skip
    return out


def _data_sets() -> list[dict]:
    out = []
    default = CategoryCombo.objects.filter(code=CategoryCombo.DEFAULT).first()
    for d in DataSet.objects.prefetch_related("units"):
        links = list(d.element_links.select_related("data_element"))
        sections: dict[str, list] = {}
        for link in links:
            sections.setdefault(link.section, []).append(ref(link.data_element.uid))
        assigned = OrgUnit.objects.filter(unit_type__in=d.unit_types) | d.units.all()
        out.append({
            "id": d.uid, "code": d.code, "name": d.name, "shortName": d.name[:50],
            "description": d.description, "periodType": DHIS2_PERIOD_TYPES[d.period_type],
            "categoryCombo": ref(default.uid) if default else None,
            "dataSetElements": [{"dataElement": ref(link.data_element.uid)} for link in links],
            "organisationUnits": [ref(uid) for uid in sorted(
                set(assigned.values_list("uid", flat=True)))],
            "danso": {"unitTypes": d.unit_types, "sensitive": d.sensitive,
                      "deadlineWorkingDays": d.deadline_working_days,
                      "units": [ref(uid) for uid in sorted(d.units.values_list("uid", flat=True))],
                      "sections": [{"name": name, "dataElements": members}
                                   for name, members in sections.items()]},
        })  # fmt: skip
    return out


def _expression_maps() -> tuple[dict, dict]:
    return (dict(DataElement.objects.values_list("code", "uid")),
            dict(CategoryOptionCombo.objects.values_list("code", "uid")))  # fmt: skip


def _indicators(elements: dict, combos: dict) -> tuple[list[dict], list[dict]]:
    from danso.indicators.services import all_aggregate  # declared, then kept as data

    every = all_aggregate()
    factors = sorted({i.factor for i in every})
    types = [{"id": indicator_type_uid(f), "name": "Phần trăm" if f == 100 else f"Hệ số {f}",
              "factor": f, "number": f == 1} for f in factors]  # fmt: skip
    indicators = [{
        "id": indicator_uid(i.code), "code": i.code, "name": i.name, "shortName": i.name[:50],
        "numerator": translate_expression(i.numerator, elements, combos),
        "numeratorDescription": "", "denominatorDescription": "",
        "denominator": translate_expression(i.denominator, elements, combos),
        "indicatorType": ref(indicator_type_uid(i.factor)), "decimals": i.decimals,
        "danso": {"unit": i.unit, "sensitive": i.sensitive},
    } for i in every]  # fmt: skip
    return types, indicators


def _rules(elements: dict, combos: dict) -> list[dict]:
    out = []
    for r in ValidationRule.objects.select_related("data_set"):
        side = {"missingValueStrategy": r.missing_values}
        out.append({
            "id": r.uid, "code": r.code, "name": r.code, "instruction": r.message,
            "operator": r.operator, "importance": "MEDIUM",
            "periodType": DHIS2_PERIOD_TYPES[r.data_set.period_type],
            "leftSide": {**side, "expression": translate_expression(r.left, elements, combos)},
            "rightSide": {**side, "expression": translate_expression(r.right, elements, combos)},
            "danso": {"dataSet": ref(r.data_set.uid)},
        })  # fmt: skip
    return out


def export_metadata(forms: bool = False) -> dict:
    """The whole metadata document. Metadata is not scoped: it describes the forms and the
    maps, not anyone's figures (DHIS2 gives it to every user who may read metadata). With
    `forms`, the circular's forms are added as data sets (exchange/form_export.py)."""
    elements, combos = _expression_maps()
    groups, group_sets = _groups()
    indicator_types, indicators = _indicators(elements, combos)
    document = {
        "system": {"id": "danso", "date": datetime.datetime.now(datetime.UTC).isoformat(
            timespec="seconds")},
        "organisationUnits": _org_units(),
        "organisationUnitGroups": groups,
        "organisationUnitGroupSets": group_sets,
        **_categories(),
        "dataElements": _data_elements(),
        "dataSets": _data_sets(),
        "indicatorTypes": indicator_types,
        "indicators": indicators,
        "validationRules": _rules(elements, combos),
    }  # fmt: skip
    if forms:
        _add_form_metadata(document)
    return document


def _add_form_metadata(document: dict) -> None:
    """The circular's forms as data sets with their figures as data elements (form_export)."""
    from .form_export import form_metadata

    default = CategoryCombo.objects.filter(code=CategoryCombo.DEFAULT).first()
    forms = form_metadata(default.uid if default else "bjDvmb4bfuf")
    for kind in ("dataElements", "dataSets"):  # not twice where they were imported already
        codes = {item["code"] for item in document[kind]}
        document[kind] += [item for item in forms[kind] if item["code"] not in codes]
