"""The whole country: the national registry extract loaded by the demo (and a subset through the same loader),
capacity per 1,000 of the target group in every kraj, comparators (country, own kraj, similar areas) with RAG and
confidence, the national pages and API."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest
from django.urls import reverse

from socplan.availability import adapter, national
from socplan.availability.engine.benchmark import rag_class
from socplan.core.models import Source
from socplan.registry.models import Capacity, Facility, Service, ServiceKind
from socplan.registry.national import DEMO_SERVICES_FILE, PLACES_FILE, SERVICES_FILE, national_extract_load
from socplan.registry.services import DATA_DIR
from socplan.territory.models import Level, Municipality, Region
from tests import factories

pytestmark = pytest.mark.django_db
YEAR = 2026
ZLK = "CZ072"


def _csv(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _user():
    return factories.UserFactory()


def test_extract_loaded_once_for_every_kraj():
    """The session database has the demo (tests/conftest.py); every service of the extract outside the demo
    kraj that has a place in an obec is there once, JMK's are not loaded twice, a second run adds nothing."""
    jmk = {int(r["sluzba_id"]) for r in _csv(DEMO_SERVICES_FILE)}
    obce = set(Municipality.objects.values_list("code", flat=True))
    placed = {int(p["sluzba_id"]) for p in _csv(PLACES_FILE) if p["kodObce"] in obce}
    expected = {int(r["sluzba_id"]) for r in _csv(SERVICES_FILE)} - jmk
    expected &= placed
    loaded = set(Service.objects.filter(registry_id__in=expected).values_list("registry_id", flat=True))
    assert loaded == expected and len(expected) == 2024
    assert Service.objects.filter(registry_id__in=jmk).count() == len(jmk)
    assert set(Service.objects.filter(registry_id__in=expected).values_list("region__code", flat=True)) == (
        set(Region.objects.exclude(code="CZ064").values_list("code", flat=True)))
    before = (Service.objects.count(), Facility.objects.count(), Capacity.objects.count())
    counts = national_extract_load()
    assert counts["services"] == 0 and counts["skipped_present"] == 2024
    assert (Service.objects.count(), Facility.objects.count(), Capacity.objects.count()) == before


def test_subset_through_the_loader():
    """Five services of the shipped file, removed and loaded again through the loader: names, kind, kraj,
    capacities and places as in the CSV."""
    rows = {r["sluzba_id"]: r for r in _csv(SERVICES_FILE)}
    ids = {"4", "6"} | {r["sluzba_id"] for r in _csv(SERVICES_FILE) if r["druh_kod"] == "4"
                        and r["sluzba_id"] not in {x["sluzba_id"] for x in _csv(DEMO_SERVICES_FILE)}}
    ids = set(sorted(ids, key=int)[:5])
    Service.objects.filter(registry_id__in=[int(i) for i in ids]).delete()
    counts = national_extract_load(only_ids=ids)
    assert counts["services"] == 5
    places = defaultdict(list)
    for p in _csv(PLACES_FILE):
        if p["sluzba_id"] in ids:
            places[p["sluzba_id"]].append(p)
    for sid in ids:
        s = Service.objects.get(registry_id=int(sid))
        r = rows[sid]
        assert s.name == r["nazev"] and s.provider.ico == r["poskytovatel_ico"] and s.source == Source.MPSV
        assert s.kind.mpsv_od_id == f"DruhSocialniSluzby/{r['druh_kod']}"
        caps = sorted(f"{c.service_form.form.code}:{c.capacity_type.code}:{c.count}"
                      for c in Capacity.objects.filter(service_form__service=s))
        assert caps == sorted(x for x in r["kapacity"].split("|") if x)
        assert sorted(f.municipality.code for f in s.facilities.all()) == sorted(p["kodObce"] for p in places[sid])
        assert s.region.code == places[sid][0]["kodKraje"]
    assert national_extract_load(only_ids=ids)["services"] == 0


def _beds_by_region(kind_code: str) -> dict[str, float]:
    """Beds (pob) of the kind's active services, split equally over their facilities, summed by the facilities'
    kraj — recomputed from the ORM."""
    out = defaultdict(float)
    for s in Service.objects.filter(kind__code=kind_code).prefetch_related("facilities__municipality__region"):
        if not adapter._active(s.valid_from, s.valid_to, YEAR):
            continue
        beds = sum(Capacity.objects.filter(service_form__service=s, capacity_type__code="luzka")
                   .values_list("count", flat=True))
        facs = list(s.facilities.all())
        for f in facs:
            out[f.municipality.region.code] += beds / len(facs)
    return out


def test_capacity_per_1000_target_group_for_every_kraj():
    ov = national.national_overview(year=YEAR)
    assert len(ov.rows) == 14
    dps = next(k for k in ov.kinds if k.code == "49")
    assert dps.band == "65+" and dps.unit == "luzka"
    beds = _beds_by_region("49")
    frame = adapter.territory(adapter.COUNTRY)
    pop = {code: frame.population["65+"][frame.region == code].sum() for code in set(frame.region)}
    for row in ov.rows:
        assert row["values"]["49"] > 0
        if row["code"] != "CZ064":  # the demo kraj's approved network may state other figures than the registry
            assert row["values"]["49"] == pytest.approx(beds[row["code"]] / pop[row["code"]] * 1000, rel=1e-9)
    capacity = sum(row["values"]["49"] * pop[row["code"]] / 1000 for row in ov.rows)
    assert ov.country["values"]["49"] == pytest.approx(capacity / sum(pop.values()) * 1000)
    assert {r["code"] for r in ov.rows if r["demo"]} == {"CZ064"}


def test_a_new_service_in_a_kraj_moves_its_figure(django_user_model):
    """Factories: 50 beds of § 49 near Zlín raise the kraj's figure by exactly 50 / its 65+ population × 1000."""
    before = {r["code"]: r["values"]["49"] for r in national.national_overview(year=YEAR).rows}
    zlin = Municipality.objects.get(code="500011")  # Želechovice nad Dřevnicí (Zlín has no point)
    s = factories.service_with({"pob": {"luzka": 50}}, kind="49", region=Region.objects.get(code=ZLK))
    Facility.objects.create(service=s, name=s.name, municipality=zlin, lat=zlin.lat, lon=zlin.lon)
    adapter.cache_clear()
    after = {r["code"]: r["values"]["49"] for r in national.national_overview(year=YEAR).rows}
    frame = adapter.territory(adapter.COUNTRY)
    pop = frame.population["65+"][frame.region == ZLK].sum()
    assert after[ZLK] - before[ZLK] == pytest.approx(50 / pop * 1000, rel=1e-9)
    assert all(after[c] == before[c] for c in after if c != ZLK)


def test_rag_against_the_country():
    kind = ServiceKind.objects.get(code="49")
    rep = national.national_units(kind=kind, year=YEAR, level=Level.REGION, comparator="country")
    cap = sum(r["capacity"] for r in rep.rows)
    pop = sum(r["population"] for r in rep.rows)
    assert rep.country_per_1000 == pytest.approx(cap / pop * 1000)
    for r in rep.rows:
        assert r["comparator"] == pytest.approx(rep.country_per_1000)
        assert r["rag"] == rag_class([r["per_1000"] / rep.country_per_1000])[0]
        assert r["ci_low"] <= r["per_1000"] <= r["ci_high"]
        assert r["confidence"] in ("high", "low")
    assert {r["rag"] for r in rep.rows} - {None}
    # own kraj is meaningless at kraj level: said, and no RAG
    rep_r = national.national_units(kind=kind, year=YEAR, level=Level.REGION, comparator="region")
    assert rep_r.note and all(r["rag"] is None for r in rep_r.rows)


def test_rag_against_similar_areas_and_own_kraj():
    kind = ServiceKind.objects.get(code="49")
    rep = national.national_units(kind=kind, year=YEAR, level=Level.ORP, comparator="similar")
    assert len(rep.rows) == 206 and len(rep.groups) == 9 and not rep.note
    by_group = defaultdict(lambda: [0.0, 0.0])
    for r in rep.rows:
        by_group[r["group"]][0] += r["capacity"]
        by_group[r["group"]][1] += r["population"]
    for r in rep.rows:
        c, p = by_group[r["group"]]
        assert r["comparator"] == pytest.approx(c / p * 1000)
        expected = rag_class([r["per_1000"] / r["comparator"]])[0] if r["comparator"] else None
        assert r["rag"] == expected
    assert sum(g["units"] for g in rep.groups.values()) == 206
    # every group holds ORP of one size class and one age class, the tertiles of all ORP
    assert len(rep.size_edges) == 2 and len(rep.share_edges) == 2
    own = national.national_units(kind=kind, year=YEAR, level=Level.ORP, comparator="region",
                                  region=Region.objects.get(code=ZLK))
    kraj = next(r for r in national.national_units(kind=kind, year=YEAR, level=Level.REGION).rows
                if r["code"] == ZLK)
    assert own.rows and all(r["region"] == ZLK for r in own.rows)
    assert all(r["comparator"] == pytest.approx(kraj["per_1000"]) for r in own.rows)
    assert sum(r["capacity"] for r in own.rows) == pytest.approx(kraj["capacity"])


def test_pages_render(client):
    assert client.get(reverse("availability:national")).status_code == 302  # signed-in users only
    client.force_login(_user())
    html = client.get(reverse("availability:national") + f"?year={YEAR}").content.decode()
    assert 'data-testid="national-overview"' in html and "Zlínský kraj" in html
    assert "výběr registru MPSV relevantní pro seniory" in html
    for query in ("kind=49&level=kraj&comparator=country", "kind=49&level=orp&comparator=similar",
                  f"kind=40&level=okres&comparator=region&region={ZLK}"):
        r = client.get(reverse("availability:national_kind") + f"?{query}&year={YEAR}")
        assert r.status_code == 200, query
        body = r.content.decode()
        assert 'data-testid="national-units"' in body and 'data-rag="' in body, query
    html = client.get(reverse("availability:national_accessibility") + f"?kind=49&year={YEAR}").content.decode()
    assert 'data-testid="access-regions"' in html and 'data-testid="map"' in html
    assert html.count('data-code="') >= 6258  # every obec is on the map


def test_api(client):
    assert client.get("/api/v1/availability/national/").status_code in (401, 403)
    client.force_login(_user())
    data = client.get(f"/api/v1/availability/national/?year={YEAR}").json()
    assert len(data["regions"]) == 14 and "49" in {k["code"] for k in data["kinds"]}
    assert all(r["per_1000"]["49"] > 0 for r in data["regions"])
    data = client.get(f"/api/v1/availability/national/units/?kind=49&level=orp&comparator=similar&year={YEAR}").json()
    assert len(data["rows"]) == 206 and data["similar_areas"]["bins"] == 3
    assert {r["rag"] for r in data["rows"]} <= {"green", "amber", "red", None}
    assert client.get("/api/v1/availability/national/units/?kind=49&comparator=x").status_code == 400
    acc = client.get(f"/api/v1/availability/accessibility/?country=1&kind=49&year={YEAR}").json()
    assert len(acc["results"]) == len(Municipality.objects.exclude(lat=None)) or len(acc["results"]) > 6000
    assert np.isfinite([r["value"] for r in acc["results"] if r["value"] is not None]).all()
