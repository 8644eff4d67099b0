"""The unit picker's choices (scope, both maps, the user's own units first) and the period
picker in words."""

import datetime
import re

import pytest

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.web.pickers import period_choices

pytestmark = pytest.mark.django_db


def _choices(client, q=""):
    response = client.get("/don-vi/chon/", {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_with_nothing_typed_the_users_own_unit_comes_first_then_those_below(make_user, login):
    client = login(make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66")))
    rows = _choices(client)
    assert rows[0] == {"uid": "P66", "name": "Tỉnh Đắk Lắk", "code": "66", "level": "province",
                       "parent": "Việt Nam", "legacy": False, "own": True}  # fmt: skip
    assert len(rows) == 20 and all(r["level"] == "commune" and not r["legacy"] for r in rows[1:])


def test_typing_finds_both_maps_without_diacritics_current_units_first(make_user, login):
    client = login(make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66")))
    rows = _choices(client, "ea sup")
    names = [(r["name"], r["legacy"]) for r in rows if r["level"] != "organisation"]
    assert names[0] == ("Xã Ea Súp", False)
    assert ("Huyện Ea Súp", True) in names and ("Thị trấn Ea Súp", True) in names
    assert names.index(("Xã Ea Súp", False)) < names.index(("Huyện Ea Súp", True))
    assert _choices(client, "C24211")[0]["uid"] == "C24211"  # by identifier too


def test_the_picker_offers_nothing_outside_the_users_scope(make_user, login):
    client = login(make_user("xa", Role.COMMUNE, OrgUnit.objects.get(uid="C24211")))
    assert _choices(client, "ha noi") == []
    assert [r["uid"] for r in _choices(client)] == ["C24211"]  # no village yet below it
    assert login(make_user("anon", Role.VIEWER)).get("/don-vi/chon/?q=ea").json() == {"results": []}


def test_period_choices_are_in_words_latest_first():
    groups = period_choices(("quarter", "half"), today=datetime.date(2026, 10, 5), first_year=2025)
    (k1, _l1, quarters), (k2, _l2, halves) = groups
    assert (k1, k2) == ("quarter", "half")
    assert [p.label for p in quarters] == ["Quý 4/2026", "Quý 3/2026", "Quý 2/2026",
                                           "Quý 1/2026", "Quý 4/2025", "Quý 3/2025",
                                           "Quý 2/2025", "Quý 1/2025"]  # fmt: skip
    assert [p.label for p in halves] == [
        "6 tháng cuối năm 2026", "6 tháng đầu năm 2026",
        "6 tháng cuối năm 2025", "6 tháng đầu năm 2025",
    ]  # fmt: skip
    months = period_choices(("month", "year"), today=datetime.date(2026, 10, 5), first_year=2026)
    assert months[0][2][0].label == "Tháng 10/2026" and months[1][2][0].label == "Năm 2026"


def test_report_page_shows_the_pickers_and_keeps_codes_in_the_url(make_user, login):
    client = login(make_user("xa", Role.COMMUNE, OrgUnit.objects.get(uid="C24211")))
    body = client.get("/bao-cao/?bieu=02-DSX").content.decode()
    # The unit as its identifier (the script shows its name), its name for the script.
    assert re.search(r'<input id="dv" name="dv" value="C24211" data-label="Xã Ea Súp"', body)
    # The period chosen by default is the quarter being reported, in words.
    selected = re.search(r'<option value="(\w+)" selected[^>]*>([^<]+)</option>', body)
    from django.utils import timezone

    from danso.statistics.periods import Period

    last = Period.containing("quarter", timezone.localdate()).previous()
    assert selected.groups() == (last.id, last.label)
    assert 'data-kinds="month"' in body and 'data-kinds="quarter"' in body
    # A period typed in the URL that is older than the list stays chosen, in words.
    body = client.get("/bao-cao/?bieu=02-DSX&dv=C24211&ky=2019Q2").content.decode()
    assert '<option value="2019Q2" selected>Quý 2/2019</option>' in body


def test_the_commune_picker_finds_current_communes_of_any_province(two_communes, login):
    """A move's origin or destination lies outside the user's area: the commune picker
    offers current communes anywhere (never a pre-2025 one, never another level)."""
    officer = login(two_communes["a"]["user"])
    own = two_communes["a"]["commune"]
    rows = officer.get("/don-vi/chon-xa/").json()["results"]
    assert rows[0]["uid"] == own.uid and rows[0]["own"] is True
    assert all(r["level"] == "commune" and not r["legacy"] for r in rows)
    hanoi = officer.get("/don-vi/chon-xa/", {"q": "ba dinh"}).json()["results"]
    assert ("Phường Ba Đình", False) in [(r["name"], r["legacy"]) for r in hanoi]
    assert all(r["level"] == "commune" and not r["legacy"] for r in hanoi)
    assert officer.get("/don-vi/chon-xa/", {"q": "C24211"}).json()["results"][0]["uid"] == (
        "C24211"
    )


def test_the_change_form_offers_the_commune_picker_for_a_move(two_communes, login):
    from danso.register import services

    a = two_communes["a"]
    household = services.create_household(a["village"], number="01")
    html = login(a["user"]).get(f"/so-a0/ho/{household.pk}/ghi/").content.decode()
    for name in ("origin", "destination"):
        field = re.search(rf'<div class="field" data-field="{name}">(.*?)</div>', html, re.S)
        assert 'data-url="/don-vi/chon-xa/"' in field.group(1), name
        assert f'name="{name}"' in field.group(1) and "picker-code" in field.group(1)
