"""Scenarios (service round trip) and the 'where to add capacity' job, checked against hand formulas.

2SFCA with the added capacity at an obec's own point: the site's catchment demand is D = Σ population of the
band over the obce within the radius of that point, so every obec in the catchment gains exactly N / D
(docs/availability.md §4, "Add 9 places in obec D"); all other obce gain nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from socplan.availability import adapter, services
from socplan.availability.engine import haversine_km
from socplan.availability.jobs import PLACEMENT_JOB, placement
from socplan.availability.models import Scenario
from socplan.core.jobs import job_run_now
from socplan.core.models import Job
from socplan.core.services import StaleEdit
from socplan.registry.models import Service, ServiceKind
from socplan.territory.models import District, Municipality, PopulationFigure, Region

YEAR = 2026
BLANSKO = "581283"


@pytest.fixture
def world(db):
    User = get_user_model()
    obce = list(Municipality.objects.filter(region__code="CZ064").order_by("code").values_list(
        "code", "lat", "lon", "orp__code"))
    pop80 = dict(PopulationFigure.objects.filter(level="obec", band="80+", ref_date=date(2020, 1, 1),
                                                 unit_code__in=[o[0] for o in obce]).values_list("unit_code", "value"))
    return {
        "region": Region.objects.get(code="CZ064"), "kind": ServiceKind.objects.get(code="49"),
        "officer": User.objects.get(username="kraj-referent"), "district": District.objects.get(code="CZ0641"),
        "codes": np.array([o[0] for o in obce]), "lat": np.array([o[1] for o in obce]),
        "lon": np.array([o[2] for o in obce]), "orp": np.array([o[3] for o in obce]),
        "pop80": np.array([pop80[o[0]] for o in obce], dtype=float),
    }


def beds_by_orp(region="CZ064", kind="49", exclude=()):
    beds = defaultdict(float)
    for s in Service.objects.filter(region__code=region, kind__code=kind).exclude(pk__in=exclude):
        n = sum(c.count for sf in s.forms.all() for c in sf.capacities.all() if c.capacity_type.code == "luzka")
        facs = list(s.facilities.select_related("municipality__orp"))
        for f in facs:
            beds[f.municipality.orp.code] += n / len(facs)
    return beds


def create(w, changes, **extra):
    data = {"name": "test", "region": w["region"], "kind": w["kind"], "year": YEAR, "method": "2sfca",
            "radius_km": 30, "changes": changes, **extra}
    return services.scenario_create(actor=w["officer"], data=data)


def test_add_capacity_round_trip(world):
    w = world
    s = create(w, [{"op": "add", "obec": BLANSKO, "capacity": 60}], shared_with=w["district"])
    s = Scenario.objects.get(pk=s.pk)  # what was saved
    res = s.results
    assert s.computed_at and s.data_version == res["data_version"] == adapter.data_version()
    assert res["unit"] == "luzka" and res["band"] == "80+"
    # coverage: ORP Blansko gains 60 beds, the others nothing
    beds = beds_by_orp()
    pop_orp = defaultdict(float)
    for code, p in zip(w["orp"], w["pop80"], strict=True):
        pop_orp[code] += p
    for row in res["orp"]:
        added = 60 if row["code"] == "6201" else 0
        assert row["capacity_base"] == pytest.approx(beds[row["code"]])
        assert row["capacity"] == pytest.approx(beds[row["code"]] + added)
        assert row["per_1000"] == pytest.approx((beds[row["code"]] + added) / pop_orp[row["code"]] * 1000)
        assert row["gap"] == pytest.approx(60 * pop_orp[row["code"]] / 1000 - beds[row["code"]] - added)
    assert res["region"]["capacity"] - res["region"]["capacity_base"] == pytest.approx(60)
    # accessibility: +60 / D per obec within 30 km of Blansko's point (× 1,000 as stored)
    i = int(np.flatnonzero(w["codes"] == BLANSKO)[0])
    d = haversine_km(w["lat"][i], w["lon"][i], w["lat"], w["lon"])
    reach = d <= 30
    demand = w["pop80"][reach].sum()
    delta = np.array([res["access_obce"][c] - res["access_obce_base"][c] for c in w["codes"]])
    np.testing.assert_allclose(delta[reach], 60 / demand * 1000, atol=2e-6)
    np.testing.assert_allclose(delta[~reach], 0, atol=2e-6)
    assert reach.sum() > 50 and (~reach).sum() > 100


def test_close_service(world):
    w = world
    big = max(Service.objects.filter(region__code="CZ064", kind__code="49"),
              key=lambda s: sum(c.count for sf in s.forms.all() for c in sf.capacities.all()
                                if c.capacity_type.code == "luzka"))
    res = create(w, [{"op": "close", "service": big.pk}]).results
    after = beds_by_orp(exclude=[big.pk])
    for row in res["orp"]:
        assert row["capacity"] == pytest.approx(after[row["code"]])
    closed_beds = sum(c.count for sf in big.forms.all() for c in sf.capacities.all()
                      if c.capacity_type.code == "luzka")
    assert res["region"]["capacity_base"] - res["region"]["capacity"] == pytest.approx(closed_beds)
    assert any("zrušit službu" in a for a in res["applied"])
    # nobody gains accessibility when a service closes
    assert all(res["access_obce"][c] <= res["access_obce_base"][c] + 1e-9 for c in w["codes"])


def test_population_of_2030(world):
    w = world
    res = create(w, [{"op": "population", "year": 2030}]).results
    f = 1.45  # demo projection of 80+ for 2030 (socplan/availability/demo.py)
    assert res["population_factor"] == pytest.approx(f)
    for row in res["orp"]:
        assert row["population"] == pytest.approx(row["population_base"] * f)
        if row["per_1000_base"] is not None:
            assert row["per_1000"] == pytest.approx(row["per_1000_base"] / f, abs=1e-6)
    # 2SFCA: demand × f everywhere → every ratio R_j and every A_i ÷ f
    for c in w["codes"]:
        assert res["access_obce"][c] == pytest.approx(res["access_obce_base"][c] / f, abs=2e-6)


def test_population_and_addition_together_recompute(world):
    w = world
    both = create(w, [{"op": "add", "obec": BLANSKO, "capacity": 60}, {"op": "population", "year": 2030}]).results
    only = create(w, [{"op": "add", "obec": BLANSKO, "capacity": 60}]).results
    # scaling all demand by f divides every value by f (the what-if path and the recomputation agree)
    for c in w["codes"]:
        assert both["access_obce"][c] == pytest.approx(only["access_obce"][c] / 1.45, abs=2e-6)


def test_changes_are_validated(world):
    w = world
    with pytest.raises(ValidationError, match="neleží v kraji"):
        create(w, [{"op": "add", "obec": "549835", "capacity": 5}])  # an obec of Vysočina
    with pytest.raises(ValidationError, match="kladné"):
        create(w, [{"op": "add", "obec": BLANSKO, "capacity": -5}])
    with pytest.raises(ValidationError, match="není služba"):
        create(w, [{"op": "close", "service": 10**9}])
    with pytest.raises(ValidationError, match="projekce"):
        create(w, [{"op": "population", "year": 2099}])
    with pytest.raises(ValidationError, match="Neznámá"):
        create(w, [{"op": "explode"}])


def test_update_recomputes_and_refuses_stale_edits(world):
    w = world
    s = create(w, [{"op": "add", "obec": BLANSKO, "capacity": 60}])
    v = s.version
    s = services.scenario_update(actor=w["officer"], scenario=s, expected_version=v,
                                 data={"changes": [{"op": "add", "obec": BLANSKO, "capacity": 120}]})
    blansko = next(r for r in s.results["orp"] if r["code"] == "6201")
    assert blansko["capacity"] - blansko["capacity_base"] == pytest.approx(120)
    with pytest.raises(StaleEdit):
        services.scenario_update(actor=w["officer"], scenario=Scenario.objects.get(pk=s.pk), expected_version=v,
                                 data={"name": "jiný"})


def test_district_team_cannot_create_for_another_district(world):
    from django.core.exceptions import PermissionDenied

    w = world
    team = get_user_model().objects.get(username="okres-blansko")
    data = {"name": "x", "region": w["region"], "kind": w["kind"], "year": YEAR, "changes": []}
    with pytest.raises(PermissionDenied):
        services.scenario_create(actor=team, data={**data, "shared_with": District.objects.get(code="CZ0642")})
    s = services.scenario_create(actor=team, data={**data, "shared_with": w["district"]})
    assert s.owner == team and s.results
    # the team may edit the officer's scenario shared with it, but not hand it over to another okres
    shared = create(w, [], shared_with=w["district"])
    services.scenario_update(actor=team, scenario=shared, data={"name": "upraveno týmem"}, compute=False)
    with pytest.raises(PermissionDenied):
        services.scenario_update(actor=team, scenario=Scenario.objects.get(pk=shared.pk), compute=False,
                                 data={"shared_with": District.objects.get(code="CZ0642")})
    with pytest.raises(PermissionDenied):
        services.scenario_delete(actor=team, scenario=shared)
    # … nor unshare it, and being the author of its own scenario changes nothing (only the scope decides)
    with pytest.raises(PermissionDenied):
        services.scenario_update(actor=team, scenario=Scenario.objects.get(pk=shared.pk), compute=False,
                                 data={"shared_with": None})
    with pytest.raises(PermissionDenied):
        services.scenario_update(actor=team, scenario=Scenario.objects.get(pk=s.pk), compute=False,
                                 data={"shared_with": District.objects.get(code="CZ0642")})
    with pytest.raises(PermissionDenied):
        services.scenario_delete(actor=team, scenario=s)
    assert Scenario.objects.get(pk=s.pk).shared_with == w["district"]


# --- where to add capacity ----------------------------------------------------------------------------------------

def facility_points(kind="49", unit="luzka"):
    """Points of the facilities of services with capacity in the kind's unit (a point without coordinates
    stands at its obec's point)."""
    pts = []
    for s in Service.objects.filter(region__code="CZ064", kind__code=kind):
        if not any(c.capacity_type.code == unit and c.count for sf in s.forms.all() for c in sf.capacities.all()):
            continue
        for f in s.facilities.select_related("municipality"):
            lat, lon = (f.lat, f.lon) if f.lat is not None else (f.municipality.lat, f.municipality.lon)
            pts.append((lat, lon))
    return np.array(pts)


def test_placement_against_brute_force(world):
    w = world
    radius = 10.0
    res = placement(region_code="CZ064", kind_code="49", k=2, radius_km=radius, year=YEAR)
    need = w["pop80"] * 5.5 / 100  # demo utilisation rate of § 49: 5.5 % of people aged 80+
    fac = facility_points()
    d_fac = haversine_km(w["lat"][:, None], w["lon"][:, None], fac[None, :, 0], fac[None, :, 1])
    covered = (d_fac <= radius).any(axis=1)
    assert sorted(res["covered_before"]) == sorted(w["codes"][covered].tolist())
    open_need = np.where(covered, 0.0, need)
    cov = haversine_km(w["lat"][:, None], w["lon"][:, None], w["lat"][None, :], w["lon"][None, :]) <= radius
    # brute force over every pair of obce: gain(j, k) = Σ open need covered by j or k
    g = open_need @ cov.astype(float)
    both = (cov.astype(float) * open_need[:, None]).T @ cov.astype(float)
    pair = g[:, None] + g[None, :] - both
    np.fill_diagonal(pair, g)
    assert res["gain"] == pytest.approx(pair.max(), abs=1e-3)
    chosen = [int(np.flatnonzero(w["codes"] == s["code"])[0]) for s in res["selected"]]
    newly = cov[:, chosen].any(axis=1) & ~covered
    assert res["gain"] == pytest.approx(need[newly].sum(), abs=1e-3)
    assert sorted(res["newly_covered"]) == sorted(w["codes"][newly].tolist())
    assert sum(s["gain"] for s in res["selected"]) == pytest.approx(res["gain"], abs=1e-2)
    assert res["optimal"] is True


def test_placement_job_records_progress_and_result(world):
    w = world
    progress = []
    job = job_run_now(actor=w["officer"], kind=PLACEMENT_JOB, echo=lambda p, m: progress.append(p),
                      params={"region": "CZ064", "kind": "50", "k": 3, "radius_km": 8.0, "year": YEAR})
    assert job.status == Job.Status.DONE, job.message
    assert job.progress == 100 and progress == sorted(progress) and len(progress) >= 3
    assert len(job.result["selected"]) <= 3 and job.result["kind"] == "50"
    enqueued = services.placement_enqueue(actor=w["officer"], region=w["region"], kind=ServiceKind.objects.get(
        code="49"), k=2, radius_km=10, year=YEAR)
    assert enqueued.kind == PLACEMENT_JOB and enqueued.params["k"] == 2
    with pytest.raises(ValidationError):
        services.placement_enqueue(actor=w["officer"], region=w["region"], kind=w["kind"], k=0, radius_km=10,
                                   year=YEAR)
