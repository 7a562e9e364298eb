"""API /api/v1/finance/{region}/{year}/support|allocation|chapter/: explanations, amounts, provider scoping."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from socplan.finance import services

from . import test_adapter_world as world
from .test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_support_with_explanations(zlk, zlk_users):
    r = client(zlk_users.officer).get(f"/api/v1/finance/CZ072/{YEAR}/support/")
    assert r.status_code == 200
    doc = r.json()
    assert (doc["region"], doc["year"], doc["network_source"]) == ("CZ072", YEAR, "registry")
    rows = {s["service_id"]: s for s in doc["services"]}
    a, b = rows[zlk.a.pk], rows[zlk.b.pk]
    assert (a["optimised_cost"], a["cofinancing"], a["optimal_support"]) == ("1440000", "216000", "1224000")
    assert (b["optimised_cost"], b["user_fees"], b["health_insurance"], b["cofinancing"], b["optimal_support"]) == (
        "26353000", "9709000", "1525700", "2635300", "12483000")
    assert "ON = FP × U × M = 48\xa0000\xa0Kč × 2,5 × 12 = 1\xa0440\xa0000\xa0Kč" in a["explanation"]
    assert "SFo = sazba × ON = 15 % × 1\xa0440\xa0000\xa0Kč = 216\xa0000\xa0Kč" in a["explanation"]
    assert "OP = ON − ÚH − SF = 1\xa0440\xa0000 − 0 − 216\xa0000 = 1\xa0224\xa0000\xa0Kč" in a["explanation"]
    assert "ZP = Z × LD = 110\xa0Kč × 13\xa0870 = 1\xa0525\xa0700\xa0Kč" in b["explanation"]
    assert doc["params"]["region_cofinancing"] == {"A": "0.0000", "B": "0.0000", "C": "0.0000", "D": "0.0000"}


def test_support_is_scoped(zlk, zlk_users):
    doc = client(zlk_users.provider1).get(f"/api/v1/finance/CZ072/{YEAR}/support/").json()
    assert [s["service_id"] for s in doc["services"]] == [zlk.a.pk]
    assert client().get(f"/api/v1/finance/CZ072/{YEAR}/support/").status_code in (401, 403)
    assert client(zlk_users.nobody).get(f"/api/v1/finance/CZ072/{YEAR}/support/").status_code == 403
    assert client(zlk_users.officer).get(f"/api/v1/finance/CZ072/{YEAR + 9}/support/").status_code == 404


def test_allocation_api_region_and_provider(zlk, zlk_users):
    assert client(zlk_users.officer).get(f"/api/v1/finance/CZ072/{YEAR}/allocation/").status_code == 404
    run = services.allocation_run(actor=zlk_users.officer, region=zlk.region, year=YEAR, budget=6_853_500)
    # a provider sees nothing of a computed run; once approved, its own rows
    assert client(zlk_users.provider2).get(f"/api/v1/finance/CZ072/{YEAR}/allocation/").status_code == 404
    services.allocation_run_approve(actor=zlk_users.approver, run=run, decision_ref="RK 1/2031")
    doc = client(zlk_users.officer).get(f"/api/v1/finance/CZ072/{YEAR}/allocation/").json()
    assert (doc["mode"], doc["budget"], doc["total_optimal"], doc["total_allocated"]) == (
        "rules", "6853500", "13707000", "6853500")
    assert {s["service_id"]: s["allocated"] for s in doc["services"]} == {zlk.a.pk: "612000", zlk.b.pk: "6241500"}
    # a provider sees only its own rows, and no region totals
    own = client(zlk_users.provider2).get(f"/api/v1/finance/CZ072/{YEAR}/allocation/").json()
    assert own["services"] == [{"service_id": zlk.b.pk, "optimal_support": "12483000", "allocated": "6241500"}]
    assert own["budget"] is None and own["total_allocated"] == "6241500"
    assert client(zlk_users.other_region).get(f"/api/v1/finance/CZ072/{YEAR}/allocation/").status_code == 404
    assert client(zlk_users.officer).get(
        f"/api/v1/finance/CZ072/{YEAR}/allocation/?mode=optimise").status_code == 404


def test_chapter_api_is_public(zlk):
    r = client().get(f"/api/v1/finance/CZ072/{YEAR}/chapter/")
    assert r.status_code == 200
    doc = r.json()
    assert doc["totals"]["optimised_cost"] == "27793000"
    assert doc["totals"]["optimal_support"] == "13707000"
    # the state need is computed: ON − every other source = Σ OP = 13 707 000, 13 707 000 / 27 793 000 = 49.32 %
    assert (doc["state_need"], doc["state_share_pct"]) == ("13707000", "49.32")
    sources = {p["source"]: p for p in doc["sources"]}
    assert sum(Decimal(p["amount"]) for p in doc["sources"]) == Decimal(27_793_000)
    others = sum(Decimal(p["amount"]) for k, p in sources.items() if k != "state")
    assert Decimal(sources["state"]["amount"]) == Decimal(27_793_000) - others == Decimal(13_707_000)
    assert all(p["rule"] for p in doc["sources"]) and sources["state"]["share_pct"] == "49.32"
    assert doc["illustrative_note"] == ("Ilustrativní (syntetické) parametry financování, ne schválené normativy kraje."
                                        if doc["illustrative"] else "")
    assert sum(Decimal(p["amount"]) for p in doc["planned_sources"]) == Decimal(27_793_000)
    groups = {row["group"]: row for row in doc["tables"]["group"]}
    assert groups["B"]["optimised_cost"] == "1440000" and groups["D"]["optimal_support"] == "12483000"
    assert groups["Celkem"]["optimised_cost"] == "27793000"
    assert client().get(f"/api/v1/finance/CZ072/{YEAR + 9}/chapter/").status_code == 404
