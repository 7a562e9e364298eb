"""The input frame from the database (socplan/evaluation/adapter.py): bulk queries, the mapping of registry
fields to engine columns, missing data, and the worked example of docs/evaluation.md §5 reproduced through
the database (expected scores 83.2 / 46.3 / 65.5 are the hand arithmetic of §5.3–5.5)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest

from socplan.evaluation import engine
from socplan.evaluation.adapter import input_frame
from socplan.evaluation.conversion import methodology_store
from socplan.evaluation.models import Assessment
from socplan.evaluation.selectors import evaluation_compute
from socplan.registry.demo import DEMO_YEAR
from socplan.registry.ico import ico_check_digit
from socplan.registry.models import (
    Capacity,
    CapacityType,
    DeliveryForm,
    Economics,
    Provider,
    Service,
    ServiceForm,
    ServiceKind,
    Staffing,
)
from socplan.territory.models import Region

YEAR = 2026  # the worked example's year (365 days)


def _ico(n: int) -> str:
    first7 = f"{n:07d}"
    return first7 + str(ico_check_digit(first7))


def _service(region, provider, name, kind, forms: dict[str, list[tuple[str, int]]], **kw):
    s = Service.objects.create(provider=provider, name=name, kind=ServiceKind.objects.get(code=kind), region=region,
                               **kw)
    for code, caps in forms.items():
        sf = ServiceForm.objects.create(service=s, form=DeliveryForm.objects.get(code=code))
        for ctype, n in caps:
            Capacity.objects.create(service_form=sf, capacity_type=CapacityType.objects.get(code=ctype), count=n)
    return s


def _year_data(s, *, fte, costs, revenues, grades, outputs):
    Staffing.objects.create(service=s, year=YEAR, fte_direct=Decimal(fte[0]), fte_other=Decimal(fte[1]))
    Economics.objects.create(service=s, year=YEAR, **{k: Decimal(v) for k, v in {**costs, **revenues}.items()})
    keys = ("grade_specifics", "grade_cooperation", "grade_community_planning", "grade_inspection",
            "grade_complaints")
    Assessment.objects.create(service=s, year=YEAR, **dict(zip(keys, grades, strict=True)), **outputs)


@pytest.fixture
def worked(db):
    """The three services of docs/evaluation.md §5 in Zlínský kraj (the national extract's services there set
    aside)."""
    region = Region.objects.get(code="CZ072")
    Service.objects.filter(region=region).delete()
    provider = Provider.objects.create(ico=_ico(7654321), name="Poskytovatel příkladu")
    s1 = _service(region, provider, "S1 domov", "49", {"pob": [("luzka", 80)]})
    s2 = _service(region, provider, "S2 domov", "49", {"pob": [("luzka", 60)]})
    s3 = _service(region, provider, "S3 pečovatelská služba", "40", {"ter": [("klient", 40)]})
    # S1: costs 50 400 000 = 40 000 000 + 10 400 000; other sources 24 000 000 / 3 000 000 / 2 000 000 /
    # (EU 150 000 + other 250 000); the state subsidy and the region's budget are not "other sources".
    _year_data(s1, fte=("36", "20"),
               costs={"cost_personnel": 40_000_000, "cost_material": 10_400_000},
               revenues={"revenue_user_fees": 24_000_000, "revenue_health_insurance": 3_000_000,
                         "revenue_municipalities": 2_000_000, "revenue_eu": 150_000, "revenue_other": 250_000,
                         "revenue_state_subsidy": 15_000_000, "revenue_region": 6_000_000},
               grades=(2, 3, 1, 3, 2), outputs={"bed_days": 28_000})
    _year_data(s2, fte=("24", "18"),
               costs={"cost_personnel": 30_000_000, "cost_energy": 5_333_000, "cost_services": 10_000_000},
               revenues={"revenue_user_fees": 18_000_000, "revenue_health_insurance": 2_000_000,
                         "revenue_municipalities": 1_500_000, "revenue_state_subsidy": 20_000_000},
               grades=(2, 2, 2, 1, 2), outputs={"bed_days": 19_710})
    _year_data(s3, fte=("10", "4"),
               costs={"cost_personnel": 7_000_000, "cost_other": 1_200_000},
               revenues={"revenue_user_fees": 2_500_000, "revenue_municipalities": 1_200_000,
                         "revenue_other": 100_000, "revenue_state_subsidy": 4_000_000},
               grades=(3, 2, 3, 2, 3), outputs={})  # number of clients not supplied
    methodology_store(engine.default_jmk_2014(YEAR), region=region, status="approved")
    return region, (s1, s2, s3)


def test_frame_maps_the_registry_fields(worked):
    region, (s1, s2, s3) = worked
    f = input_frame(region, YEAR).frame.set_index("service_id")
    assert list(f.index) == [s1.pk, s2.pk, s3.pk]
    r1 = f.loc[s1.pk]
    assert (r1["kind"], r1["form"], r1["capacity"], r1["bed_days"]) == ("49", "pob", 80, 28_000)
    assert (r1["costs"], r1["fte_direct"], r1["fte_other"]) == (50_400_000, 36, 20)
    assert (r1["rev_users"], r1["rev_health"], r1["rev_municipal"], r1["rev_founder"], r1["rev_other"]) == (
        24_000_000, 3_000_000, 2_000_000, 0, 400_000)
    assert r1["assess_community_planning"] == 1 and math.isnan(r1["clients"])
    r3 = f.loc[s3.pk]
    assert (r3["kind"], r3["form"], r3["capacity"]) == ("40", "ter", 40)
    assert math.isnan(r3["clients"]) and r3["rev_other"] == 100_000


def test_worked_example_through_the_database(worked):
    region, (s1, s2, s3) = worked
    comp = evaluation_compute(region, YEAR)
    out = {r["service_id"]: r for r in engine.to_json_dict(comp.result, region.code, YEAR)["results"]}
    assert out[s1.pk] == {"service_id": s1.pk, "kind": "49", "score": 83.2, "rank": 1, "meets_threshold": True,
                          "missing": []}
    assert out[s2.pk] == {"service_id": s2.pk, "kind": "49", "score": 46.3, "rank": 2, "meets_threshold": False,
                          "missing": []}
    assert out[s3.pk] == {"service_id": s3.pk, "kind": "40", "score": 65.5, "rank": 1, "meets_threshold": True,
                          "missing": ["clients_per_fte"]}


def test_missing_rows_are_missing_not_zero(worked):
    region, (s1, _s2, _s3) = worked
    Staffing.objects.filter(service=s1).delete()
    Economics.objects.filter(service=s1).delete()
    Assessment.objects.filter(service=s1).delete()
    r = input_frame(region, YEAR).frame.set_index("service_id").loc[s1.pk]
    for col in ("costs", "fte_direct", "fte_other", "rev_users", "rev_founder", "rev_other", "bed_days",
                "assess_specifics", "assess_inspection"):
        assert math.isnan(r[col]), col
    comp = evaluation_compute(region, YEAR)
    missing = comp.result.missing_codes(s1.pk)
    # every indicator of a § 49 home is missing; the score is 0, not a score computed from zeros
    assert set(missing) == {"assess_specifics", "other_sources_share", "cost_per_bed_day", "direct_care_share",
                            "occupancy", "assess_cooperation", "assess_community_planning", "assess_inspection",
                            "assess_complaints", "fte_per_capacity"}
    assert comp.result.services.at[s1.pk, "score"] == 0


def test_form_priority_inactive_services_and_unknown_kinds(worked):
    region, (s1, *_rest) = worked
    provider = s1.provider
    respite = _service(region, provider, "odlehčovací", "44", {"amb": [("klient", 5)], "pob": [("luzka", 12)]})
    ended = _service(region, provider, "ukončená", "49", {"pob": [("luzka", 10)]},
                     valid_from=dt.date(2010, 1, 1), valid_to=dt.date(YEAR - 1, 12, 31))
    future = _service(region, provider, "budoucí", "49", {"pob": [("luzka", 10)]}, valid_from=dt.date(YEAR + 1, 1, 1))
    cdz = _service(region, provider, "centrum duševního zdraví", "CDZ", {"amb": [("klient", 50)]})
    inputs = input_frame(region, YEAR, known_kinds=engine.default_jmk_2014(YEAR).kind_groups.keys())
    f = inputs.frame.set_index("service_id")
    assert f.loc[respite.pk, "form"] == "pob" and f.loc[respite.pk, "capacity"] == 12
    assert ended.pk not in f.index and future.pk not in f.index
    assert cdz.pk not in f.index
    assert inputs.skipped == [{"service_id": cdz.pk, "kind": "CDZ",
                               "reason": "Metodika nehodnotí druh služby „CDZ“."}]
    assert inputs.meta.loc[respite.pk, "provider_name"] == "Poskytovatel příkladu"


@pytest.mark.django_db
def test_bulk_queries_for_the_demo_region(django_assert_max_num_queries):
    region = Region.objects.get(code="CZ064")
    with django_assert_max_num_queries(7):
        inputs = input_frame(region, DEMO_YEAR)
    assert len(inputs.frame) > 400
    # the whole live evaluation: region, methodology lookup (≤ 2), methodology rows (4), inputs (7)
    with django_assert_max_num_queries(14):
        comp = evaluation_compute("CZ064", DEMO_YEAR)
    assert len(comp.result.services) == len(inputs.frame)


@pytest.mark.django_db
def test_national_frame_covers_every_region(django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        national = input_frame(None, DEMO_YEAR)
    regional = input_frame(Region.objects.get(code="CZ064"), DEMO_YEAR)
    assert len(national.frame) >= len(regional.frame)
    assert set(regional.frame["service_id"]) <= set(national.frame["service_id"])


# --- explain_all == explain (no database) -------------------------------------------------------------------------

def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


def test_explain_all_equals_explain_for_every_service():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from evaluation_bench import synthetic_services

    frame = synthetic_services(400, 7)
    result = engine.evaluate(frame, engine.default_jmk_2014(2026))
    everything = engine.explain_all(result)
    assert list(everything) == list(result.services.index)
    n_missing = 0
    for sid in result.services.index:
        one, many = engine.explain(result, sid), everything[sid]
        assert one.message == many.message
        assert (one.kind, one.form, one.rank, one.n_ranked, one.missing) == (many.kind, many.form, many.rank,
                                                                              many.n_ranked, many.missing)
        assert _same(one.score, many.score) and _same(one.threshold, many.threshold)
        assert len(one.rows) == len(many.rows)
        for ra, rb in zip(one.rows, many.rows, strict=True):
            for name in ra.__dataclass_fields__:
                assert _same(getattr(ra, name), getattr(rb, name)), (sid, name)
        n_missing += bool(one.missing)
    assert n_missing > 0  # the set exercises missing inputs too
    assert np.isfinite(result.services["score"]).all()
