"""Diff of two network versions (framework-free): a constructed case checked against hand-computed results,
and a property test that the totals always reconcile (old + added − removed ± changed = new)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socplan.network.engine.diff import DiffRow, diff_versions


def row(key, tier="zakladni", capacity=0, unit="luzka", fte="0"):
    return DiffRow(key=(key, None, None), label=f"Služba {key}", tier=tier, capacity=capacity, capacity_unit=unit,
                   fte=Decimal(fte))


OLD = [
    row("A", capacity=10, unit="luzka", fte="5"),
    row("B", capacity=20, unit="klient", fte="3"),
    row("C", tier="docasna", capacity=30, unit="luzka", fte="8"),
    row("E", capacity=7, unit="luzka", fte="2"),
    row("F", capacity=10, unit="klient", fte="1.5"),
]
NEW = [
    row("A", capacity=12, unit="luzka", fte="5"),       # capacity 10 → 12
    row("B", capacity=20, unit="klient", fte="3"),      # unchanged
    row("C", tier="zakladni", capacity=30, unit="luzka", fte="8"),  # tier only
    row("D", capacity=5, unit="klient", fte="1"),       # added
    row("F", capacity=8, unit="luzka", fte="1.25"),     # unit klient → luzka and FTE −0.25
]                                                        # E removed


def test_constructed_case():
    d = diff_versions(OLD, NEW)
    assert [r.key[0] for r in d.added] == ["D"]
    assert [r.key[0] for r in d.removed] == ["E"]
    assert {c.key[0]: c.fields for c in d.changed} == {"A": ["capacity"], "C": ["tier"], "F": ["capacity", "fte"]}
    assert d.unchanged == 1
    changed = {c.key[0]: c for c in d.changed}
    assert changed["A"].capacity_delta == {"luzka": 2}
    assert changed["F"].capacity_delta == {"luzka": 8, "klient": -10}
    assert changed["F"].fte_delta == Decimal("-0.25")
    # old: beds 10 + 30 + 7 = 47, clients 20 + 10 = 30, FTE 5 + 3 + 8 + 2 + 1.5 = 19.5, 5 entries
    assert d.old_totals.capacity == {"klient": 30, "luzka": 47}
    assert d.old_totals.fte == Decimal("19.5") and d.old_totals.entries == 5
    # new: beds 12 + 30 + 8 = 50, clients 20 + 5 = 25, FTE 5 + 3 + 8 + 1 + 1.25 = 18.25, 5 entries
    assert d.new_totals.capacity == {"klient": 25, "luzka": 50}
    assert d.new_totals.fte == Decimal("18.25") and d.new_totals.entries == 5
    rec = {r["measure"]: r for r in d.reconciliation()}
    # beds: 47 + 0 − 7 + (2 + 8) = 50
    assert (rec["capacity:luzka"]["added"], rec["capacity:luzka"]["removed"], rec["capacity:luzka"]["changed"]) \
        == (0, 7, 10)
    # clients: 30 + 5 − 0 + (−10) = 25
    assert (rec["capacity:klient"]["added"], rec["capacity:klient"]["removed"], rec["capacity:klient"]["changed"]) \
        == (5, 0, -10)
    # FTE: 19.5 + 1 − 2 − 0.25 = 18.25
    assert (rec["fte"]["added"], rec["fte"]["removed"], rec["fte"]["changed"]) == \
        (Decimal(1), Decimal(2), Decimal("-0.25"))
    assert (rec["entries"]["old"], rec["entries"]["added"], rec["entries"]["removed"], rec["entries"]["new"]) == \
        (5, 1, 1, 5)
    assert d.reconciles


def test_parts_of_a_service_are_separate_entries():
    old = [DiffRow(("S", "amb", None), "S amb", "zakladni", 10, "klient", Decimal(1)),
           DiffRow(("S", "ter", None), "S ter", "zakladni", 5, "klient", Decimal(1))]
    new = [DiffRow(("S", "amb", None), "S amb", "zakladni", 10, "klient", Decimal(1))]
    d = diff_versions(old, new)
    assert [r.key for r in d.removed] == [("S", "ter", None)] and not d.added and not d.changed


def test_identical_versions_have_no_changes():
    d = diff_versions(OLD, list(reversed(OLD)))
    assert not d.added and not d.removed and not d.changed and d.unchanged == 5 and d.reconciles


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError):
        diff_versions(OLD + [row("A")], NEW)


rows = st.builds(
    lambda k, tier, cap, unit, fte: row(k, tier, cap, unit, str(fte)),
    st.sampled_from("ABCDEFGHIJ"), st.sampled_from(["zakladni", "docasna", "zasobnik"]),
    st.integers(0, 500), st.sampled_from(["luzka", "klient", "kontakt"]),
    st.decimals(0, 100, places=2, allow_nan=False, allow_infinity=False),
)


def unique(xs):
    seen, out = set(), []
    for x in xs:
        if x.key not in seen:
            seen.add(x.key)
            out.append(x)
    return out


@given(st.lists(rows, max_size=10).map(unique), st.lists(rows, max_size=10).map(unique))
def test_totals_always_reconcile(old, new):
    d = diff_versions(old, new)
    assert d.reconciles
    assert len(d.added) + len(d.changed) + d.unchanged == len(new)
    assert len(d.removed) + len(d.changed) + d.unchanged == len(old)
