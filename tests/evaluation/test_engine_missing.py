"""Missing and invalid inputs: reported per service, never treated as 0."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from socplan.evaluation.engine import compute_indicators, default_jmk_2014, evaluate, explain, missing_inputs

from .test_engine_worked_example import SERVICES

M = default_jmk_2014(2026)


def _frame(**changes):
    return pd.DataFrame([{**SERVICES[0], **changes}])


def test_missing_input_gives_nan_not_zero():
    ind = compute_indicators(_frame(costs=None))
    assert math.isnan(ind.at[0, "cost_per_bed_day"])
    assert math.isnan(ind.at[0, "other_sources_share"])
    assert ind.at[0, "occupancy"] == pytest.approx(28_000 / (80 * 365))  # unaffected


@pytest.mark.parametrize(
    "change, indicator, culprit",
    [
        ({"fte_direct": 0}, "direct_care_share", None),  # 0 direct of 20 other FTE is a real 0 %
        ({"bed_days": 0}, "cost_per_bed_day", "bed_days"),  # zero denominator
        ({"capacity": -80}, "occupancy", "capacity"),  # impossible value
        ({"rev_health": math.nan}, "other_sources_share", "rev_health"),  # one source missing
    ],
)
def test_invalid_or_zero_denominator(change, indicator, culprit):
    frame = _frame(**change)
    value = compute_indicators(frame).at[0, indicator]
    if culprit is None:
        assert value == 0.0
    else:
        assert math.isnan(value)
        assert missing_inputs(frame.iloc[0], indicator) == [culprit]


def test_absent_column_is_missing_for_every_service():
    frame = pd.DataFrame(SERVICES).drop(columns=["assess_complaints"])
    res = evaluate(frame, M)
    assert all("assess_complaints" in res.missing_codes(s) for s in ("S1", "S2", "S3"))


def test_missing_indicator_scores_zero_keeps_weight_and_is_listed():
    # S1 of the worked example without bed-days: cost per bed-day (8 b. × 15 %) and occupancy
    # (10 b. × 24 %) become missing → 83.2 − 12 − 24 = 47.2 (docs/evaluation.md §4)
    res = evaluate(_frame(bed_days=None), M)
    s = res.services.loc["S1"]
    assert s["score"] == pytest.approx(47.2, abs=1e-9)
    assert res.missing_codes("S1") == ["cost_per_bed_day", "occupancy"]
    assert res.points.at["S1", "occupancy"] == 0
    assert res.weights.at["S1", "occupancy"] == 24
    assert not s["meets_threshold"]
    msg = explain(res, "S1").message
    assert "Náklady na lůžkoden (chybí: lůžkodny); Obložnost (chybí: lůžkodny)" in msg
    assert "Jejich doplněním lze získat až 39 bodů." in msg


def test_not_applicable_is_not_missing():
    res = evaluate(pd.DataFrame(SERVICES), M)
    # a care home has no clients-per-FTE indicator: N/A (NaN points, 0 weight), not missing
    assert not res.applicable.at["S1", "clients_per_fte"]
    assert math.isnan(res.points.at["S1", "clients_per_fte"])
    assert res.weights.at["S1", "clients_per_fte"] == 0
    assert "clients_per_fte" not in res.missing_codes("S1")


def test_long_table_has_one_row_per_applicable_indicator():
    res = evaluate(pd.DataFrame(SERVICES), M)
    long = res.long()
    assert len(long.loc["S1"]) == 10 and len(long.loc["S3"]) == 9
    assert long.groupby(level="service_id")["weight"].sum().tolist() == pytest.approx([100, 100, 100])
