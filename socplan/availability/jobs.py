"""Background job: 'where to add capacity' for a kind (maximal covering location, engine/location.py)."""

from __future__ import annotations

from socplan.core.jobs import job_kind
from socplan.core.money import format_number

PLACEMENT_JOB = "availability_placement"


def placement(*, region_code: str, kind_code: str, k: int, radius_km: float, year: int, progress=None) -> dict:
    """The K obce where new capacity of a kind would newly cover the most need (existing facilities fixed).

    Need of an obec = population of the utilisation rate's band × the rate (the kraj's parameters for the year);
    without a rate, the population of the kind's band. Covered = a facility of the kind within `radius_km`
    of the obec point (straight line) or the obec in a field service's declared scope.
    """
    # imported here, not at the top: this module is imported at start-up (job registration), and the engine
    # brings numpy, pandas and scipy, which a command or a worker that never places capacity must not pay for
    import numpy as np

    from socplan.registry.models import ServiceKind
    from socplan.territory.models import Level, Region

    from . import adapter, selectors
    from .engine import NO_DECAY, coverage_matrix, existing_coverage, maximal_covering

    step = progress or (lambda pct, msg="": None)
    region = Region.objects.get(code=region_code)
    kind = ServiceKind.objects.get(code=kind_code)
    step(5, "načítám obce, obyvatele a služby")
    version = adapter.data_version()
    frame = adapter.territory(region.code, version)
    snap = adapter.snapshot(region.code, version)
    target = selectors.target_for(region, year, kind)
    rate = selectors.rate_for(region, year, kind)
    band = adapter.kind_band(kind.code, target.band if target else None)
    unit = adapter.kind_unit(snap, kind.code, target.capacity_type.code if target else None)
    if rate is not None:
        need = frame.population[rate.band] * float(rate.rate_percent) / 100.0
        basis = f"obyvatelé {rate.band} × {format_number(float(rate.rate_percent), 2)} %"
    else:
        need = frame.population[band].astype(float)
        basis = f"obyvatelé {band} (míra využití není zadaná)"
    step(20, "stavím strukturu vzdáleností")
    struct = adapter.structure(region.code, float(radius_km), version=version)
    model = struct.model(NO_DECAY)
    sup = adapter.supply(snap, frame, kind=kind.code, unit=unit, year=year, band=band)
    fac, _dropped = adapter.facilities_for(struct, sup, frame)
    covered = existing_coverage(model, model.supply(fac), float(radius_km))
    cov = coverage_matrix(struct.costs, float(radius_km))
    step(40, "hledám nejlepší obce (HiGHS)")
    res = maximal_covering(need=need, coverage=cov, k=int(k), already_covered=covered, time_limit=120.0)
    step(90, "ukládám výsledek")
    # attribute each newly covered obec to the chosen obec that covers it with the largest own gain
    chosen = list(res.selected)
    own = {j: float(need[(cov[:, [j]].toarray().ravel() > 0) & ~covered].sum()) for j in chosen}
    chosen.sort(key=lambda j: -own[j])
    taken = covered.copy()
    selected = []
    for j in chosen:
        reach = cov[:, [j]].toarray().ravel() > 0
        new = reach & ~taken
        taken |= reach
        selected.append({
            "code": frame.codes[j], "name": frame.names[j],
            "orp": frame.unit_names[Level.ORP].get(frame.orp[j], frame.orp[j]),
            "lat": float(frame.lat[j]), "lon": float(frame.lon[j]),
            "gain": round(float(need[new].sum()), 3), "obce": int(new.sum()),
        })
    total = float(need.sum())
    return {
        "region": region.code, "kind": kind.code, "k": int(k), "radius_km": float(radius_km), "year": int(year),
        "unit": unit, "need_basis": basis, "need_total": round(total, 3),
        "need_covered_before": round(float(need[covered].sum()), 3),
        "gain": round(res.gain, 3), "optimal": res.optimal, "message": res.message,
        "selected": selected,
        "newly_covered": [frame.codes[i] for i in np.flatnonzero(res.newly_covered)],
        "covered_before": [frame.codes[i] for i in np.flatnonzero(covered)],
        "data_version": version,
    }


# Started from the availability pages with parameters (any signed-in user); the generic jobs page (staff
# only) starts it with the defaults below.
@job_kind(PLACEMENT_JOB, "Kde přidat kapacitu (dostupnost)")
def placement_job(progress, region="CZ064", kind="49", k=5, radius_km=15.0, year=2026):
    return placement(region_code=region, kind_code=kind, k=int(k), radius_km=float(radius_km), year=int(year),
                     progress=progress)
