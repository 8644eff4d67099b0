"""The loaded trees hold the official counts (see docs/org-units.md for the sources)."""

from collections import Counter

import pytest

from danso.orgunits.loading import load_units
from danso.orgunits.models import LEGACY_VALID_TO, REFORM_DATE, Level, OrgUnit

pytestmark = pytest.mark.django_db


def _types(level, legacy):
    units = OrgUnit.objects.filter(level=level, valid_to__isnull=not legacy)
    return Counter(units.values_list("unit_type", flat=True))


def test_current_tree_has_34_provinces_and_3321_communes():
    assert sum(_types(Level.PROVINCE, legacy=False).values()) == 34
    communes = _types(Level.COMMUNE, legacy=False)
    assert communes == {"xa": 2621, "phuong": 687, "dac_khu": 13}


def test_legacy_tree_has_63_provinces_696_districts_10035_communes():
    assert sum(_types(Level.PROVINCE, legacy=True).values()) == 63
    assert sum(_types(Level.DISTRICT, legacy=True).values()) == 696
    assert sum(_types(Level.COMMUNE, legacy=True).values()) == 10035


def test_validity_dates_split_at_the_reform():
    assert not OrgUnit.objects.filter(valid_to__isnull=False).exclude(valid_to=LEGACY_VALID_TO)
    current = OrgUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
    assert set(current.values_list("valid_from", flat=True)) == {REFORM_DATE}
    on_2024 = OrgUnit.objects.current(LEGACY_VALID_TO).filter(level=Level.PROVINCE)
    assert on_2024.count() == 63
    assert OrgUnit.objects.current(REFORM_DATE).filter(level=Level.PROVINCE).count() == 34


def test_names_codes_and_paths_of_known_units():
    hanoi = OrgUnit.objects.get(uid="P01")
    assert (hanoi.name, hanoi.unit_type) == ("Thành phố Hà Nội", "thanh_pho_tw")
    ea_sup = OrgUnit.objects.get(uid="C24211")
    assert ea_sup.name == "Xã Ea Súp"
    assert ea_sup.path == "/VN/P66/C24211/"
    assert ea_sup.province_code == "66"
    old_ea_sup = OrgUnit.objects.get(uid="LC24211")
    assert old_ea_sup.name == "Thị trấn Ea Súp"
    assert old_ea_sup.path == "/VN/LP66/LD646/LC24211/"


def test_loading_again_changes_nothing():
    before = OrgUnit.objects.count()
    summary = load_units()
    assert summary.created == 0
    assert summary.updated == before - 1  # every unit but the root is upserted
    assert OrgUnit.objects.count() == before
