"""The worked example of docs/evaluation.md §5, reproduced exactly.

Every expected number below was computed by hand in docs/evaluation.md (the arithmetic is written out there);
none was produced by running the engine.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from socplan.evaluation.engine import default_jmk_2014, evaluate, explain, to_json_dict

NAN = math.nan

# Inputs: docs/evaluation.md §5.1
SERVICES = [
    dict(
        service_id="S1", kind="49", form="pob", costs=50_400_000, fte_direct=36, fte_other=20, capacity=80,
        bed_days=28_000, clients=NAN, contacts=NAN, interventions=NAN,
        rev_users=24_000_000, rev_health=3_000_000, rev_municipal=2_000_000, rev_founder=0, rev_other=400_000,
        assess_specifics=2, assess_cooperation=3, assess_community_planning=1, assess_inspection=3,
        assess_complaints=2,
    ),
    dict(
        service_id="S2", kind="49", form="pob", costs=45_333_000, fte_direct=24, fte_other=18, capacity=60,
        bed_days=19_710, clients=NAN, contacts=NAN, interventions=NAN,
        rev_users=18_000_000, rev_health=2_000_000, rev_municipal=1_500_000, rev_founder=0, rev_other=0,
        assess_specifics=2, assess_cooperation=2, assess_community_planning=2, assess_inspection=1,
        assess_complaints=2,
    ),
    dict(
        service_id="S3", kind="40", form="ter", costs=8_200_000, fte_direct=10, fte_other=4, capacity=40,
        bed_days=NAN, clients=NAN, contacts=NAN, interventions=NAN,
        rev_users=2_500_000, rev_health=0, rev_municipal=1_200_000, rev_founder=0, rev_other=100_000,
        assess_specifics=3, assess_cooperation=2, assess_community_planning=3, assess_inspection=2,
        assess_complaints=3,
    ),
]

# (indicator, value, reference, compared, points, weight, contribution) – docs/evaluation.md §5.2–5.4
EXPECTED = {
    "S1": [
        ("assess_specifics", 2, NAN, 2, 7, 24, 16.8),
        ("other_sources_share", 29_400_000 / 50_400_000, 0.60, 0.972222222, 7, 12, 8.4),
        ("cost_per_bed_day", 1_800, 1_900, 0.947368421, 8, 15, 12.0),
        ("direct_care_share", 36 / 56, 0.60, 36 / 56, 10, 5, 5.0),
        ("occupancy", 28_000 / 29_200, 0.95, 1.009372747, 10, 24, 24.0),
        ("assess_cooperation", 3, NAN, 3, 10, 2.5, 2.5),
        ("assess_community_planning", 1, NAN, 1, 4, 2.5, 1.0),
        ("assess_inspection", 3, NAN, 3, 10, 5, 5.0),
        ("assess_complaints", 2, NAN, 2, 7, 5, 3.5),
        ("fte_per_capacity", 0.45, 0.45, 1.0, 10, 5, 5.0),
    ],
    "S2": [
        ("assess_specifics", 2, NAN, 2, 7, 24, 16.8),
        ("other_sources_share", 21_500_000 / 45_333_000, 0.60, 0.790446989, 2, 12, 2.4),
        ("cost_per_bed_day", 2_300, 1_900, 1.210526316, 2, 15, 3.0),
        ("direct_care_share", 24 / 42, 0.60, 24 / 42, 7, 5, 3.5),
        ("occupancy", 0.90, 0.95, 0.947368421, 4, 24, 9.6),
        ("assess_cooperation", 2, NAN, 2, 7, 2.5, 1.75),
        ("assess_community_planning", 2, NAN, 2, 7, 2.5, 1.75),
        ("assess_inspection", 1, NAN, 1, 4, 5, 2.0),
        ("assess_complaints", 2, NAN, 2, 7, 5, 3.5),
        ("fte_per_capacity", 0.40, 0.45, 0.888888889, 4, 5, 2.0),
    ],
    "S3": [
        ("assess_specifics", 3, NAN, 3, 10, 24, 24.0),
        ("other_sources_share", 3_800_000 / 8_200_000, 0.45, 1.029810298, 10, 12, 12.0),
        ("cost_per_fte", 820_000, 780_000, 1.051282051, 5, 15, 7.5),
        ("direct_care_share", 10 / 14, 0.60, 10 / 14, 10, 5, 5.0),
        ("clients_per_fte", NAN, 15, NAN, 0, 24, 0.0),
        ("assess_cooperation", 2, NAN, 2, 7, 2.5, 1.75),
        ("assess_community_planning", 3, NAN, 3, 10, 2.5, 2.5),
        ("assess_inspection", 2, NAN, 2, 7, 7.5, 5.25),
        ("assess_complaints", 3, NAN, 3, 10, 7.5, 7.5),
    ],
}
SCORES = {"S1": 83.2, "S2": 46.3, "S3": 65.5}

EXPECTED_JSON = {
    "region": "CZ064",
    "year": 2026,
    "results": [
        {"service_id": "S1", "kind": "49", "score": 83.2, "rank": 1, "meets_threshold": True, "missing": []},
        {"service_id": "S2", "kind": "49", "score": 46.3, "rank": 2, "meets_threshold": False, "missing": []},
        {"service_id": "S3", "kind": "40", "score": 65.5, "rank": 1, "meets_threshold": True,
         "missing": ["clients_per_fte"]},
    ],
}


@pytest.fixture(scope="module")
def result():
    return evaluate(pd.DataFrame(SERVICES), default_jmk_2014(2026))


def _same(a, b, tol=1e-9):
    if isinstance(b, float) and math.isnan(b):
        return math.isnan(a)
    return a == pytest.approx(b, abs=tol)


@pytest.mark.parametrize("sid", ["S1", "S2", "S3"])
def test_breakdown_matches_hand_computation(result, sid):
    rows = explain(result, sid).rows
    assert [r.indicator for r in rows] == [e[0] for e in EXPECTED[sid]]
    for row, (code, value, ref, compared, points, weight, contribution) in zip(rows, EXPECTED[sid], strict=True):
        assert _same(row.value, float(value)), code
        assert _same(row.reference, float(ref)), code
        assert _same(row.compared, float(compared)), code
        assert row.points == points, code
        assert row.weight == pytest.approx(weight, abs=1e-12), code
        assert row.contribution == pytest.approx(contribution, abs=1e-12), code
    assert sum(w for *_, w, _c in EXPECTED[sid]) == 100


@pytest.mark.parametrize("sid", ["S1", "S2", "S3"])
def test_total_scores(result, sid):
    assert result.services.at[sid, "score"] == SCORES[sid]
    assert sum(e[-1] for e in EXPECTED[sid]) == pytest.approx(SCORES[sid], abs=1e-9)


def test_ranks_thresholds_and_missing(result):
    s = result.services
    assert s.loc["S1", "rank"] == 1 and s.loc["S2", "rank"] == 2 and s.loc["S3", "rank"] == 1
    assert s["meets_threshold"].tolist() == [True, False, True]
    assert result.missing_codes("S3") == ["clients_per_fte"]
    assert result.missing_codes("S1") == []  # clients are N/A for a care home, not missing


def test_machine_readable_output_exact(result):
    out = to_json_dict(result, "CZ064", 2026)
    assert out == EXPECTED_JSON
    assert json.loads(json.dumps(out)) == EXPECTED_JSON  # plain JSON types only


def test_why_below_threshold_message(result):
    msg = explain(result, "S2").message
    assert msg.startswith("Služba nedosáhla prahu pro síť: získala 46,3 bodu ze 100")
    assert "chybí 3,7 bodu" in msg
    # largest losses: occupancy 24 − 9.6 = 14.4, cost per bed-day 15 − 3 = 12, other sources 12 − 2.4 = 9.6
    assert ("Nejvíce bodů ztrácí u ukazatelů: Obložnost (9,6 z 24), Náklady na lůžkoden (3 z 15), "
            "Podíl jiných zdrojů na rozpočtu (2,4 z 12).") in msg


def test_missing_data_message(result):
    e = explain(result, "S3")
    assert e.meets_threshold
    assert "Počet klientů na úvazek v přímé péči (chybí: počet klientů)" in e.message
    assert "Jejich doplněním lze získat až 24 bodů." in e.message
    assert "Služba splňuje práh pro síť: získala 65,5 bodu ze 100" in e.message
