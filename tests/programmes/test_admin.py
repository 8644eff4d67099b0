"""Expected ranges and added metadata are kept in /quan-tri/ by national administrators only."""

from decimal import Decimal

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.programmes.models import DataElement, MinMax


def test_national_administrators_set_expected_ranges(make_user, login):
    national = login(make_user("quantri", Role.ADMIN, OrgUnit.objects.get(uid="VN")))
    provincial = login(make_user("quantri66", Role.ADMIN, OrgUnit.objects.get(uid="P66")))
    element = DataElement.objects.get(code="FPA_CLIENTS")
    url = "/quan-tri/programmes/minmax/add/"
    assert provincial.get(url).status_code == 403
    assert provincial.get("/quan-tri/programmes/dataelement/").status_code == 403
    assert national.get("/quan-tri/programmes/dataset/").status_code == 200
    response = national.post(url, {"data_element": element.pk, "minimum": "100",
                                   "maximum": "8000"})  # fmt: skip
    assert response.status_code == 302
    saved = MinMax.objects.get()
    assert (saved.data_element, saved.minimum, saved.maximum) == (element, Decimal(100), 8000)
    # The unit is picked by searching, with or without diacritics.
    found = national.get("/quan-tri/autocomplete/", {"term": "dak lak", "app_label": "programmes",
                                                      "model_name": "minmax",
                                                      "field_name": "org_unit"})  # fmt: skip
    assert "Tỉnh Đắk Lắk" in [r["text"] for r in found.json()["results"]]
