"""`socplan accessibility`: the --json schema, and that results/facilities are exactly the points used.

The check recomputes 2SFCA / E2SFCA from nothing but the printed points with a naive dense implementation
(every obec × every facility, haversine, the formulas of docs/availability.md §3) and compares.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from socplan.territory.models import Municipality, PopulationFigure, Region

from .test_adapter import registry_total

R = 6371.0088


def run(*args) -> str:
    out = io.StringIO()
    call_command("accessibility", *args, stdout=out)
    return out.getvalue()


def naive_fca(results, facilities, radius, weight):
    """Dense 2SFCA/E2SFCA straight from the printed points (point facilities only)."""
    lat = np.radians([r["lat"] for r in results])
    lon = np.radians([r["lon"] for r in results])
    pop = np.array([r["population"] for r in results], dtype=float)
    values = np.zeros(len(results))
    for f in facilities:
        phi, lmb = math.radians(f["lat"]), math.radians(f["lon"])
        h = np.sin((phi - lat) / 2) ** 2 + np.cos(lat) * math.cos(phi) * np.sin((lmb - lon) / 2) ** 2
        d = 2 * R * np.arcsin(np.sqrt(h))
        w = np.where(d <= radius, weight(d), 0.0)
        demand = float(np.dot(pop, w))
        if demand > 0:
            values += w * f["capacity"] / demand
    return values


@pytest.mark.django_db
def test_json_schema_and_points_used():
    data = json.loads(run("--kind", "49", "--region", "CZ064", "--method", "2sfca", "--radius-km", "30", "--json"))
    assert set(data) == {"kind", "method", "radius_km", "results", "facilities"}
    assert data["kind"] == "49" and data["method"] == "2sfca" and data["radius_km"] == 30.0
    for r in data["results"]:
        assert set(r) == {"obec", "population", "lat", "lon", "value"}
        assert isinstance(r["obec"], str) and len(r["obec"]) == 6 and isinstance(r["population"], int)
    for f in data["facilities"]:
        assert set(f) == {"id", "obec", "lat", "lon", "capacity"}
    # demand points: every obec of the kraj with its population of the target's band (80+, 1 Jan 2020)
    codes = sorted(Municipality.objects.filter(region__code="CZ064").values_list("code", flat=True))
    assert [r["obec"] for r in data["results"]] == codes
    pop80 = dict(PopulationFigure.objects.filter(level="obec", band="80+", ref_date=date(2020, 1, 1),
                                                 unit_code__in=codes).values_list("unit_code", "value"))
    assert all(r["population"] == pop80[r["obec"]] for r in data["results"])
    # supply points: all the beds of the kraj's homes for seniors, nothing more
    assert sum(f["capacity"] for f in data["facilities"]) == pytest.approx(registry_total("CZ064", "49", "luzka"))
    assert len({f["id"] for f in data["facilities"]}) == len(data["facilities"])
    # the printed points alone reproduce the printed values
    naive = naive_fca(data["results"], data["facilities"], 30.0, lambda d: np.ones_like(d))
    got = np.array([r["value"] for r in data["results"]])
    np.testing.assert_allclose(got, naive, rtol=1e-9, atol=1e-15)
    assert got.max() > 0


@pytest.mark.django_db
def test_json_e2sfca_gaussian_matches_naive():
    data = json.loads(run("--kind", "50", "--region", "CZ064", "--method", "e2sfca", "--radius-km", "20",
                          "--json"))
    assert data["method"] == "e2sfca-gaussian(sigma=10)"
    naive = naive_fca(data["results"], data["facilities"], 20.0, lambda d: np.exp(-d * d / (2 * 10.0**2)))
    np.testing.assert_allclose([r["value"] for r in data["results"]], naive, rtol=1e-9, atol=1e-15)


def naive_bfca(results, facilities, radius, weight):
    """Dense BFCA straight from the printed points: facilities at one point are one site; each obec's weights
    are divided by their sum over the sites it reaches (docs/availability.md §3)."""
    lat = np.radians([r["lat"] for r in results])
    lon = np.radians([r["lon"] for r in results])
    pop = np.array([r["population"] for r in results], dtype=float)
    sites = defaultdict(float)
    for f in facilities:
        if f["capacity"] > 0:
            sites[(f["lat"], f["lon"])] += f["capacity"]
    w = np.zeros((len(results), len(sites)))
    for j, (flat, flon) in enumerate(sites):
        phi, lmb = math.radians(flat), math.radians(flon)
        h = np.sin((phi - lat) / 2) ** 2 + np.cos(lat) * math.cos(phi) * np.sin((lmb - lon) / 2) ** 2
        d = 2 * R * np.arcsin(np.sqrt(h))
        w[:, j] = np.where(d <= radius, weight(d), 0.0)
    row = w.sum(axis=1)
    wn = np.divide(w, row[:, None], out=np.zeros_like(w), where=row[:, None] > 0)
    demand = pop @ wn
    ratio = np.divide(np.array(list(sites.values())), demand, out=np.zeros(len(sites)), where=demand > 0)
    return wn @ ratio


@pytest.mark.django_db
def test_json_bfca_matches_naive_and_conserves_supply():
    data = json.loads(run("--kind", "50", "--region", "CZ064", "--method", "bfca", "--radius-km", "20", "--json"))
    assert data["method"] == "bfca-e2sfca-gaussian(sigma=10)"
    naive = naive_bfca(data["results"], data["facilities"], 20.0, lambda d: np.exp(-d * d / (2 * 10.0**2)))
    got = np.array([r["value"] for r in data["results"]])
    np.testing.assert_allclose(got, naive, rtol=1e-9, atol=1e-15)
    # it is not E2SFCA under another name
    e2 = json.loads(run("--kind", "50", "--region", "CZ064", "--method", "e2sfca", "--radius-km", "20", "--json"))
    assert not np.allclose(got, [r["value"] for r in e2["results"]])
    # conservation: Σ population × value = every place of the kind (each site lies in a reached obec)
    pop = np.array([r["population"] for r in data["results"]], dtype=float)
    assert float(pop @ got) == pytest.approx(sum(f["capacity"] for f in data["facilities"]), rel=1e-9)


@pytest.mark.django_db
def test_field_parts_are_listed_without_a_point():
    data = json.loads(run("--kind", "40", "--region", "CZ064", "--json"))
    field = [f for f in data["facilities"] if f["lat"] is None]
    assert field and all(f["id"].startswith("service-") and f["lon"] is None for f in field)
    assert sum(f["capacity"] for f in data["facilities"]) == pytest.approx(registry_total("CZ064", "40", "klient"))
    # conservation (docs §3): Σ population × value = Σ capacity used
    total = sum(r["population"] * r["value"] for r in data["results"])
    assert total == pytest.approx(sum(f["capacity"] for f in data["facilities"]), rel=1e-9)


@pytest.mark.django_db
def test_csv_and_summary():
    rows = list(csv.reader(io.StringIO(run("--kind", "49", "--region", "CZ064", "--csv"))))
    assert rows[0] == ["obec", "name", "orp", "population", "lat", "lon", "value", "value_per_1000"]
    assert len(rows) == 1 + Municipality.objects.filter(region__code="CZ064").count()
    brno = next(r for r in rows if r[0] == "582786")
    assert brno[1] == "Brno" and float(brno[7]) == pytest.approx(float(brno[6]) * 1000)
    text = run("--kind", "49", "--region", "CZ064")
    assert "Jihomoravský kraj" in text and "Blansko" in text and "2sfca" in text


@pytest.mark.django_db
def test_country():
    data = json.loads(run("--kind", "49", "--country", "--radius-km", "15", "--json"))
    assert len(data["results"]) == Municipality.objects.count()
    assert sum(f["capacity"] for f in data["facilities"]) == pytest.approx(
        sum(registry_total(code, "49", "luzka") for code in Region.objects.values_list("code", flat=True)))


@pytest.mark.django_db
def test_errors():
    with pytest.raises(CommandError, match="Neznámý druh"):
        run("--kind", "999", "--region", "CZ064")
    with pytest.raises(CommandError, match="Neznámý kraj"):
        run("--kind", "49", "--region", "CZ999")
    with pytest.raises(CommandError):
        run("--kind", "49", "--region", "CZ064", "--radius-km", "0")


@pytest.mark.django_db
def test_import_travel_times_and_use_them(tmp_path):
    """A 3-obec matrix by hand: Blansko–Boskovice 20 min, Blansko–Letovice 35 min, Boskovice–Letovice 15 min."""
    bl, bo, le = "581283", "581372", "581917"
    path = tmp_path / "casy.csv"
    path.write_text("origin,destination,minutes\n"
                    f"{bl},{bo},20\n{bo},{bl},20\n{bl},{le},35\n{le},{bl},35\n{bo},{le},15\n{le},{bo},15\n")
    out = io.StringIO()
    call_command("import_travel_times", str(path), "--name", "ručně", "--region", "CZ064", stdout=out)
    from socplan.availability.models import TravelTimeMatrix

    matrix = TravelTimeMatrix.objects.get(name="ručně")
    assert (matrix.n_pairs, matrix.n_obce, matrix.max_minutes) == (6, 3, 35.0)
    data = json.loads(run("--kind", "49", "--region", "CZ064", "--matrix", str(matrix.pk), "--radius-km", "25",
                          "--json"))
    # sites are the obce; within 25 min: Blansko↔Boskovice, Boskovice↔Letovice, each obec itself
    pop = {r["obec"]: r["population"] for r in data["results"]}
    beds = defaultdict(float)
    for f in data["facilities"]:
        beds[f["obec"]] += f["capacity"]
    reach = {bl: {bl, bo}, bo: {bl, bo, le}, le: {bo, le}}
    ratio = {j: beds[j] / sum(pop[i] for i in reach[j]) for j in reach}
    value = {r["obec"]: r["value"] for r in data["results"]}
    assert value[bl] == pytest.approx(ratio[bl] + ratio[bo])
    assert value[bo] == pytest.approx(ratio[bl] + ratio[bo] + ratio[le])
    assert value[le] == pytest.approx(ratio[bo] + ratio[le])
    assert value[bo] > 0 and beds[bl] > 0
    bad = tmp_path / "bad.csv"
    bad.write_text("origin,destination,minutes\n581283,999999,5\n")
    with pytest.raises(CommandError, match="Matici nelze načíst"):
        call_command("import_travel_times", str(bad), "--name", "zlá", "--region", "CZ064", stdout=io.StringIO())
