"""Computing report figures from the register, by village.

Every flow and stock is counted per village (sources.py: one grouped query per source and
day, kept per village in store.py), then added up into the report's columns. A village lies in
exactly one current commune and one pre-2025 commune, so the same counts give any current unit,
any old unit (district, old province) and any period, exactly, without apportioning split
communes.

A period asks for the events of each of its months, the stocks on its last day, and the
residents on the day before it starts. Rates divide by the average population of the period,
(start + end) ÷ 2, the General Statistics Office's formula when two points are known (a
quarter's start is the previous quarter's end, so it is usually stored already).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from danso.orgunits.models import Level, OrgUnit

from . import store
from .definitions import AGE_GROUPS, ELEMENTS, INDICATOR_BY_CODE, TFR_BIRTHS, Indicator
from .periods import Period


@dataclass
class Figures:
    unit: OrgUnit
    period: Period
    columns: list[OrgUnit]
    values: dict[str, dict[str, float]]  # column uid → element code → value (averages: x.5)
    as_of: datetime.datetime = field(default_factory=timezone.now)

    def value(self, uid: str, code: str) -> float:
        return self.values.get(uid, {}).get(code, 0)

    def indicator(self, uid: str, code: str) -> tuple[float | None, float | None, float | None]:
        """(value, numerator, denominator) of a derived indicator for a column. Annualised
        rates are scaled by the period's days in its year (a year's are not scaled). TFR has no
        single denominator: its numerator is the sum of the annualised age-specific rates
        (births per woman per year) and its denominator None."""
        ind: Indicator = INDICATOR_BY_CODE[code]
        scale = self.period.per_year if ind.annualised else 1
        if ind.numerator == "asfr_sum":
            asfr = self.asfr_sum(uid)
            if asfr is None:
                return None, None, None
            return ind.factor * asfr * scale, round(asfr * scale, 6), None
        num, den = self.value(uid, ind.numerator), self.value(uid, ind.denominator)
        return (num / den * ind.factor * scale if den else None), num, den

    def caution(self, uid: str, code: str) -> str | None:
        """Why a derived indicator of a column should not be read as it stands: it rests on
        fewer events or people than its definition asks (`Indicator.caution_below`), e.g. a
        sex ratio at birth from 7 births. None when it rests on enough."""
        ind: Indicator = INDICATOR_BY_CODE[code]
        count = self.value(uid, ind.caution_base)
        if count >= ind.caution_below:
            return None
        return _(
            "Computed from only %(count)s (%(base)s), fewer than %(minimum)s: too few to "
            "compare, read with caution."
        ) % {
            "count": formats.number_format(count, force_grouping=True),
            "base": ELEMENTS[ind.caution_base].name.lower(),
            "minimum": formats.number_format(ind.caution_below, force_grouping=True),
        }

    def asfr_sum(self, uid: str) -> float | None:
        """Σ births ÷ average women of each 5-year group 15–49 in the period, over the groups
        that have women (None if none has)."""
        rates = [
            sum(self.value(uid, code) for code in births) / women
            for (a, b), births in TFR_BIRTHS.items()
            if (women := self.value(uid, f"women_mid_{a}_{b}"))
        ]
        return sum(rates) if rates else None


def villages_of(unit: OrgUnit):
    """The villages whose people belong to the unit: by their current commune, or for a
    pre-2025 unit by the old commune each village lay in."""
    villages = OrgUnit.objects.filter(level=Level.VILLAGE)
    if unit.level == Level.VILLAGE:
        return villages.filter(pk=unit.pk)
    if unit.is_legacy:
        return villages.filter(legacy_commune__path__startswith=unit.path)
    return villages.filter(path__startswith=unit.path)


def child_columns(unit: OrgUnit) -> list[OrgUnit]:
    children = OrgUnit.objects.filter(parent=unit).exclude(level=Level.ORGANISATION)
    return list(children.order_by("code"))


def _column_of(villages, unit: OrgUnit, children: list[OrgUnit]) -> dict[int, str]:
    """The column each village adds to: the child unit it lies in (the unit itself when there
    are no child columns). A village's path, or for a pre-2025 unit its old commune's path
    followed by its own uid, names the child right after the unit's path."""
    child_by_path = {c.path: c.uid for c in children}
    mapping = {}
    for pk, path, legacy_path, uid in villages.values_list(
        "pk", "path", "legacy_commune__path", "uid"
    ):
        if unit.is_legacy and unit.level != Level.VILLAGE:
            path = f"{legacy_path}{uid}/"
        step = path[len(unit.path) :].split("/", 1)[0]
        mapping[pk] = child_by_path.get(f"{unit.path}{step}/", unit.uid)
    return mapping


# What each (source, day) a period asks for adds to its figures: the element codes as they
# are, or renamed (the residents before the start are "residents_start").
WOMEN = ["women_15_49", *[f"women_{a}_{b}" for a, b in AGE_GROUPS]]
START = {"residents": "residents_start", **{code: f"{code}_start" for code in WOMEN}}
# Average over the period = (start + end) ÷ 2 of these (GSO's average population).
AVERAGES = {"residents_mid": ("residents_start", "residents"),
            **{code.replace("women_", "women_mid_"): (f"{code}_start", code)
               for code in WOMEN}}  # fmt: skip


def requests_for(period: Period) -> list[tuple[str, datetime.date, dict | None]]:
    """(source, day, renaming or None for every code as it is) that make a period's figures."""
    return [
        *[("events", month, None) for month in period.months],
        ("residents", period.end, None),
        ("households", period.end, None),
        ("couples", period.end, None),
        ("residents", period.start - datetime.timedelta(days=1), START),
    ]


def villages_to_compute(unit: OrgUnit, period: Period) -> int:
    """How many villages a report of the unit for the period would have to count afresh (the
    rest is read from the store): what decides whether it runs in the background."""
    villages = villages_of(unit)
    ids = list(villages.values_list("pk", flat=True))
    return store.villages_to_compute(villages, ids, [(s, d) for s, d, _ in requests_for(period)])


def compute(unit: OrgUnit, period: Period, with_children: bool = True, progress=None) -> Figures:
    """`progress(done, total)` is called after each grouped query (for background jobs)."""
    as_of = timezone.now()
    children = child_columns(unit) if with_children else []
    villages = villages_of(unit)
    columns = _column_of(villages, unit, children)
    wanted = requests_for(period)
    found = store.counts(villages, list(columns), [(s, d) for s, d, _ in wanted], progress)
    values: dict[str, dict[str, float]] = {u.uid: {} for u in [unit, *children]}
    add_counts(found, wanted, lambda village: (columns[village],), values)
    total = values[unit.uid]  # what lies in no child column, plus every child column
    for child in children:
        for code, value in values[child.uid].items():
            total[code] = total.get(code, 0) + value
    with_averages(values)
    return Figures(unit, period, [unit, *children], values, as_of)


def add_counts(found: dict, wanted: list, columns_of, values: dict) -> None:
    """Add the villages' stored counts (`store.counts` of the `wanted` requests, see
    `requests_for`) into `values` (column → code → value); `columns_of(village id)` names the
    columns a village adds to (one, or several where columns overlap, as an analysis's may)."""
    for source, day, renaming in wanted:
        for village, figures in found[(source, day)].items():
            for key in columns_of(village):
                column = values[key]
                for code, value in figures.items():
                    if renaming is not None:
                        if code not in renaming:
                            continue
                        code = renaming[code]
                    column[code] = column.get(code, 0) + value


def with_averages(values: dict) -> None:
    """Each column's averages over the period, (start + end) ÷ 2; the start counts they are
    made from are dropped (only steps towards them)."""
    for column in values.values():
        for average, (start, end) in AVERAGES.items():
            column[average] = (column.get(start, 0) + column.get(end, 0)) / 2
        for code in WOMEN:
            column.pop(f"{code}_start", None)
