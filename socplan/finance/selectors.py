"""Reads of the finance module: the computation of a kraj's year, the financial chapter, the national view,
allocations, co-financing statements and provider reports — restricted to what the user may see when a user
is given.

``financial_chapter(region, year)`` is the contract with the planning documents (docs/financing.md §9): it
returns a :class:`FinancialChapter` (``title``, ``rows`` [{label, amount}] = the planned sources of the
network's optimised costs, ``total``, ``paragraphs``, ``note``, plus the full tables) or ``None`` when the kraj
has no financing parameters for the year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Sum
from django.utils.translation import gettext, gettext_noop

from socplan.accounts.models import Role
from socplan.accounts.scope import grants, is_region_staff, is_superuser, restrict
from socplan.core.money import czk, format_czk, largest_remainder
from socplan.territory.models import District, Level, Municipality, Orp, PopulationFigure, Region

from . import engine
from .adapter import NetworkFrame, engine_kinds, engine_params, network_frame
from .engine.chapter import SOURCE_COLUMNS, share_pct
from .engine.params import GROUP_LABEL, GROUP_UNIT, SOURCE_LABEL, UNIT_LABEL, Group
from .models import (
    AllocationMode,
    AllocationRow,
    AllocationRun,
    FinanceParams,
    ProviderBudget,
    Settlement,
    UnitReport,
)

ZERO = Decimal(0)
SOURCE_ORDER = ["state", "region", "municipalities", "users", "health_insurance", "other"]
AMOUNT_COLUMNS = ("optimised_cost", "user_fees", "health_insurance", "cofinancing", "optimal_support")


def _region(region) -> Region:
    if isinstance(region, Region):
        return region
    return Region.objects.defer("boundary").get(code=region)


# --- who may see what ---------------------------------------------------------------------------------------

region_staff = is_region_staff  # kraj staff of the kraj, or a superuser


def region_member(user, region) -> bool:
    """Any territorial role in the kraj (region, district, ORP), or a superuser."""
    if is_superuser(user):
        return True
    rid = getattr(region, "pk", region)
    return any(g.role != Role.PROVIDER_USER and g.region_id == rid for g in grants(user))


def provider_ids(user) -> set[int]:
    return {g.provider_id for g in grants(user) if g.role == Role.PROVIDER_USER and g.provider_id}


def staff_regions(user):
    qs = Region.objects.defer("boundary").order_by("name")
    if is_superuser(user):
        return qs.filter(pk__in=FinanceParams.objects.values("region"))
    return qs.filter(pk__in=[g.region_id for g in grants(user) if g.role != Role.PROVIDER_USER and g.region_id])


# --- parameters and computation -----------------------------------------------------------------------------

def params_for(region, year: int) -> FinanceParams | None:
    return (FinanceParams.objects.filter(region=_region(region), year=year).select_related("region", "copied_from")
            .defer("region__boundary").first())


def params_years(region) -> list[int]:
    return list(FinanceParams.objects.filter(region=_region(region)).order_by("-year").values_list("year", flat=True))


@dataclass
class Computation:
    """The financing computation of one kraj and year: parameters, network frame and support."""

    region: Region
    year: int
    stored: FinanceParams | None
    params: engine.FinanceParams
    network: NetworkFrame
    support: engine.SupportResult
    rates: dict = field(default_factory=dict)  # (kind, group) → FinanceRate
    _weights: bool = False

    def with_params(self, params: engine.FinanceParams) -> Computation:
        """The same network computed with other parameters (what-if)."""
        return Computation(self.region, self.year, self.stored, params, self.network,
                           engine.compute_support(self.network.frame, params), self.rates)

    def frame(self) -> pd.DataFrame:
        return self.support.to_frame()


def computation(region, year: int, *, stored: FinanceParams | None = None) -> Computation | None:
    """Support of every network entry of the kraj in ``year`` with its stored parameters (None without them)."""
    region = _region(region)
    stored = stored or params_for(region, year)
    if stored is None:
        return None
    rates = list(stored.rates.select_related("kind"))
    params = engine_params(stored, rates, engine_kinds())
    nf = network_frame(region, year, overrides=stored.group_overrides or None,
                       rated={(r.kind.code, r.group) for r in rates})
    support = engine.compute_support(nf.frame, params)
    return Computation(region, year, stored, params, nf, support, {(r.kind.code, r.group): r for r in rates})


def evaluation_weights(region_code: str, year: int, service_pks) -> np.ndarray:
    """Weight per entry for the optimisation mode: 0.5 + points/100 (0–100 points → 0.5–1.5); 1 without points."""
    try:
        from socplan.evaluation.selectors import service_scores
        scores = service_scores(region_code, year) or {}
    except Exception:  # noqa: BLE001 – the evaluation module is optional
        scores = {}
    return np.array([0.5 + scores[int(p)][0] / 100 if int(p) in scores else 1.0 for p in service_pks], dtype=float)


def allocate(comp: Computation, budget, mode: str = AllocationMode.RULES, *, bounds=None) -> engine.AllocationResult:
    if mode == AllocationMode.OPTIMISE:
        if not comp._weights:
            comp.support.frame["weight"] = evaluation_weights(comp.region.code, comp.year,
                                                              comp.support.frame["service_pk"].tolist())
            comp._weights = True
        return engine.allocate_optimise(comp.support, budget, bounds=bounds)
    return engine.allocate_rules(comp.support, budget, bounds=bounds)


def territory_ids(frame: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    dcodes = {c for c in frame["district_code"] if c}
    ocodes = {c for c in frame["orp_code"] if c}
    return (dict(District.objects.filter(code__in=dcodes).values_list("code", "pk")),
            dict(Orp.objects.filter(code__in=ocodes).values_list("code", "pk")))


# --- support per entry --------------------------------------------------------------------------------------

@dataclass
class SupportRow:
    key: str
    service_pk: int
    name: str
    provider: str
    provider_id: int
    kind: str
    form: str
    group: str
    unit: str
    fte: Decimal
    beds: int
    district: str
    orp: str
    tier: int
    optimised_cost: Decimal
    user_fees: Decimal
    health_insurance: Decimal
    cofinancing: Decimal
    optimal_support: Decimal
    explanation: str = ""


def support_rows(comp: Computation, *, user=None, explain: bool = True, kind: str | None = None,
                 keys: set | None = None) -> list[SupportRow]:
    """Rows of the support table, restricted to the user's own services for provider users."""
    f = comp.frame()
    if user is not None and not region_member(user, comp.region):
        own = provider_ids(user)
        f = f[f["provider_id"].isin(own)]
    if kind:
        f = f[f["kind"] == kind]
    if keys is not None:
        f = f[f["service_id"].isin(keys)]
    out = []
    for r in f.itertuples(index=False):
        g = Group(r.group)
        out.append(SupportRow(
            key=r.service_id, service_pk=int(r.service_pk), name=r.name, provider=r.provider,
            provider_id=int(r.provider_id), kind=r.kind, form=r.form, group=r.group, unit=UNIT_LABEL[GROUP_UNIT[g]],
            fte=r.fte, beds=int(r.beds), district=r.district, orp=r.orp, tier=int(r.tier),
            **{c: Decimal(int(getattr(r, c))) for c in AMOUNT_COLUMNS},
            explanation=comp.support.explain(r.service_id) if explain else "",
        ))
    return out


def service_entry(service, year: int) -> dict | None:
    """The network entry of a service (units and minimum occupancy) for the region's checks of unit reports."""
    region = service.region
    if region is None:
        return None
    stored = params_for(region, year)
    nf = network_frame(region, year, overrides=(stored.group_overrides or None) if stored else None)
    rows = nf.frame[nf.frame["service_pk"] == service.pk]
    if rows.empty:
        return None
    r = rows.iloc[0]
    minimum = None
    if stored is not None:
        rate = stored.rates.filter(kind__code=r["kind"], group=r["group"]).first()
        minimum = rate.min_occupancy if rate else None
    return {"group": r["group"], "fte": Decimal(rows["fte"].sum()), "beds": int(rows["beds"].sum()),
            "min_occupancy": minimum, "kind": r["kind"]}


# --- financial chapter --------------------------------------------------------------------------------------

@dataclass
class FinancialChapter:
    region: Region
    year: int
    title: str
    source: str  # "network" | "registry"
    note: str
    illustrative: bool
    services: int
    totals: dict[str, Decimal]  # ON, ÚH, ZP, SF, OP
    state_share: Decimal  # the planned state-budget share (parameter), e.g. 0.35
    state_need: Decimal  # planned state share × ON (the state-budget need)
    state_share_pct: Decimal | None  # state_need / ON in %, 2 decimals
    optimal_support_pct: Decimal | None  # Σ OP / ON in %
    planned: list[dict]  # [{key, label, share, amount}] – planned sources, adding up to ON
    formula_sources: list[dict]  # [{key, label, amount, pct}] – sources by the formulas, adding up to ON
    tables: dict[str, pd.DataFrame]  # cost tables by kind, group, target_group, district, orp
    sources_by_group: pd.DataFrame
    year_on_year: pd.DataFrame | None = None
    year_on_year_note: str = ""
    previous_year: int | None = None
    skipped: list = field(default_factory=list)

    # the planning documents' contract
    @property
    def rows(self) -> list[dict]:
        return [{"label": p["label"], "amount": p["amount"]} for p in self.planned]

    @property
    def total(self) -> Decimal:
        return self.totals["optimised_cost"]

    @property
    def paragraphs(self) -> list[str]:
        """In Czech (the planning documents); the page shows :meth:`translated_paragraphs`."""
        return self._paragraphs(gettext_noop)

    def translated_paragraphs(self) -> list[str]:
        """The paragraphs in the active language."""
        return self._paragraphs(gettext)

    def _paragraphs(self, _) -> list[str]:
        t = self.totals
        out = [
            _("Optimalizované náklady sítě sociálních služeb kraje na rok %(year)s činí %(optimised)s "
              "(%(services)s položek sítě). Potřeba ze státního rozpočtu činí %(state_need)s, "
              "tj. %(state_pct)s optimalizovaných nákladů (plánovaný podíl státního rozpočtu %(state_share)s).")
            % {"year": str(self.year), "optimised": format_czk(t["optimised_cost"]), "services": str(self.services),
               "state_need": format_czk(self.state_need), "state_pct": _pct(self.state_share_pct),
               "state_share": _pct(self.state_share * 100)},
            _("Optimální podpora podle vzorců Pravidel (optimalizované náklady − úhrady uživatelů − platby "
              "zdravotních pojišťoven − povinné spolufinancování) činí %(support)s, "
              "tj. %(support_pct)s optimalizovaných nákladů.")
            % {"support": format_czk(t["optimal_support"]), "support_pct": _pct(self.optimal_support_pct)},
        ]
        if self.illustrative:
            out.append(_("Parametry financování jsou ilustrativní (skutečné normativy kraje nebyly k dispozici)."))
        return out

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def _pct(value) -> str:
    from socplan.core.money import format_number

    return "—" if value is None else format_number(value, 2) + "\xa0%"


def financial_chapter(region, year: int, *, comp: Computation | None = None,
                      previous: bool = True) -> FinancialChapter | None:
    """The financial chapter of the plan/action plan for the kraj and year (None without parameters)."""
    region = _region(region)
    comp = comp or computation(region, year)
    if comp is None:
        return None
    frame = comp.frame()
    params = comp.params
    totals = {c: Decimal(int(frame[c].sum())) if len(frame) else ZERO for c in AMOUNT_COLUMNS}
    on = totals["optimised_cost"]
    planned_amounts = engine.planned_sources(on, params)
    planned = [{"key": k, "label": SOURCE_LABEL[engine.Source(k)], "share": params.source_shares.get(engine.Source(k), ZERO),
                "amount": planned_amounts[k]} for k in SOURCE_ORDER]
    state_need = planned_amounts["state"]
    tables = {}
    sources_by_group = pd.DataFrame()
    formula = []
    if len(frame):
        for dim in ("kind", "group", "target_group", "district", "orp"):
            tables[dim] = engine.cost_table(frame, dim)
        sources_by_group = engine.sources_table(frame, params, "group")
        total_row = sources_by_group.iloc[-1]
        formula = [{"key": c, "label": SOURCE_LABEL[engine.Source(c)], "amount": total_row[c],
                    "pct": share_pct(total_row[c], on)} for c in SOURCE_COLUMNS]
    chapter = FinancialChapter(
        region=region, year=year, title=f"Finanční kapitola – {region.name}, rok {year}",
        source=comp.network.source, note=comp.network.note, illustrative=params.illustrative,
        services=len(frame), totals=totals, state_share=params.source_shares.get(engine.Source.STATE, ZERO),
        state_need=state_need, state_share_pct=share_pct(state_need, on),
        optimal_support_pct=share_pct(totals["optimal_support"], on), planned=planned, formula_sources=formula,
        tables=tables, sources_by_group=sources_by_group, skipped=comp.network.skipped,
    )
    if previous and len(frame):
        _year_on_year(chapter, comp)
    return chapter


def _year_on_year(chapter: FinancialChapter, comp: Computation) -> None:
    prev_year = comp.year - 1
    stored = params_for(comp.region, prev_year)
    if stored is None:
        chapter.year_on_year_note = gettext("Pro rok %(year)s nejsou parametry financování; meziroční srovnání "
                                            "chybí.") % {"year": str(prev_year)}
        return
    prev = computation(comp.region, prev_year, stored=stored)
    note = gettext("Srovnání s rokem %(year)s: síť a parametry roku %(year)s.") % {"year": str(prev_year)}
    if prev is None or prev.network.empty:
        prev = comp.with_params(engine_params(stored))
        note = gettext("Pro rok %(previous)s není síť k dispozici: srovnání počítá síť roku %(year)s s parametry "
                       "roku %(previous)s (ukazuje vliv změny parametrů).") % {"previous": str(prev_year),
                                                                             "year": str(comp.year)}
    yoy = engine.year_on_year(engine.cost_table(prev.frame(), "kind"), chapter.tables["kind"], "kind")
    chapter.year_on_year = yoy
    chapter.year_on_year_note = note
    chapter.previous_year = prev_year


# --- national view ------------------------------------------------------------------------------------------

def region_population(codes) -> dict[str, int]:
    out = {}
    for code, value in (PopulationFigure.objects.filter(level=Level.REGION, unit_code__in=list(codes), band="total",
                                                        is_estimate=False)
                        .order_by("unit_code", "-ref_date").values_list("unit_code", "value")):
        out.setdefault(code, value)
    return out


@dataclass
class NationalView:
    year: int
    regions: list[dict]  # {region, population, services, optimised_cost, state_need, optimal_support, per_capita…}
    kinds: list[str]
    per_kind: dict[str, dict[str, Decimal | None]]  # region code → kind → ON per capita
    missing: list[Region]


def national_view(year: int) -> NationalView:
    """Every kraj with financing parameters for ``year``, in the same form: totals, per capita, per kind."""
    stored = list(FinanceParams.objects.filter(year=year).select_related("region").defer("region__boundary")
                  .order_by("region__name"))
    pop = region_population([p.region.code for p in stored])
    regions, per_kind, kinds = [], {}, set()
    for p in stored:
        ch = financial_chapter(p.region, year, previous=False)
        if ch is None:
            continue
        people = pop.get(p.region.code)
        t = ch.totals
        row = {"region": p.region, "population": people, "services": ch.services, "source": ch.source,
               "optimised_cost": t["optimised_cost"], "optimal_support": t["optimal_support"],
               "state_need": ch.state_need, "state_share_pct": ch.state_share_pct,
               "illustrative": ch.illustrative}
        for name in ("optimised_cost", "state_need", "optimal_support"):
            row[f"{name}_per_capita"] = czk(row[name] / people) if people else None
        regions.append(row)
        kt = ch.tables.get("kind")
        per = {}
        if kt is not None:
            for _i, r in kt.iloc[:-1].iterrows():
                kinds.add(r["kind"])
                per[r["kind"]] = czk(r["optimised_cost"] / people) if people else None
        per_kind[p.region.code] = per
    have = {p.region_id for p in stored}
    missing = list(Region.objects.exclude(pk__in=have).defer("boundary").order_by("name"))
    return NationalView(year, regions, sorted(kinds, key=_kind_key), per_kind, missing)


def _kind_key(code: str):
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 999, code)


# --- allocations --------------------------------------------------------------------------------------------

def allocation_runs(user, region, year: int):
    return restrict(AllocationRun.objects.filter(region=_region(region), year=year), user, "view")


def latest_runs(user, region, year: int) -> dict[str, AllocationRun | None]:
    runs = allocation_runs(user, region, year)
    return {m: runs.filter(mode=m).order_by("-created_at", "-pk").first() for m in AllocationMode.values}


def allocation_rows(user, run: AllocationRun):
    return restrict(AllocationRow.objects.filter(run=run), user, "view").select_related(
        "service__provider", "district", "orp").defer("district__boundary", "orp__boundary")


def own_allocations(user, year: int | None = None):
    """A provider user's allocation rows (latest run per region, year and mode)."""
    qs = restrict(AllocationRow.objects.all(), user, "view").select_related("run", "service")
    if year is not None:
        qs = qs.filter(run__year=year)
    return qs.order_by("-run__created_at", "service__name")


def allocated_amount(service_id: int, year: int) -> Decimal | None:
    """The amount allocated to a service in the latest allocation run of its kraj and year (None: no run)."""
    row = (AllocationRow.objects.filter(service_id=service_id, run__year=year).order_by("-run__created_at", "-run_id")
           .values("run_id").first())
    if row is None:
        return None
    return AllocationRow.objects.filter(service_id=service_id, run_id=row["run_id"]).aggregate(
        s=Sum("allocated"))["s"] or ZERO


# --- co-financing -------------------------------------------------------------------------------------------

@dataclass
class CofinancingResult:
    splits: list[engine.MunicipalSplit]
    labels: dict[str, str]  # split service_id label → human label
    municipalities: dict[str, Municipality]
    totals: dict[str, Decimal]
    total: Decimal
    methods: dict[str, int]


def cofinancing(comp: Computation, *, municipality: Municipality | None = None) -> CofinancingResult:
    """The municipal share of each entry split among municipalities (docs/financing.md §5).

    Basis: the municipalities' co-financing declarations of the year for the service (network module) in
    proportion to the declared amounts; without declarations, the service's scope – its ORPs by their declared
    shares (largest remainder), then the municipalities of each ORP by population.
    """
    amounts = engine.municipal_amounts(comp.support)
    frame = comp.network.frame
    pks = dict(zip(frame["service_id"], frame["service_pk"], strict=True))
    names = dict(zip(frame["service_id"], frame["name"], strict=True))
    declared = _declarations(comp.region, comp.year)
    shares = _scope_shares(set(pks.values()))
    munis = {m.code: m for m in Municipality.objects.filter(region=comp.region).defer("boundary")
             .select_related("orp").defer("orp__boundary")}
    by_orp = defaultdict(list)
    for m in munis.values():
        by_orp[m.orp.code].append(m.code)
    pop = _municipal_population(munis)
    target_orp = municipality.orp.code if municipality is not None else None
    splits, labels, methods = [], {}, defaultdict(int)
    for key, amount in amounts.items():
        if amount <= 0:
            continue
        sp = int(pks[key])
        decl = declared.get(sp)
        if decl:
            if municipality is not None and municipality.code not in decl:
                continue
            s = _declared_split(key, amount, decl)
            splits.append(s)
            labels[str(key)] = names[key]
            methods["declared"] += 1
            continue
        orp_shares = shares.get(sp) or {}
        orps = sorted(o for o in orp_shares if by_orp.get(o))
        if not orps:
            continue
        if target_orp is not None and target_orp not in orps:
            continue
        weights = [orp_shares[o] if sum(orp_shares[x] for x in orps) else 1 for o in orps]
        parts = largest_remainder(amount, weights) if len(orps) > 1 else [amount]
        for orp, part in zip(orps, parts, strict=True):
            if part <= 0 or (target_orp is not None and orp != target_orp):
                continue
            label = f"{key}@{orp}"
            basis = {c: pop.get(c, 0) for c in by_orp[orp]}
            if not any(basis.values()):
                basis = {c: 1 for c in basis}
            splits.append(engine.split_municipal_share(label, part, engine.SplitMethod.POPULATION, basis))
            labels[label] = f"{names[key]} (ORP {_orp_name(orp)})"
            methods["population"] += 1
    totals = engine.municipality_totals(splits)
    if municipality is not None:
        totals = {municipality.code: totals.get(municipality.code, ZERO)}
    return CofinancingResult(splits, labels, munis, totals, sum(totals.values(), ZERO), dict(methods))


_ORP_NAMES: dict[str, str] = {}


def _orp_name(code: str) -> str:
    if not _ORP_NAMES:
        _ORP_NAMES.update(dict(Orp.objects.values_list("code", "name")))
    return _ORP_NAMES.get(code, code)


def _declarations(region, year) -> dict[int, dict[str, Decimal]]:
    try:
        from socplan.network.selectors import declarations
    except ImportError:
        return {}
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    try:
        rows = declarations(user=None, region=region, year=year).filter(service__isnull=False, amount__gt=0)
        for sid, code, amount in rows.values_list("service_id", "municipality__code", "amount"):
            out[sid][code] = out[sid].get(code, ZERO) + amount
    except Exception:  # noqa: BLE001 – an unfinished network module must not break financing pages
        return {}
    return out


def _declared_split(key, amount: Decimal, declared: dict[str, Decimal]) -> engine.MunicipalSplit:
    """Split in proportion to the declared amounts (largest remainder; ties: lower code)."""
    codes = sorted(declared)
    total = sum(declared.values(), ZERO)
    parts = largest_remainder(amount, [declared[c] for c in codes])
    from .engine.cofinancing import MunicipalityPart

    return engine.MunicipalSplit(key, amount, engine.SplitMethod.DECLARED, tuple(
        MunicipalityPart(c, declared[c], (declared[c] * 100 / total).quantize(Decimal("0.0001")),
                         (amount * declared[c] / total).quantize(Decimal("0.01")), p)
        for c, p in zip(codes, parts, strict=True)))


def _scope_shares(service_pks) -> dict[int, dict[str, Decimal]]:
    from socplan.registry.models import ServiceArea

    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for sid, code, share in ServiceArea.objects.filter(service_id__in=service_pks, orp__isnull=False).values_list(
            "service_id", "orp__code", "share"):
        out[sid][code] = share if share is not None else ZERO
    return out


def _municipal_population(munis) -> dict[str, int]:
    out = {}
    for code, value in (PopulationFigure.objects.filter(level=Level.MUNICIPALITY, unit_code__in=list(munis),
                                                        band="total", is_estimate=False)
                        .order_by("unit_code", "-ref_date").values_list("unit_code", "value")):
        out.setdefault(code, value)
    return out


# --- provider reports ---------------------------------------------------------------------------------------

def budgets(user, *, region=None, year: int | None = None, state: str | None = None):
    qs = ProviderBudget.objects.select_related("service__provider", "service__kind")
    if region is not None:
        qs = qs.filter(service__region=_region(region))
    if year is not None:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    return restrict(qs, user, "view").order_by("service__name", "year", "term")


def unit_reports(user, *, region=None, year: int | None = None, state: str | None = None):
    qs = UnitReport.objects.select_related("service__provider", "service__kind")
    if region is not None:
        qs = qs.filter(service__region=_region(region))
    if year is not None:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    return restrict(qs, user, "view").order_by("service__name", "year", "half")


def settlements(user, *, region=None, year: int | None = None):
    qs = Settlement.objects.select_related("service__provider", "budget")
    if region is not None:
        qs = qs.filter(service__region=_region(region))
    if year is not None:
        qs = qs.filter(year=year)
    return restrict(qs, user, "view").order_by("-overcompensation", "service__name")


__all__ = [
    "Computation", "FinancialChapter", "GROUP_LABEL", "allocate", "computation", "financial_chapter",
    "national_view", "params_for", "support_rows",
]
