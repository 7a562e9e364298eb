"""Choropleth classes (socplan.availability.maps.class_breaks, computed by mapclassify) and their legend."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.availability import maps

PALETTE = ["#a", "#b", "#c", "#d", "#e"]
values_st = st.lists(st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
                               st.integers(min_value=0, max_value=20).map(float)), min_size=0, max_size=60)


@settings(max_examples=150, deadline=None)
@given(values=values_st, scheme=st.sampled_from(maps.SCHEMES), k=st.integers(min_value=1, max_value=len(PALETTE)))
def test_every_value_in_exactly_one_class_and_classes_do_not_overlap(values, scheme, k):
    breaks = maps.class_breaks(values, k, scheme)
    finite = [v for v in values if v is not None]
    if not finite:
        assert breaks == []
        return
    assert 1 <= len(breaks) <= k
    assert all(a < b for a, b in zip(breaks, breaks[1:], strict=False))  # strictly ascending
    assert breaks[-1] >= max(finite)
    rows = maps.legend(values, breaks, PALETTE)
    assert sum(r["count"] for r in rows) == len(finite)
    assert all(a["high"] < b["low"] for a, b in zip(rows, rows[1:], strict=False))
    for v in finite:  # the class a value gets is the legend row whose range holds it
        cls = maps.classify(v, breaks)
        row = next(r for r in rows if r["cls"] == cls)
        assert row["low"] <= v <= row["high"]


def test_quantiles_are_the_numpy_quantiles():
    values = [float(x) for x in range(1, 101)]
    expected = np.quantile(values, [0.2, 0.4, 0.6, 0.8, 1.0])
    assert maps.class_breaks(values, 5, "quantiles") == pytest.approx(list(expected))
    assert maps.quantile_breaks(values) == maps.class_breaks(values)


def test_natural_breaks_separate_clusters():
    values = [1.0, 1.2, 1.1, 0.9, 10.0, 10.5, 9.8, 50.0, 51.0, 49.5]
    breaks = maps.class_breaks(values, 3, "natural")
    assert breaks == [1.2, 10.5, 51.0]
    classes = [maps.classify(v, breaks) for v in values]
    assert classes == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_fewer_distinct_values_than_classes_give_fewer_classes():
    assert maps.class_breaks([3.0, 3.0, 3.0], 5, "natural") == [3.0]
    assert maps.class_breaks([1.0, 2.0, 2.0], 5, "natural") == [1.0, 2.0]
    assert maps.class_breaks([None, math.inf, 4.0], 5) == [4.0]


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError):
        maps.class_breaks([1.0, 2.0], 2, "equal")
