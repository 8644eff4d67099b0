"""The demo's activities hold the seed figures of the FP Association of Đắk Lắk for 2023."""

import pytest

from danso.demo import create_demo
from danso.orgunits.models import OrgUnit
from danso.programmes.aggregate import element_values, totals
from danso.programmes.models import Activity, Club, DataElement

from .conftest import D

pytestmark = pytest.mark.django_db


def test_the_association_2023_and_a_commune_club_once(db):
    create_demo()
    create_demo()  # idempotent
    fpa = OrgUnit.objects.get(uid="P66-HKHHGD")
    elements = DataElement.objects.filter(
        code__in=["ACT_MOBILE_TRIPS", "ACT_MOBILE_CLIENTS", "ACT_COMM_REACHED"]
    ).select_related("category_combo")
    year = totals(element_values(elements, fpa.path, D(2023, 1, 1), D(2023, 12, 31)))
    assert year == {"ACT_MOBILE_TRIPS": 10, "ACT_MOBILE_CLIENTS": 1253, "ACT_COMM_REACHED": 487}
    trips = Activity.objects.filter(organiser=fpa, kind="mobile_trip")
    districts = {p.parent.uid for t in trips for p in t.places.select_related("parent")}
    assert districts == {"LD652", "LD646", "LD645", "LD649"}  # M'Đrắk, Ea Súp, Ea H'leo, Krông Búk
    assert all(p.uid.startswith("LC") for t in trips for p in t.places.all())

    (club,) = Club.objects.all()
    assert club.members.count() == 6
    assert club.sessions.count() == 3
    assert club.organiser.level == "commune"


def test_the_association_2023_form_holds_the_seed_figures(db):
    """domain.md: 487 reached, 5,838 clients, 266 FP clients at the clinic, 1,253 served in
    the community (the trips), 1,325 counselled and 1,384 served at the clinic, 39 special
    counselling, 10 trips; 1,253 ÷ 10 = 125,3 clients per trip."""
    from danso.programmes import entry
    from danso.programmes.models import DataSet
    from danso.statistics.periods import Period

    create_demo()
    fpa = OrgUnit.objects.get(uid="P66-HKHHGD")
    form = entry.build_form(DataSet.objects.get(code="HKHHGD_NAM"), fpa, Period.parse("2023"))
    totals_by_code = {r.element.code: sum(c.value or 0 for c in r.cells) for r in form.rows}
    assert totals_by_code == {
        "ACT_COMM_SESSIONS": 6, "ACT_COMM_REACHED": 487, "FPA_CLIENTS": 5838,
        "FPA_FP_CLINIC": 266, "ACT_MOBILE_TRIPS": 10, "ACT_MOBILE_CLIENTS": 1253,
        "FPA_SRH_COUNSEL_CLINIC": 1325, "FPA_SRH_SERVICE_CLINIC": 1384,
        "FPA_SPECIAL_COUNSEL": 39,
    }  # fmt: skip
    assert form.violations == []
    assert [(i.indicator.code, str(i.value)) for i in form.indicators] == [
        ("ACT_CLIENTS_PER_TRIP", "125.3")
    ]
