"""The order of the apps and the way they read each other (docs/architecture.md).

1. import-linter (`[tool.importlinter]` in pyproject.toml) keeps the layers — a module imports only from its own
   app and the apps below it, documents and catalogue do not import each other — and forbids import cycles
   between the modules of an app. Function-level imports count.
2. A scan of socplan/ (without migrations) refuses what hides a dependency from that check or swallows a broken
   one: module-presence checks (`find_spec`, `import_module`, `__import__`, `apps.is_installed`), `apps.get_model`
   of another app, and `except Exception` / `except BaseException` / bare `except:` / `except ImportError`
   (also inside a tuple, and as `contextlib.suppress(...)`), apart from the short allow-list below.

Both checkers are also run on synthetic code that breaks the rules, so this test cannot pass by checking nothing.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "accounts", "notices", "attachments", "territory", "registry", "evaluation", "planning", "network",
        "finance", "availability", "documents", "catalogue", "inbox", "site"]

# (file, finding) → why it is allowed. Every entry must still match something (a stale entry fails the test).
ALLOWED: dict[tuple[str, str], str] = {
    ("socplan/core/jobs.py", "except Exception"):
        "the background-job worker records the failure on the Job row (message, traceback) and keeps running",
}

BROAD = {"Exception", "BaseException", "ImportError", "ModuleNotFoundError"}
PRESENCE = {"find_spec", "import_module", "__import__", "is_installed"}


# --- the import contracts -----------------------------------------------------------------------------------

def lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess:
    """Run import-linter (the interpreter's own `lint-imports`) on the package found in `cwd`."""
    script = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(script), str(config), "--no-cache", "--no-logo"], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_apps_import_only_downwards_and_without_cycles():
    result = lint_imports(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout, result.stdout


def test_the_contract_covers_every_app():
    """A new app must be placed in the order (else nothing would stop it importing from anywhere)."""
    text = (ROOT / "pyproject.toml").read_text()
    contract = text[text.index("[tool.importlinter]"):]
    apps = sorted(p.parent.name for p in (ROOT / "socplan").glob("*/apps.py"))
    assert apps == sorted(APPS)
    for app in apps:
        assert f'"socplan.{app}' in contract, app


def _synthetic_project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A package named socplan with every app (empty) plus `files`, checked with the project's own contracts."""
    for app in APPS:
        (tmp_path / "socplan" / app).mkdir(parents=True, exist_ok=True)
        (tmp_path / "socplan" / app / "__init__.py").write_text("")
    (tmp_path / "socplan" / "__init__.py").write_text("")
    for name, source in files.items():
        (tmp_path / name).write_text(textwrap.dedent(source))
    config = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text()
    # the rules without their exceptions (which name modules the synthetic package does not have)
    lines = text[text.index("[tool.importlinter]"):].splitlines()
    config.write_text("\n".join(line for line in lines if not line.startswith("ignore_imports")) + "\n")
    return config


@pytest.mark.parametrize("files, expected", [
    ({"socplan/core/helpers.py": "def f():\n    from socplan.finance import engine\n",  # function-level, upwards
      "socplan/finance/engine.py": ""},
     "socplan.core is not allowed to import socplan.finance"),
    ({"socplan/catalogue/printing.py": "from socplan.documents import pdf\n",  # the two top apps
      "socplan/documents/pdf.py": ""},
     "socplan.catalogue is not allowed to import socplan.documents"),
    ({"socplan/accounts/models.py": "def clean():\n    from . import scope\n",  # a circle inside an app
      "socplan/accounts/scope.py": "from .models import clean\n"},
     "No cycles are allowed in socplan.accounts"),
])
def test_the_contracts_catch_a_violation(tmp_path, files, expected):
    config = _synthetic_project(tmp_path, files)
    result = lint_imports(tmp_path, config)
    assert result.returncode != 0 and expected in result.stdout, result.stdout + result.stderr


def test_the_synthetic_project_alone_is_clean(tmp_path):
    """The synthetic checks fail because of the violation they add, not because of the set-up."""
    config = _synthetic_project(tmp_path, {"socplan/finance/views.py": "from socplan.core import helpers\n",
                                           "socplan/core/helpers.py": ""})
    result = lint_imports(tmp_path, config)
    assert result.returncode == 0, result.stdout + result.stderr


# --- presence checks and swallowed errors -------------------------------------------------------------------

def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _handled(node: ast.expr | None) -> list[str]:
    if node is None:
        return [""]
    if isinstance(node, ast.Tuple):
        return [_name(e) for e in node.elts]
    return [_name(node)]


def findings(source: str, app: str) -> list[tuple[int, str]]:
    """(line, finding) of everything the rules forbid in the source of a module of `app`."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler):
            for name in _handled(node.type):
                if name == "":
                    out.append((node.lineno, "bare except"))
                elif name in BROAD:
                    out.append((node.lineno, f"except {name}"))
        elif isinstance(node, ast.ImportFrom) and node.module in ("importlib", "importlib.util"):
            out.extend((node.lineno, f"import {a.name}") for a in node.names if a.name in PRESENCE)
        elif isinstance(node, ast.Call):
            called = _name(node.func)
            if called in PRESENCE:
                out.append((node.lineno, f"{called}()"))
            elif called == "get_model" and _name(getattr(node.func, "value", None)) == "apps":
                label = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
                if label != app:
                    out.append((node.lineno, "apps.get_model() of another app"))
            elif called == "suppress":
                out.extend((node.lineno, f"suppress({_name(a)})") for a in node.args if _name(a) in BROAD)
    return sorted(out)


def test_the_scanner_finds_what_it_must():
    source = '''
        from importlib import import_module
        from importlib.util import find_spec
        from contextlib import suppress
        from django.apps import apps

        def f():
            if find_spec("socplan.network") is not None:
                mod = import_module("socplan.network.selectors")
            if apps.is_installed("socplan.finance"):
                pass
            model = apps.get_model("network", "DevelopmentRequest")
            own = apps.get_model("planning", "Plan")
            try:
                pass
            except Exception:
                pass
            try:
                pass
            except (ValueError, ImportError):
                pass
            try:
                pass
            except:
                pass
            with suppress(Exception):
                pass
            try:
                pass
            except ValueError:
                pass
    '''
    found = Counter(kind for _line, kind in findings(textwrap.dedent(source), "planning"))
    assert found == Counter({
        "import import_module": 1, "import find_spec": 1, "find_spec()": 1, "import_module()": 1,
        "is_installed()": 1, "apps.get_model() of another app": 1, "except Exception": 1, "except ImportError": 1,
        "bare except": 1, "suppress(Exception)": 1,
    })


def _modules():
    for path in sorted((ROOT / "socplan").rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts:
            continue
        yield rel.as_posix(), rel.parts[1] if len(rel.parts) > 2 else "", path.read_text()


def test_no_presence_checks_and_no_swallowed_errors():
    seen: set[tuple[str, str]] = set()
    bad = []
    for rel, app, source in _modules():
        for line, kind in findings(source, app):
            if (rel, kind) in ALLOWED:
                seen.add((rel, kind))
            else:
                bad.append(f"{rel}:{line}: {kind}")
    assert not bad, "\n".join(bad)
    stale = sorted(set(ALLOWED) - seen)
    assert not stale, f"allow-list entries that no longer match anything (remove them): {stale}"
