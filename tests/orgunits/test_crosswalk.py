"""The old → new mapping of 1 July 2025, checked on cases known from public sources."""

import pytest

from danso.orgunits.models import Level, OrgUnit, UnitSuccession

pytestmark = pytest.mark.django_db


def successors(uid):
    links = UnitSuccession.objects.filter(old__uid=uid).select_related("new")
    return {link.new.uid: link for link in links}


def test_phuc_xa_went_whole_into_hong_ha():
    # Phường Phúc Xá (Ba Đình, Hà Nội) is part of Phường Hồng Hà since 1 July 2025.
    links = successors("LC00001")
    assert list(links) == ["C00097"]
    assert OrgUnit.objects.get(uid="C00097").name == "Phường Hồng Hà"
    assert not links["C00097"].is_split and links["C00097"].is_default


def test_a_split_commune_maps_to_several_with_one_default():
    split_olds = (
        UnitSuccession.objects.filter(is_split=True, old__level=Level.COMMUNE)
        .values_list("old__uid", flat=True)
        .distinct()
    )
    assert len(set(split_olds)) == 471
    for uid in list(split_olds)[:50]:
        links = successors(uid)
        assert len(links) >= 2
        assert sum(link.is_default for link in links.values()) == 1


def test_every_old_commune_maps_and_every_new_commune_has_a_source():
    old = OrgUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=False)
    assert old.exclude(successor_links__isnull=False).count() == 0
    new = OrgUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
    assert new.exclude(predecessor_links__isnull=False).count() == 0


def test_provinces_merged_whole():
    # Tiền Giang (82) went into Đồng Tháp (82) only (one package wrongly adds Tây Ninh).
    assert list(successors("LP82")) == ["P82"]
    assert set(
        UnitSuccession.objects.filter(new__uid="P82", old__level=Level.PROVINCE).values_list(
            "old__uid", flat=True
        )
    ) == {"LP82", "LP87"}
    assert list(successors("LP46")) == ["P46"]  # Thừa Thiên Huế became Huế on its own
    merged = UnitSuccession.objects.filter(old__level=Level.PROVINCE)
    assert merged.count() == 63
    assert merged.values("new").distinct().count() == 34


def test_island_districts_without_communes_became_special_zones():
    links = successors("LD498")  # huyện đảo Côn Đảo
    assert len(links) == 1
    (link,) = links.values()
    assert link.new.unit_type == "dac_khu"


def test_old_district_successors_are_derived_from_its_communes():
    district = OrgUnit.objects.get(uid="LD646")  # Huyện Ea Súp, Đắk Lắk
    expected = set(
        UnitSuccession.objects.filter(old__parent=district).values_list("new__uid", flat=True)
    )
    assert set(successors("LD646")) == expected
    assert "C24211" in expected
