"""Content version, ETags and a small per-process cache of rendered parts of the public catalogue.

- `version()`: the fingerprint of the catalogue content (`CatalogueState.fingerprint`), read from the
  database at most once per `SOCPLAN_CATALOGUE_VERSION_TTL` seconds (default 5) per process; a refresh in
  the same process forgets it at once, other processes (gunicorn workers) see it within the TTL.
- `etag(*parts)`: a strong ETag from the version and what identifies the response (path, parameters,
  language, …); `not_modified(request, tag)` answers an `If-None-Match`.
- `cached(key, build)`: rendered fragments / API bodies keyed by (version, …) in a bounded per-process LRU
  (`fragments`) backed by a shared disk level (one JSON file per key and version under
  `<MEDIA_ROOT>/catalogue/cache/`). Everything cached is public data identical for every visitor (no user,
  no CSRF token), so sharing it is safe; a new version makes old keys unreachable (old folders are pruned).
  `SOCPLAN_CATALOGUE_CACHE=0` turns both levels off (the load benchmark measures both).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path


def _ttl() -> float:
    try:
        return float(os.environ.get("SOCPLAN_CATALOGUE_VERSION_TTL", "5"))
    except ValueError:
        return 5.0


_lock = threading.Lock()
_version: dict = {"value": None, "at": 0.0, "generation": 0}


def version() -> str:
    now = time.monotonic()
    if _version["value"] is None or now - _version["at"] > _ttl():
        from .models import CatalogueState

        row = CatalogueState.objects.filter(pk=1).values_list("fingerprint", flat=True).first()
        with _lock:
            _version["value"], _version["at"] = row or "", now
    return _version["value"]


def version_forget() -> None:
    with _lock:
        _version["value"] = None
        _version["generation"] += 1
    fragments.clear()


def generation() -> int:
    """How many times this process forgot the version (the in-memory search index is rebuilt after it)."""
    return _version["generation"]


def etag(*parts) -> str:
    h = hashlib.sha256(version().encode())
    for p in parts:
        h.update(b"\x00" + str(p).encode())
    return f'"{h.hexdigest()[:32]}"'


def not_modified(request, tag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {t.strip().removeprefix("W/") for t in header.split(",")}
    return tag in candidates


class _Lru:
    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def enabled() -> bool:
        return os.environ.get("SOCPLAN_CATALOGUE_CACHE", "1") != "0"

    def get(self, key):
        if not self.enabled():
            return None
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def set(self, key, value) -> None:
        if not self.enabled():
            return
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


fragments = _Lru(int(os.environ.get("SOCPLAN_CATALOGUE_CACHE_SIZE", "2000")))


def _disk_path(full_key: tuple) -> Path:
    from django.conf import settings

    version_tag = hashlib.sha256(str(full_key[0]).encode()).hexdigest()[:16]
    name = hashlib.sha256(repr(full_key[1:]).encode()).hexdigest()[:32]
    return Path(settings.MEDIA_ROOT) / "catalogue" / "cache" / version_tag / f"{name}.json"


def _disk_get(full_key: tuple):
    try:
        with open(_disk_path(full_key), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def _disk_set(full_key: tuple, value) -> None:
    path = _disk_path(full_key)
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _disk_prune(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except (OSError, TypeError, ValueError):
        pass  # the disk level is an optimisation only


def _disk_prune(current: Path) -> None:
    """Remove the folders of older versions (untouched for 5 minutes: other workers may still read them)."""
    for old in current.parent.iterdir():
        try:
            if old != current and old.is_dir() and time.time() - old.stat().st_mtime > 300:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def cached(key: tuple, build):
    """The cached value for (version, *key): from this process's LRU, else from the shared disk level
    (`<MEDIA_ROOT>/catalogue/cache/<version>/`, so that every gunicorn worker builds a page once per version
    between them, not each on its own), else built by `build()`. Values are JSON data (tuples come back as
    lists)."""
    full = (version(), *key)
    value = fragments.get(full)
    if value is not None:
        return value
    value = _disk_get(full) if _Lru.enabled() else None
    if value is None:
        value = build()
        if _Lru.enabled():
            _disk_set(full, value)
    fragments.set(full, value)
    return value
