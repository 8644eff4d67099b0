"""No link leads a user to a page they may not open.

Each role logs in and opens its main pages (home, unit pages, village register, household,
person, slip, reports, dashboard, searches); every internal link on them is followed and must
answer neither 403, 404 nor 500. Units above or beside a user's scope (a collaborator's
commune and province, a village's old commune) are shown as plain text instead.
"""

import datetime
import html
import re
from urllib.parse import urljoin, urlsplit

import pytest

from danso.orgunits.services import create_organisation, create_village
from danso.register import codes
from danso.register.services import accept, create_household, record, slip_for, submit
from danso.register.validation import Change

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
SKIPPED = ("/static/", "/dang-xuat/")  # files, and logging out ends the visit
HREF = re.compile(r'href="([^"]*)"')


@pytest.fixture
def world(make_user, unit):
    """Xã Ea Súp with two villages (one of each old commune), a household with a couple, its
    health station, the province's FP Association, and a user of each role."""
    commune, province = unit("C24211"), unit("P66")
    old = list(commune.predecessor_links.filter(old__level="commune").order_by("old__code"))
    village = create_village(commune, code="01", name="Thôn 1", unit_type="thon",
                             legacy_commune=old[0].old.code)  # fmt: skip
    create_village(commune, code="02", name="Thôn 2", unit_type="thon",
                   legacy_commune=old[1].old.code)  # fmt: skip
    station = create_organisation(commune, code="TYT", name="Trạm Y tế xã Ea Súp",
                                  unit_type="tram_y_te")  # fmt: skip
    association = create_organisation(province, code="HKHHGD", name="Hội KHHGĐ tỉnh Đắk Lắk",
                                      unit_type="hoi_khhgd")  # fmt: skip
    household = create_household(village, number="001", address="Thôn 1")
    day = TODAY.replace(day=1) - datetime.timedelta(days=40)
    slip = slip_for(village, f"{day:%Y%m}")
    person = {"full_name": "Y Bhin Niê", "sex": codes.MALE, "relationship": codes.HEAD,
              "date_of_birth": datetime.date(1990, 5, 1),
              "marital_status": codes.MARRIED}  # fmt: skip
    events, _ = record(slip, [Change("registration", day, household, person_data=person)])
    submit(slip, None)
    accept(slip, None)
    users = {
        "collaborator": make_user("ctv", "collaborator", village),
        "commune": make_user("xa", "commune", commune),
        "province": make_user("tinh", "province", province),
        "viewer": make_user("xem", "viewer", commune),
        "partner": make_user("tram", "partner", station),
        "association": make_user("hoi", "partner", association),
    }
    quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
    pages = [
        "/",
        "/bang-dieu-khien/",
        "/bao-cao/",
        "/don-vi/tim/?q=ea+sup",
        "/so-a0/tim/?q=bhin",
        f"/don-vi/{commune.uid}/",
        f"/don-vi/{village.uid}/",
        f"/don-vi/{village.legacy_commune.uid}/",
        f"/don-vi/{station.uid}/",
        f"/don-vi/{association.uid}/",
        f"/so-a0/thon/{village.uid}/",
        f"/so-a0/ho/{household.pk}/",
        f"/so-a0/nguoi/{events[0].person_id}/",
        f"/phieu/{slip.pk}/",
        f"/phieu/xa/{commune.uid}/",
        f"/bao-cao/?bieu=01-DSH&dv={commune.uid}&ky={quarter}",
        f"/bao-cao/?bieu=01-DSH&dv={province.uid}&ky={quarter}",
        f"/bang-dieu-khien/?dv={village.uid}",
    ]
    return {"users": users, "pages": pages, "village": village}


# What each role must at least be able to open, so the test never passes by opening nothing.
MUST_OPEN = {
    "collaborator": {"/don-vi/C24211-01/", "/so-a0/thon/C24211-01/", "/so-a0/ho/", "/phieu/"},
    "commune": {"/don-vi/C24211/", "/phieu/xa/C24211/", "/so-a0/nguoi/", "/bao-cao/?bieu"},
    "province": {"/don-vi/C24211/", "/so-a0/ho/", "/bao-cao/?bieu=01-DSH&dv=P66"},
    "viewer": {"/don-vi/C24211/", "/so-a0/thon/C24211-01/", "/so-a0/nguoi/"},
    "partner": {"/don-vi/C24211-TYT/", "/bang-dieu-khien/"},
    "association": {"/don-vi/P66-HKHHGD/", "/bao-cao/"},
}


def _links(url: str, body: str) -> set[str]:
    found = set()
    for href in HREF.findall(body):
        target = urlsplit(urljoin(f"http://testserver{url}", html.unescape(href)))
        if target.netloc != "testserver" or target.path.startswith(SKIPPED):
            continue
        found.add(target.path + (f"?{target.query}" if target.query else ""))
    return found


@pytest.mark.parametrize("role", list(MUST_OPEN))
def test_every_link_on_the_main_pages_opens(world, role, login):
    client = login(world["users"][role])
    opened, links = [], {}
    for url in world["pages"]:
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (403, 404), (url, response.status_code)
            continue  # a page outside the role's scope: it links nowhere
        opened.append(url)
        for link in _links(url, response.content.decode()):
            links.setdefault(link, url)
    for must in MUST_OPEN[role]:
        assert any(url.startswith(must) for url in opened), (role, must, opened)

    broken = []
    for link, source in sorted(links.items()):
        status = client.get(link).status_code
        if status in (403, 404) or status >= 500:
            broken.append(f"{link} (on {source}): {status}")
    assert not broken, "\n".join(broken)
    assert len(links) > 10  # the crawl did follow links


def test_units_out_of_reach_are_plain_text(world, login):
    """The collaborator sees the names of their commune, province and old commune, unlinked."""
    client = login(world["users"]["collaborator"])
    village = world["village"]
    page = client.get(f"/don-vi/{village.uid}/").content.decode()
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', page, re.S).group()
    assert "Đắk Lắk" in crumbs and "Ea Súp" in crumbs
    assert 'href="/don-vi/C24211/"' not in crumbs and 'href="/don-vi/P66/"' not in crumbs
    assert village.legacy_commune.name in page
    assert f'href="/don-vi/{village.legacy_commune.uid}/"' not in page
    register = client.get(f"/so-a0/thon/{village.uid}/").content.decode()
    assert "Ea Súp" in register and 'href="/don-vi/C24211/"' not in register
    # The commune officer, who may open them, gets links.
    officer = login(world["users"]["commune"]).get(f"/don-vi/{village.uid}/").content.decode()
    assert 'href="/don-vi/C24211/"' in officer
