"""From the database to the framework-free engine: yearly parameters and the network frame.

* :func:`engine_params` turns a stored :class:`~socplan.finance.models.FinanceParams` (with its rates) into the
  engine's ``FinanceParams``; the kinds come from the registry code list (so a 34th kind is just a row).
* :func:`network_frame` builds the engine's input frame, one row per network entry, with a few bulk queries
  (``version=`` reads another version of the year than the current one):

  - from ``socplan.network.selectors.network_entries(region, year)`` when the network module has a network
    for the year (entries of tiers marked *not funded*, e.g. a reserve list, are left out);
  - otherwise from the registry services of the kraj active in the year, with their staffing (direct-care FTE)
    and their capacity of the year (the demo's synthetic staffing) — every page says so.

  Capacity: a row from the network carries its entry's capacity and unit (for an approved version these add
  up to the figure the network states for the year, ``registry.ServiceYearCapacity``, which evaluation and
  availability read too; a draft version's rows carry the draft's figures, which nobody else reads until the
  version is approved). A row from the registry carries ``socplan.registry.selectors.service_capacities``: the
  service's main form and the capacity of that form in its unit — the same figure evaluation and availability
  use. ``beds`` is that capacity for the bed groups (C/D), ``users`` for the other groups when it is counted
  in clients.

  Each row: ``service_id`` (the entry key: the registry service pk, ``"<pk>/<form>"`` when the network splits a
  service into parts), ``entry_id`` (the network entry's pk; None for a registry row), ``service_pk``,
  ``part``, ``name``, ``provider``, ``provider_id``, ``kind``, ``form``
  (A/T/P), ``group``, ``fte``, ``beds``, ``users``, ``capacity`` and ``capacity_type`` (the capacity the
  row is computed with and its unit code), ``tier`` (0 = first funded tier), ``tier_label``,
  ``district``/``district_code``, ``orp``/``orp_code`` (the ORP with the largest declared share of the
  service's scope; ties: lowest code), ``target_group`` (the JMK planning group most of the service's target
  groups belong to; ties: the lower group number).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
from django.db.models import Q
from django.utils.translation import gettext as _

from socplan.network.selectors import current_version, network_entries
from socplan.registry.models import (
    PlanningGroup,
    Service,
    ServiceArea,
    ServiceKind,
    ServiceTargetGroup,
    Staffing,
)
from socplan.registry.selectors import service_capacities
from socplan.territory.models import Orp

from . import engine
from .engine.params import Category, Form, Group, Kind, Rate
from .models import FinanceParams, FinanceRate

FORM_CODE = {"amb": Form.OUTPATIENT.value, "ter": Form.FIELD.value, "pob": Form.RESIDENTIAL.value}
BED_GROUPS = ("C", "D")
NO_TARGET_GROUP = "neuvedena"


# --- parameters ---------------------------------------------------------------------------------------------

def engine_kinds() -> dict[str, Kind]:
    """The registry's kinds as engine ``Kind`` objects (code, name, category, allowed forms)."""
    out = {}
    for k in ServiceKind.objects.prefetch_related("allowed_forms").order_by("order", "code"):
        forms = tuple(Form(FORM_CODE[f.code]) for f in k.allowed_forms.all() if f.code in FORM_CODE)
        out[k.code] = Kind(k.code, k.name, Category(k.category), forms or (Form.OUTPATIENT,))
    return out


def engine_params(p: FinanceParams, rates: list[FinanceRate] | None = None,
                  kinds: dict[str, Kind] | None = None) -> engine.FinanceParams:
    """The engine's parameters of a stored parameter set."""
    rates = rates if rates is not None else list(p.rates.select_related("kind"))
    kinds = kinds if kinds is not None else engine_kinds()
    return engine.FinanceParams(
        region=p.region.code,
        year=p.year,
        kinds=kinds,
        rates={(r.kind.code, Group(r.group)): Rate(r.normative, r.occupancy, r.user_fee, r.health_insurance)
               for r in rates},
        region_cofinancing={Group(g): getattr(p, f) for g, f in FinanceParams.GROUP_FIELDS.items()},
        source_shares={engine.Source(s): getattr(p, f) for s, f in FinanceParams.SOURCE_FIELDS.items()},
        months=p.months,
        days=p.days,
        illustrative=p.illustrative,
        note=p.note,
    )


def group_for(kind: ServiceKind, form_code: str, overrides: dict | None = None) -> str:
    """Financing group of a kind in a form: the parameters' override, else the registry's group."""
    key = f"{kind.code}:{form_code}"
    if overrides and key in overrides:
        return overrides[key]
    return kind.group_for_form(form_code)


# --- network frame ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Svc:
    pk: int
    name: str
    provider_id: int
    provider_name: str
    kind: ServiceKind


@dataclass
class NetworkFrame:
    frame: pd.DataFrame
    source: str  # "network" | "registry"
    note: str
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (label, reason)
    version: object = None  # the network version whose entries the frame holds (None: the registry's rows)

    @property
    def empty(self) -> bool:
        return self.frame.empty


COLUMNS = ["service_id", "entry_id", "service_pk", "part", "name", "provider", "provider_id", "kind", "form", "group",
           "fte", "beds", "users", "tier", "tier_label", "district", "district_code", "orp", "orp_code", "target_group",
           "capacity", "capacity_type"]


def _region(region):
    from socplan.territory.models import Region

    return region if isinstance(region, Region) else Region.objects.defer("boundary").get(code=region)


def _network_entries(region, year: int, version):
    return network_entries(region, year, version=version) if version is not None else []


_CACHE: ContextVar[dict | None] = ContextVar("finance_frame_cache", default=None)


@contextmanager
def frame_cache():
    """Within the block, network frames are built once per (kraj, year, group overrides) – for work that reads
    the same network many times without changing it (the demo loader, one page)."""
    token = _CACHE.set({}) if _CACHE.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _CACHE.reset(token)


def network_frame(region, year: int, *, overrides: dict | None = None,
                  rated: set[tuple[str, str]] | None = None, version=None) -> NetworkFrame:
    """The engine frame of the kraj's network in ``year`` (see the module docstring).

    ``rated`` – the (kind, group) pairs that have a normative; rows without one are skipped (and listed).
    ``version`` – a network version of the year other than the current one (its entries, never the registry).
    The frame's ``version`` is the version it was read from (the current one is looked up here, once).
    """
    region = _region(region)
    cache = _CACHE.get()
    key = (region.pk, int(year), tuple(sorted((overrides or {}).items())), version.pk if version is not None else None)
    if cache is not None and key in cache:
        base = cache[key]
        nf = NetworkFrame(base.frame.copy(), base.source, base.note, list(base.skipped), base.version)
    else:
        read = version if version is not None else current_version(region, year)
        entries = _network_entries(region, year, read)
        if entries or version is not None:
            nf = _from_network(region, year, entries, overrides)
            nf.version = read
        else:
            nf = _from_registry(region, year, overrides)
        if cache is not None:
            cache[key] = NetworkFrame(nf.frame.copy(), nf.source, nf.note, list(nf.skipped), nf.version)
    if rated is not None and not nf.frame.empty:
        keep = [(k, g) in rated for k, g in zip(nf.frame["kind"], nf.frame["group"], strict=True)]
        for _i, row in nf.frame[[not k for k in keep]].iterrows():
            nf.skipped.append((_("%(name)s (§ %(kind)s, skupina %(group)s)") % {
                "name": row["name"], "kind": row["kind"], "group": row["group"]},
                _("pro druh a skupinu chybí normativ v parametrech financování")))
        nf.frame = nf.frame[keep].reset_index(drop=True)
    return nf


def _from_network(region, year: int, entries, overrides) -> NetworkFrame:
    funded = [e for e in entries if e.tier_funded]
    skipped = [(_("položka sítě %(id)s") % {"id": e.entry_id}, _("úroveň sítě není financována"))
               for e in entries if not e.tier_funded]
    sids = {e.service_id for e in funded}
    services = _services(Service.objects.filter(pk__in=sids))
    orders = sorted({e.tier_order for e in funded})
    tier_index = {o: i for i, o in enumerate(orders)}
    counts = Counter(e.service_id for e in funded)
    extra = _enrichment(region, sids)
    rows, used = [], set()
    for e in funded:
        s = services[e.service_id]
        form = e.form_code
        if form not in FORM_CODE:
            skipped.append((s.name, _("služba nemá formu poskytování")))
            continue
        group = group_for(s.kind, form, overrides)
        key = str(s.pk) if counts[s.pk] == 1 else f"{s.pk}/{form}"
        if key in used:
            key = f"{s.pk}/{form}/{e.entry_id}"
        used.add(key)
        bed = group in BED_GROUPS
        orp_code = _main_orp(extra["shares"].get(s.pk, {}), e.orp_codes, extra["orps"])
        rows.append(_row(
            key, s, part=key.partition("/")[2], form=form, group=group,
            fte=Decimal(0) if bed else Decimal(e.fte), beds=e.capacity if bed else 0,
            users=e.capacity if (not bed and e.capacity_type == "klient") else 0,
            capacity=e.capacity, capacity_type=e.capacity_type,
            tier=tier_index[e.tier_order], tier_label=e.tier_code, orp_code=orp_code, extra=extra,
            entry_id=e.entry_id))
    note = f"Položky sítě sociálních služeb kraje na rok {year} (modul Síť služeb)."
    return NetworkFrame(_frame(rows), "network", note, skipped)


def _services(qs) -> dict[int, _Svc]:
    kinds = {k.pk: k for k in ServiceKind.objects.all()}
    return {pk: _Svc(pk, name, provider_id, provider, kinds[kind_id]) for pk, name, provider_id, provider, kind_id in
            qs.values_list("pk", "name", "provider_id", "provider__name", "kind_id")}


def _from_registry(region, year: int, overrides) -> NetworkFrame:
    start, end = date(year, 1, 1), date(year, 12, 31)
    qs = (Service.objects.filter(region=region)
          .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
          .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start)).order_by("pk"))
    services = _services(qs)
    sids = qs.values("pk")
    caps = service_capacities(list(services), year)  # main form and capacity: the rule every module reads
    fte = {}
    for sid, _y, value in Staffing.objects.filter(service_id__in=sids, year__lte=year).values_list(
            "service_id", "year", "fte_direct").order_by("service_id", "year"):
        fte[sid] = value  # the latest year up to `year` wins
    extra = _enrichment(region, sids)
    rows, skipped = [], []
    for sid, s in services.items():
        c = caps[sid]
        form = c.form
        if form is None:
            skipped.append((s.name, _("služba nemá formu poskytování")))
            continue
        group = group_for(s.kind, form, overrides)
        bed = group in BED_GROUPS
        beds = users = 0
        if bed:
            beds = c.capacity
            if not beds:
                skipped.append((s.name, _("pobytová služba bez registrované kapacity lůžek")))
                continue
        else:
            users = c.capacity if c.capacity_type == "klient" else 0
            if sid not in fte:
                skipped.append((s.name, _("chybí personální zajištění (úvazky v přímé péči) za rok %(year)s")
                                % {"year": str(year)}))
                continue
        orp_code = _main_orp(extra["shares"].get(sid, {}), (), extra["orps"])
        rows.append(_row(str(sid), s, part="", form=form, group=group, fte=Decimal(0) if bed else fte[sid],
                         beds=beds, users=users, capacity=c.capacity, capacity_type=c.capacity_type, tier=0,
                         tier_label="registr", orp_code=orp_code, extra=extra))
    note = (f"Modul Síť služeb zatím nemá síť kraje na rok {year}: položkami jsou registrované služby kraje "
            f"poskytované v roce {year} s úvazky v přímé péči a kapacitou z registru (v demu syntetické údaje).")
    return NetworkFrame(_frame(rows), "registry", note, skipped)


def _enrichment(region, sids) -> dict:
    """Scope shares, ORPs (with districts) and planning target groups of the services, in three queries."""
    shares: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for sid, code, share in ServiceArea.objects.filter(service_id__in=sids, orp__isnull=False).values_list(
            "service_id", "orp__code", "share"):
        shares[sid][code] = share if share is not None else Decimal(0)
    orps = {o.code: o for o in Orp.objects.select_related("district").only(
        "code", "name", "district__code", "district__name")}
    groups: dict[int, Counter] = defaultdict(Counter)
    for sid, pg in ServiceTargetGroup.objects.filter(service_id__in=sids, target_group__planning_group__isnull=False
                                                     ).values_list("service_id", "target_group__planning_group"):
        groups[sid][pg] += 1
    return {"shares": shares, "orps": orps, "groups": groups}


def _main_orp(shares: dict[str, Decimal], candidates, orps) -> str | None:
    pool = {c: shares.get(c, Decimal(0)) for c in candidates} if candidates else dict(shares)
    if not pool:
        return None
    best = max(pool.values())
    return min(c for c, v in pool.items() if v == best)


def _target_group(counter: Counter | None) -> str:
    if not counter:
        return NO_TARGET_GROUP
    best = max(counter.values())
    return str(PlanningGroup(min(g for g, n in counter.items() if n == best)).label)


def _row(key, s, *, part, form, group, fte, beds, users, capacity, capacity_type,
         tier, tier_label, orp_code, extra, entry_id=None) -> dict:
    orp = extra["orps"].get(orp_code) if orp_code else None
    return {
        "service_id": key, "entry_id": entry_id, "service_pk": s.pk, "part": part, "name": s.name,
        "provider": s.provider_name,
        "provider_id": s.provider_id, "kind": s.kind.code, "form": FORM_CODE[form], "group": group,
        "fte": Decimal(fte), "beds": int(beds), "users": int(users),
        "capacity": int(capacity), "capacity_type": capacity_type or "",
        "tier": int(tier), "tier_label": tier_label,
        "district": orp.district.name if orp else "–", "district_code": orp.district.code if orp else "",
        "orp": orp.name if orp else "–", "orp_code": orp.code if orp else "",
        "target_group": _target_group(extra["groups"].get(s.pk)),
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["beds"] = df["beds"].astype("int64")
    df["users"] = df["users"].astype("int64")
    df["capacity"] = df["capacity"].astype("int64")
    df["tier"] = df["tier"].astype("int64")
    return df
