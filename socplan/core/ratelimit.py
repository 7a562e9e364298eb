"""Rate limits counted in the shared cache (``CACHES["default"]``: the database cache, or Redis with ``REDIS_URL``),
so every web worker and every server sees the same count.

`allow(key, limit=, window=)` admits at most `limit` events per `key` in any `window` seconds. Each admitted event
takes one of `limit` slots with ``cache.add`` (atomic in the database cache — the slot is a primary key — in Redis
and in the local-memory cache), and a slot frees itself `window` seconds after it was taken. Two requests racing
for the last slot cannot both win, which a read-increment-write counter would allow.

`client_ip(request)` is the address limits are counted for: ``REMOTE_ADDR``, or behind ``SOCPLAN_PROXY_COUNT``
reverse proxies the address they saw (the same rule as the login lockout and the API throttle).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "SOCPLAN_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return remote


def allow(key: str, *, limit: int, window: int) -> bool:
    """Take a slot for one event under `key`; False when all `limit` slots of the last `window` seconds are taken."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    for slot in range(max(0, limit)):
        if cache.add(f"rl:{digest}:{slot}", 1, timeout=window):
            return True
    return False
