"""Reads of the finance module: the computation of a kraj's year, the financial chapter, the national view,
allocations, co-financing statements and provider reports — restricted to what the user may see when a user
is given.

``financial_chapter(region, year)`` is the contract with the planning documents (docs/financing.md §9): it
returns a :class:`FinancialChapter` (``title``, ``rows`` [{label, amount}] = the planned sources of the
network's optimised costs, ``total``, ``paragraphs``, ``note``, plus the full tables) or ``None`` when the kraj
has no financing parameters for the year.

``cofinancing(region, year)`` is the one co-financing statement (docs/financing.md §5, §9.6): per entry, per
municipality and in total the required municipal share (rate × optimised cost), the declared amount and the
difference. The finance pages, the network's co-financing pages, the API and the network's co-financing condition
(through :class:`CofinancingSource`, registered in ``FinanceConfig.ready``) all read it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext, gettext_noop

from socplan.accounts.immutability import current_approved
from socplan.accounts.models import Role
from socplan.accounts.scope import can, grants, is_region_staff, is_superuser, restrict
from socplan.core.money import czk, format_czk
from socplan.evaluation.selectors import service_scores
from socplan.network import selectors as network_selectors
from socplan.network.contracts import RequiredShare
from socplan.registry.models import ServiceArea
from socplan.territory.models import District, Level, Municipality, Orp, PopulationFigure, Region

from . import engine
from .adapter import FORM_CODE, NetworkFrame, engine_kinds, engine_params, group_for, network_frame
from .engine.chapter import share_pct
from .engine.cofinancing import EntryBalance, MunicipalityBalance
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
AMOUNT_COLUMNS = ("optimised_cost", "user_fees", "health_insurance", "municipal_cofinancing", "region_cofinancing",
                  "cofinancing", "optimal_support")
NETWORK_FORM = {engine_code: code for code, engine_code in FORM_CODE.items()}  # "A" → "amb" …
HUNDRED = Decimal(100)


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
    """The newest parameters of the kraj and year (what new computations use)."""
    return (FinanceParams.objects.current().filter(region=_region(region), year=year)
            .select_related("region", "copied_from")
            .defer("region__boundary").first())


def params_years(region) -> list[int]:
    return list(FinanceParams.objects.current().filter(region=_region(region)).order_by("-year")
                .values_list("year", flat=True))


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


def computation(region, year: int, *, stored: FinanceParams | None = None, version=None) -> Computation | None:
    """Support of every network entry of the kraj in ``year`` with its stored parameters (None without them).

    ``version`` – a network version of the year other than the current one (the network's co-financing pages).
    Each entry gets its municipal co-financing rate (``municipal_rate``) from the network's yearly rates.
    """
    region = _region(region)
    stored = stored or params_for(region, year)
    if stored is None:
        return None
    rates = list(stored.rates.select_related("kind"))
    params = engine_params(stored, rates, engine_kinds())
    nf = network_frame(region, year, overrides=stored.group_overrides or None,
                       rated={(r.kind.code, r.group) for r in rates}, version=version)
    _attach_municipal_rates(nf, region, year, params)
    support = engine.compute_support(nf.frame, params)
    return Computation(region, year, stored, params, nf, support, {(r.kind.code, r.group): r for r in rates})


def _attach_municipal_rates(nf: NetworkFrame, region: Region, year: int, params: engine.FinanceParams) -> None:
    """The ``municipal_rate`` (share) and ``rate_pct`` columns: the network's co-financing rate of each entry by
    its kind, form and tier (``network.selectors.cofinancing_rates``: the settings edition the frame's network
    version is judged by, ``nf.version``, looked up once by ``network_frame``). Rows from the registry (the year
    has no network) stand in for entries without a tier."""
    frame = nf.frame
    table = network_selectors.cofinancing_rates(region, year, version=nf.version)
    network = nf.source == "network"
    frame["rate_pct"] = [
        table.rate_for(kind, NETWORK_FORM[form], tier if network else None, params.kinds[kind].category.value)
        for kind, form, tier in zip(frame["kind"], frame["form"], frame["tier_label"], strict=True)]
    frame["municipal_rate"] = [(r / HUNDRED).quantize(Decimal("0.0001")) for r in frame["rate_pct"]]


def evaluation_weights(region_code: str, year: int, service_pks) -> np.ndarray:
    """Weight per entry for the optimisation mode: 0.5 + points/100 (0–100 points → 0.5–1.5); 1 without points."""
    scores = service_scores(region_code, year) or {}
    return np.array([0.5 + scores[int(p)][0] / 100 if int(p) in scores else 1.0 for p in service_pks], dtype=float)


def allocate(comp: Computation, budget, mode: str = AllocationMode.RULES, *, bounds=None,
             floors=None, limits: engine.GroupLimits | None = None) -> engine.AllocationResult:
    """Allocate ``budget`` in ``mode``. ``floors`` – whole-CZK protected amounts of the existing entries, one per
    row of ``comp.support`` (e.g. a programme's damping rule through ``engine.damping_floors``); ``limits`` – the
    programme's per-kind totals and per-district minima (the weighted fair-share mode only)."""
    if mode == AllocationMode.OPTIMISE:
        if not comp._weights:
            comp.support.frame["weight"] = evaluation_weights(comp.region.code, comp.year,
                                                              comp.support.frame["service_pk"].tolist())
            comp._weights = True
        return engine.allocate_optimise(comp.support, budget, bounds=bounds, floors=floors, limits=limits)
    return engine.allocate_rules(comp.support, budget, bounds=bounds, floors=floors)


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
    municipal_cofinancing: Decimal  # SFo = the municipalities' required share (rate × ON)
    region_cofinancing: Decimal  # SFk = the kraj's own co-financing
    cofinancing: Decimal  # SF = SFo + SFk
    optimal_support: Decimal
    explanation: str = ""
    cofinancing_rate: Decimal = ZERO  # the municipalities' rate, %


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
            cofinancing_rate=r.rate_pct,
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
    state_need: Decimal  # ON − every other source by its rule (computed, engine.computed_sources)
    state_share_pct: Decimal | None  # state_need / ON in %, 2 decimals
    optimal_support_pct: Decimal | None  # Σ OP / ON in %
    planned: list[dict]  # [{key, label, share, amount}] – planned sources, adding up to ON
    formula_sources: list[dict]  # [{key, label, amount, pct, rule}] – sources by their rules, adding up to ON
    tables: dict[str, pd.DataFrame]  # cost tables by kind, group, target_group, district, orp
    sources_by_group: pd.DataFrame
    year_on_year: pd.DataFrame | None = None
    year_on_year_note: str = ""
    previous_year: int | None = None
    skipped: list = field(default_factory=list)
    params_note: str = ""  # the illustrative parameters' note (e.g. the demo's comparison with the seed plan)

    # the planning documents' contract
    @property
    def rows(self) -> list[dict]:
        return [{"label": p["label"], "amount": p["amount"]} for p in (self.formula_sources or self.planned)]

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
              "(%(services)s položek sítě). Potřeba ze státního rozpočtu (optimalizované náklady − všechny ostatní "
              "zdroje, každý podle svého pravidla) činí %(state_need)s, tj. %(state_pct)s optimalizovaných "
              "nákladů.")
            % {"year": str(self.year), "optimised": format_czk(t["optimised_cost"]), "services": str(self.services),
               "state_need": format_czk(self.state_need), "state_pct": _pct(self.state_share_pct)},
            _("Optimální podpora podle vzorců Pravidel (optimalizované náklady − úhrady uživatelů − platby "
              "zdravotních pojišťoven − povinné spolufinancování) činí %(support)s, "
              "tj. %(support_pct)s optimalizovaných nákladů.")
            % {"support": format_czk(t["optimal_support"]), "support_pct": _pct(self.optimal_support_pct)},
        ]
        if self.illustrative:
            out.append(_("Parametry financování jsou ilustrativní (skutečné normativy kraje nebyly k dispozici)."))
            if self.params_note:
                out.append(self.params_note)
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
    # the municipalities' planned source is the co-financing statement's total (Σ required), to the crown
    planned_amounts = engine.planned_sources(on, params, municipalities=totals["municipal_cofinancing"])
    # share = the source's part of ON (the municipalities' and the rest's parts follow from the statement)
    planned = [{"key": k, "label": SOURCE_LABEL[engine.Source(k)],
                "share": (planned_amounts[k] / on).quantize(Decimal("0.0001"), ROUND_HALF_UP) if on else ZERO,
                "parameter": params.source_shares.get(engine.Source(k)), "amount": planned_amounts[k]}
               for k in SOURCE_ORDER]
    state_need = ZERO
    tables = {}
    sources_by_group = pd.DataFrame()
    formula = []
    if len(frame):
        for dim in ("kind", "group", "target_group", "district", "orp"):
            tables[dim] = engine.cost_table(frame, dim)
        sources_by_group = engine.sources_table(frame, params, "group")
        formula = [{**r, "label": SOURCE_LABEL[engine.Source(r["key"])]} for r in engine.computed_sources(frame)]
        state_need = formula[0]["amount"]  # the state: ON − every other source (computed, not a parameter)
    chapter = FinancialChapter(
        region=region, year=year, title=f"Finanční kapitola – {region.name}, rok {year}",
        source=comp.network.source, note=comp.network.note, illustrative=params.illustrative,
        services=len(frame), totals=totals, state_share=params.source_shares.get(engine.Source.STATE, ZERO),
        state_need=state_need, state_share_pct=share_pct(state_need, on),
        optimal_support_pct=share_pct(totals["optimal_support"], on), planned=planned, formula_sources=formula,
        tables=tables, sources_by_group=sources_by_group, skipped=comp.network.skipped,
        params_note=(comp.stored.note if comp.stored is not None and params.illustrative else ""),
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
    stored = list(FinanceParams.objects.current().filter(year=year).select_related("region").defer("region__boundary")
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
    """The rows of ``run`` the user may see: kraj staff every row of every run; anyone else (a provider) only
    its own rows, and only of an allocation in force (computed and superseded runs are proposals and history
    of the kraj, never shown to providers)."""
    qs = AllocationRow.objects.filter(run=run)
    if not can(user, "view", run) and not runs_in_force(run.year).filter(pk=run.pk).exists():
        qs = qs.none()
    return restrict(qs, user, "view").select_related(
        "service__provider", "district", "orp").defer("district__boundary", "orp__boundary")


def own_allocations(user, year: int | None = None):
    """A provider user's allocation rows: only those of allocations in force (approved, not superseded)."""
    qs = restrict(AllocationRow.objects.filter(run__in=runs_in_force(year)), user, "view").select_related("run", "service")
    if year is not None:
        qs = qs.filter(run__year=year)
    return qs.order_by("-run__year", "service__name")


def allocation_in_force(region, year: int, programme_round=None) -> AllocationRun | None:
    """The binding allocation of a programme round (or, without a round, the kraj's latest one of the year):
    the approved run that no later approved run supersedes (runs that were only computed are proposals and
    bind nobody)."""
    qs = AllocationRun.objects.filter(region=_region(region), year=year)
    if programme_round is not None:
        qs = qs.filter(programme_round=programme_round)
    return current_approved(qs).order_by("-approved_at", "-pk").first()


def runs_in_force(year: int | None = None, *, region=None):
    """The binding allocations (of a year, or of every year): per programme round the approved run in force, and a
    run outside any programme only in a kraj and year where no programme round has one (once the kraj allocates
    through programmes, its earlier allocation outside them no longer binds) — so no amount is counted twice."""
    qs = current_approved(AllocationRun.objects.all())
    if year is not None:
        qs = qs.filter(year=year)
    if region is not None:
        qs = qs.filter(region=_region(region))
    programme_run = current_approved(AllocationRun.objects.filter(
        programme_round__isnull=False, region_id=OuterRef("region_id"), year=OuterRef("year")))
    return qs.exclude(Q(programme_round__isnull=True) & Exists(programme_run))


def region_rows_in_force(region, year: int, *, user=None):
    """Every row of the kraj's binding allocations of the year (:func:`runs_in_force`), restricted when a user is
    given (a provider: its own services)."""
    qs = AllocationRow.objects.filter(run__in=runs_in_force(year, region=region)).select_related("run").order_by(
        "run_id", "pk")
    return restrict(qs, user, "view") if user is not None else qs


def allocation_rows_in_force(service_id: int, year: int, *, user=None):
    """The service's rows in the binding allocations of the year (:func:`runs_in_force`: one run in force per
    programme round, a run outside programmes only where no round has one), restricted when a user is given."""
    qs = AllocationRow.objects.filter(run__in=runs_in_force(year), service_id=service_id).select_related(
        "run").order_by("run_id", "key")
    return restrict(qs, user, "view") if user is not None else qs


def allocated_amount(service_id: int, year: int) -> Decimal | None:
    """The amount allocated to a service in the binding (approved) allocations of its kraj and year (summed over
    the programme rounds); None while no allocation of the year is approved. The one owner of "how much did the
    service get"."""
    rows = allocation_rows_in_force(service_id, year)
    if not rows.exists():
        return None
    return rows.aggregate(s=Sum("allocated"))["s"] or ZERO


def allocated_by_key(region, year: int, *, programme_code: str | None = None) -> dict[str, Decimal]:
    """Per network entry key the amount of the kraj's binding allocations of ``year`` (summed over rounds); with
    ``programme_code`` only the rounds of the programme of that code (last year's programme for the damping rule)."""
    qs = AllocationRow.objects.filter(run__in=runs_in_force(year, region=region))
    if programme_code is not None:
        qs = qs.filter(run__programme_round__programme__code=programme_code)
    return {k: v for k, v in qs.values("key").annotate(s=Sum("allocated")).values_list("key", "s")}


# --- co-financing -------------------------------------------------------------------------------------------

class _Balance:
    """The amounts of an engine row (``self.balance``), read through to the statement's rows."""

    balance: EntryBalance | MunicipalityBalance

    @property
    def required(self) -> Decimal:
        return self.balance.required

    @property
    def declared(self) -> Decimal:
        return self.balance.declared

    @property
    def difference(self) -> Decimal:
        return self.balance.difference


@dataclass(frozen=True)
class CofinancingEntry(_Balance):
    """One network entry in the co-financing statement (amounts whole CZK; rate in per cent): the engine's row
    (``balance``: required, declared, unassigned and their difference, defined once in the engine) with the
    entry's names."""

    entry_id: int | None
    key: str
    service_id: int
    service: str
    provider: str
    kind: str
    form: str  # network form code (amb / ter / pob)
    tier: str  # tier code
    group: str
    optimised_cost: Decimal
    rate: Decimal
    balance: EntryBalance

    @property
    def unassigned(self) -> Decimal:
        """Required but not split among municipalities."""
        return self.balance.unassigned

    @property
    def method(self) -> str:
        """declared / population / "" (nobody to split among)."""
        return self.balance.method.value if self.balance.method else ""

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.declared, ZERO)


@dataclass(frozen=True)
class CofinancingMunicipality(_Balance):
    """One municipality's total of the entries shown: the engine's row (``balance``) with the names."""

    name: str
    orp: str
    balance: MunicipalityBalance

    @property
    def code(self) -> str:
        return self.balance.municipality


@dataclass(frozen=True)
class CofinancingLine:
    """One municipality's part of one entry."""

    entry_id: int | None
    key: str
    service_id: int
    service: str
    municipality: str  # code
    municipality_name: str
    method: str
    share_pct: Decimal | None  # the municipality's share of the split basis, %
    required: Decimal
    declared: Decimal

    @property
    def difference(self) -> Decimal:
        return self.declared - self.required


@dataclass(frozen=True)
class CofinancingStatement:
    """Required municipal co-financing against the declarations, for a kraj and year (one network version).

    ``required`` / ``declared`` / ``difference`` are the totals of what the statement shows: all entries, or –
    with a municipality – that municipality's parts. ``available`` is False when the kraj has no financing
    parameters for the year (then there are no rows and ``note`` says so).
    """

    region_code: str
    region_name: str
    year: int
    available: bool
    source: str  # network / registry / "" (not available)
    version_id: int | None
    note: str
    illustrative: bool
    entries: tuple[CofinancingEntry, ...]
    municipalities: tuple[CofinancingMunicipality, ...]
    lines: tuple[CofinancingLine, ...]
    required: Decimal
    declared: Decimal
    unassigned: Decimal
    municipality: str | None = None
    splits: dict = field(default_factory=dict, compare=False, repr=False)  # key → [MunicipalSplit] (explanations)

    @property
    def difference(self) -> Decimal:
        return self.declared - self.required

    @property
    def shortfall(self) -> Decimal:
        """Σ of what is missing per entry (or per line for a municipality): surpluses do not offset it."""
        rows = self.lines if self.municipality else self.entries
        return sum((max(r.required - r.declared, ZERO) for r in rows), ZERO)

    def entry(self, entry_id: int) -> CofinancingEntry | None:
        return next((e for e in self.entries if e.entry_id == entry_id), None)

    def explain(self, key: str) -> str:
        return "\n".join(s.explain() for s in self.splits.get(key, ()))


def _unavailable(region: Region, year: int, note: str, municipality=None) -> CofinancingStatement:
    return CofinancingStatement(region.code, region.name, year, False, "", None, note, False, (), (), (), ZERO, ZERO,
                                ZERO, municipality.code if municipality is not None else None)


def _declared_by_service(region, year: int, service_pks) -> dict[int, dict[str, Decimal]]:
    """{service pk: {municipality code: declared amount}} – the year's declarations for services (not requests)."""
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (network_selectors.declarations(user=None, region=region, year=year)
            .filter(service_id__in=list(service_pks), amount__gt=0)
            .values_list("service_id", "municipality__code", "amount"))
    for sid, code, amount in rows:
        out[sid][code] = out[sid].get(code, ZERO) + amount
    return out


def _entry_shares(comp: Computation, declared: dict, *, split: bool) -> list[engine.EntryShare]:
    """The engine's input: each entry's required share (from the support), split basis when ``split``."""
    frame = comp.frame()
    if not split:
        return [engine.EntryShare(key, int(sp), Decimal(int(m))) for key, sp, m in
                zip(frame["service_id"], frame["service_pk"], frame["municipal_cofinancing"], strict=True)]
    pks = {int(p) for p in frame["service_pk"]}
    scope = _scope_shares(pks)
    munis = _municipalities(comp.region)
    by_orp = defaultdict(list)
    for m in munis.values():
        by_orp[m.orp.code].append(m.code)
    pop = _municipal_population(munis)
    out = []
    for key, sp, m in zip(frame["service_id"], frame["service_pk"], frame["municipal_cofinancing"], strict=True):
        sp, required = int(sp), Decimal(int(m))
        if declared.get(sp):
            out.append(engine.EntryShare(key, sp, required, engine.SplitMethod.DECLARED, declared[sp]))
            continue
        orp_shares = scope.get(sp) or {}
        orps = sorted(o for o in orp_shares if by_orp.get(o))
        if not orps:
            out.append(engine.EntryShare(key, sp, required))
            continue
        groups = []
        for o in orps:
            basis = {c: pop.get(c, 0) for c in by_orp[o]}
            if not any(basis.values()):
                basis = {c: 1 for c in basis}
            groups.append((o, orp_shares[o], basis))
        out.append(engine.EntryShare(key, sp, required, engine.SplitMethod.POPULATION, groups=tuple(groups)))
    return out


def cofinancing(region, year: int, *, user=None, municipality: Municipality | None = None, version=None,
                comp: Computation | None = None) -> CofinancingStatement:
    """The co-financing statement of the kraj's network in ``year`` (docs/financing.md §5, §9.6).

    Per entry: the required municipal share = round_half_up(rate × ON) (``compute_support``), the declared
    amount (the service's declarations of the year apportioned among its entries by their required shares) and
    the difference; the required share split among municipalities – by the declarations when the service has
    any, otherwise over its scope (ORPs by their declared shares, within an ORP by population); per
    municipality and in total the same three figures, exact to the crown.

    ``version`` – another version of the year than the current one; ``user`` – only the entries the user may see
    (and the municipalities' parts of them); ``municipality`` – that municipality's parts only.
    """
    region = _region(region)
    comp = comp or computation(region, year, version=version)
    if comp is None:
        return _unavailable(region, year, gettext("Pro kraj a rok nejsou parametry financování: požadovaný podíl "
                                                  "obcí nelze spočíst."), municipality)
    frame = comp.frame()
    declared = _declared_by_service(region, year, {int(p) for p in frame["service_pk"]})
    result = engine.cofinancing_statement(_entry_shares(comp, declared, split=True), declared)
    visible = None
    if user is not None:  # the entries the user may see (entry scope); registry rows: kraj roles, own services
        if comp.network.source == "network":
            allowed = network_selectors.visible_entry_ids({int(e) for e in frame["entry_id"]}, user=user)
            visible = {k for k, e in zip(frame["service_id"], frame["entry_id"], strict=True) if int(e) in allowed}
        elif region_member(user, region):
            visible = set(frame["service_id"])
        else:
            own = provider_ids(user)
            visible = {k for k, p in zip(frame["service_id"], frame["provider_id"], strict=True) if int(p) in own}
    munis = _municipalities(region)
    info = {r.service_id: r for r in frame.itertuples(index=False)}
    balances = {b.key: b for b in result.entries}
    entries = []
    for key, r in info.items():
        if visible is not None and key not in visible:
            continue
        b = balances[key]
        entries.append(CofinancingEntry(
            entry_id=_int_or_none(r.entry_id), key=str(key), service_id=int(r.service_pk), service=r.name,
            provider=r.provider, kind=r.kind, form=NETWORK_FORM.get(r.form, r.form), tier=r.tier_label,
            group=r.group, optimised_cost=Decimal(int(r.optimised_cost)), rate=r.rate_pct, balance=b))
    shown = {e.key for e in entries}
    lines = [CofinancingLine(
        entry_id=_int_or_none(info[ln.key].entry_id), key=str(ln.key), service_id=int(ln.service),
        service=info[ln.key].name, municipality=ln.municipality,
        municipality_name=munis[ln.municipality].name if ln.municipality in munis else ln.municipality,
        method=ln.method.value if ln.method else "", share_pct=ln.share_pct, required=ln.required,
        declared=ln.declared) for ln in result.lines if ln.key in shown]
    if municipality is not None:
        lines = [ln for ln in lines if ln.municipality == municipality.code]
        keys = {ln.key for ln in lines}
        entries = [e for e in entries if e.key in keys]
    per_muni: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for ln in lines:
        per_muni[ln.municipality][0] += ln.required
        per_muni[ln.municipality][1] += ln.declared
    municipalities = tuple(CofinancingMunicipality(
        munis[code].name if code in munis else code, munis[code].orp.name if code in munis else "",
        MunicipalityBalance(code, r, d))
        for code, (r, d) in sorted(per_muni.items(), key=lambda kv: (-kv[1][0], kv[0])))
    if municipality is not None:
        required = sum((ln.required for ln in lines), ZERO)
        declared_total = sum((ln.declared for ln in lines), ZERO)
        unassigned = ZERO
    else:
        required = sum((e.required for e in entries), ZERO)
        declared_total = sum((e.declared for e in entries), ZERO)
        unassigned = sum((e.unassigned for e in entries), ZERO)
    splits: dict[str, list] = defaultdict(list)
    for sp in result.splits:
        key = str(sp.service_id).split("@", 1)[0]
        if key in shown:
            splits[key].append(sp)
    note = comp.network.note if comp.network.source != "network" else ""
    return CofinancingStatement(
        region.code, region.name, year, True, comp.network.source, _version_id(comp, version), note,
        comp.params.illustrative, tuple(entries), municipalities, tuple(lines), required, declared_total,
        unassigned, municipality.code if municipality is not None else None, dict(splits))


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _version_id(comp: Computation, version) -> int | None:
    version = version if version is not None else comp.network.version  # the version the frame was read from
    return version.pk if version is not None else None


def _municipalities(region) -> dict[str, Municipality]:
    return {m.code: m for m in Municipality.objects.filter(region=region).defer("boundary")
            .select_related("orp").defer("orp__boundary")}


def _scope_shares(service_pks) -> dict[int, dict[str, Decimal]]:
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


def cofinancing_years(region) -> list[int]:
    """The years with financing parameters of the kraj (newest first): the years a statement exists for."""
    return params_years(region)


# --- the network's co-financing source (socplan.network.contracts) --------------------------------------------

class CofinancingSource:
    """The implementation of ``socplan.network.contracts.CofinancingSource`` (registered in FinanceConfig.ready)."""

    def shares_by_entry(self, version) -> dict[int, RequiredShare]:
        region, year = version.region, version.year
        rows = network_selectors.network_entries(region, year, version=version)
        comp = computation(region, year, version=version)
        if comp is None:
            note = gettext("pro kraj a rok %(year)s nejsou parametry financování (optimalizované náklady nejsou "
                           "spočteny).") % {"year": str(year)}
            return {r.entry_id: RequiredShare(None, note=note) for r in rows}
        frame = comp.frame()
        declared = _declared_by_service(region, year, {int(p) for p in frame["service_pk"]})
        result = engine.cofinancing_statement(_entry_shares(comp, declared, split=False), declared)
        balances = {b.key: b for b in result.entries}
        out: dict[int, RequiredShare] = {}
        for r in frame.itertuples(index=False):
            b = balances[r.service_id]
            out[int(r.entry_id)] = RequiredShare(b.required, r.rate_pct, Decimal(int(r.optimised_cost)), b.declared)
        for r in rows:
            if r.entry_id in out:
                continue
            if not r.tier_funded:
                out[r.entry_id] = RequiredShare(ZERO, note=gettext(
                    "Úroveň sítě %(tier)s není financována: spolufinancování obcí se nepožaduje.") % {
                    "tier": r.tier_code})
            else:
                out[r.entry_id] = RequiredShare(None, note=gettext(
                    "optimalizované náklady položky nejsou spočteny (pro druh a skupinu chybí normativ v parametrech "
                    "financování, nebo služba nemá formu)."))
        return out

    def required_by_entry(self, version) -> dict[int, Decimal]:
        return {pk: s.required for pk, s in self.shares_by_entry(version).items() if s.required is not None}

    def share_for_request(self, request) -> RequiredShare:
        declared = (sum((d.amount for d in request.declarations.all()), ZERO) if request.pk else ZERO)
        stored = params_for(request.region, request.year)
        if stored is None:
            return RequiredShare(None, declared=declared, note=gettext(
                "pro kraj a rok %(year)s nejsou parametry financování (optimalizované náklady nejsou spočteny).")
                % {"year": str(request.year)})
        rates = list(stored.rates.select_related("kind"))
        params = engine_params(stored, rates, engine_kinds())
        kind, form = request.kind, request.form.code
        group = group_for(kind, form, stored.group_overrides or None)
        if (kind.code, group) not in {(r.kind.code, r.group) for r in rates}:
            return RequiredShare(None, declared=declared, note=gettext(
                "pro druh § %(kind)s a skupinu %(group)s chybí normativ v parametrech financování.") % {
                "kind": kind.code, "group": group})
        tier = request.decision_tier or request.district_tier
        rate = network_selectors.cofinancing_rates(request.region, request.year).rate_for(
            kind.code, form, tier.code if tier is not None else None, kind.category)
        bed = group in ("C", "D")
        row = {"service_id": "request", "kind": kind.code, "form": FORM_CODE[form], "group": group,
               "fte": ZERO if bed else request.fte, "beds": request.capacity if bed else 0, "users": 0,
               "municipal_rate": (rate / HUNDRED).quantize(Decimal("0.0001"))}
        res = engine.compute_support(pd.DataFrame([row]), params)
        return RequiredShare(res.amount("municipal_cofinancing", "request"), rate,
                             res.amount("optimised_cost", "request"), declared)


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
    "CofinancingEntry", "CofinancingLine", "CofinancingMunicipality", "CofinancingSource", "CofinancingStatement",
    "Computation", "FinancialChapter", "GROUP_LABEL", "allocate", "cofinancing", "computation", "financial_chapter",
    "national_view", "params_for", "support_rows",
]
