"""The analysis engine against figures worked out by hand on the statistics tests' register
(tests/statistics/test_reports.py has the people and events):

on 30/09/2025          Xã Ea Súp (A, village A1)   Phường Tuy Hòa (B, village B1)
  residents                 5                        3
  married women 15–49       2 (W1, W2)               2 (W3, W4)
  users                     1 (W1 IUD)               1 (W3 pill)
  births 2025Q2             0                        1 (girl, 01/05)
  births 2025Q3             1 (boy, 2nd child)       0
on 30/06/2025 residents A 5 (M1 W1 G1 W2 M2), B 3 (M3 W3 girl).
So CPR 2025Q3 = 1 ÷ 2 = 50,0 % in each commune and 2 ÷ 4 = 50,0 % for both together; the
third-or-higher share of A = 0 ÷ 1 = 0,0 %, of B 0 ÷ 0 = none; CBR of A in 2025Q3 =
1 ÷ ((5 + 5) ÷ 2) × 1000 × 365 ÷ 92 = 793,478… ‰ → 793,5.
"""

import datetime
from decimal import Decimal

import pytest

from danso.accounts.models import Role
from danso.analysis.errors import AnalysisError
from danso.analysis.periods import RELATIVE
from danso.analysis.query import OU_FILTER, run
from danso.orgunits.models import Level, OrgUnit, OrgUnitGroup, OrgUnitGroupSet
from danso.programmes.activities import ActivityInput, save_activity
from danso.programmes.models import CategoryOptionCombo, DataElement, DataValue
from danso.programmes.plans import set_target
from danso.uids import uid_for

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 1)
A, B = "C24211", "C22015"


def ask(user, dimension, filter=(), **shortcuts):
    return run(user, list(dimension), list(filter), shortcuts, today=TODAY)


def value(result, dx, pe, ou):
    return result.cell(dx, pe, ou).value


def test_rates_with_their_parts_and_cautions_by_commune(register, officer):
    r = ask(officer, ["dx:cpr;births;third_share;cbr", "pe:2025Q3", "ou:P66;LEVEL-3"])
    communes = OrgUnit.objects.filter(parent__uid="P66", level=Level.COMMUNE).count()
    assert [k for k, _n in r.items("ou")] == sorted(
        OrgUnit.objects.filter(parent__uid="P66", level=Level.COMMUNE).values_list(
            "uid", flat=True
        ),
        key=lambda uid: OrgUnit.objects.get(uid=uid).path,
    )
    assert len(r.units) == communes  # P66 is the boundary, not a row itself
    cpr = r.cell("cpr", "2025Q3", A)
    assert (cpr.value, cpr.numerator, cpr.denominator) == (50.0, 1, 2)
    assert "2" in cpr.caution and "20" in cpr.caution  # from 2 married women, fewer than 20
    assert value(r, "births", "2025Q3", A) == 1 and value(r, "births", "2025Q3", B) == 0
    third_a, third_b = r.cell("third_share", "2025Q3", A), r.cell("third_share", "2025Q3", B)
    assert (third_a.value, third_a.numerator, third_a.denominator) == (0.0, 0, 1)
    assert (third_b.value, third_b.numerator, third_b.denominator) == (None, 0, 0)
    cbr = r.cell("cbr", "2025Q3", A)
    assert (cbr.value, cbr.numerator, cbr.denominator) == (793.5, 1, 5)
    other = next(k for k, _n in r.items("ou") if k not in (A, B))
    assert value(r, "births", "2025Q3", other) == 0 and value(r, "cpr", "2025Q3", other) is None


def test_units_as_a_filter_add_up_once(register, officer):
    r = ask(officer, ["dx:cpr;residents;births", "pe:2025Q2;2025Q3"], [f"ou:{A};{B}"])
    assert r.filters == ["ou"] and [u.key for u in r.units] == [OU_FILTER]
    cpr = r.cell("cpr", "2025Q3", OU_FILTER)
    assert (cpr.value, cpr.numerator, cpr.denominator) == (50.0, 2, 4)
    assert value(r, "births", "2025Q2", OU_FILTER) == 1
    # A unit and a unit inside it: each village once, 8 residents, not 13.
    r = ask(officer, ["dx:residents", "pe:2025Q3"], [f"ou:P66;{A}"])
    assert value(r, "residents", "2025Q3", OU_FILTER) == 8


def test_periods_as_a_filter_are_one_span(register, officer):
    r = ask(officer, ["dx:births;residents", "ou:P66"], ["pe:2025Q2;2025Q3"])
    span = r.periods[0]
    assert (span.span.start, span.span.end) == (D(2025, 4, 1), D(2025, 9, 30))
    assert value(r, "births", span.key, "P66") == 2  # the girl in May, the boy in August
    assert value(r, "residents", span.key, "P66") == 8  # a stock: on the span's last day
    with pytest.raises(AnalysisError) as err:
        ask(officer, ["dx:births", "ou:P66"], ["pe:2025Q1;2025Q3"])
    assert err.value.code == "periods_not_contiguous"


def test_the_old_map(register, officer, unit):
    """Ea Súp came from old Đắk Lắk; Tuy Hòa from old Phú Yên: the same people by old
    province on 30/06/2025."""
    old_b = unit(B).predecessor_links.filter(old__level="commune").first().old.parent.parent
    r = ask(officer, ["dx:residents", "pe:2025Q2", f"ou:LP66;{old_b.uid}"])
    assert value(r, "residents", "2025Q2", "LP66") == 5
    assert value(r, "residents", "2025Q2", old_b.uid) == 3


def test_relative_periods():
    ids = {name: [p.id for p in make(TODAY)] for name, make in RELATIVE.items()}
    assert ids["LAST_4_QUARTERS"] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert ids["LAST_8_QUARTERS"][0] == "2024Q4" and len(ids["LAST_8_QUARTERS"]) == 8
    assert ids["THIS_YEAR"] == ["2026"] and ids["LAST_YEAR"] == ["2025"]
    assert ids["LAST_12_MONTHS"][0] == "202511" and ids["LAST_12_MONTHS"][-1] == "202610"
    assert ids["QUARTERS_THIS_YEAR"] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert ids["LAST_2_SIXMONTHS"] == ["2025S2", "2026S1"]
    assert ids["THIS_MONTH"] == ["202611"] and ids["LAST_MONTH"] == ["202610"]


def _group(code, *uids):
    group = OrgUnitGroup.objects.create(uid=uid_for("oug", code), code=code, name=code)
    group.members.add(*OrgUnit.objects.filter(uid__in=uids))
    return group


def test_groups_as_units_and_as_a_dimension(register, officer):
    ethnic = _group("DTTS", A)
    r = ask(officer, ["dx:births", "pe:2025Q3", "ou:P66;OU_GROUP-DTTS"])
    assert [u.key for u in r.units] == [A]
    ethnic.members.add(OrgUnit.objects.get(uid="P66"))
    r = ask(officer, ["dx:births", "pe:2025Q3", "ou:P66;OU_GROUP-DTTS"])
    assert [u.key for u in r.units] == ["P66", A]
    r = ask(officer, ["dx:births", "pe:2025Q3", "ou:P66;LEVEL-3;OU_GROUP-DTTS"])
    assert [u.key for u in r.units] == [A]  # the group's members at the level
    r = ask(officer, ["dx:births", "pe:2025Q3", "ou:P66;LEVEL-2;LEVEL-3"])  # levels add up
    assert r.units[0].key == "P66" and len(r.units) > 2
    other = _group("OTHER", B)
    areas = OrgUnitGroupSet.objects.create(uid=uid_for("ougs", "KV"), code="KV", name="Khu vực")
    areas.groups.add(ethnic, other)
    r = ask(officer, ["dx:cpr;births", "pe:2025Q2;2025Q3", "KV"], ["ou:P66"])
    assert r.ou_dimension == "KV" and [u.key for u in r.units] == ["DTTS", "OTHER"]
    assert r.filters == []  # the ou filter is where the groups are taken, not an axis
    assert value(r, "births", "2025Q3", "DTTS") == 1 and value(r, "births", "2025Q2", "OTHER") == 1
    cpr = r.cell("cpr", "2025Q3", "OTHER")
    assert (cpr.value, cpr.numerator, cpr.denominator) == (50.0, 1, 2)
    with pytest.raises(AnalysisError) as err:
        ask(officer, ["dx:births", "pe:2025Q3", "KV:NOPE"], ["ou:P66"])
    assert err.value.code == "unknown_group"


def test_scoped_to_the_user(register, make_user, unit):
    commune = make_user("xa", Role.COMMUNE, unit(A))
    with pytest.raises(AnalysisError) as err:
        ask(commune, ["dx:births", "pe:2025Q3", f"ou:{B}"])
    assert err.value.code == "unknown_unit"
    r = ask(commune, ["dx:births", "pe:2025Q3", "ou:USER_ORGUNIT"])
    assert [u.key for u in r.units] == [A]
    r = ask(commune, ["dx:births", "pe:2025Q3", "ou:LEVEL-3"])  # inside the user's own units
    assert [u.key for u in r.units] == [A]
    r = ask(commune, ["dx:births", "pe:2025Q3", "ou:USER_ORGUNIT_CHILDREN"])
    assert [u.level for u in r.units[0].units] == [Level.VILLAGE]
    _group("FAR", B)
    with pytest.raises(AnalysisError) as err:
        ask(commune, ["dx:births", "pe:2025Q3", "ou:OU_GROUP-FAR"])  # its member is not theirs
    assert err.value.code == "no_units"


def test_refusals(register, make_user, unit, officer):
    plain = make_user("tinh2", Role.PROVINCE, unit("P66"))
    for dims, filters, code in [
        (["dx:nope;births", "pe:2025Q3", "ou:P66"], [], "unknown_figure"),
        (["dx:WU_DV_DETECTED", "pe:2025Q3", "ou:P66"], [], "sensitive"),
        (["dx:births", "pe:2025Q5", "ou:P66"], [], "invalid_period"),
        (["dx:births", "pe:2025Q3", "ou:LEVEL-9"], [], "invalid_level"),
        (["dx:births", "ou:P66"], [], "missing_dimension"),
        (["dx:births", "pe:2025Q3", "ou:P66"], ["pe:2025Q2"], "repeated_dimension"),
        (["pe:2025Q3", "ou:P66"], ["dx:births;deaths"], "dx_filter"),
    ]:
        with pytest.raises(AnalysisError) as err:
            ask(plain, dims, filters)
        assert err.value.code == code, dims
    assert ask(officer, ["dx:WU_DV_DETECTED", "pe:2025Q3", "ou:P66"]).figures  # permitted


def _value(element, coc, unit, period, amount, start, end):
    DataValue.objects.create(
        data_element=DataElement.objects.get(code=element),
        option_combo=CategoryOptionCombo.objects.get(code=coc), org_unit=unit,
        ou_path=unit.path, period=period, period_start=start, period_end=end,
        value=Decimal(amount),
    )  # fmt: skip


def test_data_elements_their_disaggregation_and_indicators(two_communes, officer):
    """Workers served in 2025Q3 at commune a: 6 men and 4 women Kinh, 3 men and 2 women of
    ethnic minorities; in July at commune b 5 Kinh women. Share of ethnic minorities at a:
    (3 + 2) ÷ 15 = 33,3 %, from fewer than 20 (a caution); for the province 5 ÷ 20 = 25,0 %."""
    a, b = two_communes["a"]["commune"], two_communes["b"]["commune"]
    q3 = ("2025Q3", D(2025, 7, 1), D(2025, 9, 30))
    for coc, n in [("MALE_KINH", 6), ("FEMALE_KINH", 4), ("MALE_ETHNIC_MINORITY", 3),
                   ("FEMALE_ETHNIC_MINORITY", 2)]:  # fmt: skip
        _value("KCN_WORKERS_SERVED", coc, a, *q3[:1], n, *q3[1:])
    _value("KCN_WORKERS_SERVED", "FEMALE_KINH", b, "202507", 5, D(2025, 7, 1), D(2025, 7, 31))
    dx = "dx:KCN_WORKERS_SERVED;KCN_WORKERS_SERVED.FEMALE_KINH;KCN_ETHNIC_MINORITY_SHARE"
    r = ask(officer, [dx, "pe:2025Q3", f"ou:P66;{a.uid};{b.uid}"])
    assert value(r, "KCN_WORKERS_SERVED", "2025Q3", a.uid) == 15
    assert value(r, "KCN_WORKERS_SERVED.FEMALE_KINH", "2025Q3", b.uid) == 5
    assert value(r, "KCN_WORKERS_SERVED", "2025Q3", "P66") == 20
    share = r.cell("KCN_ETHNIC_MINORITY_SHARE", "2025Q3", a.uid)
    assert (share.value, share.numerator, share.denominator) == (33.3, 5, 15) and share.caution
    share = r.cell("KCN_ETHNIC_MINORITY_SHARE", "2025Q3", "P66")
    assert (share.value, share.numerator, share.denominator, share.caution) == (25.0, 5, 20, None)
    # A quarter's value is not inside a month; nothing entered is "no data", not 0.
    r = ask(officer, ["dx:KCN_WORKERS_SERVED", "pe:202508;202507", f"ou:{a.uid};{b.uid}"])
    assert value(r, "KCN_WORKERS_SERVED", "202507", a.uid) is None
    assert value(r, "KCN_WORKERS_SERVED", "202507", b.uid) == 5


def test_activity_measures_and_what_they_feed(two_communes, officer):
    """One mobile trip of commune a on 05/08/2025: 7 women and 3 men took part, 4 IUDs and 2
    pill clients. Clients per trip: 6 ÷ 1 = 6,0, from one trip (a caution)."""
    a = two_communes["a"]
    save_activity(a["user"], ActivityInput(
        kind="mobile_trip", start_date=D(2025, 8, 5), organiser=a["commune"].uid,
        title="Chuyến lưu động", participants=[("general", "female", 7), ("general", "male", 3)],
        services=[("iud", 4), ("pill", 2)],
    ), today=TODAY)  # fmt: skip
    dx = (
        "dx:ACTIVITIES.mobile_trip;ACTIVITIES.ALL;PARTICIPANTS.ALL;CLIENTS.iud;CLIENTS.ALL;"
        "ACT_MOBILE_TRIPS;ACT_MOBILE_CLIENTS;ACT_CLIENTS_PER_TRIP;ACTIVITIES.training"
    )
    r = ask(officer, [dx, "pe:2025Q3;2025Q2", "ou:P66"])
    got = {f.key: value(r, f.key, "2025Q3", "P66") for f in r.figures}
    assert got == {"ACTIVITIES.mobile_trip": 1, "ACTIVITIES.ALL": 1, "PARTICIPANTS.ALL": 10,
                   "CLIENTS.iud": 4, "CLIENTS.ALL": 6, "ACT_MOBILE_TRIPS": 1,
                   "ACT_MOBILE_CLIENTS": 6, "ACT_CLIENTS_PER_TRIP": 6.0,
                   "ACTIVITIES.training": 0}  # fmt: skip
    assert r.cell("ACT_CLIENTS_PER_TRIP", "2025Q3", "P66").caution
    assert value(r, "ACTIVITIES.ALL", "2025Q2", "P66") == 0


def test_targets_and_progress(register, officer):
    """Ea Súp's 2025 plan: at most 4 births, CPR at least 60 %. Births 1 January – 30 September
    = 1 (the boy): 1 ÷ 4 = 25,0 %; CPR on 30/09 = 50,0 ÷ 60 = 83,3 %. For the second quarter
    (1 January – 30 June) no birth yet: 0,0 %."""
    ea_sup = OrgUnit.objects.get(uid=A)
    set_target(officer, ea_sup, 2025, "births", 4, direction="at_most")
    set_target(officer, ea_sup, 2025, "cpr", 60)
    r = ask(officer, ["dx:TARGET.births;PROGRESS.births;TARGET.cpr;PROGRESS.cpr",
                      "pe:2025Q2;2025Q3;2024", f"ou:{A};{B}"])  # fmt: skip
    assert value(r, "TARGET.births", "2025Q3", A) == 4
    births = r.cell("PROGRESS.births", "2025Q3", A)
    assert (births.value, births.numerator, births.denominator) == (25.0, 1, 4)
    assert value(r, "PROGRESS.births", "2025Q2", A) == 0.0
    cpr = r.cell("PROGRESS.cpr", "2025Q3", A)
    assert (cpr.value, cpr.numerator, cpr.denominator) == (83.3, 50.0, 60)
    assert value(r, "TARGET.births", "2024", A) is None  # no plan for 2024
    assert value(r, "TARGET.births", "2025Q3", B) is None  # no plan at Tuy Hòa


def test_the_same_period_last_year_and_the_change(register, officer):
    """Everyone was registered on 01/01/2025: 2024Q3 has no births and no married women, so
    births 1 against 0 (change +1), CPR 50,0 against none (no change can be given)."""
    r = run(officer, ["dx:births;cpr", "pe:2025Q3", f"ou:{A}"], [], {}, today=TODAY,
            previous_year=True)  # fmt: skip
    assert [f.key for f in r.figures] == [
        "births", "births__LY", "births__CHANGE", "cpr", "cpr__LY", "cpr__CHANGE",
    ]  # fmt: skip
    got = {f.key: value(r, f.key, "2025Q3", A) for f in r.figures}
    assert got == {"births": 1, "births__LY": 0, "births__CHANGE": 1, "cpr": 50.0,
                   "cpr__LY": None, "cpr__CHANGE": None}  # fmt: skip
    assert r.cell("cpr__LY", "2025Q3", A).denominator == 0
    r = run(officer, ["dx:births", f"ou:{A};{B}"], ["pe:2025Q2;2025Q3"], {}, today=TODAY,
            previous_year=True)  # fmt: skip
    span = r.periods[0].key
    assert [value(r, k, span, x) for k in ("births", "births__LY", "births__CHANGE")
            for x in (A, B)] == [1, 1, 0, 0, 1, 1]  # fmt: skip


def test_cpr_and_third_share_by_commune_of_ethnic_minority_areas_last_8_quarters(
    register, officer, bearer
):
    """The issue's example. Ethnic-minority areas = {Ea Súp}; on 01/11/2026 the last 8
    quarters are 2024Q4 … 2026Q3. Ea Súp's married women 15–49: none before 2025 (nobody was
    registered), W1 from January 2025, W1 and W2 from W2's marriage on 15/07/2025; users: W1
    (IUD). So CPR: –, 1 ÷ 1, 1 ÷ 1, then 1 ÷ 2 = 50,0 % for the five quarters from 2025Q3;
    third+ share: 0 ÷ 1 in 2025Q3 (the boy, a second child), no births otherwise."""
    _group("DTTS", A)
    dims = ["dx:cpr;third_share", "pe:LAST_8_QUARTERS", "ou:P66;LEVEL-3;OU_GROUP-DTTS"]
    r = ask(officer, dims)
    quarters = [k for k, _n in r.items("pe")]
    assert quarters == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2",
                        "2026Q3"]  # fmt: skip
    assert [u.key for u in r.units] == [A]
    cpr = [r.cell("cpr", q, A) for q in quarters]
    assert [(c.value, c.numerator, c.denominator) for c in cpr] == [(None, 0, 0)] + [
        (100.0, 1, 1)] * 2 + [(50.0, 1, 2)] * 5  # fmt: skip
    third = [r.cell("third_share", q, A) for q in quarters]
    assert [c.value for c in third] == [None, None, None, 0.0, None, None, None, None]
    # The same through the API, with the quarters named.
    body = bearer(officer).get("/api/v1/analytics", {"dimension": [
        "dx:cpr;third_share", "pe:" + ";".join(quarters), "ou:P66;LEVEL-3;OU_GROUP-DTTS",
    ]}).json()  # fmt: skip
    rows = {(d, p, o): rest for d, p, o, *rest in body["rows"]}
    assert rows[("cpr", "2026Q3", A)][:3] == [50.0, 1, 2]
    assert rows[("third_share", "2025Q3", A)][:3] == [0.0, 0, 1]
    assert {o for _d, _p, o in rows} == {A}
