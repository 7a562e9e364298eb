"""From the database to the framework-free engine: condition parameters, entry facts and evaluation scores.

Evaluation points are the evaluation module's (``socplan.evaluation.selectors.service_scores``, re-exported
here as :func:`service_scores`); the network never scores a service itself. When the evaluation has no scores
for the year, every entry's points condition says so ("hodnocení za rok X není k dispozici") and is not met.
The main form of an entry without a form is the service's main form (``socplan.registry.selectors``).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from socplan.evaluation.selectors import service_scores
from socplan.registry.selectors import SOURCE_NETWORK, ServiceCapacity, service_capacities

from .contracts import RequiredShare, cofinancing_source
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
    DevelopmentRequest,
    NetworkEntry,
    NetworkParameters,
    RequestKind,
    RequestType,
)

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
    """The newest parameters of the kraj and year (what new drafts and requests use)."""
    return (NetworkParameters.objects.current().filter(region=region, year=year)
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
    # co-financing rates are not here: the required share is a fact from the co-financing source (finance)
    limits = {"A": p.optimal_cost_a, "B": p.optimal_cost_b, "C": p.optimal_cost_c, "D": p.optimal_cost_d}
    thresholds: dict[str, float] = {}
    if p.points_threshold is not None:
        thresholds["*"] = float(p.points_threshold)
    for kp in kind_params:
        if kp.tier_id:  # a tier row carries only a co-financing rate
            continue
        key = f"{kp.kind.code}:{kp.form.code}" if kp.form_id else kp.kind.code
        if kp.optimal_cost is not None:
            limits[key] = kp.optimal_cost
        if kp.points_threshold is not None:
            thresholds[key] = float(kp.points_threshold)
    return ConditionParams(region_code=region.code, region_name=region.name, year=year, rules=rules,
                           budget_limits=limits, points_thresholds=thresholds)


# --- evaluation scores --------------------------------------------------------------------------------------

# ``service_scores(region_code, year)`` → {service pk: (score, threshold, meets)} is imported from the evaluation
# module above; an empty dict means the evaluation has no scores for the year (see ``evaluation_available``).


# --- the capacity a version states -------------------------------------------------------------------------

def stated_capacities(version) -> list[ServiceCapacity]:
    """One row per service of `version`: the service's main form and unit (registry rule,
    ``socplan.registry.selectors``) and the sum of the version's entries of the service counted in that unit.

    This is what ``socplan.registry.services.service_year_capacities_replace`` stores when the version is
    approved, so that every module reads the network's figure for the year. A non-zero entry capacity in another
    unit (or without a unit) cannot be summed: ValidationError listing those entries.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    rows = list(version.entries.order_by("service_id", "pk").values_list(
        "pk", "service_id", "service__name", "capacity_type__code", "capacity"))
    registered = service_capacities({r[1] for r in rows}, version.year, registry_only=True)
    units: dict[int, str | None] = {sid: c.capacity_type for sid, c in registered.items()}
    for _pk, sid, _name, unit, count in rows:  # a service registering nothing is counted in its entries' unit
        if units.get(sid) is None and unit is not None and count:
            units[sid] = unit
    totals: dict[int, int] = defaultdict(int)
    errors = []
    for pk, sid, name, unit, count in rows:
        totals[sid] += 0
        if not count:
            continue
        if unit != units[sid]:
            errors.append(_("Položka sítě %(id)s (%(name)s): kapacita %(count)s v jednotce %(unit)s, služba se "
                            "počítá v jednotce %(main)s.") % {"id": pk, "name": name, "count": count,
                                                                "unit": unit or "–", "main": units[sid] or "–"})
            continue
        totals[sid] += count
    if errors:
        raise ValidationError(errors)
    return [ServiceCapacity(sid, version.year, registered[sid].form, total, units[sid], SOURCE_NETWORK)
            for sid, total in totals.items()]


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
    capacities = service_capacities(sids, year)
    # the required municipal share and the declared amount per entry: one rule, computed by the finance module
    shares: dict[int, RequiredShare] = {}
    for network in {e.network_id: e.network for e in entries}.values():
        shares.update(cofinancing_source().shares_by_entry(network))
    requests = {r.pk: r for r in _request_qs().filter(pk__in={e.request_id for e in entries if e.request_id})}
    out = []
    for e in entries:
        s = e.service
        form = e.form.code if e.form_id else capacities[s.pk].form
        group = s.kind.group_for_form(form) if form else s.kind.financing_group
        req = requests.get(e.request_id)
        if req is not None and e.status == STATUS_EXPANDED:
            units = Decimal(req.capacity) if group in BED_GROUPS else req.fte
        else:
            units = Decimal(e.capacity) if group in BED_GROUPS else e.fte
        share = shares[e.pk]
        score = scores.get(s.pk)
        out.append(EntryFacts(
            key=e.pk, service_id=s.pk, label=s.name, kind_code=s.kind.code, category=s.kind.category,
            form=form, group=group, status=e.status, tier=e.tier.code,
            registered=True, identifier=s.identifier or "", valid_from=s.valid_from, valid_to=s.valid_to,
            territory=_territory(e.orps.all(), e.municipalities.all()),
            units=units, declared=share.declared, **_cofinancing(share),
            score=score[0] if score else None, threshold=score[1] if score else None,
            evaluation_available=bool(scores), **_development(req),
        ))
    return out


def _cofinancing(share: RequiredShare) -> dict:
    return {"cofinancing_required": share.required, "cofinancing_rate": share.rate,
            "cofinancing_basis": share.optimised_cost, "cofinancing_note": share.note}


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
    share = cofinancing_source().share_for_request(req)
    return EntryFacts(
        key=req.pk, service_id=s.pk if s else None, label=req.title, kind_code=req.kind.code,
        category=req.kind.category, form=req.form.code, group=group, status=status, tier=None,
        registered=s is not None, identifier=(s.identifier or "") if s else "",
        valid_from=s.valid_from if s else None, valid_to=s.valid_to if s else None,
        territory=_territory([req.orp], []), units=units, declared=share.declared, **_cofinancing(share),
        score=score[0] if score else None, threshold=score[1] if score else None,
        evaluation_available=scores is None or bool(scores), **_development(req),
    )


def entries_for_check(network) -> list[NetworkEntry]:
    return list(network.entries.select_related(
        "network__region", "service__kind", "form", "orp", "tier", "capacity_type")
        .defer("network__region__boundary", "orp__boundary")
        .prefetch_related(*entry_territory_prefetch()).order_by("service__name", "pk"))
