"""The demo network: what the issue asks for exists, and the diff of the demo versions reconciles with the
totals counted directly in the database."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from socplan.network import selectors
from socplan.network.demo import demo_load
from socplan.network.models import CofinancingDeclaration, DevelopmentRequest, RequestState

pytestmark = pytest.mark.django_db


def test_years_versions_and_statuses(demo):
    assert (demo.v25_0.status, demo.v25_1.status, demo.v25_2.status) == ("published", "published", "approved")
    assert demo.d26.status == "negotiation" and not demo.d26.is_approved
    assert demo.v25_1.supersedes_id == demo.v25_0.pk and demo.v25_2.supersedes_id == demo.v25_1.pk
    tiers = defaultdict(int)
    for code in demo.d26.entries.values_list("tier__code", flat=True):
        tiers[code] += 1
    assert tiers["zakladni"] > 0.8 * sum(tiers.values()) and tiers["docasna"] and tiers["zasobnik"]


def test_requests_in_every_state_and_declarations_from_several_municipalities():
    states = set(DevelopmentRequest.objects.filter(region__code="CZ064").values_list("state", flat=True))
    assert states == set(RequestState.values)
    decl = CofinancingDeclaration.objects.filter(region__code="CZ064")
    assert decl.filter(year=2026).values("municipality").distinct().count() > 10
    assert decl.filter(year=2025).exists()


def db_totals(version):
    cap = defaultdict(int)
    fte = Decimal(0)
    n = 0
    for c, unit, f in version.entries.values_list("capacity", "capacity_type__code", "fte"):
        cap[unit or "-"] += c
        fte += f
        n += 1
    return n, fte, dict(cap)


@pytest.mark.parametrize("pair", [("v25_0", "v25_1"), ("v25_1", "v25_2"), ("v25_2", "d26"), ("v25_0", "d26")])
def test_demo_diff_reconciles(demo, pair):
    old, new = getattr(demo, pair[0]), getattr(demo, pair[1])
    d = selectors.version_diff(old, new)
    assert d.reconciles
    n_old, fte_old, cap_old = db_totals(old)
    n_new, fte_new, cap_new = db_totals(new)
    rec = {r["measure"]: r for r in d.reconciliation()}
    assert (rec["entries"]["old"], rec["entries"]["new"]) == (n_old, n_new)
    assert n_old + len(d.added) - len(d.removed) == n_new
    assert (rec["fte"]["old"], rec["fte"]["new"]) == (fte_old, fte_new)
    for unit in set(cap_old) | set(cap_new):
        r = rec[f"capacity:{unit}"]
        assert (r["old"], r["new"]) == (cap_old.get(unit, 0), cap_new.get(unit, 0))
        assert r["old"] + r["added"] - r["removed"] + r["changed"] == r["new"]


def test_demo_amendments_contain_the_documented_changes(demo):
    d1 = selectors.version_diff(demo.v25_0, demo.v25_1)
    assert (len(d1.added), len(d1.removed), len(d1.changed)) == (6, 0, 5)
    assert all(c.fields == ["capacity"] and sum(c.capacity_delta.values()) == 5 for c in d1.changed)
    d2 = selectors.version_diff(demo.v25_1, demo.v25_2)
    assert (len(d2.added), len(d2.removed)) == (0, 3)
    assert sorted(tuple(c.fields) for c in d2.changed) == [("fte",)] * 4 + [("tier",)] * 3


def test_demo_load_is_idempotent():
    assert demo_load() == {}


def test_published_service_ids_for_the_catalogue(demo):
    ids = selectors.published_service_ids(2025)
    assert ids == set(demo.v25_1.entries.values_list("service_id", flat=True))  # amendment 2 is not published
    assert selectors.published_service_ids(2026) == set()
