"""The registries through /api/v1: the Women's Union's commune branch records a case with two
services and a child with its sponsor and three months of support; refusals are
machine-readable, as elsewhere in the API."""

import pytest

from tests.casework.conftest import child, sponsor, sponsorship

pytestmark = pytest.mark.django_db


def test_a_branch_records_through_the_api(union, bearer):
    a = union["a"]
    api = bearer(a["cadre"])
    post = lambda url, data: api.post(url, data, content_type="application/json")  # noqa: E731
    refused = post(
        "/api/v1/dv-cases",
        {
            "place": "P01",
            "opened_on": "2024-02-01",
            "naming": "pseudonymous",
            "full_name": "Tên Hư Cấu",
            "form": "physical",
            "detected_by": "union",
        },
    )
    assert refused.status_code == 422
    codes = {(e["field"], e["code"]) for e in refused.json()["errors"]}
    assert ("place", "unknown_place") in codes
    case = post(
        "/api/v1/dv-cases",
        {
            "place": a["village"].uid,
            "opened_on": "2024-02-01",
            "form": "physical",
            "detected_by": "neighbour",
        },
    )
    assert case.status_code == 201, case.json()
    code = case.json()["code"]
    assert case.json()["supported"] is False and case.json()["full_name"] == ""
    for service in ("health", "counselling"):
        done = post(
            f"/api/v1/dv-cases/{code}/services",
            {"service": service, "date": "2024-02-03", "provider": "Trạm Y tế"},
        )
        assert done.status_code == 201
    early = post(
        f"/api/v1/dv-cases/{code}/services",
        {"service": "legal", "date": "2024-01-03", "provider": "Trợ giúp pháp lý"},
    )
    assert early.status_code == 422 and early.json()["errors"][0]["code"] == "before_start"
    got = api.get(f"/api/v1/dv-cases/{code}").json()
    assert got["supported"] is True and [s["service"] for s in got["services"]] == [
        "health",
        "counselling",
    ]
    child = post(
        "/api/v1/sponsorships/children",
        {
            "place": a["commune"].uid,
            "birth_date": "2016-05-05",
            "sex": "male",
            "orphaned": "father",
            "cause": "covid19",
        },
    )
    assert child.status_code == 201
    sponsor = post(
        "/api/v1/sponsorships/sponsors",
        {"place": a["commune"].uid, "kind": "couple", "name": "Vợ chồng Hư Cấu"},
    )
    assert sponsor.status_code == 201
    sponsorship = post(
        "/api/v1/sponsorships",
        {
            "child": child.json()["code"],
            "sponsor": sponsor.json()["code"],
            "kind": "direct",
            "start": "2024-01-01",
            "monthly_amount": 300000,
        },
    )
    assert sponsorship.status_code == 201
    s_code = sponsorship.json()["code"]
    assert sponsorship.json()["expected_end"] == "2034-05-05"  # the 18th birthday
    for month in ("01", "02", "03"):
        assert (
            post(
                f"/api/v1/sponsorships/{s_code}/supports",
                {"date": f"2024-{month}-20", "cash": 300000},
            ).status_code
            == 201
        )
    empty = post(f"/api/v1/sponsorships/{s_code}/supports", {"date": "2024-04-20"})
    assert empty.json()["errors"][0]["code"] == "empty_support"
    listed = api.get("/api/v1/sponsorships").json()
    assert [len(s["supports"]) for s in listed["items"]] == [3] and listed["count"] == 1
    address = post(
        "/api/v1/trusted-addresses",
        {
            "place": a["village"].uid,
            "name": "Nhà văn hóa",
            "host_kind": "organisation",
            "host_name": "Chi hội Thôn 1",
            "established_on": "2024-03-08",
            "project": "project8",
        },
    )
    assert address.status_code == 201 and address.json()["active"] is True
    # Another branch's cadre finds none of it.
    other = bearer(union["b"]["cadre"])
    assert other.get(f"/api/v1/dv-cases/{code}").status_code == 404
    assert other.get("/api/v1/dv-cases").json() == {"items": [], "count": 0}


def test_the_paths_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/sponsorships",
        "/api/v1/sponsorships/children",
        "/api/v1/sponsorships/sponsors",
        "/api/v1/dv-cases",
        "/api/v1/trusted-addresses",
        "/api/v1/dv-cases/{code}/services",
    ):
        assert path in paths, path


LISTS = (
    "/api/v1/sponsorships",
    "/api/v1/sponsorships/children",
    "/api/v1/sponsorships/sponsors",
    "/api/v1/dv-cases",
    "/api/v1/trusted-addresses",
)


def test_the_lists_are_paged_not_cut(union, bearer, client):
    """Each list answers pages with the total: three sponsorships read two then one, none
    dropped (the lists stopped silently at 1.000 records before), and a limit over 10.000 is
    refused, not cut down."""
    a = union["a"]
    cadre = a["cadre"]
    starts = ("2024-01-01", "2024-02-01", "2024-03-01")
    for i, start in enumerate(starts):
        sponsorship(
            cadre, child(cadre, a["commune"]), sponsor(cadre, a["village"], f"Hư Cấu {i}"), start
        )
    api = bearer(cadre)
    first = api.get("/api/v1/sponsorships?limit=2").json()
    rest = api.get("/api/v1/sponsorships?limit=2&offset=2").json()
    assert first["count"] == rest["count"] == 3
    assert [s["start"] for s in first["items"] + rest["items"]] == sorted(starts, reverse=True)
    for path, total in zip(LISTS[1:3], (3, 3), strict=True):
        page = api.get(f"{path}?limit=1&offset=2").json()
        assert page["count"] == total and len(page["items"]) == 1, path
    codes = {s["code"] for s in first["items"] + rest["items"]}
    assert len(codes) == 3
    assert api.get("/api/v1/dv-cases?limit=10001").status_code == 422
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in LISTS:
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"limit", "offset"} <= names, path
        assert "403" in paths[path]["get"]["responses"], path
