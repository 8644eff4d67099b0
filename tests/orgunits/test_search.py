import pytest

from danso.orgunits.models import OrgUnit
from danso.text import fold

pytestmark = pytest.mark.django_db


def names(query):
    return set(OrgUnit.objects.search(query).values_list("name", flat=True))


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("  Đắk   Lắk ") == "dak lak"
    assert fold("Ea H\u2019Leo") == "ea h'leo"


@pytest.mark.parametrize("query", ["ea sup", "Ea Súp", "EA SUP", "ea   súp"])
def test_search_without_diacritics_finds_ea_sup(query):
    assert {"Xã Ea Súp", "Huyện Ea Súp", "Thị trấn Ea Súp"} <= names(query)


def test_search_ngoc_lam():
    found = names("ngoc lam")
    assert {"Xã Ngọc Lâm", "Phường Ngọc Lâm"} <= found
    assert all("Ngọc Lâm" in name for name in found)


def test_search_by_code_and_uid():
    assert names("24211") == {"Xã Ea Súp", "Thị trấn Ea Súp"}
    assert names("LD646") == {"Huyện Ea Súp"}


def test_blank_query_finds_nothing():
    assert names("   ") == set()
