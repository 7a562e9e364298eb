"""Rate limits in the shared cache and throttling of anonymous API clients.

The default cache is the database cache (a table every web worker and server reads), or Redis with REDIS_URL —
never a per-process memory cache, where each gunicorn worker counted on its own (the probe stored 10 public
comments against a limit of 5). The public comment limit takes its slots in that cache; the anonymous API throttle
counts there too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from socplan.core import ratelimit
from socplan.planning import services as planning_services
from socplan.planning.forms import SIGNER_SALT
from socplan.planning.models import Comment
from tests.factories import MeasureFactory, PriorityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name('socplan_cache')}")
        return cursor.fetchone()[0]


def test_default_cache_is_shared_by_all_workers():
    backend = django_settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:
        assert backend == "django.core.cache.backends.db.DatabaseCache"
        assert "socplan_cache" in connection.introspection.table_names()  # created after migrate


def test_redis_when_configured(tmp_path):
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/3", "SOCPLAN_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", "import socplan.settings as s; print(s.CACHES['default']['BACKEND'],"
                          " s.CACHES['default']['LOCATION'])"], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/3"]


def test_allow_takes_at_most_limit_slots_in_a_window():
    key = "test:window"
    assert [ratelimit.allow(key, limit=3, window=1) for _ in range(5)] == [True, True, True, False, False]
    assert ratelimit.allow("test:other", limit=3, window=1)  # another key has its own slots
    time.sleep(2.1)  # the database cache keeps expiry times in whole seconds
    assert ratelimit.allow(key, limit=3, window=1)  # a slot freed itself after the window


def test_client_ip_behind_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    settings.SOCPLAN_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "10.0.0.1"  # no proxy trusted: a client cannot choose its address
    settings.SOCPLAN_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "198.51.100.7"
    settings.SOCPLAN_PROXY_COUNT = 2
    assert ratelimit.client_ip(request) == "203.0.113.9"


# --- public comments ------------------------------------------------------------------------------------------

def _comment(client, plan, text, ip):
    data = {"author_name": "Marie Občanová", "author_email": "marie@example.cz", "text": text, "website": "",
            "started": signing.dumps(timezone.now().timestamp() - 10, salt=SIGNER_SALT), "target": ""}
    return client.post(f"/planovani/plan/{plan.pk}/pripominky/", data, REMOTE_ADDR=ip)


def _fresh_worker_memory():
    """What a second gunicorn worker would have: no cache connections and no process-local cache contents."""
    from asgiref.local import Local
    from django.core.cache import caches
    from django.core.cache.backends import locmem

    caches.close_all()
    caches._connections = Local()  # new cache objects, as in a new process
    for store in (locmem._caches, locmem._expire_info, locmem._locks):
        store.clear()


@pytest.fixture
def plan_open_for_comments(db):
    measure = MeasureFactory(approved=False, priority=PriorityFactory())
    plan = measure.priority.plan
    planning_services.plan_publish_for_comments(actor=None, plan=plan)
    return plan


def test_public_comment_limit_is_counted_in_the_shared_cache(client, settings, plan_open_for_comments):
    plan = plan_open_for_comments
    assert settings.PLANNING_COMMENT_RATE == 5
    before = _cache_rows() if "DatabaseCache" in settings.CACHES["default"]["BACKEND"] else None
    for i in range(5):
        assert _comment(client, plan, f"připomínka {i}", "192.0.2.50").status_code == 302
    # Another worker process starts with empty process memory; the count lives in the shared cache, so it refuses.
    _fresh_worker_memory()
    response = _comment(Client(), plan, "šestá", "192.0.2.50")
    assert response.status_code == 200 and "příliš mnoho" in response.content.decode()
    assert _comment(Client(), plan, "z jiné adresy", "192.0.2.51").status_code == 302
    assert Comment.objects.filter(plan=plan).count() == 6
    if before is not None:
        assert _cache_rows() == before + 6  # five slots of one address, one of the other: rows every worker reads


def test_the_comment_limit_does_not_double_count_a_slot(plan_open_for_comments, settings):
    settings.PLANNING_COMMENT_RATE = 2
    plan = plan_open_for_comments
    codes = [_comment(Client(), plan, f"p{i}", "192.0.2.60").status_code for i in range(4)]
    assert codes == [302, 302, 200, 200]
    assert Comment.objects.filter(plan=plan).count() == 2


# --- API throttling ------------------------------------------------------------------------------------------

def _rate(settings, rate: str):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "anon": rate}}


def test_anonymous_api_clients_are_throttled(settings):
    assert "socplan.core.throttling.AnonymousThrottle" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    _rate(settings, "3/minute")
    cache.clear()
    client = Client()
    codes = [client.get("/api/v1/plans/", REMOTE_ADDR="198.51.100.20").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    response = client.get("/api/v1/territory/regions/", REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # A forged X-Forwarded-For does not open a new bucket (no proxy is trusted by default).
    forged = client.get("/api/v1/plans/", REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert forged.status_code == 429
    assert client.get("/api/v1/plans/", REMOTE_ADDR="198.51.100.21").status_code == 200  # another address


def test_logged_in_api_users_are_not_throttled_by_the_anonymous_rate(settings):
    _rate(settings, "2/minute")
    cache.clear()
    client = Client()
    client.force_login(UserFactory())
    assert {client.get("/api/v1/plans/", REMOTE_ADDR="198.51.100.30").status_code for _ in range(4)} == {200}


def test_default_rate_comes_from_the_environment(tmp_path):
    env = {**os.environ, "SOCPLAN_API_ANON_RATE": "7/second", "SOCPLAN_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", "import socplan.settings as s; "
                          "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'])"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "7/second"
