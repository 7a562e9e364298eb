"""Validation of the methodology (Czech messages) and the engine's refusals."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from socplan.evaluation.engine import (
    MethodologyError,
    Scale,
    default_jmk_2014,
    evaluate,
    methodology_from_dict,
    methodology_to_dict,
    validate_methodology,
)

from .test_engine_worked_example import SERVICES

M = default_jmk_2014(2026)


def _replace_indicator(m, code, **changes):
    inds = tuple(dataclasses.replace(i, **changes) if i.code == code else i for i in m.indicators)
    return dataclasses.replace(m, indicators=inds)


def test_default_methodology_is_valid_and_has_the_published_weights():
    assert validate_methodology(M) == []
    assert {c.name: c.weight for c in M.criteria} == {
        "Specifikum služby": 24,
        "Jiné zdroje": 12,
        "Nákladovost": 20,
        "Výkonnost": 24,
        "Provázanost a spolupráce": 5,
        "Kvalita": 15,
    }


def test_weights_must_sum_to_100():
    errs = validate_methodology(M.with_criterion_weight("KVAL", 10))
    assert "Součet vah kritérií je 95 %, musí být 100 %." in errs


def test_negative_weight():
    m = M.with_criterion_weight("KVAL", -5).with_criterion_weight("SPEC", 44)
    assert any("Váha kritéria „Kvalita“ musí být nezáporné číslo." == e for e in validate_methodology(m))


def test_non_monotone_scale_is_rejected():
    bad = Scale((0.9, 1.0, 1.1, 1.25), (10, 8, 9, 2, 0))  # 8 → 9 rises on a lower-is-better scale
    m = _replace_indicator(M, "cost_per_fte", scales={"*": bad, "C": None, "D": None})
    errs = validate_methodology(m)
    assert any("Náklady na úvazek v přímé péči" in e and "musí s rostoucí hodnotou klesat" in e for e in errs)


def test_higher_is_better_scale_must_rise():
    bad = Scale((1, 2, 3), (0, 7, 4, 10))
    m = _replace_indicator(M, "assess_inspection", scales={"*": bad})
    assert any("musí s rostoucí hodnotou růst" in e for e in validate_methodology(m))


def test_thresholds_must_increase():
    bad = Scale((1, 1, 3), (0, 4, 7, 10))
    m = _replace_indicator(M, "assess_inspection", scales={"*": bad})
    assert any("hranice musí být ostře rostoucí" in e for e in validate_methodology(m))


def test_scale_must_cover_the_points_range():
    short = Scale((1, 2, 3), (0, 4, 7, 8))  # best band 8, not 10
    m = _replace_indicator(M, "assess_inspection", scales={"*": short})
    errs = validate_methodology(m)
    assert any("„*“: stupnice musí pokrýt celý rozsah bodů od 0 do 10" in e for e in errs)
    no_zero = Scale((1, 2, 3), (2, 4, 7, 10))
    m = _replace_indicator(M, "assess_inspection", scales={"*": no_zero})
    assert any("pokrýt celý rozsah bodů" in e for e in validate_methodology(m))


def test_scale_shape_and_value_range():
    m = _replace_indicator(M, "assess_inspection", scales={"*": Scale((1, 2), (0, 4, 7, 10))})
    assert any("musí být o 1 větší" in e for e in validate_methodology(m))
    m = _replace_indicator(M, "direct_care_share", scales={"*": Scale((0.4, 0.5, 1.2), (0, 4, 7, 10))})
    assert any("přípustném rozsahu hodnot 0 až 1" in e for e in validate_methodology(m))


def test_relative_indicator_needs_a_reference_for_every_kind():
    m = _replace_indicator(M, "cost_per_bed_day", references={"49": 1900})
    errs = validate_methodology(m)
    assert "Ukazatel „Náklady na lůžkoden“ nemá referenční hodnotu pro druh § 50." in errs


def test_each_criterion_needs_an_applicable_indicator_for_each_kind():
    m = _replace_indicator(M, "occupancy", scales={"*": None, "C": M.indicator("occupancy").scales["C"]})
    errs = validate_methodology(m)
    assert "Pro druh § 49 nemá kritérium „Výkonnost“ žádný použitelný ukazatel." in errs


def test_threshold_range_and_unknown_direction():
    m = dataclasses.replace(M, thresholds={"*": 120.0})
    assert "Práh pro síť pro „*“ musí ležet mezi 0 a 100 body." in validate_methodology(m)
    m = _replace_indicator(M, "occupancy", direction="better")
    assert any("neznámý směr „better“" in e for e in validate_methodology(m))


def test_evaluate_refuses_an_invalid_methodology():
    with pytest.raises(MethodologyError, match="Součet vah kritérií je 95 %"):
        evaluate(pd.DataFrame(SERVICES), M.with_criterion_weight("KVAL", 10))


def test_evaluate_refuses_unknown_kind_and_duplicate_ids():
    rows = [dict(SERVICES[0]), {**SERVICES[1], "kind": "99"}]
    with pytest.raises(MethodologyError, match="Metodika nezná druh služby: § 99"):
        evaluate(pd.DataFrame(rows), M)
    with pytest.raises(ValueError, match="duplicate service_id"):
        evaluate(pd.DataFrame([SERVICES[0], SERVICES[0]]), M)


def test_methodology_round_trips_through_json():
    data = json.loads(json.dumps(methodology_to_dict(M)))
    assert methodology_from_dict(data) == M


def test_kind_given_as_number_or_with_paragraph_sign():
    rows = [{**SERVICES[0], "kind": 49}, {**SERVICES[1], "kind": "§ 49"}]
    s = evaluate(pd.DataFrame(rows), M).services
    assert s["kind"].tolist() == ["49", "49"]
    assert s["score"].tolist() == [83.2, 46.3]  # docs/evaluation.md §5
