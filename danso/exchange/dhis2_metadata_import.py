"""Import of a metadata document shaped like DHIS2's /api/metadata (dhis2_metadata.py writes
one). Objects are matched by uid, then by code (org units by identifier only: GSO codes repeat
between the two maps), created or updated, in dependency order, inside one transaction: any
problem, or a dry run, rolls everything back, so a file changes all or nothing. Every problem is
listed with its type, position, field, a stable code and a Vietnamese message. Writes go
through the models, so the audit log keeps each one, named after the importer.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import Level, OrgUnit, OrgUnitGroup, OrgUnitGroupSet, UnitType
from danso.programmes.metadata import INDICATORS
from danso.programmes.models import (
    AggregationType,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    CategoryOptionOrder,
    DataElement,
    DataSet,
    DataSetElement,
    ValidationRule,
    ValueType,
)

from .dhis2_import import _audited_as
from .dhis2_metadata import DHIS2_DEFAULTS, DHIS2_PERIOD_TYPES, translate_expression

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
PERIOD_TYPES = {v: k for k, v in DHIS2_PERIOD_TYPES.items()}
TYPES = ["organisationUnits", "organisationUnitGroups", "organisationUnitGroupSets",
         "categoryOptions", "categories", "categoryCombos", "categoryOptionCombos",
         "dataElements", "dataSets", "validationRules", "indicators"]  # fmt: skip
# Parts of a DHIS2 file that danso has no use for; read past, never an error.
SKIPPED = {"system", "indicatorTypes", "sections", "dataElementGroups", "categoryOptionGroups",
           "optionSets", "attributes", "programs", "userRoles", "users"}  # fmt: skip

# English msgids; the Vietnamese is in the catalogue (danso/locale/vi), read when a problem is
# reported.
MESSAGES = {
    "not_json": _("The file is not valid JSON."),
    "not_an_object": _("The file must be a JSON object holding lists of metadata."),
    "not_a_list": _("This entry must be a list."),
    "unknown_type": _("danso does not support this type of metadata."),
    "item_not_object": _("Each element must be a JSON object."),
    "required": _("A required field is missing."),
    "invalid_uid": _("The identifier (uid) must have 11 characters and begin with a letter."),
    "too_long": _("The value is too long."),
    "duplicate": _("Same as an earlier element of the file."),
    "code_taken": _("This code already belongs to another object with a different uid."),
    "unknown_reference": _("Refers to an object that is neither in the file nor in danso."),
    "invalid_value": _("The value is not valid."),
    "invalid_date": _("The date is not valid (YYYY-MM-DD is needed)."),
    "closed_before_opened": _("The closing date is before the opening date."),
    "parent_cycle": _("A unit cannot be above itself."),
    "option_not_in_combo": _(
        "The category option combination has an option outside the combination's categories."
    ),
    "indicator_not_declared": _(
        "This indicator is not declared in danso: indicators are declared in the source code "
        "(programmes/metadata.py) and cannot be imported."
    ),
    "indicator_differs": _(
        "The formula differs from the indicator declared in danso (programmes/metadata.py); a "
        "declared indicator is not replaced by a file."
    ),
    "bad_expression": _(
        "The expression cannot be read or names a data element that does not exist."
    ),
    "no_data_set": _("The rule's data set cannot be determined (danso.dataSet is needed)."),
}


def message(code: str) -> str:
    """The problem's message in the active language."""
    return str(MESSAGES[code])


@dataclass
class Problem:
    type: str
    index: int | None
    id: str
    field: str
    code: str
    message: str = ""

    def as_dict(self) -> dict:
        return {"type": self.type, "index": self.index, "id": self.id, "property": self.field,
                "errorCode": self.code, "message": self.message}  # fmt: skip


@dataclass
class Stats:
    created: int = 0
    updated: int = 0
    ignored: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.ignored

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "deleted": 0,
                "ignored": self.ignored, "total": self.total}  # fmt: skip


@dataclass
class ImportReport:
    dry_run: bool = False
    types: dict[str, Stats] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "ERROR" if self.problems else "OK"

    def totals(self) -> Stats:
        out = Stats()
        for s in self.types.values():
            out.created += s.created
            out.updated += s.updated
            out.ignored += s.ignored
        return out

    def as_dict(self) -> dict:
        """Shaped as DHIS2's import report: status, stats and one typeReport per type."""
        return {"responseType": "ImportReport", "status": self.status, "dryRun": self.dry_run,
                "stats": self.totals().as_dict(),
                "typeReports": [{"klass": t, "stats": s.as_dict()}
                                for t, s in self.types.items()],
                "errorReports": [p.as_dict() for p in self.problems]}  # fmt: skip


class _Rollback(Exception):
    pass


class _Importer:
    def __init__(self, report: ImportReport):
        self.report = report
        self.seen: dict[str, set] = {}

    # Helpers ------------------------------------------------------------------------------

    def problem(self, kind, index, item, field_name, code):
        ident = str(item.get("id") or item.get("code") or "") if isinstance(item, dict) else ""
        self.report.problems.append(Problem(kind, index, ident, field_name, code, message(code)))

    def check_text(self, kind, index, item, name, max_length, required=True) -> bool:
        value = item.get(name)
        if value in (None, ""):
            if required:
                self.problem(kind, index, item, name, "required")
                return False
            return True
        if not isinstance(value, str) or len(value) > max_length:
            self.problem(kind, index, item, name, "too_long" if isinstance(value, str)
                         else "invalid_value")  # fmt: skip
            return False
        return True

    def match(self, kind, index, item, model, by_code=True):
        """The existing object of the item's uid, else of its code; a duplicate, a bad uid or
        a code held by another uid is a problem (returns False)."""
        uid, code = item.get("id"), item.get("code")
        if uid is not None and (not isinstance(uid, str) or (
                model is not OrgUnit and not UID.match(uid))):  # fmt: skip
            self.problem(kind, index, item, "id", "invalid_uid")
            return False
        keys = self.seen.setdefault(kind, set())
        for key in (("id", uid), ("code", code)):
            if key[1] and key in keys and not (model is OrgUnit and key[0] == "code"):
                self.problem(kind, index, item, key[0], "duplicate")
                return False
            keys.add(key)
        found = model.objects.filter(uid=uid).first() if uid else None
        if found is None and by_code and code:
            found = model.objects.filter(code=code).first()
            if found is not None and uid and found.uid != uid:
                self.problem(kind, index, item, "code", "code_taken")
                return False
        return found

    def resolve(self, kind, index, item, field_name, model, value):
        ident = value.get("id") if isinstance(value, dict) else value
        code = value.get("code") if isinstance(value, dict) else None
        found = model.objects.filter(uid=ident).first() if ident else None
        if found is None and code and model is not OrgUnit:
            found = model.objects.filter(code=code).first()
        if found is None:
            self.problem(kind, index, item, field_name, "unknown_reference")
        return found

    def resolve_many(self, kind, index, item, field_name, model, values):
        if values is None:
            return []
        if not isinstance(values, list):
            self.problem(kind, index, item, field_name, "not_a_list")
            return None
        out = [self.resolve(kind, index, item, field_name, model, v) for v in values]
        return None if None in out else out

    def save(self, kind, obj, values: dict, m2m: dict | None = None, new_uid=None):
        """Creates or updates, counting which; an unchanged object is ignored."""
        stats = self.report.types.setdefault(kind, Stats())
        m2m = m2m or {}
        if obj is None:
            obj = values.pop("_model")(**values)
            if new_uid:
                obj.uid = new_uid
            obj.save()
            for name, targets in m2m.items():
                getattr(obj, name).set(targets)
            stats.created += 1
            return obj
        values.pop("_model", None)
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        for k in changed:
            setattr(obj, k, values[k])
        if changed:
            obj.save()
        for name, targets in m2m.items():
            if set(getattr(obj, name).values_list("pk", flat=True)) != {t.pk for t in targets}:
                getattr(obj, name).set(targets)
                changed.append(name)
        if changed:
            stats.updated += 1
        else:
            stats.ignored += 1
        return obj

    def save_with_links(self, kind, obj, values, wanted, links, rewrite, m2m=None, new_uid=None):
        """Saves the object, then its ordered links (`links(saved)` gives the current ones):
        when they differ from `wanted`, `rewrite(saved)` replaces them, and an existing object
        whose fields were unchanged counts as updated rather than ignored."""
        stats = self.report.types.setdefault(kind, Stats())
        updated_before = stats.updated
        saved = self.save(kind, obj, values, m2m, new_uid=new_uid)
        if list(links(saved)) != wanted:
            rewrite(saved)
            if obj is not None and stats.updated == updated_before:
                stats.ignored -= 1
                stats.updated += 1
        return saved

    def parse_date(self, kind, index, item, name):
        value = item.get(name)
        if value in (None, ""):
            return None, True
        try:
            return datetime.date.fromisoformat(str(value)[:10]), True
        except ValueError:
            self.problem(kind, index, item, name, "invalid_date")
            return None, False

    # Types --------------------------------------------------------------------------------

    def organisationUnits(self, index, item):
        kind = "organisationUnits"
        ok = self.check_text(kind, index, item, "id", 40)
        ok &= self.check_text(kind, index, item, "name", 200)
        ok &= self.check_text(kind, index, item, "code", 20, required=False)
        ok &= self.check_text(kind, index, item, "shortName", 200, required=False)
        if not ok:
            return
        obj = self.match(kind, index, item, OrgUnit, by_code=False)
        if obj is False:
            return
        extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
        opening, ok1 = self.parse_date(kind, index, item, "openingDate")
        closing, ok2 = self.parse_date(kind, index, item, "closedDate")
        if extra.get("openingDateUnknown"):
            opening = None
        if not (ok1 and ok2):
            return
        if opening and closing and closing < opening:
            self.problem(kind, index, item, "closedDate", "closed_before_opened")
            return
        parent = None
        if item.get("parent"):
            parent = self.resolve(kind, index, item, "parent", OrgUnit, item["parent"])
            if parent is None:
                return
            if f"/{item['id']}/" in parent.path:
                self.problem(kind, index, item, "parent", "parent_cycle")
                return
        unit_type = extra.get("unitType", obj.unit_type if obj else None)
        level = extra.get("level", obj.level if obj else None)
        if unit_type not in UnitType.values:
            self.problem(kind, index, item, "danso.unitType",
                         "required" if unit_type is None else "invalid_value")  # fmt: skip
            return
        if level not in Level.values:
            self.problem(kind, index, item, "danso.level",
                         "required" if level is None else "invalid_value")  # fmt: skip
            return
        legacy = None
        if extra.get("legacyCommune"):
            legacy = self.resolve(kind, index, item, "danso.legacyCommune", OrgUnit,
                                  extra["legacyCommune"])  # fmt: skip
            if legacy is None:
                return
        short = item.get("shortName") or ""
        values = {"_model": OrgUnit, "uid": item["id"], "code": item.get("code") or "",
                  "name": item["name"], "short_name": "" if short == item["name"] and obj is None
                  else short, "parent": parent, "valid_from": opening, "valid_to": closing,
                  "unit_type": unit_type, "level": level, "legacy_commune": legacy,
                  "address": item.get("address") or ""}  # fmt: skip
        if obj is not None and short == item["name"] and not obj.short_name:
            values["short_name"] = ""
        self.save(kind, obj, values)

    def organisationUnitGroups(self, index, item):
        kind = "organisationUnitGroups"
        ok = self._named(kind, index, item, 200)
        if not (self.check_text(kind, index, item, "shortName", 100, required=False) and ok):
            return
        obj = self.match(kind, index, item, OrgUnitGroup)
        members = self.resolve_many(kind, index, item, "organisationUnits", OrgUnit,
                                    item.get("organisationUnits"))  # fmt: skip
        if obj is False or members is None:
            return
        short = item.get("shortName") or ""
        values = {"_model": OrgUnitGroup, "code": item["code"], "name": item["name"],
                  "short_name": "" if short == item["name"] else short,
                  "description": item.get("description") or ""}  # fmt: skip
        self.save(kind, obj, values, {"members": members}, new_uid=item.get("id"))

    def organisationUnitGroupSets(self, index, item):
        kind = "organisationUnitGroupSets"
        if not self._named(kind, index, item, 200):
            return
        obj = self.match(kind, index, item, OrgUnitGroupSet)
        groups = self.resolve_many(kind, index, item, "organisationUnitGroups", OrgUnitGroup,
                                   item.get("organisationUnitGroups"))  # fmt: skip
        if obj is False or groups is None:
            return
        extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
        values = {"_model": OrgUnitGroupSet, "code": item["code"], "name": item["name"],
                  "description": item.get("description") or "",
                  "exclusive": bool(extra.get("exclusive", True))}  # fmt: skip
        self.save(kind, obj, values, {"groups": groups}, new_uid=item.get("id"))

    def _named(self, kind, index, item, name_length, code_length=50) -> bool:
        ok = self.check_text(kind, index, item, "code", code_length)
        ok &= self.check_text(kind, index, item, "name", name_length)
        return ok

    def _is_dhis2_default(self, item) -> bool:
        return item.get("id") in DHIS2_DEFAULTS or item.get("code") == "default" and not (
            item.get("id"))  # fmt: skip

    def categoryOptions(self, index, item):
        kind = "categoryOptions"
        if item.get("id") in DHIS2_DEFAULTS:  # DHIS2's own default: danso has its own
            self.report.types.setdefault(kind, Stats()).ignored += 1
            return
        if not self._named(kind, index, item, 200):
            return
        obj = self.match(kind, index, item, CategoryOption)
        if obj is False:
            return
        values = {"_model": CategoryOption, "code": item["code"], "name": item["name"]}
        self.save(kind, obj, values, new_uid=item.get("id"))

    def categories(self, index, item):
        kind = "categories"
        if item.get("id") in DHIS2_DEFAULTS:
            self.report.types.setdefault(kind, Stats()).ignored += 1
            return
        if not self._named(kind, index, item, 200):
            return
        obj = self.match(kind, index, item, Category)
        options = self.resolve_many(kind, index, item, "categoryOptions", CategoryOption,
                                    item.get("categoryOptions"))  # fmt: skip
        if obj is False or options is None:
            return
        values = {"_model": Category, "code": item["code"], "name": item["name"]}

        def rewrite(category):
            category.option_links.all().delete()
            CategoryOptionOrder.objects.bulk_create([
                CategoryOptionOrder(category=category, option=option, sort_order=order)
                for order, option in enumerate(options)])  # fmt: skip

        self.save_with_links(
            kind, obj, values, [o.pk for o in options],
            lambda category: [link.option_id for link in category.option_links.all()],
            rewrite, new_uid=item.get("id"))  # fmt: skip

    def categoryCombos(self, index, item):
        kind = "categoryCombos"
        if item.get("id") in DHIS2_DEFAULTS:
            self.report.types.setdefault(kind, Stats()).ignored += 1
            return
        if not self._named(kind, index, item, 200):
            return
        obj = self.match(kind, index, item, CategoryCombo)
        categories = self.resolve_many(kind, index, item, "categories", Category,
                                       item.get("categories"))  # fmt: skip
        if obj is False or categories is None:
            return
        values = {"_model": CategoryCombo, "code": item["code"], "name": item["name"]}
        self.save(kind, obj, values, {"categories": categories}, new_uid=item.get("id"))

    def categoryOptionCombos(self, index, item):
        kind = "categoryOptionCombos"
        if item.get("id") in DHIS2_DEFAULTS:
            self.report.types.setdefault(kind, Stats()).ignored += 1
            return
        if not self._named(kind, index, item, 300, 100):
            return
        obj = self.match(kind, index, item, CategoryOptionCombo)
        combo = self.resolve(kind, index, item, "categoryCombo", CategoryCombo,
                             item.get("categoryCombo"))  # fmt: skip
        options = self.resolve_many(kind, index, item, "categoryOptions", CategoryOption,
                                    item.get("categoryOptions"))  # fmt: skip
        if obj is False or combo is None or options is None:
            return
        allowed = set(CategoryOptionOrder.objects.filter(
            category__in=combo.categories.all()).values_list("option_id", flat=True))  # fmt: skip
        if any(o.pk not in allowed for o in options):
            self.problem(kind, index, item, "categoryOptions", "option_not_in_combo")
            return
        extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
        order = extra.get("sortOrder", obj.sort_order if obj else 0)
        values = {"_model": CategoryOptionCombo, "code": item["code"], "name": item["name"],
                  "combo": combo, "sort_order": order if isinstance(order, int) else 0}  # fmt: skip
        self.save(kind, obj, values, {"options": options}, new_uid=item.get("id"))

    def dataElements(self, index, item):
        kind = "dataElements"
        ok = self._named(kind, index, item, 300)
        ok &= self.check_text(kind, index, item, "shortName", 100, required=False)
        if not ok:
            return
        obj = self.match(kind, index, item, DataElement)
        combo_ref = item.get("categoryCombo") or {"code": CategoryCombo.DEFAULT}
        if isinstance(combo_ref, dict) and combo_ref.get("id") in DHIS2_DEFAULTS:
            combo_ref = {"code": CategoryCombo.DEFAULT}
        combo = self.resolve(kind, index, item, "categoryCombo", CategoryCombo, combo_ref)
        value_type = item.get("valueType", ValueType.INTEGER_ZERO_OR_POSITIVE)
        aggregation = item.get("aggregationType", AggregationType.SUM)
        if value_type not in ValueType.values:
            self.problem(kind, index, item, "valueType", "invalid_value")
            ok = False
        if aggregation not in AggregationType.values:
            self.problem(kind, index, item, "aggregationType", "invalid_value")
            ok = False
        extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
        if len(str(extra.get("unit", ""))) > DataElement._meta.get_field("unit").max_length:
            self.problem(kind, index, item, "danso.unit", "too_long")
            ok = False
        if obj is False or combo is None or not ok:
            return
        values = {"_model": DataElement, "code": item["code"], "name": item["name"],
                  "short_name": item.get("shortName") or item["name"][:100],
                  "description": item.get("description") or "", "value_type": value_type,
                  "aggregation_type": aggregation, "category_combo": combo,
                  "unit": str(extra.get("unit", obj.unit if obj else "Người")),
                  "sensitive": bool(extra.get("sensitive", obj.sensitive if obj else False)),
                  "feed_kinds": list(extra.get("feedKinds") or []),
                  "feed_measure": str(extra.get("feedMeasure") or ""),
                  "feed_service": str(extra.get("feedService") or "")}  # fmt: skip
        self.save(kind, obj, values, new_uid=item.get("id"))

    def dataSets(self, index, item):
        kind = "dataSets"
        if not self._named(kind, index, item, 300):
            return
        obj = self.match(kind, index, item, DataSet)
        period_type = PERIOD_TYPES.get(item.get("periodType"))
        if period_type is None:
            self.problem(kind, index, item, "periodType",
                         "required" if not item.get("periodType") else "invalid_value")  # fmt: skip
        links = item.get("dataSetElements") or []
        element_refs = [link.get("dataElement") if isinstance(link, dict) else None
                        for link in links] if isinstance(links, list) else None  # fmt: skip
        if element_refs is None:
            self.problem(kind, index, item, "dataSetElements", "not_a_list")
            return
        elements = self.resolve_many(kind, index, item, "dataSetElements", DataElement,
                                     element_refs)  # fmt: skip
        extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
        unit_types = list(extra.get("unitTypes") or [])
        if any(t not in UnitType.values for t in unit_types):
            self.problem(kind, index, item, "danso.unitTypes", "invalid_value")
            return
        if "units" in extra:
            named = self.resolve_many(kind, index, item, "danso.units", OrgUnit, extra["units"])
        else:  # a DHIS2 file: the units not covered by a reporting unit type
            listed = self.resolve_many(kind, index, item, "organisationUnits", OrgUnit,
                                       item.get("organisationUnits"))  # fmt: skip
            named = None if listed is None else [u for u in listed
                                                 if u.unit_type not in unit_types]  # fmt: skip
        if obj is False or period_type is None or elements is None or named is None:
            return
        sections = self._sections(kind, index, item, extra.get("sections"))
        if sections is None:
            return
        deadline = extra.get("deadlineWorkingDays", obj.deadline_working_days if obj else 10)
        values = {"_model": DataSet, "code": item["code"], "name": item["name"],
                  "description": item.get("description") or "", "period_type": period_type,
                  "unit_types": unit_types,
                  "sensitive": bool(extra.get("sensitive", obj.sensitive if obj else False)),
                  "deadline_working_days": deadline if isinstance(deadline, int)
                  else 10}  # fmt: skip
        wanted = [(e.pk, sections.get(e.uid, ""), order) for order, e in enumerate(elements)]

        def rewrite(data_set):
            data_set.element_links.all().delete()
            DataSetElement.objects.bulk_create([
                DataSetElement(data_set=data_set, data_element_id=pk, section=section,
                               sort_order=order) for pk, section, order in wanted])  # fmt: skip

        self.save_with_links(
            kind, obj, values, wanted,
            lambda data_set: data_set.element_links.values_list(
                "data_element_id", "section", "sort_order"),
            rewrite, {"units": named}, new_uid=item.get("id"))  # fmt: skip

    def _sections(self, kind, index, item, sections) -> dict | None:
        """The section of each data element (by uid); a name longer than the column is a
        problem of the import, not cut short (None when there is one)."""
        length = DataSetElement._meta.get_field("section").max_length
        out, ok = {}, True
        for position, section in enumerate(sections or []):
            name = str(section.get("name") or "") if isinstance(section, dict) else ""
            if len(name) > length:
                self.problem(kind, index, item, f"danso.sections[{position}].name", "too_long")
                ok = False
                continue
            for ref_ in (section.get("dataElements") or []) if isinstance(section, dict) else []:
                out[ref_.get("id") if isinstance(ref_, dict) else ref_] = name
        return out if ok else None

    def _expression(self, kind, index, item, name, value, elements, combos):
        if not isinstance(value, str) or not value.strip():
            self.problem(kind, index, item, name, "required")
            return None
        text = translate_expression(value, elements, combos)
        from danso.programmes.quality import ExpressionError, evaluate

        from .dhis2_metadata import EXPRESSION_OPERAND

        known = set(elements.values())
        try:
            evaluate(text, {})
        except (ExpressionError, ArithmeticError, ValueError):
            self.problem(kind, index, item, name, "bad_expression")
            return None
        if any(m.group(1) not in known for m in EXPRESSION_OPERAND.finditer(text)):
            self.problem(kind, index, item, name, "bad_expression")
            return None
        return text

    def _uid_to_code(self):
        return (dict(DataElement.objects.values_list("uid", "code")) | {
                    c: c for c in DataElement.objects.values_list("code", flat=True)},
                dict(CategoryOptionCombo.objects.values_list("uid", "code")))  # fmt: skip

    def validationRules(self, index, item):
        kind = "validationRules"
        if not self.check_text(kind, index, item, "code", 50):
            return
        ok = self.check_text(kind, index, item, "instruction", 300)
        obj = self.match(kind, index, item, ValidationRule)
        operator = item.get("operator")
        if operator not in ValidationRule.Operator.values:
            self.problem(kind, index, item, "operator", "invalid_value")
            ok = False
        elements, combos = self._uid_to_code()
        sides = {}
        for side in ("leftSide", "rightSide"):
            part = item.get(side) if isinstance(item.get(side), dict) else {}
            sides[side] = self._expression(kind, index, item, f"{side}.expression",
                                           part.get("expression"), elements, combos)  # fmt: skip
        strategy = (item.get("leftSide") or {}).get("missingValueStrategy",
                                                    ValidationRule.Missing.SKIP_IF_ALL)  # fmt: skip
        if strategy not in ValidationRule.Missing.values:
            self.problem(kind, index, item, "leftSide.missingValueStrategy", "invalid_value")
            ok = False
        extra = item.get("danso") if isinstance(item.get("danso"), dict) else {}
        data_set = None
        if extra.get("dataSet"):
            data_set = self.resolve(kind, index, item, "danso.dataSet", DataSet, extra["dataSet"])
        elif None not in sides.values():
            from .dhis2_metadata import EXPRESSION_OPERAND

            codes = {m.group(1) for m in EXPRESSION_OPERAND.finditer(
                sides["leftSide"] + sides["rightSide"])}  # fmt: skip
            for candidate in DataSet.objects.order_by("code"):
                held = set(candidate.element_links.values_list("data_element__code", flat=True))
                if codes <= held:
                    data_set = candidate
                    break
            if data_set is None:
                self.problem(kind, index, item, "danso.dataSet", "no_data_set")
        if obj is False or not ok or data_set is None or None in sides.values():
            return
        values = {"_model": ValidationRule, "code": item["code"], "data_set": data_set,
                  "left": sides["leftSide"], "operator": operator, "right": sides["rightSide"],
                  "message": item["instruction"], "missing_values": strategy}  # fmt: skip
        self.save(kind, obj, values, new_uid=item.get("id"))

    def indicators(self, index, item):
        """A declared indicator (programmes/metadata.py) must come with the same formula, and
        is then ignored; any other is kept as data (danso.indicators.dhis2)."""
        kind = "indicators"
        if not self.check_text(kind, index, item, "code", 50):
            return
        declared = {i.code: i for i in INDICATORS}.get(item["code"])
        if declared is None:  # kept as data, checked there (danso.indicators)
            from danso.indicators.dhis2 import import_indicator

            import_indicator(self, kind, index, item)
            return
        elements, combos = self._uid_to_code()
        same = True
        for name, expected in (("numerator", declared.numerator),
                               ("denominator", declared.denominator)):  # fmt: skip
            text = self._expression(kind, index, item, name, item.get(name), elements, combos)
            if text is None:
                return
            same &= _squeeze(text) == _squeeze(expected)
        if not same:
            self.problem(kind, index, item, "numerator", "indicator_differs")
            return
        self.report.types.setdefault(kind, Stats()).ignored += 1


def _squeeze(expression: str) -> str:
    return re.sub(r"\s+", "", expression)


def _sort_key(item):
    if isinstance(item, dict):
        path = item.get("path")
        if isinstance(path, str):
            return path.count("/")
        level = item.get("level")
        if isinstance(level, int):
            return level
    return 0


def read_document(content: bytes, report: ImportReport) -> dict | None:
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        report.problems.append(Problem("", None, "", "", "not_json", message("not_json")))
        return None
    if not isinstance(document, dict):
        report.problems.append(Problem("", None, "", "", "not_an_object",
                                       message("not_an_object")))  # fmt: skip
        return None
    for key, value in document.items():
        if key in SKIPPED:
            continue
        if key not in TYPES:
            report.problems.append(Problem(key, None, "", key, "unknown_type",
                                           message("unknown_type")))  # fmt: skip
        elif not isinstance(value, list):
            report.problems.append(Problem(key, None, "", key, "not_a_list",
                                           message("not_a_list")))  # fmt: skip
    return document


def import_metadata(content: bytes, user, dry_run: bool = False) -> ImportReport:
    """Imports the document all or nothing; returns the report (status ERROR: nothing kept)."""
    report = ImportReport(dry_run=dry_run)
    document = read_document(content, report)
    if document is None:
        return report
    importer = _Importer(report)
    try:
        with _audited_as(user), transaction.atomic():
            for kind in TYPES:
                items = document.get(kind)
                if not isinstance(items, list):
                    continue
                report.types.setdefault(kind, Stats())
                order = range(len(items))
                if kind == "organisationUnits":  # parents before children
                    order = sorted(order, key=lambda i: _sort_key(items[i]))
                for index in order:
                    item = items[index]
                    if not isinstance(item, dict):
                        importer.problem(kind, index, item, "", "item_not_object")
                        continue
                    getattr(importer, kind)(index, item)
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except models.ProtectedError:  # pragma: no cover - a change the checks did not foresee
        raise
    report.problems.sort(key=lambda p: (TYPES.index(p.type) if p.type in TYPES else -1,
                                        p.index if p.index is not None else -1))  # fmt: skip
    return report
