"""Reads for the availability pages, API and command: coverage, need and accessibility reports, scenarios.

Coverage and accessibility are computed from public data (territory, registry) for any kraj; scenarios are
private (author, the kraj's staff, the district team they are shared with).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from socplan.accounts.scope import grants, is_superuser, restrict
from socplan.planning import selectors as planning_selectors
from socplan.registry.models import CapacityType, Service, ServiceKind
from socplan.territory.models import AgeBand, Level, Region

from . import adapter
from .engine import coverage_table, to_json_dict
from .models import CoverageTarget, PopulationProjection, Scenario, TravelTimeMatrix, UtilisationRate

TREND_YEARS = 3  # the trend compares the year with the year TREND_YEARS earlier
GREEN_AT = 0.95  # ratio to the comparator at or above which a unit is green
AMBER_AT = 0.80  # … at or above which amber; below: red
LEVELS = [Level.MUNICIPALITY, Level.ORP, Level.DISTRICT, Level.REGION]


# --- small helpers ------------------------------------------------------------------------------------------------

def _f(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def rag(ratio: float | None) -> str | None:
    """'green' / 'amber' / 'red' for a unit's ratio to its comparator (None when there is no comparator)."""
    if ratio is None or not math.isfinite(ratio):
        return None
    if ratio >= GREEN_AT:
        return "green"
    if ratio >= AMBER_AT:
        return "amber"
    return "red"


def _ratio(value, comparator) -> float | None:
    value, comparator = _f(value), _f(comparator)
    if value is None or comparator is None or comparator <= 0:
        return None
    return value / comparator


def default_region(user) -> Region:
    """The kraj the user works in (first role), else the kraj with the most registered services."""
    for g in grants(user):
        if g.region_id:
            region = Region.objects.filter(pk=g.region_id).first()
            if region:
                return region
    # no kraj of one's own: the kraj whose register is the fullest (the demo kraj, whose full register sits beside
    # the senior-relevant extract of the others; ties by code), else the first kraj
    fullest = (Region.objects.annotate(n=Count("services")).filter(n__gt=0).order_by("-n", "code").first())
    return fullest or Region.objects.order_by("code").first()


def default_year(region: Region) -> int:
    years = CoverageTarget.objects.filter(region=region).order_by("-year").values_list("year", flat=True)
    return years[0] if years else date.today().year


def parameter_years(region, kind) -> list[int]:
    """Years for which the kraj has a target or a utilisation rate for the kind (to point to when one is missing)."""
    years = set(CoverageTarget.objects.filter(region=region, kind=kind).values_list("year", flat=True))
    years |= set(UtilisationRate.objects.filter(region=region, kind=kind).values_list("year", flat=True))
    return sorted(years)


def target_for(region, year: int, kind) -> CoverageTarget | None:
    return CoverageTarget.objects.select_related("capacity_type").filter(region=region, year=year, kind=kind).first()


def rate_for(region, year: int, kind) -> UtilisationRate | None:
    return UtilisationRate.objects.filter(region=region, year=year, kind=kind).first()


def band_label(band: str) -> str:
    return str(dict(AgeBand.choices).get(band, band))


# --- planning (optional module) -----------------------------------------------------------------------------------

@dataclass
class PlannedNeeds:
    """Needs entered by community planning for one kind and year, split into what compares with the report."""

    by_orp: dict[str, float]  # ORP code → capacity in the report's unit
    plans: dict[str, tuple[int, str, str]]  # ORP code → (plan id, title, status) the figure comes from
    other_units: list[dict]  # entries in another unit than the report's (shown, not compared)

    @property
    def any(self) -> bool:
        return bool(self.by_orp or self.other_units)


def planned_needs(region, year: int, kind_code: str, unit_code: str | None = None) -> PlannedNeeds:
    """Needs entered by community planning per ORP (capacity units), from the plans in force
    (`planning.selectors.planned_needs`, typed `PlannedNeed` rows). Needs in another unit than `unit_code` are not
    added up with the report's capacity — they are listed apart."""
    out = PlannedNeeds(by_orp={}, plans={}, other_units=[])
    for need in planning_selectors.planned_needs(region, year, kind_code):
        code = need.orp_code
        if need.unit and unit_code and need.unit != unit_code:
            out.other_units.append({"orp_code": code, "orp_name": need.orp_name or code, "unit": need.unit,
                                    "unit_label": need.unit_label or need.unit, "capacity": float(need.capacity)})
            continue
        out.by_orp[code] = out.by_orp.get(code, 0.0) + float(need.capacity)
        out.plans[code] = (need.plan_id, need.plan_title, need.plan_status)
    return out


# --- coverage -----------------------------------------------------------------------------------------------------

@dataclass
class CoverageRow:
    code: str
    name: str
    population: float
    capacity: float
    per_1000: float | None
    required: float | None = None
    gap: float | None = None
    capacity_network: float | None = None
    per_1000_network: float | None = None
    gap_network: float | None = None
    need_population: float | None = None
    need: float | None = None
    need_covered_pct: float | None = None
    planned: float | None = None  # need entered by community planning (ORP; okres/kraj: sum over its ORP)
    planned_gap: float | None = None  # planned − capacity, ORP rows only (where plan and supply cover the same area)
    planned_plan_id: int | None = None  # the community plan the ORP's figure comes from
    ratio_region: float | None = None
    rag_region: str | None = None
    ratio_country: float | None = None
    rag_country: str | None = None
    per_1000_prev: float | None = None
    trend: float | None = None  # per_1000 − per_1000_prev

    @property
    def trend_arrow(self) -> str:
        if self.trend is None:
            return ""
        if abs(self.trend) < 0.05:
            return "→"
        return "↑" if self.trend > 0 else "↓"

    def as_dict(self) -> dict:
        return {k: (_f(v) if isinstance(v, float | np.floating) else v) for k, v in self.__dict__.items()}


@dataclass
class CoverageReport:
    region: Region
    kind: ServiceKind
    year: int
    level: str
    unit: CapacityType | None
    band: str
    band_label: str
    band_estimated: bool
    population_sources: list[str]
    population_date: date | None
    target: CoverageTarget | None
    rate: UtilisationRate | None
    rows: list[CoverageRow]
    total: CoverageRow  # the kraj
    country_per_1000: float | None
    country_note: str
    network_available: bool
    planned_available: bool
    planned: PlannedNeeds | None
    registered_total: float
    allocated: float
    outside: float
    unplaced: float
    services_without_unit: int
    n_services: int
    orp_rows: list[CoverageRow]
    supply: adapter.Supply = field(repr=False)
    data_version: str = ""

    @property
    def gap_basis(self) -> str:
        return "target" if self.target else "region"


def _country_comparator(kind_code: str, unit: str | None, band: str, year: int, version: str):
    """National capacity per 1,000 — only when the registry holds services of every kraj."""
    regions_with_services = Service.objects.exclude(region=None).values("region").distinct().count()
    n_regions = Region.objects.count()
    if regions_with_services < n_regions:
        return None, _("Srovnání s ČR není k dispozici: služby v registru má jen %(n)s z %(total)s krajů.") % {
            "n": regions_with_services, "total": n_regions}
    frame = adapter.territory(adapter.COUNTRY, version)
    snap = adapter.snapshot(adapter.COUNTRY, version)
    sup = adapter.supply(snap, frame, kind=kind_code, unit=unit, year=year, band=band)
    pop = frame.population[band].sum()
    return (_f(sup.registered_total / pop * 1000) if pop else None), ""


def coverage_report(*, region: Region, kind: ServiceKind, year: int, level: str = Level.ORP,
                    version: str | None = None) -> CoverageReport:
    version = version or adapter.data_version()
    frame = adapter.territory(region.code, version)
    snap = adapter.snapshot(region.code, version)
    target = target_for(region, year, kind)
    rate = rate_for(region, year, kind)
    band = adapter.kind_band(kind.code, target.band if target else None)
    unit_code = adapter.kind_unit(snap, kind.code, target.capacity_type.code if target else None)
    unit = CapacityType.objects.filter(code=unit_code).first()
    pop = frame.population[band]
    sup = adapter.supply(snap, frame, kind=kind.code, unit=unit_code, year=year, band=band)
    cap, outside = adapter.capacity_by_obec(sup, frame)
    t = float(target.per_1000) if target else None

    region_table = coverage_table(frame.region, cap, pop, t)
    kraj = region_table.loc[region.code]
    kraj_per_1000 = _f(kraj["per_1000"])
    country_per_1000, country_note = _country_comparator(kind.code, unit_code, band, year, version)

    prev = adapter.supply(snap, frame, kind=kind.code, unit=unit_code, year=year - TREND_YEARS, band=band)
    cap_prev, _ = adapter.capacity_by_obec(prev, frame)

    network = adapter.network_capacity(region, year, unit_code)
    cap_net = None
    if network is not None:
        sup_net = adapter.supply(snap, frame, kind=kind.code, unit=unit_code, year=year, band=band,
                                 network=network)
        cap_net, _ = adapter.capacity_by_obec(sup_net, frame)

    need_pop = need = None
    if rate is not None:
        need_pop = frame.population[rate.band]
        need = need_pop * float(rate.rate_percent) / 100.0
    planned = planned_needs(region, year, kind.code, unit_code)

    def rows_for(lvl: str) -> list[CoverageRow]:
        units = frame.units(lvl)
        table = coverage_table(units, cap, pop, t)
        table_prev = coverage_table(units, cap_prev, pop)
        table_net = coverage_table(units, cap_net, pop, t) if cap_net is not None else None
        agg = {}
        if need is not None:
            import pandas as pd

            agg = pd.DataFrame({"u": units, "p": need_pop, "n": need}).groupby("u")[["p", "n"]].sum()
        planned_by_unit: dict[str, float] = {}
        if planned is not None:
            orp_unit = {}
            for o, u in zip(frame.orp, units, strict=True):
                orp_unit.setdefault(o, u)
            if lvl != Level.MUNICIPALITY:
                for orp_code, value in planned.by_orp.items():
                    u = orp_unit.get(orp_code)
                    if u is not None:
                        planned_by_unit[u] = planned_by_unit.get(u, 0.0) + value
        # plain arrays aligned with the units (pandas indexing per row is slow for 6,000 obce)
        idx = table.index
        col = {c: table[c].to_numpy(dtype=float) for c in table.columns}
        prev_per_1000 = table_prev["per_1000"].reindex(idx).to_numpy(dtype=float)
        net = ({c: table_net[c].reindex(idx).to_numpy(dtype=float) for c in table_net.columns}
               if table_net is not None else None)
        if need is not None:
            need_p = agg["p"].reindex(idx).to_numpy(dtype=float)
            need_n = agg["n"].reindex(idx).to_numpy(dtype=float)
        names = frame.unit_names[lvl]
        out = []
        for k, code in enumerate(idx):
            row = CoverageRow(code=code, name=names.get(code, code), population=float(col["population"][k]),
                              capacity=float(col["capacity"][k]), per_1000=_f(col["per_1000"][k]))
            if t is not None:
                row.required, row.gap = _f(col["required"][k]), _f(col["gap"][k])
            elif kraj_per_1000 is not None:  # without a target the gap is measured against the kraj's own level
                row.required = kraj_per_1000 * row.population / 1000
                row.gap = row.required - row.capacity
            if net is not None:
                row.capacity_network, row.per_1000_network = float(net["capacity"][k]), _f(net["per_1000"][k])
                row.gap_network = _f(net["gap"][k]) if t is not None else None
            if need is not None:
                row.need_population, row.need = float(need_p[k]), float(need_n[k])
                row.need_covered_pct = _f(row.capacity / row.need * 100) if row.need else None
            if planned is not None and lvl != Level.MUNICIPALITY:
                row.planned = planned_by_unit.get(code)
                if lvl == Level.ORP and row.planned is not None:
                    row.planned_gap = row.planned - row.capacity
                    row.planned_plan_id = planned.plans.get(code, (None,))[0]
            row.ratio_region = _ratio(row.per_1000, kraj_per_1000)
            row.rag_region = rag(row.ratio_region)
            row.ratio_country = _ratio(row.per_1000, country_per_1000)
            row.rag_country = rag(row.ratio_country)
            row.per_1000_prev = _f(prev_per_1000[k])
            if row.per_1000 is not None and row.per_1000_prev is not None:
                row.trend = row.per_1000 - row.per_1000_prev
            out.append(row)
        out.sort(key=lambda r: (r.name, r.code))
        return out

    rows = rows_for(level)
    total = rows_for(Level.REGION)[0]
    orp_rows = rows if level == Level.ORP else rows_for(Level.ORP)
    return CoverageReport(
        region=region, kind=kind, year=year, level=level, unit=unit, band=band, band_label=band_label(band),
        band_estimated=frame.estimated[band], population_sources=frame.sources[band],
        population_date=frame.ref_date, target=target, rate=rate, rows=rows, total=total,
        country_per_1000=country_per_1000, country_note=country_note, network_available=network is not None,
        planned_available=planned is not None, planned=planned, registered_total=sup.registered_total,
        allocated=float(cap.sum()),
        outside=outside, unplaced=sup.unplaced, services_without_unit=sup.services_without_unit,
        n_services=sup.n_services, orp_rows=orp_rows, supply=sup, data_version=version,
    )


def coverage_dict(report: CoverageReport) -> dict:
    """The report as plain data (API)."""
    return {
        "region": report.region.code, "kind": report.kind.code, "year": report.year, "level": report.level,
        "unit": report.unit.code if report.unit else None, "band": report.band,
        "band_estimated": report.band_estimated, "population_date": report.population_date,
        "target_per_1000": _f(report.target.per_1000) if report.target else None,
        "target_is_assumption": report.target.is_assumption if report.target else None,
        "utilisation_rate_percent": _f(report.rate.rate_percent) if report.rate else None,
        "utilisation_band": report.rate.band if report.rate else None,
        "country_per_1000": report.country_per_1000, "country_note": report.country_note,
        "network_available": report.network_available, "planned_available": report.planned_available,
        "planned_other_units": report.planned.other_units if report.planned else [],
        "registered_total": report.registered_total, "allocated": report.allocated, "outside": report.outside,
        "unplaced": report.unplaced, "services": report.n_services,
        "services_without_unit": report.services_without_unit,
        "total": report.total.as_dict(), "rows": [r.as_dict() for r in report.rows],
    }


# --- accessibility ------------------------------------------------------------------------------------------------

@dataclass
class AccessibilityResult:
    scope: str
    scope_name: str
    kind: str
    unit: str | None
    band: str
    year: int
    method: str  # the engine's label, e.g. "2sfca"
    radius: float
    cost_unit: str  # km or min
    frame: adapter.TerritoryFrame = field(repr=False)
    supply: adapter.Supply = field(repr=False)
    facilities: object = field(repr=False)
    demand: object = field(repr=False)
    values: np.ndarray = field(repr=False)  # A_i (capacity per person of the band)
    dropped: dict = field(default_factory=dict)
    structure: object = field(default=None, repr=False)
    base: object = field(default=None, repr=False)
    data_version: str = ""

    def per_unit(self, level: str) -> list[dict]:
        """Population-weighted mean accessibility per unit (× 1,000), with population."""
        import pandas as pd

        units = self.frame.units(level)
        pop = np.asarray(self.demand.population, dtype=float)
        df = pd.DataFrame({"u": units, "p": pop, "pa": pop * self.values}).groupby("u")[["p", "pa"]].sum()
        out = []
        for code, r in df.iterrows():
            value = r["pa"] / r["p"] * 1000 if r["p"] > 0 else None
            out.append({"code": code, "name": self.frame.unit_names[level].get(code, code),
                        "population": float(r["p"]), "value": _f(value)})
        out.sort(key=lambda r: (r["name"], r["code"]))
        return out

    def json(self) -> dict:
        return to_json_dict(kind=self.kind, method=self.method, radius_km=self.radius, demand=self.demand,
                            values=self.values, facilities=self.facilities)


def accessibility(*, scope: str, kind_code: str, year: int, method: str = "2sfca", radius: float = 30.0,
                  sigma: float | None = None, matrix: TravelTimeMatrix | None = None, band: str | None = None,
                  unit: str | None = None, version: str | None = None,
                  population_factor: float = 1.0, closed=(), add_at_obec: dict[str, float] | None = None
                  ) -> AccessibilityResult:
    """2SFCA / E2SFCA of one kind for a kraj (scope = its code) or the country (scope = "CZ").

    Band and unit default to the kraj's coverage target (if any) for the year, else the kind's defaults.
    `population_factor`, `closed` and `add_at_obec` serve scenarios.
    """
    version = version or adapter.data_version()
    frame = adapter.territory(scope, version)
    snap = adapter.snapshot(scope, version)
    if band is None or unit is None:
        target = None
        if scope != adapter.COUNTRY:
            target = CoverageTarget.objects.select_related("capacity_type").filter(
                region__code=scope, year=year, kind__code=kind_code).first()
        band = band or adapter.kind_band(kind_code, target.band if target else None)
        unit = unit or adapter.kind_unit(snap, kind_code, target.capacity_type.code if target else None)
    struct = adapter.structure(scope, radius, matrix=matrix, version=version)
    decay = adapter.decay_for(method, radius, sigma)
    model = struct.model(decay)
    sup = adapter.supply(snap, frame, kind=kind_code, unit=unit, year=year, band=band, closed=closed)
    fac, dropped = adapter.facilities_for(struct, sup, frame)
    demand = frame.demand(band, population_factor)
    s = model.supply(fac)
    for obec, cap in (add_at_obec or {}).items():
        s[int(struct.costs.obec_site[frame.index[obec]])] += float(cap)
    res = model.compute(demand.population, s)
    return AccessibilityResult(
        scope=scope, scope_name=frame.scope_name, kind=kind_code, unit=unit, band=band, year=year,
        method=decay.label, radius=float(radius), cost_unit=struct.mode, frame=frame, supply=sup, facilities=fac,
        demand=demand, values=np.asarray(res.access, dtype=float), dropped=dropped, structure=struct, base=res,
        data_version=version,
    )


# --- parameters ---------------------------------------------------------------------------------------------------

def targets(region, year: int | None = None):
    qs = CoverageTarget.objects.filter(region=region).select_related("kind", "capacity_type")
    return qs.filter(year=year) if year else qs


def rates(region, year: int | None = None):
    qs = UtilisationRate.objects.filter(region=region).select_related("kind")
    return qs.filter(year=year) if year else qs


def projections(region):
    return PopulationProjection.objects.filter(region=region)


def projection_factors(region, year: int) -> dict[str, PopulationProjection]:
    return {p.band: p for p in PopulationProjection.objects.filter(region=region, year=year)}


def matrices(user):
    return restrict(TravelTimeMatrix.objects.select_related("region", "uploaded_by"), user, "view")


# --- scenarios ----------------------------------------------------------------------------------------------------

def scenario_list(user):
    """Scenarios the user may see: their own, the kraj's (region staff) and those shared with their okres."""
    qs = Scenario.objects.select_related("owner", "region", "kind", "shared_with")
    if is_superuser(user):
        return qs
    allowed = restrict(Scenario.objects.all(), user, "view").values("pk")
    return qs.filter(Q(owner_id=user.pk) | Q(pk__in=allowed)).distinct()
