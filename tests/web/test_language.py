"""Pages are in Vietnamese whatever the browser asks for; the switch in the top bar changes to
English and back, and the choice is kept (Django's set_language view and its cookie)."""

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


def _language(response) -> str:
    assert response.status_code == 200
    return re.search(r'<html lang="(\w+)"', response.content.decode()).group(1)


def _switch(client, language, next_url):
    response = client.post("/ngon-ngu/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302 and response.url == next_url
    return response


def test_an_english_browser_gets_vietnamese_until_it_switches():
    client = Client(headers=ENGLISH_BROWSER)
    page = client.get("/dang-nhap/")
    assert _language(page) == "vi"
    html = page.content.decode()
    assert "Đăng nhập" in html and "Log in" not in html
    # The switch offers the other language, in its own name.
    assert re.search(r'<button type="submit" name="language" value="en" lang="en">English', html)

    switched = _switch(client, "en", "/dang-nhap/")
    cookie = switched.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600  # kept

    page = client.get("/dang-nhap/", headers={"Accept-Language": "vi"})
    assert _language(page) == "en"
    html = page.content.decode()
    assert "Log in" in html and "Đăng nhập" not in html
    assert 'value="vi" lang="vi">Tiếng Việt' in html

    _switch(client, "vi", "/dang-nhap/")
    assert _language(client.get("/dang-nhap/")) == "vi"


def test_the_choice_holds_on_every_page_after_logging_in(make_user, unit, login):
    client = login(make_user("xa", "commune", unit("C24211")))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US"
    home = client.get("/")
    assert _language(home) == "vi" and "Đăng xuất" in home.content.decode()
    _switch(client, "en", "/bao-cao/?bieu=01-DSH")
    for url in ("/", "/bao-cao/", "/don-vi/C24211/"):
        page = client.get(url)
        assert _language(page) == "en", url
        assert "Log out" in page.content.decode()


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese():
    client = Client(headers=ENGLISH_BROWSER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert _language(client.get("/dang-nhap/")) == "vi"
