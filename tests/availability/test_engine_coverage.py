"""Coverage per 1,000, gap in capacity units and need (docs/availability.md §2)."""

import numpy as np
import pytest

from socplan.availability.engine import (
    capacity_gap,
    coverage_per_1000,
    coverage_table,
    estimate_need,
    required_capacity,
)


def test_coverage_and_gap_by_hand():
    # 120 beds for 3,000 people aged 65+: 120 / 3000 × 1000 = 40 per 1,000
    assert coverage_per_1000(120, 3000) == pytest.approx(40.0)
    # target 45 per 1,000: 45 × 3000 / 1000 = 135 beds required, gap = 135 − 120 = 15 beds missing
    assert required_capacity(3000, 45) == pytest.approx(135.0)
    assert capacity_gap(120, 3000, 45) == pytest.approx(15.0)
    # a surplus is a negative gap: 150 beds against 135 required
    assert capacity_gap(150, 3000, 45) == pytest.approx(-15.0)


def test_zero_population_gives_nan_not_error():
    out = coverage_per_1000(np.array([5.0, 0.0]), np.array([0.0, 0.0]))
    assert np.isnan(out).all()


def test_need_is_population_times_rate():
    # 3,000 aged 65+, 4 % use a home for seniors: 120 persons
    assert estimate_need(3000, 0.04) == pytest.approx(120.0)
    # per obec × per kind
    need = estimate_need(np.array([1000.0, 250.0])[:, None], np.array([0.04, 0.1, 0.0]))
    assert need.shape == (2, 3)
    assert need.ravel().tolist() == pytest.approx([40.0, 100.0, 0.0, 10.0, 25.0, 0.0])
    with pytest.raises(ValueError):
        estimate_need(100, -0.1)


def test_coverage_table_aggregates_before_dividing():
    # ORP 1001: obce with 50 beds/1,000 people and 10 beds/3,000 people → 60 / 4,000 = 15 per 1,000
    table = coverage_table(
        ["1001", "1001", "1002"], capacity=[50, 10, 0], population=[1000, 3000, 500], target_per_1000=20
    )
    assert table.index.tolist() == ["1001", "1002"]
    assert table.loc["1001", "per_1000"] == pytest.approx(15.0)
    assert table.loc["1001", "required"] == pytest.approx(80.0)  # 20 × 4000 / 1000
    assert table.loc["1001", "gap"] == pytest.approx(20.0)  # 80 − 60
    assert table.loc["1002", "gap"] == pytest.approx(10.0)  # 20 × 500 / 1000 − 0
