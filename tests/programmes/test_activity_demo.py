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
