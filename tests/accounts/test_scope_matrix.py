"""A commune officer of commune A reaches nothing of commune B, through the UI or the API.

Every object of B (the commune, its village, its health station) is tried with every read and
write route; each must answer 403 or 404 and change nothing. The same routes answer 200 for
B's own officer, so the test cannot pass by every route being broken.
"""

import pytest

from danso.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

UI_GET = ["/don-vi/{uid}/"]
UI_GET_COMMUNE = [
    "/don-vi/{uid}/them-thon/",
    "/don-vi/{uid}/nhap-thon/",
    "/don-vi/{uid}/mau-thon.csv",
    "/don-vi/{uid}/them-to-chuc/",
]
API_GET = ["/api/v1/orgunits/{uid}", "/api/v1/orgunits/{uid}/children"]


def objects_of(world, key):
    side = world[key]
    return [side["commune"], side["village"], side["station"]]


def test_outsider_is_refused_everything_in_the_ui(two_communes, login):
    outsider = login(two_communes["a"]["user"])
    owner = login(two_communes["b"]["user"])
    for obj in objects_of(two_communes, "b"):
        routes = UI_GET + (UI_GET_COMMUNE if obj.level == "commune" else [])
        for route in routes:
            url = route.format(uid=obj.uid)
            assert outsider.get(url).status_code in (403, 404), url
            assert owner.get(url).status_code == 200, url
    commune_b = two_communes["b"]["commune"]
    before = OrgUnit.objects.count()
    response = outsider.post(
        f"/don-vi/{commune_b.uid}/them-thon/", {"code": "99", "name": "X", "unit_type": "thon"}
    )
    assert response.status_code in (403, 404)
    assert OrgUnit.objects.count() == before


def test_outsider_is_refused_everything_in_the_api(two_communes, bearer):
    outsider = bearer(two_communes["a"]["user"])
    owner = bearer(two_communes["b"]["user"])
    for obj in objects_of(two_communes, "b"):
        for route in API_GET:
            url = route.format(uid=obj.uid)
            assert outsider.get(url).status_code in (403, 404), url
            assert owner.get(url).status_code == 200, url
    commune_b = two_communes["b"]["commune"]
    village_b = two_communes["b"]["village"]
    before = OrgUnit.objects.count()
    payload = {"code": "99", "name": "X", "unit_type": "thon"}
    for url in (
        f"/api/v1/orgunits/{commune_b.uid}/villages",
        f"/api/v1/orgunits/{commune_b.uid}/organisations",
    ):
        response = outsider.post(url, payload, content_type="application/json")
        assert response.status_code in (403, 404), url
    assert outsider.delete(f"/api/v1/orgunits/{village_b.uid}").status_code in (403, 404)
    assert OrgUnit.objects.count() == before
    # Nor does B appear in A's listings or searches.
    listed = outsider.get("/api/v1/orgunits", {"q": commune_b.short_name}).json()["items"]
    assert commune_b.uid not in {u["uid"] for u in listed}
    province = two_communes["province"].uid
    assert outsider.get(f"/api/v1/orgunits/{province}/children").status_code == 404


def test_search_page_shows_only_units_in_scope(two_communes, login):
    outsider = login(two_communes["a"]["user"])
    village_b = two_communes["b"]["village"]
    html = outsider.get("/don-vi/tim/", {"q": village_b.name}).content.decode()
    assert village_b.uid not in html
    owner_html = login(two_communes["b"]["user"]).get("/don-vi/tim/", {"q": village_b.name})
    assert village_b.uid in owner_html.content.decode()


def test_province_officer_sees_both_communes(two_communes, make_user, bearer):
    officer = bearer(make_user("tinh", "province", two_communes["province"]))
    for key in ("a", "b"):
        for obj in objects_of(two_communes, key):
            assert officer.get(f"/api/v1/orgunits/{obj.uid}").status_code == 200


def test_viewer_reads_but_cannot_write(two_communes, make_user, bearer, login):
    viewer = make_user("xem", "viewer", two_communes["province"])
    commune = two_communes["a"]["commune"]
    api = bearer(viewer)
    assert api.get(f"/api/v1/orgunits/{commune.uid}").status_code == 200
    response = api.post(
        f"/api/v1/orgunits/{commune.uid}/villages",
        {"code": "77", "name": "X", "unit_type": "thon"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert login(viewer).get(f"/don-vi/{commune.uid}/them-thon/").status_code == 403


def test_legacy_units_visible_only_when_wholly_inside_the_scope(two_communes, make_user, bearer):
    commune = two_communes["a"]["commune"]
    officer = bearer(two_communes["a"]["user"])
    for link in commune.predecessor_links.select_related("old"):
        old = link.old
        wholly_inside = not old.successor_links.exclude(new=commune).exists()
        expected = 200 if wholly_inside else 404
        assert officer.get(f"/api/v1/orgunits/{old.uid}").status_code == expected, old.uid
    # The province officer sees the old province that merged into theirs, not another.
    province_officer = bearer(make_user("tinh", "province", two_communes["province"]))
    assert province_officer.get("/api/v1/orgunits/LP66").status_code == 200
    assert province_officer.get("/api/v1/orgunits/LP01").status_code == 404
