"""The whole API answers as its OpenAPI schema says: every GET operation under /api/v1/, called in-process through
the WSGI app against the demo database, anonymously and as a signed-in superuser (who sees every row, nulls
included), never answers 5xx and conforms to the schema (documented status codes, content types, response
bodies – a field declared non-null is never null). Bounded: a few examples per operation (deeper local runs:
SOCPLAN_SCHEMATHESIS_EXAMPLES=200)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SOCPLAN_SCHEMATHESIS_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def _keep_connection():
    """As in the catalogue's schemathesis test: the WSGI app must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _basic_auth(user, password) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user.username}:{password}".encode()).decode()


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_every_get_conforms_to_the_schema(monkeypatch, who, _keep_connection, django_user_model):
    monkeypatch.setenv("SOCPLAN_CATALOGUE_API_RATE", "100000/minute")
    monkeypatch.setenv("SOCPLAN_API_ANON_RATE", "100000/minute")
    from django.core.cache import cache

    from socplan.wsgi import application

    cache.clear()  # throttling counters of earlier tests
    headers = {}
    if who == "superuser":
        password = "schema-root-password-42"
        root = django_user_model.objects.create_superuser("schema-root", password=password)
        headers["Authorization"] = _basic_auth(root, password)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    ops = [op.ok() for op in schema.include(method="GET").get_all_operations()]
    assert len(ops) > 20
    failures = []
    for op in ops:

        @given(case=op.as_strategy(generation_mode=GenerationMode.POSITIVE))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None)
        def run(case):
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, reported together
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:600]}")
    assert failures == [], "\n\n".join(failures)
