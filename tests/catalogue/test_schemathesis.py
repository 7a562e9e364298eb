"""Property-based API testing with schemathesis: every public catalogue operation, called in-process through
the WSGI app against the demo database, must never answer 5xx and must conform to the OpenAPI schema served
at /api/v1/schema/ (documented status codes, content types, response bodies); invalid input (negative mode)
must be rejected with a 4xx. A bounded number of examples per operation and mode keeps the test well under a
minute. (The schema is loaded inside the test, where the database is available.)"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

# deeper local runs: SOCPLAN_SCHEMATHESIS_EXAMPLES=500 SOCPLAN_SCHEMATHESIS_RANDOM=1
MAX_EXAMPLES = int(os.environ.get("SOCPLAN_SCHEMATHESIS_EXAMPLES", "50"))
DERANDOMIZE = os.environ.get("SOCPLAN_SCHEMATHESIS_RANDOM") != "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def _keep_connection():
    """The WSGI app sends request_started/request_finished, whose handler closes the database connection
    inside the test's transaction (PostgreSQL); Django's own test client disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations(monkeypatch):
    monkeypatch.setenv("SOCPLAN_CATALOGUE_API_RATE", "100000/minute")  # the fuzzer is not the throttle's test
    from socplan.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    schema = schema.include(path_regex=r"^/api/v1/catalogue/")
    ops = [op.ok() for op in schema.get_all_operations()]
    assert {op.path for op in ops} == {"/api/v1/catalogue/services/", "/api/v1/catalogue/services/{id}/",
                                       "/api/v1/catalogue/situations/"}
    return ops


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_catalogue_api_conforms_to_its_schema(monkeypatch, mode, _keep_connection):
    checks = CHECKS + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])
    tested = 0
    for op in _operations(monkeypatch):

        @given(case=op.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=DERANDOMIZE, database=None)
        def run(case):
            case.call_and_validate(checks=checks)

        try:
            run()
        except Unsatisfiable:
            # an operation without parameters (situations/) has no invalid input to generate
            assert mode == GenerationMode.NEGATIVE and op.path.endswith("/situations/")
            continue
        tested += 1
    assert tested == (3 if mode == GenerationMode.POSITIVE else 2)
