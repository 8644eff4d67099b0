"""User management in the product (/nguoi-dung/ and /api/v1/users): a province officer creates
a commune officer with a token in one step, within their province and up to their own role;
every change is in the audit log."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client

from danso.accounts.models import AccessToken, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def tinh(make_user, unit):
    return make_user("tinh", Role.PROVINCE, unit("P66"), sensitive=True)


def _logs_in(username, password) -> bool:
    response = Client().post("/dang-nhap/", {"username": username, "password": password})
    return response.status_code == 302


def _entries(user):
    return LogEntry.objects.get_for_object(user).order_by("timestamp")


def test_one_page_creates_a_commune_officer_with_a_token(tinh, login, unit):
    client = login(tinh)
    assert client.get("/nguoi-dung/them/").status_code == 200
    response = client.post(
        "/nguoi-dung/them/",
        {
            "username": "xa.easup",
            "full_name": "Nguyễn Thị Hoa",
            "role": "commune",
            "org_units": ["C24211"],
            "token_name": "phần mềm của xã",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200, page
    created = User.objects.get(username="xa.easup")
    assert created.role == Role.COMMUNE and created.full_name == "Nguyễn Thị Hoa"
    assert [u.uid for u in created.org_units.all()] == ["C24211"]
    token = created.access_tokens.get()
    assert token.name == "phần mềm của xã" and token.last_four in page
    # The page shows the password and the token once; both work.
    password = page.split('id="new-password"')[1].split("<code")[1].split(">")[1].split("<")[0]
    clear = page.split('id="new-token"')[1].split("<code")[1].split(">")[1].split("<")[0]
    assert _logs_in("xa.easup", password)
    me = Client(headers={"Authorization": f"Bearer {clear}"}).get("/api/v1/me").json()
    assert me["role"] == "commune" and me["org_units"][0]["uid"] == "C24211"
    # Audited with the actor: the user, their unit, the token.
    entries = list(_entries(created))
    assert entries and all(e.actor == tinh for e in entries)
    assert any("org_units" in (e.changes_dict or {}) for e in entries)
    assert LogEntry.objects.get_for_object(token).get().actor == tinh


def test_a_province_officer_gives_no_role_above_their_own_nor_a_unit_outside(tinh, login):
    client = login(tinh)
    for role in ("admin", "central"):
        response = client.post(
            "/nguoi-dung/them/",
            {"username": "x", "full_name": "X", "role": role, "org_units": ["C24211"]},  # fmt: skip
        )
        assert "errorlist" in response.content.decode()
    response = client.post(
        "/nguoi-dung/them/",
        {"username": "x", "full_name": "X", "role": "commune", "org_units": ["P01"]},
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not User.objects.filter(username="x").exists()


def test_a_unit_of_the_old_map_inside_the_province_may_be_given(tinh, login, unit):
    client = login(tinh)
    response = client.post(
        "/nguoi-dung/them/",
        {
            "username": "huyen.cu",
            "full_name": "Huyện cũ",
            "role": "viewer",
            "org_units": ["LP54"],
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert [u.uid for u in User.objects.get(username="huyen.cu").org_units.all()] == ["LP54"]
    found = client.get("/nguoi-dung/chon-don-vi/", {"q": "phu yen"}).content.decode()
    assert 'value="LP54"' in found
    outside = client.get("/nguoi-dung/chon-don-vi/", {"q": "P01"}).content.decode()
    assert 'value="P01"' not in outside


def test_users_of_another_province_or_above_are_not_reachable(tinh, make_user, login, unit):
    other = make_user("hn", Role.COMMUNE, unit("P01"))
    admin = make_user("qt", Role.ADMIN, unit("P66"))
    client = login(tinh)
    listing = client.get("/nguoi-dung/").content.decode()
    assert "hn" not in listing.replace("html", "") and ">qt<" not in listing
    assert client.get("/nguoi-dung/hn/").status_code == 404
    assert client.get("/nguoi-dung/qt/").status_code == 404
    assert client.post("/nguoi-dung/hn/mat-khau/").status_code == 404
    assert other.check_password("mật-khẩu-đủ-dài-1") and admin.is_active


def test_commune_officers_and_viewers_manage_no_user(make_user, login, unit):
    for role in (Role.COMMUNE, Role.VIEWER, Role.COLLABORATOR):
        user = make_user(f"u_{role}", role, unit("C24211"))
        assert login(user).get("/nguoi-dung/").status_code == 403
        assert login(user).get("/nguoi-dung/them/").status_code == 403


def test_reset_password_deactivate_and_revoke_are_audited(tinh, make_user, login, unit):
    officer = make_user("xa", Role.COMMUNE, unit("C24211"))
    _, clear = AccessToken.issue(officer, "script")
    client = login(tinh)
    page = client.post("/nguoi-dung/xa/mat-khau/").content.decode()
    password = page.split('id="new-password"')[1].split("<code")[1].split(">")[1].split("<")[0]
    assert _logs_in("xa", password)
    reset = [e for e in _entries(officer) if "password" in (e.changes_dict or {})]
    assert len(reset) == 1 and reset[0].actor == tinh and password not in str(reset[0].changes)

    response = client.post(
        "/nguoi-dung/xa/",
        {"full_name": "Cán bộ xã", "role": "commune", "org_units": ["C24211"], "is_active": ""},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active and officer.full_name == "Cán bộ xã"
    assert not _logs_in("xa", password)
    bearer = Client(headers={"Authorization": f"Bearer {clear}"})
    assert bearer.get("/api/v1/me").status_code == 401
    assert any("is_active" in (e.changes_dict or {}) for e in _entries(officer))

    token = officer.access_tokens.get()
    assert client.post(f"/nguoi-dung/xa/token/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked_at" in LogEntry.objects.get_for_object(token).latest("timestamp").changes_dict


def test_a_manager_cannot_deactivate_themself_nor_change_their_role(make_user, login, unit):
    admin = make_user("qt", Role.ADMIN, unit("P66"))
    response = login(admin).post(
        "/nguoi-dung/qt/",
        {"full_name": "Q", "role": "viewer", "org_units": ["P66"], "is_active": ""},
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.ADMIN


def test_the_api_creates_a_user_with_role_units_and_token_in_one_call(tinh, bearer):
    api = bearer(tinh)
    body = {"username": "xa2", "role": "commune", "org_units": ["C24211"],
            "full_name": "Viên chức xã", "token": {"name": "đồng bộ"}}  # fmt: skip
    response = api.post("/api/v1/users", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["user"]["role"] == "commune" and data["user"]["org_units"][0]["uid"] == "C24211"
    assert _logs_in("xa2", data["password"])
    me = Client(headers={"Authorization": f"Bearer {data['token']['token']}"}).get("/api/v1/me")
    assert me.json()["username"] == "xa2"
    listed = api.get("/api/v1/users", {"q": "xa2"}).json()
    assert listed["count"] == 1 and listed["items"][0]["username"] == "xa2"

    # Refusals: machine-readable, nothing created.
    bad = api.post("/api/v1/users", {**body, "username": "x3", "role": "admin"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "role_above_yours"
    bad = api.post("/api/v1/users", {**body, "username": "x3", "org_units": ["P01"]},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "unit_out_of_scope"
    bad = api.post("/api/v1/users", {**body, "username": "x3", "role": "chief"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "invalid_code"
    assert not User.objects.filter(username="x3").exists()

    # Change, reset, tokens.
    patched = api.patch("/api/v1/users/xa2", {"is_active": False}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert api.post("/api/v1/users/xa2/password", {}, content_type="application/json").json()[
        "password"
    ]
    issued = api.post("/api/v1/users/xa2/tokens", {"name": "hai"}, content_type="application/json")
    assert issued.status_code == 201 and issued.json()["token"].startswith("danso_")
    tokens = api.get("/api/v1/users/xa2/tokens").json()
    assert len(tokens) == 2 and "token" not in tokens[0]
    assert api.delete(f"/api/v1/users/xa2/tokens/{tokens[0]['id']}").status_code == 204
    assert len(api.get("/api/v1/users/xa2/tokens").json()) == 1


def test_the_api_refuses_those_who_manage_no_user(make_user, bearer, unit):
    officer = make_user("xa", Role.COMMUNE, unit("C24211"))
    response = bearer(officer).post(
        "/api/v1/users",
        {"username": "y", "role": "viewer", "org_units": ["C24211"]},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "forbidden"
    assert bearer(officer).get("/api/v1/users").status_code == 403


def test_users_are_in_the_openapi_document_with_the_roles_as_an_enum(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert {"post", "get"} <= set(doc["paths"]["/api/v1/users"])
    assert set(doc["components"]["schemas"]["Role"]["enum"]) == set(Role.values)


def test_a_new_superuser_may_write_from_the_first_login(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "mat-khau-goc-rat-dai-1")
    call_command("createsuperuser", interactive=False, username="goc", email="g@example.org")
    root = User.objects.get(username="goc")
    assert root.role == Role.ADMIN and root.can_edit and root.can_manage_users
    client = Client()
    client.force_login(root)
    assert client.get("/nguoi-dung/").status_code == 200


def test_the_new_user_form_proposes_a_commune_officer_not_an_administrator(make_user, login, unit):
    admin = make_user("qt", Role.ADMIN, unit("VN"))
    page = login(admin).get("/nguoi-dung/them/").content.decode()
    assert '<option value="commune" selected>' in page


def test_granting_the_sensitive_permission_is_audited(tinh, make_user, login, unit):
    officer = make_user("xa", Role.COMMUNE, unit("C24211"))
    response = login(tinh).post(
        "/nguoi-dung/xa/",
        {
            "full_name": "X",
            "role": "commune",
            "org_units": ["C24211"],
            "is_active": "on",
            "sensitive": "on",
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert User.objects.get(pk=officer.pk).can_access_sensitive
    granted = [e for e in _entries(officer) if "user_permissions" in (e.changes_dict or {})]
    assert granted and granted[-1].actor == tinh
