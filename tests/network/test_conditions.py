"""Entry conditions (framework-free engine): each rule passes and fails with the exact reason text.

Every expected amount is computed by hand in the comment next to it (docs/network.md, "Conditions").
Money is printed with non-breaking spaces (format_czk), hence the "\xa0" in the expected texts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from socplan.network.engine.conditions import (
    DEFAULT_RULES,
    ConditionParams,
    ConditionRule,
    EntryFacts,
    TerritoryUnit,
    check_entry,
    checks_to_json,
)

NB = "\xa0"
JMK = TerritoryUnit("ORP Blansko", "CZ064", "Jihomoravský kraj")
JMK2 = TerritoryUnit("ORP Boskovice", "CZ064", "Jihomoravský kraj")
ZLK = TerritoryUnit("ORP Zlín", "CZ072", "Zlínský kraj")


def kc(text: str) -> str:
    """Amounts like '7 000 000 Kč' written with the non-breaking spaces format_czk uses."""
    return re.sub(r"(?<=\d) (?=\d{3}\b)|(?<=\d) (?=Kč)", NB, text)


PARAMS = ConditionParams(
    region_code="CZ064", region_name="Jihomoravský kraj", year=2026,
    budget_limits={"A": Decimal(1_150_000), "B": Decimal(1_000_000), "C": Decimal(250_000), "D": Decimal(650_000)},
)

# An existing § 40 care service (group B) with 10 FTE; the co-financing source (finance) computed its optimised
# cost 7 000 000 Kč and, at the care rate 10 %, the required municipal share 700 000 Kč.
CARE = EntryFacts(
    key=1, service_id=11, label="Pečovatelská služba Blansko", kind_code="40", category="pece", form="ter",
    group="B", status="existing", tier="zakladni", registered=True, identifier="1234567",
    valid_from=date(2010, 1, 1), valid_to=None, territory=(JMK, JMK2),
    units=Decimal(10), declared=Decimal(700_000), score=62.5, threshold=50.0,
    cofinancing_required=Decimal(700_000), cofinancing_rate=Decimal(10), cofinancing_basis=Decimal(7_000_000),
)


def result(facts, code, params=PARAMS):
    check = check_entry(facts, params)
    found = [r for r in check.results if r.code == code]
    assert len(found) == 1, f"{code} not applied"
    return found[0]


# --- registration -------------------------------------------------------------------------------------------

def test_registration_pass():
    r = result(CARE, "registration")
    assert r.passed
    assert r.reason == "Registrace platí v roce 2026 (identifikátor 1234567)."
    assert r.name == "Platná registrace"


def test_registration_pass_without_identifier_and_ending_in_the_year():
    r = result(replace(CARE, identifier="", valid_to=date(2026, 1, 1)), "registration")
    assert r.passed and r.reason == "Registrace platí v roce 2026."


def test_registration_fail_ended_before_the_year():
    r = result(replace(CARE, valid_to=date(2025, 12, 31)), "registration")
    assert not r.passed
    assert r.reason == "Registrace skončila 31. 12. 2025, před začátkem roku 2026."


def test_registration_fail_starts_after_the_year():
    r = result(replace(CARE, valid_from=date(2027, 3, 1)), "registration")
    assert not r.passed
    assert r.reason == "Registrace začíná až 1. 3. 2027, po konci roku 2026."


def test_registration_fail_not_registered():
    r = result(replace(CARE, registered=False), "registration")
    assert not r.passed and r.reason == "Služba není registrována."


# --- territory ----------------------------------------------------------------------------------------------

def test_territory_pass():
    r = result(CARE, "territory")
    assert r.passed
    assert r.reason == "Území pověření leží v kraji (Jihomoravský kraj): ORP Blansko, ORP Boskovice."


def test_territory_fail_outside():
    r = result(replace(CARE, territory=(JMK, ZLK)), "territory")
    assert not r.passed
    assert r.reason == "Území pověření leží mimo kraj (Jihomoravský kraj): ORP Zlín (Zlínský kraj)."


def test_territory_fail_none():
    r = result(replace(CARE, territory=()), "territory")
    assert not r.passed and r.reason == "Není určeno území, pro které je služba pověřena."


# --- co-financing -------------------------------------------------------------------------------------------

def test_cofinancing_pass_exactly_the_required_share():
    # required = 10 % × 7 000 000 = 700 000 (a fact from the co-financing source)
    r = result(CARE, "cofinancing")
    assert r.passed
    assert r.reason == kc("Obce deklarovaly 700 000 Kč, požadováno je 10 % z optimalizovaných nákladů "
                          "7 000 000 Kč, tj. 700 000 Kč.")


def test_cofinancing_fail_short():
    r = result(replace(CARE, declared=Decimal(300_000)), "cofinancing")
    assert not r.passed
    assert r.reason == kc("Obce deklarovaly 300 000 Kč, požadováno je 10 % z optimalizovaných nákladů "
                          "7 000 000 Kč, tj. 700 000 Kč; chybí 400 000 Kč.")


def test_cofinancing_prevention_one_crown_short():
    # § 65 prevention: 20 % × 2 875 000 = 575 000; declared 574 999 is one crown short
    facts = replace(CARE, kind_code="65", category="prevence", group="A", units=Decimal("2.5"),
                    declared=Decimal(574_999), cofinancing_required=Decimal(575_000), cofinancing_rate=Decimal(20),
                    cofinancing_basis=Decimal(2_875_000))
    r = result(facts, "cofinancing")
    assert not r.passed
    assert r.reason == kc("Obce deklarovaly 574 999 Kč, požadováno je 20 % z optimalizovaných nákladů "
                          "2 875 000 Kč, tj. 575 000 Kč; chybí 1 Kč.")


def test_cofinancing_compares_with_the_given_required_share_only():
    # the condition does not compute: 12,5 % of 1 234 565 = 154 320.625 was rounded by the source (154 321)
    facts = replace(CARE, declared=Decimal(154_320), cofinancing_required=Decimal(154_321),
                    cofinancing_rate=Decimal("12.5"), cofinancing_basis=Decimal(1_234_565))
    r = result(facts, "cofinancing")
    assert not r.passed
    assert r.reason == kc("Obce deklarovaly 154 320 Kč, požadováno je 12,5 % z optimalizovaných nákladů "
                          "1 234 565 Kč, tj. 154 321 Kč; chybí 1 Kč.")


def test_cofinancing_fail_when_the_required_share_is_unknown():
    r = result(replace(CARE, cofinancing_required=None, cofinancing_rate=None, cofinancing_basis=None,
                       cofinancing_note="pro kraj a rok 2026 nejsou parametry financování."), "cofinancing")
    assert not r.passed
    assert r.reason == "Nelze ověřit spolufinancování obcí: pro kraj a rok 2026 nejsou parametry financování."
    r = result(replace(CARE, cofinancing_required=None), "cofinancing")
    assert r.reason == "Nelze ověřit spolufinancování obcí: požadovaný podíl obcí není spočten."


def test_cofinancing_not_required_when_rate_is_zero():
    facts = replace(CARE, declared=Decimal(0), cofinancing_required=Decimal(0), cofinancing_rate=Decimal(0))
    r = result(facts, "cofinancing")
    assert r.passed
    assert r.reason == "Spolufinancování obcí se pro tento druh, formu a úroveň sítě nevyžaduje (sazba 0 %)."


def test_cofinancing_zero_share_with_the_source_note_passes():
    note = "Úroveň sítě zasobnik není financována: spolufinancování obcí se nepožaduje."
    facts = replace(CARE, declared=Decimal(0), cofinancing_required=Decimal(0), cofinancing_rate=None,
                    cofinancing_basis=None, cofinancing_note=note)
    r = result(facts, "cofinancing")
    assert r.passed and r.reason == note


# --- points -------------------------------------------------------------------------------------------------

def test_points_pass():
    r = result(CARE, "points")
    assert r.passed and r.reason == "Hodnocení 62,5 b. dosahuje prahu 50 b. pro druh § 40."


def test_points_exactly_at_the_threshold_passes():
    r = result(replace(CARE, score=50.0), "points")
    assert r.passed and r.reason == "Hodnocení 50 b. dosahuje prahu 50 b. pro druh § 40."


def test_points_fail():
    r = result(replace(CARE, score=41.234), "points")
    assert not r.passed and r.reason == "Hodnocení 41,23 b. nedosahuje prahu 50 b. pro druh § 40."


def test_points_threshold_override_of_the_kind():
    params = replace(PARAMS, points_thresholds={"40": 70.0})
    r = result(CARE, "points", params)
    assert not r.passed and r.reason == "Hodnocení 62,5 b. nedosahuje prahu 70 b. pro druh § 40."


def test_points_fail_without_evaluation():
    r = result(replace(CARE, score=None, threshold=None), "points")
    assert not r.passed and r.reason == "Služba nemá hodnocení podle metodiky za rok 2026."


def test_points_fail_without_threshold():
    r = result(replace(CARE, threshold=None), "points")
    assert not r.passed and r.reason == "Pro druh § 40 není stanoven práh bodů hodnocení."


# --- development: need, budget, action plan -----------------------------------------------------------------

NEW = replace(
    CARE, key=7, service_id=None, label="Nová pečovatelská služba", status="new", tier=None, registered=True,
    units=Decimal("3.9"), declared=Decimal(350_000), score=None, threshold=None,
    cofinancing_required=Decimal(350_000), cofinancing_basis=Decimal(3_500_000),
    orp_name="Blansko", need_declared=True, measure_code="2.1", measure_title="Rozvoj terénních služeb",
    measure_orp_name="Blansko", expected_cost=Decimal(3_500_000), action_plan_year=2026,
    action_plan_title="Akční plán 2026",
)


def test_need_pass():
    r = result(NEW, "need")
    assert r.passed
    assert r.reason == "ORP Blansko deklarovala potřebnost; opatření 2.1 „Rozvoj terénních služeb“ komunitního plánu."


def test_need_fail_no_opinion_yet():
    r = result(replace(NEW, need_declared=None), "need")
    assert not r.passed and r.reason == "ORP Blansko zatím nevydala stanovisko k potřebnosti."


def test_need_fail_not_declared_and_no_measure_lists_both():
    r = result(replace(NEW, need_declared=False, measure_code="", measure_orp_name=None), "need")
    assert not r.passed
    assert r.reason == ("ORP Blansko potřebnost nedeklarovala; chybí odkaz na opatření komunitního plánu "
                        "ORP Blansko.")


def test_need_fail_measure_of_another_orp():
    r = result(replace(NEW, measure_orp_name="Znojmo"), "need")
    assert not r.passed and r.reason == "Opatření 2.1 nepatří do komunitního plánu ORP Blansko."


def test_budget_pass():
    # limit = 3.9 FTE × 1 000 000 = 3 900 000 ≥ 3 500 000
    r = result(NEW, "budget")
    assert r.passed
    assert r.reason == kc("Rozpočet 3 500 000 Kč nepřekračuje limit 3 900 000 Kč "
                          "(počet úvazků 3,9 × 1 000 000 Kč).")


def test_budget_fail():
    r = result(replace(NEW, expected_cost=Decimal(4_200_000)), "budget")
    assert not r.passed
    assert r.reason == kc("Rozpočet 4 200 000 Kč překračuje limit 3 900 000 Kč "
                          "(počet úvazků 3,9 × 1 000 000 Kč) o 300 000 Kč.")


def test_budget_beds_for_residential_groups():
    # group D: 20 beds × 650 000 = 13 000 000
    r = result(replace(NEW, kind_code="49", form="pob", group="D", units=Decimal(20),
                       expected_cost=Decimal(13_000_001)), "budget")
    assert not r.passed
    assert r.reason == kc("Rozpočet 13 000 001 Kč překračuje limit 13 000 000 Kč "
                          "(počet lůžek 20 × 650 000 Kč) o 1 Kč.")


def test_budget_fail_without_cost_or_units_or_normative():
    assert result(replace(NEW, expected_cost=None), "budget").reason == "Chybí předpokládané náklady záměru."
    assert result(replace(NEW, units=None), "budget").reason == \
        "Chybí počet úvazků nebo lůžek pro porovnání s limitem rozpočtu."
    params = replace(PARAMS, budget_limits={})
    r = result(NEW, "budget", params)
    assert not r.passed and r.reason == "Pro druh § 40 není stanoven limit rozpočtu na jednotku."


def test_action_plan_pass():
    r = result(NEW, "action_plan")
    assert r.passed and r.reason == "Záměr je zařazen do akčního plánu na rok 2026 (Akční plán 2026)."


def test_action_plan_fail_missing():
    r = result(replace(NEW, action_plan_year=None, action_plan_title=""), "action_plan")
    assert not r.passed and r.reason == "Záměr není zařazen do akčního plánu na rok 2026."


def test_action_plan_fail_other_year():
    r = result(replace(NEW, action_plan_year=2025), "action_plan")
    assert not r.passed and r.reason == "Záměr je zařazen do akčního plánu na rok 2025, ne na rok 2026."


# --- which rules apply, eligibility, several violations ----------------------------------------------------

def codes(check):
    return [r.code for r in check.results]


def test_existing_service_gets_the_existing_conditions_only():
    check = check_entry(CARE, PARAMS)
    assert codes(check) == ["registration", "territory", "cofinancing", "points"]
    assert check.eligible


def test_new_service_gets_the_development_conditions_but_not_points():
    check = check_entry(NEW, PARAMS)
    assert codes(check) == ["registration", "territory", "cofinancing", "need", "budget", "action_plan"]
    assert check.eligible


def test_expanded_service_gets_all_conditions():
    check = check_entry(replace(NEW, status="expanded", score=55.0, threshold=50.0), PARAMS)
    assert codes(check) == ["registration", "territory", "cofinancing", "points", "need", "budget",
                            "action_plan"]


def test_a_request_violating_several_conditions_lists_them_all():
    bad = replace(NEW, registered=False, territory=(ZLK,), declared=Decimal(0), need_declared=False,
                  expected_cost=Decimal(5_000_000), action_plan_year=None)
    check = check_entry(bad, PARAMS)
    assert not check.eligible
    failed = {r.code: r.reason for r in check.failures}
    assert list(failed) == ["registration", "territory", "cofinancing", "need", "budget", "action_plan"]
    assert failed["registration"] == "Služba není registrována."
    assert failed["territory"] == "Území pověření leží mimo kraj (Jihomoravský kraj): ORP Zlín (Zlínský kraj)."
    # required (from the source) 10 % × 3 500 000 = 350 000
    assert failed["cofinancing"] == kc("Obce deklarovaly 0 Kč, požadováno je 10 % z optimalizovaných nákladů "
                                       "3 500 000 Kč, tj. 350 000 Kč; chybí 350 000 Kč.")
    assert failed["need"] == "ORP Blansko potřebnost nedeklarovala."
    assert failed["budget"] == kc("Rozpočet 5 000 000 Kč překračuje limit 3 900 000 Kč "
                                  "(počet úvazků 3,9 × 1 000 000 Kč) o 1 100 000 Kč.")
    assert failed["action_plan"] == "Záměr není zařazen do akčního plánu na rok 2026."


def test_rules_are_configurable_named_switchable_and_scoped():
    rules = tuple(
        ConditionRule(r.code, "Registrace v registru MPSV" if r.code == "registration" else r.name,
                      r.code != "cofinancing", "all" if r.code == "points" else r.applies_to)
        for r in DEFAULT_RULES)
    params = replace(PARAMS, rules=rules)
    check = check_entry(replace(NEW, score=55.0, threshold=50.0, declared=Decimal(0)), params)
    assert codes(check) == ["registration", "territory", "points", "need", "budget", "action_plan"]
    assert check.results[0].name == "Registrace v registru MPSV"
    assert check.eligible  # co-financing is switched off


def test_unknown_rule_is_an_error():
    with pytest.raises(ValueError):
        check_entry(CARE, replace(PARAMS, rules=(ConditionRule("magic", "?"),)))


def test_json_shape():
    data = checks_to_json([check_entry(CARE, PARAMS), check_entry(replace(CARE, key=2, declared=Decimal(0)),
                                                                    PARAMS)], region="CZ064", year=2026)
    assert data["region"] == "CZ064" and data["year"] == 2026
    first, second = data["entries"]
    assert first["service_id"] == 11 and first["tier"] == "zakladni" and first["eligible"] is True
    assert first["conditions"][0] == {"name": "registration", "label": "Platná registrace", "passed": True,
                                      "reason": "Registrace platí v roce 2026 (identifikátor 1234567)."}
    assert second["eligible"] is False
    assert [c["passed"] for c in second["conditions"]] == [True, True, False, True]
