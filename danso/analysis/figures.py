"""What an analysis can show (its `dx` items), found by code:

- a figure counted from the register or a derived indicator of statistics.definitions
  (`births`, `users`, `cpr`, `third_share`);
- a data element, in total (`FPA_CLIENTS`) or one cell of its disaggregation
  (`KCN_WORKERS_SERVED.FEMALE_ETHNIC_MINORITY`, DHIS2's operand syntax);
- an indicator of aggregate data (programmes.metadata.INDICATORS, and those kept as data:
  danso.indicators);
- an activity measure: `ACTIVITIES.<kind>` (how many), `PARTICIPANTS.<kind>` (people taking
  part), `CLIENTS.<service>` (clients served), `ALL` for every kind or service;
- a plan target, `TARGET.<figure>`, and its progress, `PROGRESS.<figure>` (actual from 1
  January to the period's end ÷ the target, %).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danso.indicators.services import all_aggregate
from danso.indicators.services import find as find_indicator
from danso.programmes import metrics
from danso.programmes.models import (
    ActivityKind,
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    Service,
    ValueType,
)
from danso.statistics.definitions import ELEMENTS, INDICATOR_BY_CODE

from .errors import AnalysisError

REGISTER, ELEMENT, INDICATOR, ACTIVITY, TARGET, PROGRESS = (
    "register", "element", "indicator", "activity", "target", "progress",
)  # fmt: skip


class _AggregateByCode(Mapping):
    """The aggregate indicators by code: those declared in code, and those an administrator
    kept as data (danso.indicators), read when asked."""

    def __getitem__(self, code):
        found = find_indicator(code)
        if found is None:
            raise KeyError(code)
        return found

    def __iter__(self):
        return iter(i.code for i in all_aggregate())

    def __len__(self):
        return len(all_aggregate())


AGGREGATE_BY_CODE = _AggregateByCode()
ACTIVITY_MEASURES = {"ACTIVITIES": "Số hoạt động", "PARTICIPANTS": "Số người tham dự",
                     "CLIENTS": "Số khách hàng được phục vụ",
                     # by the places reached, whoever organised them (maps.activities_at)
                     "ACTIVITIES_AT": "Số hoạt động trên địa bàn (theo nơi đến)"}  # fmt: skip
# Steps of a computation rather than figures (statistics.compute derives them).
_INTERNAL = ("residents_start",)


@dataclass(frozen=True)
class Figure:
    key: str  # the dx item as given
    name: str
    unit: str
    kind: str  # REGISTER, ELEMENT, INDICATOR, ACTIVITY, TARGET or PROGRESS
    code: str  # register code, element code, indicator code, measure, or the target's figure
    detail: str = ""  # option combo, activity kind or service ("" = all)
    is_rate: bool = False
    decimals: int = 0
    sensitive: bool = False
    fed: bool = False  # a data element fed by activities: 0 when none, never "no data"


def resolve(items: list[str], user) -> list[Figure]:
    """The figures, in the order given, each once. Unknown items are refused together, as are
    sensitive ones for a user without the permission."""
    found, unknown = {}, []
    elements = {
        e.code: e
        for e in DataElement.objects.filter(code__in={i.split(".")[0] for i in items})
        .exclude(value_type=ValueType.PERCENTAGE)
        .select_related("category_combo")
    }
    for item in items:
        figure = _figure(item, elements)
        if figure is None:
            unknown.append(item)
        elif figure.sensitive and not user.can_access_sensitive:
            raise AnalysisError(
                "sensitive",
                _("“%(item)s” is sensitive: it needs the permission to see sensitive data.")
                % {"item": item},
                "dx",
            )
        else:
            found.setdefault(item, figure)
    if unknown:
        raise AnalysisError(
            "unknown_figure",
            _("Unknown figures: %(items)s.") % {"items": ", ".join(unknown)},
            "dx",
        )
    return list(found.values())


def resolve_metric(code: str) -> Figure | None:
    """The figure a target measures (a register figure, a data element or an indicator)."""
    elements = {e.code: e for e in DataElement.objects.filter(code=code)
                .select_related("category_combo")}  # fmt: skip
    return _figure(code, elements)


def _figure(item: str, elements: dict) -> Figure | None:
    if item in ELEMENTS and not item.startswith(_INTERNAL):
        e = ELEMENTS[item]
        return Figure(item, e.name, e.unit, REGISTER, item)
    if item in INDICATOR_BY_CODE:
        i = INDICATOR_BY_CODE[item]
        return Figure(item, i.name, i.unit, REGISTER, item, is_rate=True, decimals=i.decimals)
    if item in AGGREGATE_BY_CODE:
        i = AGGREGATE_BY_CODE[item]
        return Figure(item, i.name, i.unit, INDICATOR, item, is_rate=True, decimals=i.decimals,
                      sensitive=i.sensitive)  # fmt: skip
    head, _dot, rest = item.partition(".")
    if head in elements:
        return _element(item, elements[head], rest)
    if head in ACTIVITY_MEASURES:
        return _activity(item, head, rest)
    if head in (TARGET.upper(), PROGRESS.upper()):
        metric = metrics.find(rest)
        if metric is None:
            return None
        if head == "TARGET":
            name = _("Target: %(name)s") % {"name": metric.name}
            return Figure(item, name, metric.unit, TARGET, rest, is_rate=metric.kind == "rate",
                          decimals=metric.decimals or (1 if metric.kind == "rate" else 0),
                          sensitive=metric.sensitive)  # fmt: skip
        name = _("Progress against the target: %(name)s") % {"name": metric.name}
        return Figure(item, name, "%", PROGRESS, rest, is_rate=True, decimals=1,
                      sensitive=metric.sensitive)  # fmt: skip
    return None


def _element(item: str, element: DataElement, option_combo: str) -> Figure | None:
    name = element.name
    if option_combo:
        combo = CategoryOptionCombo.objects.filter(
            code=option_combo, combo=element.category_combo
        ).first()
        if combo is None or element.category_combo.code == CategoryCombo.DEFAULT:
            return None
        name = f"{element.name} ({combo.name})"
    return Figure(item, name, element.unit, ELEMENT, element.code, option_combo,
                  sensitive=element.sensitive, fed=element.is_fed_by_activities)  # fmt: skip


def _activity(item: str, measure: str, detail: str) -> Figure | None:
    choices = Service if measure == "CLIENTS" else ActivityKind
    if detail not in ("ALL", *choices.values):
        return None
    label = _("all") if detail == "ALL" else str(choices(detail).label)
    unit = "Hoạt động" if measure in ("ACTIVITIES", "ACTIVITIES_AT") else "Người"
    return Figure(item, f"{ACTIVITY_MEASURES[measure]}: {label}", unit, ACTIVITY, measure,
                  "" if detail == "ALL" else detail)  # fmt: skip


def catalogue(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """Groups of (dx item, name) for the builder's picker; sensitive items only with the
    permission."""
    register = [(e.code, f"{e.name} ({e.unit})") for e in ELEMENTS.values()
                if not e.code.startswith(_INTERNAL)]  # fmt: skip
    rates = [(i.code, f"{i.name} ({i.unit})") for i in INDICATOR_BY_CODE.values()]
    may = user.can_access_sensitive
    elements = DataElement.objects.exclude(value_type=ValueType.PERCENTAGE)
    if not may:
        elements = elements.filter(sensitive=False)
    data = []
    for e in elements.select_related("category_combo").order_by("code"):
        data.append((e.code, f"{e.name} ({e.unit})"))
        if e.category_combo.code != CategoryCombo.DEFAULT:
            for coc in e.category_combo.option_combos.all():
                data.append((f"{e.code}.{coc.code}", f"   … {coc.name}"))
    aggregate = [(i.code, f"{i.name} ({i.unit})") for i in all_aggregate()
                 if may or not i.sensitive]  # fmt: skip
    activities = [
        (f"{m}.{k}", f"{label}: {str(name).lower() if k != 'ALL' else _('all')}")
        for m, label in ACTIVITY_MEASURES.items()
        for k, name in [("ALL", ""), *(Service if m == "CLIENTS" else ActivityKind).choices]
    ]
    targets = []
    for code, m in {**metrics.REGISTER_METRICS, **metrics.INDICATOR_METRICS}.items():
        if may or not m.sensitive:
            targets.append((f"TARGET.{code}", _("Target: %(name)s") % {"name": m.name}))
            targets.append(
                (f"PROGRESS.{code}", _("Progress against the target: %(name)s") % {"name": m.name})
            )
    return [
        (_("Register: indicators (rates)"), rates),
        (_("Register: counts"), register),
        (_("Aggregate data: data elements"), data),
        (_("Aggregate data: indicators"), aggregate),
        (_("Activities"), activities),
        (_("Plan targets and progress"), targets),
    ]
