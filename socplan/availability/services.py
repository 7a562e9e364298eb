"""Writes for availability: the region's parameters, travel-time matrices, scenarios and their recomputation,
and the 'where to add capacity' job. Keyword-only functions, atomic, permission-checked with the scope layer.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections import defaultdict

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.scope import require
from socplan.core.jobs import job_enqueue
from socplan.core.services import model_update
from socplan.registry.models import Service
from socplan.territory.models import Level, Municipality

from . import adapter, selectors
from .engine import coverage_table, load_travel_time_csv
from .models import CoverageTarget, PopulationProjection, Scenario, TravelTimeMatrix, UtilisationRate

PLACEMENT_JOB = "availability_placement"
MAX_ADDITIONS = 20


# --- parameters (targets, utilisation rates, projections) ---------------------------------------------------------

def _create(model, *, actor, data: dict):
    obj = model(**data)
    require(actor, "change", obj)
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


@transaction.atomic
def coverage_target_create(*, actor, data: dict) -> CoverageTarget:
    return _create(CoverageTarget, actor=actor, data=data)


@transaction.atomic
def coverage_target_update(*, actor, target: CoverageTarget, data: dict, expected_version: int | None = None):
    require(actor, "change", target)
    return model_update(instance=target, data=data, actor=actor, expected_version=expected_version)[0]


@transaction.atomic
def utilisation_rate_create(*, actor, data: dict) -> UtilisationRate:
    return _create(UtilisationRate, actor=actor, data=data)


@transaction.atomic
def utilisation_rate_update(*, actor, rate: UtilisationRate, data: dict, expected_version: int | None = None):
    require(actor, "change", rate)
    return model_update(instance=rate, data=data, actor=actor, expected_version=expected_version)[0]


@transaction.atomic
def population_projection_create(*, actor, data: dict) -> PopulationProjection:
    return _create(PopulationProjection, actor=actor, data=data)


@transaction.atomic
def population_projection_update(*, actor, projection: PopulationProjection, data: dict,
                                 expected_version: int | None = None):
    require(actor, "change", projection)
    return model_update(instance=projection, data=data, actor=actor, expected_version=expected_version)[0]


# --- travel-time matrix ---------------------------------------------------------------------------------------------

@transaction.atomic
def travel_time_matrix_import(*, actor, name: str, content: bytes, region=None, source: str = "") -> TravelTimeMatrix:
    """Check a CSV `origin,destination,minutes` (obec codes) with the engine's loader and store it compressed.

    Every code must be an obec (of the kraj, when one is given); duplicates and bad minutes are errors.
    `actor=None` is the command line (the system); otherwise the actor must be region staff of the kraj.
    """
    obj = TravelTimeMatrix(name=name, region=region, source=source, uploaded_by=actor if actor else None)
    if actor is not None:
        require(actor, "change", obj)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Soubor není v kódování UTF-8."))
    codes = Municipality.objects.all()
    if region is not None:
        codes = codes.filter(region=region)
    known = sorted(codes.values_list("code", flat=True))
    try:
        costs = load_travel_time_csv(io.StringIO(text), known)
    except (ValueError, KeyError) as exc:
        raise ValidationError(_("Matici nelze načíst: %(error)s") % {"error": exc})
    obj.data = gzip.compress(text.encode("utf-8"))
    obj.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rows = [line.split(",") for line in text.splitlines()[1:] if line.strip()]
    obj.n_pairs = len(rows)  # pairs in the file (the loader adds each obec's own pair at 0 minutes)
    obj.n_obce = len({r[0].strip() for r in rows} | {r[1].strip() for r in rows if len(r) > 1})
    obj.max_minutes = float(costs.cost.max()) if costs.nnz else 0.0
    obj._history_user = actor
    obj.full_clean(exclude=["data"])
    obj.save()
    return obj


# --- scenarios ------------------------------------------------------------------------------------------------------

def scenario_changes_clean(*, region, kind, changes) -> list[dict]:
    """Validate and normalise a scenario's changes.

    * ``{"op": "add", "obec": "<code>", "capacity": N}`` — N units of the kind in obec X of the kraj;
    * ``{"op": "close", "service": <pk>}`` — close a service of the kind in the kraj;
    * ``{"op": "population", "year": Y}`` — population of year Y (the kraj's projection factors).
    """
    if not isinstance(changes, list):
        raise ValidationError(_("Změny musí být seznam."))
    out, errors = [], []
    seen_population = False
    obce = set(Municipality.objects.filter(region=region).values_list("code", flat=True))
    for ch in changes:
        op = (ch or {}).get("op")
        if op == "add":
            code = str(ch.get("obec", "")).strip()
            try:
                cap = float(ch.get("capacity"))
            except (TypeError, ValueError):
                cap = float("nan")
            if code not in obce:
                errors.append(_("Obec %(code)s neleží v kraji %(region)s.") % {"code": code, "region": region})
            elif not np.isfinite(cap) or cap <= 0:
                errors.append(_("Přidávaná kapacita musí být kladné číslo."))
            else:
                out.append({"op": "add", "obec": code, "capacity": int(cap) if cap.is_integer() else cap})
        elif op == "close":
            try:
                pk = int(ch.get("service"))
            except (TypeError, ValueError):
                pk = None
            if pk is None or not Service.objects.filter(pk=pk, region=region, kind=kind).exists():
                errors.append(_("Služba %(pk)s není služba zvoleného druhu v kraji.") % {"pk": ch.get("service")})
            else:
                out.append({"op": "close", "service": pk})
        elif op == "population":
            try:
                year = int(ch.get("year"))
            except (TypeError, ValueError):
                year = None
            if seen_population:
                errors.append(_("Scénář může mít jen jednu změnu obyvatel."))
            elif year is None or not PopulationProjection.objects.filter(region=region, year=year).exists():
                errors.append(_("Pro rok %(year)s není zadaná projekce obyvatel kraje.") % {"year": ch.get("year")})
            else:
                seen_population = True
                out.append({"op": "population", "year": year})
        else:
            errors.append(_("Neznámá změna: %(op)s.") % {"op": op})
    if sum(1 for c in out if c["op"] == "add") > MAX_ADDITIONS:
        errors.append(_("Nejvýše %(n)s přidání kapacity.") % {"n": MAX_ADDITIONS})
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def scenario_create(*, actor, data: dict, compute: bool = True) -> Scenario:
    data = dict(data)
    data["changes"] = scenario_changes_clean(region=data["region"], kind=data["kind"], changes=data.get("changes", []))
    scenario = Scenario(owner=actor, **data)
    require(actor, "change", scenario)
    scenario.full_clean()
    scenario._history_user = actor
    scenario.save()
    if compute:
        scenario_compute(actor=actor, scenario=scenario)
    return scenario


@transaction.atomic
def scenario_update(*, actor, scenario: Scenario, data: dict, expected_version: int | None = None,
                    compute: bool = True) -> Scenario:
    """Change a scenario. Who may: the scope layer alone (`Scenario.SCOPE`: the kraj's staff and the district
    team it is shared with) — being its author grants reading, not writing (a revoked role grants nothing)."""
    require(actor, "change", scenario)
    data = dict(data)
    if "changes" in data:
        data["changes"] = scenario_changes_clean(region=data.get("region", scenario.region),
                                                 kind=data.get("kind", scenario.kind), changes=data["changes"])
    if "region" in data and data["region"] != scenario.region:
        raise ValidationError(_("Kraj scénáře nelze změnit."))
    if "shared_with" in data:
        # the new state must stay in the actor's scope: a district team may not hand the scenario over to
        # another okres (or unshare it) — it would lose it itself
        require(actor, "change", Scenario(region=scenario.region, shared_with=data["shared_with"],
                                          owner_id=scenario.owner_id, kind=scenario.kind, year=scenario.year))
    scenario, _changed = model_update(instance=scenario, data=data, actor=actor, expected_version=expected_version)
    if compute:
        scenario_compute(actor=actor, scenario=scenario)
    return scenario


@transaction.atomic
def scenario_delete(*, actor, scenario: Scenario) -> None:
    """Delete a scenario: the kraj's staff (`Scenario.SCOPE["delete_roles"]`)."""
    require(actor, "delete", scenario)
    scenario._history_user = actor
    scenario.delete()


@transaction.atomic
def scenario_compute(*, actor, scenario: Scenario) -> Scenario:
    """Recompute a scenario against today's data and store the results snapshot (no version bump)."""
    if scenario.owner_id != getattr(actor, "pk", None):
        require(actor, "view", scenario)
    version = adapter.data_version()
    results = scenario_results(scenario, version=version)
    now = timezone.now()
    Scenario.objects.filter(pk=scenario.pk).update(results=results, computed_at=now, data_version=version)
    scenario.results, scenario.computed_at, scenario.data_version = results, now, version
    return scenario


def _num(x):
    if x is None:
        return None
    x = float(x)
    return round(x, 6) if np.isfinite(x) else None


def scenario_results(scenario: Scenario, *, version: str | None = None) -> dict:
    """Coverage (per ORP and for the kraj) and accessibility (per ORP and per obec), today vs. the scenario."""
    version = version or adapter.data_version()
    region, kind, year = scenario.region, scenario.kind, scenario.year
    frame = adapter.territory(region.code, version)
    snap = adapter.snapshot(region.code, version)
    target = selectors.target_for(region, year, kind)
    band = adapter.kind_band(kind.code, target.band if target else None)
    unit = adapter.kind_unit(snap, kind.code, target.capacity_type.code if target else None)
    t = float(target.per_1000) if target else None

    adds: dict[str, float] = defaultdict(float)
    closed: list[int] = []
    pop_year = None
    for ch in scenario.changes or []:
        if ch["op"] == "add":
            adds[ch["obec"]] += float(ch["capacity"])
        elif ch["op"] == "close":
            closed.append(int(ch["service"]))
        elif ch["op"] == "population":
            pop_year = int(ch["year"])
    factor = 1.0
    factor_note = ""
    if pop_year is not None:
        proj = selectors.projection_factors(region, pop_year).get(band)
        if proj is None:
            factor_note = _("Projekce pro skupinu %(band)s chybí: obyvatelé beze změny.") % {"band": band}
        else:
            factor = float(proj.factor)

    # coverage: today and the scenario
    pop = frame.population[band]
    sup = adapter.supply(snap, frame, kind=kind.code, unit=unit, year=year, band=band)
    cap, _out = adapter.capacity_by_obec(sup, frame)
    sup_s = adapter.supply(snap, frame, kind=kind.code, unit=unit, year=year, band=band, closed=closed)
    cap_s, _out_s = adapter.capacity_by_obec(sup_s, frame)
    for code, value in adds.items():
        cap_s[frame.index[code]] += value
    pop_s = pop * factor

    # accessibility: today, then the what-if (one sparse product) or, with a population change, a recomputation
    method, radius = scenario.method, float(scenario.radius_km)
    base = selectors.accessibility(scope=region.code, kind_code=kind.code, year=year, method=method, radius=radius,
                                   band=band, unit=unit, version=version)
    if factor == 1.0:
        model = base.structure.model(adapter.decay_for(method, radius))
        removed = np.isin(_facility_services(base.facilities, base.supply), closed)
        wi = model.what_if(base.base, add_at_obec={frame.index[c]: v for c, v in adds.items()},
                           remove=base.facilities.take(removed))
        access_s = wi.access
    else:
        scen = selectors.accessibility(scope=region.code, kind_code=kind.code, year=year, method=method,
                                       radius=radius, band=band, unit=unit, version=version,
                                       population_factor=factor, closed=closed, add_at_obec=dict(adds))
        access_s = scen.values
    access_b = base.values

    def per_unit(units):
        tb = coverage_table(units, cap, pop, t)
        ts = coverage_table(units, cap_s, pop_s, t)
        import pandas as pd

        acc = pd.DataFrame({"u": units, "p": pop, "ps": pop_s, "a": pop * access_b, "as": pop_s * access_s})
        acc = acc.groupby("u")[["p", "ps", "a", "as"]].sum()
        rows = []
        for code in tb.index:
            b, s, a = tb.loc[code], ts.loc[code], acc.loc[code]
            rows.append({
                "code": code, "name": frame.unit_names[_level_of(units, frame)].get(code, code),
                "population_base": _num(b["population"]), "population": _num(s["population"]),
                "capacity_base": _num(b["capacity"]), "capacity": _num(s["capacity"]),
                "per_1000_base": _num(b["per_1000"]), "per_1000": _num(s["per_1000"]),
                "gap_base": _num(b["gap"]) if t is not None else None,
                "gap": _num(s["gap"]) if t is not None else None,
                "access_base": _num(a["a"] / a["p"] * 1000) if a["p"] > 0 else None,
                "access": _num(a["as"] / a["ps"] * 1000) if a["ps"] > 0 else None,
            })
        rows.sort(key=lambda r: r["name"])
        return rows

    delta = access_s - access_b
    order = np.argsort(-np.abs(delta), kind="stable")
    changed = [
        {"code": frame.codes[i], "name": frame.names[i], "orp": frame.unit_names[Level.ORP].get(frame.orp[i]),
         "access_base": _num(access_b[i] * 1000), "access": _num(access_s[i] * 1000),
         "delta": _num(delta[i] * 1000)}
        for i in order[:30] if abs(delta[i]) > 1e-12
    ]
    services = dict(Service.objects.filter(pk__in=closed).values_list("pk", "name"))
    from socplan.registry.models import CapacityType

    unit_name = CapacityType.objects.filter(code=unit).values_list("name", flat=True).first() or unit
    applied = []
    for ch in scenario.changes or []:
        if ch["op"] == "add":
            i = frame.index[ch["obec"]]
            applied.append(_("přidat %(n)s (%(unit)s) v obci %(obec)s") % {
                "n": ch["capacity"], "unit": unit_name, "obec": frame.names[i]})
        elif ch["op"] == "close":
            applied.append(_("zrušit službu %(name)s") % {"name": services.get(ch["service"], ch["service"])})
        else:
            applied.append(_("obyvatelé roku %(year)s (× %(f)s pro skupinu %(band)s)") % {
                "year": ch["year"], "f": f"{factor:g}", "band": band})
    return {
        "data_version": version, "kind": kind.code, "year": year, "unit": unit, "band": band,
        "method": base.method, "radius_km": radius, "population_year": pop_year, "population_factor": factor,
        "target_per_1000": t, "notes": [n for n in [factor_note] if n], "applied": applied,
        "region": per_unit(frame.region)[0], "orp": per_unit(frame.orp),
        "obce_changed": changed,
        "access_obce_base": {c: _num(v * 1000) for c, v in zip(frame.codes, access_b, strict=True)},
        "access_obce": {c: _num(v * 1000) for c, v in zip(frame.codes, access_s, strict=True)},
    }


def _level_of(units, frame) -> str:
    if units is frame.region:
        return Level.REGION
    if units is frame.orp:
        return Level.ORP
    if units is frame.district:
        return Level.DISTRICT
    return Level.MUNICIPALITY


def _facility_services(fac, sup) -> np.ndarray:
    """Service pk of every engine facility (looked up from the supply rows it was built from)."""
    of = {fid: sid for fid, sid in zip(sup.p_id, sup.p_service, strict=True)}
    of.update({fid: sid for fid, sid in zip(sup.f_id, sup.f_service, strict=True)})
    return np.array([of[fid] for fid in fac.ids], dtype=np.int64)


# --- where to add capacity ------------------------------------------------------------------------------------------

def placement_enqueue(*, actor, region, kind, k: int, radius_km: float, year: int):
    """Start the 'where to add capacity' job for a kind in a kraj (any signed-in user of the kraj)."""
    if not 1 <= int(k) <= 50:
        raise ValidationError(_("Počet obcí musí být 1 až 50."))
    if not 1 <= float(radius_km) <= 100:
        raise ValidationError(_("Dosah musí být 1 až 100 km."))
    return job_enqueue(actor=actor, kind=PLACEMENT_JOB, params={
        "region": region.code, "kind": kind.code, "k": int(k), "radius_km": float(radius_km), "year": int(year)})

