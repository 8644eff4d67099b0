"""Aggregate data entry: typed figures in Vietnamese notation, all or nothing, fed cells, rules,
ranges and outliers, scope and sensitivity, the reporting cycle and its lock."""

import datetime
from decimal import Decimal

import pytest

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_organisation
from danso.programmes import entry, quality
from danso.programmes.models import (
    Activity,
    ActivityService,
    DataElement,
    DataSet,
    DataValue,
    MinMax,
)
from danso.statistics import cycle
from danso.statistics.models import Submission
from danso.statistics.periods import Period
from tests.exchange.factories import put

Y2023 = Period.parse("2023")


@pytest.fixture
def fpa(db, make_user):
    """The Family Planning Association of Đắk Lắk, its staff and the province officer."""
    province = OrgUnit.objects.get(uid="P66")
    org = create_organisation(province, code="HKHHGD", name="Hội KHHGĐ tỉnh Đắk Lắk",
                              unit_type="hoi_khhgd")  # fmt: skip
    return {
        "unit": org,
        "staff": make_user("hoi", Role.PARTNER, org),
        "province": make_user("tinh", Role.PROVINCE, province, sensitive=True),
        "data_set": DataSet.objects.get(code="HKHHGD_NAM"),
    }


SEEDS = {  # the association's 2023 figures (../shared/docs/domain.md)
    ("FPA_CLIENTS", "default"): "5.838",
    ("FPA_FP_CLINIC", "default"): "266",
    ("FPA_SRH_COUNSEL_CLINIC", "default"): "1.325",
    ("FPA_SRH_SERVICE_CLINIC", "default"): "1.384",
    ("FPA_SPECIAL_COUNSEL", "default"): "39",
}


def _stored(unit, period="2023"):
    return {
        (v.data_element.code, v.option_combo.code): v.value
        for v in DataValue.objects.filter(org_unit=unit, period=period).select_related(
            "data_element", "option_combo"
        )
    }


def test_seed_figures_are_kept_as_typed_in_vietnamese_notation(fpa):
    errors = entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Y2023, SEEDS)
    assert errors == {}
    assert _stored(fpa["unit"]) == {
        ("FPA_CLIENTS", "default"): Decimal(5838),
        ("FPA_FP_CLINIC", "default"): Decimal(266),
        ("FPA_SRH_COUNSEL_CLINIC", "default"): Decimal(1325),
        ("FPA_SRH_SERVICE_CLINIC", "default"): Decimal(1384),
        ("FPA_SPECIAL_COUNSEL", "default"): Decimal(39),
    }
    value = DataValue.objects.get(data_element__code="FPA_CLIENTS", org_unit=fpa["unit"])
    assert (value.stored_by, value.period_start, value.period_end, value.ou_path) == (
        fpa["staff"], datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), fpa["unit"].path
    )  # fmt: skip
    # A blank cell removes the value; an unchanged one is left alone.
    blank_and_same = {("FPA_SPECIAL_COUNSEL", "default"): "", ("FPA_CLIENTS", "default"): "5838"}
    entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Y2023, blank_and_same)
    stored = _stored(fpa["unit"])
    assert ("FPA_SPECIAL_COUNSEL", "default") not in stored
    assert stored[("FPA_CLIENTS", "default")] == Decimal(5838)


@pytest.mark.parametrize(
    "typed, code",
    [("abc", "not_a_number"), ("-3", "negative"), ("2,5", "not_whole"), ("1.5", "not_whole")],
)
def test_a_bad_cell_saves_nothing_and_is_named(fpa, typed, code):
    cells = {**SEEDS, ("FPA_FP_CLINIC", "default"): typed}
    errors = entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Y2023, cells)
    assert list(errors) == [("FPA_FP_CLINIC", "default")]
    with pytest.raises(entry.EntryError) as err:
        entry.parse_value(DataElement.objects.get(code="FPA_FP_CLINIC"), typed)
    assert err.value.code == code
    assert DataValue.objects.count() == 0


def test_cells_fed_by_activities_are_computed_never_typed(fpa):
    errors = entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Y2023,
                        {("ACT_MOBILE_TRIPS", "default"): "10"})  # fmt: skip
    assert list(errors) == [("ACT_MOBILE_TRIPS", "default")]
    for day, clients in (
        (datetime.date(2023, 3, 2), 120),
        (datetime.date(2023, 9, 9), 95),
        (datetime.date(2024, 1, 5), 70),
    ):  # the last is another year
        trip = Activity.objects.create(kind="mobile_trip", title="Chuyến lưu động",
                                       start_date=day, end_date=day, organiser=fpa["unit"],
                                       ou_path=fpa["unit"].path)  # fmt: skip
        ActivityService.objects.create(activity=trip, service="iud", clients=clients)
    form = entry.build_form(fpa["data_set"], fpa["unit"], Y2023)
    fed = {r.element.code: r.cells[0].value for r in form.rows if r.fed}
    # 2 trips in 2023 with 120 + 95 = 215 clients; no communication session, so nobody
    # reached: computed cells show 0, never blank.
    assert fed["ACT_MOBILE_TRIPS"] == 2
    assert fed["ACT_MOBILE_CLIENTS"] == 215
    assert fed["ACT_COMM_SESSIONS"] == 0
    reached = next(r for r in form.rows if r.element.code == "ACT_COMM_REACHED")
    assert [(c.option_combo.code, c.value) for c in reached.cells] == [("MALE", 0), ("FEMALE", 0)]


def test_validation_rules_list_what_breaks(fpa):
    cells = {("FPA_CLIENTS", "default"): "200", ("FPA_FP_CLINIC", "default"): "300"}
    entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Y2023, cells)
    form = entry.build_form(fpa["data_set"], fpa["unit"], Y2023)
    assert [(v.rule.code, v.left, v.right) for v in form.violations] == [
        ("FPA_CLINIC_LE_CLIENTS", 300, 200)
    ]
    # The other rules are skipped: one side or both are blank (SKIP_IF_ANY_VALUE_MISSING).
    cells = {("FPA_SPECIAL_COUNSEL", "default"): "39", ("FPA_SRH_COUNSEL_CLINIC", "default"): "0"}
    entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Y2023, cells)
    form = entry.build_form(fpa["data_set"], fpa["unit"], Y2023)
    assert [(v.rule.code, v.left, v.right) for v in form.violations] == [
        ("FPA_CLINIC_LE_CLIENTS", 300, 200),
        ("FPA_SPECIAL_LE_COUNSEL", 39, 0),
    ]


def test_expressions_sum_operands_and_cells():
    values = {("A", "MALE"): Decimal(3), ("A", "FEMALE"): Decimal(4), ("B", "default"): Decimal(2)}
    # #{A} = 3 + 4 = 7; #{A.FEMALE} = 4; 7 + 4 - 2 - 1 = 8; 3 operands, all present.
    assert quality.evaluate("#{A} + #{A.FEMALE} - #{B} - 1", values) == (8, 3, 3)
    assert quality.evaluate("#{C}", values) == (0, 0, 1)
    with pytest.raises(quality.ExpressionError):
        quality.evaluate("#{A} * 2", values)


@pytest.fixture
def zone(db, make_user):
    province = OrgUnit.objects.get(uid="P66")
    unit = create_organisation(province, code="KCN1", name="Khu công nghiệp Hòa Phú",
                               unit_type="khu_cong_nghiep")  # fmt: skip
    return unit, make_user("kcn", Role.PARTNER, unit), DataSet.objects.get(code="KCN_QUY")


def test_outliers_against_the_units_history_and_expected_ranges(zone):
    unit, user, data_set = zone
    key = ("KCN_WORKERS_SERVED", "FEMALE_KINH")
    for quarter, value in (("2024Q1", "10"), ("2024Q2", "12"), ("2024Q3", "11"),
                           ("2024Q4", "13")):  # fmt: skip
        assert entry.save(user, data_set, unit, Period.parse(quarter), {key: value}) == {}
    # History 10, 12, 11, 13: median 11,5; deviations 1,5 0,5 0,5 1,5 → MAD 1.
    # 40: z = 0,6745 × 28,5 / 1 ≈ 19,2 > 3,5 → flagged; 13: z ≈ 1,01 → not.
    q1 = Period.parse("2025Q1")
    entry.save(user, data_set, unit, q1, {key: "40", ("KCN_WORKERS_SERVED", "MALE_KINH"): "13"})
    cells = {(r.element.code, c.option_combo.code): c
             for r in entry.build_form(data_set, unit, q1).rows for c in r.cells}  # fmt: skip
    assert "11,5" in cells[key].flag
    assert cells[("KCN_WORKERS_SERVED", "MALE_KINH")].flag == ""
    # An expected range for this unit flags 13 (outside 0–10) too: shown, never refused.
    element = DataElement.objects.get(code="KCN_WORKERS_SERVED")
    MinMax.objects.create(data_element=element, org_unit=unit, minimum=0, maximum=10)
    cells = {(r.element.code, c.option_combo.code): c
             for r in entry.build_form(data_set, unit, q1).rows for c in r.cells}  # fmt: skip
    assert "0–10" in cells[("KCN_WORKERS_SERVED", "MALE_KINH")].flag
    assert _stored(unit, "2025Q1")[("KCN_WORKERS_SERVED", "MALE_KINH")] == 13


def test_periods_of_the_wrong_kind_or_in_the_future_are_refused(fpa):
    for period_id, code in (("2023Q1", "wrong_period_type"), ("2099", "future_period")):
        with pytest.raises(entry.EntryError) as err:
            entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Period.parse(period_id),
                       SEEDS)  # fmt: skip
        assert err.value.code == code


def test_scope_and_sensitive_data_sets(fpa, two_communes, make_user, login):
    a, b = two_communes["a"], two_communes["b"]
    xa = DataSet.objects.get(code="XA_HOAT_DONG")
    q = "2025Q3"
    assert login(a["user"]).get(f"/so-lieu/XA_HOAT_DONG/{a['commune'].uid}/{q}/").status_code == 200
    assert login(a["user"]).get(f"/so-lieu/XA_HOAT_DONG/{b['commune'].uid}/{q}/").status_code == 404
    with pytest.raises(entry.EntryError):
        entry.save(a["user"], xa, b["commune"], Period.parse(q),
                   {("XA_CLUBS_ACTIVE", "default"): "2"})  # fmt: skip
    # The Women's Union's data set holds domestic-violence cases: the permission is needed.
    wu = create_organisation(fpa["unit"].parent, code="HLHPN", name="Hội LHPN tỉnh Đắk Lắk",
                             unit_type="hoi_lhpn")  # fmt: skip
    plain = make_user("phunu", Role.PARTNER, wu)
    allowed = make_user("phunu2", Role.PARTNER, wu, sensitive=True)
    url = f"/so-lieu/HLHPN_NAM/{wu.uid}/2024/"
    assert login(plain).get(url).status_code == 404
    assert "HLHPN_NAM" not in login(plain).get("/so-lieu/").content.decode()
    response = login(allowed).get(url)
    assert response.status_code == 200
    assert "Phụ nữ và trẻ em gái bị bạo lực gia đình được phát hiện" in response.content.decode()


def test_the_form_page_saves_and_redisplays_refused_cells(fpa, login):
    client = login(fpa["staff"])
    url = f"/so-lieu/HKHHGD_NAM/{fpa['unit'].uid}/2023/"
    response = client.post(url, {"v:FPA_CLIENTS:default": "5.838", "v:FPA_FP_CLINIC:default": "x",
                                 "c:FPA_CLIENTS:default": "Số liệu cả năm"})  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and 'value="x"' in page
    assert DataValue.objects.count() == 0
    response = client.post(url, {"v:FPA_CLIENTS:default": "5.838",
                                 "c:FPA_CLIENTS:default": "Số liệu cả năm"})  # fmt: skip
    assert response.status_code == 302
    value = DataValue.objects.get()
    assert (value.value, value.comment) == (5838, "Số liệu cả năm")
    assert "5.838" in client.get(url).content.decode()


def test_submitted_and_approved_figures_are_frozen_and_locked(fpa, login):
    staff, province, data_set, unit = fpa["staff"], fpa["province"], fpa["data_set"], fpa["unit"]
    entry.save(staff, data_set, unit, Y2023, SEEDS)
    response = login(staff).post("/bao-cao/nop/", {"bieu": "HKHHGD_NAM", "dv": unit.uid,
                                                   "ky": "2023"})  # fmt: skip
    assert response.status_code == 302 and response["Location"].startswith("/so-lieu/")
    submission = Submission.objects.get(form_code="HKHHGD_NAM")
    frozen = {(r["dataElement"], r["categoryOptionCombo"]): r["value"]
              for r in submission.values["rows"]}  # fmt: skip
    assert frozen[("FPA_CLIENTS", "default")] == 5838
    assert frozen[("ACT_MOBILE_TRIPS", "default")] == 0
    assert submission.warnings == []
    # The association cannot approve itself; the province officer (level above) can.
    response = login(staff).post(f"/bao-cao/nop/{submission.pk}/xet/", {"action": "approve"})
    assert response.status_code in (403, 404)
    cycle.approve(submission, province)
    with pytest.raises(entry.EntryError) as err:
        entry.save(staff, data_set, unit, Y2023, {("FPA_CLIENTS", "default"): "6000"})
    assert err.value.code == "locked"
    assert _stored(unit)[("FPA_CLIENTS", "default")] == 5838


def test_completeness_of_the_communes(two_communes, login):
    a, b = two_communes["a"], two_communes["b"]
    xa = DataSet.objects.get(code="XA_HOAT_DONG")
    q = Period.parse("2025Q3")
    typed = {("XA_CLUBS_ACTIVE", "default"): "3", ("XA_FREE_CONTRACEPTIVES_POOR", "POOR"): "0"}
    entry.save(a["user"], xa, a["commune"], q, typed)
    cycle.submit("XA_HOAT_DONG", a["commune"], q, a["user"])
    communes = [a["commune"], b["commune"]]
    rows = {r["unit"].uid: r for r in entry.completeness(xa, communes, q)}
    # Three typed-in cells (clubs active; free contraceptives for the poor and the near-poor):
    # A filled two; B none.
    # A submitted in 2026, long after 5 working days past 30/09/2025: late.
    assert (rows[a["commune"].uid]["state"], rows[a["commune"].uid]["filled"]) == ("late", 2)
    assert rows[b["commune"].uid]["filled"] == 0 and rows[b["commune"].uid]["expected"] == 3
    assert rows[b["commune"].uid]["state"] == "missing"  # its deadline passed in 2025


def test_completeness_page_of_a_data_set(fpa, login, make_user):
    entry.save(fpa["staff"], fpa["data_set"], fpa["unit"], Y2023, SEEDS)
    page = login(fpa["province"]).get("/bao-cao/tien-do/?bieu=HKHHGD_NAM&dv=P66&ky=2023")
    html = page.content.decode()
    # The association is the province's only unit reporting it: 5 of its 5 typed-in cells
    # (the other 4 of the 9 are fed by activities) are filled; nothing submitted.
    assert "Hội KHHGĐ tỉnh Đắk Lắk" in html and "5/5" in html
    assert f'href="/so-lieu/HKHHGD_NAM/{fpa["unit"].uid}/2023/"' in html
    # The Women's Union's data set is not shown without the sensitive permission.
    viewer = login(make_user("xem", Role.VIEWER, fpa["unit"].parent))
    assert viewer.get("/bao-cao/tien-do/?bieu=HKHHGD_NAM&dv=P66&ky=2023").status_code == 200
    assert viewer.get("/bao-cao/tien-do/?bieu=HLHPN_NAM&dv=P66&ky=2023").status_code == 404
    assert login(fpa["province"]).get(
        "/bao-cao/tien-do/?bieu=HLHPN_NAM&dv=P66&ky=2023").status_code == 200  # fmt: skip


def test_the_womens_union_seed_figures_and_their_share(fpa, make_user):
    """2022–2024: 1.665 women and girls subjected to domestic violence detected, 1.508 of them
    supported with at least one service: 1508 ÷ 1665 × 100 = 90,57… → 90,6 %. The three years
    are entered as 500/450, 600/540 and 565/518 (sums 1.665 and 1.508)."""
    from danso.programmes import aggregate, indicators
    from danso.programmes.metadata import INDICATORS

    wu = create_organisation(fpa["unit"].parent, code="HLHPN", name="Hội LHPN tỉnh Đắk Lắk",
                             unit_type="hoi_lhpn")  # fmt: skip
    user = make_user("phunu", Role.PARTNER, wu, sensitive=True)
    data_set = DataSet.objects.get(code="HLHPN_NAM")
    for year, detected, supported in (("2022", "500", "450"), ("2023", "600", "540"),
                                      ("2024", "565", "518")):  # fmt: skip
        # Counted from the union's registries today; these years come as imported history.
        put("WU_DV_DETECTED", "default", wu, year, detected, user=user)
        put("WU_DV_SUPPORTED", "default", wu, year, supported, user=user)
    elements = [link.data_element for link in data_set.element_links.all()]
    values = aggregate.element_values(elements, wu.parent.path, datetime.date(2022, 1, 1),
                                      datetime.date(2024, 12, 31))  # fmt: skip
    share = next(i for i in INDICATORS if i.code == "WU_DV_SUPPORTED_SHARE")
    result = indicators.compute(share, values)
    assert (result.numerator, result.denominator, result.value) == (1508, 1665, Decimal("90.6"))
    # One year on the form: 540 ÷ 600 = 90,0 %; a year with nothing entered has no share.
    form = entry.build_form(data_set, wu, Period.parse("2023"))
    assert [(iv.indicator.code, iv.value) for iv in form.indicators] == [
        ("WU_DV_SUPPORTED_SHARE", Decimal("90.0"))
    ]
    assert entry.build_form(data_set, wu, Period.parse("2021")).indicators[0].value is None
