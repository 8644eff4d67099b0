"""/api/v1/dataValueSets in each content type, and the metadata a partner maps from."""

import json

import pytest

from danso.programmes.models import DataValue

from .factories import snapshot

pytestmark = pytest.mark.django_db

QUERY = {"dataSet": ["XA_HOAT_DONG", "KCN_QUY"], "period": "2025Q3", "children": "true"}


def test_openapi_documents_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for path in ("/api/v1/dataValueSets", "/api/v1/dataValueSets.{suffix}",
                 "/api/v1/dataElements", "/api/v1/dataSets"):  # fmt: skip
        assert path in paths
    body = paths["/api/v1/dataValueSets"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/csv", "application/adx+xml"} <= set(body)
    names = {p["name"] for p in paths["/api/v1/dataValueSets"]["get"]["parameters"]}
    assert {"dataSet", "period", "orgUnit", "children", "startDate", "idScheme"} <= names


@pytest.mark.parametrize(
    ("how", "content_type"),
    [
        ({"path": ".json"}, "application/json"),
        ({"path": ".csv"}, "application/csv"),
        ({"path": ".adx"}, "application/adx+xml"),
        ({"accept": "text/csv"}, "application/csv"),
        ({"accept": "application/adx+xml"}, "application/adx+xml"),
        ({"format": "csv"}, "application/csv"),
        ({}, "application/json"),
    ],
)
def test_export_answers_in_the_format_asked(stored, bearer, how, content_type):
    api = bearer(stored["a"]["user"])
    query = {**QUERY, "orgUnit": stored["a"]["commune"].uid}
    if "format" in how:
        query["format"] = how["format"]
    headers = {"Accept": how["accept"]} if "accept" in how else {}
    answer = api.get("/api/v1/dataValueSets" + how.get("path", ""), query, headers=headers)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == content_type
    assert b"KCN_WORKERS_SERVED" in answer.content


@pytest.mark.parametrize(
    ("suffix", "content_type"),
    [("json", "application/json"), ("csv", "text/csv"), ("adx", "application/adx+xml")],
)
def test_post_each_content_type_round_trips(stored, bearer, suffix, content_type):
    api = bearer(stored["a"]["user"])
    before = snapshot(with_followup=suffix != "adx")
    query = {**QUERY, "orgUnit": stored["a"]["commune"].uid}
    data = api.get(f"/api/v1/dataValueSets.{suffix}", query).content
    DataValue.objects.all().delete()

    answer = api.post("/api/v1/dataValueSets", data, content_type=content_type)

    assert answer.status_code == 200, answer.content
    summary = answer.json()
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 6, "updated": 0, "ignored": 0, "deleted": 0}
    assert snapshot(with_followup=suffix != "adx") == [
        v for v in before if v[0].startswith(("XA_", "KCN_"))
    ]
    assert set(DataValue.objects.values_list("source", flat=True)) == {"api"}


def test_post_with_conflicts_is_409_and_dry_run_writes_nothing(world, bearer):
    api = bearer(world["a"]["user"])
    commune = world["a"]["commune"].uid
    body = {"dataValues": [
        {"dataElement": "XA_CLUBS_ACTIVE", "period": "2025Q3", "orgUnit": commune, "value": "2"},
        {"dataElement": "XA_CLUBS_ACTIVE", "period": "2025Q3", "orgUnit": "P01", "value": "2"},
    ]}  # fmt: skip
    refused = api.post("/api/v1/dataValueSets", body, content_type="application/json")
    assert refused.status_code == 409
    assert [(c["index"], c["field"], c["code"]) for c in refused.json()["conflicts"]] == [
        (1, "orgUnit", "unknown_org_unit")
    ]
    dry = api.post("/api/v1/dataValueSets?dryRun=true&importValid=true", body,
                   content_type="application/json")  # fmt: skip
    assert dry.status_code == 200
    assert dry.json()["status"] == "WARNING"
    assert dry.json()["importCount"]["imported"] == 1
    assert not DataValue.objects.exists()


def test_unknown_content_type_and_viewers(world, bearer, make_user):
    api = bearer(world["a"]["user"])
    assert api.post("/api/v1/dataValueSets", "x", content_type="text/plain").status_code == 415
    viewer = bearer(make_user("xem", "viewer", world["a"]["commune"]))
    answer = viewer.post("/api/v1/dataValueSets", {"dataValues": []},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 403


def test_export_refuses_units_outside_the_area(world, bearer):
    api = bearer(world["a"]["user"])
    query = {"dataSet": "XA_HOAT_DONG", "period": "2025Q3", "orgUnit": world["b"]["commune"].uid}
    answer = api.get("/api/v1/dataValueSets.json", query)
    assert answer.status_code == 422
    assert world["b"]["commune"].uid in answer.json()["detail"]


def test_metadata_for_mapping(world, bearer):
    api = bearer(world["a"]["user"])
    elements = api.get("/api/v1/dataElements", {"limit": 100}).json()["items"]
    workers = next(e for e in elements if e["code"] == "KCN_WORKERS_SERVED")
    combo = workers["category_combo"]
    assert [c["code"] for c in combo["categories"]] == ["ETHNICITY", "SEX"]
    assert {c["code"] for c in combo["category_option_combos"]} == {
        "MALE_KINH", "MALE_ETHNIC_MINORITY", "FEMALE_KINH", "FEMALE_ETHNIC_MINORITY"
    }  # fmt: skip
    assert workers["data_sets"] == ["KCN_QUY"]
    assert len(workers["uid"]) == 11
    fed = next(e for e in elements if e["code"] == "ACT_COMM_SESSIONS")
    assert fed["fed_by_activities"] is True
    data_sets = {d["code"]: d for d in api.get("/api/v1/dataSets").json()["items"]}
    assert data_sets["KCN_QUY"]["dhis2_period_type"] == "Quarterly"
    assert "KCN_WORKERS_SERVED" in [e["code"] for e in data_sets["KCN_QUY"]["data_elements"]]
    json.dumps(data_sets)  # plain JSON all the way down
