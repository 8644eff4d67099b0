"""Demo figures, activities and a club (called from danso.demo), from the seeds of domain.md.

The Family Planning Association of Đắk Lắk, 2023: its yearly figures (5,838 clients…), 10
mobile service trips to communes of M'Đrắk, Ea Súp, Ea H'leo and Krông Búk districts (old map)
serving 1,253 clients, and direct communication sessions reaching 487 people. The demo commune
gets a club with members and sessions. Written straight to the tables (the data are trusted)
and only once.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from danso.orgunits.models import Level, OrgUnit
from danso.statistics.periods import Period

from .models import (
    Activity,
    ActivityKind,
    ActivityParticipants,
    ActivityService,
    CategoryCombo,
    CategoryOptionCombo,
    Club,
    ClubMember,
    DataElement,
    DataValue,
    FundingSource,
    Service,
)

D = datetime.date
# The old districts (before 1 July 2025) the association's trips reached.
DISTRICTS = ["LD652", "LD646", "LD645", "LD649"]  # M'Đrắk, Ea Súp, Ea H'leo, Krông Búk
TRIP_CLIENTS = [118, 132, 141, 97, 125, 136, 110, 129, 143, 122]  # 1,253 in all
TRIP_DAYS = [D(2023, 3, 14), D(2023, 4, 11), D(2023, 5, 9), D(2023, 5, 23), D(2023, 6, 13),
             D(2023, 7, 18), D(2023, 8, 15), D(2023, 9, 12), D(2023, 10, 17),
             D(2023, 11, 14)]  # fmt: skip
# Each trip's clients by service, as shares that add up to 1 (the remainder goes to the last).
SERVICE_SHARES = [(Service.FP_COUNSELLING, 0.3), (Service.CONDOM, 0.2), (Service.PILL, 0.15),
                  (Service.INJECTABLE, 0.1), (Service.IUD, 0.1), (Service.IMPLANT, 0.05),
                  (Service.RTI, 0.1)]  # fmt: skip
# Direct communication sessions: (day, target group, women, men); 487 people in all.
SESSIONS = [
    (D(2023, 3, 8), "ethnic_minority", 61, 31),
    (D(2023, 4, 20), "adolescent", 41, 37),
    (D(2023, 6, 28), "couple", 50, 35),
    (D(2023, 8, 24), "worker", 36, 28),
    (D(2023, 10, 19), "ethnic_minority", 55, 33),
    (D(2023, 12, 26), "general", 48, 32),
]
CLUB_MEMBERS = [  # name, sex, year of birth
    ("H'Linh Niê", "female", 2002), ("Y Khoa Êban", "male", 2000),
    ("Nguyễn Thị Thu", "female", 2003), ("H'Yam Mlô", "female", 2001),
    ("Trần Văn Đức", "male", 1999), ("Rơ Châm H'Nga", "female", 2004),
]  # fmt: skip
CLUB_SESSIONS = [(D(2025, 9, 20), 4, 2), (D(2025, 11, 15), 5, 2), (D(2026, 1, 17), 4, 1)]


def _split(total: int) -> list[tuple[str, int]]:
    parts = [(service, int(total * share)) for service, share in SERVICE_SHARES[:-1]]
    return parts + [(SERVICE_SHARES[-1][0], total - sum(n for _s, n in parts))]


def _add(organiser, kind, title, day, places=(), participants=(), services=(), **extra):
    activity = Activity.objects.create(
        kind=kind, title=title, start_date=day, end_date=day, organiser=organiser,
        ou_path=organiser.path, **extra,
    )  # fmt: skip
    activity.places.set(places)
    ActivityParticipants.objects.bulk_create(
        ActivityParticipants(activity=activity, target_group=g, sex=s, count=n)
        for g, s, n in participants
    )
    ActivityService.objects.bulk_create(
        ActivityService(activity=activity, service=s, clients=n) for s, n in services
    )
    return activity


def _association_2023(fpa: OrgUnit) -> None:
    if Activity.objects.filter(organiser=fpa, start_date__year=2023).exists():
        return
    by_district = [
        list(OrgUnit.objects.filter(parent__uid=uid, level=Level.COMMUNE).order_by("code"))
        for uid in DISTRICTS
    ]
    for i, (day, clients) in enumerate(zip(TRIP_DAYS, TRIP_CLIENTS, strict=True)):
        communes = by_district[i % len(DISTRICTS)]
        places = communes[i // len(DISTRICTS) :: 3][:2]  # two communes of the district
        names = " và ".join(p.short_name or p.name for p in places)
        _add(fpa, ActivityKind.MOBILE_TRIP, f"Chuyến dịch vụ lưu động SKSS/KHHGĐ tại {names}",
             day, places, services=_split(clients), cost=Decimal(18_000_000),
             funding_source=FundingSource.PROJECT)  # fmt: skip
    for i, (day, group, women, men) in enumerate(SESSIONS):
        place = by_district[i % len(DISTRICTS)][i]
        _add(fpa, ActivityKind.COMMUNICATION,
             f"Truyền thông trực tiếp về SKSS/KHHGĐ tại {place.short_name or place.name}",
             day, [place], [(group, "female", women), (group, "male", men)],
             funding_source=FundingSource.SELF)  # fmt: skip


def _commune_club(commune: OrgUnit, villages: list[OrgUnit]) -> None:
    name = "Câu lạc bộ Tiền hôn nhân"
    if Club.objects.filter(organiser=commune, name=name).exists():
        return
    club = Club.objects.create(
        organiser=commune, ou_path=commune.path, name=name, founded_on=D(2025, 9, 1),
        topic="Tư vấn, khám sức khỏe trước kết hôn cho thanh niên",
    )  # fmt: skip
    ClubMember.objects.bulk_create(
        ClubMember(club=club, full_name=n, sex=s, birth_year=y, joined_on=D(2025, 9, 1))
        for n, s, y in CLUB_MEMBERS
    )
    for number, (day, women, men) in enumerate(CLUB_SESSIONS, start=1):
        _add(commune, ActivityKind.CLUB_SESSION, f"{name}: sinh hoạt lần {number}", day,
             villages[:1], [("adolescent", "female", women), ("adolescent", "male", men)],
             club=club, funding_source=FundingSource.LOCAL)  # fmt: skip
    _add(commune, ActivityKind.COMMEMORATION, "Mít tinh hưởng ứng Ngày Dân số Việt Nam 26/12",
         D(2025, 12, 26), villages, [("general", "female", 96), ("general", "male", 71),
                                     ("adolescent", "female", 24), ("adolescent", "male", 19)],
         cost=Decimal(5_000_000), funding_source=FundingSource.LOCAL)  # fmt: skip


# What the association typed into its yearly data set for 2023 (the rest is fed by the
# activities above: 10 trips, 1,253 clients in the community, 487 people reached).
ASSOCIATION_FIGURES_2023 = {
    "FPA_CLIENTS": 5838, "FPA_FP_CLINIC": 266, "FPA_SRH_COUNSEL_CLINIC": 1325,
    "FPA_SRH_SERVICE_CLINIC": 1384, "FPA_SPECIAL_COUNSEL": 39,
}  # fmt: skip


def _association_figures_2023(fpa: OrgUnit) -> None:
    period = Period.parse("2023")
    if DataValue.objects.filter(org_unit=fpa, period=period.id).exists():
        return
    default = CategoryOptionCombo.objects.get(code=CategoryCombo.DEFAULT)
    DataValue.objects.bulk_create(
        DataValue(data_element=DataElement.objects.get(code=code), option_combo=default,
                  org_unit=fpa, ou_path=fpa.path, period=period.id, period_start=period.start,
                  period_end=period.end, value=Decimal(value))
        for code, value in ASSOCIATION_FIGURES_2023.items()
    )  # fmt: skip


@transaction.atomic
def create_demo_programmes(fpa: OrgUnit, commune: OrgUnit, villages: list[OrgUnit]) -> None:
    """Idempotent: each part is created only if it is missing."""
    _association_2023(fpa)
    _association_figures_2023(fpa)
    _commune_club(commune, villages)
