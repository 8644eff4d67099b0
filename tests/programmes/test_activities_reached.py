"""Activities counted under the places they reached as well as under their organiser
("hoạt động trên địa bàn của tôi", programmes/maps.py).

The province FP Association (organisation under P66) makes a mobile trip on 05/08/2025 to
commune a's village and to the old commune that went whole into commune b; commune a holds its
own session on 10/08/2025 in its village. Commune a's officer: organised 1 (own session), held
in the area 2 (own session, the trip); commune b's officer: organised 0, held 1 (the trip, by
its old commune). ACTIVITIES_AT.ALL for 2025Q3: a 2, b 1, the province 2 (each activity once);
ACTIVITIES.ALL (by organiser): a 1, b 0, the province 2.
"""

import datetime

import pytest

from danso.accounts.models import Role
from danso.analysis.query import run
from danso.orgunits.models import UnitSuccession
from danso.orgunits.services import create_organisation
from danso.programmes.activities import ActivityInput, save_activity

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 1)


@pytest.fixture
def trips(two_communes, make_user):
    province = two_communes["province"]
    a, b = two_communes["a"], two_communes["b"]
    hoi = create_organisation(province, code="HKHHGD", name="Hội KHHGĐ tỉnh Đắk Lắk",
                              unit_type="hoi_khhgd")  # fmt: skip
    staff = make_user("hoi", Role.PARTNER, hoi)
    whole = next(
        link.old
        for link in UnitSuccession.objects.filter(new=b["commune"], old__level="commune")
        if not UnitSuccession.objects.filter(old=link.old).exclude(new=b["commune"]).exists()
    )
    trip = save_activity(staff, ActivityInput(
        kind="mobile_trip", start_date=D(2025, 8, 5), organiser=hoi.uid, title="Lưu động",
        places=[a["village"].uid, whole.uid], services=[("iud", 3)],
    ), today=TODAY)  # fmt: skip
    own = save_activity(a["user"], ActivityInput(
        kind="communication", start_date=D(2025, 8, 10), organiser=a["commune"].uid,
        title="Truyền thông", places=[a["village"].uid], participants=[("general", "female", 9)],
    ), today=TODAY)  # fmt: skip
    officer = make_user("tinh", Role.PROVINCE, province)
    return {"trip": trip, "own": own, "a": a, "b": b, "officer": officer}


def test_list_page_by_organiser_and_by_place(trips, login):
    client = login(trips["a"]["user"])
    organised = client.get("/hoat-dong/").content.decode()
    assert "Truyền thông" in organised and "Lưu động" not in organised
    held = client.get("/hoat-dong/", {"where": "reached"}).content.decode()
    assert "Truyền thông" in held and "Lưu động" in held
    # The trip opens read only for the commune officer; it is the association's to edit.
    detail = client.get(f"/hoat-dong/{trips['trip'].pk}/")
    assert detail.status_code == 200
    assert f"/hoat-dong/{trips['trip'].pk}/sua/" not in detail.content.decode()
    b_held = login(trips["b"]["user"]).get("/hoat-dong/", {"where": "reached"}).content.decode()
    assert "Lưu động" in b_held and "Truyền thông" not in b_held


def test_api_where_reached(trips, bearer):
    api = bearer(trips["a"]["user"])
    titles = lambda answer: sorted(i["title"] for i in answer.json()["items"])  # noqa: E731
    assert titles(api.get("/api/v1/activities")) == ["Truyền thông"]
    assert titles(api.get("/api/v1/activities", {"where": "reached"})) == [
        "Lưu động",
        "Truyền thông",
    ]
    assert api.get(f"/api/v1/activities/{trips['trip'].pk}").status_code == 200
    assert api.delete(f"/api/v1/activities/{trips['trip'].pk}").status_code == 403
    b_api = bearer(trips["b"]["user"])
    assert titles(b_api.get("/api/v1/activities", {"where": "both"})) == ["Lưu động"]


def test_analysis_by_place_reached_and_by_organiser(trips):
    a, b = trips["a"]["commune"].uid, trips["b"]["commune"].uid
    r = run(trips["officer"], ["dx:ACTIVITIES_AT.ALL;ACTIVITIES.ALL;ACTIVITIES_AT.mobile_trip",
                               "pe:2025Q3", f"ou:{a};{b};P66"], [], {}, today=TODAY)  # fmt: skip
    got = {(f, u): r.cell(f, "2025Q3", u).value
           for f in ("ACTIVITIES_AT.ALL", "ACTIVITIES.ALL", "ACTIVITIES_AT.mobile_trip")
           for u in (a, b, "P66")}  # fmt: skip
    assert got == {
        ("ACTIVITIES_AT.ALL", a): 2, ("ACTIVITIES_AT.ALL", b): 1, ("ACTIVITIES_AT.ALL", "P66"): 2,
        ("ACTIVITIES.ALL", a): 1, ("ACTIVITIES.ALL", b): 0, ("ACTIVITIES.ALL", "P66"): 2,
        ("ACTIVITIES_AT.mobile_trip", a): 1, ("ACTIVITIES_AT.mobile_trip", b): 1,
        ("ACTIVITIES_AT.mobile_trip", "P66"): 1,
    }  # fmt: skip
