"""A realistic synthetic population for one province, written as register events.

Households and persons are spread over the province's communes and generated villages (each
village lies in one current and one pre-2025 commune, taken from the crosswalk, so history
before and after 1 July 2025 stays consistent). Over the years asked for, the simulation draws
births (age-specific fertility giving a total fertility rate near 1.9, boys:girls ≈ 111:100),
deaths (a Gompertz mortality curve), migration, marriages (with some child marriages),
divorces, pregnancies, screenings, elderly checks and contraceptive use among married women
15–49 (≈ 65–70 %, Vietnam's method mix). Everything becomes events in accepted monthly slips;
persons and spells are derived from the events by the same `History.replay` as online entry,
so generated and hand-entered data are counted alike. Deterministic for a seed.
"""

import datetime
import math
import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from danso.orgunits.models import Level, OrgUnit, UnitType
from danso.orgunits.services import create_village, legacy_communes_for
from danso.text import fold

from . import codes
from .bulk import BulkTable, add_spells, analyze
from .models import (
    Event,
    EventKind,
    Household,
    HouseholdPoverty,
    MaritalSpell,
    MethodSpell,
    Person,
    Residence,
    Slip,
)
from .projection import SPOUSE_KINDS, Fact, replay
from .signals import changed
from .validation import LEGAL_MARRIAGE_AGE

PEOPLE_PER_VILLAGE = 1200
MIN_VILLAGES = 3  # per commune, however small the population asked
# Share of the population by 5-year age group, Vietnam around 2024 (0–4 … 80+).
AGE_SHARES = [7.2, 8.0, 7.9, 7.0, 6.9, 7.4, 8.1, 8.0, 7.3, 6.7, 6.0, 5.4, 4.7, 3.7, 2.5, 1.5, 2.1]
# Age-specific fertility (births per woman per year), 15–19 … 45–49: 5 × Σ ≈ 1.9.
ASFR = [0.035, 0.125, 0.135, 0.09, 0.04, 0.012, 0.002]
# Relative chance of a birth by the number of children a woman already has: most couples
# stop at two, which keeps third-or-higher births near a fifth of the total.
PARITY_FACTOR = [1.5, 1.3, 0.35, 0.2]
MARRIED_SHARE = [0.08, 0.45, 0.8, 0.9, 0.92, 0.92, 0.9]
SEX_RATIO_AT_BIRTH = 111
CPR_TARGET = 0.67
METHOD_MIX = {  # share of users by method
    codes.IUD: 0.40,
    codes.PILL: 0.15,
    codes.CONDOM: 0.20,
    codes.INJECTABLE: 0.04,
    codes.IMPLANT: 0.03,
    codes.TUBAL_LIGATION: 0.04,
    codes.VASECTOMY: 0.002,
    codes.TRADITIONAL: 0.138,
}
FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MALE_NAMES = [
    "Văn An",
    "Văn Bình",
    "Đức Cường",
    "Văn Dũng",
    "Minh Đức",
    "Văn Hải",
    "Quốc Huy",
    "Văn Hùng",
    "Minh Khang",
    "Văn Long",
    "Văn Nam",
    "Thành Phát",
    "Văn Quang",
    "Văn Sơn",
    "Văn Tâm",
    "Văn Thắng",
    "Văn Trung",
    "Anh Tuấn",
    "Văn Việt",
]
FEMALE_NAMES = [
    "Thị Anh",
    "Thị Bích",
    "Thị Chi",
    "Thị Dung",
    "Thị Hà",
    "Thị Hạnh",
    "Thị Hoa",
    "Thị Hương",
    "Thị Lan",
    "Thị Liên",
    "Thị Mai",
    "Thị Ngọc",
    "Thị Nhung",
    "Thị Oanh",
    "Thị Phương",
    "Thị Thảo",
    "Thị Thu",
    "Thị Trang",
    "Thị Yến",
]
CITY = "P79"  # Thành phố Hồ Chí Minh, where young adults leave for work
ETHNIC_MIX = [("01", 0.70), ("12", 0.12), ("07", 0.06), ("08", 0.04), ("09", 0.04), ("06", 0.04)]


@dataclass
class Sim:
    """A simulated person: the facts the simulation needs, and their events."""

    id: int
    household: "Home"
    sex: str
    born: datetime.date
    name: str
    ethnicity: str
    relationship: str = codes.HEAD
    mother: "Sim | None" = None
    marital: str = codes.NEVER_MARRIED
    method: str = ""
    live_births: int = 0
    spouse: "Sim | None" = None
    gone: bool = False  # dead or moved out
    events: list = field(default_factory=list)
    births: list = field(default_factory=list)  # facts for the mother's history
    partners: list = field(default_factory=list)  # everyone recorded as a spouse, either side


@dataclass
class Home:
    id: int
    village: OrgUnit
    number: str
    members: list = field(default_factory=list)


@dataclass
class GenerateSummary:
    villages: int = 0
    households: int = 0
    persons: int = 0
    events: int = 0
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def age(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Generator:
    def __init__(
        self, province: OrgUnit, people: int, years: int, seed: int, end=None, progress=None
    ):
        self.rng = random.Random(seed)
        # where moves come from and go to: a stream of its own, so the population itself is
        # drawn as before the moves named communes
        self.places = random.Random(f"places-{seed}")
        self.seed = seed
        self.province = province
        self.people = people
        self.end = end or timezone.localdate().replace(day=1)
        self.start = self.end.replace(year=self.end.year - years)
        self.years = years
        self.progress = progress or (lambda label, done, total: None)
        self.tables = {
            m: BulkTable(m)
            for m in (
                Household,
                HouseholdPoverty,
                Person,
                Slip,
                Event,
                Residence,
                MaritalSpell,
                MethodSpell,
            )
        }
        self.sims: list[Sim] = []
        self.homes: list[Home] = []
        self.slips: dict[tuple[int, str], int] = {}
        self.numbers: dict[int, int] = {}  # last household number used in each village
        self._communes()

    def _communes(self):
        """The communes moves come from and go to, by identifier (a move's origin and
        destination are units, docs/fieldwork.md): the province's own current communes (a
        marriage into or out of a neighbouring commune), the big city's (young adults leaving
        for work) and those of other provinces (households arriving)."""
        current = OrgUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
        own = self.province.path
        self.own_communes = list(
            current.filter(path__startswith=own).order_by("uid").values_list("uid", flat=True)
        )
        elsewhere = current.exclude(path__startswith=own).order_by("uid")
        self.other_communes = list(elsewhere.values_list("uid", flat=True))
        city = list(elsewhere.filter(path__startswith=f"/VN/{CITY}/").values_list("uid", flat=True))
        self.city_communes = city or self.other_communes

    def _commune_other_than(self, village: OrgUnit) -> str:
        """Another current commune of the province (of another when it has only one)."""
        own = village.path.strip("/").split("/")[2]
        choices = [uid for uid in self.own_communes if uid != own] or self.other_communes
        return self.places.choice(choices)

    # -- the population at the start ---------------------------------------------------------

    def _villages(self) -> list[OrgUnit]:
        """Every commune of the province takes part, each with at least MIN_VILLAGES villages
        (more for a larger population), and every village it already keeps gets people: a
        province where every commune has figures, whatever the size asked."""
        communes = list(
            OrgUnit.objects.filter(parent=self.province, level=Level.COMMUNE).order_by("code")
        )
        wanted = max(1, round(self.people / PEOPLE_PER_VILLAGE))
        per_commune = max(MIN_VILLAGES, math.ceil(wanted / len(communes)))
        villages = []
        for commune in communes:
            existing = list(commune.children.filter(level=Level.VILLAGE).order_by("code"))
            old = list(legacy_communes_for(commune))
            if not old:  # a commune without pre-2025 links (a new special zone) gets no new village
                villages += existing
                continue
            for i in range(len(existing), per_commune):
                existing.append(
                    create_village(
                        commune,
                        code=f"G{i + 1:02d}",
                        name=f"Thôn {i + 1}",
                        unit_type=UnitType.HAMLET,
                        legacy_commune=old[i % len(old)].code,
                    )
                )
            villages += existing
        return villages

    def _age(self) -> int:
        group = self.rng.choices(range(len(AGE_SHARES)), weights=AGE_SHARES)[0]
        return group * 5 + self.rng.randrange(5 if group < 16 else 15)

    def _born(self, years: int, on: datetime.date) -> datetime.date:
        return on - datetime.timedelta(days=years * 365 + self.rng.randrange(365))

    def _name(self, sex: str, family: str) -> str:
        given = self.rng.choice(MALE_NAMES if sex == codes.MALE else FEMALE_NAMES)
        return f"{family} {given}"

    def _person(self, home: Home, sex, born, family, ethnicity, relationship, **extra) -> Sim:
        sim = Sim(
            self.tables[Person].new_id(),
            home,
            sex,
            born,
            self._name(sex, family),
            ethnicity,
            relationship,
            **extra,
        )
        home.members.append(sim)
        self.sims.append(sim)
        return sim

    def _household(self, village: OrgUnit) -> Home:
        if village.pk not in self.numbers:
            self.numbers[village.pk] = Household.objects.filter(village=village).count()
        self.numbers[village.pk] += 1
        home = Home(self.tables[Household].new_id(), village, f"{self.numbers[village.pk]:03d}")
        self.homes.append(home)
        family = self.rng.choice(FAMILY_NAMES)
        ethnicity = self.rng.choices(*zip(*ETHNIC_MIX, strict=True))[0]
        day = self.start
        head_age = (
            max(18, min(self._age(), 85))
            if self.rng.random() < 0.9
            else 20 + self.rng.randrange(40)
        )
        if head_age < 20:
            head_age += 20
        head_sex = codes.MALE if self.rng.random() < 0.75 else codes.FEMALE
        head = self._person(
            home, head_sex, self._born(head_age, day), family, ethnicity, codes.HEAD
        )
        if self.rng.random() < 0.1:  # a person living alone
            return home
        if head_age < 75 or self.rng.random() < 0.5:
            spouse_sex = codes.FEMALE if head_sex == codes.MALE else codes.MALE
            gap = self.rng.randint(0, 6) * (-1 if spouse_sex == codes.FEMALE else 1)
            spouse_age = max(16, head_age + gap)
            spouse = self._person(
                home,
                spouse_sex,
                self._born(spouse_age, day),
                self.rng.choice(FAMILY_NAMES),
                ethnicity,
                "2",
            )
            head.marital = spouse.marital = codes.MARRIED
            head.spouse, spouse.spouse = spouse, head
            mother = spouse if spouse_sex == codes.FEMALE else head
            mother_age = age(mother.born, day)
            children = min(5, max(0, round(self.rng.gauss(1.9, 1.0))))
            if mother_age < 22:
                children = min(children, 1)
            for _ in range(children):
                child_age = self.rng.randint(0, max(0, min(mother_age - 18, 30)))
                if child_age >= 25 and self.rng.random() < 0.7:
                    mother.live_births += 1  # grown up and gone
                    continue
                sex = codes.MALE if self.rng.random() < 0.52 else codes.FEMALE
                self._person(
                    home, sex, self._born(child_age, day), family, ethnicity, "3", mother=mother
                )
                mother.live_births += 1
        elif self.rng.random() < 0.5:
            head.marital = codes.WIDOWED
        if head_age < 55 and self.rng.random() < 0.15:
            sex = codes.FEMALE if self.rng.random() < 0.6 else codes.MALE
            elder = self._person(
                home,
                sex,
                self._born(head_age + 25 + self.rng.randrange(10), day),
                family,
                ethnicity,
                "4",
            )
            elder.marital = codes.WIDOWED
        return home

    def _initial_method(self, woman: Sim):
        if woman.sex != codes.FEMALE or woman.marital != codes.MARRIED:
            return ""
        if not 15 <= age(woman.born, self.start) <= 49 or self.rng.random() > CPR_TARGET:
            return ""
        method = self.rng.choices(list(METHOD_MIX), weights=list(METHOD_MIX.values()))[0]
        return codes.IUD if method == codes.VASECTOMY else method  # the husband's, in practice

    # -- events ----------------------------------------------------------------------------

    def _day_in(self, year: int) -> datetime.date:
        first = max(self.start, datetime.date(year, 1, 1))
        last = min(self.end - datetime.timedelta(days=1), datetime.date(year, 12, 31))
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    def _event(self, sim: Sim, kind: str, day: datetime.date, **values):
        sim.events.append((day, len(sim.events), kind, values))
        if kind in SPOUSE_KINDS and values.get("other"):
            sim.partners.append(values["other"])
            values["other"].partners.append(sim)

    def _register_start(self):
        for sim in self.sims:
            person = {
                "full_name": sim.name,
                "sex": sim.sex,
                "date_of_birth": sim.born.isoformat(),
                "relationship": sim.relationship,
                "ethnicity": sim.ethnicity,
                "marital_status": sim.marital,
                "residence_kind": codes.PRESENT,
                "prior_live_births": sim.live_births,
            }
            sim.method = self._initial_method(sim)
            data = {"person": person, "arrived_on": sim.born.isoformat()}
            if sim.method:
                data["method"] = sim.method
            spouse = sim.spouse if sim.relationship == "2" else None
            self._event(sim, EventKind.REGISTRATION, self.start, data=data, other=spouse)

    def _simulate_year(self, year: int):
        alive = [s for s in self.sims if not s.gone]
        for sim in alive:
            if sim.gone:
                continue
            day = self._day_in(year)
            years = age(sim.born, day)
            if day <= sim.born:
                continue
            if self.rng.random() < self._death_rate(years):
                self._die(sim, day)
                continue
            if 18 <= years <= 32 and self.rng.random() < 0.025:
                self._leave(sim, day, self.places.choice(self.city_communes))
                continue
            if sim.sex == codes.FEMALE and 15 <= years <= 49:
                self._woman_year(sim, year, years)
            self._marriage_year(sim, day, years)
            if years >= 60 and self.rng.random() < 0.3:
                self._event(sim, EventKind.ELDERLY_CHECK, day, place="1")
        self._arrivals(year)

    def _death_rate(self, years: int) -> float:
        if years == 0:
            return 0.012
        return min(0.5, 0.0005 * math.exp(0.092 * (years - 30)) + 0.0004)

    def _die(self, sim: Sim, day):
        self._event(sim, EventKind.DEATH, day)
        sim.gone = True
        if sim.spouse and not sim.spouse.gone:
            sim.spouse.marital = codes.WIDOWED
            sim.spouse.spouse = None
        sim.method = ""

    def _leave(self, sim: Sim, day, destination):
        self._event(sim, EventKind.MOVE_OUT, day, data={"destination": destination})
        sim.gone = True
        sim.method = ""
        if sim.spouse and not sim.spouse.gone:
            self._leave(sim.spouse, day, destination)

    def _woman_year(self, woman: Sim, year: int, years: int):
        group = min((years - 15) // 5, 6)
        if woman.marital == codes.MARRIED:
            rate = ASFR[group] / MARRIED_SHARE[group] * PARITY_FACTOR[min(woman.live_births, 3)]
            if woman.method and woman.method in (codes.TUBAL_LIGATION,):
                rate = 0
            if self.rng.random() < rate * (0.35 if woman.method else 1.0) / (1 - CPR_TARGET * 0.65):
                self._birth(woman, year)
                return
            if self.rng.random() < 0.012:
                day = self._day_in(year)
                outcome = codes.ABORTION if self.rng.random() < 0.5 else codes.MISCARRIAGE
                self._event(woman, EventKind.PREGNANCY, day, outcome=outcome)
            day = self._day_in(year)
            if woman.method and woman.method != codes.TUBAL_LIGATION and self.rng.random() < 0.1:
                self._event(woman, EventKind.METHOD_STOP, day, method=woman.method)
                woman.method = ""
            elif not woman.method and self.rng.random() < 0.35:
                method = self.rng.choices(list(METHOD_MIX), weights=list(METHOD_MIX.values()))[0]
                method = codes.CONDOM if method == codes.VASECTOMY else method
                self._event(
                    woman,
                    EventKind.METHOD_START,
                    day,
                    method=method,
                    place=self.rng.choice("11123456"),
                    data={"living_children": woman.live_births},
                )
                woman.method = method
        elif years < 20 and self.rng.random() < 0.004:  # a birth outside marriage, rare
            self._birth(woman, year)

    def _birth(self, mother: Sim, year: int):
        day = self._day_in(year)
        if mother.method:
            stop = day - datetime.timedelta(days=300)
            if stop > self.start:
                self._event(mother, EventKind.METHOD_STOP, stop, method=mother.method)
            mother.method = ""  # a method in use at the start ended before the pregnancy
        pregnant = day - datetime.timedelta(days=210)
        if pregnant > self.start:
            self._event(mother, EventKind.PREGNANCY, pregnant, outcome=codes.PREGNANT)
            if self.rng.random() < 0.5:
                self._event(
                    mother,
                    EventKind.PRENATAL_SCREENING,
                    pregnant + datetime.timedelta(days=60),
                    place="1",
                    data={"results": {"down": "1", "edwards": "1", "patau": "1"}},
                )
        sex = (
            codes.MALE
            if self.rng.random() < SEX_RATIO_AT_BIRTH / (100 + SEX_RATIO_AT_BIRTH)
            else codes.FEMALE
        )
        home = mother.household
        child = self._person(
            home,
            sex,
            day,
            mother.name.split()[0] if not mother.spouse else mother.spouse.name.split()[0],
            mother.ethnicity,
            "6" if mother.relationship not in (codes.HEAD, "2") else "3",
            mother=mother,
        )
        mother.live_births += 1
        person = {
            "full_name": child.name,
            "sex": sex,
            "date_of_birth": day.isoformat(),
            "relationship": child.relationship,
            "ethnicity": child.ethnicity,
        }
        place = self.rng.choices("1234", weights=[40, 55, 4, 1])[0]
        self._event(
            child,
            EventKind.BIRTH,
            day,
            other=mother,
            place=place,
            birth_order=mother.live_births,
            data={"person": person},
            mother_age=age(mother.born, day),
        )
        if self.rng.random() < 0.7:
            results = {c: "0" for c in codes.NEWBORN_CONDITIONS.codes}
            self._event(
                child,
                EventKind.NEWBORN_SCREENING,
                min(day + datetime.timedelta(days=2), self.end - datetime.timedelta(days=1)),
                place="1",
                data={"results": results},
            )
        if self.rng.random() < 0.5:
            start = day + datetime.timedelta(days=120 + self.rng.randrange(90))
            if start < self.end and mother.marital == codes.MARRIED:
                method = self.rng.choice(
                    [
                        codes.IUD,
                        codes.IUD,
                        codes.PILL,
                        codes.CONDOM,
                        codes.INJECTABLE,
                        codes.IMPLANT,
                    ]
                )
                self._event(
                    mother,
                    EventKind.METHOD_START,
                    start,
                    method=method,
                    place="1",
                    data={"living_children": mother.live_births},
                )
                mother.method = method

    def _marriage_year(self, sim: Sim, day, years: int):
        if sim.marital == codes.MARRIED:
            if self.rng.random() < 0.001:
                self._event(sim, EventKind.DIVORCE, day)
                sim.marital = codes.DIVORCED
                if sim.spouse and not sim.spouse.gone:
                    self._event(sim.spouse, EventKind.DIVORCE, day)
                    sim.spouse.marital = codes.DIVORCED
                    sim.spouse.spouse = None
                sim.spouse = None
                sim.method = ""
            return
        legal = LEGAL_MARRIAGE_AGE[sim.sex]
        if years < 15 or years > 45:
            return
        chance = 0.15 if years >= legal and years <= 35 else 0.01 if years < legal else 0.03
        if self.rng.random() >= chance:
            return
        if self.rng.random() < 0.35:
            self._event(
                sim,
                EventKind.PREMARITAL_CHECK,
                max(self.start, day - datetime.timedelta(days=30)),
                place="1",
            )
        if sim.sex == codes.FEMALE and self.rng.random() < 0.5:  # she joins her husband's family
            self._event(sim, EventKind.MARRIAGE, day, consanguineous=self.rng.random() < 0.003)
            sim.marital = codes.MARRIED
            self._leave(
                sim,
                min(day + datetime.timedelta(days=15), self.end - datetime.timedelta(days=1)),
                self._commune_other_than(sim.household.village),
            )
            return
        spouse_sex = codes.FEMALE if sim.sex == codes.MALE else codes.MALE
        spouse = self._person(
            sim.household,
            spouse_sex,
            self._born(max(16, years - 2), day),
            self.rng.choice(FAMILY_NAMES),
            sim.ethnicity,
            "8",
        )
        person = {
            "full_name": spouse.name,
            "sex": spouse_sex,
            "date_of_birth": spouse.born.isoformat(),
            "relationship": "8",
            "ethnicity": spouse.ethnicity,
            "marital_status": codes.MARRIED,
        }
        consanguineous = self.rng.random() < 0.003
        self._event(sim, EventKind.MARRIAGE, day, other=spouse, consanguineous=consanguineous)
        self._event(
            spouse,
            EventKind.MOVE_IN,
            day,
            other=sim,
            data={
                "person": person,
                "origin": self._commune_other_than(sim.household.village),
                "intends_to_stay": True,
            },
        )
        sim.marital = spouse.marital = codes.MARRIED
        sim.spouse, spouse.spouse = spouse, sim

    def _arrivals(self, year: int):
        """Whole households arrive from elsewhere, balancing the young adults who leave."""
        villages = sorted({h.village for h in self.homes}, key=lambda v: v.pk)
        for _ in range(max(0, round(len(self.homes) * 0.008))):
            first_new = len(self.sims)
            self._household(self.rng.choice(villages))
            day = self._day_in(year)
            origin = self.places.choice(self.other_communes)
            for sim in self.sims[first_new:]:
                sim.born = min(sim.born, day - datetime.timedelta(days=1))
                person = {
                    "full_name": sim.name,
                    "sex": sim.sex,
                    "date_of_birth": sim.born.isoformat(),
                    "relationship": sim.relationship,
                    "ethnicity": sim.ethnicity,
                    "marital_status": sim.marital,
                    "prior_live_births": sim.live_births,
                }
                data = {
                    "person": person,
                    "origin": origin,
                    "intends_to_stay": self.rng.random() < 0.8,
                }
                spouse = sim.spouse if sim.relationship == "2" else None
                self._event(sim, EventKind.MOVE_IN, day, other=spouse, data=data)

    # -- writing -----------------------------------------------------------------------------

    def _slip(self, village: OrgUnit, recorded: datetime.date) -> int:
        period = f"{recorded.year}{recorded.month:02d}"
        key = (village.pk, period)
        if key not in self.slips:
            stamp = timezone.make_aware(
                datetime.datetime.combine(recorded.replace(day=28), datetime.time(9))
            )
            self.slips[key] = self.tables[Slip].add(
                village_id=village.pk,
                ou_path=village.path,
                period=period,
                status=Slip.Status.ACCEPTED,
                submitted_at=stamp,
                reviewed_at=stamp,
            )
        return self.slips[key]

    def _write(self):
        tables = self.tables
        for home in self.homes:
            head = next((m.name for m in home.members if m.relationship == codes.HEAD), "")
            tables[Household].add(
                id=home.id,
                village_id=home.village.pk,
                ou_path=home.village.path,
                province_code=home.village.province_code,
                number=home.number,
                address=f"{home.village.name}",
                kind=codes.FAMILY_HOUSEHOLD,
                head_name=head,
                search_text=fold(f"{home.number} {head} {home.village.name}"),
                created_at=timezone.now(),
            )
            for year in range(self.start.year, self.end.year + 1):
                draw = self.rng.random()
                if draw < 0.09:
                    tables[HouseholdPoverty].add(
                        household_id=home.id, year=year, status="1" if draw < 0.04 else "2"
                    )
        event_table = tables[Event]
        total, done = len(self.sims), 0
        for sim in self.sims:
            village = sim.household.village
            records = []
            for day, _order, kind, values in sorted(sim.events, key=lambda e: (e[0], e[1])):
                other = values.get("other")
                recorded = min(
                    day + datetime.timedelta(days=self.rng.randrange(20)),
                    self.end - datetime.timedelta(days=1),
                )
                event_id = event_table.new_id()
                data = values.get("data", {})
                event_table.add(
                    id=event_id,
                    village_id=village.pk,
                    ou_path=village.path,
                    province_code=village.province_code,
                    kind=kind,
                    occurred_on=day,
                    recorded_at=timezone.make_aware(
                        datetime.datetime.combine(recorded, datetime.time(10))
                    ),
                    slip_id=self._slip(village, recorded),
                    household_id=sim.household.id,
                    person_id=sim.id,
                    other_person_id=other.id if other else None,
                    is_accepted=True,
                    sex=sim.sex,
                    method=values.get("method", ""),
                    place=values.get("place", ""),
                    outcome=values.get("outcome", ""),
                    birth_order=values.get("birth_order"),
                    age=values.get("mother_age", age(sim.born, day)),
                    is_child_marriage=kind == EventKind.MARRIAGE
                    and any(_under_marriage_age(p, day) for p in (sim, other) if p),
                    is_consanguineous=values.get("consanguineous", False),
                    data=data,
                )
                records.append(
                    Fact(kind, day, event_id, data, sim.household.id, values.get("method", ""))
                )
            facts = records + self._facts_from_others(sim)
            history = replay(sorted(facts, key=lambda e: e.occurred_on))  # stable: same-day order
            self._write_person(sim, history)
            done += 1
            if done % 20000 == 0 or done == total:
                self.progress("events", done, total)
                if len(event_table.rows) > 200000:  # keep memory flat on big provinces
                    for table in tables.values():
                        table.flush()

    def _facts_from_others(self, sim: Sim) -> list:
        """What others' events change for this person, as `projection.events_for` finds it."""
        facts = list(sim.births)
        for partner in {p.id: p for p in sim.partners}.values():
            facts += [
                Fact("spouse_death", day, 0)
                for day, _o, kind, _v in partner.events
                if kind == EventKind.DEATH
            ]
        return facts

    def _write_person(self, sim: Sim, history):
        tables = self.tables
        village = sim.household.village
        attrs = history.attrs
        tables[Person].add(
            id=sim.id,
            village_id=village.pk,
            ou_path=village.path,
            province_code=village.province_code,
            household_id=sim.household.id,
            full_name=sim.name,
            search_name=fold(sim.name),
            sex=sim.sex,
            date_of_birth=sim.born,
            relationship=attrs.get("relationship", "9"),
            ethnicity=sim.ethnicity,
            marital_status=attrs.get("marital_status", sim.marital),
            residence_kind=codes.PRESENT,
            mother_id=sim.mother.id if sim.mother else None,
            spouse_id=sim.spouse.id if sim.spouse else None,
            prior_live_births=attrs.get("prior_live_births", 0),
            died_on=history.died_on,
            left_on=history.left_on,
            is_pending=False,
        )
        add_spells(tables, sim.id, sim.sex, sim.born, village, history)

    def run(self) -> GenerateSummary:
        began = time.perf_counter()
        summary = GenerateSummary()
        with transaction.atomic():
            villages = self._villages()
            summary.villages = len(villages)
            existing = Slip.objects.filter(village__in=villages)
            self.slips = {
                (v, p): pk for v, p, pk in existing.values_list("village", "period", "pk")
            }
            per_village = self.people / len(villages)
            for village in villages:
                count = len(self.sims)
                while len(self.sims) - count < per_village:
                    self._household(village)
                self.progress("households", len(self.sims), self.people)
            self._register_start()
            years = [
                y
                for y in range(self.start.year, self.end.year + 1)
                if datetime.date(y, 1, 1) < self.end
            ]
            for done, year in enumerate(years, start=1):
                self._simulate_year(year)
                self.progress("years", done, len(years))
            self._link_births()
            self._write()
            for table in self.tables.values():
                table.flush()
                table.reset_sequence()
            analyze(self.tables)
            changed(v.pk for v in villages)
        summary.rows = sum(table.written for table in self.tables.values())
        summary.households = len(self.homes)
        summary.persons = len(self.sims)
        summary.events = self.tables[Event].written
        summary.seconds = time.perf_counter() - began
        return summary

    def _link_births(self):
        """A mother's history counts the births recorded to her (see projection)."""
        for sim in self.sims:
            for day, _o, kind, values in sim.events:
                if kind == EventKind.BIRTH:
                    values["other"].births.append(Fact("mother_of_birth", day, 0))


def generate(province_code: str, people: int, years: int, seed: int, progress=None, end=None):
    province = OrgUnit.objects.get(uid=f"P{province_code}")
    return Generator(province, people, years, seed, end=end, progress=progress).run()


def _under_marriage_age(sim, day: datetime.date) -> bool:
    """A marriage is a child marriage if either spouse is under the legal age."""
    return age(sim.born, day) < LEGAL_MARRIAGE_AGE[sim.sex]
