"""Administrators manage users through Django's admin, limited to their own subtree."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(make_user, unit):
    return {
        "dak_lak": make_user("qt_dl", "admin", unit("P66")),
        "ha_noi": make_user("qt_hn", "admin", unit("P01")),
    }


def test_admin_lists_and_edits_only_users_of_their_subtree(admins, make_user, unit, login):
    officer = make_user("xa_easup", "commune", unit("C24211"))
    dak_lak, ha_noi = login(admins["dak_lak"]), login(admins["ha_noi"])
    assert "xa_easup" in dak_lak.get("/quan-tri/accounts/user/").content.decode()
    assert "xa_easup" not in ha_noi.get("/quan-tri/accounts/user/").content.decode()
    url = f"/quan-tri/accounts/user/{officer.pk}/change/"
    assert dak_lak.get(url).status_code == 200
    assert ha_noi.get(url).status_code in (302, 403, 404)


def test_a_user_holding_units_in_two_provinces_is_managed_only_from_above(
    admins, make_user, unit, login
):
    both = make_user("hai_tinh", "viewer", unit("P66"), unit("P01"))
    url = f"/quan-tri/accounts/user/{both.pk}/change/"
    assert login(admins["dak_lak"]).get(url).status_code in (302, 403, 404)
    national = make_user("qt_vn", "admin", unit("VN"))
    assert login(national).get(url).status_code == 200


def test_non_administrators_have_no_admin_site(make_user, unit, login):
    officer = make_user("tinh", "province", unit("P66"))
    response = login(officer).get("/quan-tri/accounts/user/")
    assert response.status_code == 302  # sent to the admin login: not staff


def test_admin_cannot_assign_a_unit_outside_their_subtree(admins, make_user, unit, login):
    officer = make_user("xa_easup", "commune", unit("C24211"))
    client = login(admins["dak_lak"])
    url = f"/quan-tri/accounts/user/{officer.pk}/change/"
    data = {
        "username": "xa_easup",
        "role": "commune",
        "org_units": [unit("C24211").pk, unit("P01").pk],
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "org_units" in response.context["adminform"].form.errors
    assert list(officer.org_units.values_list("uid", flat=True)) == ["C24211"]
    # The same form with units in scope saves.
    data["org_units"] = [unit("C24211").pk, unit("P66").pk]
    assert client.post(url, data).status_code == 302
    assert set(officer.org_units.values_list("uid", flat=True)) == {"C24211", "P66"}


def test_a_new_user_without_units_can_be_completed_by_an_admin(admins, login):
    client = login(admins["ha_noi"])
    response = client.post(
        "/quan-tri/accounts/user/add/",
        {
            "username": "moi",
            "password1": "mat-khau-rat-dai-123",
            "password2": "mat-khau-rat-dai-123",
            "usable_password": "true",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("/change/")
