"""Catalogue pages and the public API with the Django test client (demo data)."""

import pytest
from django.core.cache import cache as django_cache

from socplan.catalogue.models import CatalogueEntry
from socplan.registry.models import Service

pytestmark = pytest.mark.django_db

BLANSKO = "581283"


@pytest.fixture
def pk323():
    return Service.objects.get(registry_id=323).pk


# --- pages --------------------------------------------------------------------------------------------------

def test_search_page_lists_services_for_situation_and_place(client, pk323):
    resp = client.get("/katalog/", {"situace": "pecuji-o-blizkeho", "obec": "Blansko"})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Pečovatelská služba Města Blansko" in html
    assert f'href="/katalog/sluzba/{pk323}/"' in html
    assert "přijede za vámi domů" in html
    assert resp["Cache-Control"] == "private, no-cache" and resp["ETag"]


def test_search_page_without_parameters_offers_life_situations(client):
    html = client.get("/katalog/").content.decode()
    assert "Začněte tím, co právě řešíte" in html
    assert 'href="?situace=ztrata-bydleni"' in html
    assert '<label for="id_obec">' in html and '<label for="id_situace">' in html


def test_ambiguous_obec_offers_choices(client):
    html = client.get("/katalog/", {"obec": "Lhota"}).content.decode()
    assert "Tento název má více obcí" in html
    assert 'aria-invalid="true"' in html
    assert html.count("Lhota (okres") > 1


def test_service_page(client, pk323):
    html = client.get(f"/katalog/sluzba/{pk323}/").content.decode()
    for text in ("Pečovatelská služba Města Blansko", "Co služba nabízí", "Pro koho", "Kde", "Kapacita",
                 "16 klientů najednou", "Kontakt", "Město Blansko", "Pečovatelky za vámi docházejí domů",
                 f"/katalog/sluzba/{pk323}/karta.pdf"):
        assert text in html, text
    assert client.get("/katalog/sluzba/999999999/").status_code == 404


def test_page_etag_gives_304(client, pk323):
    first = client.get(f"/katalog/sluzba/{pk323}/")
    again = client.get(f"/katalog/sluzba/{pk323}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    other = client.get(f"/katalog/sluzba/{pk323}/", HTTP_IF_NONE_MATCH='"stale"')
    assert other.status_code == 200


def test_catalogue_is_in_the_navigation(client):
    assert 'href="/katalog/"' in client.get("/katalog/otevrena-data/").content.decode()


# --- API ----------------------------------------------------------------------------------------------------

def test_api_search_with_paging(client):
    first = client.get("/api/v1/catalogue/services/", {"situation": "ztrata-bydleni", "page_size": 5}).json()
    assert first["count"] > 5 and first["pages"] == -(-first["count"] // 5)
    assert len(first["results"]) == 5 and first["previous"] is None
    assert first["next"].endswith("page=2") and "situation=ztrata-bydleni" in first["next"]
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and second["previous"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    last = client.get("/api/v1/catalogue/services/", {"situation": "ztrata-bydleni", "page_size": 5,
                                                      "page": first["pages"]}).json()
    assert last["next"] is None
    assert len(last["results"]) == first["count"] - 5 * (first["pages"] - 1)


def test_api_near_me(client, pk323):
    data = client.get("/api/v1/catalogue/services/", {"obec": BLANSKO, "radius_km": "5", "form": "ter",
                                                      "situation": "pecuji-o-blizkeho"}).json()
    assert data["obec"]["name"] == "Blansko"
    ids = [r["id"] for r in data["results"]]
    assert pk323 in ids
    row = next(r for r in data["results"] if r["id"] == pk323)
    assert row["comes_home"] is True and row["forms"] == ["ter"] and row["kind"]["code"] == "40"
    assert row["url"].endswith(f"/katalog/sluzba/{pk323}/")


def test_api_detail(client, pk323):
    data = client.get(f"/api/v1/catalogue/services/{pk323}/").json()
    assert data["name"] == "Pečovatelská služba Města Blansko"
    assert data["capacities"] == [{"form": "ter", "type": "klient", "count": 16, "text": "16 klientů najednou"}]
    assert data["provider"] == {"name": "Město Blansko", "ico": "00279943"}
    assert {a["code"] for a in data["areas"] if a["type"] == "orp"} >= {"6201"}
    assert client.get("/api/v1/catalogue/services/999999999/").status_code == 404


def test_api_etag_and_cache_headers(client):
    url = "/api/v1/catalogue/services/?q=pecovatelska&page=2"
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=60"
    tag = first["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=f'W/{tag}, "other"').status_code == 304
    assert client.get("/api/v1/catalogue/services/?q=pecovatelska&page=3", HTTP_IF_NONE_MATCH=tag).status_code == 200
    # a change of the catalogue changes every tag
    from socplan.catalogue.services import catalogue_refresh

    Service.objects.filter(registry_id=323).update(name="Pečovatelská služba Blansko – nový název")
    catalogue_refresh()
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_api_invalid_parameters_give_400(client):
    resp = client.get("/api/v1/catalogue/services/", {"obec": "12", "form": "x", "page": "0"})
    assert resp.status_code == 400
    assert set(resp.json()["errors"]) == {"obec", "form", "page"}


def test_api_throttles_anonymous_clients(client, monkeypatch):
    monkeypatch.setenv("SOCPLAN_CATALOGUE_API_RATE", "3/minute")
    django_cache.clear()
    try:
        codes = [client.get("/api/v1/catalogue/situations/").status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        resp = client.get("/api/v1/catalogue/services/")
        assert resp.status_code == 429 and int(resp["Retry-After"]) > 0
    finally:
        django_cache.clear()


def test_api_situations(client):
    data = client.get("/api/v1/catalogue/situations/").json()
    slugs = [s["slug"] for s in data]
    assert "pecuji-o-blizkeho" in slugs and len(slugs) == len(set(slugs))


def test_openapi_schema_documents_the_catalogue(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    op = schema["paths"]["/api/v1/catalogue/services/"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"q", "obec", "radius_km", "kind", "target_group", "form", "page"} <= names
    assert {"200", "304", "400", "429"} <= set(op["responses"])


def test_every_entry_is_reachable_through_the_api(client):
    total = client.get("/api/v1/catalogue/services/").json()["count"]
    from socplan.catalogue.selectors import active_entries

    assert total == active_entries().count() <= CatalogueEntry.objects.count()
