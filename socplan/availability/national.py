"""Reads for the national pages and API: capacity per 1,000 of each kind's target age group in every kraj (and
okres / ORP), compared with the country, the own kraj or similar areas (RAG with its confidence), and the
national accessibility of one kind over all obce.

One selector per page: `national_overview` (kraje × kinds), `national_units` (one kind, one level, one
comparator), `national_accessibility` (one kind over every obec of the country). The numbers come from the same
adapter as the kraj pages (`adapter.supply` / `capacity_by_obec`: the capacity every module reads, placed at
facilities and over the declared scope) and the framework-free engine (`engine.benchmark`).

National comparisons use each kind's default target age group (`adapter.DEFAULT_BAND`: the group the kind
mainly serves) and the unit most services of the kind register in the country — not one kraj's coverage targets,
which differ between kraje.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from socplan.core.models import Source
from socplan.registry.models import CapacityType, Service, ServiceKind
from socplan.territory.models import Level, Region

from . import adapter, selectors
from .engine.benchmark import compare, group_rates, similar_area_groups

COMPARATORS = ("country", "region", "similar")
UNIT_LEVELS = (Level.REGION, Level.DISTRICT, Level.ORP)
SIMILAR_BINS = 3  # tertiles of population and of the share 65+: 9 groups of similar areas
SIMILAR_LEVELS = (Level.DISTRICT, Level.ORP)  # 14 kraje are too few for 9 groups


def _f(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def default_year() -> int:
    return date.today().year


@dataclass(frozen=True)
class KindCapacity:
    """One kind's capacity per obec of the country, in its unit, for its target age group."""

    code: str
    name: str
    short_name: str
    unit: str | None
    unit_name: str
    band: str
    band_label: str
    capacity: np.ndarray = field(repr=False)  # per obec of the country frame
    n_services: int = 0
    outside: float = 0.0
    unplaced: float = 0.0


def _kind_capacity(frame, snap, kind: ServiceKind, year: int, unit_names: dict[str, str]) -> KindCapacity:
    band = adapter.kind_band(kind.code)
    unit = adapter.kind_unit(snap, kind.code)
    sup = adapter.supply(snap, frame, kind=kind.code, unit=unit, year=year, band=band)
    cap, outside = adapter.capacity_by_obec(sup, frame)
    return KindCapacity(code=kind.code, name=kind.name, short_name=kind.short_name or kind.code, unit=unit,
                        unit_name=unit_names.get(unit, unit or ""), band=band,
                        band_label=selectors.band_label(band), capacity=cap, n_services=sup.n_services,
                        outside=outside, unplaced=sup.unplaced)


def kind_capacities(year: int, version: str | None = None) -> dict[str, KindCapacity]:
    """Every kind with at least one active service in the country, in code-list order (cached per data version)."""
    version = version or adapter.data_version()

    def build():
        frame = adapter.territory(adapter.COUNTRY, version)
        snap = adapter.snapshot(adapter.COUNTRY, version)
        present = {s.kind for s in snap.services.values() if s.active(year)}
        unit_names = dict(CapacityType.objects.values_list("code", "name"))
        return {k.code: _kind_capacity(frame, snap, k, year, unit_names)
                for k in ServiceKind.objects.filter(code__in=present).order_by("order", "code")}

    return adapter.cached(("national-kinds", int(year), version), build)


def data_note() -> str:
    return _("Kraje mimo demo kraj obsahují jen výběr registru MPSV relevantní pro seniory (skutečné služby 20 z 33 "
             "druhů, u nich případně bez služeb určených jen jiným skupinám); nejde o úplný registr. Kraje "
             "označené „demo“ mají úplná demo data (skutečné i syntetické služby), srovnání s nimi je jen orientační.")


def demo_regions() -> set[str]:
    """Kraje whose register holds synthetic demo services (so they are not comparable with the extract alone)."""
    return set(Service.objects.filter(source=Source.SYNTHETIC).exclude(region=None)
               .values_list("region__code", flat=True).distinct())


# --- overview: kraje × kinds ---------------------------------------------------------------------------------

@dataclass
class Overview:
    year: int
    kinds: list[KindCapacity]
    rows: list[dict]  # per kraj: code, name, demo, values {kind: per_1000}, population {band: n}
    country: dict
    demo_regions: set[str]
    data_version: str


def national_overview(*, year: int, version: str | None = None) -> Overview:
    """Capacity per 1,000 of the target age group, per kind, for every kraj and the country."""
    version = version or adapter.data_version()
    frame = adapter.territory(adapter.COUNTRY, version)
    kinds = list(kind_capacities(year, version).values())
    demo = demo_regions()
    names = frame.unit_names[Level.REGION]
    values: dict[str, dict[str, float | None]] = {code: {} for code in sorted(set(frame.region))}
    country_values: dict[str, float | None] = {}
    bands = sorted({k.band for k in kinds})
    for k in kinds:
        table = compare_table(frame.region, k.capacity, frame.population[k.band])
        for code, per in table["per_1000"].items():
            values[code][k.code] = _f(per)
        pop = float(frame.population[k.band].sum())
        country_values[k.code] = _f(k.capacity.sum() * 1000.0 / pop) if pop else None
    pops = {b: pd.Series(frame.population[b]).groupby(frame.region).sum().to_dict() for b in bands}
    rows = [{"code": code, "name": names.get(code, code), "demo": code in demo, "values": values[code],
             "population": {b: float(pops[b].get(code, 0.0)) for b in bands}} for code in values]
    rows.sort(key=lambda r: r["code"])
    country = {"code": adapter.COUNTRY, "name": frame.scope_name, "values": country_values,
               "population": {b: float(frame.population[b].sum()) for b in bands}}
    return Overview(year=year, kinds=kinds, rows=rows, country=country, demo_regions=demo, data_version=version)


def compare_table(units, capacity, population) -> pd.DataFrame:
    """Σ capacity, Σ population and per 1,000 per unit (summed before dividing)."""
    df = pd.DataFrame({"u": np.asarray(units, dtype=object), "c": np.asarray(capacity, dtype=float),
                       "p": np.asarray(population, dtype=float)}).groupby("u", sort=True)[["c", "p"]].sum()
    df["per_1000"] = np.divide(df["c"] * 1000.0, df["p"], out=np.full(len(df), np.nan), where=df["p"] > 0)
    return df


def overview_dict(ov: Overview) -> dict:
    return {
        "year": ov.year, "note": data_note(), "demo_regions": sorted(ov.demo_regions),
        "kinds": [{"code": k.code, "name": k.name, "unit": k.unit, "band": k.band, "services": k.n_services}
                  for k in ov.kinds],
        "regions": [{"code": r["code"], "name": r["name"], "demo": r["demo"], "per_1000": r["values"],
                     "population": r["population"]} for r in ov.rows],
        "country": {"per_1000": ov.country["values"], "population": ov.country["population"]},
    }


# --- one kind per unit, against a comparator -------------------------------------------------------------------

@dataclass
class UnitsReport:
    year: int
    kind: KindCapacity
    level: str
    comparator: str
    region: Region | None  # rows limited to this kraj (drill-down), comparators still national
    rows: list[dict]
    country_per_1000: float | None
    note: str  # why a comparator is not available at this level ("" when it is)
    groups: dict  # similar areas: label → {"units": n, "per_1000": x}; plus the class bounds
    size_edges: list[float]
    share_edges: list[float]
    demo_regions: set[str]
    data_version: str


def national_units(*, kind: ServiceKind, year: int, level: str = Level.REGION, comparator: str = "country",
                   region: Region | None = None, version: str | None = None) -> UnitsReport:
    """One kind's capacity per 1,000 of its target group per kraj / okres / ORP of the country, each unit
    compared with the country, its own kraj or its group of similar areas (RAG, interval, confidence)."""
    if level not in UNIT_LEVELS:
        raise ValueError(f"level {level!r}")
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator {comparator!r}")
    version = version or adapter.data_version()
    frame = adapter.territory(adapter.COUNTRY, version)
    kc = kind_capacities(year, version).get(kind.code)
    if kc is None:  # no active service of the kind anywhere: zero capacity, default group and unit
        snap = adapter.snapshot(adapter.COUNTRY, version)
        unit_names = dict(CapacityType.objects.values_list("code", "name"))
        kc = _kind_capacity(frame, snap, kind, year, unit_names)
    pop = frame.population[kc.band]
    units = frame.units(level)
    table = compare_table(units, kc.capacity, pop)
    total_pop = float(pop.sum())
    country = kc.capacity.sum() * 1000.0 / total_pop if total_pop else np.nan
    kraj_of = {}
    for u, r in zip(units, frame.region, strict=True):
        kraj_of.setdefault(u, r)
    codes = list(table.index)
    note = ""
    groups_out: dict = {}
    size_edges: list[float] = []
    share_edges: list[float] = []
    labels = np.full(len(codes), None, dtype=object)
    sim = None
    if level in SIMILAR_LEVELS:
        tot = pd.Series(frame.population["total"]).groupby(units).sum().reindex(codes).to_numpy(dtype=float)
        old = pd.Series(frame.population["65+"]).groupby(units).sum().reindex(codes).to_numpy(dtype=float)
        sim = similar_area_groups(tot, old, SIMILAR_BINS)
        labels = sim.labels
        size_edges, share_edges = sim.size_edges, sim.share_edges
        rates = group_rates(labels, table["c"].to_numpy(), table["p"].to_numpy())
        for lab, rate in zip(labels, rates, strict=True):
            if lab is not None:
                g = groups_out.setdefault(lab, {"units": 0, "per_1000": _f(rate)})
                g["units"] += 1
    if comparator == "country":
        comp = np.full(len(codes), country)
    elif comparator == "region":
        if level == Level.REGION:
            comp = np.full(len(codes), np.nan)
            note = _("Na úrovni krajů se s vlastním krajem srovnávat nedá; zvolte ČR nebo okresy / ORP.")
        else:
            kraj_table = compare_table(frame.region, kc.capacity, pop)["per_1000"].to_dict()
            comp = np.array([kraj_table.get(kraj_of[c], np.nan) for c in codes], dtype=float)
    else:
        if sim is None:
            comp = np.full(len(codes), np.nan)
            note = _("Podobná území se tvoří z okresů nebo ORP (14 krajů je na 9 skupin málo); zvolte okresy nebo ORP.")
        else:
            comp = group_rates(labels, table["c"].to_numpy(), table["p"].to_numpy())
    res = compare(table["c"].to_numpy(), table["p"].to_numpy(), comp)
    names = frame.unit_names[level]
    region_names = frame.unit_names[Level.REGION]
    demo = demo_regions()
    rows = []
    for i, code in enumerate(codes):
        kraj = kraj_of[code]
        if region is not None and kraj != region.code:
            continue
        r = res.iloc[i]
        rows.append({
            "code": code, "name": names.get(code, code), "region": kraj, "region_name": region_names.get(kraj, kraj),
            "demo": kraj in demo, "population": float(r["population"]), "capacity": float(r["capacity"]),
            "per_1000": _f(r["per_1000"]), "ci_low": _f(r["ci_low"]), "ci_high": _f(r["ci_high"]),
            "comparator": _f(r["comparator"]), "ratio": _f(r["ratio"]), "rag": r["rag"],
            "significance": r["significance"], "confidence": r["confidence"], "group": labels[i],
        })
    rows.sort(key=lambda r: (r["region"], r["name"], r["code"]))
    return UnitsReport(year=year, kind=kc, level=level, comparator=comparator, region=region, rows=rows,
                       country_per_1000=_f(country), note=note, groups=dict(sorted(groups_out.items())),
                       size_edges=size_edges, share_edges=share_edges, demo_regions=demo, data_version=version)


def units_dict(rep: UnitsReport) -> dict:
    k = rep.kind
    return {
        "year": rep.year, "kind": k.code, "unit": k.unit, "band": k.band, "level": rep.level,
        "comparator": rep.comparator, "region": rep.region.code if rep.region else None,
        "country_per_1000": rep.country_per_1000, "note": rep.note, "data_note": data_note(),
        "demo_regions": sorted(rep.demo_regions),
        "similar_areas": {"bins": SIMILAR_BINS, "size_edges": rep.size_edges, "share_65_edges": rep.share_edges,
                          "groups": rep.groups} if rep.level in SIMILAR_LEVELS else None,
        "rows": rep.rows,
    }


# --- accessibility of one kind over every obec ----------------------------------------------------------------

def national_accessibility(*, kind: ServiceKind, year: int, method: str = "2sfca", radius: float = 30.0):
    """2SFCA / E2SFCA / BFCA of one kind over all obce of the country (the kind's default target group)."""
    return selectors.accessibility(scope=adapter.COUNTRY, kind_code=kind.code, year=year, method=method,
                                   radius=radius)
