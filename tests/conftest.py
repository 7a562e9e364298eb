"""Shared test fixtures.

- The test database gets the territory, the demo region and every module's demo (`load_demo`, then
  `socplan.site.demo.app_demos_load`) once per session in `django_db_setup`; tests run inside transactions that
  roll back, so they all start from it.
  Tests that need real commits (`transactional_db`) flush the database; the base data is loaded again after them.
- Browser tests (`@pytest.mark.browser`) drive Debian's Chromium through Playwright against a real socplan
  server process started by `demo_server` on its own database (a temporary SQLite file, or a fresh
  PostgreSQL database when DATABASE_URL points to PostgreSQL), prepared with `socplan demo --no-serve`.
- Hypothesis runs derandomised by default, so the suite (and CI) sees the same examples every run and a failure
  is reproducible; `HYPOTHESIS_PROFILE=explore pytest tests/evaluation tests/finance …` searches randomly with
  more examples to look for new counter-examples.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("repeatable", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=1000, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def _load_base_data():
    from socplan.site.demo import app_demos_load

    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    app_demos_load()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    # Test users only: PBKDF2's deliberate slowness buys nothing here and costs seconds per user.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_base_data()


@pytest.fixture(autouse=True)
def _restore_base_data_after_flush(request, django_db_blocker):
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        with django_db_blocker.unblock():
            _load_base_data()


def pytest_collection_modifyitems(config, items):
    # Browser tests last: they are the slowest, and the fast feedback of the rest comes first.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# --- real server + real browser -----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_database(tmp: Path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'e2e.sqlite3'}", lambda: None
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"socplan_e2e_{os.getpid()}"
    admin = f"{base}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


class DemoServer(str):
    """The server's base URL (a str) with the demo logins as `.logins` [(user, password, role), …]."""

    def __new__(cls, url, logins):
        obj = super().__new__(cls, url)
        obj.logins = logins
        return obj


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """A socplan server with the demo region, in its own process and database. Yields its base URL."""
    tmp = tmp_path_factory.mktemp("server")
    db_url, drop = _server_database(tmp)
    env = {**os.environ, "DATABASE_URL": db_url, "SOCPLAN_DATA_DIR": str(tmp), "DEBUG": "0",
           "SOCPLAN_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    cli = [sys.executable, "-m", "socplan.cli"]
    out = subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True, text=True).stdout
    # The demo prints its logins ("user  password  role"); the first one is the region administrator.
    logins = [line.split(None, 2) for line in out.split("Demo přihlášení", 1)[1].splitlines()[1:] if line.startswith("  ")]
    port = _free_port()
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([*cli, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("socplan server did not start: " + (tmp / "server.log").read_text()[-2000:])
    yield DemoServer(base, [tuple(x) for x in logins])
    proc.terminate()
    proc.wait(10)
    drop()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("SOCPLAN_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is required (install Debian's chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, demo_server):
    context = browser.new_context(base_url=demo_server, locale="cs-CZ")
    p = context.new_page()
    p.set_default_timeout(15000)
    yield p
    context.close()


def login(page, username: str, password: str):
    page.goto("/ucet/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
