"""Values of data elements for a unit's subtree over a span of days: the entered data values
plus what activities feed. Progress, the entry form, dashboards and exports all read here, so
a figure is summed the same way everywhere.

A stored value counts when its period lies wholly inside the span; an activity counts on its
start date. Keys are (data element code, category option combo code).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from .models import (
    Activity,
    ActivityMeasure,
    ActivityParticipants,
    ActivityService,
    CategoryCombo,
    DataElement,
    DataValue,
)

Key = tuple[str, str]
SEX_COC = {"male": "MALE", "female": "FEMALE"}

# Data elements counted from a registry's records (DataElement.is_fed_by_registry): element
# code → an object with `total(path, start, end) -> Decimal` (the subtree's figure) and
# `by_path(path, start, end) -> {keeping unit's path: Decimal}`. Apps register theirs in
# AppConfig.ready (danso.casework: the Women's Union's data set). Stored values of such an
# element (history imported from before the registry) are added to the count.
REGISTRY_FEEDS: dict = {}


def registry_values(elements, path: str, start, end) -> dict:
    values = {}
    for e in elements:
        feed = REGISTRY_FEEDS.get(e.code) if e.is_fed_by_registry else None
        if feed is not None:
            values[(e.code, CategoryCombo.DEFAULT)] = Decimal(feed.total(path, start, end))
    return values


def stored_values(elements, path: str, start: datetime.date, end: datetime.date) -> dict:
    rows = (
        DataValue.objects.filter(
            data_element__in=[e.pk for e in elements], ou_path__startswith=path,
            period_start__gte=start, period_end__lte=end,
        )
        .values_list("data_element__code", "option_combo__code")
        .annotate(total=Sum("value"))
    )  # fmt: skip
    return {(de, coc): total for de, coc, total in rows}


def feeding_activities(element: DataElement, path: str, start, end):
    """The activities whose figures feed the element for a subtree and span (what
    `fed_values` adds up; narrative reports list their ids as the figure's source)."""
    return Activity.objects.filter(
        kind__in=element.feed_kinds, ou_path__startswith=path, start_date__range=(start, end)
    )


def fed_values(elements, path: str, start: datetime.date, end: datetime.date) -> dict:
    """What activities give the data elements fed by them (see DataElement.feed_*)."""
    values: dict[Key, Decimal] = defaultdict(Decimal)
    for e in elements:
        if not e.is_fed_by_activities:
            continue
        activities = feeding_activities(e, path, start, end)
        by_sex = e.category_combo.code == "SEX"
        if e.feed_measure == ActivityMeasure.COUNT:
            values[(e.code, CategoryCombo.DEFAULT)] += activities.aggregate(n=Count("pk"))["n"]
        elif e.feed_measure == ActivityMeasure.PARTICIPANTS:
            rows = (
                ActivityParticipants.objects.filter(activity__in=activities)
                .values_list("sex")
                .annotate(n=Sum("count"))
            )
            for sex, n in rows:
                values[(e.code, SEX_COC[sex] if by_sex else CategoryCombo.DEFAULT)] += n
        elif e.feed_measure == ActivityMeasure.CLIENTS:
            services = ActivityService.objects.filter(activity__in=activities)
            if e.feed_service:
                services = services.filter(service=e.feed_service)
            n = services.aggregate(n=Sum("clients"))["n"] or 0
            values[(e.code, CategoryCombo.DEFAULT)] += n
    return {k: Decimal(v) for k, v in values.items()}


def element_values(elements, path: str, start: datetime.date, end: datetime.date) -> dict:
    """Entered and fed values together, by (element code, option combo code)."""
    elements = list(elements)
    values = stored_values([e for e in elements if not e.is_fed_by_activities], path, start, end)
    values.update(fed_values(elements, path, start, end))
    for key, counted in registry_values(elements, path, start, end).items():
        values[key] = values.get(key, Decimal(0)) + counted
    return values


def totals(values: dict) -> dict[str, Decimal]:
    """Sum over the disaggregation: element code → total."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for (code, _coc), value in values.items():
        out[code] += value
    return dict(out)


def values_by_path(elements, path: str, start: datetime.date, end: datetime.date) -> dict:
    """`element_values` of every reporting unit under `path` at once, keyed by the unit's path
    (a value's org unit, an activity's organiser), with the same rules in four grouped queries:
    progress adds these up into each planned unit of a subtree without a query per unit."""
    elements = list(elements)
    out: dict[str, dict[Key, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    stored = [e.pk for e in elements if not e.is_fed_by_activities]
    rows = (
        DataValue.objects.filter(
            data_element__in=stored, ou_path__startswith=path,
            period_start__gte=start, period_end__lte=end,
        )
        .values_list("ou_path", "data_element__code", "option_combo__code")
        .annotate(total=Sum("value"))
    )  # fmt: skip
    for ou_path, de, coc, total in rows:
        out[ou_path][(de, coc)] += total
    for e in elements:
        feed = REGISTRY_FEEDS.get(e.code) if e.is_fed_by_registry else None
        for ou_path, value in (feed.by_path(path, start, end) if feed else {}).items():
            out[ou_path][(e.code, CategoryCombo.DEFAULT)] += value
    fed = [e for e in elements if e.is_fed_by_activities]
    if not fed:
        return out
    activities = Activity.objects.filter(
        kind__in={k for e in fed for k in e.feed_kinds}, ou_path__startswith=path,
        start_date__range=(start, end),
    )  # fmt: skip
    counts = activities.values_list("ou_path", "kind").annotate(n=Count("pk"))
    people = (
        ActivityParticipants.objects.filter(activity__in=activities)
        .values_list("activity__ou_path", "activity__kind", "sex")
        .annotate(n=Sum("count"))
    )
    clients = (
        ActivityService.objects.filter(activity__in=activities)
        .values_list("activity__ou_path", "activity__kind", "service")
        .annotate(n=Sum("clients"))
    )
    counts, people, clients = list(counts), list(people), list(clients)
    for e in fed:
        by_sex = e.category_combo.code == "SEX"
        if e.feed_measure == ActivityMeasure.COUNT:
            for ou_path, kind, n in counts:
                if kind in e.feed_kinds:
                    out[ou_path][(e.code, CategoryCombo.DEFAULT)] += n
        elif e.feed_measure == ActivityMeasure.PARTICIPANTS:
            for ou_path, kind, sex, n in people:
                if kind in e.feed_kinds:
                    coc = SEX_COC[sex] if by_sex else CategoryCombo.DEFAULT
                    out[ou_path][(e.code, coc)] += n
        elif e.feed_measure == ActivityMeasure.CLIENTS:
            for ou_path, kind, service, n in clients:
                if kind in e.feed_kinds and (not e.feed_service or service == e.feed_service):
                    out[ou_path][(e.code, CategoryCombo.DEFAULT)] += n
    return out
