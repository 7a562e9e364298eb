"""Municipal co-financing split (docs/financing.md §5)."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.finance.engine import (
    compute_support,
    municipal_amounts,
    municipal_statement,
    municipality_totals,
    required_share,
    required_shares,
    split_municipal_share,
    statement_text,
)

from .worked import PARAMS, network


def test_municipal_parts_of_the_worked_services():
    amounts = municipal_amounts(compute_support(network(), PARAMS))
    assert amounts["C1"] == 1303050  # 20 % of 6 515 250
    assert amounts["D1"] == 3661680  # 10 % of 36 616 800


def test_required_share_is_rate_times_optimised_cost_half_up():
    assert required_share(6515250, "0.20") == 1303050
    assert required_share(1623977, "0.20") == 324795  # 324 795,4
    assert required_share(1234565, "0.10") == 123457  # 123 456,5 → half up
    assert required_share(1000, 0) == 0
    with pytest.raises(ValueError):
        required_share(1000, "0.12345")  # more than 4 decimals
    with pytest.raises(ValueError):
        required_share("1000.5", "0.1")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**12), st.integers(0, 10**4)), min_size=1, max_size=40))
def test_vectorised_required_shares_equal_the_decimal_definition(rows):
    on = np.array([r[0] for r in rows], dtype=np.int64)
    rate = np.array([r[1] for r in rows], dtype=np.int64)
    got = required_shares(on, rate)
    assert [int(x) for x in got] == [int(required_share(o, Decimal(r).scaleb(-4))) for o, r in rows]


def test_split_by_population_worked_example():
    s = split_municipal_share("C1", 1303050, "population", {"M1": 12000, "M2": 5000, "M3": 3500})
    # exact 762 760,98 / 317 817,07 / 222 471,95 → floors leave 2 Kč for the largest remainders (M1, M3)
    assert [p.amount for p in s.parts] == [762761, 317817, 222472]
    assert sum(p.amount for p in s.parts) == 1303050
    assert s.parts[0].exact == Decimal("762760.98")
    assert "12\xa0000 / 20\xa0500" in s.explain()


def test_split_by_declared_shares():
    s = split_municipal_share("X", 100001, "declared", {"M2": "0.3", "M1": "0.5", "M3": "0.2"})
    assert [(p.municipality, p.amount) for p in s.parts] == [("M1", 50001), ("M2", 30000), ("M3", 20000)]


def test_split_by_users_ties_go_to_the_first_code():
    s = split_municipal_share("X", 100, "users", {"M3": 1, "M1": 1, "M2": 1})
    assert [(p.municipality, p.amount) for p in s.parts] == [("M1", 34), ("M2", 33), ("M3", 33)]


@pytest.mark.parametrize("method, basis", [
    ("declared", {"M1": "0.5", "M2": "0.4"}),
    ("users", {"M1": 0, "M2": 0}),
    ("users", {"M1": "1.5"}),
    ("population", {}),
    ("population", {"M1": -1, "M2": 3}),
])
def test_invalid_bases_rejected(method, basis):
    with pytest.raises(ValueError):
        split_municipal_share("X", 1000, method, basis)


def test_statement_per_municipality():
    a = split_municipal_share("C1", 781830, "population", {"M1": 12000, "M2": 5000, "M3": 3500})
    b = split_municipal_share("D1", 2197008, "users", {"M1": 30, "M4": 18})
    totals = municipality_totals([a, b])
    # D1: 2 197 008 × 30/48 = 1 373 130, × 18/48 = 823 878
    assert totals == {"M1": Decimal(457657 + 1373130), "M2": Decimal(190690), "M3": Decimal(133483),
                      "M4": Decimal(823878)}
    assert sum(totals.values()) == 781830 + 2197008
    st_ = municipal_statement([a, b])
    m1 = st_[st_["municipality"] == "M1"]
    assert list(m1["service_id"]) == ["C1", "D1", "Celkem"]
    assert m1.iloc[-1]["amount"] == 457657 + 1373130
    text = statement_text([a, b], "M1")
    assert "Celkem: 1\xa0830\xa0787\xa0Kč" in text


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**10), st.dictionaries(st.text("0123456789", min_size=6, max_size=6),
                                               st.integers(0, 10**6), min_size=1, max_size=20)
       .filter(lambda d: sum(d.values()) > 0))
def test_parts_are_whole_crowns_and_sum_exactly(amount, basis):
    s = split_municipal_share("X", amount, "population", basis)
    total = sum(basis.values())
    assert sum(p.amount for p in s.parts) == amount
    for p in s.parts:
        assert p.amount == p.amount.to_integral_value()
        exact = Decimal(amount) * basis[p.municipality] / total
        assert abs(p.amount - exact) < 1
