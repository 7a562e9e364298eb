"""The adapter from the database to the engine: parameters, the network frame (network module or registry
fallback), and the support it gives for the hand-computed Zlín world (tests/finance/test_adapter_world.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from socplan.finance import adapter, selectors
from socplan.finance.engine import Group, Source
from socplan.registry.demo import DEMO_REGION, DEMO_YEAR

from . import test_adapter_world as world
from .test_adapter_world import FEES_B, HI_B, ON_A, ON_B, OP_A, OP_B, SF_B, YEAR

_fast_password_hashing, zlk = world._fast_password_hashing, world.zlk  # fixtures

pytestmark = pytest.mark.django_db


def test_engine_params_carry_every_stored_value(zlk):
    p = adapter.engine_params(zlk.params)
    assert p.region == "CZ072" and p.year == YEAR and p.illustrative
    assert p.region_cofinancing == {g: Decimal(0) for g in Group}  # the kraj's own co-financing
    assert p.source_shares[Source.STATE] == Decimal("0.35")
    assert Source.MUNICIPALITIES not in p.source_shares  # the municipalities' source is the required share
    r49 = p.rate("49", Group.D)
    assert (r49.normative, r49.occupancy, r49.user_fee, r49.health_insurance) == (
        Decimal(1900), Decimal("0.95"), Decimal(700), Decimal(110))
    assert p.rate("39", Group.B).normative == Decimal(48000)
    # every registry kind is known to the engine (a 34th kind is just a row)
    assert "CDZ" in p.kinds and p.kinds["60a"].name


def test_registry_fallback_frame(zlk):
    nf = adapter.network_frame(zlk.region, YEAR)
    assert nf.source == "registry"
    assert "registrované služby" in nf.note
    rows = {r["service_pk"]: r for r in nf.frame.to_dict("records")}
    assert set(rows) == {zlk.a.pk, zlk.b.pk}
    a, b = rows[zlk.a.pk], rows[zlk.b.pk]
    assert (a["kind"], a["form"], a["group"], a["fte"], a["beds"], a["users"]) == ("39", "T", "B", Decimal("2.50"), 0, 10)
    assert (b["kind"], b["form"], b["group"], b["beds"]) == ("49", "P", "D", 40)
    # main ORP = the largest declared share (Zlín 60 % over Otrokovice 40 %), its okres
    assert (b["orp_code"], b["orp"], b["district_code"]) == ("7213", "Zlín", "CZ0724")
    # target group: the planning group most of its target groups belong to (2 × seniors, 1 × disabled)
    assert b["target_group"] == "senioři"
    assert a["target_group"] == "osoby se zdravotním postižením"
    assert nf.skipped == [(zlk.c.name, f"chybí personální zajištění (úvazky v přímé péči) za rok {YEAR}")]


def test_support_of_the_hand_computed_world(zlk):
    comp = selectors.computation(zlk.region, YEAR)
    res = comp.support
    key_a, key_b = str(zlk.a.pk), str(zlk.b.pk)
    assert res.record(key_a)["optimised_cost"] == ON_A
    assert res.record(key_a)["optimal_support"] == OP_A
    rb = res.record(key_b)
    assert (rb["optimised_cost"], rb["user_fees"], rb["health_insurance"], rb["cofinancing"], rb["optimal_support"]) \
        == (ON_B, FEES_B, HI_B, SF_B, OP_B)
    text = res.explain(key_b)
    assert "LD = L × D × O = 40 × 365 × 0,95 = 13\xa0870" in text
    assert "OP = ON − ÚH − ZP − SF = 26\xa0353\xa0000 − 9\xa0709\xa0000 − 1\xa0525\xa0700 − 2\xa0635\xa0300 = " \
           "12\xa0483\xa0000\xa0Kč" in text


def test_missing_normative_skips_the_entry_with_a_reason(zlk):
    zlk.params.rates.filter(kind__code="39").delete()
    comp = selectors.computation(zlk.region, YEAR)
    assert list(comp.network.frame["service_pk"]) == [zlk.b.pk]
    assert any("chybí normativ" in reason for _label, reason in comp.network.skipped)


def test_group_override_moves_a_kind_to_another_group(zlk):
    from socplan.finance.models import FinanceRate
    from socplan.registry.models import ServiceKind

    zlk.params.group_overrides = {"39:ter": "A"}
    zlk.params.save()
    FinanceRate.objects.create(params=zlk.params, kind=ServiceKind.objects.get(code="39"), group="A",
                               normative=Decimal(50000))
    comp = selectors.computation(zlk.region, YEAR)
    rec = comp.support.record(str(zlk.a.pk))
    assert rec["group"] == Group.A
    # 50 000 × 2.5 × 12 = 1 500 000; the municipalities' rate follows the kind (§39: 15 %), not the group:
    # SF = 0.15 × 1 500 000 = 225 000; OP = 1 275 000
    assert (rec["optimised_cost"], rec["optimal_support"]) == (Decimal(1_500_000), Decimal(1_275_000))


def test_frame_cache_builds_once_and_hands_out_copies(zlk, django_assert_max_num_queries):
    with adapter.frame_cache():
        first = adapter.network_frame(zlk.region, YEAR)
        first.frame.loc[0, "fte"] = Decimal(99)
        with django_assert_max_num_queries(0):
            second = adapter.network_frame(zlk.region, YEAR)
    assert second.frame.loc[0, "fte"] != Decimal(99)
    assert list(second.frame["service_id"]) == list(first.frame["service_id"])


def test_network_module_entries_are_used_when_the_network_has_the_year():
    """The demo region: entries come from socplan.network.selectors.network_entries when it has a network."""
    from socplan.network.selectors import network_entries

    entries = network_entries(DEMO_REGION, DEMO_YEAR)
    nf = adapter.network_frame(DEMO_REGION, DEMO_YEAR)
    assert entries, "the demo (tests/conftest.py) loads a network for the demo year"
    assert nf.source == "network"
    funded = [e for e in entries if e.tier_funded]
    assert len(nf.frame) + sum(1 for _l, r in nf.skipped if "normativ" in r or "formu" in r) == len(funded)
    by_pk = {}
    for e in funded:
        by_pk.setdefault(e.service_id, []).append(e)
    frame = nf.frame.set_index("service_id")
    for key, row in list(frame.iterrows())[:50]:
        es = by_pk[row["service_pk"]]
        if len(es) == 1:
            e = es[0]
            assert key == str(e.service_id)
            if row["group"] in ("C", "D"):
                assert row["beds"] == e.capacity
            else:
                assert row["fte"] == e.fte
    # tiers are numbered 0, 1, … in the network's order
    assert sorted(set(nf.frame["tier"])) == list(range(nf.frame["tier"].nunique()))
