"""A superuser made with `danso manage createsuperuser` holds no unit, yet manages every user
and assigns any of the 14,000 units in the admin, picking them with its autocomplete."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from danso.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-goc-rat-dai-1"


def test_the_admin_login_page_opens():
    response = Client().get("/quan-tri/login/")
    assert response.status_code == 200 and 'name="password"' in response.content.decode()


@pytest.fixture
def superuser_client(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, username="goc", email="goc@example.org")
    client = Client()
    response = client.post(
        "/quan-tri/login/?next=/quan-tri/",
        {"username": "goc", "password": PASSWORD, "next": "/quan-tri/"},
    )
    assert response.status_code == 302 and response.url == "/quan-tri/"
    return client


def _pick(client, user, term) -> dict[str, str]:
    """What the org-unit autocomplete of the user form offers for a search term."""
    response = client.get(
        "/quan-tri/autocomplete/",
        {"term": term, "app_label": "accounts", "model_name": "user", "field_name": "org_units"},
    )
    assert response.status_code == 200
    return {r["text"]: r["id"] for r in response.json()["results"]}


def _change(client, user, unit_ids):
    return client.post(
        f"/quan-tri/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "role": user.role,
            "org_units": unit_ids,
            "is_active": "on",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "00:00",
        },
    )


def test_a_fresh_superuser_assigns_units_through_the_change_form(superuser_client, make_user, unit):
    officer = make_user("xa_moi", "commune")  # no unit yet
    hanoi = make_user("tinh_hn", "province", unit("P01"))
    users = superuser_client.get("/quan-tri/accounts/user/").content.decode()
    assert "xa_moi" in users and "tinh_hn" in users  # every user, whatever their units

    form = superuser_client.get(f"/quan-tri/accounts/user/{officer.pk}/change/")
    assert form.status_code == 200
    html = form.content.decode()
    # A searchable widget that loads units on demand, not a select of 14,000 options.
    select = re.search(r'<select name="org_units".*?</select>', html, re.S).group()
    assert "admin-autocomplete" in select and "<option" not in select

    found = _pick(superuser_client, officer, "cuprao")
    assert set(found) == {"Xã Cư Prao"} and len(_pick(superuser_client, officer, "cu prao")) == 1
    cu_prao = unit("C24415")
    assert str(cu_prao.pk) in [
        r["id"]
        for r in superuser_client.get(
            "/quan-tri/autocomplete/",
            {"term": "24415", "app_label": "accounts", "model_name": "user",
             "field_name": "org_units"},
        ).json()["results"]
    ]  # fmt: skip

    response = _change(superuser_client, officer, [cu_prao.pk])
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(officer.org_units.values_list("uid", flat=True)) == ["C24415"]

    # Units of another province, and the whole tree, are just as assignable.
    assert _change(superuser_client, hanoi, [unit("P01").pk, unit("VN").pk]).status_code == 302
    assert set(hanoi.org_units.values_list("uid", flat=True)) == {"P01", "VN"}


def test_the_superuser_can_give_themself_a_unit(superuser_client, unit):
    goc = User.objects.get(username="goc")
    assert _pick(superuser_client, goc, "ea sup")
    response = superuser_client.post(
        f"/quan-tri/accounts/user/{goc.pk}/change/",
        {
            "username": "goc",
            "role": "admin",
            "org_units": [unit("P66").pk],
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "00:00",
        },
    )
    assert response.status_code == 302
    assert list(goc.org_units.values_list("uid", flat=True)) == ["P66"]
    # Holding a province changes nothing for a superuser: still the whole tree.
    assert _pick(superuser_client, goc, "hoan kiem")


def test_an_administrator_still_picks_only_units_of_their_subtree(make_user, unit, login):
    admin = make_user("qt_dl", "admin", unit("P66"))
    officer = make_user("xa_moi", "commune")
    client = login(admin)
    assert _pick(client, officer, "cuprao")  # in Đắk Lắk
    assert not _pick(client, officer, "hoan kiem")  # in Hà Nội
