"""The programme's rules in the round's allocation: the year-on-year damping floors (last year's approved amounts
of the programme of the same code), shown per row with what bound each amount; approving below a floor needs a
confirmed reason; the per-kind totals and the per-district minimum of the weighted fair-share mode; the provider
API reads the allocations in force; an allocation outside programmes is never counted beside a programme's.

World: tests/finance/test_adapter_world.py (Zlínský kraj): OP of A (§39) = 1 224 000, of B (§49) = 12 483 000.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from socplan.finance import programme_rules, programmes, selectors, services
from socplan.finance.models import AllocationMode, AllocationRow, AllocationRun
from socplan.registry.models import ServiceKind
from socplan.territory.models import District
from socplan.territory.selectors import population_total

from . import test_adapter_world as world
from .test_adapter_world import OP_A, YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

HALF = Decimal(6_853_500)
LAST_A, LAST_B = Decimal(1_224_000), Decimal(5_000_000)  # last year's approved amounts of the programme


def programme_round(zlk, year=YEAR, **extra):
    programme = programmes.programme_create(
        actor=None, region=zlk.region, year=year, code="101a", name="Dotace ze státního rozpočtu",
        legal_basis="state_101a", budget=Decimal(20_000_000), entrustment_from=YEAR - 1, entrustment_to=YEAR + 2,
        **extra)
    return programmes.programme_round_create(
        actor=None, programme=programme, number=1, budget=Decimal(15_000_000),
        applications_from=dt.date(year - 1, 9, 1), applications_to=dt.date(year - 1, 10, 31),
        decisions_by=dt.date(year, 3, 31), reports_by=dt.date(year + 1, 2, 15))


def last_year(zlk, zlk_users, keys):
    """Last year's round of the same programme with an approved run: A 1 224 000, B 5 000 000."""
    rnd = programme_round(zlk, YEAR - 1)
    run = AllocationRun.objects.create(region=zlk.region, year=YEAR - 1, mode=AllocationMode.RULES,
                                       budget=LAST_A + LAST_B, total_allocated=LAST_A + LAST_B, programme_round=rnd)
    for service, amount in ((zlk.a, LAST_A), (zlk.b, LAST_B)):
        AllocationRow.objects.create(run=run, service=service, key=keys[service.pk], kind_code=service.kind.code,
                                     group="A", optimal_support=amount, allocated=amount)
    return services.allocation_run_approve(actor=zlk_users.approver, run=run, decision_ref="RZK loni")


def run_in(zlk, rnd, budget, mode=AllocationMode.RULES):
    return services.allocation_run(actor=None, region=zlk.region, year=YEAR, budget=budget, programme_round=rnd,
                                   mode=mode)


def rows(run):
    return {r.service_id: r for r in run.rows.all()}


@pytest.mark.django_db
def test_damping_floors_protect_last_years_amounts(zlk, zlk_users):
    rnd = programme_round(zlk, damping_max_drop=Decimal("0.10"))
    plain = run_in(zlk, rnd, HALF)  # before last year's allocation exists
    keys = {r.service_id: r.key for r in plain.rows.all()}
    assert rows(plain)[zlk.a.pk].allocated == Decimal(612_000)  # half of OP: no previous amount, no floor
    assert rows(plain)[zlk.a.pk].floor == 0 and rows(plain)[zlk.a.pk].previous is None
    last_year(zlk, zlk_users, keys)
    run = run_in(zlk, rnd, HALF)
    a, b = rows(run)[zlk.a.pk], rows(run)[zlk.b.pk]
    # floors: 90 % of last year (the entries did not shrink): A 1 101 600, B 4 500 000; the budget covers them.
    # A's common share (half of OP, 612 000) is below its floor, so A gets the floor, B the rest.
    assert (a.previous, a.floor, a.allocated, a.bound) == (LAST_A, Decimal(1_101_600), Decimal(1_101_600), "floor")
    assert (b.previous, b.floor, b.allocated, b.bound) == (LAST_B, Decimal(4_500_000), HALF - 1_101_600, "level")
    assert run.damping_max_drop == Decimal("0.10") and run.total_allocated == HALF
    assert run.below_floor_count == 0
    services.allocation_run_approve(actor=zlk_users.approver, run=run)  # no confirmation needed
    # `socplan allocate --programme` takes the same floors as the stored run
    out = io.StringIO()
    call_command("allocate", "--region", zlk.region.code, "--year", str(YEAR), "--programme", "101a",
                 "--budget", str(HALF), "--json", stdout=out)
    by_pk = {s["service_id"]: s["allocated"] for s in json.loads(out.getvalue())["services"]}
    assert by_pk[zlk.a.pk] == "1101600" and by_pk[zlk.b.pk] == str(HALF - 1_101_600)
    # the side-by-side page with the round's rules: both modes, the floors bind, each amount explained
    client = Client()
    client.force_login(zlk_users.approver)
    page = client.get(reverse("finance:allocation", args=[zlk.region.code, YEAR]), {"kolo": rnd.pk,
                                                                                     "rozpocet": str(HALF)})
    assert page.status_code == 200 and 'data-testid="round-rules"' in page.content.decode()
    assert page.context["rules"].allocation(a.key) == Decimal(1_101_600)
    assert page.context["optimised"].floor.tolist() == page.context["rules"].floor.tolist()
    # the weighted fair-share mode takes the same floors
    fair = run_in(zlk, rnd, HALF, AllocationMode.OPTIMISE)
    assert rows(fair)[zlk.a.pk].allocated >= Decimal(1_101_600) and rows(fair)[zlk.b.pk].floor == 4_500_000
    assert fair.total_allocated == HALF


@pytest.mark.django_db
def test_approving_below_a_floor_needs_a_confirmed_reason(zlk, zlk_users, client):
    rnd = programme_round(zlk, damping_max_drop=Decimal("0.10"))
    keys = {r.service_id: r.key for r in run_in(zlk, rnd, HALF).rows.all()}
    last_year(zlk, zlk_users, keys)
    run = run_in(zlk, rnd, Decimal(5_000_000))  # below Σ floors 5 601 600: the floors are reduced
    a = rows(run)[zlk.a.pk]
    assert a.allocated < a.floor and a.bound == "floor_reduced" and run.below_floor_count == 2
    assert sum(r.allocated for r in run.rows.all()) == Decimal(5_000_000)
    with pytest.raises(ValidationError, match="chráněné minimum") as exc:
        services.allocation_run_approve(actor=zlk_users.approver, run=run)
    assert "below_floor_reason" in exc.value.error_dict
    run.refresh_from_db()
    assert not run.is_approved
    # the page: without the confirmation the run stays a proposal, with it the reason is recorded
    client.force_login(zlk_users.approver)
    page = client.get(reverse("finance:programme_detail", args=[rnd.programme_id]))
    assert f'data-testid="below-floor-{run.pk}"' in page.content.decode()
    url = reverse("finance:run_approve", args=[run.pk])
    client.post(url, {"decision_ref": "RZK 2", "below_floor_reason": "Rozpočet kraje krácen."})
    run.refresh_from_db()
    assert not run.is_approved  # a reason without the confirmation is refused
    client.post(url, {"decision_ref": "RZK 2", "confirm_below_floor": "on",
                      "below_floor_reason": "Rozpočet kraje krácen."})
    run.refresh_from_db()
    assert run.is_approved and run.below_floor_reason == "Rozpočet kraje krácen."
    detail = client.get(reverse("finance:allocation_detail", args=[run.pk])).content.decode()
    assert "Rozpočet kraje krácen." in detail and "pod minimem" in detail


@pytest.mark.django_db
def test_kind_totals_and_district_minimum_in_the_fair_share_mode(zlk):
    rnd = programme_round(zlk)
    programmes.programme_kind_limit_set(actor=None, programme=rnd.programme, kind=ServiceKind.objects.get(code="49"),
                                        total_cap=Decimal(3_000_000))
    run = run_in(zlk, rnd, HALF, AllocationMode.OPTIMISE)
    a, b = rows(run)[zlk.a.pk], rows(run)[zlk.b.pk]
    assert (b.allocated, b.bound) == (Decimal(3_000_000), "kind_total")
    assert (a.allocated, a.bound) == (OP_A, "need")  # the rest goes as far as A's full need
    rules = run_in(zlk, rnd, HALF)  # the rules mode has no group limits
    assert rows(rules)[zlk.b.pk].allocated == HALF - Decimal(612_000)
    with pytest.raises(ValidationError):
        programmes.programme_kind_limit_set(actor=None, programme=rnd.programme,
                                            kind=ServiceKind.objects.get(code="39"), total_floor=5, total_cap=4)
    # the district minimum: Kč per inhabitant × the district's population, half up
    rnd.programme.district_min_per_capita = Decimal("0.55")
    frame = selectors.computation(zlk.region, YEAR).network.frame
    limits = programme_rules.programme_limits(rnd.programme, frame)
    codes = {c for c in frame["district_code"] if c}
    expected = {c: int((Decimal("0.55") * population_total(District.objects.get(code=c))).quantize(Decimal(1)))
                for c in codes if population_total(District.objects.get(code=c))}
    assert expected and limits.district_minimum == expected
    assert limits.kind_cap == {"49": 3_000_000}


@pytest.mark.django_db
def test_provider_api_reads_the_allocation_in_force(zlk, zlk_users):
    rnd = programme_round(zlk)
    approved = services.allocation_run_approve(actor=zlk_users.approver, run=run_in(zlk, rnd, HALF))
    newer = run_in(zlk, rnd, Decimal(2_000_000))  # a newer proposal of the same mode, not approved
    client = APIClient()
    client.force_login(zlk_users.provider1)
    body = client.get(f"/api/v1/finance/{zlk.region.code}/{YEAR}/allocation/").json()
    assert body["run_ids"] == [approved.pk] and body["budget"] is None
    assert [(s["service_id"], s["allocated"]) for s in body["services"]] == [(zlk.a.pk, "612000")]
    assert selectors.allocated_amount(zlk.a.pk, YEAR) == Decimal(612_000)
    client.force_login(zlk_users.approver)  # the kraj's staff see the latest computation of the mode
    assert client.get(f"/api/v1/finance/{zlk.region.code}/{YEAR}/allocation/").json()["run_id"] == newer.pk
    client.force_login(zlk_users.provider2)
    assert client.get(f"/api/v1/finance/{zlk.region.code}/{YEAR}/allocation/?mode=optimise").status_code == 404


@pytest.mark.django_db
def test_a_run_outside_programmes_is_never_counted_beside_a_programme_run(zlk, zlk_users):
    outside = services.allocation_run(actor=None, region=zlk.region, year=YEAR, budget=HALF)
    outside = services.allocation_run_approve(actor=zlk_users.approver, run=outside)
    assert selectors.allocated_amount(zlk.a.pk, YEAR) == Decimal(612_000)
    rnd = programme_round(zlk)
    services.allocation_run_approve(actor=zlk_users.approver, run=run_in(zlk, rnd, Decimal(2 * 612_000 + 100)))
    in_round = rows(selectors.allocation_in_force(zlk.region, YEAR, rnd))[zlk.a.pk].allocated
    # the programme's run binds; the earlier run outside programmes no longer counts (no double count)
    assert selectors.allocated_amount(zlk.a.pk, YEAR) == in_round
    assert [r.run_id for r in selectors.allocation_rows_in_force(zlk.a.pk, YEAR)] == [rnd.runs.get(
        approved_at__isnull=False).pk]
    assert outside.pk not in set(selectors.runs_in_force(YEAR).values_list("pk", flat=True))
    assert [r.run_id for r in selectors.own_allocations(zlk_users.provider1, YEAR)] != [outside.pk]
    # and a new run outside programmes cannot be approved beside it
    again = services.allocation_run(actor=None, region=zlk.region, year=YEAR, budget=HALF)
    with pytest.raises(ValidationError, match="dvakrát"):
        services.allocation_run_approve(actor=zlk_users.approver, run=again, reason="nové")


@pytest.mark.django_db
def test_the_kraj_sets_the_programme_limits_on_a_page(zlk, zlk_users, client):
    rnd = programme_round(zlk)
    url = reverse("finance:programme_limits", args=[rnd.programme_id])
    client.force_login(zlk_users.provider1)
    assert client.get(url).status_code in (403, 404)
    client.force_login(zlk_users.officer)
    assert client.get(url).status_code == 200
    answer = client.post(url, {"district_min_per_capita": "0,55", "floor_49": "", "cap_49": "3 000 000",
                               "floor_39": "2 000", "cap_39": "1 000"})
    assert answer.status_code == 200 and "aspoň nejméně celkem" in answer.content.decode()  # floor above cap
    client.post(url, {"district_min_per_capita": "0,55", "cap_49": "3 000 000"})
    rnd.programme.refresh_from_db()
    assert rnd.programme.district_min_per_capita == Decimal("0.55")
    assert [(lim.kind.code, lim.total_floor, lim.total_cap) for lim in rnd.programme.kind_limits.all()] == [
        ("49", None, Decimal(3_000_000))]
    page = client.get(reverse("finance:programme_detail", args=[rnd.programme_id])).content.decode()
    assert "§ 49: nejvýše 3" in page
    client.post(url, {"district_min_per_capita": ""})  # emptied: the limits are removed
    assert not rnd.programme.kind_limits.exists()
