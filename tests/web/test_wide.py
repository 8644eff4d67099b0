"""Wide report tables on screen: pages of child columns, units as rows; the print view keeps
every column."""

import pytest
from django.utils.html import escape

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.web.wide import column_pages

pytestmark = pytest.mark.django_db


def test_column_pages_of_a_province_of_102_communes():
    pages, shown = column_pages(102, "")
    assert [(p.first, p.last) for p in pages] == [(1, 20), (21, 40), (41, 60), (61, 80),
                                                  (81, 100), (101, 102)]  # fmt: skip
    assert shown == slice(0, 20) and pages[0].current
    pages, shown = column_pages(102, "6")
    assert shown == slice(100, 120) and pages[5].current
    assert column_pages(102, "99")[1] == slice(0, 20)  # out of range: the first page
    assert column_pages(12, "2") == ([], slice(0, 12))  # a commune's villages: all at once


@pytest.fixture
def province_officer(make_user, login):
    return login(make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66")))


def _headers(body: str) -> str:
    return body.split("<thead>", 1)[1].split("</thead>", 1)[0]


def test_01_dsh_of_a_province_shows_a_page_of_communes_the_print_view_all(province_officer):
    communes = list(OrgUnit.objects.filter(parent__uid="P66", level="commune").order_by("code"))
    url = "/bao-cao/?bieu=01-DSH&dv=P66&ky=2025Q3"
    first = province_officer.get(url).content.decode()
    head = _headers(first.split('class="table-frame"', 1)[1])
    assert communes[0].short_name in head and communes[19].short_name in head
    assert communes[20].short_name not in head
    assert "cot=2" in first and "101–102" in first
    last = _headers(province_officer.get(url + "&cot=6").content.decode().split(
        'class="table-frame"', 1)[1])  # fmt: skip
    assert communes[101].short_name in last and communes[0].short_name not in last
    assert "Toàn Đắk Lắk" in last  # the total column stays on every page
    printed = province_officer.get(url + "&in=1").content.decode()
    assert all(escape(c.short_name) in _headers(printed) for c in communes)


def test_units_as_rows(province_officer):
    body = province_officer.get("/bao-cao/?bieu=01-DSH&dv=P66&ky=2025Q3&xoay=1").content.decode()
    frame = body.split('class="table-frame"', 1)[1]
    assert "Tổng số trẻ sinh ra trong quý" in _headers(frame)
    rows = frame.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr")
    assert rows == 1 + OrgUnit.objects.filter(parent__uid="P66", level="commune").count()
