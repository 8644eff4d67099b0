"""Computing report figures from the register: a few grouped queries per report, by village.

Every flow and stock is counted per village in one grouped query per source (events; residents
on the last day; married women and their methods; residents at the start and middle of the
period), then added up into the report's columns in Python. A village lies in exactly one
current commune and one pre-2025 commune, so the same rows give any current unit, any old unit
(district, old province) and any period, exactly, without apportioning split communes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from danso.orgunits.models import Level, OrgUnit
from danso.register import codes
from danso.register.models import Event, MaritalSpell, MethodSpell, Residence

from .definitions import AGE_GROUPS, EVENT_ELEMENTS, INDICATOR_BY_CODE, MODERN, Indicator
from .periods import Period


@dataclass
class Figures:
    unit: OrgUnit
    period: Period
    columns: list[OrgUnit]
    values: dict[str, dict[str, int]]  # column uid → element code → value
    as_of: datetime.datetime = field(default_factory=timezone.now)

    def value(self, uid: str, code: str) -> int:
        return self.values.get(uid, {}).get(code, 0)

    def indicator(self, uid: str, code: str) -> tuple[float | None, float, float]:
        """(value, numerator, denominator) of a derived indicator for a column."""
        ind: Indicator = INDICATOR_BY_CODE[code]
        scale = 365 / self.period.days if ind.annualised else 1
        if ind.numerator == "asfr_sum":
            rates = [
                self.value(uid, f"births_mother_{a}_{b}") / w
                for a, b in AGE_GROUPS
                if (w := self.value(uid, f"women_mid_{a}_{b}"))
            ]
            return (round(sum(rates) * ind.factor * scale, 4) if rates else None), 0, 0
        num, den = self.value(uid, ind.numerator), self.value(uid, ind.denominator)
        return (num / den * ind.factor * scale if den else None), num, den


def _alive_on(day):
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _aged(day, low, high) -> Q:
    """Born so that the age on `day` is between low and high (inclusive)."""
    return Q(date_of_birth__lte=_years_before(day, low),
             date_of_birth__gt=_years_before(day, high + 1))  # fmt: skip


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


def _column_of(villages, unit: OrgUnit, children: list[OrgUnit]) -> dict[int, list[str]]:
    """Which columns (the unit, and the child it lies in) each village adds to."""
    by_path = [(c.path, c.uid) for c in children]
    mapping = {}
    for village in villages.select_related("legacy_commune"):
        path = (
            f"{village.legacy_commune.path}{village.uid}/"
            if unit.is_legacy and unit.level != Level.VILLAGE
            else village.path
        )
        mapping[village.pk] = [unit.uid] + [uid for p, uid in by_path if path.startswith(p)]
    return mapping


def compute(unit: OrgUnit, period: Period, with_children: bool = True, progress=None) -> Figures:
    """`progress(done, total)` is called after each grouped query (for background jobs)."""
    children = child_columns(unit) if with_children else []
    villages = villages_of(unit)
    columns = _column_of(villages, unit, children)
    per_village: dict[int, dict[str, int]] = defaultdict(dict)
    sources = [
        lambda: _events(villages, period),
        lambda: _residents(villages, period.end),
        lambda: _married_women(villages, period.end),
        lambda: _count_on(villages, period.start - datetime.timedelta(days=1), "residents_start"),
        lambda: _women_mid(villages, period.middle),
    ]
    for step, source in enumerate(sources, start=1):
        for row in source():
            village = row.pop("village_id")
            for code, value in row.items():
                per_village[village][code] = per_village[village].get(code, 0) + value
        if progress:
            progress(step, len(sources))
    values: dict[str, dict[str, int]] = {u.uid: defaultdict(int) for u in [unit, *children]}
    for village, figures in per_village.items():
        for uid in columns.get(village, []):
            for code, value in figures.items():
                values[uid][code] += value
    return Figures(unit, period, [unit, *children], {k: dict(v) for k, v in values.items()})


def _events(villages, period: Period):
    events = Event.objects.filter(
        village__in=villages, occurred_on__range=(period.start, period.end),
        is_accepted=True, is_superseded=False,
    )  # fmt: skip
    counts = {e.code: Count("pk", filter=Q(kind=e.kind) & e.where) for e in EVENT_ELEMENTS}
    return events.values("village_id").annotate(**counts).order_by()


def _residents(villages, day):
    on = Residence.objects.filter(village__in=villages, counted_from__lte=day).filter(
        _alive_on(day)
    )
    return (
        on.values("village_id")
        .annotate(
            residents=Count("pk"),
            residents_male=Count("pk", filter=Q(sex=codes.MALE)),
            residents_female=Count("pk", filter=Q(sex=codes.FEMALE)),
            women_15_49=Count("pk", filter=Q(sex=codes.FEMALE) & _aged(day, 15, 49)),
            elderly=Count("pk", filter=Q(date_of_birth__lte=_years_before(day, 60))),
            households=Count("household_id", distinct=True),
            family_households=Count("household_id", distinct=True, filter=Q(household__kind="1")),
        )
        .order_by()
    )


def _married_women(villages, day):
    married = MaritalSpell.objects.filter(person=OuterRef("person"), status=codes.MARRIED).filter(
        _alive_on(day)
    )
    method = MethodSpell.objects.filter(person=OuterRef("person")).filter(_alive_on(day))
    women = (
        Residence.objects.filter(village__in=villages, counted_from__lte=day, sex=codes.FEMALE)
        .filter(_alive_on(day), _aged(day, 15, 49))
        .filter(Exists(married))
        .annotate(method_on=Subquery(method.values("method")[:1]))
    )
    grouped = women.values("village_id", "method_on").annotate(n=Count("pk")).order_by()
    out = defaultdict(lambda: defaultdict(int))
    for row in grouped:
        figures = out[row["village_id"]]
        figures["married_women_15_49"] += row["n"]
        if row["method_on"]:
            figures["users"] += row["n"]
            figures[f"users_{row['method_on']}"] += row["n"]
            if row["method_on"] in MODERN:
                figures["users_modern"] += row["n"]
    return [{"village_id": v, **f} for v, f in out.items()]


def _count_on(villages, day, code):
    on = Residence.objects.filter(village__in=villages, counted_from__lte=day).filter(
        _alive_on(day)
    )
    return on.values("village_id").annotate(**{code: Count("pk")}).order_by()


def _women_mid(villages, day):
    on = Residence.objects.filter(village__in=villages, counted_from__lte=day).filter(
        _alive_on(day)
    )
    counts = {
        f"women_mid_{a}_{b}": Count("pk", filter=Q(sex=codes.FEMALE) & _aged(day, a, b))
        for a, b in AGE_GROUPS
    }
    return on.values("village_id").annotate(residents_mid=Count("pk"), **counts).order_by()
