"""The register through the API: scoped, all or nothing, machine-readable problems."""

import pytest

from danso.accounts.models import Role
from danso.orgunits.services import create_village
from danso.register.models import Event, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(village, make_user, unit):
    other = create_village(
        village.parent, code="02", name="Thôn 2", unit_type="thon", legacy_commune="24211"
    )
    return {
        "ctv": make_user("ctv1", Role.COLLABORATOR, village),
        "ctv_other": make_user("ctv2", Role.COLLABORATOR, other),
        "officer": make_user("xa", Role.COMMUNE, village.parent),
        "other_village": other,
    }


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_collaborator_records_and_officer_accepts(people, village, bearer):
    ctv, officer = bearer(people["ctv"]), bearer(people["officer"])
    household = post(ctv, "/api/v1/households", {"village": village.uid, "number": "7"}).json()
    url = f"/api/v1/villages/{village.uid}/slips/202501/events"
    response = post(
        ctv,
        url,
        [
            {
                "kind": "registration",
                "occurred_on": "2025-01-02",
                "household": household["id"],
                "person_data": {
                    "full_name": "Nguyễn Thị Lan",
                    "sex": "2",
                    "date_of_birth": "1995-04-01",
                    "relationship": "1",
                    "marital_status": "2",
                },
            },
        ],
    )
    assert response.status_code == 201, response.content
    (event,) = response.json()
    person_id = event["person"]
    assert event["is_accepted"] is False
    response = post(
        ctv,
        url,
        [
            {
                "kind": "method_start",
                "occurred_on": "2025-01-10",
                "household": household["id"],
                "person": person_id,
                "method": "1",
                "place": "1",
            },
        ],
    )
    assert response.status_code == 201
    slip_id = response.json()[0]["slip"]
    assert post(ctv, f"/api/v1/slips/{slip_id}/submit", {}).status_code == 200
    assert post(ctv, f"/api/v1/slips/{slip_id}/accept", {}).status_code == 403
    accepted = post(officer, f"/api/v1/slips/{slip_id}/accept", {})
    assert accepted.json()["status"] == "accepted"
    state = ctv.get(f"/api/v1/persons/{person_id}/state", {"as_of": "2025-01-31"}).json()
    assert state["method"] == "1" and state["is_resident"] is True
    before = ctv.get(f"/api/v1/persons/{person_id}/state", {"as_of": "2025-01-05"}).json()
    assert before["method"] is None
    members = ctv.get(f"/api/v1/households/{household['id']}/members").json()
    assert [m["full_name"] for m in members] == ["Nguyễn Thị Lan"]
    timeline = ctv.get(f"/api/v1/persons/{person_id}/timeline").json()
    assert [e["kind"] for e in timeline] == ["registration", "method_start"]
    found = ctv.get("/api/v1/persons", {"q": "nguyen thi lan"}).json()["items"]
    assert [p["id"] for p in found] == [person_id]


def test_a_batch_with_a_bad_change_keeps_nothing(people, village, bearer):
    ctv = bearer(people["ctv"])
    household = post(ctv, "/api/v1/households", {"village": village.uid, "number": "8"}).json()
    url = f"/api/v1/villages/{village.uid}/slips/202501/events"
    response = post(
        ctv,
        url,
        [
            {
                "kind": "registration",
                "occurred_on": "2025-01-02",
                "household": household["id"],
                "person_data": {
                    "full_name": "Trần Văn A",
                    "sex": "1",
                    "date_of_birth": "1990-01-01",
                },
            },
            {
                "kind": "pregnancy",
                "occurred_on": "2025-01-03",
                "household": household["id"],
                "person": 999999,
                "outcome": "1",
            },
        ],
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "index": 1,
            "field": "person",
            "code": "not_found",
            "message": response.json()["errors"][0]["message"],
            "severity": "error",
        },
    ]
    assert not Person.objects.exists() and not Event.objects.exists()


def test_collaborators_see_and_write_only_their_village(people, village, bearer):
    ctv, other = bearer(people["ctv"]), bearer(people["ctv_other"])
    household = post(ctv, "/api/v1/households", {"village": village.uid, "number": "9"}).json()
    assert other.get(f"/api/v1/households/{household['id']}").status_code == 404
    assert other.get("/api/v1/households").json()["count"] == 0
    url = f"/api/v1/villages/{village.uid}/slips/202501/events"
    change = {
        "kind": "registration",
        "occurred_on": "2025-01-02",
        "household": household["id"],
        "person_data": {"full_name": "X", "sex": "1", "date_of_birth": "1990-01-01"},
    }
    assert post(other, url, [change]).status_code == 404  # the village is out of scope
    own_url = f"/api/v1/villages/{people['other_village'].uid}/slips/202501/events"
    refused = post(other, own_url, [change])  # the household is out of scope
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "not_found"
    assert not Event.objects.exists()


def test_missing_slips_of_the_month(people, village, bearer):
    officer = bearer(people["officer"])
    ctv = bearer(people["ctv"])
    household = post(ctv, "/api/v1/households", {"village": village.uid, "number": "1"}).json()
    post(
        ctv,
        f"/api/v1/villages/{village.uid}/slips/202502/events",
        [
            {
                "kind": "registration",
                "occurred_on": "2025-02-02",
                "household": household["id"],
                "person_data": {"full_name": "Lê Văn B", "sex": "1", "date_of_birth": "1980-01-01"},
            },
        ],
    )
    url = f"/api/v1/communes/{village.parent.uid}/missing-slips"
    missing = officer.get(url, {"period": "202502"}).json()
    assert {(m["name"], m["status"]) for m in missing} == {("Thôn 1", "open"), ("Thôn 2", "none")}
    slip_id = Event.objects.first().slip_id
    post(ctv, f"/api/v1/slips/{slip_id}/submit", {})
    missing = officer.get(url, {"period": "202502"}).json()
    assert [m["name"] for m in missing] == ["Thôn 2"]


def test_a_refused_batch_leaves_no_empty_slip(people, village, bearer):
    from danso.register.models import Slip

    ctv = bearer(people["ctv"])
    household = post(ctv, "/api/v1/households", {"village": village.uid, "number": "5"}).json()
    response = post(
        ctv,
        f"/api/v1/villages/{village.uid}/slips/202503/events",
        [
            {
                "kind": "registration",
                "occurred_on": "2025-03-02",
                "household": household["id"],
                "person_data": {"full_name": "Y", "sex": "1", "date_of_birth": "2030-01-01"},
            },
        ],
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "date_in_future"
    assert not Slip.objects.exists()
