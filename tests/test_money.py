"""Money helpers: rounding, Czech formatting, largest-remainder split."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from socplan.core.money import czk, format_czk, format_number, largest_remainder


def test_format_czk_matches_the_seed_figure():
    assert format_czk(Decimal("3039820634")) == "3\xa0039\xa0820\xa0634\xa0Kč"
    assert format_number(Decimal("-1234.5"), 1) == "-1\xa0234,5"
    assert format_number(0) == "0"


def test_czk_rounds_half_up():
    assert czk(Decimal("2.5")) == 3
    assert czk(Decimal("-2.5")) == -3
    assert czk(Decimal("2.49")) == 2


def test_largest_remainder_example():
    # 100 split 1:1:1 → 33.33 each; the first gets the leftover crown
    assert largest_remainder(Decimal(100), [1, 1, 1]) == [34, 33, 33]


@given(st.integers(0, 10**10), st.lists(st.integers(0, 10**6), min_size=1, max_size=30).filter(lambda w: sum(w) > 0))
def test_largest_remainder_reconciles(total, weights):
    parts = largest_remainder(Decimal(total), weights)
    assert sum(parts) == total
    wsum = sum(weights)
    for p, w in zip(parts, weights, strict=True):
        exact = Decimal(total) * w / wsum
        assert abs(p - exact) < 1
