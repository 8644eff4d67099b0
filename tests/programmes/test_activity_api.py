"""The activities and clubs API: the same rules as the forms, machine-readable refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danso.accounts.models import Role
from danso.programmes.models import Activity, Club, FundingSource, Service, TargetGroup

from .test_attachments import PDF, PNG

pytestmark = pytest.mark.django_db


def payload(organiser, **extra):
    return {
        "kind": "mobile_trip",
        "title": "Chuyến lưu động",
        "start_date": "2026-03-04",
        "end_date": "2026-03-05",
        "organiser": organiser.uid,
        "participants": [{"target_group": "worker", "sex": "female", "count": 40}],
        "services": [{"service": "iud", "clients": 6}, {"service": "condom", "clients": 30}],
        "cost": 2000000,
        "funding_source": "project",
        **extra,
    }


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_record_read_replace_and_delete_an_activity(two_communes, bearer):
    a = two_communes["a"]
    api = bearer(a["user"])
    response = post(api, "/api/v1/activities", payload(a["commune"], places=[a["village"].uid]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organiser"] == a["commune"].uid
    assert body["places"] == [a["village"].uid]
    assert body["start_date"] == "2026-03-04" and body["cost"] == 2000000
    assert body["participants"] == [{"target_group": "worker", "sex": "female", "count": 40}]
    assert {s["service"]: s["clients"] for s in body["services"]} == {"iud": 6, "condom": 30}
    assert body["created_by"] == "xa_a"
    url = f"/api/v1/activities/{body['id']}"
    assert api.get(url).json() == body

    changed = payload(a["commune"], services=[{"service": "pill", "clients": 3}], cost=None)
    response = api.put(url, changed, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["services"] == [{"service": "pill", "clients": 3}]
    assert response.json()["cost"] is None

    listed = api.get("/api/v1/activities", {"kind": "mobile_trip", "start": "2026-03-01"})
    assert [x["id"] for x in listed.json()["items"]] == [body["id"]]
    assert api.get("/api/v1/activities", {"end": "2026-03-01"}).json()["items"] == []
    assert api.delete(url).status_code == 204
    assert not Activity.objects.exists()


def test_refusals_name_field_code_and_message(two_communes, bearer):
    a = two_communes["a"]
    data = payload(a["commune"], kind="picnic", end_date="2026-03-01",
                   services=[{"service": "iud", "clients": -1}])  # fmt: skip
    response = post(bearer(a["user"]), "/api/v1/activities", data)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Bị từ chối" and body["code"] == "invalid"
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("kind", "unknown_kind"), ("end_date", "end_before_start"),
        ("services", "negative_count"),
    }  # fmt: skip
    services = next(e for e in body["errors"] if e["field"] == "services")
    assert services["index"] == 0 and services["message"]


def test_scope_and_roles(two_communes, bearer, make_user, record):
    a, b = two_communes["a"], two_communes["b"]
    theirs = record(b["user"], b["commune"])
    outsider = bearer(a["user"])
    url = f"/api/v1/activities/{theirs.pk}"
    assert outsider.get(url).status_code == 404
    assert (
        outsider.put(url, payload(a["commune"]), content_type="application/json").status_code == 404
    )
    assert outsider.delete(url).status_code == 404
    assert outsider.get("/api/v1/activities").json()["items"] == []
    assert outsider.get("/api/v1/activities", {"unit": b["commune"].uid}).status_code == 404
    response = post(outsider, "/api/v1/activities", payload(b["commune"]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_unit"
    viewer = bearer(make_user("xem", Role.VIEWER, two_communes["province"]))
    assert viewer.get(url).status_code == 200
    assert post(viewer, "/api/v1/activities", payload(a["commune"])).status_code == 403
    assert viewer.delete(url).status_code == 403
    assert Activity.objects.filter(pk=theirs.pk).exists()


def test_attachments_through_the_api(two_communes, bearer, record, media):
    a, b = two_communes["a"], two_communes["b"]
    activity = record(a["user"], a["commune"])
    api = bearer(a["user"])
    url = f"/api/v1/activities/{activity.pk}/attachments"
    files = {"files": [SimpleUploadedFile("anh.png", PNG), SimpleUploadedFile("bb.pdf", PDF)]}
    response = api.post(url, files)
    assert response.status_code == 201, response.content
    png = next(x for x in response.json() if x["name"] == "anh.png")
    download = api.get(png["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    refused = api.post(url, {"files": [SimpleUploadedFile("x.jpg", b"<svg onload=alert(1)>")]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "file_content"
    assert bearer(b["user"]).get(png["url"]).status_code == 404
    assert api.delete(png["url"]).status_code == 204
    assert activity.attachments.count() == 1


def test_clubs_and_members(two_communes, bearer):
    a, b = two_communes["a"], two_communes["b"]
    api = bearer(a["user"])
    new = {"organiser": a["village"].uid, "name": "CLB Tiền hôn nhân", "founded_on": "2026-01-01"}
    response = post(api, "/api/v1/clubs", new)
    assert response.status_code == 201, response.content
    club = response.json()
    assert club["organiser"] == a["village"].uid and club["members"] == 0
    members_url = f"/api/v1/clubs/{club['id']}/members"
    response = post(api, members_url, {"full_name": "Nguyễn Thị Hoa", "sex": "female",
                                       "birth_year": 2001, "joined_on": "2026-02-01"})  # fmt: skip
    assert response.status_code == 201, response.content
    member = response.json()
    refused = post(api, members_url, {"full_name": "", "sex": "x", "birth_year": 1800})
    assert {e["code"] for e in refused.json()["errors"]} == {"required", "invalid_year"}
    left = {**member, "left_on": "2026-06-30"}
    del left["id"]
    response = api.put(f"{members_url}/{member['id']}", left, content_type="application/json")
    assert response.json()["left_on"] == "2026-06-30"
    assert api.get(f"/api/v1/clubs/{club['id']}").json()["members"] == 0  # left

    session = payload(a["village"], kind="club_session", club=club["id"], services=[])
    assert post(api, "/api/v1/activities", session).status_code == 201
    sessions = api.get(f"/api/v1/clubs/{club['id']}/sessions").json()
    assert [s["club"] for s in sessions] == [club["id"]]
    refused = api.delete(f"/api/v1/clubs/{club['id']}")
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "has_sessions"

    outsider = bearer(b["user"])
    assert outsider.get(f"/api/v1/clubs/{club['id']}").status_code == 404
    assert outsider.get(members_url).status_code == 404
    assert post(outsider, members_url, {"full_name": "X", "sex": "male"}).status_code == 404
    assert outsider.get("/api/v1/clubs").json()["items"] == []
    assert api.delete(f"{members_url}/{member['id']}").status_code == 204
    assert Club.objects.get().members.count() == 0


def test_code_lists_are_enums_in_the_openapi_document(client, two_communes, bearer):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    participants = schemas["ParticipantsIO"]["properties"]
    assert set(participants["target_group"]["enum"]) == set(TargetGroup.values)
    assert set(participants["sex"]["enum"]) == {"male", "female"}
    assert set(schemas["ServiceIO"]["properties"]["service"]["enum"]) == set(Service.values)
    funding = schemas["ActivityIn"]["properties"]["funding_source"]
    assert set(funding["enum"]) == {*FundingSource.values, ""}
    a = two_communes["a"]
    data = payload(a["commune"], services=[{"service": "massage", "clients": 1}])
    refused = post(bearer(a["user"]), "/api/v1/activities", data)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "invalid_code"
    assert refused.json()["errors"][0]["field"] == "services.0.service"
