"""Org-unit groups narrow the completeness page, the dashboard's ranking of the units below and
the progress page's units below (`?nhom=CODE`)."""

import pytest

from danso.orgunits.models import OrgUnit, OrgUnitGroup
from danso.programmes.plans import set_target
from danso.uids import uid_for

pytestmark = pytest.mark.django_db
EA_SUP, TUY_HOA = "Xã Ea Súp", "Phường Tuy Hòa"


@pytest.fixture
def ethnic(register):
    group = OrgUnitGroup.objects.create(uid=uid_for("oug", "DTTS"), code="DTTS", name="Vùng DTTS")
    group.members.add(OrgUnit.objects.get(uid="C24211"))
    return group


def test_completeness_of_a_group(ethnic, officer, login):
    client = login(officer)
    everyone = client.get("/bao-cao/tien-do/", {"bieu": "02-DSX", "dv": "P66", "ky": "2025Q3"})
    assert EA_SUP in everyone.content.decode() and TUY_HOA in everyone.content.decode()
    page = client.get("/bao-cao/tien-do/", {"bieu": "02-DSX", "dv": "P66", "ky": "2025Q3",
                                             "nhom": "DTTS"}).content.decode()  # fmt: skip
    assert EA_SUP in page and TUY_HOA not in page
    assert '<option value="DTTS" selected>Vùng DTTS</option>' in page


def test_dashboard_ranking_of_a_group(ethnic, officer, login):
    client = login(officer)
    page = client.get("/bang-dieu-khien/", {"dv": "P66"}).content.decode()
    assert EA_SUP in page and TUY_HOA in page
    page = client.get("/bang-dieu-khien/", {"dv": "P66", "nhom": "DTTS"}).content.decode()
    assert EA_SUP in page and TUY_HOA not in page


def test_progress_of_a_group(ethnic, officer, login):
    for uid in ("C24211", "C22015"):
        set_target(officer, OrgUnit.objects.get(uid=uid), 2025, "births", 4, direction="at_most")
    client = login(officer)
    page = client.get("/tien-do/", {"dv": "P66", "nam": "2025"}).content.decode()
    assert EA_SUP in page and TUY_HOA in page
    page = client.get("/tien-do/", {"dv": "P66", "nam": "2025", "nhom": "DTTS"}).content.decode()
    assert EA_SUP in page and TUY_HOA not in page
