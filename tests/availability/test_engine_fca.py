"""2SFCA / E2SFCA / BFCA on the hand-computed 4×3 toy case (docs/availability.md §4)."""

import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.availability.engine import (
    NO_DECAY,
    AccessibilityModel,
    Balanced,
    Facilities,
    GaussianDecay,
    StepDecay,
    costs_from_pairs,
    reach_matrix,
)

from .toy import CAP, COST, CUTOFF, OBCE, POP, SITES, toy_costs

REL = 1e-13


def approx(values):
    return pytest.approx([float(v) for v in values], rel=REL, abs=0)


def test_cutoff_is_inclusive_and_far_pairs_dropped():
    costs = toy_costs()
    kept = {(OBCE[o], SITES[s]) for o, s in zip(costs.rows, costs.indices, strict=True)}
    assert ("B", "Z") in kept  # exactly 30 km: kept
    assert ("A", "Z") not in kept and ("D", "Y") not in kept  # 40 and 35 km: dropped
    assert costs.nnz == 8


def test_2sfca_by_hand():
    res = AccessibilityModel(toy_costs()).compute(POP, CAP)
    # step 1: D_X = 1000 + 2000, D_Y = 1000 + 2000 + 500, D_Z = 2000 + 500 + 1500
    assert res.column_demand.tolist() == [3000.0, 3500.0, 4000.0]
    # R = 30/3000, 10/3500, 20/4000 ; step 2: A_A = R_X + R_Y, A_B = R_X + R_Y + R_Z, A_C = R_Y + R_Z, A_D = R_Z
    expected = [F(9, 700), F(1, 56), F(11, 1400), F(1, 200)]
    assert res.access == approx(expected)


def test_bfca_by_hand():
    """BFCA (w = 1 within 30 km): each obec's weights divided by how many sites it reaches (docs §4)."""
    res = AccessibilityModel(toy_costs(), Balanced(NO_DECAY)).compute(POP, CAP)
    # step 1: D_X = 1000/2 + 2000/3, D_Y = 1000/2 + 2000/3 + 500/2, D_Z = 2000/3 + 500/2 + 1500
    assert res.column_demand == approx([F(3500, 3), F(4250, 3), F(7250, 3)])
    assert res.column_demand.sum() == pytest.approx(POP.sum(), rel=REL)  # no demand counted twice
    # R = 9/350, 3/425, 6/725; A_A = (R_X + R_Y)/2, A_B = (R_X + R_Y + R_Z)/3, A_C = (R_Y + R_Z)/2, A_D = R_Z
    assert res.ratio == approx([F(9, 350), F(3, 425), F(6, 725)])
    assert res.access == approx([F(39, 2380), F(2361, 172550), F(189, 24650), F(6, 725)])
    assert float(POP @ res.access) == pytest.approx(CAP.sum(), rel=REL)
    # and it differs from 2SFCA, which counts B's demand at three sites
    assert res.access[0] != AccessibilityModel(toy_costs()).compute(POP, CAP).access[0]


def test_bfca_equals_2sfca_when_every_obec_reaches_the_same_number_of_sites():
    """Row normalisation by a common factor k scales D by 1/k and R by k: A is unchanged."""
    oi, si = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    costs = costs_from_pairs(["a", "b", "c"], ["x", "y", "z"], oi, si, np.full(6, 5.0))
    pop, cap = np.array([100.0, 200.0, 300.0]), np.array([10.0, 20.0, 30.0])
    plain = AccessibilityModel(costs).compute(pop, cap).access
    balanced = AccessibilityModel(costs, Balanced(NO_DECAY)).compute(pop, cap).access
    assert balanced == pytest.approx(plain, rel=REL)


def test_bfca_ignores_empty_sites_and_what_if_equals_recomputation():
    """An obec's own empty site (kept for what-ifs) is no place to go; adding places there re-balances."""
    costs = toy_costs(with_obec_sites=True)
    model = AccessibilityModel(costs, Balanced(NO_DECAY))
    supply = np.concatenate([np.zeros(4), CAP])  # obce A–D as empty sites, then X, Y, Z
    base = model.compute(POP, supply)
    assert base.access == approx([F(39, 2380), F(2361, 172550), F(189, 24650), F(6, 725)])  # as without them
    wi = model.what_if(base, add_at_obec={3: 9.0})
    again = model.compute(POP, np.concatenate([[0, 0, 0, 9.0], CAP]))
    assert wi.access == pytest.approx(again.access, rel=REL)
    assert float(POP @ wi.access) == pytest.approx(CAP.sum() + 9, rel=REL)


def test_e2sfca_step_by_hand():
    decay = StepDecay.from_dict({10: 1, 20: 0.5, 30: 0.25})
    res = AccessibilityModel(toy_costs(), decay).compute(POP, CAP)
    # D_X = 1000·1 + 2000·0.5 = 2000 ; D_Y = 1000·0.25 + 2000·1 + 500·0.5 = 2500
    # D_Z = 2000·0.25 + 500·1 + 1500·0.5 = 1750
    assert res.column_demand.tolist() == [2000.0, 2500.0, 1750.0]
    r_x, r_y, r_z = F(30, 2000), F(10, 2500), F(20, 1750)
    expected = [
        1 * r_x + F(1, 4) * r_y,  # A = 0.016
        F(1, 2) * r_x + 1 * r_y + F(1, 4) * r_z,  # B = 0.0115 + 1/350
        F(1, 2) * r_y + 1 * r_z,  # C = 0.002 + 2/175
        F(1, 2) * r_z,  # D = 1/175
    ]
    assert expected[0] == F(2, 125)
    assert res.access == approx(expected)


def test_e2sfca_gaussian_by_hand():
    sigma = 10.0
    res = AccessibilityModel(toy_costs(), GaussianDecay(sigma)).compute(POP, CAP)

    def w(d):  # exp(-d²/(2σ²)) = exp(-d²/200)
        return math.exp(-(d * d) / 200.0)

    d_x = 1000 * w(5) + 2000 * w(15)
    d_y = 1000 * w(25) + 2000 * w(5) + 500 * w(15)
    d_z = 2000 * w(30) + 500 * w(10) + 1500 * w(20)
    assert res.column_demand == approx([d_x, d_y, d_z])
    r_x, r_y, r_z = 30 / d_x, 10 / d_y, 20 / d_z
    expected = [
        w(5) * r_x + w(25) * r_y,
        w(15) * r_x + w(5) * r_y + w(30) * r_z,
        w(15) * r_y + w(10) * r_z,
        w(20) * r_z,
    ]
    assert res.access == approx(expected)
    # the rounded values written in docs/availability.md
    assert res.access == pytest.approx([0.0175064, 0.0112555, 0.0246004, 0.00512162], rel=1e-5)


def test_step_decay_matches_pysal_semantics():
    fn = StepDecay.from_dict({20: 1, 40: 0.68, 60: 0.22})
    # access.weights.step_fn docstring: {0: 1, 10: 1, 20: 1, 30: 0.68, 40: 0.68, 50: 0.22, 60: 0.22, 70: 0}
    assert fn(np.arange(0, 71, 10)).tolist() == [1, 1, 1, 0.68, 0.68, 0.22, 0.22, 0]


def test_gaussian_decay_values():
    fn = GaussianDecay(20)
    assert fn(np.array([0.0, 20.0, 40.0])) == pytest.approx([1.0, math.exp(-0.5), math.exp(-2.0)], rel=1e-15)


def test_all_kinds_at_once_equal_kind_by_kind():
    model = AccessibilityModel(toy_costs(), StepDecay.from_dict({10: 1, 20: 0.5, 30: 0.25}))
    supply = np.column_stack([CAP, [0.0, 7.0, 0.0], [1.0, 2.0, 3.0]])
    demand = np.column_stack([POP, POP / 10, POP[::-1]])
    together = model.compute(demand, supply).access
    for k in range(3):
        alone = model.compute(demand[:, k], supply[:, k]).access
        assert together[:, k] == pytest.approx(alone, rel=1e-14)


def test_field_service_uses_declared_reach_not_distance():
    # field service T (capacity 12) declares reach {C, D}; its office is irrelevant
    reach = reach_matrix(4, np.array([0, 0]), np.array([2, 3]))
    model = AccessibilityModel(toy_costs(), None, reach=reach)
    fac = Facilities.build(
        ids=["X", "Y", "Z", "T"],
        kind=["k"] * 4,
        capacity=[30, 10, 20, 12],
        site=[0, 1, 2, -1],
        field=[-1, -1, -1, 0],
    )
    res = model.compute(POP, model.supply(fac))
    # D_T = 500 + 1500 = 2000, R_T = 12/2000 = 0.006 is added to C and D only
    assert res.column_demand[3] == 2000.0
    assert res.access == approx([F(9, 700), F(1, 56), F(11, 1400) + F(6, 1000), F(1, 200) + F(6, 1000)])


def test_what_if_remove_facility_by_hand():
    model = AccessibilityModel(toy_costs())
    fac = Facilities.build(ids=["X", "Y", "Z"], kind=["k"] * 3, capacity=CAP, site=[0, 1, 2])
    base = model.compute(POP, model.supply(fac))
    out = model.what_if(base, remove=fac.take(np.array([1])))  # close Y
    # R_Y becomes 0: A = (R_X, R_X + R_Z, R_Z, R_Z) = (0.01, 0.015, 0.005, 0.005)
    assert out.access == approx([F(1, 100), F(15, 1000), F(5, 1000), F(5, 1000)])
    assert out.delta == approx([-F(1, 350), -F(1, 350), -F(1, 350), 0])


def test_what_if_add_capacity_in_obec_by_hand():
    costs = toy_costs(with_obec_sites=True)  # sites A, B, C, D, X, Y, Z
    model = AccessibilityModel(costs)
    supply = np.concatenate([np.zeros(4), CAP])
    base = model.compute(POP, supply)
    assert base.access == approx([F(9, 700), F(1, 56), F(11, 1400), F(1, 200)])  # obec sites carry no supply
    out = model.what_if(base, add_at_obec={3: 9.0})  # +9 places in obec D
    # site D reaches D (0 km), C (15 km), B (30 km): D = 1500 + 500 + 2000 = 4000, R = 9/4000
    assert base.column_demand[3] == 4000.0
    assert out.delta == approx([0, F(9, 4000), F(9, 4000), F(9, 4000)])
    # the same as recomputing from scratch with the capacity added
    again = model.compute(POP, out.supply)
    assert out.access == pytest.approx(again.access, rel=1e-14)


def test_what_if_for_one_kind_of_many():
    costs = toy_costs(with_obec_sites=True)
    model = AccessibilityModel(costs, GaussianDecay(10))
    supply = np.zeros((7, 2))
    supply[4:, 0] = CAP
    supply[5, 1] = 4.0
    base = model.compute(POP, supply)
    out = model.what_if(base, kind=1, add_at_obec={0: 3.0})
    expect = supply[:, 1].copy()
    expect[0] += 3.0
    assert out.access == pytest.approx(model.compute(POP, expect).access, rel=1e-14)


def test_zero_demand_catchment_gives_zero_ratio_not_nan():
    costs = costs_from_pairs(["a", "b"], ["s"], np.array([0]), np.array([0]), np.array([1.0]))
    res = AccessibilityModel(costs).compute(np.array([0.0, 10.0]), np.array([5.0]))
    assert res.ratio.tolist() == [0.0]
    assert res.access.tolist() == [0.0, 0.0]


@st.composite
def instances(draw):
    n_o = draw(st.integers(1, 6))
    n_s = draw(st.integers(1, 5))
    pop = draw(st.lists(st.integers(1, 10_000), min_size=n_o, max_size=n_o))
    cap = draw(st.lists(st.integers(0, 500), min_size=n_s, max_size=n_s))
    cost = draw(st.lists(st.floats(0, 60, allow_nan=False), min_size=n_o * n_s, max_size=n_o * n_s))
    return np.array(pop, float), np.array(cap, float), np.array(cost).reshape(n_o, n_s)


@settings(max_examples=60, deadline=None)
@given(
    instances(),
    st.sampled_from([None, GaussianDecay(12.0), StepDecay.from_dict({10: 1, 25: 0.6, 40: 0.1}),
                     Balanced(GaussianDecay(12.0)), Balanced(NO_DECAY)]),
)
def test_supply_is_conserved(inst, decay):
    """Σ_i P_i A_i = Σ_j R_j D_j = Σ_{j: D_j > 0} S_j — every reachable place is shared out exactly once
    (2SFCA, E2SFCA and BFCA alike)."""
    pop, cap, cost = inst
    oi, si = np.nonzero(np.ones_like(cost))
    costs = costs_from_pairs(range(len(pop)), range(len(cap)), oi, si, cost[oi, si], cutoff=CUTOFF)
    res = AccessibilityModel(costs, decay).compute(pop, cap)
    reachable = res.column_demand > 0
    assert float(pop @ res.access) == pytest.approx(float(cap[reachable].sum()), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("decay", [None, GaussianDecay(10.0)])
def test_equals_pysal_access_on_toy(decay):
    access = pytest.importorskip("access")
    import pandas as pd

    cost_df = pd.DataFrame(
        [(o, s, float(c)) for (o, s), c in COST.items()], columns=["origin", "dest", "cost"]
    )
    demand_df = pd.DataFrame({"geoid": OBCE, "pop": POP}).set_index("geoid")
    supply_df = pd.DataFrame({"geoid": SITES, "cap": CAP}).set_index("geoid")
    acc = access.Access(
        demand_df=demand_df, demand_value="pop", supply_df=supply_df, supply_value="cap",
        cost_df=cost_df, cost_origin="origin", cost_dest="dest", cost_name="cost",
    )  # fmt: skip
    if decay is None:
        ref = acc.two_stage_fca(name="r", max_cost=CUTOFF)["r_cap"]
    else:
        ref = acc.enhanced_two_stage_fca(name="r", max_cost=CUTOFF, weight_fn=access.weights.gaussian(10.0))[
            "r_cap"
        ]
    ours = AccessibilityModel(toy_costs(), decay).compute(POP, CAP).access
    assert ours == pytest.approx(ref.reindex(OBCE).to_numpy(), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(instances(), st.sampled_from([Balanced(GaussianDecay(12.0)), Balanced(NO_DECAY)]))
def test_bfca_counts_every_reaching_obec_once(inst, decay):
    """BFCA: Σ_j D_j equals the population of the obce that reach a site with places (no demand inflation);
    sites without places take no share of anyone's demand."""
    pop, cap, cost = inst
    oi, si = np.nonzero(np.ones_like(cost))
    costs = costs_from_pairs(range(len(pop)), range(len(cap)), oi, si, cost[oi, si], cutoff=CUTOFF)
    model = AccessibilityModel(costs, decay)
    reaching = (model.W @ (cap > 0).astype(float)) > 0  # obce that reach a site with places
    res = model.compute(pop, cap)
    assert float(res.column_demand.sum()) == pytest.approx(float(pop[reaching].sum()), rel=1e-9, abs=1e-9)
