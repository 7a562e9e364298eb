"""Generated downloads (open data, brochures) kept as files per catalogue version, shared by all web
workers: `<SOCPLAN_DATA_DIR>/media/catalogue/<version>/<name>`. A file is built on the first request after
a catalogue refresh (written to a temporary name, then renamed, so a reader never sees half a file);
directories of older versions are removed when a new one is created. `WRITER_VERSION` is part of the folder name:
bump it when the writers change (e.g. formula neutralising), so files written by an older writer are not served."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from . import cache

WRITER_VERSION = "2"  # 2: CSV/XLSX cells go through socplan.core.render.safe_cells


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "catalogue"


def generated(name: str, build: Callable[[], bytes], *, variant: str = "") -> Path:
    """Path of the file `name` of the current catalogue version (built by `build()` when missing)."""
    version = cache.version() or "empty"
    tag = hashlib.sha256(f"{version}|{variant}|{WRITER_VERSION}".encode()).hexdigest()[:20]
    folder = _root() / tag
    path = folder / name
    if path.exists():
        return path
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for old in _root().iterdir():
            if old.is_dir() and old.name != tag and _older_than(old, seconds=300):
                shutil.rmtree(old, ignore_errors=True)
    data = build()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return path


def _older_than(folder: Path, *, seconds: int) -> bool:
    import time

    try:
        return time.time() - folder.stat().st_mtime > seconds
    except OSError:
        return False
