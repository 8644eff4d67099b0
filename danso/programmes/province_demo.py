"""The demo province's daily work in the current and the previous year, so that every commune
has figures (called from danso.demo after the 2023 seeds of demo.py and the plan of
plan_demo.py):

- every commune holds monthly communication sessions and quarterly counselling, at a pace of
  its own: most on track, some a little behind, a few well behind, as a real province looks
  at the quarterly briefing; the province's target of people reached is allocated to all;
- the communes keep their quarterly data set (clubs active), entered on the map of the
  quarter (programmes/maps.py): up to 2025Q2 by the old communes, from 2025Q3 by the new;
- the plan's four communes train collaborators, and each has a partner organisation that
  serves workers: the industrial zone, enterprises; the demo commune has its Women's Union
  branch, holding sessions of its own;
- the FP Association makes its mobile trips in both years.

Deterministic (one seeded generator), written in bulk, and only once.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from danso.orgunits.models import Level, OrgUnit, UnitType
from danso.orgunits.services import create_organisation, legacy_communes_for
from danso.statistics.periods import Period

from . import maps, plans
from .models import (
    Activity,
    ActivityKind,
    ActivityParticipants,
    ActivityService,
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataValue,
    FundingSource,
    Plan,
    Service,
    Target,
)
from .plans import Share

MARK = "Truyền thông trực tiếp tại cộng đồng"  # the title that says the demo ran
# Pace of a commune against the share of the year elapsed: most on track, some behind.
PACES = [1.15, 1.05, 1.1, 0.92, 1.2, 1.0, 0.6, 1.08, 0.88, 1.12, 0.45, 1.02]
GROUPS = ["general", "couple", "adolescent", "ethnic_minority", "elderly", "general"]
# Partner organisations serving workers in the plan's four communes: (code, name, type, pace).
WORKPLACES = [
    ("CTCS", "Công ty Cà phê Ea Súp", UnitType.ENTERPRISE, 1.25),
    ("KCN", "Khu công nghiệp Hòa Hiệp", UnitType.INDUSTRIAL_ZONE, 1.0),
    ("CTTS", "Công ty Chế biến thủy sản Bình Kiến", UnitType.ENTERPRISE, 0.7),
    ("CTMM", "Công ty May mặc Sông Cầu", UnitType.ENTERPRISE, 1.3),
]
TRAINED = [26, 12, 11, 2]  # this year, against the plan's 24, 18, 12 and 6


def _organisation(parent, code, name, unit_type) -> OrgUnit:
    found = parent.children.filter(code=code).first()
    return found or create_organisation(parent, code=code, name=name, unit_type=unit_type)


class _Writer:
    """Activities and values gathered in memory, then written in a few bulk inserts."""

    def __init__(self):
        self.activities, self.places, self.people, self.services = [], [], [], []
        self.values = []
        self.default = CategoryOptionCombo.objects.get(code=CategoryCombo.DEFAULT)
        self.combos = {c.code: c for c in CategoryOptionCombo.objects.all()}

    def activity(self, organiser, kind, title, day, places, people=(), services=(), **extra):
        self.activities.append(
            Activity(kind=kind, title=title, start_date=day, end_date=day, organiser=organiser,
                     ou_path=organiser.path, **extra)
        )  # fmt: skip
        self.places.append(places)
        self.people.append(people)
        self.services.append(services)

    def value(self, element, unit, period: Period, amount, combo=None):
        self.values.append(DataValue(
            data_element=element, option_combo=combo or self.default, org_unit=unit,
            ou_path=unit.path, period=period.id, period_start=period.start,
            period_end=period.end, value=Decimal(amount),
        ))  # fmt: skip

    def write(self):
        created = Activity.objects.bulk_create(self.activities, batch_size=500)
        through = Activity.places.through
        through.objects.bulk_create(
            [through(activity_id=a.pk, orgunit_id=p.pk)
             for a, places in zip(created, self.places, strict=True) for p in places],
            batch_size=1000,
        )  # fmt: skip
        ActivityParticipants.objects.bulk_create(
            [ActivityParticipants(activity_id=a.pk, target_group=g, sex=s, count=n)
             for a, people in zip(created, self.people, strict=True) for g, s, n in people],
            batch_size=1000,
        )  # fmt: skip
        ActivityService.objects.bulk_create(
            [ActivityService(activity_id=a.pk, service=s, clients=n)
             for a, services in zip(created, self.services, strict=True) for s, n in services],
            batch_size=1000,
        )  # fmt: skip
        DataValue.objects.bulk_create(self.values, batch_size=1000)


def _months(year: int, today: datetime.date) -> list[int]:
    return [m for m in range(1, 13) if datetime.date(year, m, 10) <= today]


def _quarters(year: int, today: datetime.date) -> list[Period]:
    periods = [Period.parse(f"{year}Q{q}") for q in range(1, 5)]
    return [p for p in periods if p.end < today]


def _reach_target(commune: OrgUnit, rng: random.Random) -> int:
    """People a commune plans to reach by direct communication in a year: 300 to 600."""
    return 300 + 30 * rng.randrange(11)


def _sessions(writer, rng, commune, villages, target, pace, year, today):
    """Monthly sessions (each in a village of the commune, in turn) and quarterly counselling;
    the year's reach is the target at the commune's pace (the previous year near the target)."""
    months = _months(year, today)
    monthly = target * pace / 12
    for i, month in enumerate(months):
        reached = max(4, round(monthly * rng.uniform(0.8, 1.2)))
        women = round(reached * rng.uniform(0.55, 0.7))
        group = GROUPS[(i + len(commune.code)) % len(GROUPS)]
        village = villages[i % len(villages)] if villages else commune
        writer.activity(commune, ActivityKind.COMMUNICATION,
                        f"{MARK}: {village.name}", datetime.date(year, month, 8 + i % 15),
                        [village], [(group, "female", women), (group, "male", reached - women)],
                        funding_source=FundingSource.LOCAL)  # fmt: skip
        if month % 3 == 0:
            counselled = max(3, round(monthly / 3 * rng.uniform(0.7, 1.3)))
            writer.activity(commune, ActivityKind.COUNSELLING,
                            "Tư vấn KHHGĐ tại Trạm Y tế", datetime.date(year, month, 20),
                            [commune], [("couple", "female", counselled),
                                        ("couple", "male", counselled // 3)],
                            funding_source=FundingSource.CENTRAL)  # fmt: skip


def _clubs(writer, element, commune, old_communes, rng, year, today, written):
    """The commune's clubs active each quarter, entered on the map of the quarter's last day
    (maps.check_period): up to 2025Q2 by the old communes its villages belonged to (an old
    commune split between new ones once, by the first new commune by code), from 2025Q3 by
    the commune itself."""
    clubs = 1 + rng.randrange(3)
    for period in _quarters(year, today):
        if period.end > maps.LEGACY_DAY:
            writer.value(element, commune, period, clubs)
            continue
        for old in old_communes:
            if (old.pk, period.id) not in written:
                written.add((old.pk, period.id))
                writer.value(element, old, period, clubs)


def _old_communes(communes, villages: dict) -> dict:
    """{new commune pk: the old communes its villages belonged to} (the crosswalk's where a
    commune has no village)."""
    old_ids = {v.legacy_commune_id for vs in villages.values() for v in vs if v.legacy_commune_id}
    old = OrgUnit.objects.in_bulk(old_ids)
    found = {}
    for commune in communes:
        ids = dict.fromkeys(v.legacy_commune_id for v in villages.get(commune.pk, [])
                            if v.legacy_commune_id)  # fmt: skip
        found[commune.pk] = [old[i] for i in ids] or list(legacy_communes_for(commune))
    return found


def _trainings(writer, communes, year, today):
    day = min(today, datetime.date(year, 4, 15))
    for commune, trained in zip(communes, TRAINED, strict=True):
        if trained:
            women = trained // 2 + 1
            writer.activity(commune, ActivityKind.TRAINING,
                            "Tập huấn kỹ năng tư vấn cho cộng tác viên dân số", day, [commune],
                            [("collaborator", "female", women),
                             ("collaborator", "male", trained - women)],
                            cost=Decimal(3_000_000),
                            funding_source=FundingSource.CENTRAL)  # fmt: skip


def _workers(writer, communes, year_targets, years, today):
    """Each workplace's workers served per quarter, at its pace against its commune's target."""
    element = DataElement.objects.get(code="KCN_WORKERS_SERVED")
    shares = {"FEMALE_KINH": 0.55, "FEMALE_ETHNIC_MINORITY": 0.1, "MALE_KINH": 0.3,
              "MALE_ETHNIC_MINORITY": 0.05}  # fmt: skip
    for commune, (code, name, unit_type, pace), target in zip(
        communes, WORKPLACES, year_targets, strict=True
    ):
        place = _organisation(commune, code, name, unit_type)
        for year in years:
            for period in _quarters(year, today):
                quarter = target / 4 * (pace if year == today.year else 1)
                for combo, share in shares.items():
                    writer.value(element, place, period, round(quarter * share),
                                 writer.combos[combo])  # fmt: skip


def _trips(writer, fpa, communes, rng, years, today):
    for year in years:
        months = [m for m in (3, 4, 5, 6, 7, 8, 9, 10, 11) if datetime.date(year, m, 14) <= today]
        if year < today.year:
            months += [12]
        for month in months:
            places = rng.sample(communes, 2)
            clients = 100 + rng.randrange(50)
            names = " và ".join(p.short_name or p.name for p in places)
            rest = clients - clients // 3 - clients // 4 - clients // 6
            writer.activity(fpa, ActivityKind.MOBILE_TRIP,
                            f"Chuyến dịch vụ lưu động SKSS/KHHGĐ tại {names}",
                            datetime.date(year, month, 14), places,
                            services=[(Service.FP_COUNSELLING, clients // 3),
                                      (Service.CONDOM, clients // 4), (Service.PILL, clients // 6),
                                      (Service.IUD, rest)],
                            cost=Decimal(18_000_000),
                            funding_source=FundingSource.PROJECT)  # fmt: skip


def _womens_union(writer, commune, villages, years, today):
    branch = _organisation(commune, "HLHPN", f"Hội Liên hiệp Phụ nữ {commune.name[:1].lower()}"
                           f"{commune.name[1:]}", UnitType.WOMENS_UNION)  # fmt: skip
    for year in years:
        for month in (3, 6, 9, 11):
            if datetime.date(year, month, 8) <= today:
                writer.activity(branch, ActivityKind.COMMUNICATION,
                                "Truyền thông phòng, chống bạo lực gia đình",
                                datetime.date(year, month, 8), villages[:2],
                                [("general", "female", 38), ("general", "male", 12)],
                                funding_source=FundingSource.LOCAL)  # fmt: skip
    return branch


def _allocate_reach(officer, province, year, targets: dict) -> None:
    """The province's people-reached target, the sum of the communes', allocated to each."""
    plan = Plan.objects.filter(unit=province, year=year, group__isnull=True).first()
    if plan is None or Target.objects.filter(plan=plan, metric="ACT_COMM_REACHED").exists():
        return
    total = sum(targets.values())
    target = plans.set_target(officer, province, year, "ACT_COMM_REACHED", total)
    shares = [Share(c, Decimal(n)) for c, n in targets.items()]
    plans.allocate(officer, target, shares, "Phân bổ theo kế hoạch truyền thông của các xã")


@transaction.atomic
def create_province_demo(officer, province: OrgUnit, commune: OrgUnit, fpa: OrgUnit,
                         plan_communes: list[OrgUnit]) -> None:  # fmt: skip
    """Once: nothing if the communes' sessions are already there."""
    if Activity.objects.filter(ou_path__startswith=province.path, title__startswith=MARK).exists():
        return
    today = timezone.localdate()
    years = [today.year - 1, today.year]
    rng = random.Random(66)
    writer = _Writer()
    clubs = DataElement.objects.get(code="XA_CLUBS_ACTIVE")
    communes = list(OrgUnit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
    villages = {}
    for village in OrgUnit.objects.filter(parent__in=communes, level=Level.VILLAGE).order_by(
        "code"
    ):
        villages.setdefault(village.parent_id, []).append(village)
    old_communes, written = _old_communes(communes, villages), set()
    reach = {}
    for i, unit in enumerate(communes):
        reach[unit] = _reach_target(unit, rng)
        pace = PACES[i % len(PACES)]
        for year in years:
            this_pace = pace if year == today.year else rng.uniform(0.95, 1.1)
            _sessions(writer, rng, unit, villages.get(unit.pk, []), reach[unit], this_pace, year,
                      today)  # fmt: skip
            _clubs(writer, clubs, unit, old_communes[unit.pk], rng, year, today, written)
    _trainings(writer, plan_communes, today.year, today)
    _workers(writer, plan_communes, [8000, 6000, 4000, 1500], years, today)
    _trips(writer, fpa, communes, rng, years, today)
    _womens_union(writer, commune, villages.get(commune.pk, []), years, today)
    writer.write()
    if officer is not None:
        _allocate_reach(officer, province, today.year, reach)
