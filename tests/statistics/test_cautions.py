"""Small numbers: an indicator computed from too few events or people carries a caution that
names the count it rests on, on the report's cells and in its JSON; enough of them, none."""

import pytest

from danso.orgunits.models import OrgUnit
from danso.statistics.compute import Figures
from danso.statistics.forms import FORMS
from danso.statistics.periods import Period
from danso.statistics.report import _cell, as_json, build

pytestmark = pytest.mark.django_db
YEAR = Period.parse("2025")


def _figures(**values) -> Figures:
    unit = OrgUnit.objects.get(uid="C24211")
    return Figures(unit, YEAR, [unit], {unit.uid: values})


def test_a_sex_ratio_from_seven_births_is_cautioned():
    # 5 boys, 2 girls: 5 / 2 × 100 = 250,0, from 7 births, fewer than the 100 it needs.
    cell = _cell(_figures(births=7, births_male=5, births_female=2), "C24211", "srb")
    assert cell.value == 250.0
    assert cell.caution is not None
    assert "7" in cell.caution and "100" in cell.caution and "số trẻ sinh ra" in cell.caution


def test_a_sex_ratio_from_enough_births_is_not():
    # 110 boys, 100 girls: 110,0 from 210 births.
    cell = _cell(_figures(births=210, births_male=110, births_female=100), "C24211", "srb")
    assert cell.value == 110.0
    assert cell.caution is None


def test_each_indicator_judges_its_own_base():
    # CPR rests on married women (25 ≥ 20): no caution, though only 3 births were counted.
    figures = _figures(births=3, births_male=2, births_female=1, users=15,
                       married_women_15_49=25)  # fmt: skip
    assert _cell(figures, "C24211", "cpr").value == 60.0
    assert _cell(figures, "C24211", "cpr").caution is None
    # The share of third births rests on births: 3 < 20.
    assert _cell(figures, "C24211", "third_share").caution is not None


def test_a_value_that_cannot_be_computed_carries_no_caution():
    cell = _cell(_figures(births=0), "C24211", "srb")  # 0 girls: no ratio at all
    assert cell.value is None and cell.caution is None


def test_the_report_json_lists_a_caution_per_column():
    report = build(FORMS["03-DSX"], OrgUnit.objects.get(uid="C24211"), YEAR)
    rows = {row["code"]: row for row in as_json(report)["rows"]}
    for row in rows.values():
        assert len(row["cautions"]) == len(row["values"])
    # An empty commune: no births, so no sex ratio and no caution; counts never carry one.
    assert rows["srb"]["values"] == [None] and rows["srb"]["cautions"] == [None]
    # No married women: no CPR either.
    assert rows["cpr"]["values"] == [None] and rows["cpr"]["cautions"] == [None]
    assert rows["births"]["cautions"] == [None]
