"""Writes of the finance module: one keyword-only function per domain action, atomic and audited.

Every function checks the actor's permission through ``socplan.accounts.scope`` (``require``) and writes its
history (django-simple-history, with the actor and a reason) in the same transaction. ``actor=None`` is the
system (demo loader, management commands run without ``--user``) and skips the permission check.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from socplan.accounts.decisions import DecisionKind, require_decision
from socplan.accounts.immutability import ApprovedRecordImmutable, current_approved
from socplan.accounts.scope import require
from socplan.core.services import model_update
from socplan.registry.models import ServiceKind
from socplan.registry.selectors import kinds_valid_in
from socplan.territory.models import Region

from . import engine
from . import inbox as notices
from .engine.params import GROUP_UNIT, Unit
from .models import (
    TERM_ORDER,
    AllocationMode,
    AllocationRow,
    AllocationRun,
    AllocationState,
    FinanceParams,
    FinanceRate,
    ProviderBudget,
    ReportState,
    Settlement,
    UnitKind,
    UnitReport,
)

ZERO = Decimal(0)
DEVIATION_LIMIT = Decimal("0.10")  # unit reports: ±10 % against the network's units is flagged
FALLBACK_FTE_NORMATIVE = Decimal(55000)


def _guard(actor, action: str, obj) -> None:
    if actor is not None:
        require(actor, action, obj)


def _audit(obj, actor, reason: str) -> None:
    if actor is not None and getattr(actor, "pk", None):
        obj._history_user = actor
    obj._change_reason = reason


# --- parameters ---------------------------------------------------------------------------------------------

def _default_rates(year: int) -> dict[tuple[str, str], engine.Rate]:
    """The engine's illustrative defaults per (kind, group) for every registry kind and group it can have."""
    defaults = engine.default_params(year)
    out = {}
    for kind in kinds_valid_in(year).prefetch_related("allowed_forms"):  # the kinds in force in the year
        groups = {kind.group_for_form(f.code) for f in kind.allowed_forms.all()} or {kind.financing_group}
        for group in sorted(groups):
            rate = defaults.rates.get((kind.code, engine.Group(group)))
            if rate is None:
                if GROUP_UNIT[engine.Group(group)] != Unit.FTE_MONTH:
                    continue  # a bed-day kind the defaults do not know: the officer adds it
                rate = engine.Rate(FALLBACK_FTE_NORMATIVE)
            out[(kind.code, group)] = rate
    return out


MIN_OCCUPANCY_GAP = Decimal("0.10")  # default minimum occupancy = expected occupancy − 10 points


@transaction.atomic
def finance_params_default_create(*, actor, region, year: int, scale: Decimal | None = None,
                                  note: str = "") -> FinanceParams:
    """Parameters of ``year`` from the illustrative default set (docs/financing.md §1).

    ``scale`` multiplies every money rate (normatives, user-fee and health-insurance rates; haléře, half up).
    """
    params = FinanceParams(region=region, year=year, illustrative=True,
                           note=note or _("Ilustrativní hodnoty – skutečné normativy kraje nebyly k dispozici."))
    _guard(actor, "change", params)
    params.full_clean()
    _audit(params, actor, _("výchozí ilustrativní parametry"))
    params.save()
    kinds = {k.code: k for k in ServiceKind.objects.all()}
    rates = []
    for (code, group), rate in sorted(_default_rates(year).items()):
        money = {f: _scaled(getattr(rate, f), scale) for f in ("normative", "user_fee", "health_insurance")}
        bed = group in ("C", "D")
        rates.append(FinanceRate(
            params=params, kind=kinds[code], group=group, occupancy=rate.occupancy if bed else Decimal(1),
            min_occupancy=(rate.occupancy - MIN_OCCUPANCY_GAP) if bed else None, **money))
    bulk_create_with_history(rates, FinanceRate, default_user=actor if getattr(actor, "pk", None) else None,
                             default_change_reason=str(_("výchozí ilustrativní parametry")))
    return params


def _scaled(value: Decimal, scale: Decimal | None) -> Decimal:
    if scale is None:
        return value
    return (value * scale).quantize(Decimal("0.01"), ROUND_HALF_UP)


def finance_params_used_by_approved(params: FinanceParams) -> bool:
    """Has an approved allocation been computed with these parameters and rates?"""
    return AllocationRun.objects.filter(params=params, approved_at__isnull=False).exists()


def finance_params_frozen(params: FinanceParams) -> bool:
    """May these parameters no longer change? Once an approved allocation used them, or a newer edition of the
    kraj and year supersedes them (then only the newest edition is edited)."""
    return not params.is_current or finance_params_used_by_approved(params)


def _require_params_unused(params: FinanceParams) -> None:
    """Parameters are frozen once an approved allocation used them: the allocation in force must stay explainable
    by the rates it was computed with. A change is a new edition (``finance_params_new_edition``)."""
    if not params.is_current:
        raise ValidationError(
            _("Parametry financování na rok %(year)s (vydání %(n)s) už nahradilo novější vydání; upravte to "
              "nejnovější.") % {"year": params.year, "n": params.edition}, code="params_superseded")
    if finance_params_used_by_approved(params):
        raise ValidationError(
            _("Parametry financování na rok %(year)s už použilo schválené rozdělení, proto je nelze měnit: "
              "schválené rozdělení musí dál odpovídat normativům, se kterými bylo spočteno. Chcete-li je změnit, "
              "založte „Novou verzi parametrů“ (kopii, se kterou budou počítat další výpočty).") % {
                  "year": params.year},
            code="params_frozen")


def _copy_params(params: FinanceParams, **fields) -> FinanceParams:
    """An unsaved copy of the general fields of ``params`` (``fields`` override)."""
    return FinanceParams(**{
        "region": params.region,
        **{f.name: getattr(params, f.name) for f in FinanceParams._meta.concrete_fields
           if f.editable and f.name not in ("id", "region", "year", "version")},
        **fields})


def _copy_rates(source: FinanceParams, target: FinanceParams, actor, reason: str) -> None:
    rates = [FinanceRate(params=target, kind_id=r.kind_id, group=r.group, normative=r.normative,
                         occupancy=r.occupancy, min_occupancy=r.min_occupancy, user_fee=r.user_fee,
                         health_insurance=r.health_insurance)
             for r in source.rates.all()]
    bulk_create_with_history(rates, FinanceRate, default_user=actor if getattr(actor, "pk", None) else None,
                             default_change_reason=reason)


@transaction.atomic
def finance_params_new_edition(*, actor, params: FinanceParams, reason: str = "") -> FinanceParams:
    """A new, editable edition of frozen parameters: a copy (general fields and rates) of the same kraj and year
    that supersedes them. Approved allocations keep the edition they were computed with; new computations of the
    year use the newest edition."""
    _guard(actor, "change", params)
    locked = FinanceParams.objects.select_for_update().get(pk=params.pk)
    if not locked.is_current:
        raise ValidationError(_("Tyto parametry už nahradilo novější vydání (%(n)s).") % {
            "n": locked.superseded_by.edition}, code="params_superseded")
    if not finance_params_used_by_approved(locked):
        raise ValidationError(_("Parametry financování na rok %(year)s zatím nepoužilo žádné schválené rozdělení; "
                                "upravte je přímo.") % {"year": locked.year}, code="params_not_frozen")
    new = _copy_params(locked, year=locked.year, edition=locked.edition + 1, supersedes=locked,
                       copied_from=locked.copied_from)
    new.full_clean()
    note = (reason or "").strip()[:100] or _("nová verze parametrů (vydání %(n)s)") % {"n": new.edition}
    _audit(new, actor, note)
    new.save()
    _copy_rates(locked, new, actor, str(_("nová verze parametrů")))
    return new


@transaction.atomic
def finance_params_update(*, actor, params: FinanceParams, data: dict, rates: dict[int, dict] | None = None,
                          expected_version: int | None = None) -> FinanceParams:
    """Update the general fields (``data``) and rates (``{rate pk: {field: value}}``) of a parameter set.

    Optimistic locking is on the parameter set: any change bumps its version, a stale ``expected_version``
    raises ``StaleEdit`` and writes nothing.
    """
    _guard(actor, "change", params)
    stored = FinanceParams.objects.select_for_update().get(pk=params.pk)
    _require_params_unused(stored)
    if expected_version is not None and stored.version != expected_version:
        model_update(instance=stored, data=data, actor=actor, expected_version=expected_version)  # raises StaleEdit
    changed_rates = False
    for rate in FinanceRate.objects.filter(params=stored, pk__in=list(rates or {})):
        _obj, changed = model_update(instance=rate, data=rates[rate.pk], actor=actor,
                                     reason=str(_("úprava normativu")))
        changed_rates |= changed
    obj, changed = model_update(instance=stored, data=data, actor=actor, reason=str(_("úprava parametrů")))
    if changed_rates and not changed:
        obj.version += 1
        _audit(obj, actor, str(_("úprava normativů")))
        obj.save(update_fields=["version"])
    return obj


@transaction.atomic
def finance_params_copy_to_year(*, actor, params: FinanceParams, year: int) -> FinanceParams:
    """A copy of ``params`` (with its rates) for another year of the same kraj."""
    if FinanceParams.objects.filter(region=params.region, year=year).exists():
        raise ValidationError(_("Parametry financování kraje na rok %(year)s už existují.") % {"year": year})
    new = _copy_params(params, year=year, copied_from=params)
    _guard(actor, "change", new)
    new.full_clean()
    _audit(new, actor, _("kopie parametrů roku %(year)s") % {"year": params.year})
    new.save()
    _copy_rates(params, new, actor, str(_("kopie parametrů")))
    return new


@transaction.atomic
def finance_rates_scale(*, actor, params: FinanceParams, factor: Decimal, reason: str = "") -> int:
    """Multiply every money rate of ``params`` by ``factor`` (haléře, half up). Returns the rates changed."""
    _guard(actor, "change", params)
    _require_params_unused(FinanceParams.objects.select_for_update().get(pk=params.pk))
    n = 0
    for rate in params.rates.all():
        data = {f: _scaled(getattr(rate, f), factor) for f in ("normative", "user_fee", "health_insurance")}
        _obj, changed = model_update(instance=rate, data=data, actor=actor, reason=reason)
        n += changed
    if n:
        params.version += 1
        _audit(params, actor, reason)
        params.save(update_fields=["version"])
    return n


# --- allocation ---------------------------------------------------------------------------------------------

@transaction.atomic
def allocation_run(*, actor, region, year: int, budget, mode: str = AllocationMode.RULES,
                   note: str = "", comp=None, programme_round=None) -> AllocationRun:
    """Allocate ``budget`` (whole CZK) to the network of the kraj in ``year`` and store the result.

    ``comp`` – an already built ``selectors.Computation`` of the same kraj and year (saves recomputing it).
    ``programme_round`` – the round of a subsidy programme the run belongs to: its budget is the most it may
    allocate, and kinds the programme does not fund get nothing (``programme_rules.programme_bounds``).
    """
    from . import selectors

    budget = Decimal(budget)
    if budget < 0 or budget != budget.to_integral_value():
        raise ValidationError(_("Rozpočet musí být nezáporná celá částka v Kč."))
    if mode not in AllocationMode.values:
        raise ValidationError(_("Neznámý režim rozdělení."))
    bounds = limits = floors = None
    previous: list = []
    programme = None
    if programme_round is not None:
        programme = programme_round.programme
        if (programme.region_id, programme.year) != (region.pk, year):
            raise ValidationError(_("Kolo programu patří jinému kraji nebo roku."))
        if budget > programme_round.budget:
            raise ValidationError(_("Rozpočet %(budget)s Kč převyšuje rozpočet kola %(round)s Kč.") % {
                "budget": _n(budget), "round": _n(programme_round.budget)})
    run = AllocationRun(region=region, year=year, mode=mode, budget=budget, note=note,
                        programme_round=programme_round,
                        damping_max_drop=programme.damping_max_drop if programme is not None else None,
                        created_by=actor if getattr(actor, "pk", None) else None)
    _guard(actor, "change", run)
    comp = comp or selectors.computation(region, year)
    if comp is None:
        raise ValidationError(_("Pro kraj a rok nejsou parametry financování."))
    frame = comp.network.frame
    if programme_round is not None:
        bounds, floors, previous, limits = round_inputs(programme_round, comp, mode)
    result = selectors.allocate(comp, budget, mode, bounds=bounds, floors=floors, limits=limits)
    run.total_optimal = result.total_optimal
    run.total_allocated = result.total_allocated
    run.network_source = comp.network.source
    run.params_version = comp.stored.version if comp.stored else 0
    run.params = comp.stored
    run.tiers = [{"tier": t.tier, "services": t.services, "need": t.need, "allocated": t.allocated,
                  "available": t.available, "status": t.status,
                  "coefficient": str(t.coefficient_decimal) if t.coefficient is not None else None}
                 for t in result.tiers]
    _audit(run, actor, _("rozdělení rozpočtu"))
    run.save()
    districts, orps = selectors.territory_ids(frame)
    protected = result.floor if result.floor is not None else result.lower
    bound = engine.binding(result)
    previous = previous or [None] * len(frame)
    AllocationRow.objects.bulk_create([
        AllocationRow(run=run, service_id=int(sp), key=str(key), kind_code=str(kind), group=str(group), tier=int(tier),
                      district_id=districts.get(dc), orp_id=orps.get(oc), optimal_support=int(op),
                      allocated=int(x), floor=int(f), previous=prev, bound=str(b))
        for key, sp, kind, group, tier, dc, oc, op, x, f, prev, b in zip(
            frame["service_id"], frame["service_pk"], frame["kind"], frame["group"], frame["tier"],
            frame["district_code"], frame["orp_code"], result.need.tolist(), result.allocated.tolist(),
            protected.tolist(), previous, bound.tolist(), strict=True)
    ], batch_size=1000)
    return run


def round_inputs(programme_round, comp, mode: str):
    """What a programme round's rules give the engine: ``(bounds, floors, last year's amounts, limits)`` — the
    eligible kinds, the damping floors, and (the weighted fair-share mode) the kind totals and district minimum.
    The one place both the stored run and ``socplan allocate --programme`` take them from."""
    from . import programme_rules

    programme = programme_round.programme
    bounds = programme_rules.programme_bounds(programme)
    floors, previous = _damping_floors(programme, comp.region, comp.year, comp)
    limits = programme_rules.programme_limits(programme, comp.network.frame) if mode == AllocationMode.OPTIMISE \
        else None
    return bounds, floors, previous, limits


def _damping_floors(programme, region, year: int, comp):
    """The programme's damping rule against last year's approved amounts of the programme of the same code."""
    from . import programme_rules, selectors

    amounts = selectors.allocated_by_key(region, year - 1, programme_code=programme.code)
    sizes = {}
    if amounts and programme.damping_max_drop is not None:
        before = selectors.computation(region, year - 1)
        if before is not None:
            f = before.network.frame
            sizes = {str(k): Decimal(str(a)) + Decimal(str(b))
                     for k, a, b in zip(f["service_id"], f["fte"], f["beds"], strict=True)}
    return programme_rules.damping(programme, comp.network.frame, amounts, sizes)


def below_floor_rows(run: AllocationRun):
    """Rows of ``run`` that get less than their protected floor (the budget did not cover the floors)."""
    return run.rows.filter(allocated__lt=F("floor"))


@transaction.atomic
def allocation_run_approve(*, actor, run: AllocationRun, decision_ref: str = "", reason: str = "",
                           below_floor_reason: str = "") -> AllocationRun:
    """Approve a stored allocation (``DecisionKind.ALLOCATION_APPROVE``: kraj staff with the right to approve).

    The approved run is immutable and becomes the allocation in force of its programme round (or, for a run
    outside a programme, of its kraj and year). While another approved run is in force there, approving is
    refused unless ``reason`` says why the new run supersedes it (``supersedes``; ``allocation_in_force``
    gives the one in force). The round (or the kraj) is row-locked first, so of two approvals at the same
    moment the second sees the first one's result; the database constraints of ``AllocationRun`` hold the same
    rule (exactly one approved run in force per round) against any other writer.

    A run in which some service gets less than its protected floor (the damping rule or a per-kind floor: the
    budget did not cover them) is approved only with ``below_floor_reason`` saying why, recorded on the run. A run
    outside any programme is refused while a programme round of the kraj and year has an allocation in force
    (it would not bind: ``selectors.runs_in_force``)."""
    from . import selectors

    _decide_guard(actor, DecisionKind.ALLOCATION_APPROVE, run)
    reason = (reason or "").strip()
    below_floor_reason = (below_floor_reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError(_("Důvod nahrazení může mít nejvýše 2000 znaků."))
    if len(below_floor_reason) > 2000:
        raise ValidationError({"below_floor_reason": _("Důvod schválení pod chráněným minimem může mít nejvýše "
                                                       "2000 znaků.")})
    _lock_allocation_scope(run)
    _locked(run)
    if run.is_approved:
        raise ApprovedRecordImmutable(run)
    same_scope = AllocationRun.objects.select_for_update().filter(
        region_id=run.region_id, year=run.year, programme_round_id=run.programme_round_id,
        approved_at__isnull=False).exclude(pk=run.pk)
    previous = current_approved(same_scope).order_by("-approved_at", "-pk").first()
    if previous is not None and not reason:
        raise ValidationError(_("Kolo už má schválené rozdělení (%(run)s). Nové rozdělení je nahradí jen "
                                "s uvedeným důvodem nahrazení.") % {"run": previous.decision_ref or previous.pk})
    if run.programme_round_id is None and selectors.runs_in_force(run.year, region=run.region).filter(
            programme_round__isnull=False).exists():
        raise ValidationError(_("Kraj má na rok %(year)s schválené rozdělení dotačního programu; rozdělení mimo "
                                "program by vedle něj nebylo závazné (částky by se počítaly dvakrát). Spočtěte "
                                "je v kole programu.") % {"year": run.year})
    below = below_floor_rows(run)
    n_below = below.count()
    if n_below and not below_floor_reason:
        raise ValidationError({"below_floor_reason": ngettext(
            "%(n)s služba dostává méně než své chráněné minimum (meziroční tlumení nebo minimum druhu). "
            "Schválení to musí výslovně potvrdit s uvedeným důvodem.",
            "%(n)s služby dostávají méně než své chráněné minimum (meziroční tlumení nebo minimum druhu). "
            "Schválení to musí výslovně potvrdit s uvedeným důvodem.", n_below) % {"n": n_below}})
    run.below_floor_reason = below_floor_reason if n_below else ""
    run.state = AllocationState.APPROVED
    run.approved_at = timezone.now()
    run.approved_by = actor if getattr(actor, "pk", None) else None
    run.decision_ref = (decision_ref or "").strip()[:200]
    run.supersedes = previous
    run.supersede_reason = reason if previous is not None else ""
    label = _("schváleno, nahrazuje předchozí") if previous is not None else _("schváleno")
    _audit(run, actor, (label + (f" ({run.decision_ref})" if run.decision_ref else ""))[:100])
    run.save()
    notices.allocation_approved(run, actor=actor)
    return run


def _lock_allocation_scope(run: AllocationRun) -> None:
    """Row-lock what two approvals of the same scope share: the programme round, or the kraj."""
    from .models import ProgrammeRound

    if run.programme_round_id is not None:
        ProgrammeRound.objects.select_for_update().filter(pk=run.programme_round_id).first()
    else:
        Region.objects.select_for_update().filter(pk=run.region_id).only("pk").first()


# --- provider reports ---------------------------------------------------------------------------------------

BUDGET_DATA_FIELDS = ProviderBudget.COST_FIELDS + list(ProviderBudget.REVENUE_FIELDS) + \
    list(ProviderBudget.PUBLIC_FIELDS) + ["note"]


def _editable_or_error(report) -> None:
    if not report.editable:
        raise ValidationError(_("Výkaz ve stavu „%(state)s“ nelze měnit.") % {"state": report.get_state_display()})


@transaction.atomic
def provider_budget_save(*, actor, service, year: int, term: str, data: dict,
                         expected_version: int | None = None) -> ProviderBudget:
    """Create or update a service's budget in one term (only drafts and returned budgets can change)."""
    data = {k: v for k, v in data.items() if k in BUDGET_DATA_FIELDS}
    budget = ProviderBudget.objects.filter(service=service, year=year, term=term).first()
    if budget is None:
        budget = ProviderBudget(service=service, year=year, term=term, **data)
        _guard(actor, "change", budget)
        budget.full_clean()
        _audit(budget, actor, _("rozpočet založen"))
        budget.save()
        return budget
    _guard(actor, "change", budget)
    _editable_or_error(budget)
    obj, _changed = model_update(instance=budget, data=data, actor=actor, expected_version=expected_version,
                                 reason=str(_("úprava rozpočtu")))
    return obj


@transaction.atomic
def unit_report_save(*, actor, service, year: int, half: int, actual_units, note: str = "",
                     expected_version: int | None = None, unit: str | None = None) -> UnitReport:
    """Create or update a half-yearly unit report (the unit follows the service's financing group)."""
    if unit is None:
        unit = service_unit(service, year)
    report = UnitReport.objects.filter(service=service, year=year, half=half).first()
    data = {"actual_units": Decimal(actual_units), "note": note}
    if report is None:
        report = UnitReport(service=service, year=year, half=half, unit=unit, **data)
        _guard(actor, "change", report)
        report.full_clean()
        _audit(report, actor, _("výkaz založen"))
        report.save()
        return report
    _guard(actor, "change", report)
    _editable_or_error(report)
    obj, _changed = model_update(instance=report, data=data, actor=actor, expected_version=expected_version,
                                 reason=str(_("úprava výkazu")))
    return obj


def service_unit(service, year: int) -> str:
    from . import selectors

    entry = selectors.service_entry(service, year)
    if entry is not None and entry["group"] in ("C", "D"):
        return UnitKind.BED_DAY
    if entry is None and any(f.form.code == "pob" for f in service.forms.select_related("form")):
        return UnitKind.BED_DAY
    return UnitKind.FTE_MONTH


@dataclass(frozen=True)
class Check:
    code: str
    level: str  # "error" blocks submitting; "warning" is the region's check, shown to the region
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "message": self.message}


def half_days(year: int, half: int) -> int:
    first = sum(calendar.monthrange(year, m)[1] for m in range(1, 7))
    return first if half == 1 else (366 if calendar.isleap(year) else 365) - first


def report_checks(report) -> list[Check]:
    """Validation (errors) and the region's checks (warnings) of a budget or unit report."""
    if isinstance(report, ProviderBudget):
        return _budget_checks(report)
    return _unit_checks(report)


def _budget_checks(b: ProviderBudget) -> list[Check]:
    from . import selectors

    out = []
    if b.total_costs <= 0:
        out.append(Check("no_costs", "error", _("Rozpočet nemá žádné náklady.")))
    i = TERM_ORDER.index(b.term)
    if i > 0:
        prev = TERM_ORDER[i - 1]
        if not ProviderBudget.objects.filter(service_id=b.service_id, year=b.year, term=prev,
                                             state=ReportState.APPROVED).exists():
            out.append(Check("previous_term", "error",
                             _("Nejprve musí být schválen rozpočet v termínu „%(term)s“.") % {
                                 "term": prev.label}))
    if b.total_sources < b.total_costs:
        out.append(Check("unbalanced", "warning", _("Zdroje (%(src)s Kč) nepokrývají náklady (%(cost)s Kč).") % {
            "src": _n(b.total_sources), "cost": _n(b.total_costs)}))
    allocated = selectors.allocated_amount(b.service_id, b.year)
    if allocated is not None and b.public_state > allocated:
        out.append(Check("above_allocation", "warning",
                         _("Dotace ze státního rozpočtu %(state)s Kč převyšuje přidělenou částku %(alloc)s Kč.") % {
                             "state": _n(b.public_state), "alloc": _n(allocated)}))
    net = b.total_costs - b.own_revenues
    if b.public_money > net and b.term in ("actual", "actual_tax"):
        out.append(Check("overcompensation_risk", "warning",
                         _("Veřejné prostředky (%(pub)s Kč) převyšují náklady snížené o vlastní výnosy (%(net)s Kč): "
                           "riziko nadměrné vyrovnávací platby.") % {"pub": _n(b.public_money), "net": _n(net)}))
    return out


def _unit_checks(r: UnitReport) -> list[Check]:
    from . import selectors

    out = []
    if r.actual_units <= 0:
        out.append(Check("no_units", "error", _("Zadejte skutečný počet jednotek (větší než 0).")))
    entry = selectors.service_entry(r.service, r.year)
    days = half_days(r.year, r.half)
    if entry is None:
        out.append(Check("not_in_network", "warning",
                         _("Služba není v síti roku %(year)s: jednotky nelze porovnat.") % {"year": r.year}))
        return out
    if r.unit == UnitKind.BED_DAY:
        beds = Decimal(entry["beds"])
        capacity = beds * days
        if beds and r.actual_units > capacity:
            out.append(Check("above_capacity", "error",
                             _("Lůžkodnů (%(n)s) je víc, než umožňuje kapacita v síti (%(beds)s lůžek × %(days)s dní "
                               "= %(cap)s).") % {"n": _n(r.actual_units), "beds": _n(beds), "days": days,
                                                 "cap": _n(capacity)}))
        if beds:
            occupancy = (r.actual_units / capacity).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            minimum = entry.get("min_occupancy")
            if minimum is not None and occupancy < minimum:
                out.append(Check("low_occupancy", "warning",
                                 _("Obložnost %(occ)s %% je pod minimem %(min)s %% (%(n)s lůžkodnů z %(cap)s).") % {
                                     "occ": _n(occupancy * 100, 2), "min": _n(minimum * 100, 2),
                                     "n": _n(r.actual_units), "cap": _n(capacity)}))
        return out
    expected = Decimal(entry["fte"]) * 6
    if expected:
        deviation = (r.actual_units / expected - 1).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if abs(deviation) > DEVIATION_LIMIT:
            out.append(Check("units_deviation", "warning",
                             _("Skutečné úvazky-měsíce %(n)s se liší od sítě (%(fte)s úvazků × 6 měsíců = %(exp)s) "
                               "o %(dev)s %%.") % {"n": _n(r.actual_units), "fte": _n(entry["fte"], 2),
                                                    "exp": _n(expected, 2), "dev": _n(deviation * 100, 2)}))
    return out


def _n(value, decimals: int = 0) -> str:
    from socplan.core.money import format_number

    return format_number(value, decimals)


@transaction.atomic
def provider_report_submit(*, actor, report):
    """Submit a draft or returned report. Errors of the validation block it; warnings are stored for the region."""
    _guard(actor, "change", report)
    _editable_or_error(report)
    checks = report_checks(report)
    errors = [c.message for c in checks if c.level == "error"]
    if errors:
        raise ValidationError(errors)
    report.state = ReportState.SUBMITTED
    report.checks = [c.as_dict() for c in checks]
    report.submitted_at = timezone.now()
    report.submitted_by = actor if getattr(actor, "pk", None) else None
    report.version += 1
    _audit(report, actor, _("předloženo ke kontrole"))
    report.save()
    notices.report_submitted(report, actor=actor)
    return report


def _decide_guard(actor, kind, obj) -> None:
    if actor is not None:
        require_decision(actor, kind, obj)


def _locked(obj):
    """Re-read `obj` under a row lock (two approvers at once: the second sees the first's decision)."""
    obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
    return obj


@transaction.atomic
def provider_report_return(*, actor, report, reason: str):
    """Return a submitted report to the provider for correction (``DecisionKind.REPORT_RETURN``: kraj staff with
    the right to approve)."""
    _decide_guard(actor, DecisionKind.REPORT_RETURN, report)
    _locked(report)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Vrátit k opravě lze jen předložený výkaz."))
    if not (reason or "").strip():
        raise ValidationError(_("Uveďte důvod vrácení."))
    report.state = ReportState.RETURNED
    report.return_reason = reason.strip()
    report.version += 1
    _audit(report, actor, (_("vráceno k opravě: %(reason)s") % {"reason": reason.strip()})[:100])
    report.save()
    notices.report_returned(report, actor=actor)
    return report


@transaction.atomic
def provider_report_approve(*, actor, report):
    """Approve a submitted report (``DecisionKind.REPORT_APPROVE``: kraj staff with the right to approve); it
    cannot change afterwards."""
    _decide_guard(actor, DecisionKind.REPORT_APPROVE, report)
    _locked(report)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Schválit lze jen předložený výkaz."))
    report.state = ReportState.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = actor if getattr(actor, "pk", None) else None
    report.version += 1
    _audit(report, actor, _("schváleno"))
    report.save()
    notices.report_approved(report, actor=actor)
    return report


# --- settlement ---------------------------------------------------------------------------------------------

def settlement_basis(service, year: int) -> ProviderBudget | None:
    """The approved actual budget of the year: after the tax return when approved, else the actual one."""
    for term in ("actual_tax", "actual"):
        b = ProviderBudget.objects.filter(service=service, year=year, term=term, state=ReportState.APPROVED).first()
        if b is not None:
            return b
    return None


def year_account(b: ProviderBudget) -> engine.YearAccount:
    return engine.YearAccount(
        service_id=b.service_id, year=b.year,
        costs={key: getattr(b, f) for f, key in ProviderBudget.COST_KEYS.items()},
        revenues={key: getattr(b, f) for f, key in ProviderBudget.REVENUE_FIELDS.items()},
        compensation={key: getattr(b, f) for f, key in ProviderBudget.PUBLIC_FIELDS.items()},
    )


@transaction.atomic
def settlement_compute(*, actor, service, year: int, profit_rate=ZERO) -> Settlement:
    """Settle a service's year from its approved actual budget (Decision 2012/21/EU; docs/financing.md §6)."""
    basis = settlement_basis(service, year)
    settlement = Settlement.objects.filter(service=service, year=year).first() or Settlement(
        service=service, year=year)
    _guard(actor, "change", settlement)
    if basis is None:
        raise ValidationError(_("Služba nemá za rok %(year)s schválenou skutečnost rozpočtu.") % {"year": year})
    result = engine.settle_year(year_account(basis), engine.SettlementParams(reasonable_profit_rate=profit_rate))
    settlement.budget = basis
    settlement.profit_rate = Decimal(profit_rate)
    for name in ("total_costs", "ineligible_costs", "eligible_costs", "own_revenues", "net_cost", "reasonable_profit",
                 "allowed", "compensation", "overcompensation", "undercompensation"):
        setattr(settlement, name, getattr(result, name).quantize(Decimal(1), ROUND_HALF_UP))
    settlement.explanation = result.explain()
    settlement.computed_by = actor if getattr(actor, "pk", None) else None
    settlement.full_clean()
    _audit(settlement, actor, _("vyúčtování vypočteno"))
    settlement.save()
    return settlement
