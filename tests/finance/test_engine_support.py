"""Optimised cost and optimal support: the hand-computed examples of docs/financing.md §2.5 and exactness."""

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socplan.finance.engine import Group, InputError, compute_support, default_params
from socplan.finance.engine.reference import reference_support
from socplan.finance.engine.support import AMOUNTS

from .worked import PARAMS, network

NB = "\xa0"

# docs/financing.md §2.5, computed by hand there
EXPECTED = {
    "A1": dict(optimised_cost=1623977, user_fees=0, health_insurance=0, cofinancing=324795, optimal_support=1299182),
    "B1": dict(optimised_cost=1376400, user_fees=648000, health_insurance=0, cofinancing=206460,
               optimal_support=521940),
    "C1": dict(optimised_cost=6515250, user_fees=1116900, health_insurance=0, cofinancing=1303050,
               optimal_support=4095300),
    "D1": dict(optimised_cost=36616800, user_fees=12483000, health_insurance=2163720, cofinancing=3661680,
               optimal_support=18308400),
    "R1": dict(optimised_cost=1320000, user_fees=0, health_insurance=0, cofinancing=264000, optimal_support=1056000),
    "R2": dict(optimised_cost=1440000, user_fees=0, health_insurance=0, cofinancing=216000, optimal_support=1224000),
    "R3": dict(optimised_cost=648000, user_fees=0, health_insurance=0, cofinancing=129600, optimal_support=518400),
}


for _v in EXPECTED.values():  # the municipalities pay the whole SF; the kraj's own share is 0 in the defaults
    _v.update(municipal_cofinancing=_v["cofinancing"], region_cofinancing=0)


def test_worked_examples_a_b_c_d():
    res = compute_support(network(), PARAMS)
    for sid, amounts in EXPECTED.items():
        rec = res.record(sid)
        for name, value in amounts.items():
            assert rec[name] == Decimal(value), (sid, name)
            assert isinstance(rec[name], Decimal)
    assert [res.record(s)["group"] for s in ("A1", "B1", "C1", "D1")] == [Group.A, Group.B, Group.C, Group.D]


def test_totals_are_exact_sums():
    res = compute_support(network(), PARAMS)
    totals = res.totals()
    for name in AMOUNTS:
        assert totals[name] == sum(Decimal(v[name]) for v in EXPECTED.values())


def test_explanations_fill_in_the_numbers():
    res = compute_support(network(), PARAMS)
    a = res.explain("A1")
    assert f"58{NB}000{NB}Kč × 2,3333 × 12 = 1{NB}623{NB}976,8{NB}Kč → 1{NB}623{NB}977{NB}Kč" in a
    assert f"SFo = sazba × ON = 20 % × 1{NB}623{NB}977{NB}Kč = 324{NB}795,4{NB}Kč → 324{NB}795{NB}Kč" in a
    assert f"= 1{NB}623{NB}977 − 0 − 324{NB}795 = 1{NB}299{NB}182{NB}Kč" in a
    b = res.explain("B1")
    assert f"S × K × M = 450{NB}Kč × 120 × 12 = 648{NB}000{NB}Kč" in b
    d = res.explain("D1")
    assert f"L × D × O = 48 × 365 × 0,95 = 16{NB}644" in d
    assert f"Z × LD = 130{NB}Kč × 16{NB}644 = 2{NB}163{NB}720{NB}Kč" in d
    assert f"= 36{NB}616{NB}800 − 12{NB}483{NB}000 − 2{NB}163{NB}720 − 3{NB}661{NB}680 = 18{NB}308{NB}400{NB}Kč" in d
    c = res.explain("C1")
    assert f"30 × 365 × 0,85 = 9{NB}307,5" in c


def test_support_is_never_negative_and_explains_why():
    # a home whose declared fees and health insurance exceed its optimised cost
    df = pd.DataFrame([dict(service_id="X", kind="49", form="P", beds=10, user_fees=Decimal("6000000.40"),
                            health_insurance=500000, municipal_rate="0.10")])
    res = compute_support(df, PARAMS)
    assert res.record("X")["optimal_support"] == 0
    # ON = 1 900 × 10 × 365 × 0.95 = 6 588 250; SF = 658 825; 6 588 250 − 6 000 000 − 500 000 − 658 825 < 0
    assert res.record("X")["optimised_cost"] == 6588250
    assert res.record("X")["user_fees"] == 6000000
    assert "max(0;" in res.explain("X") and f"o 570{NB}575{NB}Kč" in res.explain("X")


def test_overrides_and_partial_year():
    df = pd.DataFrame([
        # half a year of a 0.5 FTE; municipalities 15 %, the kraj's own share 10 % (override)
        dict(service_id="P", kind="40", form="T", fte="0.5", months=6, municipal_rate="0.15",
             region_cofinancing_share="0.10"),
        dict(service_id="Q", kind="49", form="P", beds=20, days=181, occupancy="0.9", municipal_rate="0.10"),
    ])
    res = compute_support(df, PARAMS)
    # 50 000 × 0.5 × 6 = 150 000; SFo = 22 500, SFk = 15 000, SF = 37 500; OP = 112 500
    p = res.record("P")
    assert (p["municipal_cofinancing"], p["region_cofinancing"], p["cofinancing"]) == (22500, 15000, 37500)
    assert p["optimal_support"] == 112500
    assert "SFk = 10 % × 150\xa0000\xa0Kč = 15\xa0000\xa0Kč" in res.explain("P")
    # LD = 20 × 181 × 0.9 = 3 258; ON = 6 190 200; ÚH = 2 280 600; ZP = 358 380; SF = 619 020
    q = res.record("Q")
    assert (q["optimised_cost"], q["user_fees"], q["health_insurance"], q["cofinancing"]) == (
        6190200, 2280600, 358380, 619020)
    assert q["optimal_support"] == 6190200 - 2280600 - 358380 - 619020


def test_leap_year_days():
    assert default_params(2024).days_in_year == 366
    df = pd.DataFrame([dict(service_id="Q", kind="51", form="P", beds=1, occupancy=1)])
    assert compute_support(df, default_params(2024)).record("Q")["optimised_cost"] == 1500 * 366


def test_group_by_form_for_mixed_kinds():
    df = pd.DataFrame([dict(service_id="T", kind="44", form="T", fte=1), dict(service_id="P", kind="44", form="P", beds=1)])
    res = compute_support(df, PARAMS)
    assert res.record("T")["group"] == Group.B and res.record("P")["group"] == Group.D


@pytest.mark.parametrize("row, message", [
    (dict(service_id="X", kind="37", form="A", fte="1.23456"), "decimal places"),
    (dict(service_id="X", kind="37", form="A", fte=1.23456), "decimal places"),
    (dict(service_id="X", kind="99", form="A", fte=1), "unknown kind"),
    (dict(service_id="X", kind="39", form="P", beds=1), "not provided in form"),
    (dict(service_id="X", kind="37", form="A"), "fte is required"),
    (dict(service_id="X", kind="49", form="P"), "beds is required"),
    (dict(service_id="X", kind="37", form="A", fte=-1), "negative"),
])
def test_bad_input_is_rejected(row, message):
    with pytest.raises(InputError, match=message):
        compute_support(pd.DataFrame([row]), PARAMS)


def test_duplicate_ids_rejected():
    with pytest.raises(InputError, match="duplicate"):
        compute_support(pd.DataFrame([dict(service_id=1, kind="37", form="A", fte=1)] * 2), PARAMS)


def test_floats_are_read_as_their_decimal_repr():
    df = pd.DataFrame([dict(service_id="A", kind="37", form="A", fte=2.35)])
    # 58 000 × 2.35 × 12 = 1 635 600 exactly (not the binary 2.3500000000000000888…)
    assert compute_support(df, PARAMS).record("A")["optimised_cost"] == 1635600


def test_normatives_what_if_plus_25_percent():
    p2 = PARAMS.with_normatives_scaled("1.25")
    res = compute_support(network(), p2)
    # A1: 72 500 × 2.3333 × 12 = 2 029 971 → SF 405 994.2 → 405 994 → OP 1 623 977
    assert res.record("A1")["optimised_cost"] == 2029971
    assert res.record("A1")["optimal_support"] == 1623977


# --- exactness against the per-entry Decimal reference ---------------------------------------------------------

_FTE_KINDS = [("37", "A"), ("41", "T"), ("44", "T"), ("65", "T"), ("39", "T")]
_BED_KINDS = [("49", "P"), ("50", "P"), ("57", "P"), ("44", "P"), ("70", "P")]


def _dec(digits, hi):
    return st.integers(0, hi * 10**digits).map(lambda v: Decimal(v).scaleb(-digits))


@st.composite
def rows(draw):
    if draw(st.booleans()):
        kind, form = draw(st.sampled_from(_FTE_KINDS))
        row = dict(kind=kind, form=form, fte=draw(_dec(4, 300)))
        if draw(st.booleans()):
            row["months"] = draw(_dec(2, 12))
        if draw(st.booleans()):
            row["users"] = draw(_dec(2, 5000))
    else:
        kind, form = draw(st.sampled_from(_BED_KINDS))
        row = dict(kind=kind, form=form, beds=draw(st.integers(0, 2000)))
        if draw(st.booleans()):
            row["days"] = draw(st.integers(0, 366))
        if draw(st.booleans()):
            row["occupancy"] = draw(_dec(4, 1).filter(lambda d: 0 < d <= 1))
        if draw(st.booleans()):
            row["user_fees"] = draw(_dec(2, 10**9))
        if draw(st.booleans()):
            row["health_insurance"] = draw(_dec(2, 10**8))
    if draw(st.booleans()):
        row["municipal_rate"] = draw(_dec(4, 1))
    if draw(st.booleans()):
        row["region_cofinancing_share"] = draw(_dec(4, 1))
    return row


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=25), st.integers(2020, 2030))
def test_vectorised_equals_per_entry_decimal_reference(row_list, year):
    params = default_params(year)
    df = pd.DataFrame([{**r, "service_id": i} for i, r in enumerate(row_list)])
    res = compute_support(df, params)
    ref = reference_support(df, params)
    for i, r in enumerate(ref):
        rec = res.record(i)
        for name in AMOUNTS:
            assert rec[name] == r[name], (i, name)
            assert rec[name] >= 0
