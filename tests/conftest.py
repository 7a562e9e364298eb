"""Shared test fixtures.

- The test database gets the territory, the demo region and every module's demo (`load_demo`, then
  `socplan.site.demo.app_demos_load`) once per session in `django_db_setup`; tests run inside transactions that
  roll back, so they all start from it.
  Tests that need real commits (`transactional_db`) flush the database; the base data is loaded again after them.
- On SQLite the prepared database is kept as a file in a cache directory (`SOCPLAN_TEST_CACHE`, default
  `<temp>/socplan-test-cache`), named by a hash of the code and data under `socplan/` (pages, URLs and the
  admin left out: no loader imports them) and of this file; the next
  run with the same code copies it into its in-memory test database (SQLite's backup API, well under a second)
  instead of migrating and loading the demo again, and so does the reload after a flush. Any change to the code
  or data makes a new name, so a stale database is never used. `SOCPLAN_TEST_CACHE=off` turns the cache off.
- Browser tests (`@pytest.mark.browser`) drive Debian's Chromium through Playwright against a real socplan
  server process started by `demo_server` on its own database (a temporary SQLite file, or a fresh
  PostgreSQL database when DATABASE_URL points to PostgreSQL), prepared with `socplan demo --no-serve`; on
  SQLite the prepared data directory is cached the same way and copied for each run.
- Hypothesis runs derandomised by default, so the suite (and CI) sees the same examples every run and a failure
  is reproducible; `HYPOTHESIS_PROFILE=explore pytest tests/evaluation tests/finance …` searches randomly with
  more examples to look for new counter-examples.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
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


# --- the prepared database, cached on SQLite ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# Nothing in these reaches the base data (pages, URLs, the admin, the API's views; no loader imports them), and
# they are what changes most while one works on pages: left out of the hash, such edits keep the cache.
_SKIPPED_DIRS = {"__pycache__", "templates", "templatetags", "static", "locale"}
_SKIPPED_FILES = {"views.py", "urls.py", "api.py", "api_urls.py", "admin.py", "tables.py", "filters.py"}


def _hashed(path: Path) -> bool:
    return (path.is_file() and path.suffix not in (".pyc", ".sqlite3") and path.name not in _SKIPPED_FILES
            and not path.name.endswith("_views.py")
            and not _SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts))


@functools.cache
def _code_hash() -> str:
    """Hash of everything that can change the prepared database: the code and data under socplan/, this file."""
    h = hashlib.sha256()
    for path in sorted(p for p in (ROOT / "socplan").rglob("*") if _hashed(p)):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:20]


def _cache_dir() -> Path | None:
    setting = os.environ.get("SOCPLAN_TEST_CACHE", "")
    if setting.lower() in ("off", "0", "no"):
        return None
    path = Path(setting) if setting else Path(tempfile.gettempdir()) / "socplan-test-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cache_lock(entry: Path):
    """An exclusive lock on one cache entry (held while one run prepares what others would prepare too); close()
    frees it. Runs of other code (another hash) do not wait for it."""
    fh = open(entry.with_name(entry.name + ".lock"), "w")  # noqa: SIM115 (released by the caller)
    fcntl.flock(fh, fcntl.LOCK_EX)
    return fh


def _cache_prune(directory: Path, keep: int = 6) -> None:
    # each code change leaves one prepared database behind; keep the newest few
    entries = sorted((p for p in directory.iterdir() if p.suffix != ".lock"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for old in entries[keep:]:
        old.with_name(old.name + ".lock").unlink(missing_ok=True)
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _is_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)


def _sqlite_restore(cached: Path) -> None:
    source = sqlite3.connect(cached)
    try:
        _sqlite_copy(source, _raw_connection())
    finally:
        source.close()


def _raw_connection():
    from django.db import connection

    connection.ensure_connection()
    return connection.connection


_BASE_DB: dict[str, Path] = {}  # "file": the cached database the test database was copied from


@pytest.fixture(autouse=True, scope="session")
def _worker_files(tmp_path_factory):
    # Parallel workers (`pytest -n 2`) have databases of their own that hand out the same primary keys, so the
    # files named after them (catalogue pages, attachments) go to a folder per worker, not the shared data dir.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from django.conf import settings

    base = tmp_path_factory.mktemp("worker-files")
    settings.MEDIA_ROOT = base / "media"
    settings.SOCPLAN_ATTACHMENT_DIR = base / "attachments"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database with the base data: copied from the cache on SQLite when the code is unchanged."""
    from django.conf import settings
    from django.db import connection

    cache = _cache_dir()
    if cache is None or not _is_sqlite():
        yield from _django_db_setup_built(request, django_db_blocker)
        return
    cached = cache / f"base-{_code_hash()}.sqlite3"
    lock = _cache_lock(cached)  # parallel runs (xdist workers, other runs of the same code) prepare it once
    if not cached.exists():
        yield from _django_db_setup_built(request, django_db_blocker, save_to=cached, lock=lock)
        return
    lock.close()
    with django_db_blocker.unblock():
        old_name = connection.settings_dict["NAME"]
        test_name = connection.creation._get_test_db_name()
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        _sqlite_restore(cached)
        os.utime(cached)  # recently used: kept by the pruning
    _BASE_DB["file"] = cached
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _django_db_setup_built(request, django_db_blocker, save_to: Path | None = None, lock=None):
    """pytest-django's set-up (migrate), then the base data loaded; saved to `save_to` for the next runs."""
    from django.test.utils import setup_databases, teardown_databases

    try:
        with django_db_blocker.unblock():
            db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False,
                                     serialized_aliases=set())  # as pytest-django: no test needs serialized rollback
            _load_base_data()
            if not _is_sqlite():
                _pg_snapshot()
            if save_to is not None:
                partial = save_to.with_suffix(f".{os.getpid()}.part")
                target = sqlite3.connect(partial)
                try:
                    _sqlite_copy(_raw_connection(), target)
                finally:
                    target.close()
                partial.replace(save_to)  # atomic: a concurrent run sees the whole file or none
                _BASE_DB["file"] = save_to
                _cache_prune(save_to.parent)
    finally:
        if lock is not None:
            lock.close()
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (Czech): a request with an English Accept-Language or an
    e-mail rendered in a user's language activates English for the thread, which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _restore_base_data_after_flush(request, django_db_blocker):
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        with django_db_blocker.unblock():
            if "file" in _BASE_DB:
                _sqlite_restore(_BASE_DB["file"])
            elif "postgresql" in _BASE_DB:
                _pg_restore()
            else:
                _load_base_data()


# PostgreSQL: the base data is copied once into a schema of the test database; the reload after a flush copies it
# back table by table in one transaction (Django's foreign keys are deferred there, so the order does not matter).
_PG_SCHEMA = "socplan_test_base"


def _pg_tables() -> list[str]:
    from django.db import connection

    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _pg_snapshot() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {_PG_SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {_PG_SCHEMA}")
        for table in _pg_tables():
            cur.execute(f'CREATE TABLE {_PG_SCHEMA}."{table}" AS TABLE public."{table}"')
    _BASE_DB["postgresql"] = _PG_SCHEMA


def _pg_restore() -> None:
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    tables = _pg_tables()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(f'public."{t}"' for t in tables) + " CASCADE")
        for table in tables:
            cur.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                        "AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position", [table])
            cols = ", ".join(f'"{c}"' for (c,) in cur.fetchall())
            cur.execute(f'INSERT INTO public."{table}" ({cols}) SELECT {cols} FROM {_PG_SCHEMA}."{table}"')
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in set(tables)]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)


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


def _demo_prepared(tmp: Path, env: dict, command: list[str], *, cached: bool) -> str:
    """Run `socplan demo --no-serve` into the data directory `tmp` and return what it printed.

    On SQLite the prepared data directory (database, secret key) and the output are cached under the code hash
    and copied for the next runs with the same code.
    """
    cache = _cache_dir() if cached else None
    if cache is None:
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    saved = cache / f"server-{_code_hash()}"
    lock = _cache_lock(saved)
    try:
        return _demo_prepared_locked(tmp, env, command, cache, saved)
    finally:
        lock.close()


def _demo_prepared_locked(tmp: Path, env: dict, command: list[str], cache: Path, saved: Path) -> str:
    if not (saved / "demo.out").exists():
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
        with sqlite3.connect(tmp / "e2e.sqlite3") as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the file itself
        db.close()
        partial = saved.with_name(f"{saved.name}.{os.getpid()}.part")
        shutil.copytree(tmp, partial, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
        (partial / "demo.out").write_text(out)
        try:
            partial.rename(saved)  # atomic; a concurrent run that got there first wins
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
        _cache_prune(cache)
        return out
    shutil.copytree(saved, tmp, dirs_exist_ok=True)
    os.utime(saved)
    return (tmp / "demo.out").read_text()


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
           "SOCPLAN_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
           # the server's e-mails are files in `.outbox` (one per message), for the tests to read
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(tmp / "outbox")}
    cli = [sys.executable, "-m", "socplan.cli"]
    out = _demo_prepared(tmp, env, [*cli, "demo", "--no-serve"], cached=db_url.startswith("sqlite:"))
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
    server = DemoServer(base, [tuple(x) for x in logins])
    server.outbox = tmp / "outbox"
    yield server
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
