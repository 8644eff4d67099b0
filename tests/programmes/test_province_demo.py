"""`danso demo` gives a province where every commune has figures: people in every village,
activities and data values in the current and previous year, and a plan whose progress is a
mix of on track and lagging."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from danso.demo import create_demo, create_province_figures
from danso.orgunits.models import Level, OrgUnit
from danso.programmes import maps, progress
from danso.programmes.models import Activity, DataValue, Plan
from danso.register.generate import generate
from danso.register.models import Person
from danso.statistics.compute import compute
from danso.statistics.periods import Period

pytestmark = pytest.mark.django_db


def test_the_demo_province_has_figures_in_every_commune():
    """One demo (it takes a few seconds), every check on it."""
    create_demo()
    generate("66", people=4000, years=2, seed=3)
    create_province_figures()
    create_province_figures()  # idempotent
    province = OrgUnit.objects.get(uid="P66")
    every_village_of_every_commune_has_people(province)
    every_commune_has_register_figures_for_the_last_year(province)
    every_commune_has_activities_and_values_in_both_years(province)
    partner_organisations_include_an_industrial_zone_and_the_womens_union(province)
    the_plan_reaches_every_commune_with_a_mix_of_on_track_and_lagging(province)
    every_data_value_is_on_the_map_of_its_period()


def _communes(province):
    return list(OrgUnit.objects.filter(parent=province, level=Level.COMMUNE))


def every_village_of_every_commune_has_people(province):
    communes = _communes(province)
    assert len(communes) == 102
    villages = OrgUnit.objects.filter(parent__in=communes, level=Level.VILLAGE)
    peopled = set(Person.objects.values_list("household__village", flat=True).distinct())
    assert all(c.children.filter(level=Level.VILLAGE).count() >= 3 for c in communes)
    assert set(villages.values_list("pk", flat=True)) <= peopled


def every_commune_has_register_figures_for_the_last_year(province):
    year = timezone.localdate().year - 1
    figures = compute(province, Period.parse(str(year)), with_children=True)
    for commune in _communes(province):
        assert figures.value(commune.uid, "residents") > 0, commune.name


def every_commune_has_activities_and_values_in_both_years(province):
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        organisers = Counter(
            Activity.objects.filter(
                start_date__year=year, organiser__level=Level.COMMUNE
            ).values_list("organiser", flat=True)
        )
        assert len(organisers) == 102
        assert min(organisers.values()) >= (3 if year == this_year else 12)
    last_year = DataValue.objects.filter(
        data_element__code="XA_CLUBS_ACTIVE", period_start__year=this_year - 1,
        org_unit__in=_communes(province),
    )  # fmt: skip
    assert last_year.values("org_unit").distinct().count() == 102


def every_data_value_is_on_the_map_of_its_period():
    """The demo obeys the entry rule (maps.check_period): 2025Q2 and before on the old units,
    from 2025Q3 on the new; and the old communes do hold the first half of 2025."""
    refused = []
    for value in DataValue.objects.select_related("org_unit"):
        try:
            maps.check_period(value.org_unit, value.period_start, value.period_end)
        except maps.MapError as err:
            refused.append((value.org_unit.uid, value.period, err.code))
    assert refused == []
    first_half = DataValue.objects.filter(data_element__code="XA_CLUBS_ACTIVE", period="2025Q2")
    held_by = set(first_half.values_list("org_unit__uid", flat=True))
    assert held_by and all(uid.startswith("LC") for uid in held_by)
    demo_commune = OrgUnit.objects.get(parent__uid="P66", short_name="Ea Súp")
    old = demo_commune.children.filter(level=Level.VILLAGE).values_list(
        "legacy_commune__uid", flat=True
    )
    assert set(old) <= held_by  # the old communes its villages belonged to


def partner_organisations_include_an_industrial_zone_and_the_womens_union(province):
    kinds = set(
        OrgUnit.objects.filter(
            path__startswith=province.path, level=Level.ORGANISATION
        ).values_list("unit_type", flat=True)
    )
    assert {"khu_cong_nghiep", "doanh_nghiep", "hoi_lhpn", "hoi_khhgd"} <= kinds
    zone = OrgUnit.objects.get(path__startswith=province.path, unit_type="khu_cong_nghiep")
    assert DataValue.objects.filter(org_unit=zone).exists()


def the_plan_reaches_every_commune_with_a_mix_of_on_track_and_lagging(province):
    today = timezone.localdate()
    plans = Plan.objects.filter(unit__parent=province, unit__level=Level.COMMUNE, year=today.year)
    assert plans.count() == 102
    # Mid-year, where every commune's pace shows; the statuses mix, as in a real province.
    day = max(datetime.date(today.year, 7, 31), min(today, datetime.date(today.year, 11, 30)))
    rows = [r for u in progress.progress(province, today.year, day) for r in u.rows]
    reached = Counter(r.status for r in rows if r.metric.code == "ACT_COMM_REACHED")
    assert reached["green"] > reached["amber"] > 0 and reached["red"] > 0
    assert reached["green"] / sum(reached.values()) >= 0.5
