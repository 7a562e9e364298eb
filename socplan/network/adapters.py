"""From the database to the framework-free engine: condition parameters, entry facts and evaluation scores.

Evaluation points come from ``socplan.evaluation.selectors.service_scores(region_code, year)`` when the
evaluation module provides it; until then (or when it has no scores for the year) they are computed here with
the evaluation engine's default methodology from the registry data (costs, staffing, beds, revenues). Inputs
the registry does not hold (assessments, bed-days, clients …) are *missing*, which the engine scores 0 points –
so the fallback is a lower bound, and the reason text always shows the score and the threshold used.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from socplan.core.money import czk
from socplan.registry.models import Economics, ServiceForm, Staffing

from .engine.conditions import (
    DEFAULT_RULES,
    STATUS_EXISTING,
    STATUS_EXPANDED,
    STATUS_NEW,
    ConditionParams,
    ConditionRule,
    EntryFacts,
    TerritoryUnit,
)
from .models import (
    CofinancingDeclaration,
    DevelopmentRequest,
    NetworkEntry,
    NetworkParameters,
    RequestKind,
    RequestType,
)

FORM_ORDER = ("amb", "ter", "pob")
# Territorial units carry large GeoJSON outlines: never load them here.
NO_OUTLINES = ("boundary",)


def orp_qs():
    from socplan.territory.models import Orp

    return Orp.objects.select_related("region", "district").defer(
        "boundary", "region__boundary", "district__boundary")


def municipality_qs():
    from socplan.territory.models import Municipality

    return Municipality.objects.select_related("region").defer("boundary", "region__boundary")


def entry_territory_prefetch():
    from django.db.models import Prefetch

    return [Prefetch("orps", queryset=orp_qs()), Prefetch("municipalities", queryset=municipality_qs())]
BED_GROUPS = ("C", "D")


# --- parameters ---------------------------------------------------------------------------------------------

def parameters_for(region, year: int) -> NetworkParameters | None:
    return (NetworkParameters.objects.filter(region=region, year=year)
            .prefetch_related("rules", "kind_parameters__kind", "kind_parameters__form").first())


def condition_params(region, year: int, parameters: NetworkParameters | None = None) -> ConditionParams:
    """The engine's parameters from the stored yearly settings (defaults when the year has none)."""
    p = parameters if parameters is not None else parameters_for(region, year)
    if p is None:
        p = NetworkParameters(region=region, year=year)
        rules = DEFAULT_RULES
        kind_params = []
    else:
        stored = list(p.rules.all())
        rules = tuple(ConditionRule(r.code, r.name, r.enabled, r.applies_to) for r in stored) or DEFAULT_RULES
        kind_params = list(p.kind_parameters.all())
    rates = {"*": p.cofinancing_rate, "prevence": p.cofinancing_rate_prevention,
             "poradenstvi": p.cofinancing_rate_counselling, "pece": p.cofinancing_rate_care}
    costs = {"A": p.optimal_cost_a, "B": p.optimal_cost_b, "C": p.optimal_cost_c, "D": p.optimal_cost_d}
    thresholds: dict[str, float] = {}
    if p.points_threshold is not None:
        thresholds["*"] = float(p.points_threshold)
    for kp in kind_params:
        key = f"{kp.kind.code}:{kp.form.code}" if kp.form_id else kp.kind.code
        if kp.cofinancing_rate is not None:
            rates[key] = kp.cofinancing_rate
        if kp.optimal_cost is not None:
            costs[key] = kp.optimal_cost
        if kp.points_threshold is not None:
            thresholds[key] = float(kp.points_threshold)
    return ConditionParams(region_code=region.code, region_name=region.name, year=year, rules=rules,
                           cofinancing_rates=rates, optimal_costs=costs, points_thresholds=thresholds)


# --- evaluation scores --------------------------------------------------------------------------------------

def service_scores(region_code: str, year: int) -> dict:
    """{service_id: (score, threshold, meets)} – from the evaluation module, else computed here."""
    try:
        from socplan.evaluation.selectors import service_scores as evaluation_scores
    except ImportError:
        evaluation_scores = None
    if evaluation_scores is not None:
        scores = evaluation_scores(region_code, year)
        if scores:
            return dict(scores)
    return engine_scores(region_code, year)


def _latest_by_service(rows: Iterable, year: int) -> dict:
    """Per service the row of `year`, else the latest earlier year, else the earliest later one."""
    best: dict = {}
    for r in rows:
        cur = best.get(r.service_id)
        rank = (0, -r.year) if r.year <= year else (1, r.year)
        if cur is None or rank < cur[0]:
            best[r.service_id] = (rank, r)
    return {sid: r for sid, (_rank, r) in best.items()}


def main_form(form_codes: list[str], capacity_type: str | None = None) -> str | None:
    codes = [c for c in FORM_ORDER if c in form_codes]
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0]
    if capacity_type == "luzka" and "pob" in codes:
        return "pob"
    return next((c for c in codes if c != "pob"), codes[0])


def engine_scores(region_code: str, year: int) -> dict:
    """Scores by the evaluation engine's default methodology from registry data (fallback, see module doc)."""
    import pandas as pd

    from socplan.evaluation.engine import default_jmk_2014, evaluate
    from socplan.registry.models import Capacity, Service

    services = list(Service.objects.filter(region__code=region_code).select_related("kind").only("pk", "kind__code"))
    if not services:
        return {}
    ids = [s.pk for s in services]
    forms = defaultdict(list)
    for sid, code in ServiceForm.objects.filter(service_id__in=ids).values_list("service_id", "form__code"):
        forms[sid].append(code)
    beds = defaultdict(int)
    for sid, n in Capacity.objects.filter(service_form__service_id__in=ids, capacity_type__code="luzka") \
            .values_list("service_form__service_id", "count"):
        beds[sid] += n
    econ = _latest_by_service(Economics.objects.filter(service_id__in=ids), year)
    staff = _latest_by_service(Staffing.objects.filter(service_id__in=ids), year)
    methodology = default_jmk_2014(year)
    rows = []
    for s in services:
        form = main_form(forms[s.pk], "luzka" if beds[s.pk] else None)
        if methodology.group_of(s.kind.code, form) is None:
            continue
        e, st = econ.get(s.pk), staff.get(s.pk)
        rows.append({
            "service_id": s.pk, "kind": s.kind.code, "form": form or "",
            "costs": float(e.total_costs) if e else math.nan,
            "fte_direct": float(st.fte_direct) if st else math.nan,
            "fte_other": float(st.fte_other) if st else math.nan,
            "capacity": float(beds[s.pk]) if beds[s.pk] else math.nan,
            "rev_users": float(e.revenue_user_fees) if e else math.nan,
            "rev_health": float(e.revenue_health_insurance) if e else math.nan,
            "rev_municipal": float(e.revenue_municipalities) if e else math.nan,
            "rev_other": float(e.revenue_other) if e else math.nan,
        })
    if not rows:
        return {}
    result = evaluate(pd.DataFrame(rows), methodology)
    out = {}
    for sid, row in result.services.iterrows():
        out[int(sid)] = (float(row["score"]), float(row["threshold"]), bool(row["meets_threshold"]))
    return out


# --- facts --------------------------------------------------------------------------------------------------

def _territory(orps, municipalities) -> tuple[TerritoryUnit, ...]:
    units = [TerritoryUnit(f"ORP {o.name}", o.region.code, o.region.name) for o in orps]
    units += [TerritoryUnit(f"obec {m.name}", m.region.code, m.region.name) for m in municipalities]
    return tuple(units)


def _development(req: DevelopmentRequest | None) -> dict:
    if req is None:
        return {}
    measure = req.measure
    measure_orp = None
    if measure is not None and measure.plan.kind == "community" and measure.plan.orp_id:
        measure_orp = measure.plan.orp.name
    ap = req.action_plan
    return {
        "orp_name": req.orp.name,
        "need_declared": req.need_declared,
        "measure_code": measure.code if measure else "",
        "measure_title": measure.title if measure else "",
        "measure_orp_name": measure_orp,
        "expected_cost": req.expected_cost,
        "action_plan_year": ap.year if ap else None,
        "action_plan_title": ap.title if ap else "",
    }


def _request_qs():
    return DevelopmentRequest.objects.select_related(
        "orp__region", "measure__plan__orp", "action_plan", "service", "kind", "form", "capacity_type", "region").defer(
        "orp__boundary", "orp__region__boundary", "measure__plan__orp__boundary", "region__boundary")


def entry_facts(entries: list[NetworkEntry], year: int, scores: dict | None = None) -> list[EntryFacts]:
    """Facts of network entries (prefetching what the conditions need in a few queries)."""
    entries = list(entries)
    if not entries:
        return []
    region_code = entries[0].network.region.code
    if scores is None:
        scores = service_scores(region_code, year)
    sids = {e.service_id for e in entries}
    forms = defaultdict(list)
    for sid, code in ServiceForm.objects.filter(service_id__in=sids).values_list("service_id", "form__code"):
        forms[sid].append(code)
    econ = _latest_by_service(Economics.objects.filter(service_id__in=sids), year)
    declared = defaultdict(Decimal)
    for sid, amount in CofinancingDeclaration.objects.filter(service_id__in=sids, year=year).values_list(
            "service_id", "amount"):
        declared[sid] += amount
    requests = {r.pk: r for r in _request_qs().filter(pk__in={e.request_id for e in entries if e.request_id})}
    parts = defaultdict(list)
    for e in entries:
        parts[e.service_id].append(e)
    out = []
    for e in entries:
        s = e.service
        cap_code = e.capacity_type.code if e.capacity_type_id else None
        form = e.form.code if e.form_id else main_form(forms[s.pk], cap_code)
        group = s.kind.group_for_form(form) if form else s.kind.financing_group
        req = requests.get(e.request_id)
        if req is not None and e.status == STATUS_EXPANDED:
            units = Decimal(req.capacity) if group in BED_GROUPS else req.fte
        else:
            units = Decimal(e.capacity) if group in BED_GROUPS else e.fte
        whole = not e.form_id and not e.orp_id
        e_cost = econ.get(s.pk)
        reported = czk(e_cost.total_costs) if whole and e_cost is not None else None
        siblings = parts[s.pk]
        share = Decimal(1)
        if len(siblings) > 1:
            total_units = sum((Decimal(x.fte) for x in siblings), Decimal(0))
            share = (Decimal(e.fte) / total_units) if total_units else Decimal(1) / len(siblings)
        score = scores.get(s.pk)
        out.append(EntryFacts(
            key=e.pk, service_id=s.pk, label=s.name, kind_code=s.kind.code, category=s.kind.category,
            form=form, group=group, status=e.status, tier=e.tier.code,
            registered=True, identifier=s.identifier or "", valid_from=s.valid_from, valid_to=s.valid_to,
            territory=_territory(e.orps.all(), e.municipalities.all()),
            reported_cost=reported, units=units, declared=czk(declared[s.pk] * share),
            score=score[0] if score else None, threshold=score[1] if score else None,
            **_development(req),
        ))
    return out


def request_status(req: DevelopmentRequest) -> str:
    if req.request_kind == RequestKind.NEW:
        return STATUS_NEW
    if req.request_type == RequestType.C:
        return STATUS_EXISTING
    return STATUS_EXPANDED


def request_facts(req: DevelopmentRequest, scores: dict | None = None) -> EntryFacts:
    """Facts of a development request, checked as the entry it would become."""
    status = request_status(req)
    group = req.kind.group_for_form(req.form.code)
    units = Decimal(req.capacity) if group in BED_GROUPS else req.fte
    s = req.service
    score = None
    if s is not None and status != STATUS_NEW:
        if scores is None:
            scores = service_scores(req.region.code, req.year)
        score = scores.get(s.pk)
    declared = sum((d.amount for d in req.declarations.all()), Decimal(0)) if req.pk else Decimal(0)
    return EntryFacts(
        key=req.pk, service_id=s.pk if s else None, label=req.title, kind_code=req.kind.code,
        category=req.kind.category, form=req.form.code, group=group, status=status, tier=None,
        registered=s is not None, identifier=(s.identifier or "") if s else "",
        valid_from=s.valid_from if s else None, valid_to=s.valid_to if s else None,
        territory=_territory([req.orp], []), reported_cost=req.expected_cost, units=units, declared=czk(declared),
        score=score[0] if score else None, threshold=score[1] if score else None,
        **_development(req),
    )


def entries_for_check(network) -> list[NetworkEntry]:
    return list(network.entries.select_related(
        "network__region", "service__kind", "form", "orp", "tier", "capacity_type")
        .defer("network__region__boundary", "orp__boundary")
        .prefetch_related(*entry_territory_prefetch()).order_by("service__name", "pk"))
