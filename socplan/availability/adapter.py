"""From the database to the engine's arrays: obce with population, services with capacity, facilities, reach.

Everything is loaded with a handful of bulk queries and kept in an in-process cache keyed by the *data
version* (`data_version()`), so the municipality structure of a region or of the country is built once and
reused by every page, API call, scenario and job until the territory or the registry changes.

Rules (docs/availability.md, "Django side"):

* **Population** — obec-level `PopulationFigure`s at each obec's latest date with a total. A band missing for an
  obec at that date is estimated as total × the obec's band share at the latest earlier date that has it; a
  band is reported as *estimated* when any figure used is an estimate.
* **Which services** — those of the kraj (`Service.region`; every service for the country) active in the
  year: valid_from ≤ 31 Dec and (valid_to empty or ≥ 1 Jan).
* **Unit of a kind** — the capacity type of the region's coverage target for the kind and year; without a
  target the type most services of the kind register (ties: code-list order: beds, clients, …).
* **How much capacity** — a service's capacity in the year is the one every module reads
  (``socplan.registry.selectors.service_capacities``): the figure the kraj's approved network states for the
  year, else the registered count in the unit of the service's main form. A service counts toward a kind's
  supply when that unit is the kind's unit (otherwise it is reported among the services without the unit).
  When the coverage page compares with a network version (`network_capacity`), that version's entries replace
  it (a draft's figures for a draft).
* **Where capacity sits** — capacity registered under the field form (terénní) is a *field* part spread
  over the service's declared scope (`ServiceArea`: shares, missing shares equal; an ORP area spread over its
  obce by the kind's population band); capacity under the other forms is split **equally over the service's
  facilities** active in the year (all facilities if none is active). A facility without a point stands at
  its obec's point. A field part without a scope uses the obce of the service's facilities. The service's
  capacity is spread over these parts in proportion to its registered capacity in the unit (the parts are the
  registered counts themselves when the capacity is the registry's).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Count, Max, Sum

from socplan.network.selectors import network_entries
from socplan.registry.models import (
    Capacity,
    CapacityType,
    Facility,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceYearCapacity,
)
from socplan.registry.selectors import ServiceCapacity, service_capacities
from socplan.territory.models import District, Level, Municipality, Orp, PopulationFigure, Region

from .engine import (
    NO_DECAY,
    AccessibilityModel,
    Balanced,
    CostStructure,
    DemandPoints,
    Facilities,
    GaussianDecay,
    build_distance_costs,
    load_travel_time_csv,
    reach_matrix,
)

COUNTRY = "CZ"
FIELD_FORM = "ter"
BANDS = ["total", "0-14", "15-64", "65+", "65-79", "80+"]
# Default population band of a kind without a coverage target (the group the kind mainly serves).
DEFAULT_BAND = {"39": "65+", "40": "65+", "41": "65+", "44": "65+", "46": "65+", "49": "65+", "50": "65+",
                "52": "65+", "66": "65+", "54": "0-14"}
CACHE_SIZE = 12


# --- cache ------------------------------------------------------------------------------------------------------

_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def cached(key: tuple, build: Callable[[], object]):
    """In-process LRU cache (per worker process). Keys contain the data version, so stale entries are never hit."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def cache_clear() -> None:
    with _lock:
        _cache.clear()


def data_version() -> str:
    """A short fingerprint of everything the structures depend on (territory, population, registry).

    Live row counts and largest keys catch inserts and deletes; the largest history id and time of each registry
    model catch every audited change (imports and services write history rows); sums of points and population
    values catch territory re-imports.
    """
    parts: list = []
    parts.append(tuple(Municipality.objects.aggregate(n=Count("pk"), m=Max("pk"), a=Sum("lat"), b=Sum("lon"),
                                                      o=Sum("orp_id")).values()))
    parts.append(tuple(PopulationFigure.objects.aggregate(n=Count("pk"), m=Max("pk"), s=Sum("value")).values()))
    for model in (Service, ServiceForm, Capacity, Facility, ServiceArea, ServiceYearCapacity):
        parts.append(tuple(model.objects.aggregate(n=Count("pk"), m=Max("pk")).values()))
        # history time as well as id: ids can be reused after a rollback (SQLite), times move on
        parts.append(tuple(model.history.aggregate(h=Max("history_id"), t=Max("history_date")).values()))
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


# --- territory ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TerritoryFrame:
    """The obce of a kraj (or of the country) with their points, units and population by band."""

    scope: str  # region code or "CZ"
    scope_name: str
    codes: np.ndarray  # obec codes (str), sorted
    names: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    orp: np.ndarray  # ORP code of each obec
    district: np.ndarray
    region: np.ndarray
    population: dict[str, np.ndarray]  # band → (n,) float
    estimated: dict[str, bool]  # band → any figure used is an estimate
    sources: dict[str, list[str]]
    ref_date: date | None
    unit_names: dict[str, dict[str, str]]  # level → code → name
    index: dict[str, int] = field(default_factory=dict)

    def __len__(self):
        return len(self.codes)

    def units(self, level: str) -> np.ndarray:
        """The unit code of every obec at `level` (obec / orp / okres / kraj)."""
        return {Level.MUNICIPALITY: self.codes, Level.ORP: self.orp, Level.DISTRICT: self.district,
                Level.REGION: self.region}[level]

    def demand(self, band: str, factor: float = 1.0) -> DemandPoints:
        return DemandPoints(codes=self.codes, population=self.population[band] * factor, lat=self.lat, lon=self.lon)


def _population(codes: list[str]) -> tuple[dict, dict, dict, date | None]:
    wanted = set(codes)
    rows = PopulationFigure.objects.filter(level=Level.MUNICIPALITY)
    if len(codes) < 2000:
        rows = rows.filter(unit_code__in=codes)
    rows = rows.values_list(
        "unit_code", "ref_date", "band", "value", "is_estimate", "source")
    by = defaultdict(dict)  # (code, band) → {date: (value, est)}
    source_of = defaultdict(set)
    dates = set()
    for code, ref, band, value, est, src in rows.iterator(chunk_size=5000):
        if code in wanted:
            by[(code, band)][ref] = (value, est)
            source_of[(band, ref)].add(src)
            dates.add(ref)
    n = len(codes)
    if not dates:
        return {b: np.zeros(n) for b in BANDS}, {b: False for b in BANDS}, {b: [] for b in BANDS}, None
    pop = {b: np.zeros(n) for b in BANDS}
    est = {b: False for b in BANDS}
    sources = {b: set() for b in BANDS}
    latest = None
    for i, code in enumerate(codes):
        totals = by.get((code, "total"), {})
        if not totals:
            continue
        ref = max(totals)  # each obec's latest total (a partial import must not zero the others)
        latest = ref if latest is None else max(latest, ref)
        total = totals[ref][0]
        for band in BANDS:
            figures = by.get((code, band), {})
            if ref in figures:
                value, e = figures[ref]
                pop[band][i] = value
                est[band] |= e
                sources[band] |= source_of[(band, ref)]
                continue
            earlier = [d for d in figures if d < ref and totals.get(d, (0,))[0] > 0]
            if earlier:
                d = max(earlier)
                pop[band][i] = total * figures[d][0] / totals[d][0]
                est[band] = True
                sources[band].add(f"odhad: podíl skupiny k {d:%d. %m. %Y} × obyvatelé k {ref:%d. %m. %Y}")
    return pop, est, {b: sorted(s) for b, s in sources.items()}, latest


def _load_territory(scope: str) -> TerritoryFrame:
    qs = Municipality.objects.all()
    if scope != COUNTRY:
        qs = qs.filter(region__code=scope)
    rows = list(qs.order_by("code").values_list("code", "name", "lat", "lon", "orp__code", "district__code",
                                                "region__code"))
    if not rows:
        raise LookupError(f"no obce for {scope}")
    codes = [r[0] for r in rows]
    pop, est, sources, ref = _population(codes)
    orp_codes = {r[4] for r in rows}
    district_codes = {r[5] for r in rows}
    region_codes = {r[6] for r in rows}
    unit_names = {
        Level.MUNICIPALITY: {r[0]: r[1] for r in rows},
        Level.ORP: dict(Orp.objects.filter(code__in=orp_codes).values_list("code", "name")),
        Level.DISTRICT: dict(District.objects.filter(code__in=district_codes).values_list("code", "name")),
        Level.REGION: dict(Region.objects.filter(code__in=region_codes).values_list("code", "name")),
    }
    scope_name = "Česká republika" if scope == COUNTRY else unit_names[Level.REGION].get(scope, scope)
    obj = lambda k: np.array([r[k] for r in rows], dtype=object)  # noqa: E731
    return TerritoryFrame(
        scope=scope, scope_name=scope_name, codes=obj(0), names=obj(1),
        lat=np.array([r[2] if r[2] is not None else np.nan for r in rows], dtype=float),
        lon=np.array([r[3] if r[3] is not None else np.nan for r in rows], dtype=float),
        orp=obj(4), district=obj(5), region=obj(6), population=pop, estimated=est, sources=sources,
        ref_date=ref, unit_names=unit_names, index={c: i for i, c in enumerate(codes)},
    )


def territory(scope: str, version: str | None = None) -> TerritoryFrame:
    version = version or data_version()
    return cached(("territory", scope, version), lambda: _load_territory(scope))


# --- registry snapshot --------------------------------------------------------------------------------------------

@dataclass
class ServiceRec:
    pk: int
    name: str
    kind: str
    provider: str
    valid_from: date | None
    valid_to: date | None
    capacity: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))  # form → type → n
    facilities: list = field(default_factory=list)  # (pk, name, obec code, lat, lon, from, to)
    areas: list = field(default_factory=list)  # ("orp"|"obec", code, share or None)

    def active(self, year: int) -> bool:
        return _active(self.valid_from, self.valid_to, year)


def _active(valid_from, valid_to, year: int) -> bool:
    return (valid_from is None or valid_from <= date(year, 12, 31)) and (valid_to is None or valid_to >= date(year, 1, 1))


@dataclass(frozen=True, eq=False)
class RegistrySnapshot:
    scope: str
    services: dict[int, ServiceRec]
    obec_points: dict[str, tuple[float, float]]  # obec code → (lat, lon) for facilities placed at their obec
    orp_obce: dict[str, list[str]]  # ORP code → its obce (all of the country; reach may cross a kraj border)
    _capacities: dict = field(default_factory=dict, repr=False)  # year → {service pk: ServiceCapacity}

    def kinds(self) -> set[str]:
        return {s.kind for s in self.services.values()}

    def capacities(self, year: int) -> dict[int, ServiceCapacity]:
        """The capacity of every service of the snapshot in `year` (registry selectors; loaded once per year –
        the snapshot itself is rebuilt when the data version, which includes the stated figures, changes)."""
        year = int(year)
        if year not in self._capacities:
            region = None
            if self.scope != COUNTRY:
                region = Region.objects.defer("boundary").filter(code=self.scope).first()
            self._capacities[year] = service_capacities(None, year, region=region)
        return self._capacities[year]


def _load_snapshot(scope: str) -> RegistrySnapshot:
    services = Service.objects.all()
    if scope != COUNTRY:
        services = services.filter(region__code=scope)
    recs = {}
    for pk, name, kind, provider, vf, vt in services.values_list(
            "pk", "name", "kind__code", "provider__name", "valid_from", "valid_to").iterator(chunk_size=2000):
        recs[pk] = ServiceRec(pk, name, kind, provider, vf, vt)
    ids = list(recs)
    caps = Capacity.objects.filter(service_form__service__in=services).values_list(
        "service_form__service_id", "service_form__form__code", "capacity_type__code", "count")
    for sid, form, ctype, count in caps.iterator(chunk_size=5000):
        if sid in recs:
            recs[sid].capacity[form][ctype] += count
    facs = Facility.objects.filter(service__in=services).order_by("service_id", "pk").values_list(
        "service_id", "pk", "name", "municipality__code", "lat", "lon", "valid_from", "valid_to")
    muni_codes = set()
    for sid, pk, name, muni, lat, lon, vf, vt in facs.iterator(chunk_size=5000):
        if sid in recs:
            recs[sid].facilities.append((pk, name, muni, lat, lon, vf, vt))
            if muni:
                muni_codes.add(muni)
    areas = ServiceArea.objects.filter(service__in=services).order_by("service_id", "pk").values_list(
        "service_id", "orp__code", "municipality__code", "share")
    orp_codes = set()
    for sid, orp, muni, share in areas.iterator(chunk_size=5000):
        if sid in recs:
            if orp:
                recs[sid].areas.append(("orp", orp, None if share is None else float(share)))
                orp_codes.add(orp)
            elif muni:
                recs[sid].areas.append(("obec", muni, None if share is None else float(share)))
                muni_codes.add(muni)
    points = {c: (lat, lon) for c, lat, lon in Municipality.objects.filter(code__in=muni_codes)
              .values_list("code", "lat", "lon")}
    orp_obce = defaultdict(list)
    for code, orp in Municipality.objects.filter(orp__code__in=orp_codes).order_by("code").values_list(
            "code", "orp__code"):
        orp_obce[orp].append(code)
    del ids
    return RegistrySnapshot(scope=scope, services=recs, obec_points=points, orp_obce=dict(orp_obce))


def snapshot(scope: str, version: str | None = None) -> RegistrySnapshot:
    version = version or data_version()
    return cached(("registry", scope, version), lambda: _load_snapshot(scope))


def kind_unit(snap: RegistrySnapshot, kind: str, target_type: str | None = None) -> str | None:
    """The capacity type in which a kind is counted (see the module docstring)."""
    if target_type:
        return target_type
    votes = Counter()
    for s in snap.services.values():
        if s.kind == kind:
            types = {t for by_type in s.capacity.values() for t, n in by_type.items()}
            votes.update(types)
    if not votes:
        order = dict(CapacityType.objects.values_list("code", "order"))
        return min(order, key=order.get) if order else None
    order = dict(CapacityType.objects.values_list("code", "order"))
    return sorted(votes, key=lambda t: (-votes[t], order.get(t, 99), t))[0]


def kind_band(kind: str, target_band: str | None = None) -> str:
    return target_band or DEFAULT_BAND.get(kind, "total")


# --- supply of one kind -------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Supply:
    """Capacity of one kind in one unit for one year: point parts (at facilities) and field parts (reach)."""

    kind: str
    unit: str | None
    year: int
    # point parts: one row per facility
    p_id: np.ndarray
    p_service: np.ndarray
    p_name: np.ndarray
    p_obec: np.ndarray
    p_lat: np.ndarray
    p_lon: np.ndarray
    p_capacity: np.ndarray
    p_at_obec_point: np.ndarray  # bool: the facility had no point of its own
    # field parts: one row per service with field capacity
    f_id: np.ndarray
    f_service: np.ndarray
    f_name: np.ndarray
    f_obec: np.ndarray  # a representative obec (the first facility's, else the first reach obec)
    f_capacity: np.ndarray
    f_reach: list  # per row: (obec codes, weights summing to 1) — weights for allocation to obce
    registered_total: float  # Σ capacity in `unit` of the services counted
    unplaced: float  # capacity with no facility and no scope (cannot be placed)
    services_without_unit: int  # active services of the kind whose capacity is not counted in `unit`
    n_services: int
    used: dict = field(default_factory=dict)  # service pk → the capacity counted for it (placed or not)

    @property
    def total_placed(self) -> float:
        return float(self.p_capacity.sum() + self.f_capacity.sum())


def _area_weights(rec: ServiceRec, snap: RegistrySnapshot, frame: TerritoryFrame, band: str):
    """Obce and weights (summing to 1) over which a field part is spread."""
    areas = rec.areas
    if not areas:
        codes = sorted({f[2] for f in rec.facilities if f[2]})
        if not codes:
            return [], np.zeros(0)
        return codes, np.full(len(codes), 1.0 / len(codes))
    shares = np.array([a[2] if a[2] is not None else np.nan for a in areas], dtype=float)
    if np.isnan(shares).all() or np.nansum(shares) <= 0:
        shares = np.ones(len(areas))
    else:
        known = np.nansum(shares)
        missing = np.isnan(shares)
        if missing.any():  # missing shares split what is left (or equally, when nothing is left)
            rest = max(100.0 - known, 0.0)
            shares[missing] = rest / missing.sum() if rest > 0 else known / len(shares)
    shares = shares / shares.sum()
    out_codes, out_w = [], []
    pop = frame.population.get(band)
    for (level, code, _share), w in zip(areas, shares, strict=True):
        if level == "obec":
            out_codes.append(code)
            out_w.append(w)
            continue
        obce = snap.orp_obce.get(code, [])
        if not obce:
            continue
        inside = [frame.index.get(c) for c in obce]
        weights = np.array([pop[i] if (i is not None and pop is not None) else 0.0 for i in inside], dtype=float)
        if weights.sum() <= 0:
            weights = np.ones(len(obce))
        weights = weights / weights.sum()
        out_codes.extend(obce)
        out_w.extend(w * weights)
    if not out_codes:
        return [], np.zeros(0)
    # merge repeated obce
    merged = defaultdict(float)
    for c, w in zip(out_codes, out_w, strict=True):
        merged[c] += w
    codes = sorted(merged)
    weights = np.array([merged[c] for c in codes])
    return codes, weights / weights.sum()


def supply(snap: RegistrySnapshot, frame: TerritoryFrame, *, kind: str, unit: str | None, year: int, band: str,
           network: dict[int, float] | None = None, closed: Iterable[int] = ()) -> Supply:
    """Capacity of `kind` in `unit` for `year`: each service's capacity of the year (``snap.capacities``,
    counted when its unit is `unit`), spread over its registered parts in the unit (no registered capacity in
    the unit: all of it at the facilities, or over the scope for a field-only service). `network` (service pk →
    capacity in a network version) replaces the year's capacity; `closed` services are left out."""
    closed = set(closed)
    capacities = snap.capacities(year) if network is None else {}
    p_rows, f_rows = [], []
    total = unplaced = 0.0
    without_unit = n_services = 0
    used: dict[int, float] = {}
    for rec in sorted(snap.services.values(), key=lambda s: s.pk):
        if rec.kind != kind or not rec.active(year) or rec.pk in closed:
            continue
        n_services += 1
        field_cap = float(rec.capacity.get(FIELD_FORM, {}).get(unit, 0))
        point_cap = float(sum(by_type.get(unit, 0) for form, by_type in rec.capacity.items() if form != FIELD_FORM))
        if network is not None:
            target = float(network.get(rec.pk, 0.0))
            in_unit = target > 0 or any(unit in by_type for by_type in rec.capacity.values())
        else:
            c = capacities.get(rec.pk)
            in_unit = c is not None and c.capacity_type == unit
            target = float(c.capacity) if in_unit else 0.0
        registered = field_cap + point_cap
        if registered > 0:
            field_cap, point_cap = field_cap * target / registered, point_cap * target / registered
        elif rec.facilities or FIELD_FORM not in rec.capacity:
            field_cap, point_cap = 0.0, target
        else:
            field_cap, point_cap = target, 0.0
        if field_cap + point_cap == 0:
            if not in_unit:
                without_unit += 1
            continue
        total += field_cap + point_cap
        used[rec.pk] = field_cap + point_cap
        facilities = [f for f in rec.facilities if _active(f[5], f[6], year)] or rec.facilities
        if point_cap:
            placed = []
            for pk, name, obec, lat, lon, _vf, _vt in facilities:
                at_obec = lat is None or lon is None
                if at_obec:
                    lat, lon = snap.obec_points.get(obec, (None, None)) if obec else (None, None)
                if lat is None or lon is None:
                    continue
                placed.append((pk, name, obec, lat, lon, at_obec))
            if placed:
                share = point_cap / len(placed)
                for pk, name, obec, lat, lon, at_obec in placed:
                    p_rows.append((f"facility-{pk}", rec.pk, name, obec, lat, lon, share, at_obec))
            else:
                # no facility point: treat as a field part over the service's scope when it has one
                field_cap += point_cap
        if field_cap:
            codes, weights = _area_weights(rec, snap, frame, band)
            if not codes:
                unplaced += field_cap
                continue
            rep = next((f[2] for f in facilities if f[2]), codes[0])
            f_rows.append((f"service-{rec.pk}-field", rec.pk, rec.name, rep, field_cap, (codes, weights)))

    def col(rows, k, dtype):
        return np.array([r[k] for r in rows], dtype=dtype) if rows else np.zeros(0, dtype=dtype)

    return Supply(
        kind=kind, unit=unit, year=year,
        p_id=col(p_rows, 0, object), p_service=col(p_rows, 1, np.int64), p_name=col(p_rows, 2, object),
        p_obec=col(p_rows, 3, object), p_lat=col(p_rows, 4, float), p_lon=col(p_rows, 5, float),
        p_capacity=col(p_rows, 6, float), p_at_obec_point=col(p_rows, 7, bool),
        f_id=col(f_rows, 0, object), f_service=col(f_rows, 1, np.int64), f_name=col(f_rows, 2, object),
        f_obec=col(f_rows, 3, object), f_capacity=col(f_rows, 4, float), f_reach=[r[5] for r in f_rows],
        registered_total=total, unplaced=unplaced, services_without_unit=without_unit, n_services=n_services,
        used=used,
    )


def capacity_by_obec(sup: Supply, frame: TerritoryFrame) -> tuple[np.ndarray, float]:
    """Capacity allocated to each obec of the frame, and the part that falls outside the frame."""
    out = np.zeros(len(frame))
    outside = 0.0
    idx = np.array([frame.index.get(c, -1) if c is not None else -1 for c in sup.p_obec], dtype=np.int64)
    inside = idx >= 0
    np.add.at(out, idx[inside], sup.p_capacity[inside])
    outside += float(sup.p_capacity[~inside].sum())
    for cap, (codes, weights) in zip(sup.f_capacity, sup.f_reach, strict=True):
        ridx = np.array([frame.index.get(c, -1) for c in codes], dtype=np.int64)
        ok = ridx >= 0
        np.add.at(out, ridx[ok], cap * weights[ok])
        outside += float(cap * weights[~ok].sum())
    return out, outside


# --- network -----------------------------------------------------------------------------------------------------

def network_capacity(region, year: int, unit: str | None) -> dict[int, float] | None:
    """Per service: its capacity in the kraj's current network version of the year (the latest approved one,
    else the draft), counted in `unit`; None when the kraj has no network version for the year.

    Entries in another unit (or without one) add nothing. For an approved version this equals the capacity the
    network states for the year (``registry.ServiceYearCapacity``), which the supply reads anyway.
    """
    entries = network_entries(region, year)
    if not entries:
        return None
    in_network: dict[int, float] = defaultdict(float)
    for e in entries:
        in_network[e.service_id] += float(e.capacity) if e.capacity_type == unit else 0.0
    return dict(in_network)


# --- accessibility structures -------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Structure:
    """Cost structure (obce as demand; obce + facility points as sites) and reach rows for every field service."""

    costs: CostStructure
    site_of_point: dict  # (lat, lon) → site index (distance mode); obec code → site (travel-time mode)
    field_row: dict  # service pk → reach row
    reach: object  # sparse (n_field × n_obce) or None
    mode: str  # "km" or "min"
    models: dict = field(default_factory=dict)

    def model(self, decay) -> AccessibilityModel:
        m = self.models.get(decay)
        if m is None:
            m = self.models[decay] = AccessibilityModel(self.costs, decay, reach=self.reach)
        return m


def _reach(snap: RegistrySnapshot, frame: TerritoryFrame):
    rows, cols, field_row = [], [], {}
    for rec in sorted(snap.services.values(), key=lambda s: s.pk):
        codes, _w = _area_weights(rec, snap, frame, "total")
        idx = [frame.index[c] for c in codes if c in frame.index]
        if not idx:
            continue
        r = len(field_row)
        field_row[rec.pk] = r
        rows.extend([r] * len(idx))
        cols.extend(idx)
    if not field_row:
        return {}, None
    return field_row, reach_matrix(len(frame), np.array(rows), np.array(cols), n_services=len(field_row))


def _point_key(lat: float, lon: float) -> tuple[float, float]:
    """Facilities at exactly the same point share one site (their capacities add up, docs §3)."""
    return (float(lat), float(lon))


def _build_structure(snap: RegistrySnapshot, frame: TerritoryFrame, radius_km: float) -> Structure:
    if np.isnan(frame.lat).any() or np.isnan(frame.lon).any():
        raise ValueError("every obec needs a point")
    points = set()
    for rec in snap.services.values():
        for _pk, _name, obec, lat, lon, _vf, _vt in rec.facilities:
            if lat is None or lon is None:
                lat, lon = snap.obec_points.get(obec, (None, None)) if obec else (None, None)
            if lat is not None and lon is not None:
                points.add(_point_key(lat, lon))
    pts = sorted(points)
    site_ids = [f"site:{la!r},{lo!r}" for la, lo in pts]
    costs = build_distance_costs(
        frame.codes, frame.lat, frame.lon, site_ids, [p[0] for p in pts], [p[1] for p in pts],
        cutoff_km=radius_km, include_obec_sites=True,
    )
    n = len(frame)
    site_of_point = {p: n + i for i, p in enumerate(pts)}
    field_row, reach = _reach(snap, frame)
    return Structure(costs=costs, site_of_point=site_of_point, field_row=field_row, reach=reach, mode="km")


def _build_matrix_structure(snap: RegistrySnapshot, frame: TerritoryFrame, matrix, cutoff_min: float) -> Structure:
    import gzip
    import io

    import pandas as pd

    text = gzip.decompress(bytes(matrix.data)).decode("utf-8")
    df = pd.read_csv(io.StringIO(text), dtype={"origin": str, "destination": str})
    inside = set(frame.codes.tolist())
    df = df[df["origin"].isin(inside) & df["destination"].isin(inside)]
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    buf.seek(0)
    costs = load_travel_time_csv(buf, frame.codes.tolist(), cutoff_min=cutoff_min)
    field_row, reach = _reach(snap, frame)
    return Structure(costs=costs, site_of_point={c: i for i, c in enumerate(frame.codes)}, field_row=field_row,
                     reach=reach, mode="min")


def structure(scope: str, radius: float, *, matrix=None, version: str | None = None) -> Structure:
    """The cached cost structure of a kraj or of the country (built once per data version and radius)."""
    version = version or data_version()
    frame = territory(scope, version)
    snap = snapshot(scope, version)
    if matrix is None:
        return cached(("structure", scope, float(radius), version),
                      lambda: _build_structure(snap, frame, float(radius)))
    return cached(("matrix", scope, matrix.pk, matrix.sha256, float(radius), version),
                  lambda: _build_matrix_structure(snap, frame, matrix, float(radius)))


METHODS = ("2sfca", "e2sfca", "bfca")


def decay_for(method: str, radius: float, sigma: float | None = None):
    """2SFCA: no decay. E2SFCA: gaussian decay with σ = radius / 2 unless given. BFCA: the E2SFCA weights, each
    obec's row normalised (docs/availability.md)."""
    if method == "2sfca":
        return NO_DECAY
    if method == "e2sfca":
        return GaussianDecay(float(sigma) if sigma else float(radius) / 2.0)
    if method == "bfca":
        return Balanced(GaussianDecay(float(sigma) if sigma else float(radius) / 2.0))
    raise ValueError(f"unknown method {method!r} (2sfca, e2sfca or bfca)")


def facilities_for(struct: Structure, sup: Supply, frame: TerritoryFrame) -> tuple[Facilities, dict]:
    """The engine's supply points for one kind; returns (facilities, counts of what could not be used)."""
    ids, kinds, caps, site, fld, obec, lat, lon = [], [], [], [], [], [], [], []
    dropped = {"points": 0, "field": 0, "capacity": 0.0}
    for i in range(len(sup.p_id)):
        if struct.mode == "km":
            s = struct.site_of_point.get(_point_key(sup.p_lat[i], sup.p_lon[i]))
        else:
            s = struct.site_of_point.get(sup.p_obec[i])
        if s is None:
            dropped["points"] += 1
            dropped["capacity"] += float(sup.p_capacity[i])
            continue
        if sup.p_capacity[i] <= 0:
            continue
        ids.append(sup.p_id[i])
        kinds.append(sup.kind)
        caps.append(sup.p_capacity[i])
        site.append(s)
        fld.append(-1)
        obec.append(sup.p_obec[i])
        lat.append(sup.p_lat[i])
        lon.append(sup.p_lon[i])
    for i in range(len(sup.f_id)):
        row = struct.field_row.get(int(sup.f_service[i]))
        if row is None:
            dropped["field"] += 1
            dropped["capacity"] += float(sup.f_capacity[i])
            continue
        if sup.f_capacity[i] <= 0:
            continue
        ids.append(sup.f_id[i])
        kinds.append(sup.kind)
        caps.append(sup.f_capacity[i])
        site.append(-1)
        fld.append(row)
        obec.append(sup.f_obec[i])
        lat.append(np.nan)
        lon.append(np.nan)
    fac = Facilities.build(ids=ids, kind=kinds, capacity=caps, site=site, field=fld, obec=obec, lat=lat, lon=lon)
    return fac, dropped
