"""`GET /api/v1/evaluations/{year}/?region=CZ064`: scoped like the pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from socplan.evaluation.models import EvaluationRun, ServiceEvaluation
from socplan.registry.demo import DEMO_YEAR

pytestmark = pytest.mark.django_db
URL = f"/api/v1/evaluations/{DEMO_YEAR}/"


@pytest.fixture
def user():
    return lambda name: get_user_model().objects.get(username=name)


def test_anonymous_is_refused(client):
    assert client.get(URL, {"region": "CZ064"}).status_code in (401, 403)


def test_region_staff_see_every_service(client, user):
    client.force_login(user("kraj-referent"))
    r = client.get(URL, {"region": "CZ064"})
    assert r.status_code == 200
    data = r.json()
    run = EvaluationRun.objects.get(region__code="CZ064", year=DEMO_YEAR)
    assert data["region"] == "CZ064" and data["year"] == DEMO_YEAR and data["source"] == "run"
    assert data["run_id"] == run.pk and data["methodology"]["status"] == "approved"
    assert len(data["results"]) == run.n_services
    row = data["results"][0]
    stored = ServiceEvaluation.objects.get(run=run, service_id=row["service_id"])
    assert row["score"] == round(stored.score, 2) and row["rank"] == stored.rank
    assert {"service_id", "kind", "score", "rank", "meets_threshold", "missing"} <= set(row)
    # without ?region the user's only kraj is used
    assert client.get(URL).json()["region"] == "CZ064"


def test_provider_sees_only_own_services(client, user):
    u = user("poskytovatel")
    provider = u.role_assignments.get().provider
    client.force_login(u)
    data = client.get(URL, {"region": "CZ064"}).json()
    own = set(ServiceEvaluation.objects.filter(run__region__code="CZ064", run__year=DEMO_YEAR,
                                               service__provider=provider).values_list("service_id", flat=True))
    assert own and {r["service_id"] for r in data["results"]} == own
    assert {r["provider"] for r in data["results"]} == {provider.name}


def test_live_results_are_scoped_too(client, user):
    EvaluationRun.objects.filter(region__code="CZ064").delete()
    u = user("poskytovatel")
    provider = u.role_assignments.get().provider
    client.force_login(u)
    data = client.get(URL, {"region": "CZ064"}).json()
    assert data["source"] == "live" and data["run_id"] is None
    assert data["results"] and {r["provider"] for r in data["results"]} == {provider.name}


def test_orp_coordinator_sees_nothing_and_unknown_inputs(client, user):
    client.force_login(user("orp-blansko"))
    assert client.get(URL, {"region": "CZ064"}).json()["results"] == []
    assert client.get(URL, {"region": "XX999"}).status_code == 404
    assert client.get("/api/v1/evaluations/1999/", {"region": "CZ064"}).status_code == 404


def test_schema_mentions_the_endpoint(client):
    r = client.get("/api/v1/schema/")
    assert r.status_code == 200
    assert b"/api/v1/evaluations/{year}/" in r.content
