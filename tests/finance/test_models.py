"""Finance models and parameter services: validation, scope (who sees what), history, copy to the next year,
optimistic locking of the parameter set."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from socplan.accounts.scope import can, restrict
from socplan.core.services import StaleEdit
from socplan.finance import services
from socplan.finance.models import AllocationRow, FinanceParams, FinanceRate, ProviderBudget

from . import test_adapter_world as world
from .test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db


def test_default_parameters_cover_every_registry_kind_and_group(zlk):
    from socplan.registry.models import ServiceKind

    rates = {(r.kind.code, r.group): r for r in zlk.params.rates.select_related("kind")}
    for kind in ServiceKind.objects.prefetch_related("allowed_forms"):
        for form in kind.allowed_forms.all():
            group = kind.group_for_form(form.code)
            if group in ("A", "B"):
                assert (kind.code, group) in rates, (kind.code, group)
    # §44 odlehčovací služby: B when outpatient/field, D when residential – two rates
    assert {g for (k, g) in rates if k == "44"} == {"B", "D"}
    d44 = rates[("44", "D")]
    assert (d44.normative, d44.occupancy, d44.min_occupancy) == (Decimal(2000), Decimal("0.90"), Decimal("0.80"))
    assert rates[("41", "B")].user_fee == Decimal(450)
    assert zlk.params.illustrative and "Ilustrativní" in zlk.params.note


def test_shares_must_add_up(zlk):
    p = zlk.params
    p.share_state = Decimal("0.40")
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "share_state" in exc.value.message_dict
    p.share_state = Decimal("0.35")
    p.full_clean()
    p.group_overrides = {"44": "X"}
    with pytest.raises(ValidationError):
        p.full_clean()


def test_one_parameter_set_per_region_and_year(zlk):
    with pytest.raises(IntegrityError), transaction.atomic():
        FinanceParams.objects.create(region=zlk.region, year=YEAR)


def test_copy_to_next_year_copies_every_rate(zlk, zlk_users):
    new = services.finance_params_copy_to_year(actor=zlk_users.officer, params=zlk.params, year=YEAR + 1)
    assert new.copied_from == zlk.params and new.year == YEAR + 1
    old = {(r.kind_id, r.group): (r.normative, r.occupancy, r.min_occupancy, r.user_fee, r.health_insurance)
           for r in zlk.params.rates.all()}
    copied = {(r.kind_id, r.group): (r.normative, r.occupancy, r.min_occupancy, r.user_fee, r.health_insurance)
              for r in new.rates.all()}
    assert copied == old
    assert new.share_state == zlk.params.share_state and new.region_cofinancing_d == zlk.params.region_cofinancing_d
    assert new.history.first().history_user == zlk_users.officer
    with pytest.raises(ValidationError):
        services.finance_params_copy_to_year(actor=zlk_users.officer, params=zlk.params, year=YEAR + 1)
    with pytest.raises(PermissionDenied):
        services.finance_params_copy_to_year(actor=zlk_users.provider1, params=zlk.params, year=YEAR + 2)
    with pytest.raises(PermissionDenied):
        services.finance_params_copy_to_year(actor=zlk_users.other_region, params=zlk.params, year=YEAR + 2)


def test_update_with_optimistic_locking(zlk, zlk_users):
    p = zlk.params
    rate = p.rates.get(kind__code="39", group="B")
    v = p.version
    services.finance_params_update(actor=zlk_users.officer, params=p, data={"note": "upraveno"},
                                   rates={rate.pk: {"normative": Decimal("50000.00")}}, expected_version=v)
    p.refresh_from_db()
    rate.refresh_from_db()
    assert (p.note, p.version, rate.normative) == ("upraveno", v + 1, Decimal(50000))
    # a second editor who loaded version v gets a StaleEdit and writes nothing
    with pytest.raises(StaleEdit):
        services.finance_params_update(actor=zlk_users.officer, params=p, data={"note": "jiná"},
                                       rates={rate.pk: {"normative": Decimal(1)}}, expected_version=v)
    p.refresh_from_db()
    rate.refresh_from_db()
    assert (p.note, rate.normative) == ("upraveno", Decimal(50000))
    # a rate-only change bumps the version of the set too
    services.finance_params_update(actor=zlk_users.officer, params=p, data={},
                                   rates={rate.pk: {"user_fee": Decimal(10)}}, expected_version=v + 1)
    p.refresh_from_db()
    assert p.version == v + 2
    assert rate.history.count() == 3  # created, normative, user fee


def test_scale_rates(zlk):
    n = services.finance_rates_scale(actor=None, params=zlk.params, factor=Decimal("1.25"))
    assert n == zlk.params.rates.count()
    r = zlk.params.rates.get(kind__code="49", group="D")
    # 1 900 × 1.25 = 2 375; 700 × 1.25 = 875; 110 × 1.25 = 137.50
    assert (r.normative, r.user_fee, r.health_insurance) == (Decimal(2375), Decimal(875), Decimal("137.50"))


def test_parameters_are_public_but_only_region_staff_edit(zlk, zlk_users):
    p = zlk.params
    assert can(None, "view", p)
    assert can(zlk_users.officer, "change", p)
    assert not can(zlk_users.provider1, "change", p)
    assert not can(zlk_users.other_region, "change", p)
    rate = p.rates.first()
    assert can(zlk_users.officer, "change", rate) and not can(zlk_users.other_region, "change", rate)


def test_budgets_are_private_to_the_provider_and_region_staff(zlk, zlk_users):
    u = zlk_users
    b = services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="plan",
                                      data={"cost_personnel": Decimal(1)})
    qs = ProviderBudget.objects.filter(pk=b.pk)
    assert restrict(qs, u.provider1, "view").exists()
    assert restrict(qs, u.officer, "view").exists()
    assert not restrict(qs, u.provider2, "view").exists()
    assert not restrict(qs, u.other_region, "view").exists()
    assert not restrict(qs, None, "view").exists()


def test_provider_sees_only_its_own_allocation_rows(zlk, zlk_users):
    run = services.allocation_run(actor=zlk_users.officer, region=zlk.region, year=YEAR, budget=6_853_500)
    rows = AllocationRow.objects.filter(run=run)
    assert {r.service_id for r in restrict(rows, zlk_users.provider1, "view")} == {zlk.a.pk}
    assert {r.service_id for r in restrict(rows, zlk_users.provider2, "view")} == {zlk.b.pk}
    assert restrict(rows, zlk_users.officer, "view").count() == 2
    assert not restrict(rows, zlk_users.other_region, "view").exists()
    assert not can(zlk_users.provider1, "view", run)  # the run (totals) is the region's
    assert {r.service_id: r.allocated for r in rows} == {zlk.a.pk: Decimal(612_000), zlk.b.pk: Decimal(6_241_500)}


def test_allocation_run_needs_region_staff(zlk, zlk_users):
    for actor in (zlk_users.provider1, zlk_users.other_region, zlk_users.nobody):
        with pytest.raises(PermissionDenied):
            services.allocation_run(actor=actor, region=zlk.region, year=YEAR, budget=1000)
    with pytest.raises(ValidationError):
        services.allocation_run(actor=zlk_users.officer, region=zlk.region, year=YEAR, budget=Decimal("10.5"))


def test_rate_validation(zlk):
    r = FinanceRate(params=zlk.params, kind=zlk.params.rates.first().kind, group="D", normative=Decimal(-1),
                    occupancy=Decimal("1.2"))
    with pytest.raises(ValidationError) as exc:
        r.full_clean(exclude=["params", "kind"], validate_unique=False, validate_constraints=False)
    assert {"normative", "occupancy"} <= set(exc.value.message_dict)
