"""Benchmark statistics on a small case checked by hand (type-7 quartiles, Tukey fences)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from socplan.evaluation.engine.benchmark import (
    distribution,
    indicator_frame,
    outlier_flags,
    reference_values,
    where_my_service_stands,
)

from .test_engine_worked_example import SERVICES


def _frame():
    # kind 49 pob: 100, 200, 300, 400, 1000 and one missing; kind 40 ter: 1, 2, 3, 4
    rows = [("a", "49", "pob", v) for v in (100, 200, 300, 400, 1000)] + [("a", "49", "pob", math.nan)]
    rows += [("b", "40", "ter", v) for v in (1, 2, 3, 4)]
    df = pd.DataFrame(rows, columns=["prefix", "kind", "form", "unit_cost"])
    df["service_id"] = [f"{p}{i}" for i, p in enumerate(df["prefix"])]
    return df.drop(columns="prefix")


def test_distribution_hand_checked():
    d = distribution(_frame(), columns=["unit_cost"])
    ds = d.loc[("49", "pob", "unit_cost")]
    # n = 5: Q1 at position 1 + 0.25·4 = 2 → 200; median at 3 → 300; Q3 at 4 → 400
    # IQR = 200; fences 200 − 300 = −100 and 400 + 300 = 700 → 1000 is a high outlier
    assert ds["n"] == 5 and ds["n_missing"] == 1
    assert (ds["q1"], ds["median"], ds["q3"], ds["iqr"]) == (200, 300, 400, 200)
    assert (ds["lower_fence"], ds["upper_fence"]) == (-100, 700)
    assert (ds["n_low_outliers"], ds["n_high_outliers"]) == (0, 1)
    assert (ds["min"], ds["max"]) == (100, 1000)
    d40 = d.loc[("40", "ter", "unit_cost")]
    # n = 4: Q1 at 1.75 → 1 + 0.75·(2 − 1) = 1.75; median 2.5; Q3 at 3.25 → 3.25; IQR 1.5
    assert (d40["q1"], d40["median"], d40["q3"], d40["iqr"]) == pytest.approx((1.75, 2.5, 3.25, 1.5))
    assert (d40["lower_fence"], d40["upper_fence"]) == pytest.approx((-0.5, 5.5))
    assert d40["n_high_outliers"] == 0


def test_outlier_flags():
    df = _frame()
    flags = outlier_flags(df, "unit_cost")
    assert flags.tolist() == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_reference_rule_regional_vs_national():
    regional = pd.DataFrame(
        {
            "kind": ["49"] * 5 + ["50"] * 5 + ["51"] * 2 + ["57"] * 5,
            "form": ["pob"] * 17,
            "v": [1800, 1900, 2000, 2100, 2200] + [1800, 1900, 2000, 2100, 2200] + [3000, 3100] + [600] * 5,
        }
    )
    national = pd.DataFrame(
        {"kind": ["49", "49", "50", "50", "51"], "form": ["pob"] * 5, "v": [1800, 1900, 2100, 2300, 2000]}
    )
    r = reference_values(regional, national, "v", min_providers=5)
    # 49: regional median 2000 (5 services) > national 1850 → regional
    assert tuple(r.loc[("49", "pob"), ["regional", "national", "reference", "source"]]) == (
        2000, 1850, 2000, "regionální")
    # 50: regional 2000 < national 2200 → national
    assert tuple(r.loc[("50", "pob"), ["reference", "source"]]) == (2200, "celostátní")
    # 51: regional 3050 is higher but rests on 2 services only → national 2000
    assert tuple(r.loc[("51", "pob"), ["n_regional", "reference", "source"]]) == (2, 2000, "celostátní")
    # 57: no national value, 5 regional services → regional 600
    assert tuple(r.loc[("57", "pob"), ["reference", "source"]]) == (600, "regionální")
    r3 = reference_values(regional, national, "v", min_providers=2)
    assert r3.loc[("51", "pob"), "reference"] == 3050


def test_where_my_service_stands_hand_checked():
    df = _frame()
    st = where_my_service_stands(df, "a1", "unit_cost", label="náklady na lůžkoden")
    # own value 200: 1 peer below, 1 equal (itself) of n = 5 → 100·(1 + 0.5)/5 = 30
    assert (st.value, st.n, st.percentile, st.quartile) == (200, 5, 30.0, 1)
    assert (st.q1, st.median, st.q3, st.outlier) == (200, 300, 400, None)
    assert "medián 300" in st.message and "v 1. čtvrtině (percentil 30)" in st.message
    high = where_my_service_stands(df, "a4", "unit_cost")
    assert (high.percentile, high.quartile, high.outlier) == (90.0, 4, "vysoká")
    # no other provider's identity in the answer
    others = set(df["service_id"]) - {"a1"}
    assert not any(o in repr(st) for o in others)


def test_too_few_peers_reveals_nothing():
    df = _frame()
    st = where_my_service_stands(df, "b6", "unit_cost", min_peers=5)  # only 4 services of § 40
    assert not st.enough_peers
    assert st.median is None and st.q1 is None and st.percentile is None
    assert "srovnání se nezveřejňuje" in st.message
    missing = where_my_service_stands(df, "a5", "unit_cost")
    assert not missing.enough_peers and "chybí údaj" in missing.message


def test_indicator_frame_feeds_distribution():
    frame = indicator_frame(pd.DataFrame(SERVICES))
    d = distribution(frame, columns=["cost_per_bed_day"])
    # S1 1 800 and S2 2 300 Kč per bed-day (docs/evaluation.md §5): median 2 050
    assert d.loc[("49", "pob", "cost_per_bed_day"), "median"] == 2050
