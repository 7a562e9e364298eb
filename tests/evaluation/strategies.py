"""Hypothesis strategies: services of the kinds the default methodology knows, with messy inputs."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import strategies as st

# (kind, form) pairs covering groups A, B, C, D and every output measure
COMBOS = [
    ("49", "pob"), ("50", "pob"), ("51", "pob"), ("44", "pob"), ("57", "pob"), ("68", "pob"), ("60", "pob"),
    ("40", "ter"), ("39", "ter"), ("44", "ter"), ("46", "amb"), ("37", "amb"), ("69", "ter"), ("60", "amb"),
    ("61", "amb"), ("70", "amb"),
]


def maybe(strategy, p_missing=True):
    return st.one_of(st.just(math.nan), strategy) if p_missing else strategy


money = st.floats(0, 2e8, allow_nan=False)
fte = st.floats(0, 150, allow_nan=False)
count = st.floats(0, 200_000, allow_nan=False)
grade = st.sampled_from([0, 1, 2, 3])


@st.composite
def service(draw, sid=None, allow_missing=True, combos=COMBOS):
    kind, form = draw(st.sampled_from(combos))
    m = allow_missing
    return {
        "service_id": sid if sid is not None else draw(st.uuids()).hex,
        "kind": kind,
        "form": form,
        "costs": draw(maybe(money, m)),
        "fte_direct": draw(maybe(fte, m)),
        "fte_other": draw(maybe(fte, m)),
        "capacity": draw(maybe(st.floats(0, 500), m)),
        "bed_days": draw(maybe(count, m)),
        "clients": draw(maybe(st.floats(0, 5_000), m)),
        "contacts": draw(maybe(count, m)),
        "interventions": draw(maybe(count, m)),
        "rev_users": draw(maybe(money, m)),
        "rev_health": draw(maybe(st.floats(0, 2e7), m)),
        "rev_municipal": draw(maybe(st.floats(0, 2e7), m)),
        "rev_founder": draw(maybe(st.floats(0, 2e7), m)),
        "rev_other": draw(maybe(st.floats(0, 2e7), m)),
        "assess_specifics": draw(maybe(grade, m)),
        "assess_cooperation": draw(maybe(grade, m)),
        "assess_community_planning": draw(maybe(grade, m)),
        "assess_inspection": draw(maybe(grade, m)),
        "assess_complaints": draw(maybe(grade, m)),
    }


@st.composite
def population(draw, min_size=1, max_size=25):
    n = draw(st.integers(min_size, max_size))
    rows = [draw(service(sid=f"s{i}")) for i in range(n)]
    return pd.DataFrame(rows)
