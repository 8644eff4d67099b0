"""A real danso server, started the way the README says, driven by Debian's chromium.

The server runs `danso demo --no-serve` then `danso serve` in a subprocess against its own
database: a fresh SQLite file, or a fresh PostgreSQL database when the suite runs on PostgreSQL.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import free_port, is_running, wait_until, workers_of

PASSWORD = "mat-khau-e2e-dai-du"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium() -> str:
    path = os.environ.get("DANSO_CHROMIUM") or shutil.which("chromium")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is required for the browser tests (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install chromium); CI always runs these")
    return path


def _database_url(tmp_path) -> tuple[str, callable]:
    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        return f"sqlite:///{tmp_path / 'e2e.sqlite3'}", lambda: None
    import psycopg

    name = f"danso_e2e_{os.getpid()}"
    admin = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']}"
    with psycopg.connect(f"{admin} dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{admin} dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    return url, drop


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("e2e")
    url, drop = _database_url(tmp_path)
    env = {**os.environ, "DANSO_DATABASE_URL": url, "DANSO_DATA_DIR": str(tmp_path)}
    danso = [sys.executable, "-m", "danso.cli"]
    subprocess.run([*danso, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    set_passwords = (
        "from danso.accounts.models import User\n"
        "for u in User.objects.all():\n"
        f"    u.set_password({PASSWORD!r}); u.save()\n"
    )
    subprocess.run([*danso, "manage", "shell", "-c", set_passwords], env=env, check=True)
    port = free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [*danso, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/dang-nhap/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"danso serve did not start: {(tmp_path / 'server.log').read_text()}")
    workers = workers_of(proc.pid)
    yield base
    proc.terminate()  # SIGTERM: the server stops its worker too
    proc.wait(timeout=15)
    left = [w for w in workers if not wait_until(lambda w=w: not is_running(w), 5)]
    for worker in left:
        os.kill(worker, signal.SIGKILL)
    drop()
    assert not left, "danso serve left its worker running"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, server: str, username: str):
    page.goto(f"{server}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def login_as(page, server):
    return lambda username: sign_in(page, server, username)


@pytest.fixture
def phone(browser):
    """A page the size of a cheap phone's screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    yield context.new_page()
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
