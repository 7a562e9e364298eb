"""`socplan network-check --json` and the year API: the documented machine-readable shape."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("network_check", *args, stdout=out)
    return out.getvalue()


def check_schema(data, region, year, n_entries):
    assert set(data) >= {"region", "year", "entries"}
    assert data["region"] == region and data["year"] == year
    assert len(data["entries"]) == n_entries
    for e in data["entries"]:
        assert set(e) >= {"service_id", "tier", "conditions", "eligible"}
        assert isinstance(e["service_id"], int) and isinstance(e["tier"], str)
        assert e["conditions"], e
        for c in e["conditions"]:
            assert set(c) >= {"name", "passed", "reason"}
            assert isinstance(c["name"], str) and isinstance(c["passed"], bool)
            assert isinstance(c["reason"], str) and c["reason"]
        assert e["eligible"] is all(c["passed"] for c in e["conditions"])


def test_network_check_json(demo):
    data = json.loads(run("--region", "CZ064", "--year", "2026", "--json"))
    check_schema(data, "CZ064", 2026, demo.d26.entries.count())
    names = {c["name"] for e in data["entries"] for c in e["conditions"]}
    assert {"registration", "territory", "cofinancing", "points"} <= names
    # the new service admitted from a development request also gets the development conditions
    new = [e for e in data["entries"] if e["status"] == "new"]
    assert new and [c["name"] for c in new[0]["conditions"]][-3:] == ["need", "budget", "action_plan"]
    # both outcomes occur in the demo
    assert any(e["eligible"] for e in data["entries"]) and not all(e["eligible"] for e in data["entries"])


def test_network_check_amendment_and_text_output(demo):
    data = json.loads(run("--region", "CZ064", "--year", "2025", "--amendment", "1", "--json"))
    check_schema(data, "CZ064", 2025, demo.v25_1.entries.count())
    assert data["amendment"] == 1
    text = run("--region", "CZ064", "--year", "2025")
    assert text.startswith("Síť 2025, dodatek č. 2 (schváleno)") and "Splňuje všechny podmínky:" in text


def test_network_check_unknown_year():
    with pytest.raises(CommandError):
        run("--region", "CZ064", "--year", "1999")


def test_api_network_year(client, demo):
    data = client.get("/api/v1/network/CZ064/2025/").json()  # anonymous: the current *published* version
    assert data["region"] == "CZ064" and data["year"] == 2025 and data["version"]["amendment"] == 1
    assert len(data["entries"]) == demo.v25_1.entries.count()
    row = data["entries"][0]
    assert set(row) >= {"service_id", "service", "provider", "kind", "form", "orp", "capacity", "fte", "tier"}
    assert client.get("/api/v1/network/CZ064/2026/").status_code == 404  # the draft is not public


def test_api_network_year_check_matches_the_command(client, users, demo):
    client.force_login(users.officer)
    api = client.get("/api/v1/network/CZ064/2026/check/").json()
    cli = json.loads(run("--region", "CZ064", "--year", "2026", "--json"))
    assert api["entries"] == cli["entries"]
    assert client.get("/api/v1/network/CZ064/2026/?amendment=0").json()["version"]["status"] == "negotiation"


def test_openapi_schema_lists_the_network_endpoints(client):
    resp = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "/api/v1/network/entries/" in body and "/api/v1/network/{region}/{year}/" in body
