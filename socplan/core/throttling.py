"""API throttling for anonymous clients (DRF), counted in the shared cache.

`AnonymousThrottle` is the default throttle of every API view (``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``):
anonymous clients get ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]`` requests (``SOCPLAN_API_ANON_RATE``,
default 600/minute) per address, then 429 with ``Retry-After``; logged-in users are not throttled. The rate is read
from the settings at each request (DRF's own class reads it once at import). The address comes from
``REMOTE_ADDR`` or, behind ``SOCPLAN_PROXY_COUNT`` proxies, from ``X-Forwarded-For`` (``NUM_PROXIES``), so a client
cannot choose its own bucket.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)
