"""Deployment security by configuration (issue 16): the documented production variables make
`check --deploy` clean; a strict Content-Security-Policy; sign-in for the API's docs."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from danso.accounts.models import Role

TEMPLATES = Path(__file__).resolve().parents[2] / "danso"
# The production variables of the README's configuration table.
PRODUCTION = {
    "DANSO_DEBUG": "false",
    "DANSO_ALLOWED_HOSTS": "danso.example.gov.vn",
    "DANSO_SECURE_COOKIES": "true",
    "DANSO_SSL_REDIRECT": "true",
    "DANSO_HSTS_SECONDS": "31536000",
    "DANSO_HSTS_PRELOAD": "true",
    "DANSO_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def check_deploy(tmp_path, extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANSO_")}
    env.update(DANSO_DATA_DIR=str(tmp_path), DANSO_SECRET_KEY=secrets.token_urlsafe(50), **extra)
    done = subprocess.run(
        [sys.executable, "-m", "danso.cli", "manage", "check", "--deploy"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.stdout + done.stderr


def test_check_deploy_is_clean_with_the_documented_variables(tmp_path):
    output = check_deploy(tmp_path, PRODUCTION)
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output


def test_each_variable_turns_its_warning_off(tmp_path):
    output = check_deploy(tmp_path, {})
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output, output


def test_the_proxy_header_marks_requests_secure(settings, rf):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert rf.get("/", HTTP_X_FORWARDED_PROTO="https").is_secure()
    assert not rf.get("/").is_secure()


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get("/dang-nhap/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_an_inline_script_or_style():
    """What the policy would block: <script> without src, <style>, style="…", on…= handlers.
    (JSON data islands, <script type="application/json">, are not run and are allowed.)"""
    inline = re.compile(
        r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>|<style|\sstyle=\"|\son\w+=\""
    )
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("templates/**/*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert found == []


@pytest.mark.django_db
def test_docs_and_schema_can_require_sign_in(settings, client, make_user, bearer, login, unit):
    assert client.get("/api/v1/openapi.json").status_code == 200  # open by default
    settings.API_DOCS_REQUIRE_LOGIN = True
    refused = client.get("/api/v1/openapi.json")
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 302 and "/dang-nhap/" in docs["Location"]
    user = make_user("xem", Role.VIEWER, unit("P66"))
    assert bearer(user).get("/api/v1/openapi.json").status_code == 200
    assert login(user).get("/api/v1/docs").status_code == 200
