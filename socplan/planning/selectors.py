"""Planning reads, already restricted to what the user may see (`socplan.accounts.scope.restrict`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Sum

from socplan.registry.models import PlanningGroup

from . import engine
from .models import (
    ActionPlan,
    CapacityNeed,
    Comment,
    FundingSource,
    Indicator,
    Measure,
    MeasureBudget,
    MeasureReport,
    Meeting,
    Plan,
    PlanKind,
    PlanStatus,
    Priority,
    Resolution,
)


def _restrict(qs, user, action="view"):
    from socplan.accounts.scope import restrict

    return restrict(qs, user, action)


def can(user, action: str, obj) -> bool:
    from socplan.accounts.scope import can as scope_can

    return scope_can(user, action, obj)


def plans_visible(user):
    return _restrict(Plan.objects.select_related("region", "orp", "orp__district"), user)


def plan_get(user, pk) -> Plan:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(plans_visible(user), pk=pk)


def action_plans_visible(user):
    return _restrict(ActionPlan.objects.select_related("plan", "plan__region", "plan__orp"), user)


def meetings_public(region=None, orp=None):
    qs = Meeting.objects.filter(is_public=True).select_related("region", "orp", "group")
    if region is not None:
        qs = qs.filter(region=region)
    if orp is not None:
        qs = qs.filter(orp=orp)
    return qs


# --- plan structure -----------------------------------------------------------------------------------------

@dataclass
class GroupBlock:
    target_group: int
    label: str
    priorities: list[Priority] = field(default_factory=list)


@dataclass
class PlanStructure:
    plan: Plan
    sections: list
    system: list[Priority]
    groups: list[GroupBlock]
    measures: list[Measure]

    @property
    def priorities(self) -> list[Priority]:
        return self.system + [p for g in self.groups for p in g.priorities]


def plan_structure(plan: Plan) -> PlanStructure:
    """Sections, system priorities, then the four target groups with their priorities; measures prefetched
    with services, budget, indicators (targets, values), reports and milestones."""
    measures_qs = Measure.objects.select_related("responsible_user").prefetch_related(
        "services", "budget", "reports", "milestones",
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets", "values")),
    ).order_by("order", "code")
    priorities = list(plan.priorities.prefetch_related(Prefetch("measures", queryset=measures_qs))
                      .order_by("order", "code"))
    system = [p for p in priorities if p.kind == "system"]
    groups = []
    for value, label in PlanningGroup.choices:
        ps = [p for p in priorities if p.kind == "group" and p.target_group == value]
        if ps:
            groups.append(GroupBlock(value, str(label), ps))
    measures = [m for p in system + [p for g in groups for p in g.priorities] for m in p.measures.all()]
    return PlanStructure(plan, list(plan.sections.order_by("order", "pk")), system, groups, measures)


# --- monitoring ---------------------------------------------------------------------------------------------

def _engine_inputs(measures) -> tuple[list[engine.MeasureIn], list[engine.IndicatorIn]]:
    ms, inds = [], []
    for m in measures:
        ms.append(engine.MeasureIn(m.pk, m.year_from, m.year_to,
                                   [engine.ReportIn(r.year, r.state, r.progress) for r in m.reports.all()]))
        for i in m.indicators.all():
            inds.append(engine.IndicatorIn(i.pk, m.pk, i.direction, {t.year: t.value for t in i.targets.all()},
                                           {v.year: v.value for v in i.values.all()}))
    return ms, inds


def _monitoring_measures(plan_ids):
    return (Measure.objects.filter(plan_id__in=plan_ids)
            .prefetch_related("reports", Prefetch("indicators",
                                                  queryset=Indicator.objects.prefetch_related("targets", "values"))))


def default_year(plan: Plan) -> int:
    """The reporting year to show first: the latest year with a report, else the plan's first year."""
    last = MeasureReport.objects.filter(measure__plan=plan).order_by("-year").values_list("year", flat=True).first()
    if last is None:
        return plan.year_from
    return min(max(last, plan.year_from), plan.year_to + 1)


def plan_fulfilment(plan: Plan, year: int, measures=None) -> engine.Fulfilment:
    measures = measures if measures is not None else list(_monitoring_measures([plan.pk]))
    ms, inds = _engine_inputs(measures)
    return engine.fulfilment(ms, inds, year)


@dataclass
class RegionRow:
    orp: object
    plan: Plan | None
    fulfilment: engine.Fulfilment | None


def region_fulfilment(region, year: int) -> tuple[engine.Aggregate, list[RegionRow]]:
    """The ORP community plans of a kraj in force in `year` (approved, or superseded later), aggregated.
    ORP without such a plan are listed with no figures."""
    from socplan.territory.models import Orp

    plans = {}
    for p in (Plan.objects.filter(region=region, kind=PlanKind.COMMUNITY, year_from__lte=year, year_to__gte=year,
                                  status__in=(PlanStatus.APPROVED, PlanStatus.SUPERSEDED))
              .order_by("orp_id", "-status", "-year_from")):
        # "approved" sorts before "superseded" descending? keep the approved one when both exist.
        current = plans.get(p.orp_id)
        if current is None or (current.status != PlanStatus.APPROVED and p.status == PlanStatus.APPROVED):
            plans[p.orp_id] = p
    by_plan = defaultdict(list)
    for m in _monitoring_measures([p.pk for p in plans.values()]):
        by_plan[m.plan_id].append(m)
    rows_in, rows = [], []
    for orp in Orp.objects.filter(region=region).order_by("name"):
        plan = plans.get(orp.pk)
        if plan is None:
            rows_in.append((orp.pk, None, None))
        else:
            ms, inds = _engine_inputs(by_plan[plan.pk])
            rows_in.append((orp.pk, ms, inds))
    agg = engine.aggregate(rows_in, year)
    orps = {o.pk: o for o in Orp.objects.filter(region=region)}
    for (orp_id, *_), arow in zip(rows_in, agg.rows, strict=True):
        rows.append(RegionRow(orps[orp_id], plans.get(orp_id), arow.fulfilment))
    return agg, rows


# --- money --------------------------------------------------------------------------------------------------

@dataclass
class BudgetSummary:
    years: list[int]
    sources: list[tuple[str, str]]
    by_year_source: dict[tuple[int, str], Decimal]
    by_year: dict[int, Decimal]
    by_source: dict[str, Decimal]
    total: Decimal
    by_priority: list[tuple[Priority, Decimal]]


def plan_budget(plan: Plan, years: list[int] | None = None) -> BudgetSummary:
    years = years or plan.years
    qs = MeasureBudget.objects.filter(measure__plan=plan, year__in=years)
    cells = {(r["year"], r["source"]): r["total"] or Decimal(0)
             for r in qs.values("year", "source").annotate(total=Sum("amount"))}
    used = [(v, str(lbl)) for v, lbl in FundingSource.choices if any(k[1] == v for k in cells)]
    by_year = {y: sum((a for (yy, _s), a in cells.items() if yy == y), Decimal(0)) for y in years}
    by_source = {s: sum((a for (_y, ss), a in cells.items() if ss == s), Decimal(0)) for s, _ in used}
    per_priority = {r["measure__priority"]: r["total"] or Decimal(0)
                    for r in qs.values("measure__priority").annotate(total=Sum("amount"))}
    prios = [(p, per_priority.get(p.pk, Decimal(0))) for p in plan.priorities.order_by("kind", "target_group",
                                                                                       "order", "code")]
    return BudgetSummary(years, used, cells, by_year, by_source, sum(by_year.values(), Decimal(0)), prios)


# --- comments -----------------------------------------------------------------------------------------------

def comments_for(plan: Plan, user):
    qs = Comment.objects.filter(plan=plan).select_related("section", "priority", "measure", "resolved_by")
    return _restrict(qs, user)


def settlement_rows(plan: Plan):
    """The published settlement table: every comment with its resolution (no e-mails)."""
    return (Comment.objects.filter(plan=plan).select_related("section", "priority", "measure")
            .order_by("submitted_at", "pk"))


def comment_counts(plan: Plan) -> dict[str, int]:
    counts = {r: 0 for r, _ in Resolution.choices}
    for r in Comment.objects.filter(plan=plan).values_list("resolution", flat=True):
        counts[r] += 1
    counts["total"] = sum(counts.values())
    return counts


def measures_due(plan: Plan, year: int):
    return (Measure.objects.filter(plan=plan, year_from__lte=year, year_to__gte=year)
            .select_related("priority").prefetch_related("services", "budget")
            .order_by("priority__kind", "priority__target_group", "priority__order", "order", "code"))


def region_of_user(user):
    """The kraj the user works in (first role assignment), for defaults in forms."""
    from socplan.accounts.scope import grants
    from socplan.territory.models import Region

    for g in grants(user):
        if g.region_id:
            return Region.objects.filter(pk=g.region_id).first()
    return None


# --- capacity needs for the availability module -------------------------------------------------------------

# Which plan speaks for an ORP in a year when several cover it: the approved one, then one that an approved
# plan has replaced (it was in force then), then a draft put out for comments. Unpublished drafts never count.
NEED_PLAN_RANK = {PlanStatus.APPROVED: 3, PlanStatus.SUPERSEDED: 2, PlanStatus.COMMENT: 1}


@dataclass(frozen=True)
class PlannedNeed:
    """One capacity need entered by community planning, with the plan it comes from (for the explanation)."""

    orp_code: str
    orp_name: str
    kind_code: str
    capacity: Decimal
    unit: str  # CapacityType.code
    unit_label: str
    plan_id: int
    plan_title: str
    plan_status: str
    basis: str


def plans_in_force(region, year: int) -> dict[str, Plan]:
    """Per ORP code, the published community plan that speaks for `year` (see NEED_PLAN_RANK)."""
    best: dict[str, Plan] = {}
    qs = (Plan.objects.filter(region=region, kind=PlanKind.COMMUNITY, status__in=list(NEED_PLAN_RANK),
                              year_from__lte=year, year_to__gte=year).select_related("orp"))
    for plan in qs:
        key = (NEED_PLAN_RANK[plan.status], plan.year_from, plan.pk)
        current = best.get(plan.orp.code)
        if current is None or key > (NEED_PLAN_RANK[current.status], current.year_from, current.pk):
            best[plan.orp.code] = plan
    return best


def planned_needs(region, year: int, kind_code: str) -> list[PlannedNeed]:
    """Needs of one kind in one year, from the community plan in force in each ORP of the kraj.

    Contract with `socplan.availability.selectors.planned_needs`: entries carry `orp_code`, `capacity` (in
    the unit `unit`) and the plan they come from. Only published plans are read, so this is public data.
    """
    plans = plans_in_force(region, year)
    if not plans:
        return []
    by_pk = {p.pk: p for p in plans.values()}
    rows = (CapacityNeed.objects.filter(plan_id__in=by_pk, year=year, kind__code=kind_code)
            .select_related("capacity_type", "kind").order_by("plan__orp__name", "capacity_type__order"))
    out = []
    for n in rows:
        plan = by_pk[n.plan_id]
        out.append(PlannedNeed(orp_code=plan.orp.code, orp_name=plan.orp.name, kind_code=n.kind.code,
                               capacity=n.capacity, unit=n.capacity_type.code, unit_label=n.capacity_type.unit,
                               plan_id=plan.pk, plan_title=plan.title, plan_status=plan.status, basis=n.basis))
    return out


def capacity_needs_of(plan: Plan):
    return plan.capacity_needs.select_related("kind", "capacity_type", "measure").order_by(
        "kind__code", "capacity_type__order", "year")


@dataclass
class NeedRow:
    """One kind in one unit across the plan's years (the plan page's and the documents' table)."""

    kind: object
    capacity_type: object
    cells: list  # CapacityNeed or None, aligned with plan.years
    measures: list = field(default_factory=list)
    bases: list[str] = field(default_factory=list)


def capacity_needs_table(plan: Plan) -> list[NeedRow]:
    rows: dict[tuple, NeedRow] = {}
    years = plan.years
    for n in capacity_needs_of(plan):
        key = (n.kind.code, n.capacity_type.order, n.capacity_type.code)
        row = rows.get(key)
        if row is None:
            row = rows[key] = NeedRow(n.kind, n.capacity_type, [None] * len(years))
        if n.year in years:
            row.cells[years.index(n.year)] = n
        if n.measure_id and n.measure not in row.measures:
            row.measures.append(n.measure)
        if n.basis and n.basis not in row.bases:
            row.bases.append(n.basis)
    return [rows[k] for k in sorted(rows)]
