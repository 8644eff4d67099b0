"""A demo village for the field-work worklists, made after the generated population so that
it holds only these hand-computed households (docs/fieldwork.md).

Registered 120 days before today, poverty status for this year:
  01 poor, no method                       → free contraceptives (no method)
  02 near-poor, pills since registration   → free contraceptives (pills ran out)
  03 poor, pills resupplied 10 days ago    → not listed (runs out in 18 days)
  04 not poor, no method                   → "no method" only
  05 poor, IUD                             → not listed
  06 poor, injection at registration       → free contraceptives (ran out 30 days ago)
"""

import datetime

from django.utils import timezone

from danso.orgunits.models import Level, OrgUnit, UnitType
from danso.orgunits.services import create_village, legacy_communes_for
from danso.register import codes, services
from danso.register.models import Slip
from danso.register.validation import Change

CODE = "MH"
COUPLES = [  # number, poverty, wife's method, wife born
    ("01", codes.POOR, "", 1996),
    ("02", codes.NEAR_POOR, codes.PILL, 1990),
    ("03", codes.POOR, codes.PILL, 1992),
    ("04", "0", "", 1993),
    ("05", codes.POOR, codes.IUD, 1991),
    ("06", codes.POOR, codes.INJECTABLE, 1994),
]


def _record(village, changes, today):
    slip = services.slip_for(village, services.period_of(changes[0].occurred_on))
    return [e.person for e in services.record(slip, changes, today=today)[0]]


def create_fieldwork_demo(commune: OrgUnit) -> OrgUnit | None:
    """The village, once (None if it already exists)."""
    if OrgUnit.objects.filter(parent=commune, level=Level.VILLAGE, code=CODE).exists():
        return None
    today = timezone.localdate()
    old = list(legacy_communes_for(commune))
    village = create_village(commune, code=CODE, name="Buôn Minh Họa", unit_type=UnitType.HAMLET,
                             legacy_commune=old[0].code)  # fmt: skip
    day = today - datetime.timedelta(days=120)
    wife3 = None
    for number, poverty, method, born in COUPLES:
        household = services.create_household(village, number=number)
        services.set_poverty(household, today.year, poverty)
        (husband,) = _record(village, [Change("registration", day, household, person_data={
            "full_name": f"Y Bhin {number}", "sex": codes.MALE,
            "date_of_birth": datetime.date(born - 4, 1, 1), "relationship": codes.HEAD,
            "marital_status": codes.MARRIED, "ethnicity": "12"})], today)  # fmt: skip
        (wife,) = _record(village, [Change("registration", day, household, other_person=husband,
            person_data={"full_name": f"H'Hen {number}", "sex": codes.FEMALE,
                         "date_of_birth": datetime.date(born, 3, 8), "relationship": "2",
                         "marital_status": codes.MARRIED, "ethnicity": "12"},
            data={"method": method} if method else {})], today)  # fmt: skip
        if number == "03":
            wife3 = wife
    _accept(village)
    resupplied = today - datetime.timedelta(days=10)
    _record(village, [Change("method_resupply", resupplied, wife3.household, person=wife3)], today)
    _accept(village)
    return village


def _accept(village):
    for slip in Slip.objects.filter(village=village, status=Slip.Status.OPEN):
        services.submit(slip, None)
        services.accept(slip, None)


def create_move_demo(commune: OrgUnit) -> OrgUnit | None:
    """A woman of a commune of another province who moved out towards `commune` 20 days ago,
    with the son she had there: the commune's inbox expects her (once)."""
    origin = (
        OrgUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
        .exclude(province_code=commune.province_code)
        .order_by("path")
        .first()
    )
    if OrgUnit.objects.filter(parent=origin, level=Level.VILLAGE, code=CODE).exists():
        return None
    today = timezone.localdate()
    old = list(legacy_communes_for(origin))
    village = create_village(origin, code=CODE, name="Thôn Minh Họa", unit_type=UnitType.HAMLET,
                             legacy_commune=old[0].code)  # fmt: skip
    household = services.create_household(village, number="01")
    day = today - datetime.timedelta(days=200)
    (mother,) = _record(village, [Change("registration", day, household, person_data={
        "full_name": "H'Lan Êban", "sex": codes.FEMALE, "date_of_birth": datetime.date(1995, 6, 1),
        "relationship": codes.HEAD, "ethnicity": "12"})], today)  # fmt: skip
    born = today - datetime.timedelta(days=150)
    _record(village, [Change("birth", born, household, other_person=mother, place="1",
                             person_data={"full_name": "Y Minh Êban", "sex": codes.MALE,
                                          "date_of_birth": born})], today)  # fmt: skip
    _accept(village)
    left = today - datetime.timedelta(days=20)
    _record(village, [Change("move_out", left, household, person=mother,
                             data={"destination": commune.uid})], today)  # fmt: skip
    _accept(village)
    return village
