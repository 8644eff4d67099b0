"""2025 plans of the old map reallocated to the new communes (programmes/reallocation.py).

The old Xã Ea BHốk (LC24550) was split between Xã Ea Ktur (C24544) and Xã Dray Bhăng (C24561);
the old Xã Ea Tiêu (LC24547) went whole into Ea Ktur. Residents on 30/06/2025: Ea BHốk's
villages 3 in Ea Ktur and 1 in Dray Bhăng. 2025 targets of communication sessions: Ea BHốk 40,
Ea Tiêu 20 (old total 60). Proposed: Ea Ktur 20 + 40 × 3 ÷ 4 = 50 (≈), Dray Bhăng 40 × 1 ÷ 4 =
10 (≈). The province saves 52 and 10: 62, two more than the old targets (shown, not refused).
"""

import json

import pytest
from auditlog.models import LogEntry

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.programmes import plans, reallocation
from danso.programmes.models import Target
from tests.analysis.test_two_maps import _people

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans/P66/2025/reallocation"


@pytest.fixture
def old_plans(make_user):
    from danso.orgunits.services import create_village
    from danso.register.models import Slip
    from danso.register.services import accept, submit

    ea_ktur, dray = OrgUnit.objects.get(uid="C24544"), OrgUnit.objects.get(uid="C24561")
    v1 = create_village(ea_ktur, code="V1", name="Thôn V1", unit_type="thon",
                        legacy_commune="24550")  # fmt: skip
    v2 = create_village(dray, code="V2", name="Thôn V2", unit_type="thon", legacy_commune="24550")
    _people(v1, 3, "H1")
    _people(v2, 1, "H2")
    for slip in Slip.objects.all():
        submit(slip, None)
        accept(slip, None)
    officer = make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66"))
    for uid, n in (("LC24550", 40), ("LC24547", 20)):
        plans.set_target(officer, OrgUnit.objects.get(uid=uid), 2025, "ACT_COMM_SESSIONS", n)
    return officer


def test_proposal_by_the_rule(old_plans):
    proposal = reallocation.propose(OrgUnit.objects.get(uid="P66"), "ACT_COMM_SESSIONS")
    got = {r.unit.uid: (int(r.proposed), r.method) for r in proposal.rows}
    assert got == {"C24544": (50, "population"), "C24561": (10, "population")}
    assert proposal.total == 60 and proposal.source_level == "commune"


def test_page_proposes_saves_and_shows_the_difference(old_plans, login):
    client = login(old_plans)
    page = client.get("/ke-hoach/P66/2025/phan-bo-lai/", {"chi-tieu": "ACT_COMM_SESSIONS"})
    text = page.content.decode()
    assert page.status_code == 200 and "Xã Ea Ktur" in text and "≈" in text
    version = page.context["form"]["version"].value()
    answer = client.post(
        "/ke-hoach/P66/2025/phan-bo-lai/?chi-tieu=ACT_COMM_SESSIONS",
        {"u_C24544": "52", "u_C24561": "10", "reason": "", "version": version},
        follow=True,
    )
    text = answer.content.decode()
    assert "nhiều hơn" in text and "62" in text
    saved = {
        t.plan.unit.uid: int(t.value)
        for t in Target.objects.filter(plan__year=2025, plan__unit__uid__in=["C24544", "C24561"])
    }
    assert saved == {"C24544": 52, "C24561": 10}
    assert LogEntry.objects.filter(content_type__model="target", action=0).count() >= 4
    # A save from the old version is refused: nothing changes.
    stale = client.post(
        "/ke-hoach/P66/2025/phan-bo-lai/?chi-tieu=ACT_COMM_SESSIONS",
        {"u_C24544": "1", "u_C24561": "1", "version": version},
    )
    assert stale.status_code == 409
    assert Target.objects.get(plan__unit__uid="C24544", revision=0).value == 52
    assert not Target.objects.filter(plan__unit__uid="C24544", revision=1).exists()


def test_api(old_plans, bearer, make_user):
    api = bearer(old_plans)
    body = api.get(URL, {"metric": "ACT_COMM_SESSIONS"}).json()
    assert (body["old_total"], body["saved_total"], body["source_level"]) == (60, 0, "commune")
    assert body["estimate"].startswith("Ước tính")
    assert [(r["ou"], r["proposed"]) for r in body["rows"]] == [
        ("C24561", 10),
        ("C24544", 50),
    ] or sorted((r["ou"], r["proposed"]) for r in body["rows"]) == [("C24544", 50), ("C24561", 10)]
    shares = {
        "metric": "ACT_COMM_SESSIONS",
        "reason": "Theo đề xuất",
        "shares": [{"ou": "C24544", "value": 50}, {"ou": "C24561", "value": 10}],
    }
    saved = api.post(URL, json.dumps(shares), content_type="application/json",
                     headers={"If-Match": f'"{body["version"]}"'})  # fmt: skip
    assert saved.status_code == 200 and saved.json()["difference"] == 0
    again = api.post(URL, json.dumps(shares), content_type="application/json",
                     headers={"If-Match": f'"{body["version"]}"'})  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "stale_version"
    commune = bearer(make_user("xa", Role.COMMUNE, OrgUnit.objects.get(uid="C24544")))
    assert commune.get(URL, {"metric": "ACT_COMM_SESSIONS"}).status_code == 404
    assert api.get(URL, {"metric": "cpr"}).json()["code"] == "unknown_metric"


def test_progress_in_2025_counts_the_old_map_half_year(old_plans, login):
    """Ea Ktur's 2025 target of 50 (clubs' figure XA_CLUBS_ACTIVE, added up over the year);
    entered on the old map for 2025Q1: Ea BHốk 8 and Ea Tiêu 4; Ea Ktur 6 for 2025Q3. On
    30/09/2025: 8 × 3 ÷ 4 + 4 + 6 = 16, 32,0 % of 50, labelled as an estimate."""
    import datetime
    from decimal import Decimal

    from danso.programmes import progress
    from danso.programmes.models import CategoryOptionCombo, DataElement, DataValue

    ea_ktur = OrgUnit.objects.get(uid="C24544")
    reallocation.save(old_plans, OrgUnit.objects.get(uid="P66"), "ACT_COMM_SESSIONS",
                      [plans.Share(ea_ktur, Decimal(50))])  # fmt: skip
    element = DataElement.objects.get(code="XA_CLUBS_ACTIVE")
    plans.set_target(old_plans, ea_ktur, 2025, "XA_CLUBS_ACTIVE", 50)
    D = datetime.date
    for uid, period, start, end, n in (
        ("LC24550", "2025Q1", D(2025, 1, 1), D(2025, 3, 31), 8),
        ("LC24547", "2025Q1", D(2025, 1, 1), D(2025, 3, 31), 4),
        ("C24544", "2025Q3", D(2025, 7, 1), D(2025, 9, 30), 6),
    ):
        unit = OrgUnit.objects.get(uid=uid)
        DataValue.objects.create(
            data_element=element, option_combo=CategoryOptionCombo.objects.get(code="default"),
            org_unit=unit, ou_path=unit.path, period=period, period_start=start, period_end=end,
            value=Decimal(n),
        )  # fmt: skip
    found = progress.progress(ea_ktur, 2025, D(2025, 9, 30), old_plans)
    row = next(r for r in found[0].rows if r.metric.code == "XA_CLUBS_ACTIVE")
    assert (row.actual, round(row.percent, 1)) == (16.0, 32.0)
    assert row.estimate.startswith("Ước tính")
    page = login(old_plans).get("/tien-do/", {"dv": "C24544", "ngay": "30/09/2025"})
    assert "≈" in page.content.decode()
    import io

    import openpyxl

    export = login(old_plans).get("/tien-do/", {"dv": "C24544", "ngay": "30/09/2025",
                                                "xuat": "xlsx"})  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["Tiến độ"]
    lines = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    clubs = next(r for r in lines if r[2].startswith("Số câu lạc bộ") or r[8] == 16)
    assert clubs[8] == 16 and clubs[-1].startswith("Ước tính")
