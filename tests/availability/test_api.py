"""Availability API under /api/v1/availability/ (signed-in users; scenarios scoped)."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from socplan.availability.demo import DEMO_SCENARIO
from socplan.availability.models import Scenario

from .test_adapter import registry_total


def login(client, name):
    client.force_login(get_user_model().objects.get(username=name))
    return client


@pytest.mark.django_db
def test_anonymous_is_refused(client):
    assert client.get("/api/v1/availability/coverage/", {"region": "CZ064", "kind": "49"}).status_code == 403
    assert client.get("/api/v1/availability/scenarios/").status_code == 403


@pytest.mark.django_db
def test_coverage_per_level(client):
    login(client, "kraj-referent")
    data = client.get("/api/v1/availability/coverage/", {"region": "CZ064", "kind": "49", "level": "orp"}).json()
    assert data["unit"] == "luzka" and data["band"] == "80+" and data["band_estimated"] is True
    assert data["target_per_1000"] == 60.0 and data["target_is_assumption"] is True
    assert len(data["rows"]) == 21
    total = registry_total("CZ064", "49", "luzka")
    assert sum(r["capacity"] for r in data["rows"]) == pytest.approx(total) == data["total"]["capacity"]
    for r in data["rows"]:
        assert r["rag_region"] in {"green", "amber", "red", None}
        if r["per_1000"] is not None and data["total"]["per_1000"]:
            assert r["ratio_region"] == pytest.approx(r["per_1000"] / data["total"]["per_1000"])
    okresy = client.get("/api/v1/availability/coverage/", {"region": "CZ064", "kind": "49", "level": "okres"}).json()
    assert len(okresy["rows"]) == 7
    assert sum(r["capacity"] for r in okresy["rows"]) == pytest.approx(total)
    # need = population of the rate's band × rate
    assert data["utilisation_rate_percent"] == 5.5
    for r in data["rows"]:
        assert r["need"] == pytest.approx(r["need_population"] * 0.055)


@pytest.mark.django_db
def test_coverage_errors(client):
    login(client, "kraj-referent")
    assert client.get("/api/v1/availability/coverage/", {"region": "CZ999", "kind": "49"}).status_code == 404
    assert client.get("/api/v1/availability/coverage/", {"region": "CZ064", "kind": "xx"}).status_code == 400
    assert client.get("/api/v1/availability/coverage/",
                      {"region": "CZ064", "kind": "49", "level": "bad"}).status_code == 400


@pytest.mark.django_db
def test_accessibility_equals_the_command(client):
    login(client, "kraj-referent")
    api = client.get("/api/v1/availability/accessibility/",
                     {"region": "CZ064", "kind": "50", "method": "e2sfca", "radius_km": "25"}).json()
    out = io.StringIO()
    call_command("accessibility", "--kind", "50", "--region", "CZ064", "--method", "e2sfca", "--radius-km", "25",
                 "--json", stdout=out)
    assert api == json.loads(out.getvalue())
    assert client.get("/api/v1/availability/accessibility/",
                      {"region": "CZ064", "kind": "50", "method": "3sfca"}).status_code == 400


@pytest.mark.django_db
def test_scenarios_are_scoped(client):
    demo = Scenario.objects.get(name=DEMO_SCENARIO)
    ids = {r["id"] for r in login(client, "okres-blansko").get("/api/v1/availability/scenarios/").json()["results"]}
    assert demo.pk in ids
    client.logout()
    ids = {r["id"] for r in login(client, "orp-znojmo").get("/api/v1/availability/scenarios/").json()["results"]}
    assert demo.pk not in ids
    assert client.get(f"/api/v1/availability/scenarios/{demo.pk}/").status_code == 404
    client.logout()
    detail = login(client, "kraj-referent").get(f"/api/v1/availability/scenarios/{demo.pk}/").json()
    assert detail["changes"] == [{"op": "add", "obec": "581283", "capacity": 60}]
    assert detail["shared_with"] == "CZ0641" and detail["results"]["unit"] == "luzka"


@pytest.mark.django_db
def test_targets_and_schema(client):
    login(client, "kraj-referent")
    data = client.get("/api/v1/availability/targets/", {"region__code": "CZ064", "kind__code": "49"}).json()
    assert data["count"] == 1 and data["results"][0]["band"] == "80+"
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/availability/coverage/", "/api/v1/availability/accessibility/",
                 "/api/v1/availability/scenarios/"):
        assert path in schema["paths"]
