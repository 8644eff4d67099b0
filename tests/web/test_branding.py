"""The agency's name (DANSO_AGENCY_NAME) in the top bar, and a favicon on every page."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_top_bar_names_the_agency_when_configured(make_user, unit, login, settings):
    client = login(make_user("xa", "commune", unit("C24211")))
    assert "Dân số – Kế hoạch hóa gia đình" in client.get("/").content.decode()
    settings.AGENCY_NAME = "Chi cục Dân số tỉnh Đắk Lắk"
    page = client.get("/").content.decode()
    assert '<span class="tagline">Chi cục Dân số tỉnh Đắk Lắk</span>' in page


def test_every_page_has_a_favicon(client):
    page = client.get("/dang-nhap/").content.decode()
    assert 'rel="icon" href="/static/danso/favicon.svg"' in page
    assert finders.find("danso/favicon.svg").endswith("favicon.svg")
