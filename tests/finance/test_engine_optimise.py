"""Allocation properties for every mode (hypothesis), the optimisation mode's model, its counter-example and the
damping floors (socplan/finance/engine/optimise.py, docs/financing.md §3.5)."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.finance.engine import allocate_optimise, allocate_rules, binding, compute_support, damping_floors
from socplan.finance.engine.allocation import protected_floors, rules_core
from socplan.finance.engine.optimise import FLOOR, LEVEL, NEED, UNFUNDED, optimise_core
from socplan.finance.engine.reference import reference_rules

from .worked import PARAMS, network

RULES, OPTIMISE = "rules", "optimise"


def run(mode, need, tier, lo, hi, w, budget, floors=None):
    if mode == OPTIMISE:
        return optimise_core(need, tier, lo, hi, w, budget, floors)[0]
    return rules_core(need, tier, protected_floors(lo, hi, tier, floors), hi, budget)[0]


@st.composite
def networks(draw, max_size=10):
    m = draw(st.integers(1, max_size))
    scale = draw(st.sampled_from([60, 10**4, 10**7]))  # small needs make half-crown ties frequent
    need = np.array(draw(st.lists(st.integers(0, scale), min_size=m, max_size=m)), dtype=np.int64)
    tier = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)), dtype=np.int64)
    cap = np.array(draw(st.lists(st.sampled_from([10000, 10000, 9500, 8000]), min_size=m, max_size=m)))
    lo = np.zeros(m, dtype=np.int64)
    hi = (need * cap + 5000) // 10000
    w = draw(st.lists(st.sampled_from([Decimal("0.5"), Decimal(1), Decimal("1.25"), Decimal("1.5")]),
                      min_size=m, max_size=m))
    share = draw(st.lists(st.sampled_from([0, 0, 5000, 9000, 12000]), min_size=m, max_size=m))
    floors = need * np.array(share) // 10000  # some above the upper bound: they are clamped
    return need, tier, lo, hi, w, floors


MODES = st.sampled_from([RULES, OPTIMISE])


@settings(max_examples=200, deadline=None)
@given(networks(), st.integers(0, 3 * 10**7), MODES)
def test_sums_bounds_floors_and_tier_order(net, budget, mode):
    need, tier, lo, hi, w, floors = net
    x = run(mode, need, tier, lo, hi, w, budget, floors)
    f = protected_floors(lo, hi, tier, floors)
    assert x.sum() == min(budget, hi.sum())  # the budget, or the whole (capped) need
    assert (x >= 0).all() and (x <= hi).all() and (x <= need).all()  # nobody above optimal support
    existing = tier == 0
    if budget >= f[existing].sum():  # floors hold whenever the budget covers them
        assert (x[existing] >= f[existing]).all()
    for t in (1, 2):  # a tier gets anything only when every earlier entry is at its upper bound
        if x[tier == t].sum() > 0:
            assert (x[tier < t] == hi[tier < t]).all()
        if budget < f[existing].sum():
            assert x[tier == t].sum() == 0  # development requests wait until the existing floors are met


@settings(max_examples=200, deadline=None)
@given(networks(), st.integers(0, 3 * 10**7), st.integers(1, 10**6), MODES)
def test_monotone_in_the_budget_per_entry(net, budget, more, mode):
    need, tier, lo, hi, w, floors = net
    a = run(mode, need, tier, lo, hi, w, budget, floors)
    b = run(mode, need, tier, lo, hi, w, budget + more, floors)
    c = run(mode, need, tier, lo, hi, w, budget + 1, floors)
    assert (b >= a).all() and (c >= a).all()


@settings(max_examples=200, deadline=None)
@given(networks(max_size=6), st.integers(1, 6), st.integers(0, 3 * 10**7), MODES)
def test_equal_inputs_get_equal_amounts(net, copies, budget, mode):
    need, tier, lo, hi, w, floors = net
    # append copies of entry 0: equal need, bounds, tier, weight and floor
    rep = lambda a: np.concatenate([a, np.repeat(a[:1], copies)])  # noqa: E731
    need2, tier2, lo2, hi2, floors2 = rep(need), rep(tier), rep(lo), rep(hi), rep(floors)
    w2 = list(w) + [w[0]] * copies
    x = run(mode, need2, tier2, lo2, hi2, w2, budget, floors2)
    same = [0, *range(len(need), len(need2))]
    # the exact amounts are equal; whole crowns differ by at most the one reconciling crown
    assert x[same].max() - x[same].min() <= 1


@settings(max_examples=200, deadline=None)
@given(networks(), st.integers(0, 3 * 10**7))
def test_optimise_equals_the_independent_reference(net, budget):
    """The optimisation mode is the rules engine on weighted need — checked against the per-entry Decimal
    reference (bisection on the level), so the water-filling is not checked by itself."""
    need, tier, lo, hi, w, floors = net
    x, _, f, basis = optimise_core(need, tier, lo, hi, w, budget, floors)
    assert x.tolist() == reference_rules(basis, tier, f, hi, budget)


@settings(max_examples=150, deadline=None)
@given(networks(), st.integers(0, 3 * 10**7))
def test_optimise_is_the_max_min_weighted_share(net, budget):
    """In the tier the budget reaches, every entry strictly between its bounds has the same weighted share
    x / (w · OP) up to the crown: nobody could be raised without lowering someone at the same or a lower share."""
    need, tier, lo, hi, w, floors = net
    x, outcomes, f, basis = optimise_core(need, tier, lo, hi, w, budget, floors)
    for o in outcomes:
        if o.status != "reduced":
            continue
        idx = np.flatnonzero(tier == o.tier)
        for i in idx:
            exact = min(max(o.coefficient * int(basis[i]), Fraction(int(f[i]))), Fraction(int(hi[i])))
            assert abs(exact - int(x[i])) <= 1


def test_issue_counter_example():
    """Needs 1 900 / 1 800 / 500 Kč, weights 1 / 0.5 / 1: raising the budget from 1 900 to 1 950 Kč cut an entry
    in the knapsack mode. Here every entry gains, and the two entries of weight 1 get the same share of need."""
    need = np.array([1900, 1800, 500])
    zero = np.zeros(3, dtype=np.int64)
    a = optimise_core(need, zero, zero, need, [1, Decimal("0.5"), 1], 1900)[0]
    b = optimise_core(need, zero, zero, need, [1, Decimal("0.5"), 1], 1950)[0]
    # λ = 1 900 / 3 300: 1 094,0 / 518,2 / 287,9; λ = 1 950 / 3 300: 1 122,7 / 531,8 / 295,5
    assert a.tolist() == [1094, 518, 288] and b.tolist() == [1123, 532, 295]
    assert (b >= a).all() and a.sum() == 1900 and b.sum() == 1950
    for budget in range(0, 4300, 7):
        lower = optimise_core(need, zero, zero, need, [1, Decimal("0.5"), 1], budget)[0]
        upper = optimise_core(need, zero, zero, need, [1, Decimal("0.5"), 1], budget + 7)[0]
        assert (upper >= lower).all()


def test_existing_network_is_protected_before_requests():
    # existing A (need 1 000, floor 900) and B (need 1 000, no floor); request R (need 1 000, weight 1.5)
    need = np.array([1000, 1000, 1000])
    tier = np.array([0, 0, 1])
    zero = np.zeros(3, dtype=np.int64)
    w = [1, 1, Decimal("1.5")]
    floors = np.array([900, 0, 0])
    assert optimise_core(need, tier, zero, need, w, 600, floors)[0].tolist() == [600, 0, 0]  # floors reduced
    assert optimise_core(need, tier, zero, need, w, 1200, floors)[0].tolist() == [900, 300, 0]
    assert optimise_core(need, tier, zero, need, w, 1900, floors)[0].tolist() == [950, 950, 0]
    assert optimise_core(need, tier, zero, need, w, 2500, floors)[0].tolist() == [1000, 1000, 500]


def test_damping_floors():
    previous = [1_000_000, 1_000_000, None, 500_000]
    prev_size = [Decimal("4"), Decimal("4"), Decimal("2"), 0]
    cur_size = [Decimal("4"), Decimal("3"), Decimal("2"), 10]
    # 90 % of last year; the second entry shrank from 4 to 3 FTE → 90 % × 3/4; no previous amount or size → 0
    assert damping_floors(previous, prev_size, cur_size, Decimal("0.1")).tolist() == [900_000, 675_000, 0, 0]
    with pytest.raises(ValueError):
        damping_floors(previous, prev_size, cur_size, Decimal("1.5"))


def test_public_api_explains_each_amount():
    support = compute_support(network(), PARAMS)
    tier0 = int(support.optimal_support[:4].sum())
    floors = np.zeros(len(support), dtype=np.int64)
    floors[3] = 18_000_000  # D1 protected at 18 M (its need is 18 308 400)
    res = allocate_optimise(support, tier0 - 1_000_000, floors=floors)
    bound = dict(zip(support.service_ids, binding(res), strict=True))
    assert bound["D1"] == FLOOR and bound["A1"] == LEVEL and bound["R1"] == UNFUNDED
    assert res.allocation("D1") == 18_000_000 and res.total_allocated == tier0 - 1_000_000
    assert "chráněné minimum" in res.explain("D1") and "λ" in res.explain("A1")
    full = allocate_optimise(support, 10**9)
    assert set(binding(full)) == {NEED}
    rules = allocate_rules(support, tier0 - 1_000_000, floors=floors)
    assert rules.allocation("D1") == 18_000_000 and rules.total_allocated == tier0 - 1_000_000


def test_weights_are_bounded():
    support = compute_support(network(), PARAMS)
    with pytest.raises(ValueError):
        allocate_optimise(support, 1000, weights=[0] * len(support))
    with pytest.raises(ValueError):
        allocate_optimise(support, 1000, weights=[float("nan")] * len(support))
    with pytest.raises(ValueError):
        allocate_optimise(support, 1000, floors=[1, 2])


def test_frame_weights_are_used():
    frame = pd.DataFrame([dict(service_id="X", kind="39", form="T", fte=1, weight=1.5),
                          dict(service_id="Y", kind="39", form="T", fte=1, weight=0.5)])
    res = allocate_optimise(compute_support(frame, PARAMS), 40_000)
    assert res.allocation("X") == 30_000 and res.allocation("Y") == 10_000
