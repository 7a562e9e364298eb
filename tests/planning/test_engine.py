"""The monitoring engine against the worked example of docs/planning.md ("Monitoring"), computed by hand."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from socplan.planning.engine import (
    STATES,
    IndicatorIn,
    MeasureIn,
    ReportIn,
    aggregate,
    fulfilment,
    indicator_state,
)

D = Decimal


def example():
    ms = [
        MeasureIn("M1", 2015, 2017, [ReportIn(2015, "in_progress", 40), ReportIn(2016, "done", 100)]),
        MeasureIn("M2", 2015, 2015, [ReportIn(2015, "in_progress", 60)]),
        MeasureIn("M3", 2016, 2017, []),
        MeasureIn("M4", 2015, 2017, [ReportIn(2015, "in_progress", 20), ReportIn(2016, "dropped", 20)]),
        MeasureIn("M5", 2017, 2017, []),
        MeasureIn("M6", 2015, 2017, [ReportIn(2015, "not_started", 0)]),
        MeasureIn("M7", 2015, 2016, [ReportIn(2016, "late", 70)]),
        MeasureIn("M8", 2015, 2017, [ReportIn(2015, "in_progress", 50), ReportIn(2017, "done", 100)]),
    ]
    inds = [
        IndicatorIn("I1", "M1", "up", {2016: D(100)}, {2016: D(120)}),
        IndicatorIn("I2", "M2", "down", {2016: D(10)}, {2016: D(12)}),
        IndicatorIn("I3", "M3", "up", {2016: D(5)}, {}),
        IndicatorIn("I4", "M6", "up", {2017: D(1)}, {}),
        IndicatorIn("I5", "M5", "up", {2016: D(1)}, {2016: D(1)}),
    ]
    return ms, inds


def test_worked_example_2016():
    ms, inds = example()
    f = fulfilment(ms, inds, 2016)
    assert f.counts == {"done": 1, "in_progress": 1, "late": 2, "dropped": 1, "not_started": 1, "not_reported": 1}
    assert f.in_scope == 7 and "M5" not in f.measures
    assert f.measures["M2"].state == "late" and f.measures["M2"].overdue
    assert f.measures["M7"].state == "late" and not f.measures["M7"].overdue
    assert f.measures["M8"].state == "in_progress" and f.measures["M8"].progress == 50
    assert f.mean_progress == D("46.7")  # (100 + 60 + 0 + 0 + 70 + 50) / 6
    assert f.indicator_counts == {"met": 1, "not_met": 1, "no_value": 1, "no_target": 1}
    assert f.indicators["I1"].ratio == D("120.0")
    assert f.indicators["I2"].ratio == D("83.3")  # 100 × 10 / 12, lower is better
    assert f.done_share == D("14.3")  # 1 of 7


def test_worked_example_2017():
    ms, inds = example()
    f = fulfilment(ms, inds, 2017)
    assert f.counts == {"done": 2, "in_progress": 0, "late": 2, "dropped": 1, "not_started": 1, "not_reported": 2}
    assert f.in_scope == 8
    assert f.mean_progress == D("47.1")  # (100 + 60 + 0 + 0 + 0 + 70 + 100) / 7


def test_aggregate_sums_plans_and_lists_orp_without_plan():
    ms, inds = example()
    other = [MeasureIn("X1", 2016, 2016, [ReportIn(2016, "done", 100)])]
    agg = aggregate([("orp-a", ms, inds), ("orp-b", other, []), ("orp-c", None, None)], 2016)
    assert agg.plans == 2 and [r.fulfilment is None for r in agg.rows] == [False, False, True]
    assert agg.counts["done"] == 2 and agg.in_scope == 8
    assert agg.mean_progress == D("54.3")  # (280 + 100) / 7
    assert agg.indicator_counts["met"] == 1


def test_indicator_without_target_or_value():
    assert indicator_state(IndicatorIn("i", "m", "up", {}, {2020: D(3)}), 2020).state == "no_target"
    assert indicator_state(IndicatorIn("i", "m", "up", {2020: D(3)}, {}), 2020).state == "no_value"
    assert indicator_state(IndicatorIn("i", "m", "down", {2020: D(3)}, {2020: D(3)}), 2020).state == "met"


reports = st.lists(st.tuples(st.integers(2015, 2020), st.sampled_from(["done", "in_progress", "late", "dropped",
                                                                      "not_started"]), st.integers(0, 100)),
                   max_size=5, unique_by=lambda r: r[0])
measures = st.lists(st.tuples(st.integers(2015, 2019), st.integers(0, 2), reports), max_size=15)


@given(measures, st.integers(2014, 2021))
def test_counts_reconcile_with_states(specs, year):
    ms = [MeasureIn(i, a, a + span, [ReportIn(y, s, p) for y, s, p in rs]) for i, (a, span, rs) in enumerate(specs)]
    f = fulfilment(ms, [], year)
    assert sum(f.counts.values()) == f.in_scope == sum(1 for m in ms if m.year_from <= year)
    assert set(f.counts) == set(STATES)
    for m in ms:
        out = f.measures.get(m.key)
        past = [r for r in m.reports if r.year <= year]
        if m.year_from > year:
            assert out is None
        elif not past:
            assert out.state == "not_reported"
        else:
            last = max(past, key=lambda r: r.year)
            assert out.progress == last.progress
            if last.state == "done":
                assert out.state == "done"
    if f.mean_progress is not None:
        assert D(0) <= f.mean_progress <= D(100)
