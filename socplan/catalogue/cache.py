"""Content version, ETags and a small per-process cache of rendered parts of the public catalogue.

- `version()`: the fingerprint of the catalogue content (`CatalogueState.fingerprint`), read from the
  database at most once per `SOCPLAN_CATALOGUE_VERSION_TTL` seconds (default 5) per process; a refresh in
  the same process forgets it at once, other processes (gunicorn workers) see it within the TTL.
- `etag(*parts)`: a strong ETag from the version and what identifies the response (path, parameters,
  language, …); `not_modified(request, tag)` answers an `If-None-Match`.
- `fragments`: a bounded LRU of rendered fragments / serialised bodies keyed by (version, …). Everything
  it holds is public data identical for every visitor (no user, no CSRF token), so sharing it is safe; a
  new version makes old keys unreachable and the LRU drops them. `SOCPLAN_CATALOGUE_CACHE=0` turns it off
  (the load benchmark measures both).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict


def _ttl() -> float:
    try:
        return float(os.environ.get("SOCPLAN_CATALOGUE_VERSION_TTL", "5"))
    except ValueError:
        return 5.0


_lock = threading.Lock()
_version: dict = {"value": None, "at": 0.0}


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
    fragments.clear()


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


def cached(key: tuple, build):
    """The cached value for (version, *key), built by `build()` on a miss."""
    full = (version(), *key)
    value = fragments.get(full)
    if value is None:
        value = build()
        fragments.set(full, value)
    return value
