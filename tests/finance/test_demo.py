"""The financing demo (socplan/finance/demo.py, docs/financing.md §10): documented illustrative rates (no
factor computed from a target), the computed state need and its comparison with the seed plan, allocation runs,
provider reports in every workflow state and a settlement with overcompensation.

The totals are recomputed here with plain Decimal arithmetic row by row (not with the engine), from the
network frame and the stored parameters, so the comparison is checked independently of the code under test.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from socplan.finance import adapter, demo, engine, selectors
from socplan.finance.models import (
    AllocationMode,
    AllocationRow,
    AllocationRun,
    FinanceParams,
    ProviderBudget,
    ReportState,
    Settlement,
    UnitReport,
)
from socplan.registry.demo import DEMO_REGION, DEMO_YEAR

pytestmark = pytest.mark.django_db

SEED_ON = Decimal("3039820634")
SEED_STATE = Decimal("1063937222")


def czk(x: Decimal) -> Decimal:
    return x.quantize(Decimal(1), ROUND_HALF_UP)


def hand_totals(frame, rates: dict, days: int) -> dict[str, Decimal]:
    """ON and ÚH of every row by the formulas of docs/financing.md §2, each rounded half up, summed."""
    on = fees = Decimal(0)
    for r in frame.to_dict("records"):
        rate = rates[(r["kind"], r["group"])]
        if r["group"] in ("C", "D"):
            ld = Decimal(int(r["beds"])) * days * rate["occupancy"]
            on += czk(rate["normative"] * ld)
            fees += czk(rate["user_fee"] * ld)
        else:
            on += czk(rate["normative"] * Decimal(r["fte"]) * 12)
            fees += czk(rate["user_fee"] * Decimal(int(r["users"])) * 12)
    return {"optimised_cost": on, "user_fees": fees}


def _rates(params) -> dict:
    return {(r.kind.code, r.group): {"normative": r.normative, "occupancy": r.occupancy, "user_fee": r.user_fee}
            for r in params.rates.select_related("kind")}


@pytest.fixture
def demo_params():
    return FinanceParams.objects.get(region__code=DEMO_REGION, year=DEMO_YEAR)


def test_seed_arithmetic():
    # domain.md §5.1: 1 063 937 222 / 3 039 820 634 = 35 % (35 % of the cost is 1 063 937 221.9 → …222)
    assert czk(Decimal("0.35") * SEED_ON) == SEED_STATE


def test_demo_rates_are_the_documented_defaults(demo_params):
    """No calibration: every stored rate is the illustrative default of engine/params.py."""
    defaults = engine.default_params(DEMO_YEAR)
    stored = _rates(demo_params)
    for (kind, group), r in defaults.rates.items():
        s = stored[(kind, group.value)]
        assert (s["normative"], s["user_fee"]) == (r.normative, r.user_fee), (kind, group)
        if group.value in ("C", "D"):
            assert s["occupancy"] == r.occupancy
    assert demo_params.illustrative


def test_the_note_says_how_far_the_demo_is_from_the_seed_plan(demo_params):
    nf = adapter.network_frame(DEMO_REGION, DEMO_YEAR, rated=set(_rates(demo_params)))
    assert len(nf.frame) > 400
    on = hand_totals(nf.frame, _rates(demo_params), 365)["optimised_cost"]
    ch = selectors.financial_chapter(DEMO_REGION, DEMO_YEAR)
    assert ch.totals["optimised_cost"] == on
    from socplan.core.money import format_czk

    # the difference to 3 039 820 634 Kč and the state share against 35 % are stated, with their signs
    assert format_czk(on) in demo_params.note and format_czk(on - SEED_ON) in demo_params.note
    assert format_czk(ch.state_need) in demo_params.note and "35,00" in demo_params.note
    assert "žádný koeficient dopočtený z cíle" in demo_params.note and "Ilustrativní" in demo_params.note


def test_chapter_state_share_is_computed_not_set(demo_params):
    ch = selectors.financial_chapter(DEMO_REGION, DEMO_YEAR)
    on = ch.totals["optimised_cost"]
    sources = {p["key"]: p["amount"] for p in ch.formula_sources}
    others = sum((v for k, v in sources.items() if k != "state"), Decimal(0))
    # state need = ON − every other source; the municipalities by the co-financing statement, to the crown
    assert ch.state_need == sources["state"] == on - others == ch.totals["optimal_support"]
    assert sources["municipalities"] == selectors.cofinancing(DEMO_REGION, DEMO_YEAR).required > 0
    assert ch.state_share_pct == (ch.state_need * 100 / on).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert ch.state_share_pct != Decimal("35.00")  # not the planned share shown back
    # the planning documents' contract: the computed sources, adding up to ON
    assert ch.total == on and sum((r["amount"] for r in ch.rows), Decimal(0)) == on
    assert sum((p["amount"] for p in ch.planned), Decimal(0)) == on


def test_allocation_runs_in_both_modes_with_95_percent_of_the_state_need(demo_params):
    ch = selectors.financial_chapter(DEMO_REGION, DEMO_YEAR, previous=False)
    for mode in AllocationMode.values:
        run = AllocationRun.objects.filter(region__code=DEMO_REGION, year=DEMO_YEAR, mode=mode,
                                           programme_round=None).get()
        assert run.budget == czk(Decimal("0.95") * ch.state_need)
        rows = AllocationRow.objects.filter(run=run)
        assert rows.count() == ch.services
        assert sum(r.allocated for r in rows) == run.total_allocated == run.budget  # the need exceeds the budget
        assert sum(r.optimal_support for r in rows) == run.total_optimal == ch.totals["optimal_support"]
        assert all(0 <= r.allocated <= r.optimal_support for r in rows)


def test_previous_year_parameters_for_the_year_on_year_table(demo_params):
    prev = FinanceParams.objects.get(region__code=DEMO_REGION, year=DEMO_YEAR - 1)
    assert prev.copied_from_id == demo_params.pk
    r_now = demo_params.rates.get(kind__code="49", group="D").normative
    r_prev = prev.rates.get(kind__code="49", group="D").normative
    assert r_prev == (r_now * Decimal("0.9524")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    ch = selectors.financial_chapter(DEMO_REGION, DEMO_YEAR)
    assert ch.year_on_year is not None and ch.previous_year == DEMO_YEAR - 1
    total = ch.year_on_year.iloc[-1]
    assert total["kind"] == "Celkem"
    assert total["optimised_cost_current"] == ch.totals["optimised_cost"]


def test_provider_reports_in_every_workflow_state():
    assert set(ProviderBudget.objects.values_list("state", flat=True)) == set(ReportState.values)
    assert set(UnitReport.objects.values_list("state", flat=True)) == set(ReportState.values)
    returned = ProviderBudget.objects.filter(state=ReportState.RETURNED).first()
    assert returned.return_reason
    # the region's checks were recorded when submitting: a low occupancy and an FTE deviation
    codes = {c["code"] for r in UnitReport.objects.exclude(state=ReportState.DRAFT) for c in r.checks}
    assert {"low_occupancy", "units_deviation"} <= codes
    # approved reports are immutable
    approved = ProviderBudget.objects.filter(state=ReportState.APPROVED).first()
    from socplan.accounts.immutability import ApprovedRecordImmutable

    with pytest.raises(ApprovedRecordImmutable):
        approved.save()


def test_one_settlement_with_overcompensation():
    s = Settlement.objects.get()
    b = s.budget
    assert b.state == ReportState.APPROVED and b.term == "actual_tax"
    # by hand from the budget's lines (docs/financing.md §6.1, profit 0)
    ineligible = b.cost_depreciation_reserves + b.cost_long_term_assets + b.cost_reclaimable_vat + b.cost_other_ineligible
    eligible = b.total_costs - ineligible
    net = eligible - (b.revenue_users + b.revenue_health_insurance + b.revenue_other_own)
    public = b.public_state + b.public_region + b.public_municipalities + b.public_other
    assert s.overcompensation == public - net > 0
    assert "Nadměrná vyrovnávací platba" in s.explanation


def test_demo_load_is_idempotent():
    counts = (FinanceParams.objects.count(), AllocationRun.objects.count(), ProviderBudget.objects.count())
    assert demo.demo_load() == {}
    assert (FinanceParams.objects.count(), AllocationRun.objects.count(), ProviderBudget.objects.count()) == counts
