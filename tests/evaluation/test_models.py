"""Stored methodology ↔ engine dataclasses, and the write services (validation, immutability, locking,
permissions, audit). Uses the demo region (Jihomoravský kraj) and demo users loaded by tests/conftest.py."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from socplan.core.services import StaleEdit
from socplan.evaluation import engine, services
from socplan.evaluation.conversion import methodology_store, methodology_to_engine
from socplan.evaluation.models import (
    Criterion,
    EvaluationRun,
    Indicator,
    Methodology,
    MethodologyStatus,
    ReferenceValue,
    Scale,
    ServiceEvaluation,
)
from socplan.evaluation.selectors import methodology_for, service_scores
from socplan.registry.demo import DEMO_YEAR
from socplan.territory.models import Region

pytestmark = pytest.mark.django_db
YEAR = 2031  # a year without demo methodologies


@pytest.fixture
def jmk():
    return Region.objects.get(code="CZ064")


@pytest.fixture
def users():
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(
        username__in=["kraj-spravce", "kraj-referent", "kraj-schvalovatel", "poskytovatel", "orp-blansko"])}


@pytest.fixture
def draft(jmk, users):
    return services.methodology_create_default(actor=users["kraj-referent"], region=jmk, year=YEAR)


def test_round_trip_default_methodology(jmk):
    original = engine.default_jmk_2014(YEAR)
    stored = methodology_store(original, region=jmk)
    back = methodology_to_engine(stored)
    assert engine.methodology_to_dict(back) == engine.methodology_to_dict(original)
    assert back == original  # dataclass equality (scales, references, kind groups, thresholds)
    assert engine.validate_methodology(back) == []


def test_round_trip_keeps_not_applicable_scales_and_order(jmk):
    original = engine.default_jmk_2014(YEAR)
    stored = methodology_store(original, region=jmk)
    occ = Indicator.objects.get(methodology=stored, code="occupancy")
    assert not Scale.objects.get(indicator=occ, key="*").applicable
    assert Scale.objects.get(indicator=occ, key="D").applicable
    back = methodology_to_engine(stored)
    assert [i.code for i in back.indicators] == [i.code for i in original.indicators]
    assert back.indicator("occupancy").scales["*"] is None


def test_to_engine_uses_a_fixed_number_of_queries(jmk, django_assert_max_num_queries):
    stored = methodology_store(engine.default_jmk_2014(YEAR), region=jmk)
    stored = Methodology.objects.get(pk=stored.pk)
    with django_assert_max_num_queries(4):
        methodology_to_engine(stored)


def test_default_draft_is_created_with_history(draft, users):
    assert draft.status == MethodologyStatus.DRAFT
    assert draft.revision == 1
    assert Criterion.objects.filter(methodology=draft).count() == 6
    rec = draft.history.first()
    assert rec.history_user == users["kraj-referent"]


def test_copy_to_next_year_is_a_draft_with_the_same_content(draft, users):
    services.methodology_update_weights(actor=users["kraj-referent"], methodology=draft,
                                        weights={"SPEC": 20, "ZDROJE": 16})
    services.methodology_approve(actor=users["kraj-spravce"], methodology=draft)
    copy = services.methodology_copy_to_year(actor=users["kraj-referent"], methodology=draft, year=YEAR + 1)
    assert copy.year == YEAR + 1 and copy.status == MethodologyStatus.DRAFT and copy.copied_from_id == draft.pk
    a, b = methodology_to_engine(draft), methodology_to_engine(copy)
    assert replace(a, year=YEAR + 1) == b
    assert b.criterion("SPEC").weight == 20.0
    # the same year again → the next revision
    again = services.methodology_copy_to_year(actor=users["kraj-referent"], methodology=draft, year=YEAR)
    assert again.revision == 2


def test_weights_must_sum_to_100(draft, users):
    with pytest.raises(ValidationError) as exc:
        services.methodology_update_weights(actor=users["kraj-referent"], methodology=draft, weights={"SPEC": 19})
    assert "Součet vah kritérií je 95 %, musí být 100 %." in exc.value.messages
    assert Criterion.objects.get(methodology=draft, code="SPEC").weight == 24
    draft.refresh_from_db()
    assert draft.version == 1


def test_weights_change_is_saved_and_bumps_the_version(draft, users):
    services.methodology_update_weights(actor=users["kraj-referent"], methodology=draft,
                                        weights={"SPEC": 20, "KVAL": 19}, shares={"cost_per_fte": 1},
                                        expected_version=1)
    draft.refresh_from_db()
    assert draft.version == 2
    em = methodology_to_engine(draft)
    assert em.criterion("SPEC").weight == 20 and em.criterion("KVAL").weight == 19
    # group B: Nákladovost 20 split 1 : 1 now between cost per FTE and direct-care share
    assert em.weights_for("40", "ter")["cost_per_fte"] == pytest.approx(10.0)
    c = Criterion.objects.get(methodology=draft, code="SPEC")
    assert c.history.first().history_change_reason == "změna vah"


def test_stale_version_is_refused(draft, users):
    services.methodology_update_weights(actor=users["kraj-referent"], methodology=draft,
                                        weights={"SPEC": 20, "KVAL": 19}, expected_version=1)
    with pytest.raises(StaleEdit):
        services.methodology_update_weights(actor=users["kraj-spravce"], methodology=draft,
                                            weights={"SPEC": 24, "KVAL": 15}, expected_version=1)
    assert Criterion.objects.get(methodology=draft, code="SPEC").weight == 20


def test_approved_methodology_is_immutable(draft, users):
    services.methodology_approve(actor=users["kraj-spravce"], methodology=draft)
    draft.refresh_from_db()
    assert draft.is_approved and draft.approved_by == users["kraj-spravce"]
    with pytest.raises(ValidationError, match="Schválenou metodiku nelze měnit"):
        services.methodology_update_weights(actor=users["kraj-spravce"], methodology=draft,
                                            weights={"SPEC": 24})
    scale = Scale.objects.filter(indicator__methodology=draft).first()
    with pytest.raises(ValidationError):
        services.scale_update(actor=users["kraj-spravce"], scale=scale, applicable=False)


def test_only_approvers_approve_and_only_region_staff_edit(draft, users):
    with pytest.raises(PermissionDenied):
        services.methodology_approve(actor=users["kraj-referent"], methodology=draft)  # no right to approve
    for name in ("poskytovatel", "orp-blansko"):
        with pytest.raises(PermissionDenied):
            services.methodology_update_weights(actor=users[name], methodology=draft, weights={"SPEC": 24})


def test_non_monotone_scale_is_rejected(draft, users):
    ind = Indicator.objects.get(methodology=draft, code="cost_per_fte")  # lower is better
    scale = Scale.objects.get(indicator=ind, key="*")
    with pytest.raises(ValidationError) as exc:
        services.scale_update(actor=users["kraj-referent"], scale=scale, applicable=True,
                              thresholds=[0.9, 1.0, 1.1, 1.25], points=[10, 5, 8, 2, 0])
    assert any("klesat" in m for m in exc.value.messages)
    scale.refresh_from_db()
    assert scale.points == [10, 8, 5, 2, 0]


def test_scale_must_cover_the_range(draft, users):
    scale = Scale.objects.get(indicator__methodology=draft, indicator__code="assess_specifics", key="*")
    with pytest.raises(ValidationError) as exc:
        services.scale_update(actor=users["kraj-referent"], scale=scale, applicable=True, thresholds=[1, 2, 3],
                              points=[2, 4, 7, 10])
    assert any("pokrýt celý rozsah" in m for m in exc.value.messages)
    with pytest.raises(ValidationError):  # thresholds of a grade must lie within 0–3
        services.scale_update(actor=users["kraj-referent"], scale=scale, applicable=True, thresholds=[1, 2, 4],
                              points=[0, 4, 7, 10])


def test_valid_scale_change_is_saved(draft, users):
    scale = Scale.objects.get(indicator__methodology=draft, indicator__code="assess_specifics", key="*")
    services.scale_update(actor=users["kraj-referent"], scale=scale, applicable=True, thresholds=[1, 2, 3],
                          points=[0, 3, 6, 10])
    em = methodology_to_engine(draft)
    assert em.indicator("assess_specifics").scales["*"] == engine.Scale((1, 2, 3), (0, 3, 6, 10))


def test_making_a_criterion_inapplicable_is_rejected(draft, users):
    """Výkonnost of § 49 has only occupancy; switching it off for group D would leave the criterion empty."""
    scale = Scale.objects.get(indicator__methodology=draft, indicator__code="occupancy", key="D")
    with pytest.raises(ValidationError) as exc:
        services.scale_update(actor=users["kraj-referent"], scale=scale, applicable=False)
    assert any("nemá kritérium „Výkonnost“ žádný použitelný ukazatel" in m for m in exc.value.messages)


def test_reference_values(draft, users):
    ind = Indicator.objects.get(methodology=draft, code="cost_per_bed_day")
    services.reference_set(actor=users["kraj-referent"], indicator=ind, key="49", value=2000)
    assert methodology_to_engine(draft).reference_for(
        methodology_to_engine(draft).indicator("cost_per_bed_day"), "49", "pob") == 2000
    with pytest.raises(ValidationError, match="nemá referenční hodnotu"):
        services.reference_set(actor=users["kraj-referent"], indicator=ind, key="D", value=None)  # § 44:pob uses D
    with pytest.raises(ValidationError, match="není platný"):
        services.reference_set(actor=users["kraj-referent"], indicator=ind, key="49 pob", value=1)
    services.reference_set(actor=users["kraj-referent"], indicator=ind, key="49:pob", value=2100)
    assert ReferenceValue.objects.get(indicator=ind, key="49:pob").value == 2100


def test_thresholds(draft, users):
    services.methodology_update_thresholds(actor=users["kraj-referent"], methodology=draft,
                                           thresholds={"*": 50, "49": 55})
    draft.refresh_from_db()
    assert methodology_to_engine(draft).threshold_for("49", "pob") == 55
    with pytest.raises(ValidationError, match="mezi 0 a 100"):
        services.methodology_update_thresholds(actor=users["kraj-referent"], methodology=draft,
                                               thresholds={"*": 120})
    with pytest.raises(ValidationError, match="není stanoven práh"):
        services.methodology_update_thresholds(actor=users["kraj-referent"], methodology=draft,
                                               thresholds={"49": 55})


def test_methodology_for_prefers_the_latest_approved_revision(jmk, users):
    m1 = services.methodology_create_default(actor=None, region=jmk, year=YEAR)
    m2 = services.methodology_copy_to_year(actor=None, methodology=m1, year=YEAR)
    assert methodology_for(jmk, YEAR) == m2  # no approved one: the latest draft
    services.methodology_approve(actor=None, methodology=m1)
    assert methodology_for(jmk, YEAR) == m1


# --- demo data and stored runs ----------------------------------------------------------------------------------

def test_demo_has_approved_methodologies_and_a_run(jmk):
    for year in (DEMO_YEAR - 1, DEMO_YEAR):
        m = Methodology.objects.get(region=jmk, year=year, revision=1)
        assert m.is_approved
        assert engine.validate_methodology(methodology_to_engine(m)) == []
    run = EvaluationRun.objects.get(region=jmk, year=DEMO_YEAR)
    assert run.synthetic and run.n_services == ServiceEvaluation.objects.filter(run=run).count() > 400


def test_stored_run_matches_the_engine_and_service_scores(jmk):
    run = EvaluationRun.objects.get(region=jmk, year=DEMO_YEAR)
    from socplan.evaluation.selectors import evaluation_compute

    comp = evaluation_compute(jmk, DEMO_YEAR, methodology=run.methodology)
    expected = {r["service_id"]: r for r in engine.to_json_dict(comp.result, "CZ064", DEMO_YEAR)["results"]}
    stored = {r.service_id: r for r in ServiceEvaluation.objects.filter(run=run)}
    assert set(stored) == set(expected)
    for sid, r in stored.items():
        assert round(r.score, 2) == expected[sid]["score"]
        assert r.rank == expected[sid]["rank"] and r.meets_threshold == expected[sid]["meets_threshold"]
        assert r.missing == expected[sid]["missing"]
        # the stored breakdown adds up to the score
        assert math.isclose(sum(b["contribution"] for b in r.breakdown), r.score, abs_tol=1e-6)
    scores = service_scores("CZ064", DEMO_YEAR)
    sid = next(iter(stored))
    assert scores[sid] == (stored[sid].score, stored[sid].threshold, stored[sid].meets_threshold)
    assert all(isinstance(k, int) and len(v) == 3 and isinstance(v[2], bool) for k, v in scores.items())
    assert service_scores("CZ064", 1999) == {}
    assert service_scores("XX999", DEMO_YEAR) == {}


def test_service_scores_computes_live_without_a_run(jmk):
    EvaluationRun.objects.filter(region=jmk, year=DEMO_YEAR).delete()
    scores = service_scores("CZ064", DEMO_YEAR)
    assert len(scores) > 400
    assert all(0 <= s <= 100 and meets == (s >= t) for s, t, meets in scores.values())


def test_evaluation_run_permissions(jmk, users):
    with pytest.raises(PermissionDenied):
        services.evaluation_run(actor=users["poskytovatel"], region=jmk, year=DEMO_YEAR)
    run = services.evaluation_run(actor=users["kraj-referent"], region=jmk, year=DEMO_YEAR)
    assert run.created_by == users["kraj-referent"] and not run.synthetic
    assert ServiceEvaluation.objects.filter(run=run).count() == run.n_services


def test_run_without_methodology_is_refused(jmk):
    with pytest.raises(ValidationError, match="není žádná metodika"):
        services.evaluation_run(actor=None, region=jmk, year=1999)
