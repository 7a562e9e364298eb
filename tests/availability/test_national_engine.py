"""The benchmark engine (comparators, similar areas, RAG with confidence) on a small example worked out by hand in
docs/availability.md §9 — no database."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socplan.availability.engine.benchmark import (
    compare,
    group_rates,
    poisson_interval,
    rag_class,
    similar_area_groups,
)

# six ORP: total population, people 65+, capacity (beds) — docs/availability.md §9
POP = [1000, 2000, 3000, 4000, 5000, 6000]
OLD = [300, 200, 600, 400, 1500, 600]
CAP = [10, 4, 20, 8, 30, 0]


def test_similar_groups_by_hand():
    g = similar_area_groups(POP, OLD, bins=2)
    # size median 3500; share-65+ median (0.1 + 0.2) / 2 = 0.15; a value on a bound belongs to the lower class
    assert g.size_edges == [3500.0]
    assert g.share_edges == pytest.approx([0.15])
    assert list(g.labels) == ["V1-S2", "V1-S1", "V1-S2", "V2-S1", "V2-S2", "V2-S1"]


def test_group_rates_pool_before_dividing():
    labels = similar_area_groups(POP, OLD, bins=2).labels
    rates = group_rates(labels, CAP, OLD)
    # V1-S2 = (10 + 20) / (300 + 600) × 1000; V1-S1 = 4 / 200; V2-S1 = (8 + 0) / (400 + 600); V2-S2 = 30 / 1500
    assert rates == pytest.approx([100 / 3, 20, 100 / 3, 8, 20, 8])
    # a mean of the two ratios of V2-S1 would be (20 + 0) / 2 = 10, not 8
    no_group = group_rates([None, "a"], [1, 1], [10, 10])
    assert math.isnan(no_group[0]) and no_group[1] == pytest.approx(100)


def test_compare_against_similar_areas():
    labels = similar_area_groups(POP, OLD, bins=2).labels
    res = compare(CAP, OLD, group_rates(labels, CAP, OLD))
    assert res["per_1000"].tolist() == pytest.approx([100 / 3, 20, 100 / 3, 20, 20, 0])
    assert res["ratio"].tolist() == pytest.approx([1, 1, 1, 2.5, 1, 0])
    assert list(res["rag"]) == ["green", "green", "green", "green", "green", "red"]


def test_poisson_interval_known_values():
    lo, hi = poisson_interval([0, 4, 10])
    # Garwood exact 95 % limits (tables): 0 → [0, 3.689]; 4 → [1.090, 10.242]; 10 → [4.795, 18.390]
    assert lo == pytest.approx([0, 1.0899, 4.7954], abs=1e-4)
    assert hi == pytest.approx([3.6889, 10.2416, 18.3904], abs=1e-4)


def test_rag_and_confidence_by_hand():
    # B: 4 beds for 200 people = 20 per 1,000 against 25 → ratio 0.8 exactly: amber (the bound belongs to amber).
    # Its interval 1.0899 / 200 × 1000 = 5.45 … 10.2416 / 200 × 1000 = 51.21 spans red … green: confidence low,
    # and it contains 25: not significantly different.
    # A large unit: 1000 beds for 10,000 people = 100 against 200 → ratio 0.5, red; its interval (≈ 94 … 106)
    # stays red: confidence high, significantly lower.
    res = compare([4, 1000, 5], [200, 10000, 0], 25.0)
    assert res.loc[0, "ratio"] == pytest.approx(0.8)
    assert res.loc[0, "rag"] == "amber"
    assert res.loc[0, "ci_low"] == pytest.approx(5.4496, abs=1e-3)
    assert res.loc[0, "ci_high"] == pytest.approx(51.208, abs=1e-3)
    assert res.loc[0, "confidence"] == "low" and res.loc[0, "significance"] == "similar"
    res2 = compare([1000], [10000], 200.0)
    assert res2.loc[0, "rag"] == "red"
    assert res2.loc[0, "confidence"] == "high" and res2.loc[0, "significance"] == "lower"
    assert 93 < res2.loc[0, "ci_low"] < 100 < res2.loc[0, "ci_high"] < 107
    # no population: no indicator, no RAG, no confidence
    assert math.isnan(res.loc[2, "per_1000"]) and res.loc[2, "rag"] is None and res.loc[2, "confidence"] is None


def test_rag_thresholds():
    assert list(rag_class([1.2, 0.95, 0.9499, 0.8, 0.7999, np.nan])) == [
        "green", "green", "amber", "amber", "red", None]


def test_no_comparator_gives_no_rag():
    res = compare([5, 5], [100, 100], [np.nan, 0.0])
    assert list(res["rag"]) == [None, None] and list(res["confidence"]) == [None, None]


@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(0, 10**6), st.integers(0, 5000)), min_size=1,
                max_size=40), st.integers(2, 4))
def test_groups_partition_and_pooled_rate_is_within_members(rows, bins):
    pop = np.array([r[0] for r in rows], dtype=float)
    old = np.minimum(np.array([r[1] for r in rows], dtype=float), pop)
    cap = np.array([r[2] for r in rows], dtype=float)
    g = similar_area_groups(pop, old, bins=bins)
    assert all(lab is not None for lab in g.labels)
    rates = group_rates(g.labels, cap, pop)
    per = cap / pop * 1000
    for lab in set(g.labels):
        m = g.labels == lab
        # a pooled rate is a population-weighted mean: between its members' smallest and largest ratio
        assert per[m].min() - 1e-9 <= rates[m][0] <= per[m].max() + 1e-9
        assert np.allclose(rates[m], rates[m][0])


@given(st.integers(0, 2000), st.integers(1, 10**6))
def test_interval_contains_the_estimate(count, pop):
    res = compare([count], [pop], 1.0)
    assert res.loc[0, "ci_low"] <= res.loc[0, "per_1000"] <= res.loc[0, "ci_high"]
