"""Secrets stay out of the repository, and the data directory (SQLite, secret key, media) lives in the user's data
home unless SOCPLAN_DATA_DIR says otherwise — never in the current directory or inside the package."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import socplan

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path(socplan.__file__).resolve().parent
SECRET_NAMES = re.compile(r"(^|/)(secret_key|secret[-_.]?key\.txt|\.env|[^/]*\.(pem|key|p12|pfx))$", re.I)
SECRET_LITERAL = re.compile(r"""SECRET_KEY\s*=\s*["'][^"']+["']""")


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [p for p in out.stdout.decode().split("\0") if p]


def test_no_secret_files_are_tracked():
    tracked = _tracked()
    assert "socplan/settings.py" in tracked  # the listing is real
    assert [p for p in tracked if SECRET_NAMES.search(p)] == []


def test_no_secret_key_literal_is_tracked():
    offenders = []
    for rel in _tracked():
        path = REPO / rel
        if not path.is_file() or path.stat().st_size > 20_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        offenders += [f"{rel}: {m.group(0)[:40]}" for m in SECRET_LITERAL.finditer(text)]
    assert offenders == []


def test_the_secret_key_detectors_are_not_vacuous():
    assert SECRET_NAMES.search("socplan/var/secret_key") and SECRET_NAMES.search("deploy/server.key")
    assert not SECRET_NAMES.search("socplan/core/render/safe_cells.py")
    name = "SECRET" + "_KEY"  # spelled apart, so this file holds no such literal itself
    assert SECRET_LITERAL.search(name + ' = "django-insecure-abc"')
    assert SECRET_LITERAL.search(name + "='abc'")
    assert not SECRET_LITERAL.search(name + " = _secret_key()")


def test_secret_key_is_ignored_by_git():
    _tracked()  # skips outside a git checkout
    for path in ("socplan/var/secret_key", "var/secret_key", "deploy/secret_key", ".env"):
        assert subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=REPO).returncode == 0, path
    assert subprocess.run(["git", "check-ignore", "-q", "--no-index", "socplan/settings.py"], cwd=REPO).returncode == 1


def _settings_in(tmp_path: Path, **env) -> dict:
    """Import the settings in a fresh interpreter with `env` (no SOCPLAN_DATA_DIR/XDG_DATA_HOME/SECRET_KEY unless
    given), in an empty working directory; return DATA_DIR and whether a key file was written."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SOCPLAN_DATA_DIR", "XDG_DATA_HOME", "SECRET_KEY", "DATABASE_URL"}}
    work = tmp_path / "cwd"
    work.mkdir(exist_ok=True)
    code = ("import socplan.settings as s, json; "
            "print(json.dumps({'data_dir': str(s.DATA_DIR), 'key': s.SECRET_KEY, 'db': str(s.DATABASES['default']['NAME'])}))")
    out = subprocess.run([sys.executable, "-c", code], env={**clean, "PYTHONPATH": str(REPO), **env}, cwd=work,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json

    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["cwd_listing"] = sorted(p.name for p in work.iterdir())
    return result


def test_data_directory_defaults_to_the_users_data_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    r = _settings_in(tmp_path, HOME=str(home))
    data = home / ".local" / "share" / "socplan"
    assert Path(r["data_dir"]) == data.resolve()
    assert r["db"] == str(data.resolve() / "socplan.sqlite3")
    assert r["cwd_listing"] == []  # nothing created in the current directory
    key_file = data / "secret_key"
    assert key_file.read_text().strip() == r["key"] and len(r["key"]) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # the second start reads the same key
    assert _settings_in(tmp_path, HOME=str(home))["key"] == r["key"]


def test_xdg_data_home_and_socplan_data_dir(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    xdg = tmp_path / "xdg"
    assert Path(_settings_in(tmp_path, HOME=str(home), XDG_DATA_HOME=str(xdg))["data_dir"]) == (xdg / "socplan").resolve()
    own = tmp_path / "own"
    r = _settings_in(tmp_path, HOME=str(home), XDG_DATA_HOME=str(xdg), SOCPLAN_DATA_DIR=str(own))
    assert Path(r["data_dir"]) == own.resolve() and (own / "secret_key").exists()
    # a SECRET_KEY from the environment is used as it is, and no key file is written
    env_dir = tmp_path / "env"
    r = _settings_in(tmp_path, SOCPLAN_DATA_DIR=str(env_dir), **{"SECRET_KEY": "x" * 60})
    assert r["key"] == "x" * 60 and not (env_dir / "secret_key").exists()


def test_a_data_directory_inside_the_package_is_refused(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"SOCPLAN_DATA_DIR", "SECRET_KEY"}}
    out = subprocess.run([sys.executable, "-c", "import socplan.settings"],
                         env={**clean, "SOCPLAN_DATA_DIR": str(PACKAGE / "var")}, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "inside the socplan package" in out.stderr
