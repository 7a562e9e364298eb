"""Financing demo of Jihomoravský kraj (CZ064). Idempotent (nothing happens when the demo year's parameters
exist) and quick. Everything here is **demo data** (synthetic, labelled so wherever it reaches a user);
docs/financing.md §10 describes it.

1. Parameters of the demo year: the illustrative default set as documented in ``engine/params.py`` (normatives,
   occupancies, user-fee and health-insurance rates per kind and group) — no factor computed from a target. The
   network's optimised cost and the state need (optimised cost − every other source by its rule) are what these
   rates give; the parameters' note compares them with the seed plan 2015–2017 (3 039 820 634 Kč, 35 %) and says
   by how much they miss.
2. Parameters of the previous year: a copy with every money rate × 0.9524 (≈ −5 %), for the year-on-year table.
3. Co-financing declarations of the municipalities for the network of both years, sized against the required
   shares (the network's illustrative rates × the entries' optimised costs): the one or two largest municipalities
   of each service's main ORP declare the share rounded up to thousands; about 5 % of the services only half,
   about 3 % nothing — so the co-financing pages and the entry conditions show both outcomes.
4. Allocation runs of the demo year in both modes with the budget = 95 % of the computed state need (an
   assumption of the demo, so that the allocation has to reduce).
5. Provider reports of the demo provider (the one the demo user "poskytovatel" works for) in every workflow
   state, and a settlement of the previous year with overcompensation.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from socplan.core.money import czk, largest_remainder
from socplan.registry.demo import DEMO_REGION, DEMO_YEAR
from socplan.registry.models import Service
from socplan.territory.models import Region

from . import selectors, services
from .adapter import frame_cache
from .models import AllocationMode, BudgetTerm, FinanceParams, ReportState, UnitKind

SEED_OPTIMISED_COST = Decimal("3039820634")  # JMK plan 2015–2017 (domain.md §5.1)
SEED_STATE_NEED = Decimal("1063937222")  # its state need, 35 % of the optimised cost
PREVIOUS_YEAR_FACTOR = Decimal("0.9524")
BUDGET_SHARE = Decimal("0.95")  # the demo's state subsidy covers 95 % of the computed state need
OVERCOMPENSATION_SHARE = Decimal("0.02")


def _user(username):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def seed_comparison(on: Decimal, state: Decimal) -> str:
    """The parameters' note: what the documented illustrative rates give against the seed plan, and by how much
    they miss (Czech, shown on the parameters page and in the financial chapter)."""
    from socplan.core.money import format_czk, format_number

    share = (state * 100 / on) if on else Decimal(0)
    seed_share = SEED_STATE_NEED * 100 / SEED_OPTIMISED_COST
    return (
        "Demo: ilustrativní sazby výchozí sady (normativy, obložnosti, úhrady a platby pojišťoven podle druhu a "
        "skupiny, jak je uvádí dokumentace), žádný koeficient dopočtený z cíle. Optimalizované náklady demo sítě "
        f"{format_czk(on)} oproti plánu 2015–2017 {format_czk(SEED_OPTIMISED_COST)}: rozdíl "
        f"{format_czk(on - SEED_OPTIMISED_COST)} ({format_number((on / SEED_OPTIMISED_COST - 1) * 100, 2)} %). "
        f"Potřeba ze státního rozpočtu vypočtená jako optimalizované náklady − ostatní zdroje podle pravidel "
        f"{format_czk(state)}, tj. {format_number(share, 2)} % (plán: {format_number(seed_share, 2)} %, "
        f"{format_czk(SEED_STATE_NEED)}; rozdíl {format_number(share - seed_share, 2)} procentního bodu). "
        "Ilustrativní (syntetické) hodnoty, ne schválené normativy kraje.")


def demo_load() -> dict:
    region = Region.objects.filter(code=DEMO_REGION).defer("boundary").first()
    if region is None or not Service.objects.filter(region=region).exists():
        return {}
    if FinanceParams.objects.filter(region=region, year=DEMO_YEAR).exists():
        return {}
    with frame_cache():
        return _load(region)


def _load(region) -> dict:
    out = {}
    params, comp = _params(region)
    if comp is None:
        return {}
    out["note"] = params.note
    prev = services.finance_params_copy_to_year(actor=None, params=params, year=DEMO_YEAR - 1)
    services.finance_rates_scale(actor=None, params=prev, factor=PREVIOUS_YEAR_FACTOR,
                                 reason="demo: normativy předchozího roku (× 0,9524)")
    prev.note = ("Demo: parametry předchozího roku = parametry demo roku, všechny peněžní sazby × 0,9524 "
                 "(≈ −5 %). Ilustrativní (syntetické) hodnoty.")
    prev.save(update_fields=["note"])
    out["declarations"] = _declarations(region)
    budget = czk(BUDGET_SHARE * state_need(comp))
    for mode in (AllocationMode.RULES, AllocationMode.OPTIMISE):
        services.allocation_run(actor=None, region=region, year=DEMO_YEAR, budget=budget, mode=mode, comp=comp,
                                note="demo: rozpočet = 95 % vypočtené potřeby ze státního rozpočtu")
    out["reports"] = _reports(region, comp)
    from . import demo_programmes  # the programmes settle against the reports' approved budgets

    out["programmes"] = demo_programmes.demo_load(region, DEMO_YEAR, budget, comp.support.totals()["optimised_cost"],
                                                  comp=comp)

    return out


def state_need(comp) -> Decimal:
    """The computed state need of the network (optimised cost − every other source by its rule)."""
    from .engine import state_need as engine_state_need

    return engine_state_need(comp.frame())["state_need"]


def _params(region):
    params = services.finance_params_default_create(actor=None, region=region, year=DEMO_YEAR)
    comp = selectors.computation(region, DEMO_YEAR, stored=params)
    if comp is None or comp.network.empty:
        return params, None
    on = comp.support.totals()["optimised_cost"]
    params.note = seed_comparison(on, state_need(comp))
    params.version += 1
    params._change_reason = "demo: srovnání s plánem 2015–2017"
    params.save()
    comp.stored = params
    return params, comp


# --- co-financing declarations ----------------------------------------------------------------------------

DECLARATION_SEED = 20250601


def _declarations(region) -> int:
    """Declarations of the demo municipalities for the current network of both years (see the module docstring).

    Written in bulk (demo loader; the network's service for one declaration is
    ``network.services.cofinancing_declaration_submit``)."""
    from simple_history.utils import bulk_create_with_history

    from socplan.network.models import CofinancingDeclaration

    rows = []
    for year in (DEMO_YEAR - 1, DEMO_YEAR):
        if CofinancingDeclaration.objects.filter(region=region, year=year).exists():
            continue
        comp = selectors.computation(region, year)
        if comp is None or comp.network.source != "network":
            continue
        statement = selectors.cofinancing(region, year, comp=comp)
        frame = comp.frame()
        main_orp = dict(zip(frame["service_id"], frame["orp_code"], strict=True))
        largest = _largest_municipalities(region)
        required = defaultdict(Decimal)  # per service (a service split into parts declares once)
        orp_of = {}
        for e in statement.entries:
            required[e.service_id] += e.required
            orp_of.setdefault(e.service_id, main_orp[e.key])
        for service_id in sorted(required):
            total_required = required[service_id]
            h = random.Random(f"{DECLARATION_SEED}|decl|{year}|{service_id}").random()
            if total_required <= 0 or h < 0.03:
                continue  # nothing required, or no declaration at all
            share = Decimal("0.5") if h < 0.08 else Decimal(1)
            total = (total_required * share / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
            candidates = largest.get(orp_of[service_id]) or []
            if not candidates:
                continue
            n = 1 if total < 500_000 else min(2, len(candidates))
            parts = [total] if n == 1 else largest_remainder(total, [7, 3])
            for muni_pk, amount in zip(candidates[:n], parts, strict=True):
                rows.append(CofinancingDeclaration(
                    region=region, year=year, municipality_id=muni_pk, service_id=service_id, amount=amount,
                    declared_on=date(year - 1, 5, 15) + timedelta(days=int(h * 40)),
                    reference=f"usnesení zastupitelstva obce {year - 1}/{int(h * 90) + 1} (demo)"))
    bulk_create_with_history(rows, CofinancingDeclaration, default_change_reason="demo: deklarace obcí")
    return len(rows)


def _largest_municipalities(region) -> dict[str, list[int]]:
    """ORP code → its municipalities' pks, the most populous first."""
    from socplan.territory.models import Level, Municipality, PopulationFigure

    pop = dict(PopulationFigure.objects.filter(level=Level.MUNICIPALITY, band="total", is_estimate=False)
               .values_list("unit_code", "value"))
    out = defaultdict(list)
    for m in (Municipality.objects.filter(region=region).select_related("orp").only("pk", "code", "orp__code")):
        out[m.orp.code].append((pop.get(m.code, 0), m.code, m.pk))
    return {orp: [pk for _p, _c, pk in sorted(ms, reverse=True)] for orp, ms in out.items()}


# --- provider reports ---------------------------------------------------------------------------------------

def _reports(region, comp) -> dict:
    from socplan.accounts.demo import demo_provider

    provider = demo_provider()
    if provider is None:
        return {}
    approver = _user("kraj-schvalovatel")
    provider_user = _user("poskytovatel")
    prev_comp = selectors.computation(region, DEMO_YEAR - 1)
    frame = comp.frame()
    prev_frame = prev_comp.frame() if prev_comp is not None else frame.iloc[0:0]
    own = frame[frame["provider_id"] == provider.pk].sort_values("name")
    both = own[own["service_pk"].isin(set(prev_frame["service_pk"]))]
    bed = both[both["group"].isin(["C", "D"])]
    fte = own[~own["group"].isin(["C", "D"])]
    if bed.empty or len(fte) < 3:
        return {}
    s1 = Service.objects.get(pk=int(bed.iloc[0]["service_pk"]))
    others = [Service.objects.get(pk=int(p)) for p in fte["service_pk"].tolist()[:3]]
    p_row = prev_frame[prev_frame["service_pk"] == s1.pk].iloc[0]
    row = own[own["service_pk"] == s1.pk].iloc[0]

    def budget(service, year, term, r, *, scale=Decimal(1), actual=False, over=False):
        data = _budget_data(r, comp.params, scale=scale, actual=actual, over=over)
        return services.provider_budget_save(actor=provider_user, service=service, year=year, term=term, data=data)

    def submit(report):
        return services.provider_report_submit(actor=provider_user, report=report)

    def approve(report):
        return services.provider_report_approve(actor=approver, report=report)

    # previous year: all four terms approved → settlement with overcompensation
    prev = DEMO_YEAR - 1
    for term, scale, actual in ((BudgetTerm.PLAN, Decimal(1), False), (BudgetTerm.ADJUSTED, Decimal("1.02"), False),
                                (BudgetTerm.ACTUAL, Decimal("0.97"), True),
                                (BudgetTerm.ACTUAL_TAX, Decimal("0.97"), True)):
        b = budget(s1, prev, term, p_row, scale=scale, actual=actual, over=term == BudgetTerm.ACTUAL_TAX)
        approve(submit(b))
    settlement = services.settlement_compute(actor=approver, service=s1, year=prev)
    # demo year: one budget in every state
    approve(submit(budget(s1, DEMO_YEAR, BudgetTerm.PLAN, row)))
    submit(budget(s1, DEMO_YEAR, BudgetTerm.ADJUSTED, row, scale=Decimal("1.01")))
    r2 = own[own["service_pk"] == others[0].pk].iloc[0]
    r3 = own[own["service_pk"] == others[1].pk].iloc[0]
    r4 = own[own["service_pk"] == others[2].pk].iloc[0]
    submit(budget(others[0], DEMO_YEAR, BudgetTerm.PLAN, r2))
    returned = submit(budget(others[1], DEMO_YEAR, BudgetTerm.PLAN, r3))
    services.provider_report_return(actor=approver, report=returned,
                                    reason="Osobní náklady neodpovídají počtu úvazků v síti; doložte prosím výpočet.")
    budget(others[2], DEMO_YEAR, BudgetTerm.PLAN, r4)
    # half-yearly units: bed-days of the home (low occupancy flagged), FTE-months of the others
    days1 = services.half_days(DEMO_YEAR, 1)
    bed_days = (Decimal(int(row["beds"])) * days1 * Decimal("0.70")).quantize(Decimal(1), ROUND_HALF_UP)
    u1 = services.unit_report_save(actor=provider_user, service=s1, year=DEMO_YEAR, half=1, actual_units=bed_days,
                                   unit=UnitKind.BED_DAY, note="Obložnost snížena rekonstrukcí jednoho patra.")
    approve(submit(u1))
    services.unit_report_save(actor=provider_user, service=s1, year=DEMO_YEAR, half=2,
                              actual_units=bed_days, unit=UnitKind.BED_DAY)
    fte_months = (Decimal(r2["fte"]) * 6 * Decimal("0.85")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    submit(services.unit_report_save(actor=provider_user, service=others[0], year=DEMO_YEAR, half=1,
                                     actual_units=fte_months, unit=UnitKind.FTE_MONTH))
    u3 = submit(services.unit_report_save(actor=provider_user, service=others[1], year=DEMO_YEAR, half=1,
                                          actual_units=(Decimal(r3["fte"]) * 6).quantize(Decimal("0.01")),
                                          unit=UnitKind.FTE_MONTH))
    services.provider_report_return(actor=approver, report=u3, reason="Chybí rozpis úvazků po měsících.")
    return {"settlement_overcompensation": str(settlement.overcompensation),
            "states": sorted(ReportState.values)}


def _budget_data(r, params, *, scale=Decimal(1), actual=False, over=False) -> dict:
    """A plausible budget from the entry's computed amounts (ON, ÚH, ZP, SF, OP), scaled."""
    on = czk(Decimal(int(r["optimised_cost"])) * scale)
    fees = czk(Decimal(int(r["user_fees"])) * scale)
    health = czk(Decimal(int(r["health_insurance"])) * scale)
    region_part = czk(Decimal(int(r["region_cofinancing"])) * scale)
    muni_part = czk(Decimal(int(r["municipal_cofinancing"])) * scale)
    sf = region_part + muni_part
    personnel, operating = largest_remainder(on, [70, 30])
    data = {"cost_personnel": personnel, "cost_operating": operating, "revenue_users": fees,
            "revenue_health_insurance": health}
    data["public_region"], data["public_municipalities"] = region_part, muni_part
    if actual:
        data["cost_depreciation_reserves"] = czk(on * Decimal("0.015"))
        data["cost_reclaimable_vat"] = czk(on * Decimal("0.003"))
        data["revenue_other_own"] = czk(on * Decimal("0.005"))
    own = fees + health + data.get("revenue_other_own", Decimal(0))
    eligible = personnel + operating
    net = eligible - own
    state = net - sf
    if over:  # public money above the net cost: overcompensation of 2 % of the net cost
        state += czk(net * OVERCOMPENSATION_SHARE)
    elif actual:
        state -= czk(net * Decimal("0.01"))
    data["public_state"] = max(state, Decimal(0))
    return data
