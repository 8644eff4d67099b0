"""The province union's data set for 2024, counted from the registries, against figures worked
out by hand; a date range for cumulative figures; the commune branches and the old map."""

import datetime
from decimal import Decimal

import pytest

from danso.casework import counts
from danso.programmes import entry
from danso.programmes.models import DataSet
from danso.statistics.periods import Period

pytestmark = pytest.mark.django_db


def test_province_union_data_set_for_2024(recorded):
    """Hand-computed: detected 3 (cases 1, 2, 4), supported 1 (case 1; case 4's service came in
    2025), share 1 ÷ 3 = 33,3 %; one address set up in 2024; orphans 2 (children 1 and 3), both
    COVID-19; mobilised 1.500.000 + 200.000 + 300.000 + 1.000.000 = 3.000.000; one household
    meets all eight criteria in 2024."""
    data_set = DataSet.objects.get(code="HLHPN_NAM")
    form = entry.build_form(data_set, recorded["union"], Period.parse("2024"))
    got = {row.element.code: row.cells[0].value for row in form.rows}
    assert got == {
        "WU_DV_DETECTED": 3,
        "WU_DV_SUPPORTED": 1,
        "WU_TRUSTED_ADDRESSES": 1,
        "WU_5K3S_HOUSEHOLDS": 1,
        "WU_LATRINE_HOUSEHOLDS": None,
        "WU_CLEAN_WATER_HOUSEHOLDS": None,
        "WU_ORPHANS_SPONSORED": 2,
        "WU_ORPHANS_COVID": 2,
        "WU_SPONSOR_FUNDS": 3000000,
    }
    assert all(
        row.fed
        for row in form.rows
        if row.element.code.startswith(("WU_DV", "WU_ORPH", "WU_TRUSTED", "WU_5K3S", "WU_SPONSOR"))
    )
    share = {iv.indicator.code: iv for iv in form.indicators}["WU_DV_SUPPORTED_SHARE"]
    assert (share.numerator, share.denominator, share.value) == (1, 3, Decimal("33.3"))
    assert form.violations == []


def test_commune_branches_and_the_admin_units_roll_up(recorded):
    span = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    a = counts.figures(recorded["a"]["branch"], *span)
    b = counts.figures(recorded["b"]["branch"], *span)
    province = counts.figures(recorded["province"], *span)
    assert (a["WU_DV_DETECTED"], a["WU_DV_SUPPORTED"], a["WU_SPONSOR_FUNDS"]) == (2, 1, 2000000)
    assert (b["WU_DV_DETECTED"], b["WU_DV_SUPPORTED"], b["WU_SPONSOR_FUNDS"]) == (1, 0, 1000000)
    assert province == counts.figures(recorded["union"], *span)
    assert {k: a[k] + b[k] for k in a} == province
    # Another organisation of the commune keeps no union records.
    assert counts.figures(recorded["a"]["station"], *span)["WU_DV_DETECTED"] == 0


def test_a_date_range_gives_the_cumulative_figures(recorded):
    """1/1/2022 – 30/6/2025: 4 cases (case 3 of 2023 too), 3 supported (1, 3 and 4, whose
    service on 5/1/2025 is inside the range): 75,0 %; both addresses; 3 orphans."""
    got = counts.figures(recorded["union"], datetime.date(2022, 1, 1), datetime.date(2025, 6, 30))
    assert (got["WU_DV_DETECTED"], got["WU_DV_SUPPORTED"]) == (4, 3)
    assert (got["WU_TRUSTED_ADDRESSES"], got["WU_ORPHANS_SPONSORED"]) == (2, 3)
    # "As of May 2024": from the start of the registry to 31/5/2024.
    may = counts.figures(recorded["union"], datetime.date(2000, 1, 1), datetime.date(2024, 5, 31))
    assert (may["WU_DV_DETECTED"], may["WU_DV_SUPPORTED"], may["WU_ORPHANS_SPONSORED"]) == (2, 2, 2)


def test_the_old_map_counts_through_the_villages(recorded):
    """Commune A's village belongs to one pre-2025 commune: its records count there."""
    old = recorded["a"]["village"].legacy_commune
    got = counts.figures(old, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    # In A's village: case 1, child 1, one address, two 2024 assessments (one achieved); the
    # records placed on the commune count in the old commune only if it had one predecessor.
    single = recorded["a"]["commune"].predecessor_links.filter(old__level="commune").count() == 1
    assert got["WU_DV_DETECTED"] == (2 if single else 1)
    assert got["WU_ORPHANS_SPONSORED"] == 1
    assert got["WU_5K3S_HOUSEHOLDS"] == 1


def test_fed_cells_cannot_be_typed(recorded):
    data_set = DataSet.objects.get(code="HLHPN_NAM")
    errors = entry.save(
        recorded["province_cadre"],
        data_set,
        recorded["union"],
        Period.parse("2024"),
        {("WU_DV_DETECTED", "default"): "9"},
    )
    assert errors[("WU_DV_DETECTED", "default")].code == "not_typed_in"
