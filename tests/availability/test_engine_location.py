"""Maximal covering location (HiGHS via scipy.optimize.milp), docs/availability.md §5."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.availability.engine import (
    AccessibilityModel,
    costs_from_pairs,
    coverage_matrix,
    existing_coverage,
    maximal_covering,
)


def line_costs(n, spacing=10.0, cutoff=30.0):
    """n obce on a straight line, ``spacing`` km apart; every obec is also a site (obec sites)."""
    pos = np.arange(n) * spacing
    oi, si = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    d = np.abs(pos[oi] - pos[si]).ravel()
    ids = [f"o{i}" for i in range(n)]
    return costs_from_pairs(ids, ids, oi.ravel(), si.ravel(), d, cutoff=cutoff, obec_site=np.arange(n))


NEED = np.array([10.0, 40.0, 12.0, 5.0, 30.0, 25.0])


def fixture():
    costs = line_costs(6)
    cover = coverage_matrix(costs, radius=10.0)  # each obec covers itself and its neighbours
    model = AccessibilityModel(costs)
    supply = np.zeros(6)
    supply[0] = 20.0  # an existing facility in o0 covers o0 and o1
    done = existing_coverage(model, supply, radius=10.0)
    return cover, done


def test_existing_facilities_are_fixed():
    _, done = fixture()
    assert done.tolist() == [True, True, False, False, False, False]


def test_k1_by_hand():
    cover, done = fixture()
    # open need: o2 12, o3 5, o4 30, o5 25.  One site covers: o1→{o2}=12, o2→{o2,o3}=17,
    # o3→{o2,o3,o4}=47, o4→{o3,o4,o5}=60, o5→{o4,o5}=55.  Best: o4 with 60.
    res = maximal_covering(need=NEED, coverage=cover, k=1, already_covered=done)
    assert res.selected.tolist() == [4]
    assert res.gain == 60.0
    assert res.newly_covered.tolist() == [False, False, False, True, True, True]
    assert res.optimal


def test_k2_covers_everything_and_candidates_restrict():
    cover, done = fixture()
    res = maximal_covering(need=NEED, coverage=cover, k=2, already_covered=done)
    assert res.gain == 72.0  # 12 + 5 + 30 + 25: all open need
    assert len(res.selected) == 2
    no_o4 = np.array([True, True, True, True, False, True])
    res = maximal_covering(need=NEED, coverage=cover, k=1, already_covered=done, candidates=no_o4)
    assert res.selected.tolist() == [5] and res.gain == 55.0


def test_nothing_to_do():
    cover, _ = fixture()
    assert maximal_covering(need=NEED, coverage=cover, k=0).selected.size == 0
    res = maximal_covering(need=NEED, coverage=cover, k=3, already_covered=np.ones(6, bool))
    assert res.gain == 0.0 and res.selected.size == 0


def test_radius_above_cutoff_rejected():
    with pytest.raises(ValueError):
        coverage_matrix(line_costs(3, cutoff=15.0), radius=20.0)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(3, 8).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 50), min_size=n, max_size=n),
            st.lists(st.booleans(), min_size=n * n, max_size=n * n),
            st.lists(st.booleans(), min_size=n, max_size=n),
            st.integers(1, 3),
        )
    )
)
def test_optimal_against_brute_force(data):
    need, cov_flags, done, k = data
    n = len(need)
    cov = np.array(cov_flags).reshape(n, n) | np.eye(n, dtype=bool)
    need = np.array(need, float)
    done = np.array(done)
    from scipy import sparse

    res = maximal_covering(need=need, coverage=sparse.csr_array(cov.astype(float)), k=k, already_covered=done)
    best = 0.0
    for subset in itertools.combinations(range(n), min(k, n)):
        reached = cov[:, list(subset)].any(axis=1) & ~done
        best = max(best, float(need[reached].sum()))
    assert res.gain == pytest.approx(best)
    assert len(res.selected) <= k


def test_field_service_reach_counts_as_existing_coverage():
    from socplan.availability.engine import reach_matrix

    costs = line_costs(6)
    reach = reach_matrix(6, np.array([0]), np.array([5]))  # a field service declares it serves o5
    model = AccessibilityModel(costs, reach=reach)
    supply = np.zeros(model.n_columns)
    supply[0] = 20.0  # facility in o0
    supply[6] = 4.0  # the field service
    done = existing_coverage(model, supply, radius=10.0)
    assert done.tolist() == [True, True, False, False, False, True]
    # open need o2 12, o3 5, o4 30: o3 covers {o2, o3, o4} = 47, o4 covers {o3, o4} = 35
    res = maximal_covering(need=NEED, coverage=coverage_matrix(costs, 10.0), k=1, already_covered=done)
    assert res.selected.tolist() == [3] and res.gain == 47.0
