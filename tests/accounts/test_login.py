"""Logging in with Django auth: hashed passwords, a Vietnamese home page, and throttling."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "mật-khẩu-đủ-dài-1"


def test_password_is_stored_hashed(make_user, unit):
    user = make_user("xa1", "commune", unit("C24211"))
    assert PASSWORD not in user.password
    assert user.password.startswith(("pbkdf2_sha256$", "argon2", "scrypt"))
    assert user.check_password(PASSWORD)


def test_login_lands_on_vietnamese_home_page_of_the_unit(make_user, unit):
    make_user("xa1", "commune", unit("C24211"))
    client = Client()
    response = client.post("/dang-nhap/", {"username": "xa1", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "<h1>Xã Ea Súp</h1>" in html
    assert "Đăng xuất" in html
    assert "Thêm thôn, tổ dân phố" in html or "Thêm thôn" in html


def test_anonymous_is_sent_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response.url.startswith("/dang-nhap/")


def test_repeated_failures_lock_the_account(make_user, unit):
    make_user("xa1", "commune", unit("C24211"))
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/dang-nhap/", {"username": "xa1", "password": "sai"})
        assert response.status_code == 200  # the form again, with an error
    response = client.post("/dang-nhap/", {"username": "xa1", "password": "sai"})
    assert response.status_code == 429
    # Now even the right password is refused until the cool-off ends.
    response = client.post("/dang-nhap/", {"username": "xa1", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_use_a_token(make_user, unit, bearer):
    user = make_user("xa1", "commune", unit("C24211"))
    client = bearer(user)
    assert client.get("/api/v1/me").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me").status_code == 401
