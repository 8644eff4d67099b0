"""The top menu shows each role only the pages it may use, and every link shown opens (200) for
that role; a refused page (403) is danso's page in Vietnamese, in the site's layout, saying
what it needs and where to go."""

import re

import pytest
from django.urls import reverse

from danso.accounts.models import Role

pytestmark = pytest.mark.django_db

ALL = ["dashboard", "report", "analysis", "progress", "person_search", "offline_home",
       "activities", "entry_start", "adhoc_list", "casework_home", "import_start",
       "group_list", "users", "audit_log", "tokens"]  # fmt: skip
HIDDEN = {
    Role.COLLABORATOR: {
        "progress",
        "entry_start",
        "adhoc_list",
        "casework_home",
        "group_list",
        "users",
        "audit_log",
    },  # fmt: skip
    Role.COMMUNE: {"group_list", "users", "audit_log"},
    Role.PROVINCE: {"offline_home", "group_list", "audit_log"},
    Role.CENTRAL: {"offline_home", "group_list", "audit_log"},
    Role.ADMIN: {"offline_home"},
}


def _menu(html: str) -> list[str]:
    nav = re.search(r'<nav class="usermenu">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.fixture
def users(two_communes, make_user, unit):
    a = two_communes["a"]
    return {
        Role.COLLABORATOR: make_user("ctv", Role.COLLABORATOR, a["village"]),
        Role.COMMUNE: make_user("xa", Role.COMMUNE, a["commune"]),
        Role.PROVINCE: make_user("tinh", Role.PROVINCE, two_communes["province"]),
        Role.CENTRAL: make_user("tw", Role.CENTRAL, unit("VN")),
        Role.ADMIN: make_user("qt", Role.ADMIN, unit("VN")),
    }


@pytest.mark.parametrize("role", list(HIDDEN))
def test_the_menu_shows_what_the_role_may_use(role, users, login):
    client = login(users[role])
    shown = _menu(client.get(reverse("home")).content.decode())
    expected = [reverse(name) for name in ALL if name not in HIDDEN[role]]
    assert shown == expected
    for url in shown:
        assert client.get(url, follow=True).status_code == 200, url  # the offline start redirects


def test_a_hidden_admin_page_is_refused_with_the_403_page(users, login, two_communes):
    client = login(users[Role.COMMUNE])
    answer = client.get(reverse("audit_log"))
    assert answer.status_code == 403
    html = answer.content.decode()
    assert '<nav class="usermenu">' in html and "<footer>" in html  # the site's layout
    assert "Không được phép truy cập" in html
    assert "Trang này cần vai trò quản trị viên." in html
    assert "Viên chức dân số xã" in html  # the user's role
    assert two_communes["a"]["commune"].name in html  # the user's area
    assert f'href="{reverse("home")}"' in html  # where to go


def test_users_page_403_names_user_management(users, login):
    html = login(users[Role.COLLABORATOR]).get(reverse("users")).content.decode()
    assert "quyền quản lý người dùng" in html and "Không được phép truy cập" in html
