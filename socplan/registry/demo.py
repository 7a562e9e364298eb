"""The Jihomoravský kraj demo: real registered services (senior-relevant RPSS subset shipped in
`data/mpsv_jmk_*.csv`) plus deterministic synthetic services so that all 33 kinds are present (~547 services,
as in the JMK 2015 plan), territorial scope for every service, and synthetic staffing and economics for the
demo year from `data/demo_params.csv` (documented in docs/registry.md). The other kraje get the national
extract of the registry (`national.py`, real services only). Idempotent; bulk inserts.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from socplan.core.models import Source
from socplan.core.money import czk, largest_remainder, to_decimal
from socplan.territory.models import Level, Municipality, Orp, PopulationFigure, Region

from .ico import ico_check_digit
from .models import (
    COST_FIELDS,
    Capacity,
    CapacityType,
    DeliveryForm,
    Economics,
    Facility,
    Provider,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceKind,
    ServiceTargetGroup,
    Staffing,
    TargetGroup,
)
from .mpsv_import.upsert import region_majority
from .national import national_extract_load
from .services import DATA_DIR, codelists_load

DEMO_YEAR = 2026  # the one place the demo year is set
DEMO_REGION = "CZ064"
DEMO_SEED = 20150547  # fixed: the demo is the same on every machine
REASON = "demo kraj"
VINTAGE = date(2026, 9, 3)  # MPSV data date of the shipped real records (data/README.md)
SYNTHETIC_PROVIDERS = 90
UNIT_CAP = 1.5
NON_PERSONNEL_SPLIT = {"cost_material": 35, "cost_energy": 20, "cost_services": 30, "cost_depreciation": 5,
                       "cost_other": 10}
FTE_PER_UNIT_FALLBACK = {"luzka": 0.45, "klient": 0.3, "kontakt": 0.12, "interv": 0.3, "hovor": 0.15}
LEGAL_SUFFIXES = [("z. ú.", "ustav"), ("o. p. s.", "ops"), ("z. s.", "spolek"), ("příspěvková organizace", "po")]


@dataclass
class KindParams:
    kind: str
    demo_count: int
    demo_name: str
    forms: list[str]
    cap_type: str
    cap_min: int
    cap_max: int
    fte_direct_per_unit: float
    fte_other_ratio: float
    personnel_cost_per_fte: int
    other_cost_share: float
    shares: dict[str, float]
    area_mode: str
    target_groups: list[str]


SHARE_FIELDS = {"fee_share": "revenue_user_fees", "health_share": "revenue_health_insurance",
                "state_share": "revenue_state_subsidy", "region_share": "revenue_region",
                "muni_share": "revenue_municipalities", "eu_share": "revenue_eu", "other_share": "revenue_other"}


def demo_params() -> dict[str, KindParams]:
    with open(DATA_DIR / "demo_params.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r["kind"]: KindParams(
        kind=r["kind"], demo_count=int(r["demo_count"]), demo_name=r["demo_name"],
        forms=r["forms"].split("|"), cap_type=r["cap_type"],
        cap_min=int(r["cap_min"]), cap_max=int(r["cap_max"]), fte_direct_per_unit=float(r["fte_direct_per_unit"]),
        fte_other_ratio=float(r["fte_other_ratio"]), personnel_cost_per_fte=int(r["personnel_cost_per_fte"]),
        other_cost_share=float(r["other_cost_share"]),
        shares={field: float(r[col]) for col, field in SHARE_FIELDS.items()},
        area_mode=r["area_mode"], target_groups=[t for t in r["target_groups"].split(";") if t],
    ) for r in rows}


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _rng(*key) -> random.Random:
    return random.Random(f"{DEMO_SEED}|" + "|".join(str(k) for k in key))


class _World:
    """Territory and code lists of the demo region, loaded once."""

    def __init__(self):
        self.region = Region.objects.get(code=DEMO_REGION)
        self.munis = {m.code: m for m in Municipality.objects.filter(region=self.region)}
        self.all_muni = dict(Municipality.objects.values_list("code", "pk"))
        self.muni_region = dict(Municipality.objects.values_list("code", "region_id"))
        self.orps = {o.pk: o for o in Orp.objects.filter(region=self.region)}
        pop = dict(PopulationFigure.objects.filter(level=Level.MUNICIPALITY, band="total", is_estimate=False,
                                                   unit_code__in=list(self.munis)).values_list("unit_code", "value"))
        self.muni_pop = {c: pop.get(c, 1) for c in self.munis}
        self.orp_pop = defaultdict(int)
        for c, m in self.munis.items():
            self.orp_pop[m.orp_id] += self.muni_pop[c]
        self.district_orps = defaultdict(list)
        for o in sorted(self.orps.values(), key=lambda o: o.code):
            self.district_orps[o.district_id].append(o.pk)
        self.kinds = {k.code: k for k in ServiceKind.objects.all()}
        self.kind_by_od = {k.mpsv_od_id: k for k in self.kinds.values() if k.mpsv_od_id}
        self.forms = {f.code: f.pk for f in DeliveryForm.objects.all()}
        self.cap_types = {c.code: c.pk for c in CapacityType.objects.all()}
        self.target_groups = {t.name: t.pk for t in TargetGroup.objects.all()}
        self.muni_codes_sorted = sorted(self.munis)


@transaction.atomic
def demo_region_load(*, actor=None, progress=None) -> dict[str, int]:
    """Build the demo region. Returns counts of what was created (all zero on a second run)."""
    step = progress or (lambda msg: None)
    codelists_load()
    world = _World()
    params = demo_params()
    counts = {"real": 0, "synthetic": 0, "staffing": 0, "economics": 0}
    kw = {"batch_size": 1000, "default_user": actor, "default_change_reason": REASON}

    step("skutečné služby z registru MPSV")
    counts["real"] = _load_real(world, params, kw)
    # the other kraje: the senior-relevant subset of the registry (national.py); not in `counts`, whose keys
    # describe the demo kraj
    national = national_extract_load(actor=actor)
    step(f"ostatní kraje: výběr registru MPSV pro seniory, nové služby {national['services']}")
    step("syntetické služby")
    if not Service.objects.filter(region=world.region, source=Source.SYNTHETIC).exists():
        counts["synthetic"] = _load_synthetic(world, params, kw)
    step(f"personální zajištění a hospodaření {DEMO_YEAR}")
    counts["staffing"], counts["economics"] = _load_year_data(world, params, kw)
    return counts


# --- real services -------------------------------------------------------------------------------------------

def _load_real(world: _World, params: dict[str, KindParams], kw) -> int:
    rows = _read("mpsv_jmk_sluzby.csv")
    places = defaultdict(list)
    for p in _read("mpsv_jmk_mista.csv"):
        if p["kodKraje"] == DEMO_REGION and p["kodObce"] in world.munis:
            places[p["sluzba_id"]].append(p)
    present = set(Service.objects.filter(registry_id__in=[int(r["sluzba_id"]) for r in rows])
                  .values_list("registry_id", flat=True))
    rows = [r for r in rows if int(r["sluzba_id"]) not in present and places[r["sluzba_id"]]]
    if not rows:
        return 0
    providers = _providers({r["poskytovatel_ico"]: r["poskytovatel_nazev"] for r in rows}, Source.MPSV, kw)
    services, children = [], []
    for r in rows:
        kind = world.kind_by_od[f"DruhSocialniSluzby/{r['druh_kod']}"]
        mplaces = sorted(places[r["sluzba_id"]], key=lambda p: p["misto_id"])
        regions = [world.muni_region[p["kodObce"]] for p in mplaces]
        services.append(Service(
            provider_id=providers[r["poskytovatel_ico"]], registry_id=int(r["sluzba_id"]),
            mpsv_uri=f"mpsv-{r['sluzba_id']}", name=r["nazev"][:255], kind=kind,
            valid_from=date.fromisoformat(r["datum_od"]) if r["datum_od"] else None,
            valid_to=date.fromisoformat(r["datum_do"]) if r["datum_do"] else None,
            region_id=region_majority(regions), source=Source.MPSV, verified_at=None,
        ))
        forms = defaultdict(list)
        for cap in r["kapacity"].split("|"):
            if cap:
                form, ctype, n = cap.split(":")
                forms[form].append((ctype, int(n)))
        for form in r["formy"].split("|"):
            forms.setdefault(form, [])
        facilities = []
        for p in mplaces:
            m = world.munis[p["kodObce"]]
            facilities.append(dict(
                name=f"{r['nazev']} – {p['obec']}"[:255] if len(mplaces) > 1 else r["nazev"][:255],
                address=p["obec"], address_point=int(p["kodAdresnihoMista"]) if p["kodAdresnihoMista"] else None,
                municipality_id=m.pk, lat=float(p["lat"]) if p["lat"] else None,
                lon=float(p["lng"]) if p["lng"] else None, valid_from=services[-1].valid_from,
                valid_to=services[-1].valid_to, source=Source.MPSV,
            ))
        orps = []
        for p in mplaces:
            orp = world.munis[p["kodObce"]].orp_id
            if orp not in orps:
                orps.append(orp)
        rng = _rng("real", r["sluzba_id"])
        children.append((forms, facilities, _areas(world, rng, params[kind.code].area_mode, orps),
                          params[kind.code].target_groups))
    _bulk_services(world, services, children, kw)
    return len(services)


def _providers(names: dict[str, str], source: str, kw, legal_forms: dict[str, str] | None = None) -> dict[str, int]:
    existing = dict(Provider.objects.filter(ico__in=list(names)).values_list("ico", "pk"))
    new = [Provider(ico=ico, name=name[:255], source=source, legal_form=(legal_forms or {}).get(ico, ""))
           for ico, name in sorted(names.items()) if ico not in existing]
    if new:
        bulk_create_with_history(new, Provider, **kw)
    return dict(Provider.objects.filter(ico__in=list(names)).values_list("ico", "pk"))


def _bulk_services(world: _World, services: list[Service], children, kw) -> None:
    services = bulk_create_with_history(services, Service, **kw)
    forms, form_caps, facilities, areas, tgs = [], [], [], [], []
    for s, (form_map, facs, area_list, groups) in zip(services, children, strict=True):
        for code in sorted(form_map, key=lambda c: ["amb", "ter", "pob"].index(c)):
            forms.append(ServiceForm(service_id=s.pk, form_id=world.forms[code], continuous=code == "pob",
                                     source=s.source))
            form_caps.append(form_map[code])
        facilities += [Facility(service_id=s.pk, **f) for f in facs]
        areas += [ServiceArea(service_id=s.pk, orp_id=orp, share=share, source=Source.SYNTHETIC)
                  for orp, share in area_list]
        tgs += [ServiceTargetGroup(service_id=s.pk, target_group_id=world.target_groups[g]) for g in groups]
    forms = bulk_create_with_history(forms, ServiceForm, **kw)
    caps = [Capacity(service_form_id=sf.pk, capacity_type_id=world.cap_types[t], count=n, source=sf.source)
            for sf, cs in zip(forms, form_caps, strict=True) for t, n in cs]
    bulk_create_with_history(caps, Capacity, **kw)
    bulk_create_with_history(facilities, Facility, **kw)
    bulk_create_with_history(areas, ServiceArea, **kw)
    bulk_create_with_history(tgs, ServiceTargetGroup, **kw)


def _areas(world: _World, rng: random.Random, mode: str, orps: list[int]) -> list[tuple[int, Decimal]]:
    """Declared scope: (ORP pk, share %) pairs, shares adding up to exactly 100 %."""
    main = orps[0]
    if mode == "region":
        units = sorted(world.orps, key=lambda pk: world.orps[pk].code)
        parts = largest_remainder(Decimal(10000), [world.orp_pop[u] for u in units])
        return [(u, p / 100) for u, p in zip(units, parts, strict=True)]
    extra = [o for o in orps[1:]]
    if mode == "district":
        neighbours = [o for o in world.district_orps[world.orps[main].district_id] if o != main and o not in extra]
        rng.shuffle(neighbours)
        extra += neighbours[: rng.randint(0, 2)]
    if not extra:
        return [(main, Decimal(100))]
    main_share = rng.randint(55, 85)
    rest = largest_remainder(Decimal(100 - main_share), [world.orp_pop[o] for o in extra])
    return [(main, Decimal(main_share))] + [(o, s) for o, s in zip(extra, rest, strict=True)]


# --- synthetic services --------------------------------------------------------------------------------------

def synthetic_ico(n: int) -> str:
    first7 = f"{9900000 + n:07d}"
    return first7 + str(ico_check_digit(first7))


def _load_synthetic(world: _World, params: dict[str, KindParams], kw) -> int:
    real_counts = defaultdict(int)
    for kind_code in Service.objects.filter(region=world.region).values_list("kind__code", flat=True):
        real_counts[kind_code] += 1
    rng_p = _rng("providers")
    names, legal = {}, {}
    for n in range(1, SYNTHETIC_PROVIDERS + 1):
        suffix, form = LEGAL_SUFFIXES[rng_p.randrange(len(LEGAL_SUFFIXES))]
        ico = synthetic_ico(n)
        names[ico] = f"Demo poskytovatel {n:02d}, {suffix}"
        legal[ico] = form
    providers = _providers(names, Source.SYNTHETIC, kw, legal)
    icos = sorted(providers)
    weights = [world.muni_pop[c] for c in world.muni_codes_sorted]
    services, children = [], []
    used_names: set[str] = set(Service.objects.filter(region=world.region).values_list("name", flat=True))
    for code, p in sorted(params.items(), key=lambda kv: world.kinds[kv[0]].order):
        kind = world.kinds[code]
        for i in range(max(0, p.demo_count - real_counts[code])):
            rng = _rng("synthetic", code, i)
            muni = world.munis[rng.choices(world.muni_codes_sorted, weights=weights)[0]]
            name = f"{p.demo_name} {muni.name}"
            base, k = name, 2
            while name in used_names:
                name = f"{base} {k}"
                k += 1
            used_names.add(name)
            start = date(2007, 1, 1) + timedelta(days=rng.randrange(16 * 365))
            cap = rng.randint(p.cap_min, p.cap_max)
            forms = {p.forms[0]: [(p.cap_type, cap)]}
            for extra in p.forms[1:]:
                if rng.random() < 0.5:
                    ctype = "klient" if p.cap_type == "luzka" else p.cap_type
                    forms[extra] = [(ctype, max(1, round(cap * rng.uniform(0.2, 0.5))))]
            lat = (muni.lat or 49.2) + rng.uniform(-0.004, 0.004)
            lon = (muni.lon or 16.6) + rng.uniform(-0.006, 0.006)
            services.append(Service(
                provider_id=providers[icos[rng.randrange(len(icos))]], name=name, kind=kind, valid_from=start,
                region=world.region, source=Source.SYNTHETIC,
            ))
            facility = dict(name=name, address=muni.name, municipality_id=muni.pk, lat=round(lat, 6),
                            lon=round(lon, 6), valid_from=start, source=Source.SYNTHETIC)
            children.append((forms, [facility], _areas(world, rng, p.area_mode, [muni.orp_id]), p.target_groups))
    _bulk_services(world, services, children, kw)
    return len(services)


# --- staffing and economics of the demo year ------------------------------------------------------------------

def _noise(rng: random.Random, spread: float) -> Decimal:
    return to_decimal(round(rng.uniform(1 - spread, 1 + spread), 4))


def _units(ctype: str, n: int, p: KindParams) -> float:
    return n if ctype == "luzka" else min(n, UNIT_CAP * p.cap_max)


def _load_year_data(world: _World, params: dict[str, KindParams], kw) -> tuple[int, int]:
    services = list(Service.objects.filter(region=world.region).exclude(staffing__year=DEMO_YEAR)
                    .select_related("kind").order_by("pk"))
    done_econ = set(Economics.objects.filter(service__region=world.region, year=DEMO_YEAR)
                    .values_list("service_id", flat=True))
    caps = defaultdict(list)
    for sid, ctype, count in Capacity.objects.filter(service_form__service__region=world.region).values_list(
            "service_form__service_id", "capacity_type__code", "count").order_by("pk"):
        caps[sid].append((ctype, count))
    staffing, economics = [], []
    for s in services:
        p = params.get(s.kind.code)
        if p is None:
            continue
        rng = _rng("year", DEMO_YEAR, s.kind.code, s.registry_id or s.identifier or s.name, s.valid_from)
        own = caps[s.pk]
        units = [(t, n) for t, n in own if t == p.cap_type]
        # Some registered non-bed capacities are counts per period (e.g. 2,976 interventions): the staffing
        # model uses at most UNIT_CAP × the kind's largest synthetic capacity for them (beds are taken as is).
        if units:
            fte_direct = _units(p.cap_type, sum(n for _t, n in units), p) * p.fte_direct_per_unit
        elif own:
            t, n = own[0]
            fte_direct = _units(t, n, p) * FTE_PER_UNIT_FALLBACK.get(t, 0.3)
        else:
            fte_direct = 2.0
        fte_direct = min(max(fte_direct * float(_noise(rng, 0.15)), 0.5), 150)
        fte_other = max(fte_direct * p.fte_other_ratio * float(_noise(rng, 0.2)), 0.1)
        d = to_decimal(round(fte_direct, 2))
        o = to_decimal(round(fte_other, 2))
        staffing.append(Staffing(service=s, year=DEMO_YEAR, fte_direct=d, fte_other=o, source=Source.SYNTHETIC))
        if s.pk in done_econ:
            continue
        personnel = czk((d + o) * p.personnel_cost_per_fte * _noise(rng, 0.08))
        non_personnel = czk(personnel * to_decimal(p.other_cost_share) * _noise(rng, 0.15))
        split = largest_remainder(non_personnel, list(NON_PERSONNEL_SPLIT.values()))
        values = {"cost_personnel": personnel, **dict(zip(NON_PERSONNEL_SPLIT, split, strict=True))}
        total = sum((values[f] for f in COST_FIELDS), Decimal(0))
        for field, share in p.shares.items():
            values[field] = czk(total * to_decimal(share) * _noise(rng, 0.1)) if share else Decimal(0)
        economics.append(Economics(service=s, year=DEMO_YEAR, source=Source.SYNTHETIC, **values))
    bulk_create_with_history(staffing, Staffing, **kw)
    bulk_create_with_history(economics, Economics, **kw)
    return len(staffing), len(economics)
