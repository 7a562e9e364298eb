"""Budget allocation: worked example of docs/financing.md §3.4, properties, optimisation mode, what-if, JSON."""

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from socplan.finance.engine import (
    KindBounds,
    allocate_optimise,
    allocate_rules,
    compare_allocations,
    compute_support,
    to_json_dict,
)
from socplan.finance.engine.allocation import fill, rules_core
from socplan.finance.engine.reference import reference_rules

from .worked import PARAMS, network

TIER0 = 1299182 + 521940 + 4095300 + 18308400  # 24 224 822
BUDGET = TIER0 + 1_000_000  # 25 224 822


@pytest.fixture(scope="module")
def support():
    return compute_support(network(), PARAMS)


def test_worked_example_reduction(support):
    res = allocate_rules(support, BUDGET)
    # tier 0 in full, tier 1 shared by k = 1 000 000 / 2 280 000 = 25/57, tier 2 nothing
    assert [res.allocation(s) for s in ("A1", "B1", "C1", "D1")] == [1299182, 521940, 4095300, 18308400]
    assert res.allocation("R1") == 463158  # 1 056 000 × 25/57 = 463 157,89
    assert res.allocation("R2") == 536842  # 1 224 000 × 25/57 = 536 842,11
    assert res.allocation("R3") == 0
    assert res.total_allocated == Decimal(BUDGET)
    assert [t.status for t in res.tiers] == ["full", "reduced", "unfunded"]
    assert res.tiers[1].coefficient == Fraction(25, 57)
    assert res.tiers[1].coefficient_decimal == Decimal("0.4385964912")
    text = res.explain("R1")
    assert "k = 0,4385964912" in text and "463\xa0157,89" in text and "463\xa0158\xa0Kč" in text


def test_worked_example_with_a_kind_floor(support):
    # osobní asistence (§39) guaranteed 60 % → R2 gets czk(0.6 × 1 224 000) = 734 400, R1 the rest 265 600
    res = allocate_rules(support, BUDGET, bounds={"39": KindBounds(floor=Decimal("0.6"))})
    assert res.allocation("R2") == 734400
    assert res.allocation("R1") == 265600
    assert res.tiers[1].coefficient == Fraction(265600, 1056000)


def test_worked_example_cap(support):
    # domovy se zvláštním režimem (§50) capped at 90 %: D1 gets czk(0.9 × 18 308 400) = 16 477 560; the
    # 1 830 840 freed is enough for tiers 1 and 2 in full, so the total is the capped need, below the budget
    res = allocate_rules(support, BUDGET, bounds={"50": KindBounds(cap=Decimal("0.9"))})
    assert res.allocation("D1") == 16477560
    assert [res.allocation(s) for s in ("R1", "R2", "R3")] == [1056000, 1224000, 518400]
    assert res.total_allocated == TIER0 - 1830840 + 1056000 + 1224000 + 518400 < BUDGET


def test_optimisation_side_by_side(support):
    rules = allocate_rules(support, BUDGET)
    opt = allocate_optimise(support, BUDGET)
    # tier 0 in full, then tier 1 by the weighted share: R1 1.2 × 1 056 000 = 1 267 200, R2 1 × 1 224 000;
    # λ = 1 000 000 / 2 491 200 → R1 508 670,52 → 508 671, R2 491 329,48 → 491 329; tier 2 nothing
    assert opt.allocation("R1") == 508671 and opt.allocation("R2") == 491329 and opt.allocation("R3") == 0
    assert opt.total_allocated == rules.total_allocated == BUDGET
    cmp = compare_allocations(rules, opt)
    by_service = cmp["service_id"].set_index("service_id")
    assert by_service.loc["R1", "delta_allocated"] == Decimal(508671 - 463158)
    assert by_service.loc["R2", "delta_allocated"] == Decimal(491329 - 536842)
    assert by_service.loc["Celkem", "delta_allocated"] == 0
    by_district = cmp["district"].set_index("district")
    assert by_district.loc["Znojmo", "allocated_base"] == 18308400 + 463158
    assert by_district.loc["Znojmo", "allocated_variant"] == 18308400 + 508671
    assert by_district.loc["Blansko", "allocated_base"] == 521940 + 536842
    assert by_district.loc["Blansko", "allocated_variant"] == 521940 + 491329
    assert by_district.loc["Brno-město", "delta_allocated"] == 0
    assert all(isinstance(v, Decimal) for v in cmp["kind"]["allocated_base"])


def test_what_if_budget(support):
    low = allocate_rules(support, BUDGET)
    high = allocate_rules(support, TIER0 + 1_710_000)  # k = 0.75
    assert high.allocation("R1") == 792000 and high.allocation("R2") == 918000
    cmp = compare_allocations(low, high, by=["kind", "service_id"])
    by_kind = cmp["kind"].set_index("kind")
    assert by_kind.loc["65", "delta_allocated"] == 792000 - 463158
    assert by_kind.loc["39", "delta_allocated"] == 918000 - 536842
    assert by_kind.loc["Celkem", "delta_allocated"] == 710000


def test_what_if_parameter(support):
    p2 = PARAMS.with_region_cofinancing("A", "0.10")  # the kraj co-finances 10 % of group A on top
    variant = allocate_rules(compute_support(network(), p2), BUDGET)
    base = allocate_rules(support, BUDGET)
    by_service = compare_allocations(base, variant)["service_id"].set_index("service_id")
    # A1: SFo 324 795 (20 %) + SFk czk(162 397.7) = 162 398 → SF 487 193 → OP 1 136 784 (was 1 299 182)
    assert by_service.loc["A1", "optimal_variant"] == 1136784
    assert by_service.loc["A1", "delta_optimal"] == 1136784 - 1299182


def test_budget_above_need(support):
    res = allocate_rules(support, 10**9)
    assert res.total_allocated == res.total_optimal < 10**9
    assert (res.allocated == res.need).all()


def test_to_json_dict(support):
    out = to_json_dict(allocate_rules(support, BUDGET))
    assert json.loads(json.dumps(out)) == out
    assert out["region"] == "CZ064" and out["year"] == 2025 and out["mode"] == "rules"
    assert out["budget"] == "25224822" and out["total_allocated"] == "25224822"
    assert out["total_optimal"] == str(TIER0 + 1056000 + 1224000 + 518400)
    assert out["services"][4] == {"service_id": "R1", "optimal_support": "1056000", "allocated": "463158"}
    assert to_json_dict(allocate_optimise(support, BUDGET), region="X", year=2030)["mode"] == "optimise"


def test_budget_must_be_whole_crowns(support):
    with pytest.raises(ValueError):
        allocate_rules(support, Decimal("100.5"))


def test_largest_remainder_has_the_alabama_paradox_uniform_does_not():
    # docs/financing.md §3.3: needs 9, 37, 5 Kč. Hamilton gives the third entry 3 Kč of 25 Kč but 2 Kč of 26 Kč.
    n, zero = [9, 37, 5], [0, 0, 0]
    assert fill(n, zero, n, 25, "largest_remainder")[0] == [4, 18, 3]
    assert fill(n, zero, n, 26, "largest_remainder")[0] == [5, 19, 2]
    assert fill(n, zero, n, 24, "largest_remainder")[0] == [4, 18, 2]
    assert fill(n, zero, n, 27, "largest_remainder")[0] == [5, 19, 3]
    # uniform coefficient: below t = 1/2 the amounts are 4, 18, 2 (24 Kč); at t = 1/2 all three reach the half
    # crown (4.5, 18.5, 2.5), so 25, 26, 27 Kč give the extra crowns in row order — never taking one back
    assert [fill(n, zero, n, b)[0] for b in (24, 25, 26, 27)] == [[4, 18, 2], [5, 18, 2], [5, 19, 2], [5, 19, 3]]


# --- properties -------------------------------------------------------------------------------------------------

@st.composite
def networks(draw, max_size=12):
    m = draw(st.integers(1, max_size))
    scale = draw(st.sampled_from([60, 10**4, 10**7]))  # small needs make half-crown ties frequent
    need = draw(st.lists(st.integers(0, scale), min_size=m, max_size=m))
    tier = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    floor = draw(st.lists(st.sampled_from([0, 0, 0, 2500, 6000, 9000]), min_size=m, max_size=m))
    cap = draw(st.lists(st.sampled_from([10000, 10000, 10000, 9500, 8000]), min_size=m, max_size=m))
    lo = [(n * f + 5000) // 10000 for n, f in zip(need, floor, strict=True)]
    hi = [max((n * c + 5000) // 10000, lo_) for n, c, lo_ in zip(need, cap, lo, strict=True)]
    return np.array(need), np.array(tier), np.array(lo), np.array(hi)


@settings(max_examples=300, deadline=None)
@given(networks(), st.integers(0, 10**8), st.sampled_from(["uniform", "largest_remainder"]))
def test_rules_bounds_and_reconciliation(net, budget, rounding):
    need, tier, lo, hi = net
    alloc, _ = rules_core(need, tier, lo, hi, budget, rounding)
    assert (alloc >= 0).all() and (alloc <= need).all() and (alloc <= hi).all()
    assert alloc.sum() <= budget
    assert alloc.sum() == min(budget, hi.sum())  # equals the budget whenever the need exceeds it
    assert alloc.tolist() == reference_rules(need, tier, lo, hi, budget, rounding)


@settings(max_examples=300, deadline=None)
@given(networks(), st.integers(0, 10**8), st.integers(1, 10**7))
def test_rules_reducing_budget_never_increases_an_allocation(net, budget, cut):
    need, tier, lo, hi = net
    a, _ = rules_core(need, tier, lo, hi, budget)
    b, _ = rules_core(need, tier, lo, hi, max(budget - cut, 0))
    assert (b <= a).all()


@settings(max_examples=300, deadline=None)
@given(networks(), st.integers(0, 10**8))
def test_rules_reducing_budget_by_one_crown(net, budget):
    need, tier, lo, hi = net
    assume(budget > 0)
    a, _ = rules_core(need, tier, lo, hi, budget)
    b, _ = rules_core(need, tier, lo, hi, budget - 1)
    assert (b <= a).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["37", "39", "49", "57"]), st.integers(1, 40), st.integers(0, 2)),
                min_size=1, max_size=15),
       st.integers(0, 10**8), st.integers(1, 10**6))
def test_public_api_money_is_decimal_and_reconciles(entries, budget, cut):
    rows = []
    for i, (kind, size, t) in enumerate(entries):
        if kind in ("49", "57"):
            rows.append(dict(service_id=f"S{i}", kind=kind, form="P", beds=size, tier=t))
        else:
            rows.append(dict(service_id=f"S{i}", kind=kind, form="T" if kind == "39" else "A",
                             fte=Decimal(size) / 4, tier=t))
    support = compute_support(pd.DataFrame(rows), PARAMS)
    res = allocate_rules(support, budget)
    smaller = allocate_rules(support, max(budget - cut, 0))
    total = Decimal(0)
    for sid in support.service_ids:
        x = res.allocation(sid)
        assert isinstance(x, Decimal) and x == x.to_integral_value()
        assert x <= support.amount("optimal_support", sid)
        assert smaller.allocation(sid) <= x
        total += x
    assert isinstance(res.total_allocated, Decimal)
    assert total == res.total_allocated == min(Decimal(budget), res.total_optimal)
    js = to_json_dict(res)
    assert sum(Decimal(s["allocated"]) for s in js["services"]) == Decimal(js["total_allocated"])
    opt = allocate_optimise(support, budget)
    assert opt.total_allocated == res.total_allocated
