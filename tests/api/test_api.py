import pytest

from danso.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_openapi_document_is_published(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in ("/api/v1/me", "/api/v1/orgunits", "/api/v1/orgunits/{uid}"):
        assert path in paths
    assert (
        "BearerAuth" in str(doc["components"]["securitySchemes"])
        or doc["components"]["securitySchemes"]
    )


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/orgunits/P66").status_code == 401


def test_me_lists_role_and_units(make_user, bearer, unit):
    user = make_user("tinh", "province", unit("P66"), sensitive=True)
    me = bearer(user).get("/api/v1/me").json()
    assert me["role"] == "province"
    assert [u["uid"] for u in me["org_units"]] == ["P66"]
    assert me["can_access_sensitive"] is True


def test_tree_navigation_and_search(make_user, bearer, unit):
    api = bearer(make_user("tinh", "province", unit("P66")))
    roots = api.get("/api/v1/orgunits").json()
    assert [u["uid"] for u in roots["items"]] == ["P66"]
    children = api.get("/api/v1/orgunits/P66/children", {"limit": 1000}).json()
    assert children["count"] == OrgUnit.objects.filter(parent__uid="P66").count()
    found = api.get("/api/v1/orgunits", {"q": "ea sup"}).json()["items"]
    assert {"C24211", "LD646", "LC24211"} <= {u["uid"] for u in found}
    assert all(u["path"].startswith(("/VN/P66/", "/VN/LP66/")) for u in found)
    unit_json = api.get("/api/v1/orgunits/LC24211").json()
    assert unit_json["valid_to"] == "2025-06-30"  # ISO 8601 in the API
    successors = api.get("/api/v1/orgunits/LC24211/successors").json()
    assert [s["new"]["uid"] for s in successors] == ["C24211"]


def test_create_village_via_api_with_machine_readable_errors(two_communes, bearer):
    officer = bearer(two_communes["a"]["user"])
    commune = two_communes["a"]["commune"]
    url = f"/api/v1/orgunits/{commune.uid}/villages"
    bad = officer.post(url, {"code": "", "name": "X", "unit_type": "thon"}, "application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "code"
    assert bad.json()["errors"][0]["code"] == "required"
    old = commune.predecessor_links.first().old.code
    good = officer.post(
        url,
        {"code": "02", "name": "Thôn 2", "unit_type": "thon", "legacy_commune": old},
        "application/json",
    )
    assert good.status_code == 201
    assert good.json()["legacy_commune"] == f"LC{old}"


def test_session_writes_need_the_csrf_token(two_communes, login):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(
        two_communes["a"]["user"], backend="django.contrib.auth.backends.ModelBackend"
    )
    commune = two_communes["a"]["commune"]
    response = client.post(
        f"/api/v1/orgunits/{commune.uid}/villages",
        {"code": "03", "name": "Thôn 3", "unit_type": "thon"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not commune.children.filter(code="03").exists()


def test_revoked_token_stops_working(make_user, unit):
    from django.test import Client

    from danso.accounts.models import AccessToken

    user = make_user("tinh", "province", unit("P66"))
    token, clear = AccessToken.issue(user, "script")
    client = Client(headers={"Authorization": f"Bearer {clear}"})
    assert client.get("/api/v1/me").status_code == 200
    assert clear not in token.token_hash
    token.revoked_at = token.created_at
    token.save()
    assert client.get("/api/v1/me").status_code == 401
