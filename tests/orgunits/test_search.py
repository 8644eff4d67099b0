import pytest

from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.text import fold, squeeze

pytestmark = pytest.mark.django_db


def names(query):
    return set(OrgUnit.objects.search(query).values_list("name", flat=True))


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("  Đắk   Lắk ") == "dak lak"
    assert fold("Ea H\u2019Leo") == "ea h'leo"


@pytest.mark.parametrize("query", ["ea sup", "Ea Súp", "EA SUP", "ea   súp"])
def test_search_without_diacritics_finds_ea_sup(query):
    assert {"Xã Ea Súp", "Huyện Ea Súp", "Thị trấn Ea Súp"} <= names(query)


def test_squeeze_drops_apostrophes_and_spaces():
    assert squeeze("Huyện M\u2019Đrắk") == "huyenmdrak"
    assert squeeze(" Cư  Prao ") == "cuprao"


@pytest.mark.parametrize("query", ["mdrak", "m'drak", "M\u2019Đrắk", "MĐRẮK", "m drak"])
def test_search_ignores_apostrophes_mdrak(query):
    assert {"Huyện M'Đrắk", "Thị trấn M'Drắk", "Xã M'Drắk"} <= names(query)


@pytest.mark.parametrize("query", ["ea hleo", "Ea H'leo", "eahleo", "EA H\u2019LEO"])
def test_search_ignores_apostrophes_and_spaces_ea_hleo(query):
    assert {"Huyện Ea H'leo", "Xã Ea H'leo", "Xã Ea H'Leo"} <= names(query)


@pytest.mark.parametrize("query", ["cuprao", "cu prao", "Cư Prao", "CƯPRAO"])
def test_search_ignores_spaces_cu_prao(query):
    found = names(query)
    assert found == {"Xã Cư Prao"}  # the old and the current commune of that name
    assert OrgUnit.objects.search(query).count() == 2


def test_every_word_must_match():
    assert names("ea sup") and not names("ea sup krong")
    assert names("hleo ea") == names("ea hleo")  # in any order


def test_a_new_village_is_found_the_same_way(db):
    commune = OrgUnit.objects.get(uid="C24211")
    create_village(
        commune, code="09", name="Buôn Ea H'Zút", unit_type="ban", legacy_commune="24211"
    )
    assert names("eahzut") == {"Buôn Ea H'Zút"}
    assert names("ea h'zut") == {"Buôn Ea H'Zút"}


def test_search_ngoc_lam():
    found = names("ngoc lam")
    assert {"Xã Ngọc Lâm", "Phường Ngọc Lâm"} <= found
    assert all("Ngọc Lâm" in name for name in found)


def test_search_by_code_and_uid():
    assert names("24211") == {"Xã Ea Súp", "Thị trấn Ea Súp"}
    assert names("LD646") == {"Huyện Ea Súp"}


@pytest.mark.parametrize("query", ["   ", "'", " ' ’ "])
def test_blank_query_finds_nothing(query):
    assert names(query) == set()
