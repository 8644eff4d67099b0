"""Worklists of a village on a day, computed from the register: who the collaborator should
visit, and the slip entry that closes each item.

Everyone living in the village on the day counts (residence spells start <= day < end), also
temporary residents and recent arrivals: they are served even if reports do not count them
yet. Methods and marital status come from the spells (accepted changes); an item is closed as
soon as the closing entry is on a slip, accepted or not, so a collaborator's own entry takes
it off the list at once.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import OrgUnit
from danso.programmes.models import Activity, ActivityKind, Club
from danso.register import codes
from danso.register.models import (
    Event,
    EventKind,
    HouseholdPoverty,
    MaritalSpell,
    MethodSpell,
    Person,
    Residence,
)
from danso.statistics.periods import Period
from danso.statistics.sources import _aged, _alive_on, _spouse_on

# Provisional rules (docs/fieldwork.md): a resupply is due this many days ahead; a pregnancy
# is followed for 9 months; a newborn is screened in the first 30 days; the elderly are
# checked once a year; a marriage of the last 3 months without a pre-marital check is listed.
RESUPPLY_LEAD_DAYS = 7
PREGNANCY_DAYS = 280
NEWBORN_DAYS = 30
ELDERLY_CHECK_DAYS = 365
ELDERLY_AGE = 60
PREMARITAL_DAYS = 90
POOR = {codes.POOR, codes.NEAR_POOR}


@dataclass
class Item:
    person: Person | None
    detail: str
    action: str  # the entry that closes the item
    link: str
    due_on: datetime.date | None = None
    club: Club | None = None

    def as_dict(self) -> dict:
        return {
            "person": self.person.pk if self.person else None,
            "full_name": self.person.full_name if self.person else "",
            "date_of_birth": self.person.date_of_birth if self.person else None,
            "household": self.person.household_id if self.person else None,
            "household_number": self.person.household.number if self.person else "",
            "club": self.club.pk if self.club else None,
            "club_name": self.club.name if self.club else "",
            "detail": self.detail,
            "action": str(self.action),
            "due_on": self.due_on,
            "link": self.link,
        }


@dataclass
class Worklist:
    code: str
    title: str
    items: list[Item] = field(default_factory=list)


def entry_link(person: Person, kind: str, **extra) -> str:
    """The change form of the person's household, with the closing entry chosen."""
    query = {"kind": kind, "person": person.pk, **extra}
    return reverse("record_change", args=[person.household_id]) + "?" + urlencode(query)


def _living(village: OrgUnit, day: datetime.date):
    return Residence.objects.filter(village=village).filter(_alive_on(day))


def _persons(residences) -> list[Person]:
    ids = residences.values("person_id")
    return list(
        Person.objects.filter(pk__in=ids)
        .select_related("household")
        .order_by("household__number", "date_of_birth", "pk")
    )


def _open_events(kinds, day, **filters):
    """Entries that are not cancelled or corrected, recorded up to the day (pending too)."""
    return Event.objects.filter(kind__in=kinds, is_superseded=False, occurred_on__lte=day,
                                **filters)  # fmt: skip


def poverty_status(household_ids, day: datetime.date) -> dict[int, str]:
    """Each household's poverty status for the day's year, or the latest year before it."""
    status = {}
    rows = HouseholdPoverty.objects.filter(household__in=household_ids, year__lte=day.year)
    for row in rows.order_by("year"):
        status[row.household_id] = row.status
    return status


def married_women(village: OrgUnit, day: datetime.date) -> list[dict]:
    """Married women 15–49 living in the village on the day, with the couple's method (hers,
    else her husband's, as the reports count couples) and the day their supply runs out."""
    married = MaritalSpell.objects.filter(person=OuterRef("person"), status=codes.MARRIED).filter(
        _alive_on(day)
    )
    rows = (
        _living(village, day)
        .filter(_aged(day, 15, 49), sex=codes.FEMALE)
        .filter(Exists(married))
        .annotate(husband=_spouse_on(OuterRef("person"), day))
        .values("person_id", "husband")
    )
    husbands = {r["person_id"]: r["husband"] for r in rows}
    methods = _methods_on(set(husbands) | {h for h in husbands.values() if h}, day)
    pending = set(
        _open_events([EventKind.METHOD_START], day, is_accepted=False,
                     person__in=list(husbands)).values_list("person_id", flat=True)
    )  # fmt: skip
    persons = _persons_by_pk(list(husbands)).in_bulk()
    out = []
    for person_id, husband in husbands.items():
        own = methods.get(person_id)
        method = own or methods.get(husband)
        out.append(
            {
                "person": persons[person_id],
                "method": method[0] if method else None,
                "due_on": own[1] if own else None,
                "starting": person_id in pending,  # a method start waits for review
            }
        )
    return sorted(out, key=lambda r: (r["person"].household.number, r["person"].date_of_birth))


def _persons_by_pk(ids):
    return Person.objects.filter(pk__in=ids).select_related("household")


def _methods_on(person_ids, day) -> dict[int, tuple[str, datetime.date | None]]:
    """{person: (method, day the supply runs out)}; the day only for pills and injectables."""
    spells = MethodSpell.objects.filter(person__in=list(person_ids)).filter(_alive_on(day))
    methods = {s.person_id: (s.method, s.start) for s in spells}
    supplied = [p for p, (m, _start) in methods.items() if m in codes.RESUPPLIED_METHODS]
    last = {}
    for event in _open_events([EventKind.METHOD_START, EventKind.METHOD_RESUPPLY], day,
                              person__in=supplied).order_by("occurred_on"):  # fmt: skip
        if event.method == methods[event.person_id][0]:
            last[event.person_id] = event.occurred_on
    out = {}
    for person_id, (method, start) in methods.items():
        due = None
        if method in codes.RESUPPLIED_METHODS:
            supplied_on = max(start, last.get(person_id, start))
            due = supplied_on + datetime.timedelta(days=codes.RESUPPLY_DAYS[method])
        out[person_id] = (method, due)
    return out


def _is_due(due_on, day) -> bool:
    return due_on is not None and due_on <= day + datetime.timedelta(days=RESUPPLY_LEAD_DAYS)


def _method_label(code) -> str:
    return codes.METHOD.label(code) if code else ""


def _resupply_item(person, method, due_on) -> Item:
    return Item(person, _("%(method)s, supply runs out on %(day)s")
                % {"method": _method_label(method), "day": due_on.strftime("%d/%m/%Y")},
                _("Record the resupply"), entry_link(person, EventKind.METHOD_RESUPPLY,
                                                     method=method), due_on)  # fmt: skip


def free_contraception(village, day, women=None) -> Worklist:
    """Poor and near-poor couples with no method, or whose pills or injections run out."""
    women = married_women(village, day) if women is None else women
    status = poverty_status({w["person"].household_id for w in women}, day)
    items = []
    for w in women:
        person, poverty = w["person"], status.get(w["person"].household_id)
        if poverty not in POOR:
            continue
        label = codes.POVERTY.label(poverty)
        if not w["method"] and not w["starting"]:
            items.append(Item(person, _("%(poverty)s, no method") % {"poverty": label},
                              _("Record the method started"),
                              entry_link(person, EventKind.METHOD_START)))  # fmt: skip
        elif w["method"] and _is_due(w["due_on"], day):
            item = _resupply_item(person, w["method"], w["due_on"])
            item.detail = f"{label}, {item.detail}"
            items.append(item)
    return Worklist("free_contraception", _("Poor and near-poor couples: free contraceptives"),
                    items)  # fmt: skip


def unmet_need(village, day, women=None) -> Worklist:
    women = married_women(village, day) if women is None else women
    items = [
        Item(w["person"], _("Married, %(age)s years old, no method")
             % {"age": w["person"].age_on(day)}, _("Record the method started"),
             entry_link(w["person"], EventKind.METHOD_START))
        for w in women if not w["method"] and not w["starting"]
    ]  # fmt: skip
    return Worklist("no_method", _("Married women 15–49 using no method"), items)


def resupply_due(village, day) -> Worklist:
    living = _living(village, day).filter(sex=codes.FEMALE)
    persons = {p.pk: p for p in _persons(living)}
    items = []
    for person_id, (method, due_on) in _methods_on(persons, day).items():
        if _is_due(due_on, day):
            items.append(_resupply_item(persons[person_id], method, due_on))
    items.sort(key=lambda i: (i.due_on, i.person.household.number))
    return Worklist("resupply", _("Pill and injectable resupply due"), items)


def pregnancy_screening(village, day) -> Worklist:
    """Women whose pregnancy of the last 9 months has neither ended nor been screened."""
    since = day - datetime.timedelta(days=PREGNANCY_DAYS)
    persons = {p.pk: p for p in _persons(_living(village, day).filter(sex=codes.FEMALE))}
    pregnant = {}
    for e in _open_events([EventKind.PREGNANCY], day, person__in=list(persons),
                          occurred_on__gte=since).order_by("occurred_on"):  # fmt: skip
        pregnant[e.person_id] = e.occurred_on if e.outcome == "1" else None
    ended = Q(kind=EventKind.PRENATAL_SCREENING) | Q(kind=EventKind.BIRTH)
    items = []
    for person_id, since_day in pregnant.items():
        if since_day is None:  # the last pregnancy event was a miscarriage or abortion
            continue
        later = _open_events([EventKind.PRENATAL_SCREENING, EventKind.BIRTH], day,
                             occurred_on__gte=since_day).filter(ended)  # fmt: skip
        later = later.filter(Q(person_id=person_id, kind=EventKind.PRENATAL_SCREENING)
                             | Q(other_person_id=person_id, kind=EventKind.BIRTH))  # fmt: skip
        if later.exists():
            continue
        person = persons[person_id]
        items.append(Item(person, _("Pregnant since %(day)s, not screened")
                          % {"day": since_day.strftime("%d/%m/%Y")},
                          _("Record the prenatal screening"),
                          entry_link(person, EventKind.PRENATAL_SCREENING)))  # fmt: skip
    return Worklist("prenatal", _("Pregnant women due for prenatal screening"), items)


def newborn_screening(village, day) -> Worklist:
    since = day - datetime.timedelta(days=NEWBORN_DAYS)
    living = _living(village, day).filter(date_of_birth__gte=since, date_of_birth__lte=day)
    screened = _open_events([EventKind.NEWBORN_SCREENING], day, person=OuterRef("pk"))
    persons = Person.objects.filter(pk__in=living.values("person_id")).filter(~Exists(screened))
    items = [
        Item(p, _("Born on %(day)s, not screened") % {"day": p.date_of_birth.strftime("%d/%m/%Y")},
             _("Record the newborn screening"), entry_link(p, EventKind.NEWBORN_SCREENING))
        for p in persons.select_related("household").order_by("date_of_birth", "pk")
    ]  # fmt: skip
    return Worklist("newborn", _("Newborns due for screening"), items)


def elderly_checks(village, day) -> Worklist:
    since = day - datetime.timedelta(days=ELDERLY_CHECK_DAYS)
    living = _living(village, day).filter(_aged(day, ELDERLY_AGE, 200))
    checked = _open_events([EventKind.ELDERLY_CHECK], day, person=OuterRef("pk"),
                           occurred_on__gt=since)  # fmt: skip
    persons = Person.objects.filter(pk__in=living.values("person_id")).filter(~Exists(checked))
    last = {}
    for e in _open_events([EventKind.ELDERLY_CHECK], day, person__in=persons).order_by(
        "occurred_on"
    ):
        last[e.person_id] = e.occurred_on
    items = []
    for p in persons.select_related("household").order_by("household__number", "date_of_birth"):
        detail = (_("Last check %(day)s") % {"day": last[p.pk].strftime("%d/%m/%Y")}
                  if p.pk in last else _("Never checked"))  # fmt: skip
        items.append(Item(p, f"{p.age_on(day)} tuổi, {detail}", _("Record the health check"),
                          entry_link(p, EventKind.ELDERLY_CHECK)))  # fmt: skip
    return Worklist("elderly", _("Elderly due for the yearly health check"), items)


def premarital(village, day) -> Worklist:
    """Marriages of the last 3 months where neither spouse had the pre-marital check (the
    register does not know marriages to come: the collaborator adds those they hear of)."""
    since = day - datetime.timedelta(days=PREMARITAL_DAYS)
    living = _living(village, day).values("person_id")
    marriages = _open_events([EventKind.MARRIAGE], day, occurred_on__gte=since).filter(
        Q(person__in=living) | Q(other_person__in=living)
    )
    items = []
    for m in marriages.select_related("person__household", "other_person__household"):
        couple = [p for p in (m.person, m.other_person) if p]
        checked = _open_events([EventKind.PREMARITAL_CHECK], day, person__in=couple).exists()
        if checked:
            continue
        here = [p for p in couple if p.village_id == village.pk]
        for person in here:
            items.append(Item(person, _("Married on %(day)s, no pre-marital check")
                              % {"day": m.occurred_on.strftime("%d/%m/%Y")},
                              _("Record the pre-marital counselling"),
                              entry_link(person, EventKind.PREMARITAL_CHECK)))  # fmt: skip
    return Worklist("premarital", _("Couples marrying: pre-marital counselling"), items)


def idle_clubs(village, day) -> Worklist:
    """Open clubs of the village's commune with no session from the quarter's start to the
    day."""
    quarter = Period.containing("quarter", day)
    commune = village.parent
    met = Activity.objects.filter(club=OuterRef("pk"), kind=ActivityKind.CLUB_SESSION,
                                  start_date__gte=quarter.start, start_date__lte=day)  # fmt: skip
    clubs = (
        Club.objects.filter(ou_path__startswith=commune.path)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=day))
        .filter(~Exists(met))
        .order_by("name")
    )
    items = [
        Item(None, _("No session in %(quarter)s") % {"quarter": quarter.label},
             _("Record the club session"),
             reverse("activity_create") + "?" + urlencode(
                 {"kind": ActivityKind.CLUB_SESSION, "club": c.pk}), club=c)
        for c in clubs
    ]  # fmt: skip
    return Worklist("clubs", _("Clubs that did not meet this quarter"), items)


LISTS = {
    "free_contraception": free_contraception,
    "no_method": unmet_need,
    "resupply": resupply_due,
    "prenatal": pregnancy_screening,
    "newborn": newborn_screening,
    "elderly": elderly_checks,
    "premarital": premarital,
    "clubs": idle_clubs,
}


def worklists(village: OrgUnit, day: datetime.date, only: str | None = None) -> list[Worklist]:
    women = None
    out = []
    for code, build in LISTS.items():
        if only and code != only:
            continue
        if code in ("free_contraception", "no_method"):
            women = married_women(village, day) if women is None else women
            out.append(build(village, day, women))
        else:
            out.append(build(village, day))
    return out
