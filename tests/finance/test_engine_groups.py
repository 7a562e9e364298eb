"""The optimisation mode with the region's group policy (socplan/finance/engine/optimise.py ``GroupLimits``):
per-kind total floors and caps and a per-district minimum (per inhabitant × population). The properties of every
allocation mode keep holding (hypothesis), and each group limit holds whenever the budget covers it."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.finance.engine import GroupLimits, allocate_optimise, binding, compute_support
from socplan.finance.engine.allocation import protected_floors
from socplan.finance.engine.optimise import KIND_TOTAL, MINIMUM, group_bounds, optimise_core, weights_scaled

from .worked import PARAMS

KINDS, DISTRICTS = ["a", "b"], ["d1", "d2"]


@st.composite
def policy_networks(draw, max_size=9):
    m = draw(st.integers(1, max_size))
    scale = draw(st.sampled_from([60, 10**4, 10**6]))
    need = np.array(draw(st.lists(st.integers(0, scale), min_size=m, max_size=m)), dtype=np.int64)
    tier = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)), dtype=np.int64)
    lo = np.zeros(m, dtype=np.int64)
    hi = need.copy()
    w = draw(st.lists(st.sampled_from([Decimal("0.5"), Decimal(1), Decimal("1.5")]), min_size=m, max_size=m))
    share = draw(st.lists(st.sampled_from([0, 0, 5000, 9000]), min_size=m, max_size=m))
    floors = need * np.array(share) // 10000
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=m, max_size=m))
    districts = draw(st.lists(st.sampled_from(DISTRICTS), min_size=m, max_size=m))
    amount = st.integers(0, 3 * scale)
    limits = GroupLimits(
        kind_floor=draw(st.dictionaries(st.sampled_from(KINDS), amount, max_size=2)),
        kind_cap=draw(st.dictionaries(st.sampled_from(KINDS), amount, max_size=2)),
        district_minimum=draw(st.dictionaries(st.sampled_from(DISTRICTS), amount, max_size=2)))
    return need, tier, lo, hi, w, floors, kinds, districts, limits


def _run(net, budget):
    need, tier, lo, hi, w, floors, kinds, districts, limits = net
    return optimise_core(need, tier, lo, hi, w, budget, floors, kinds=kinds, districts=districts,
                         limits=limits)[0]


def _bounds(net):
    need, tier, lo, hi, w, floors, kinds, districts, limits = net
    f = protected_floors(lo, hi, tier, floors)
    basis = need * weights_scaled(w)
    return f, *group_bounds(basis, tier, f, hi, kinds, districts, limits)


@settings(max_examples=250, deadline=None)
@given(policy_networks(), st.integers(0, 10**7))
def test_group_limits_hold_with_every_property(net, budget):
    need, tier, lo, hi, w, floors, kinds, districts, limits = net
    x = _run(net, budget)
    f, lo2, hi2 = _bounds(net)
    kinds, districts = np.array(kinds), np.array(districts)
    existing = tier == 0
    assert x.sum() == min(budget, hi2.sum())  # totals reconcile to the crown
    assert (x >= 0).all() and (x <= hi2).all() and (hi2 <= hi).all() and (x <= need).all()
    if budget >= f[existing].sum():  # protected floors hold whenever the budget covers them
        assert (x[existing] >= f[existing]).all()
    if budget >= lo2[existing].sum():  # and so do the group minima
        assert (x >= lo2).all()
        for labels, minima in ((kinds, limits.kind_floor), (districts, limits.district_minimum)):
            for key, m in minima.items():
                g = (labels == key) & existing
                assert x[g].sum() >= min(m, hi[g].sum())
    for key, c in limits.kind_cap.items():  # a kind cap holds unless the kind's floors and minima exceed it
        g = kinds == key
        if lo2[g].sum() <= c:
            assert x[g].sum() <= c
    for t in (1, 2):  # tier order
        if x[tier == t].sum() > 0:
            assert (x[tier < t] == hi2[tier < t]).all()


@settings(max_examples=200, deadline=None)
@given(policy_networks(), st.integers(0, 10**7), st.integers(1, 10**6))
def test_group_limits_monotone_in_the_budget(net, budget, more):
    a, b, c = _run(net, budget), _run(net, budget + more), _run(net, budget + 1)
    assert (b >= a).all() and (c >= a).all()


@settings(max_examples=200, deadline=None)
@given(policy_networks(max_size=6), st.integers(1, 5), st.integers(0, 10**7))
def test_group_limits_equal_inputs_equal_amounts(net, copies, budget):
    need, tier, lo, hi, w, floors, kinds, districts, limits = net
    rep = lambda a: np.concatenate([a, np.repeat(a[:1], copies)])  # noqa: E731
    net2 = (rep(need), rep(tier), rep(lo), rep(hi), list(w) + [w[0]] * copies, rep(floors),
            list(kinds) + [kinds[0]] * copies, list(districts) + [districts[0]] * copies, limits)
    x = _run(net2, budget)
    same = [0, *range(len(need), len(net2[0]))]
    assert x[same].max() - x[same].min() <= 1


def test_district_minimum_and_kind_cap_worked_example():
    """Two existing services in district D1 (need 1 000 each) and one in D2 (need 4 000), all weight 1; a minimum
    of 1 500 Kč for D1 and a cap of 3 000 Kč for kind "b" (the D2 service). Budget 4 000: the common level alone
    would give 4 000 × 1/6 × 1 000 = 667 to each D1 service; the minimum lifts them to 750 each, the D2 service
    gets the rest, 2 500 (below its kind cap). Budget 5 000: D2 stops at its cap 3 000, D1 gets 1 000 each."""
    need = np.array([1000, 1000, 4000])
    zero = np.zeros(3, dtype=np.int64)
    limits = GroupLimits(kind_cap={"b": 3000}, district_minimum={"D1": 1500})
    args = dict(kinds=["a", "a", "b"], districts=["D1", "D1", "D2"], limits=limits)
    assert optimise_core(need, zero, zero, need, [1, 1, 1], 4000, **args)[0].tolist() == [750, 750, 2500]
    assert optimise_core(need, zero, zero, need, [1, 1, 1], 5000, **args)[0].tolist() == [1000, 1000, 3000]
    assert optimise_core(need, zero, zero, need, [1, 1, 1], 9000, **args)[0].tolist() == [1000, 1000, 3000]
    # the budget below the minimum: D1 shares it, nothing is left for D2 (no protected floors here)
    assert optimise_core(need, zero, zero, need, [1, 1, 1], 1000, **args)[0].tolist() == [500, 500, 0]


def test_binding_names_the_group_limit():
    frame = pd.DataFrame([
        dict(service_id="X", kind="39", form="T", fte=1, district_code="CZ0641"),
        dict(service_id="Y", kind="39", form="T", fte=1, district_code="CZ0642"),
        dict(service_id="Z", kind="43", form="T", fte=4, district_code="CZ0642")])
    support = compute_support(frame, PARAMS)
    need = support.optimal_support
    x_need, z_need = int(need[0]), int(need[2])
    limits = GroupLimits(district_minimum={"CZ0641": x_need}, kind_cap={"43": z_need // 2})
    res = allocate_optimise(support, int(need.sum()) // 2, limits=limits)
    bound = dict(zip(support.service_ids, binding(res), strict=True))
    assert bound["X"] in (MINIMUM, "need") and res.allocation("X") >= x_need - 1
    full = allocate_optimise(support, int(need.sum()), limits=limits)
    assert dict(zip(support.service_ids, binding(full), strict=True))["Z"] == KIND_TOTAL
    assert full.allocation("Z") == z_need // 2
    assert "strop druhu celkem" in full.explain("Z")


def test_limits_are_validated():
    with pytest.raises(ValueError):
        GroupLimits(kind_cap={"39": -1})
    with pytest.raises(ValueError):
        GroupLimits(district_minimum={"X": Decimal("1.5")})
