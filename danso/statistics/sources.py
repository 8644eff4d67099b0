"""The grouped queries that count the register, village by village.

A source answers, for some villages and days, {day: {village id: {element code: count}}}:
- `events`: accepted, not superseded events dated in the month that starts on `day` (flows);
- `residents`: de facto usual residents, by sex, and women by age on `day` (stocks);
- `households`: households with a de facto usual resident on `day` (stocks);
- `couples`: married women 15–49 on `day` and the method each couple uses then (stocks).
Every source is one grouped query per day (events: for all the months at once), whatever the
number of villages. Reports never call them directly: `store.py` keeps their answers per village
and day and recomputes only what changed.
"""

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from danso.register import codes
from danso.register.models import Event, Household, MaritalSpell, MethodSpell, Residence
from danso.register.projection import SPOUSE_KINDS

from .definitions import AGE_GROUPS, EVENT_ELEMENTS, MODERN
from .periods import month_end


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


def _add(out: dict, village: int, codes_counted: list[str], n: int) -> None:
    """Add a group's count to each figure it belongs to, for its village."""
    figures = out.setdefault(village, {})
    for code in codes_counted:
        figures[code] = figures.get(code, 0) + n


def _by_village(rows) -> dict[int, dict[str, int]]:
    """Grouped rows → {village id: {code: count}}, zeros left out."""
    out = {}
    for row in rows:
        village = row.pop("village_id")
        out[village] = {code: value for code, value in row.items() if value}
    return out


def events(villages, months: list[datetime.date]) -> dict[datetime.date, dict[int, dict]]:
    """Every month (its first day) at once: one query grouped by village and month."""
    rows = Event.objects.filter(
        village__in=villages, occurred_on__range=(min(months), month_end(max(months))),
        is_accepted=True, is_superseded=False,
    )  # fmt: skip
    counts = {e.code: Count("pk", filter=Q(kind=e.kind) & e.where) for e in EVENT_ELEMENTS}
    months = sorted(months)
    # The month as its index in `months`, by a plain CASE (cheaper than truncating each date;
    # on SQLite Django truncates dates in Python); NULL for a month between them not asked for.
    index = Case(
        *[When(occurred_on__range=(m, month_end(m)), then=Value(i)) for i, m in enumerate(months)],
        output_field=IntegerField(),
    )
    out: dict[datetime.date, list] = {month: [] for month in months}
    grouped = rows.annotate(month=index).values("village_id", "month").annotate(**counts)
    for row in grouped.order_by():
        i = row.pop("month")
        if i is not None:
            out[months[i]].append(row)
    by_month = {month: _by_village(grouped_rows) for month, grouped_rows in out.items()}
    _add_spouses(by_month, villages, months, index)
    return by_month


# Marriage figures count people (01-DSH: "số người kết hôn", of which child or consanguineous
# marriages). A marriage is entered once, on one spouse's row, and marries both: the other
# spouse, when in the register, is one more person, counted in the village they lived in on
# the marriage date (their residence then; the household's village if they had none, e.g.
# entered in the register later), so that a later move does not rewrite past quarters.
MARRIAGE_ELEMENTS = [e for e in EVENT_ELEMENTS if e.kind == "marriage"]


def _add_spouses(by_month: dict, villages, months: list[datetime.date], index) -> None:
    lived_in = Residence.objects.filter(
        person=OuterRef("other_person"), start__lte=OuterRef("occurred_on")
    ).filter(Q(end__isnull=True) | Q(end__gt=OuterRef("occurred_on")))
    village_then = Coalesce(
        Subquery(lived_in.order_by("-start").values("village_id")[:1]),
        F("other_person__household__village_id"),
        output_field=IntegerField(),
    )
    spouses = Event.objects.filter(
        kind="marriage", other_person__isnull=False,
        occurred_on__range=(min(months), month_end(max(months))),
        is_accepted=True, is_superseded=False,
    ).annotate(spouse_village=village_then).filter(spouse_village__in=villages)  # fmt: skip
    counts = {e.code: Count("pk", filter=e.where) for e in MARRIAGE_ELEMENTS}
    grouped = (
        spouses.annotate(month=index)
        .values("spouse_village", "month")
        .annotate(**counts)
        .order_by()
    )
    for row in grouped:
        month, village = row.pop("month"), row.pop("spouse_village")
        if month is None:
            continue
        figures = by_month[months[month]].setdefault(village, {})
        for code, n in row.items():
            if n:
                figures[code] = figures.get(code, 0) + n


def _each_day(source):
    """A source that counts one day per query, over several days."""

    def over_days(villages, days: list[datetime.date]) -> dict[datetime.date, dict[int, dict]]:
        return {day: source(villages, day) for day in days}

    return over_days


def _residing(villages, day):
    return Residence.objects.filter(village__in=villages, counted_from__lte=day).filter(
        _alive_on(day)
    )


# Age bands on the day: under 15, the seven 5-year groups of 15–49, 50–59, 60 and over.
BANDS = [(None, 14), *AGE_GROUPS, (50, 59), (60, None)]


def _age_band(day):
    """The index of a person's band in BANDS on the day, as one SQL CASE."""
    whens = [
        When(date_of_birth__gt=_years_before(day, high + 1), then=Value(i))
        for i, (_low, high) in enumerate(BANDS[:-1])
    ]
    return Case(*whens, default=Value(len(BANDS) - 1), output_field=IntegerField())


def residents(villages, day: datetime.date) -> dict[int, dict[str, int]]:
    """Residents grouped by village, sex and age band in the database (one count per group,
    cheaper than a filtered count per figure); the figures are added up from the groups."""
    groups = (
        _residing(villages, day)
        .annotate(band=_age_band(day))
        .values("village_id", "sex", "band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = {}
    for row in groups:
        low, high = BANDS[row["band"]]
        sex = {codes.MALE: "residents_male", codes.FEMALE: "residents_female"}.get(row["sex"])
        counted = ["residents", *([sex] if sex else [])]
        if low == 60:
            counted.append("elderly")
        if row["sex"] == codes.FEMALE and low is not None and high is not None and high <= 49:
            counted += ["women_15_49", f"women_{low}_{high}"]
        _add(out, row["village_id"], counted, row["n"])
    return out


def households(villages, day: datetime.date) -> dict[int, dict[str, int]]:
    """Households with at least one resident on the day (a semi-join, cheaper than counting
    distinct households over the residents)."""
    lived_in = _residing(villages, day).filter(household=OuterRef("pk"))
    rows = (
        Household.objects.filter(Exists(lived_in), village__in=villages)
        .values("village_id")
        .annotate(households=Count("pk"),
                  family_households=Count("pk", filter=Q(kind=codes.FAMILY_HOUSEHOLD)))
    )  # fmt: skip
    return _by_village(rows.order_by())


def _method_on(person, day):
    """The method a person uses on the day (NULL for none)."""
    spells = MethodSpell.objects.filter(person=person).filter(_alive_on(day))
    return Subquery(spells.values("method")[:1])


def _spouse_on(person, day):
    """The partner of the person's latest spouse link up to the day: a marriage, or an entry
    in the register that named the spouse, recorded from either side."""
    links = Event.objects.filter(
        Q(person=person) | Q(other_person=person), kind__in=SPOUSE_KINDS,
        other_person__isnull=False, occurred_on__lte=day, is_accepted=True,
        is_superseded=False,
    ).order_by("-occurred_on", "-pk")  # fmt: skip
    partner = Case(When(person=person, then=F("other_person")), default=F("person"))
    return Subquery(links.annotate(partner=partner).values("partner")[:1])


def couples(villages, day: datetime.date) -> dict[int, dict[str, int]]:
    """Married women 15–49 and the method their couple uses: the wife's own, else her
    husband's (vasectomy, condom), so a couple counts once even if both record one."""
    married = MaritalSpell.objects.filter(person=OuterRef("person"), status=codes.MARRIED).filter(
        _alive_on(day)
    )
    husband = _spouse_on(OuterRef(OuterRef("person")), day)
    women = (
        _residing(villages, day)
        .filter(_aged(day, 15, 49), sex=codes.FEMALE)
        .filter(Exists(married))
        .annotate(method_on=Coalesce(_method_on(OuterRef("person"), day), _method_on(husband, day)))
    )
    out: dict[int, dict[str, int]] = {}
    for row in women.values("village_id", "method_on").annotate(n=Count("pk")).order_by():
        counted = ["married_women_15_49"]
        if method_on := row["method_on"]:
            counted += ["users", f"users_{method_on}"]
            if method_on in MODERN:
                counted.append("users_modern")
        _add(out, row["village_id"], counted, row["n"])
    return out


# What the sources count, as a number kept with every stored count (store.py): raise it when a
# query counts differently, so that counts kept by older code are recounted, never served.
# 2: couples count the husband's method; temporary residents never count; births to mothers
# under 15 and over 49. 3: the spouse named in a marriage is one more person who married.
# 4: that spouse counts in the village they lived in on the marriage date.
VERSION = 4
# Sources that count several days in one query (the others run one query per day).
TOGETHER = {"events"}
# source name → function(villages, days) → {day: {village id: {code: count}}}
SOURCES = {"events": events, "residents": _each_day(residents),
           "households": _each_day(households), "couples": _each_day(couples)}  # fmt: skip
