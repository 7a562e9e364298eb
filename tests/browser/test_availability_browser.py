"""Headless Chromium: the coverage map page (legend values, a known ORP's figure) and a scenario round trip
(create → compare → shared with the district team, who sees it after logging in).

Expected numbers are computed in this process with plain SQL on the server's own database (no ORM, no socplan
code): beds of § 49 of the kraj's services active in 2026, each service's beds split equally over its
facilities and summed per ORP, divided by the ORP's population aged 80+ (the demo target's band) × 1,000;
the legend = numpy quantiles (1/5 … 5/5) of those values. (The Django test database cannot be used here:
Playwright's sync API runs an event loop in this thread.)
Screenshots: /tmp/socplan-availability-coverage.png, /tmp/socplan-availability-scenario.png.
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from tests.conftest import login

pytestmark = pytest.mark.browser

PASSWORD = "socplan-demo-2026"

POPULATION_SQL = """
SELECT o.code, p.value FROM territory_populationfigure p
JOIN territory_municipality m ON m.code = p.unit_code JOIN territory_orp o ON o.id = m.orp_id
JOIN territory_region r ON r.id = m.region_id
WHERE p.level = 'obec' AND p.band = '80+' AND p.ref_date = '2020-01-01' AND r.code = 'CZ064'
"""
BEDS_SQL = """
SELECT s.id, SUM(c.count) FROM registry_service s
JOIN registry_servicekind k ON k.id = s.kind_id JOIN territory_region r ON r.id = s.region_id
JOIN registry_serviceform sf ON sf.service_id = s.id JOIN registry_capacity c ON c.service_form_id = sf.id
JOIN registry_capacitytype ct ON ct.id = c.capacity_type_id
WHERE k.code = '49' AND ct.code = 'luzka' AND r.code = 'CZ064'
  AND (s.valid_from IS NULL OR s.valid_from <= '2026-12-31') AND (s.valid_to IS NULL OR s.valid_to >= '2026-01-01')
GROUP BY s.id
"""
FACILITIES_SQL = """
SELECT f.service_id, o.code FROM registry_facility f
JOIN territory_municipality m ON m.id = f.municipality_id JOIN territory_orp o ON o.id = m.orp_id
"""


def server_rows(tmp_path_factory, sql: str) -> list[tuple]:
    """Rows of a query on the demo server's database (SQLite file, or the PostgreSQL test database)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base = url.rpartition("/")[0]
        with psycopg.connect(f"{base}/socplan_e2e_{os.getpid()}") as conn:
            return list(conn.execute(sql).fetchall())
    import sqlite3

    path = sorted(tmp_path_factory.getbasetemp().glob("server*/e2e.sqlite3"))[0]
    with sqlite3.connect(path) as conn:
        return list(conn.execute(sql).fetchall())


def cz(x: float, decimals: int) -> str:
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:f}".replace(".", ",")


def expected_orp(tmp_path_factory):
    pop = defaultdict(float)
    for orp, value in server_rows(tmp_path_factory, POPULATION_SQL):
        pop[orp] += value
    beds_of = dict(server_rows(tmp_path_factory, BEDS_SQL))
    facilities = defaultdict(list)
    for service, orp in server_rows(tmp_path_factory, FACILITIES_SQL):
        if service in beds_of:
            facilities[service].append(orp)
    beds = defaultdict(float)
    for service, orps in facilities.items():
        for orp in orps:
            beds[orp] += beds_of[service] / len(orps)
    return {orp: beds[orp] / p * 1000 for orp, p in pop.items()}, pop, beds


def password_of(demo_server, username):
    for user, password, _role in demo_server.logins:
        if user == username:
            return password
    return PASSWORD


def test_coverage_map_and_scenario_round_trip(page, demo_server, tmp_path_factory):
    per_1000, pop, beds = expected_orp(tmp_path_factory)
    assert len(per_1000) == 21 and sum(beds.values()) > 1000
    values = np.array(sorted(per_1000.values()))
    bounds = []
    for q in np.quantile(values, [0.2, 0.4, 0.6, 0.8, 1.0]):
        if not bounds or q > bounds[-1]:
            bounds.append(float(q))
    # each class is labelled by the values it holds: from its smallest to its largest value
    lows = [float(values.min())] + [float(values[values > b].min()) for b in bounds[:-1]]
    bounds = [float(values[values <= b].max()) for b in bounds]
    expected_legend = [cz(hi, 1) if lo == hi else f"{cz(lo, 1)} – {cz(hi, 1)}" for lo, hi in zip(lows, bounds, strict=True)]

    login(page, "kraj-referent", password_of(demo_server, "kraj-referent"))
    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Dostupnost").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dostupnost a potřebnost služeb"
    page.select_option("#id_kind", "49")
    page.select_option("#id_level", "orp")
    page.get_by_role("button", name="Zobrazit pokrytí").click()
    page.wait_for_load_state()
    assert "domovy pro seniory" in page.get_by_role("heading", level=1).inner_text()

    legend = [t.replace("\xa0", " ") for t in page.get_by_test_id("legend-class").all_inner_texts()]
    assert legend == expected_legend
    assert page.locator("svg.choropleth path").count() == 21
    assert page.locator("svg.choropleth circle.marker").count() > 20
    blansko = page.locator('[data-testid="coverage-table"] tr[data-code="6201"]')
    assert blansko.locator('td[data-col="per_1000"]').inner_text() == cz(per_1000["6201"], 2)
    assert blansko.locator('td[data-col="capacity"]').inner_text() == cz(beds["6201"], 1)
    assert page.get_by_test_id("band-estimated").is_visible()
    page.screenshot(path="/tmp/socplan-availability-coverage.png", full_page=True)

    # scenario: +60 beds in the obec Blansko, shared with the Blansko district team
    page.goto("/dostupnost/scenare/novy/")
    page.fill("#id_name", "Prohlížeč: DpS Blansko +60")
    page.select_option("#id_kind", "49")
    page.fill("#id_radius_km", "30")
    page.select_option("#id_shared_with", label="Blansko")
    page.select_option("#id_add_obec_1", "581283")
    page.fill("#id_add_capacity_1", "60")
    page.get_by_role("button", name="Uložit a přepočítat").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Scénář: Prohlížeč: DpS Blansko +60"
    row = page.locator('[data-testid="compare"] tr[data-code="6201"]')
    assert row.locator('td[data-col="per_1000_base"]').inner_text() == cz(per_1000["6201"], 2)
    assert row.locator('td[data-col="per_1000"]').inner_text() == cz((beds["6201"] + 60) / pop["6201"] * 1000, 2)
    assert "okresní tým Blansko" in page.get_by_test_id("shared-with").inner_text()
    page.screenshot(path="/tmp/socplan-availability-scenario.png", full_page=True)

    # the district team sees the shared scenario
    page.get_by_role("button", name="Odhlásit").click()
    login(page, "okres-blansko", password_of(demo_server, "okres-blansko"))
    page.goto("/dostupnost/scenare/")
    page.get_by_role("link", name="Prohlížeč: DpS Blansko +60").click()
    assert page.locator('[data-testid="compare"] tr[data-code="6201"] td[data-col="per_1000"]').inner_text() == \
        cz((beds["6201"] + 60) / pop["6201"] * 1000, 2)
