"""Open data of the catalogue: CSV and XLSX open and carry the same rows as the JSON export; the HSDS export
validates against the official Open Referral HSDS 3.1 JSON Schemas (copied into
socplan/catalogue/data/hsds-3.1/, CC BY-SA 4.0); the published-network exports follow the network flag."""

import copy
import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import socplan.catalogue
from socplan.catalogue import exports, network_link
from socplan.catalogue.models import CatalogueEntry
from socplan.catalogue.selectors import active_entries
from socplan.catalogue.services import catalogue_refresh
from socplan.registry.models import Service

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(socplan.catalogue.__file__).resolve().parent / "data" / "hsds-3.1" / "schema"
BASE = "https://schemas.openreferral.org/hsds/3.1/"  # any base URI: the files reference each other relatively


def _validator(name: str) -> Draft202012Validator:
    resources = [(BASE + f.name, Resource.from_contents(json.loads(f.read_text(encoding="utf-8")),
                                                       default_specification=DRAFT202012))
                 for f in SCHEMA_DIR.glob("*.json")]
    registry = Registry().with_resources(resources)
    return Draft202012Validator({"$ref": BASE + name}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def _download(client, name: str):
    resp = client.get(f"/katalog/data/{name}")
    assert resp.status_code == 200, name
    return b"".join(resp.streaming_content), resp


def test_schema_files_and_licence_are_shipped():
    assert {"service.json", "organization.json", "location.json", "service_at_location.json", "contact.json",
            "taxonomy_term.json", "attribute.json", "schedule.json", "cost_option.json", "service_capacity.json",
            "unit.json", "url.json"} <= {f.name for f in SCHEMA_DIR.glob("*.json")}
    licence = (SCHEMA_DIR.parent / "LICENSE").read_text(encoding="utf-8")
    assert "Attribution-ShareAlike 4.0" in licence


def test_hsds_export_validates_against_the_official_schema(client):
    body, resp = _download(client, "katalog-hsds.json")
    assert resp["Content-Type"] == "application/json"
    doc = json.loads(body)
    assert doc["total_items"] == len(doc["contents"]) == active_entries().count() > 500
    service_v, org_v = _validator("service.json"), _validator("organization.json")
    for svc in doc["contents"]:
        assert not _errors(service_v, svc), (svc["name"], _errors(service_v, svc)[:3])
        assert not _errors(org_v, svc["organization"])
    ids = [s["id"] for s in doc["contents"]]
    assert len(ids) == len(set(ids))
    # the parts the catalogue promises are present: organization, locations, taxonomy terms for kind and group
    blansko = next(s for s in doc["contents"] if s["name"] == "Pečovatelská služba Města Blansko")
    assert blansko["organization"]["organization_identifiers"][0]["identifier"] == "00279943"
    assert blansko["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Blansko"
    terms = {(a["link_type"], a["taxonomy_term"]["name"]) for a in blansko["attributes"]}
    assert ("kind", "pečovatelská služba") in terms and ("target_group", "senioři") in terms
    assert ("form", "terénní") in terms


def test_the_schema_check_is_not_vacuous():
    svc = exports.hsds_document(base_url="http://testserver")["contents"][0]
    v = _validator("service.json")
    assert not _errors(v, svc)
    for mutate in (lambda s: s.pop("name"), lambda s: s.update(status="open"), lambda s: s.update(id="42"),
                   lambda s: s["organization"].pop("description"),
                   lambda s: s["attributes"][0]["taxonomy_term"].update(id="x")):
        broken = copy.deepcopy(svc)
        mutate(broken)
        assert _errors(v, broken)


def test_csv_and_xlsx_open_and_match_the_json(client):
    from openpyxl import load_workbook

    expected = exports.rows(base_url="http://testserver")
    body, resp = _download(client, "katalog.csv")
    assert resp["Content-Type"].startswith("text/csv") and body.startswith(b"\xef\xbb\xbf")
    csv_rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(csv_rows) == len(expected) == active_entries().count()
    assert list(csv_rows[0]) == exports.FIELDS
    assert csv_rows == [{k: str(v) for k, v in r.items()} for r in expected]

    body, _ = _download(client, "katalog.xlsx")
    wb = load_workbook(io.BytesIO(body), read_only=True)
    sheet = list(wb["sluzby"].iter_rows(values_only=True))
    assert list(sheet[0]) == exports.FIELDS
    xlsx_rows = [{k: ("" if v is None else str(v)) for k, v in zip(exports.FIELDS, row, strict=True)}
                 for row in sheet[1:]]
    assert xlsx_rows == csv_rows

    # and both agree with the HSDS JSON on names, organisations and identifiers
    doc = json.loads(_download(client, "katalog-hsds.json")[0])
    by_url = {s["url"]: s for s in doc["contents"]}
    for r in csv_rows:
        s = by_url[r["url"]]
        assert s["name"] == r["nazev"]
        assert s["organization"]["tax_id"] == r["ico"]
        assert s["attributes"][0]["taxonomy_term"]["code"] == r["druh_kod"]


def test_network_exports_follow_the_published_network(client, monkeypatch):
    monkeypatch.setattr(network_link, "published_service_ids", lambda year: None)
    catalogue_refresh()
    assert CatalogueEntry.objects.filter(in_network__isnull=False).count() == 0
    assert client.get("/katalog/data/sit.csv").status_code == 404  # no published network: nothing about it
    pk = Service.objects.filter(kind__code="49", catalogue_entry__isnull=False).values_list("pk", flat=True).first()
    assert "krajské sít" not in client.get(f"/katalog/sluzba/{pk}/").content.decode()

    chosen = set(Service.objects.filter(kind__code="49", catalogue_entry__isnull=False).values_list("pk", flat=True)[:5])
    monkeypatch.setattr(network_link, "published_service_ids", lambda year: chosen)
    catalogue_refresh()
    assert set(CatalogueEntry.objects.filter(in_network=True).values_list("service_id", flat=True)) == chosen
    assert CatalogueEntry.objects.filter(in_network__isnull=True).count() == 0
    body, _ = _download(client, "sit.csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {int(r["id"]) for r in rows} == chosen and {r["v_siti"] for r in rows} == {"ano"}
    doc = json.loads(_download(client, "sit-hsds.json")[0])
    assert doc["total_items"] == len(chosen)
    pk = next(iter(chosen))
    html = client.get(f"/katalog/sluzba/{pk}/").content.decode()
    assert "v krajské síti" in html and "Služba je součástí zveřejněné krajské sítě" in html
    assert "v krajské síti" in client.get("/katalog/", {"druh": "49"}).content.decode()


def test_network_flag_from_the_network_module(monkeypatch):
    """With the demo network (tests/conftest.py loads it): the flag follows the current published version."""
    network = pytest.importorskip("socplan.network.models")
    published = network.NetworkVersion.objects.filter(publication__isnull=False).order_by("-year", "-amendment")
    latest = published.first()
    assert latest is not None, "the demo (tests/conftest.py) publishes a network"
    monkeypatch.setenv("SOCPLAN_CATALOGUE_NETWORK_YEAR", str(latest.year))
    current = {}
    for v in published.filter(year=latest.year).order_by("amendment"):
        current[v.region_id] = v  # the highest published amendment of each kraj
    expected = set()
    for v in current.values():
        expected |= set(network.NetworkEntry.objects.filter(network=v).values_list("service_id", flat=True))
    result = catalogue_refresh()
    assert result["network_year"] == latest.year
    assert set(CatalogueEntry.objects.filter(in_network=True).values_list("service_id", flat=True)) == expected
    # a year without a published network: nothing is said about the network
    monkeypatch.setenv("SOCPLAN_CATALOGUE_NETWORK_YEAR", "1999")
    assert catalogue_refresh()["network_year"] is None
    assert not CatalogueEntry.objects.filter(in_network__isnull=False).exists()


def test_download_etag(client):
    _body, resp = _download(client, "katalog.csv")
    again = client.get("/katalog/data/katalog.csv", HTTP_IF_NONE_MATCH=resp["ETag"])
    assert again.status_code == 304
    assert client.get("/katalog/data/neni.csv").status_code == 404
