"""The financing demo (socplan/finance/demo.py, docs/financing.md §10): calibration to the seed plan, the 35 %
state share, allocation runs, provider reports in every workflow state and a settlement with overcompensation.

The totals are recomputed here with plain Decimal arithmetic row by row (not with the engine), from the
network frame and the stored parameters, so the calibration is checked independently of the code under test.
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


def test_optimised_costs_within_one_percent_of_the_seed_plan(demo_params):
    nf = adapter.network_frame(DEMO_REGION, DEMO_YEAR, rated=set(_rates(demo_params)))
    assert len(nf.frame) > 400
    on = hand_totals(nf.frame, _rates(demo_params), 365)["optimised_cost"]
    assert abs(on / SEED_ON - 1) < Decimal("0.01"), on
    # and the chapter shows the same total
    ch = selectors.financial_chapter(DEMO_REGION, DEMO_YEAR)
    assert ch.totals["optimised_cost"] == on


def test_calibration_is_one_factor_on_the_default_money_rates(demo_params):
    """docs: every money rate = default × f, f = 3 039 820 634 / ON₀ rounded to 4 decimals."""
    defaults = engine.default_params(DEMO_YEAR)
    base_rates = {(k, g.value): {"normative": r.normative, "occupancy": r.occupancy, "user_fee": r.user_fee}
                  for (k, g), r in defaults.rates.items()}
    stored = _rates(demo_params)
    nf = adapter.network_frame(DEMO_REGION, DEMO_YEAR, rated=set(stored))
    base = hand_totals(nf.frame, base_rates, 365)["optimised_cost"]
    f = (SEED_ON / base).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    assert str(f) in demo_params.note
    for key in [("49", "D"), ("50", "D"), ("39", "B"), ("37", "A"), ("57", "C"), ("41", "B")]:
        d = base_rates[key]
        s = stored[key]
        assert s["normative"] == (d["normative"] * f).quantize(Decimal("0.01"), ROUND_HALF_UP), key
        assert s["user_fee"] == (d["user_fee"] * f).quantize(Decimal("0.01"), ROUND_HALF_UP), key
        assert s["occupancy"] == d["occupancy"]
    assert demo_params.illustrative


def test_chapter_reproduces_the_35_percent_state_share(demo_params):
    ch = selectors.financial_chapter(DEMO_REGION, DEMO_YEAR)
    on = ch.totals["optimised_cost"]
    assert demo_params.share_state == Decimal("0.35")
    assert ch.state_need == czk(Decimal("0.35") * on)
    assert ch.state_share_pct == Decimal("35.00")
    assert (ch.state_need * 100 / on).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("35.00")
    # the planned sources add up exactly to the optimised costs; the municipalities' source is the required
    # co-financing (the statement's total), the state's the planned share
    assert sum((p["amount"] for p in ch.planned), Decimal(0)) == on
    planned = {p["key"]: p["amount"] for p in ch.planned}
    assert planned["municipalities"] == selectors.cofinancing(DEMO_REGION, DEMO_YEAR).required > 0
    assert planned["state"] == ch.state_need
    # the users' and insurers' planned shares are the formula shares rounded to whole per cent
    hand = hand_totals(adapter.network_frame(DEMO_REGION, DEMO_YEAR).frame, _rates(demo_params), 365)
    assert demo_params.share_users == (hand["user_fees"] / on).quantize(Decimal("0.01"), ROUND_HALF_UP)
    # the planning documents' contract
    assert ch.total == on and sum((r["amount"] for r in ch.rows), Decimal(0)) == on
    assert any("35,00" in p for p in ch.paragraphs)


def test_allocation_runs_in_both_modes_with_the_state_need_as_budget(demo_params):
    ch = selectors.financial_chapter(DEMO_REGION, DEMO_YEAR, previous=False)
    for mode in AllocationMode.values:
        run = AllocationRun.objects.filter(region__code=DEMO_REGION, year=DEMO_YEAR, mode=mode).get()
        assert run.budget == ch.state_need
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


def test_calibrated_shares_are_whole_percent_and_add_up():
    shares = demo.calibrated_shares({"optimised_cost": Decimal(1000), "user_fees": Decimal(276),
                                     "health_insurance": Decimal(41)})
    # users 27.6 % → 28 %, insurers 4.1 % → 4 %, state 35 %; the rest 33 % split 8 : 20 = 9.43 / 23.57:
    # floors 9 + 23 = 32, the last per cent to the larger remainder (0.57: other); no municipal share (the
    # municipalities' planned source is their required co-financing)
    assert shares == {"state": Decimal("0.35"), "users": Decimal("0.28"), "health_insurance": Decimal("0.04"),
                      "region": Decimal("0.09"), "other": Decimal("0.24")}
    assert sum(shares.values()) == 1
