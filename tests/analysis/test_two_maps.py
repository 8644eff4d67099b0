"""Figures of one map re-aggregated into the other (programmes/maps.py, analysis/engine.py).

The old Xã Ea BHốk (LC24550) was split between the new Xã Ea Ktur (C24544) and Xã Dray Bhăng
(C24561); the old Xã Ea Tiêu (LC24547) went whole into Ea Ktur. Villages, with the residents
registered on 01/10/2024 (still there on 31/12/2024 and 30/09/2025):

  V1  in C24544, formerly of LC24550   3 residents
  V2  in C24561, formerly of LC24550   1 resident
  V3  in C24544, formerly of LC24547   2 residents

Active clubs entered on the old map for 2024Q4: LC24550 8, LC24547 5. On the new map:
  Ea Ktur   = 5 (Ea Tiêu, whole) + 8 × 3 ÷ 4 (Ea BHốk's residents there) = 11, an estimate;
  Dray Bhăng = 8 × 1 ÷ 4 = 2, an estimate;  P66 = 13, exact (the old province went whole).
Entered on the new map for 2025Q3, Ea Ktur 12. On the old map:
  Ea BHốk = 12 × 3 ÷ 5 (V1 of Ea Ktur's 5 residents) = 7,2; Ea Tiêu = 12 × 2 ÷ 5 = 4,8, both
  estimates; the old district LD657 (Huyện Cư Kuin) = 12 exact (all of Ea Ktur's predecessors
  lay in it).
A mobile trip organised by Dray Bhăng in 2025Q3 counts 1 in LD657, exactly.
"""

import datetime
from decimal import Decimal

import pytest

from danso.accounts.models import Role
from danso.analysis.query import run
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.programmes.activities import ActivityInput, save_activity
from danso.programmes.models import CategoryOptionCombo, DataElement, DataValue
from danso.register.models import Slip
from danso.register.services import accept, create_household, record, slip_for, submit
from danso.register.validation import Change

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 1)


def _people(village, n, tag):
    household = create_household(village, number=tag)
    slip = slip_for(village, "202410")
    changes = [
        Change("registration", D(2024, 10, 1), household, person_data={
            "full_name": f"{tag} {i}", "sex": "1" if i % 2 else "2",
            "date_of_birth": D(1980 + i, 1, 1), "relationship": "1" if i == 0 else "9"})
        for i in range(n)
    ]  # fmt: skip
    record(slip, changes, today=TODAY)


def _value(uid, period, start, end, n):
    unit = OrgUnit.objects.get(uid=uid)
    DataValue.objects.create(
        data_element=DataElement.objects.get(code="XA_CLUBS_ACTIVE"),
        option_combo=CategoryOptionCombo.objects.get(code="default"), org_unit=unit,
        ou_path=unit.path, period=period, period_start=start, period_end=end, value=Decimal(n),
    )  # fmt: skip


@pytest.fixture
def world(make_user):
    ea_ktur, dray = OrgUnit.objects.get(uid="C24544"), OrgUnit.objects.get(uid="C24561")
    v1 = create_village(ea_ktur, code="V1", name="Thôn V1", unit_type="thon",
                        legacy_commune="24550")  # fmt: skip
    v2 = create_village(dray, code="V2", name="Thôn V2", unit_type="thon", legacy_commune="24550")
    v3 = create_village(ea_ktur, code="V3", name="Thôn V3", unit_type="thon",
                        legacy_commune="24547")  # fmt: skip
    _people(v1, 3, "H1")
    _people(v2, 1, "H2")
    _people(v3, 2, "H3")
    for slip in Slip.objects.all():
        submit(slip, None)
        accept(slip, None)
    _value("LC24550", "2024Q4", D(2024, 10, 1), D(2024, 12, 31), 8)
    _value("LC24547", "2024Q4", D(2024, 10, 1), D(2024, 12, 31), 5)
    _value("C24544", "2025Q3", D(2025, 7, 1), D(2025, 9, 30), 12)
    officer = make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66"))
    commune = make_user("xa_dray", Role.COMMUNE, dray)
    save_activity(commune, ActivityInput(
        kind="mobile_trip", start_date=D(2025, 8, 5), organiser="C24561", title="Lưu động",
        participants=[("general", "female", 4)], services=[("iud", 2)],
    ), today=TODAY)  # fmt: skip
    return officer


def ask(user, *dimension):
    return run(user, list(dimension), [], {}, today=TODAY)


def test_old_map_figures_in_the_new_units(world):
    r = ask(world, "dx:XA_CLUBS_ACTIVE", "pe:2024Q4", "ou:C24544;C24561;P66")
    ea_ktur = r.cell("XA_CLUBS_ACTIVE", "2024Q4", "C24544")
    dray = r.cell("XA_CLUBS_ACTIVE", "2024Q4", "C24561")
    province = r.cell("XA_CLUBS_ACTIVE", "2024Q4", "P66")
    assert (ea_ktur.value, dray.value, province.value) == (11, 2, 13)
    assert "31/12/2024" in ea_ktur.estimate and "31/12/2024" in dray.estimate
    assert province.estimate is None
    # The old units themselves keep what was entered, exactly.
    r = ask(world, "dx:XA_CLUBS_ACTIVE", "pe:2024Q4", "ou:LC24550;LC24547;LP66")
    assert [r.cell("XA_CLUBS_ACTIVE", "2024Q4", u).value for u in ("LC24550", "LC24547", "LP66")
            ] == [8, 5, 13]  # fmt: skip
    assert all(r.cell("XA_CLUBS_ACTIVE", "2024Q4", u).estimate is None
               for u in ("LC24550", "LC24547", "LP66"))  # fmt: skip


def test_new_map_figures_in_the_old_units(world):
    r = ask(world, "dx:XA_CLUBS_ACTIVE;ACTIVITIES.mobile_trip", "pe:2025Q3",
            "ou:LC24550;LC24547;LD657")  # fmt: skip
    bhok = r.cell("XA_CLUBS_ACTIVE", "2025Q3", "LC24550")
    tieu = r.cell("XA_CLUBS_ACTIVE", "2025Q3", "LC24547")
    district = r.cell("XA_CLUBS_ACTIVE", "2025Q3", "LD657")
    assert (bhok.value, tieu.value, district.value) == (7.2, 4.8, 12)
    assert bhok.estimate and "30/09/2025" in bhok.estimate and district.estimate is None
    trips = r.cell("ACTIVITIES.mobile_trip", "2025Q3", "LD657")
    assert (trips.value, trips.estimate) == (1, None)


def test_the_label_in_json_csv_and_xlsx(world, bearer):
    import csv
    import io

    from openpyxl import load_workbook

    client = bearer(world)
    params = {"dimension": ["dx:XA_CLUBS_ACTIVE", "pe:2024Q4", "ou:C24561"]}
    body = client.get("/api/v1/analytics", params).json()
    assert body["headers"][-1]["name"] == "estimate"
    assert body["rows"][0][3] == 2 and body["rows"][0][-1].startswith("Ước tính")
    flat = client.get("/api/v1/analytics", {**params, "format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(flat)))
    assert lines[0][-1] == "estimate" and lines[1][-1].startswith("Ước tính")
    book = client.get("/api/v1/analytics", {**params, "format": "xlsx", "rows": "ou",
                                            "columns": "pe;dx"}).content  # fmt: skip
    sheets = load_workbook(io.BytesIO(book))
    table = [r[0] for r in sheets["Bảng"].iter_rows(values_only=True) if r and r[0]]
    assert any(str(line).startswith("Có số ước tính (≈). Ước tính") for line in table)
    data = list(sheets["Dữ liệu"].iter_rows(values_only=True))
    assert data[0][-1] == "Ước tính" and data[1][-1].startswith("Ước tính")
