"""``socplan allocate``: the JSON schema, amounts as decimal strings adding up to the totals, both modes, --save,
and errors. Hand-computed on the Zlín world: OP(A) = 1 224 000, OP(B) = 12 483 000, Σ = 13 707 000."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from socplan.finance.models import AllocationRow, AllocationRun
from socplan.registry.demo import DEMO_REGION, DEMO_YEAR

from . import test_adapter_world as world
from .test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db
WHOLE = re.compile(r"^(0|[1-9][0-9]*)$")


def run(*args) -> str:
    out = io.StringIO()
    call_command("allocate", *args, stdout=out)
    return out.getvalue()


def run_json(*args) -> dict:
    return json.loads(run(*args, "--json"))


def check_schema(doc: dict) -> None:
    assert list(doc) == ["region", "year", "mode", "budget", "total_optimal", "total_allocated", "services"]
    assert isinstance(doc["year"], int)
    for key in ("budget", "total_optimal", "total_allocated"):
        assert isinstance(doc[key], str) and WHOLE.match(doc[key]), (key, doc[key])
    for s in doc["services"]:
        assert set(s) <= {"service_id", "part", "optimal_support", "allocated"}
        assert isinstance(s["service_id"], int)
        for key in ("optimal_support", "allocated"):
            assert isinstance(s[key], str) and WHOLE.match(s[key]), s
    assert sum(Decimal(s["allocated"]) for s in doc["services"]) == Decimal(doc["total_allocated"])
    assert sum(Decimal(s["optimal_support"]) for s in doc["services"]) == Decimal(doc["total_optimal"])


def test_rules_mode_json_by_hand(zlk):
    doc = run_json("--region", "CZ072", "--year", str(YEAR), "--budget", "6 853 500")
    check_schema(doc)
    assert (doc["region"], doc["year"], doc["mode"]) == ("CZ072", YEAR, "rules")
    assert (doc["budget"], doc["total_optimal"], doc["total_allocated"]) == ("6853500", "13707000", "6853500")
    # one tier reduced by k = 6 853 500 / 13 707 000 = 0.5
    assert {s["service_id"]: (s["optimal_support"], s["allocated"]) for s in doc["services"]} == {
        zlk.a.pk: ("1224000", "612000"), zlk.b.pk: ("12483000", "6241500")}
    assert not AllocationRun.objects.filter(region=zlk.region).exists()  # nothing stored without --save


def test_budget_above_the_need_allocates_the_need(zlk):
    doc = run_json("--region", "CZ072", "--year", str(YEAR), "--budget", "20000000", "--mode", "optimise")
    check_schema(doc)
    assert doc["mode"] == "optimise" and doc["total_allocated"] == "13707000"


def test_optimise_mode_stays_within_the_needs(zlk):
    # equal weights (no evaluation points in CZ072): the LP may split 1 000 000 any way, but never above a need
    doc = run_json("--region", "CZ072", "--year", str(YEAR), "--budget", "1000000", "--mode", "optimise")
    check_schema(doc)
    assert doc["total_allocated"] == "1000000"
    assert all(Decimal(s["allocated"]) <= Decimal(s["optimal_support"]) for s in doc["services"])


def test_demo_region_json_sums_to_the_budget():
    doc = run_json("--region", DEMO_REGION, "--year", str(DEMO_YEAR), "--budget", "1_000_000_000")
    check_schema(doc)
    assert doc["total_allocated"] == "1000000000"
    assert len(doc["services"]) > 400
    keys = [(s["service_id"], s.get("part", "")) for s in doc["services"]]
    assert len(set(keys)) == len(keys)


def test_save_stores_the_run(zlk, zlk_users):
    text = run("--region", "CZ072", "--year", str(YEAR), "--budget", "6853500", "--save", "--user", "zlk_officer")
    assert "Přiděleno:" in text and "6\xa0853\xa0500\xa0Kč" in text
    run_ = AllocationRun.objects.get(region=zlk.region)
    assert (run_.budget, run_.total_allocated, run_.created_by) == (Decimal(6_853_500), Decimal(6_853_500),
                                                                    zlk_users.officer)
    assert AllocationRow.objects.filter(run=run_).count() == 2
    with pytest.raises(PermissionDenied):  # a provider user may not store an allocation
        run("--region", "CZ072", "--year", str(YEAR), "--budget", "1", "--save", "--user", "zlk_p1")


def test_errors(zlk):
    with pytest.raises(CommandError, match="Neznámý kraj"):
        run("--region", "XX999", "--year", str(YEAR), "--budget", "1")
    with pytest.raises(CommandError, match="nemá parametry financování"):
        run("--region", "CZ072", "--year", str(YEAR + 5), "--budget", "1")
    with pytest.raises(CommandError):
        run("--region", "CZ072", "--year", str(YEAR), "--budget", "12,5")
    with pytest.raises(CommandError):
        run("--region", "CZ072", "--year", str(YEAR), "--budget", "-5")


def test_allocation_job_kind(zlk, zlk_users):
    """The background job runs the same service, with the permission of the user who started it."""
    from socplan.core.jobs import KINDS

    job = KINDS["finance_allocation"]
    seen = []
    result = job.fn(lambda pct, msg="": seen.append(pct), region="CZ072", year=YEAR, budget="6853500",
                    mode="rules", user_id=zlk_users.officer.pk)
    run_ = AllocationRun.objects.get(pk=result["run_id"])
    assert (result["total_allocated"], run_.created_by) == ("6853500", zlk_users.officer)
    assert seen[-1] == 100
    with pytest.raises(PermissionDenied):
        job.fn(lambda *a: None, region="CZ072", year=YEAR, budget="1", user_id=zlk_users.provider1.pk)
