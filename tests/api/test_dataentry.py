"""The data entry API: read a form, save cells all or nothing with every refused cell listed,
submit; scope, sensitivity and the approval lock."""

import pytest

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_organisation
from danso.programmes.models import DataValue
from danso.statistics import cycle
from danso.statistics.models import Submission


@pytest.fixture
def fpa(db, make_user):
    province = OrgUnit.objects.get(uid="P66")
    org = create_organisation(province, code="HKHHGD", name="Hội KHHGĐ tỉnh Đắk Lắk",
                              unit_type="hoi_khhgd")  # fmt: skip
    staff = make_user("hoi", Role.PARTNER, org)
    return org, staff, make_user("tinh", Role.PROVINCE, province)


def test_read_save_and_submit(fpa, bearer):
    org, staff, province = fpa
    client = bearer(staff)
    url = f"/api/v1/dataEntry/HKHHGD_NAM/{org.uid}/2023"
    form = client.get(url).json()
    assert (form["locked"], form["canEnter"]) == (False, True)
    rows = {r["dataElement"]: r for s in form["sections"] for r in s["rows"]}
    assert rows["ACT_MOBILE_TRIPS"]["fed"] and not rows["FPA_CLIENTS"]["fed"]
    assert rows["FPA_CLIENTS"]["cells"] == [
        {"categoryOptionCombo": "default", "name": "Tổng", "value": None, "comment": "",
         "flag": ""}
    ]  # fmt: skip

    bad = {"values": [{"dataElement": "FPA_CLIENTS", "value": "5.838"},
                      {"dataElement": "FPA_FP_CLINIC", "value": "-1"},
                      {"dataElement": "ACT_MOBILE_TRIPS", "value": "10"}]}  # fmt: skip
    response = client.post(url, bad, content_type="application/json")
    assert response.status_code == 422
    assert sorted((e["dataElement"], e["code"]) for e in response.json()["errors"]) == [
        ("ACT_MOBILE_TRIPS", "not_typed_in"), ("FPA_FP_CLINIC", "negative")
    ]  # fmt: skip
    assert DataValue.objects.count() == 0

    good = {"values": [{"dataElement": "FPA_CLIENTS", "value": "5.838", "comment": "cả năm"},
                       {"dataElement": "FPA_FP_CLINIC", "value": "6000"}]}  # fmt: skip
    response = client.post(url, good, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert [v["code"] for v in body["violations"]] == ["FPA_CLINIC_LE_CLIENTS"]
    saved = DataValue.objects.get(data_element__code="FPA_CLIENTS")
    assert (saved.value, saved.comment, saved.source) == (5838, "cả năm", "api")

    response = client.post(f"{url}/submit")
    assert response.status_code == 201 and response.json()["version"] == 1
    cycle.approve(Submission.objects.get(), province)
    response = client.post(url, good, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "locked")
    assert client.get(url).json()["locked"] is True


def test_scope_period_and_sensitive(fpa, bearer, make_user, two_communes):
    org, staff, _province = fpa
    outsider = bearer(two_communes["a"]["user"])
    assert outsider.get(f"/api/v1/dataEntry/HKHHGD_NAM/{org.uid}/2023").status_code == 404
    client = bearer(staff)
    response = client.get(f"/api/v1/dataEntry/HKHHGD_NAM/{org.uid}/2023Q1")
    assert response.status_code == 400 and "wrong_period_type" in response.json()["detail"]
    wu = create_organisation(org.parent, code="HLHPN", name="Hội LHPN", unit_type="hoi_lhpn")
    plain = bearer(make_user("phunu", Role.PARTNER, wu))
    allowed = bearer(make_user("phunu2", Role.PARTNER, wu, sensitive=True))
    assert plain.get(f"/api/v1/dataEntry/HLHPN_NAM/{wu.uid}/2023").status_code == 404
    assert allowed.get(f"/api/v1/dataEntry/HLHPN_NAM/{wu.uid}/2023").status_code == 200
