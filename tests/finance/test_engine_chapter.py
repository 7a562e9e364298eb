"""Financial chapter tables (docs/financing.md §4): exact sums that reconcile to the crown."""

from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.finance.engine import (
    compute_support,
    computed_sources,
    cost_table,
    planned_sources,
    share_pct,
    source_split,
    sources_table,
    state_need,
    year_on_year,
)

from .worked import PARAMS, network


def frame():
    return compute_support(network(), PARAMS).to_frame()


def test_seed_plan_state_share_is_35_percent():
    assert share_pct(1063937222, 3039820634) == Decimal("35.00")
    # the state need is ON − every other source: here the users pay 1 300 000 000 and 675 883 412
    seed = pd.DataFrame({
        "kind": ["49", "37"], "optimised_cost": [2_000_000_000, 1_039_820_634],
        "optimal_support": [700_000_000, 363_937_222], "user_fees": [1_300_000_000, 675_883_412],
        "health_insurance": [0, 0], "cofinancing": [0, 0], "municipal_cofinancing": [0, 0],
        "region_cofinancing": [0, 0],
    })
    assert state_need(seed) == {"optimised_cost": Decimal(3039820634), "state_need": Decimal(1063937222),
                                "state_share_pct": Decimal("35.00")}
    total = cost_table(seed, "kind").iloc[-1]
    assert total["kind"] == "Celkem" and total["optimised_cost"] == 3039820634
    assert total["optimal_support"] == 1063937222 and total["state_share_pct"] == Decimal("35.00")


def test_computed_sources_state_is_the_rest_with_its_rule():
    f = frame()
    rows = {r["key"]: r for r in computed_sources(f)}
    on = int(f["optimised_cost"].sum())
    assert sum(r["amount"] for r in rows.values()) == on == 49540427
    # the state need = ON − municipalities − users − insurers − kraj − other = Σ OP of the worked network
    others = sum(rows[k]["amount"] for k in ("municipalities", "users", "health_insurance", "region", "other"))
    assert rows["state"]["amount"] == on - others == 27023222
    assert rows["state"]["pct"] == Decimal("54.55") and rows["other"]["amount"] == 0
    assert rows["municipalities"]["amount"] == int(f["municipal_cofinancing"].sum())
    assert all(r["rule"] for r in rows.values()) and "výsledek" in rows["state"]["rule"]
    by_kind_form = sources_table(f, PARAMS, ("kind", "form"))
    assert by_kind_form.iloc[-1]["state"] == 27023222


def test_cost_table_by_group_hand_values():
    t = cost_table(frame(), "group").set_index("group")
    # A = A1 + R1 + R3, B = B1 + R2 (docs/financing.md §4.3)
    assert t.loc["A", "optimised_cost"] == 1623977 + 1320000 + 648000
    assert t.loc["A", "optimal_support"] == 1299182 + 1056000 + 518400
    assert t.loc["A", "state_share_pct"] == Decimal("80.00")
    assert t.loc["B", "user_fees"] == 648000 and t.loc["B", "state_share_pct"] == Decimal("61.99")
    assert t.loc["C", "state_share_pct"] == Decimal("62.86")
    assert t.loc["D", "state_share_pct"] == Decimal("50.00")
    assert t.loc["Celkem", "optimised_cost"] == 49540427 and t.loc["Celkem", "optimal_support"] == 27023222
    assert t.loc["Celkem", "state_share_pct"] == Decimal("54.55")
    assert t.loc["Celkem", "services"] == 7
    assert all(isinstance(v, Decimal) for v in t["optimised_cost"])


def test_every_dimension_reconciles_to_the_total():
    f = frame()
    for by in ("kind", "group", "target_group", "district", "orp", ["district", "orp"]):
        t = cost_table(f, by)
        body, total = t.iloc[:-1], t.iloc[-1]
        for c in ("optimised_cost", "user_fees", "health_insurance", "cofinancing", "optimal_support"):
            assert sum(body[c], Decimal(0)) == total[c] == Decimal(int(f[c].sum()))


def test_sources_of_d1_by_hand():
    s = sources_table(frame(), PARAMS, "orp").set_index("orp")
    z = s.loc["Znojmo"]  # D1 + R1
    assert z["users"] == 12483000 and z["health_insurance"] == 2163720
    # the municipalities pay the whole SF of the worked entries (the kraj's own share is 0 in the defaults)
    assert z["region"] == 0 and z["municipalities"] == 3661680 + 264000
    assert z["state"] == 18308400 + 1056000
    assert z["state"] + z["region"] + z["municipalities"] + z["users"] + z["health_insurance"] + z["other"] == \
        z["optimised_cost"]


def test_floored_entry_sources_cover_exactly_its_cost():
    # the municipalities' required share counts in full; fees and insurers fill the rest, the kraj gets nothing
    f = pd.DataFrame([dict(optimised_cost=6588250, user_fees=6000000, health_insurance=500000,
                           municipal_cofinancing=658825, region_cofinancing=65883, cofinancing=724708,
                           optimal_support=0)])
    s = {k: int(v[0]) for k, v in source_split(f, PARAMS).items()}
    assert s == {"state": 0, "region": 0, "municipalities": 658825, "users": 5929425,
                 "health_insurance": 0, "other": 0}


def test_region_and_municipalities_are_separate_sources():
    f = pd.DataFrame([dict(optimised_cost=1000, user_fees=100, health_insurance=0, municipal_cofinancing=150,
                           region_cofinancing=50, cofinancing=200, optimal_support=700)])
    s = {k: int(v[0]) for k, v in source_split(f).items()}
    assert s == {"state": 700, "region": 50, "municipalities": 150, "users": 100, "health_insurance": 0, "other": 0}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**8),
                          st.integers(0, 2000), st.integers(0, 10**8)), min_size=1, max_size=30))
def test_sources_always_add_up_to_the_optimised_cost(rows):
    # rate ≤ 20 %: the municipalities' share is rate × ON, the kraj's own any amount
    f = pd.DataFrame([dict(optimised_cost=on, user_fees=uf, health_insurance=hi,
                           municipal_cofinancing=on * rate // 10000, region_cofinancing=k,
                           cofinancing=on * rate // 10000 + k,
                           optimal_support=max(0, on - uf - hi - on * rate // 10000 - k))
                      for on, uf, hi, rate, k in rows])
    s = source_split(f, PARAMS)
    total = sum(s[k] for k in s)
    assert (total == f["optimised_cost"].to_numpy()).all()
    assert (s["state"] == f["optimal_support"].to_numpy()).all()
    assert (s["municipalities"] == f["municipal_cofinancing"].to_numpy()).all()  # always in full
    assert all((v >= 0).all() for v in s.values())


def test_planned_sources_reconcile():
    parts = planned_sources(Decimal(3039820634), PARAMS)
    assert sum(parts.values()) == Decimal(3039820634)
    assert parts["state"] == Decimal(1063937222)  # 35 % of 3 039 820 634 = 1 063 937 221,9
    assert parts["municipalities"] == 0


def test_planned_sources_municipalities_are_the_required_total():
    # ON 1 000 000, municipalities 150 000; state 35 % = 350 000; the rest 500 000 in 8 : 33 : 4 : 20
    parts = planned_sources(Decimal(1_000_000), PARAMS, municipalities=Decimal(150_000))
    assert parts["municipalities"] == 150_000 and parts["state"] == 350_000
    # 500 000 × 8/65 = 61 538.46, × 33/65 = 253 846.15, × 4/65 = 30 769.23, × 20/65 = 153 846.15 → +1 to the region
    assert (parts["region"], parts["users"], parts["health_insurance"], parts["other"]) == (
        61539, 253846, 30769, 153846)
    assert sum(parts.values()) == 1_000_000


def test_year_on_year_plus_25_percent():
    prev = cost_table(frame(), "group")
    cur = cost_table(compute_support(network(), PARAMS.with_normatives_scaled("1.25")).to_frame(), "group")
    y = year_on_year(prev, cur, "group").set_index("group")
    # group A: 3 591 977 → 2 029 971 + 1 650 000 + 810 000 = 4 489 971
    assert y.loc["A", "optimised_cost_previous"] == 3591977
    assert y.loc["A", "optimised_cost_current"] == 4489971
    assert y.loc["A", "optimised_cost_delta"] == 897994
    assert y.loc["A", "optimised_cost_change_pct"] == Decimal("25.00")
    assert list(y.index)[-1] == "Celkem"


def test_year_on_year_new_row_counts_zero_before():
    prev = pd.DataFrame({"kind": ["49"], "optimised_cost": [Decimal(100)], "optimal_support": [Decimal(50)]})
    cur = pd.DataFrame({"kind": ["49", "50"], "optimised_cost": [Decimal(110), Decimal(7)],
                        "optimal_support": [Decimal(55), Decimal(3)]})
    y = year_on_year(prev, cur, "kind").set_index("kind")
    assert y.loc["50", "optimised_cost_previous"] == 0 and y.loc["50", "optimised_cost_change_pct"] is None
    assert y.loc["49", "optimised_cost_change_pct"] == Decimal("10.00")
    assert np.isfinite(float(y.loc["49", "optimal_support_delta"]))
