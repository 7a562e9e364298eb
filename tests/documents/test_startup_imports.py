"""Start-up stays light: registering the document builders (the financial chapter among them) does not import the
finance selectors (and their numpy/pandas); they load at the first chapter built."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(code: str) -> set[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "socplan.settings"}
    probe = ("import sys, django; django.setup(); " + code +
             "; print(' '.join(m for m in ('numpy', 'pandas', 'socplan.finance.selectors') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    return set(out.stdout.split())


def test_builders_register_without_pandas():
    loaded = _loaded_after("from socplan.documents.builders import BUILDERS; assert 'finance.chapter' in BUILDERS")
    assert "socplan.finance.selectors" not in loaded  # (pandas may come from another app: its own check)


def test_the_probe_sees_pandas_once_the_selectors_are_imported():
    # the check above can fail: the probe sees the selectors (and their pandas) once they are imported
    assert {"pandas", "socplan.finance.selectors"} <= _loaded_after("import socplan.finance.selectors")
