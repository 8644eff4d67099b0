"""Annual report of a partner organisation (the Family Planning Association, an industrial
zone's programme) in the shape of the year-end review: its data sets' figures for the year in
sentences, its activities with the places they reached and their funding, the previous year,
its plan and next year's targets."""

import re

from danso.programmes.models import DataSet

from ..content import Draft
from ..sources import Aggregate
from ..wording import change, in_sentence, with_unit
from . import common
from .common import Request, capital
from .phrases import PHRASES

FIELD = re.compile(r"\{([A-Z][A-Z0-9_]*)(?:\|([^}]*))?\}")


def data_sets_of(unit) -> list[DataSet]:
    return [s for s in DataSet.objects.order_by("code") if s.is_assigned_to(unit)]


def say(draft: Draft, values: Aggregate, phrases, context: dict, sensitive_ok=True) -> set:
    """Print each phrase whose figures all have a value; returns the codes printed."""
    used = set()
    for style, pattern in phrases:
        codes = [m.group(1) for m in FIELD.finditer(pattern)]
        if not codes or not all(values.has(c) for c in codes):
            continue
        sensitive = any(values.elements[c].sensitive for c in codes)
        text = FIELD.sub(lambda m: values.figure(draft, m.group(1), m.group(2)), pattern)
        text = text.format(**context)
        (draft.bullet if style == "bullet" else draft.p)(capital(text), sensitive=sensitive)
        used.update(codes)
    return used


def results(draft: Draft, request: Request, sets) -> dict[str, Aggregate]:
    """Each data set's figures for the year, in its phrases, then the rest of its elements;
    returns the values by data set."""
    context = {"period": request.label, "who": _who(request.unit)}
    found = {}
    for data_set in sets:
        codes = [link.data_element.code for link in data_set.element_links.select_related(
            "data_element").order_by("sort_order")]  # fmt: skip
        values = Aggregate(request.unit, request.start, request.end, draft.header["unit_name"],
                           request.label, codes)  # fmt: skip
        found[data_set.code] = values
        if not any(values.has(c) for c in codes):
            draft.p(f"Chưa có số liệu {in_sentence(data_set.name)} ({data_set.code}) cho "
                    f"{request.label}.")  # fmt: skip
            continue
        used = say(draft, values, PHRASES.get(data_set.code, []), context)
        rest = [c for c in codes if c not in used and values.has(c)]
        for code in rest:
            element = values.elements[code]
            draft.bullet(f"{element.name}: {values.figure(draft, code)}.",
                         sensitive=element.sensitive)  # fmt: skip
        for code in ("ACT_CLIENTS_PER_TRIP",):
            if all(values.has(c) for c in ("ACT_MOBILE_CLIENTS", "ACT_MOBILE_TRIPS")):
                per_trip = values.indicator(draft, code)
                if per_trip:
                    draft.p(f"Bình quân mỗi chuyến dịch vụ lưu động phục vụ {per_trip}.")
    return found


def _who(unit) -> str:
    return {"hoi_khhgd": "Hội", "hoi_lhpn": "Hội", "hoi_khac": "Hội"}.get(unit.unit_type,
                                                                         "đơn vị")  # fmt: skip


def compare(draft: Draft, request: Request, sets, found: dict[str, Aggregate]) -> None:
    """The year against the previous one, for the elements both years hold."""
    previous = request.period.previous()
    rows = []
    for data_set in sets:
        now = found[data_set.code]
        before = Aggregate(request.unit, previous.start, previous.end,
                           draft.header["unit_name"], common.period_words(previous),
                           list(now.elements))  # fmt: skip
        for code, element in now.elements.items():
            if element.sensitive or not (now.has(code) and before.has(code)):
                continue
            if element.is_fed_by_activities and not before.total(code):
                continue  # no activity recorded that year: nothing to compare with
            before.figure(draft, code)
            versus = f"năm {previous.start.year}"
            moved = change(now.total(code), before.total(code), element.unit, None, versus)
            rows.append(f"{element.name}: {moved}.")
    if rows:
        draft.p(f"So với năm {previous.start.year}:")
        for row in rows:
            draft.bullet(row)


def trips(draft: Draft, request: Request) -> None:
    """The communes the mobile trips reached, by name at the time."""
    trips = common.activities_in(request.unit, request.start, request.end, ["mobile_trip"])
    if not trips:
        return
    places = common.places_text(trips, request.end)
    source = f"Hoạt động số {', '.join(str(t.pk) for t in trips)} (chuyến dịch vụ lưu động)"
    reached = len({p.pk for t in trips for p in t.places.all()})
    count = draft.figure("Số xã, phường, thị trấn các chuyến lưu động đến", str(reached), source)
    n = draft.figure("Số chuyến dịch vụ lưu động", with_unit(len(trips), "chuyến"), source)
    draft.p(f"{n} dịch vụ lưu động đã đến {count} địa bàn: {places}.")


def plan_section(draft: Draft, request: Request) -> None:
    progresses = common.progress_rows(request, request.end)
    own = common.own_targets(progresses, request.unit)
    year = request.period.start.year
    shown = [r for r in own.values() if not r.metric.sensitive]
    if not shown:
        draft.p(f"Kế hoạch năm {year} của đơn vị chưa được giao trong hệ thống.")
    for row in shown:
        actual = draft.figure(f"Thực hiện: {row.metric.name}", common.actual_text(row),
                              common.progress_source(row, request.end))  # fmt: skip
        draft.bullet(f"{row.metric.name}: thực hiện {actual}; {common.target_verdict(row)}.")


def draft(request: Request) -> Draft:
    year = request.period.start.year
    head = common.header(request, f"Kết quả hoạt động năm {year} và phương hướng, nhiệm vụ "
                                  f"năm {year + 1}")  # fmt: skip
    draft = Draft(request.kind.code, head)
    sets = data_sets_of(request.unit)
    draft.start("situation")
    found = results(draft.start("results"), request, sets)
    trips(draft, request)
    compare(draft, request, sets, found)
    request.step(1, 3)
    common.activities_section(draft.start("activities"), request, places_said=("mobile_trip",))
    request.step(2, 3)
    plan_section(draft.start("plan"), request)
    common.next_year_targets(draft.start("tasks"), request, year + 1)
    request.step(3, 3)
    return draft
