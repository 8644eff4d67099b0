"""Ad hoc data requests: the province of Đắk Lắk (P66) asks five of its communes for three
figures of 2026Q3 — two defined in the request (one by sex) and an existing data element —
and three answer, one after the deadline.

By hand, the answers:

| commune | sessions (new) | pupils male | pupils female | clubs (XA_CLUBS_ACTIVE) | when |
|---|---|---|---|---|---|
| 1st | 12 | 30 | 45 | 3 | on time, through the API |
| 2nd | 7 | 0 | 20 | 1 | on time, through the API |
| 3rd | 5 | 10 | 12 | 2 | after the deadline, through the entry form |
| 4th, 5th | — | — | — | — | not answered |

Totals: sessions 12 + 7 + 5 = 24; pupils male 30 + 0 + 10 = 40, female 45 + 20 + 12 = 77, all
117; clubs 3 + 1 + 2 = 6. Completeness: 5 asked, 3 answered, 2 on time, 1 late, 2 missing
(once the deadline has passed). The deadline passing is the request's date moved to
yesterday after the first two answers (no clock is faked): the third answer is then late."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from danso.accounts.models import Role
from danso.adhoc.models import DataRequest
from danso.orgunits.models import Level, OrgUnit
from danso.programmes.models import DataElement, DataSet

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def communes(n=6):
    found = OrgUnit.objects.current().filter(parent__uid="P66", level=Level.COMMUNE)
    return list(found.order_by("path")[:n])


@pytest.fixture
def people(make_user, unit):
    units = communes()
    officers = [make_user(f"xa{i}", Role.COMMUNE, u) for i, u in enumerate(units)]
    return {"province": make_user("tinh", Role.PROVINCE, unit("P66")), "communes": units,
            "officers": officers}  # fmt: skip


def request_body(asked, **extra):
    return {
        "title": "Số liệu truyền thông trong trường học quý 3",
        "note": "Đề nghị các xã báo cáo trước hạn.",
        "period": "2026Q3",
        "deadline": (TODAY + datetime.timedelta(days=5)).isoformat(),
        "units": [u.uid for u in asked],
        "elements": [
            {"name": "Số buổi truyền thông tại trường học", "unit": "Buổi"},
            {"name": "Học sinh được tư vấn", "category_combo": "SEX"},
            {"code": "XA_CLUBS_ACTIVE"},
        ],
        **extra,
    }


def cells(code, sessions, male, female, clubs):
    return [
        {"dataElement": f"{code}_1", "value": str(sessions)},
        {"dataElement": f"{code}_2", "categoryOptionCombo": "MALE", "value": str(male)},
        {"dataElement": f"{code}_2", "categoryOptionCombo": "FEMALE", "value": str(female)},
        {"dataElement": "XA_CLUBS_ACTIVE", "value": str(clubs)},
    ]


def test_a_request_reaches_five_communes_and_three_answer(people, bearer, login):
    province = bearer(people["province"])
    asked = people["communes"][:5]
    made = province.post("/api/v1/requests", request_body(asked), "application/json")
    assert made.status_code == 201, made.content
    code = made.json()["code"]
    assert code == f"YC{TODAY.year}0001"
    assert made.json()["units"] == [u.uid for u in asked]
    assert [e["code"] for e in made.json()["elements"]] == [f"{code}_1", f"{code}_2",
                                                            "XA_CLUBS_ACTIVE"]  # fmt: skip
    assert made.json()["elements"][1]["option_combos"] == ["MALE", "FEMALE"]

    # The units asked see it on their home page, with the deadline.
    home = login(people["officers"][0]).get("/").content.decode()
    assert "Số liệu truyền thông trong trường học quý 3" in home
    assert (TODAY + datetime.timedelta(days=5)).strftime("%d/%m/%Y") in home

    for officer, values in [(people["officers"][0], (12, 30, 45, 3)),
                            (people["officers"][1], (7, 0, 20, 1))]:  # fmt: skip
        uid = officer.org_units.get().uid
        answered = bearer(officer).post(
            f"/api/v1/requests/{code}/answers/{uid}", {"values": cells(code, *values)},
            "application/json",
        )  # fmt: skip
        assert answered.status_code == 201, answered.content
        assert answered.json()["state"] == "submitted" and not answered.json()["is_late"]

    DataRequest.objects.filter(code=code).update(deadline=TODAY - datetime.timedelta(days=1))

    # The third answers with the usual entry form, after the deadline.
    third, web = people["communes"][2], login(people["officers"][2])
    url = f"/so-lieu/{code}/{third.uid}/2026Q3/"
    form = web.get(url)
    assert form.status_code == 200
    assert "Đề nghị các xã báo cáo trước hạn." in form.content.decode()
    post = {"version": form.context["version"], f"v:{code}_1:default": "5",
            f"v:{code}_2:MALE": "10", f"v:{code}_2:FEMALE": "12",
            "v:XA_CLUBS_ACTIVE:default": "2"}  # fmt: skip
    assert web.post(url, post).status_code == 302
    web.post("/bao-cao/nop/", {"bieu": code, "dv": third.uid, "ky": "2026Q3"})

    done = province.get(f"/api/v1/requests/{code}/completeness").json()
    assert done["summary"] == {"asked": 5, "answered": 3, "on_time": 2, "late": 1,
                               "returned": 0, "missing": 2, "not_yet": 0}  # fmt: skip
    states = {u["uid"]: u["state"] for u in done["units"]}
    assert [states[u.uid] for u in asked] == ["submitted", "submitted", "late", "missing",
                                              "missing"]  # fmt: skip
    totals = {(t["dataElement"], t["categoryOptionCombo"]): t["value"] for t in done["totals"]}
    assert totals == {(f"{code}_1", "default"): 24, (f"{code}_2", "MALE"): 40,
                      (f"{code}_2", "FEMALE"): 77, ("XA_CLUBS_ACTIVE", "default"): 6}  # fmt: skip

    # The answers are figures of the table builder.
    analytics = province.get("/api/v1/analytics", {
        "dx": f"{code}_1;{code}_2;{code}_2.FEMALE;XA_CLUBS_ACTIVE", "pe": "2026Q3", "ou": "P66",
    }).json()  # fmt: skip
    values = {row[0]: row[3] for row in analytics["rows"]}
    assert values == {f"{code}_1": 24, f"{code}_2": 117, f"{code}_2.FEMALE": 77,
                      "XA_CLUBS_ACTIVE": 6}, analytics  # fmt: skip

    # The requester's page and its Excel.
    page = login(people["province"]).get(f"/yeu-cau-bao-cao/{code}/")
    assert page.context["completeness"]["summary"]["late"] == 1
    assert "3/5 đơn vị đã trả lời" in page.content.decode()
    sheet = load_workbook(io.BytesIO(
        login(people["province"]).get(f"/yeu-cau-bao-cao/{code}/excel/").content
    )).active  # fmt: skip
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][1] == "Tổng"
    assert list(rows[-1][3:]) == [24, 40, 77, 6]
    assert [r[0] for r in rows[3:8]] == [u.uid for u in asked]


def test_a_unit_outside_the_request_cannot_answer(people, bearer, login):
    made = bearer(people["province"]).post(
        "/api/v1/requests", request_body(people["communes"][:5]), "application/json"
    ).json()  # fmt: skip
    code = made["code"]
    outsider, own = people["officers"][5], people["communes"][5]
    api = bearer(outsider)
    assert api.get("/api/v1/requests").json() == []
    assert api.get(f"/api/v1/requests/{code}").status_code == 404
    body = {"values": cells(code, 1, 1, 1, 1)}
    answer = api.post(f"/api/v1/requests/{code}/answers/{own.uid}", body, "application/json")
    assert answer.status_code == 404
    asked = people["communes"][0]
    answer = api.post(f"/api/v1/requests/{code}/answers/{asked.uid}", body, "application/json")
    assert answer.status_code == 404
    # Even knowing the request's data set, its entry form is not the outsider's.
    assert login(outsider).get(f"/so-lieu/{code}/{own.uid}/2026Q3/").status_code == 404
    assert login(outsider).get(f"/yeu-cau-bao-cao/{code}/").status_code == 404
    # A commune asked sees only itself in the completeness.
    first = bearer(people["officers"][0]).get(f"/api/v1/requests/{code}/completeness").json()
    assert [u["uid"] for u in first["units"]] == [asked.uid]


def test_refusals_are_specific_and_change_nothing(people, bearer):
    province = bearer(people["province"])
    asked = people["communes"][:2]
    bad = request_body(asked, elements=[{"code": "NO_SUCH_ELEMENT"},
                                        {"name": "X", "category_combo": "NOPE"}])  # fmt: skip
    refused = province.post("/api/v1/requests", bad, "application/json")
    assert refused.status_code == 422
    codes = {(e["code"], e["index"]) for e in refused.json()["errors"]}
    assert codes == {("unknown_element", 0), ("unknown_category_combo", 1)}
    late = request_body(asked, period=f"{TODAY.year + 1}Q1",
                        deadline=(TODAY - datetime.timedelta(days=1)).isoformat())  # fmt: skip
    refused = province.post("/api/v1/requests", late, "application/json").json()
    assert {e["code"] for e in refused["errors"]} == {"period_not_over", "deadline_past"}
    elsewhere = OrgUnit.objects.current().filter(level=Level.COMMUNE).exclude(
        path__startswith="/VN/P66/").first()  # fmt: skip
    outside = province.post("/api/v1/requests", request_body([], units=[elsewhere.uid]),
                            "application/json").json()  # fmt: skip
    assert outside["errors"][0]["code"] == "unknown_unit"
    assert not DataRequest.objects.exists()
    assert not DataSet.objects.filter(code__startswith="YC").exists()
    assert not DataElement.objects.filter(code__startswith="YC").exists()
    commune = bearer(people["officers"][0]).post(
        "/api/v1/requests", request_body(asked), "application/json"
    )  # fmt: skip
    assert commune.status_code == 403


def test_communes_of_a_level_and_the_audit(people, bearer):
    from auditlog.models import LogEntry

    made = bearer(people["province"]).post(
        "/api/v1/requests", request_body([], units=["P66", "LEVEL-commune"]), "application/json"
    )  # fmt: skip
    assert made.status_code == 201, made.content
    all_communes = OrgUnit.objects.current().filter(path__startswith="/VN/P66/",
                                                    level=Level.COMMUNE).count()  # fmt: skip
    assert len(made.json()["units"]) == all_communes
    request = DataRequest.objects.get()
    entry = LogEntry.objects.get_for_object(request).get()
    assert entry.actor == people["province"]
    assert entry.additional_data == {"ou_path": "/VN/P66/"}


def test_a_unit_of_count_over_30_characters_is_refused_not_cut(people):
    """The web form reaches `create` without the API's schema: the element's unit column holds
    30 characters, and a longer one is a problem of that element, never cut to fit."""
    from danso.adhoc import services

    body = request_body(people["communes"][:1])
    body["elements"] = [{"name": "Số buổi", "unit": "Buổi " * 7}]  # 35 characters
    del body["units"]
    body["deadline"] = datetime.date.fromisoformat(body["deadline"])
    with pytest.raises(services.RequestError) as refused:
        services.create(people["province"], units=[people["communes"][0].uid], **body)
    assert [(p.code, p.index) for p in refused.value.problems] == [("too_long", 0)]
    assert not DataRequest.objects.exists()
