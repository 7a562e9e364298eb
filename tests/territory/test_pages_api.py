"""Territory pages and read-only API (Django test client; the browser test is in tests/browser)."""

import pytest


def test_api_region_counts(client, db):
    data = client.get("/api/v1/territory/regions/CZ064/").json()
    assert data["districts"] == 7
    assert data["orps"] == 21
    assert data["municipalities"] == 673
    assert data["population"] == 1_191_989


def test_api_lists_filter(client, db):
    data = client.get("/api/v1/territory/orps/", {"region__code": "CZ064"}).json()
    assert data["count"] == 21
    assert {o["name"] for o in data["results"]} >= {"Blansko", "Znojmo", "Brno"}


def test_openapi_schema(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/territory/regions/{code}/" in schema["paths"]


@pytest.mark.parametrize("url, text", [
    ("/uzemi/", "Jihomoravský kraj"),
    ("/uzemi/kraj/CZ064/", "Brno-venkov"),
    ("/uzemi/okres/CZ0641/", "Boskovice"),
    ("/uzemi/orp/6201/", "Rájec-Jestřebí"),
    ("/uzemi/obec/582786/", "381\xa0346"),
])
def test_pages(client, db, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert "<svg" in response.content.decode()


def test_unknown_code_is_404(client, db):
    assert client.get("/uzemi/kraj/CZ999/").status_code == 404
