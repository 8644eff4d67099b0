"""Event report (Population Day 26/12, a campaign) from one activity or from the activities a
unit organised in a date range: time, places, participants by group and sex, clients by
service, what it feeds, cost and funding."""

from collections import defaultdict

from django.utils import translation

from danso.programmes.activities import contributions, with_totals
from danso.programmes.models import Activity, ActivityKind, Service, TargetGroup

from ..content import Draft
from ..wording import date, join, number, with_unit
from . import common
from .common import Request

EVENT_KINDS = [ActivityKind.COMMEMORATION, ActivityKind.CAMPAIGN, ActivityKind.COMMUNICATION,
               ActivityKind.ADVOCACY, ActivityKind.MOBILE_TRIP]  # fmt: skip


def _vi(label) -> str:
    with translation.override("vi"):
        return str(label)


def activities_of(request: Request) -> list[Activity]:
    if request.activity is not None:
        found = Activity.objects.filter(pk=request.activity.pk)
        found = with_totals(found).prefetch_related("places", "participants", "services")
        return list(found)
    found = common.activities_in(request.unit, request.start, request.end, EVENT_KINDS)
    ids = [a.pk for a in found]
    extra = Activity.objects.filter(pk__in=ids).prefetch_related("participants", "services")
    by_pk = {a.pk: a for a in extra}
    for a in found:
        a._prefetched_objects_cache.update(by_pk[a.pk]._prefetched_objects_cache)
    return found


def title_of(request: Request, activities) -> str:
    if request.activity is not None:
        return request.activity.title
    if len(activities) == 1:
        return activities[0].title
    return f"các hoạt động {request.label}"


def draft(request: Request) -> Draft:
    activities = activities_of(request)
    title = title_of(request, activities)
    head = common.header(request, f"Kết quả tổ chức {title[:1].lower()}{title[1:]}"
                         if request.activity is None else f"Kết quả tổ chức {title}")  # fmt: skip
    draft = Draft(request.kind.code, head)
    draft.start("event")
    if not activities:
        draft.p(f"Không có hoạt động nào {request.label} trong hệ thống.")
        return draft
    source = f"Hoạt động số {', '.join(str(a.pk) for a in activities)}"
    for a in activities:
        days = date(a.start_date) if a.end_date == a.start_date else (
            f"từ ngày {date(a.start_date)} đến ngày {date(a.end_date)}")  # fmt: skip
        where = common.places_text([a], a.start_date) or common.in_sentence(a.organiser.name)
        draft.bullet(f"{a.title}: ngày {days}" if a.end_date == a.start_date else
                     f"{a.title}: {days}")  # fmt: skip
        draft.p(f"Địa điểm: {where}. Đơn vị tổ chức: {common.in_sentence(a.organiser.name)}. "
                f"Loại hoạt động: {_vi(ActivityKind(a.kind).label).lower()}.")  # fmt: skip
    people = sum(a.people or 0 for a in activities)
    by_group, by_sex = defaultdict(int), defaultdict(int)
    for a in activities:
        for row in a.participants.all():
            by_group[row.target_group] += row.count
            by_sex[row.sex] += row.count
    if people:
        total = draft.figure("Số lượt người tham dự", with_unit(people, "lượt người"), source)
        sexes = f"nữ {number(by_sex['female'])}, nam {number(by_sex['male'])}"
        draft.p(f"Quy mô: {total} tham dự ({sexes}).")
        rows = [[_vi(TargetGroup(g).label), number(n)] for g, n in by_group.items()]
        rows.append(["Tổng cộng", number(people)])
        draft.table(["Đối tượng tham dự", "Số lượt người"], rows, [9.0, 4.0], total=True)
    draft.start("results")
    services = defaultdict(int)
    for a in activities:
        for row in a.services.all():
            services[row.service] += row.clients
    if services:
        clients = draft.figure(
            "Số lượt khách hàng được phục vụ",
            with_unit(sum(services.values()), "lượt khách hàng"),
            source,
        )
        items = [f"{_vi(Service(s).label).lower()} {number(n)}" for s, n in services.items()]
        draft.p(f"Cung cấp dịch vụ cho {clients}: {join(items)}.")
    fed = defaultdict(int)
    for a in activities:
        for element, value in contributions(a):
            fed[element.name] += value
    if fed:
        draft.p(
            "Kết quả được tính vào số liệu chương trình: "
            + "; ".join(f"{name.lower()}: {number(v)}" for name, v in fed.items())
            + "."
        )
    money = common.funding_text(activities)
    if money:
        draft.p(f"Kinh phí: {draft.figure('Kinh phí', money, source)}.")
    if not services and not fed and not money:
        draft.p("Hoạt động không ghi nhận dịch vụ hay kinh phí.")
    return draft
