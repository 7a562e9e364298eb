"""The shared factories build valid rows through the domain's service functions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from socplan.accounts.models import Role
from socplan.accounts.scope import grants

from . import factories as f

pytestmark = pytest.mark.django_db


def test_users_of_each_role():
    roles = {
        f.region_admin(): (Role.REGION_ADMIN, False),
        f.officer(): (Role.REGION_OFFICER, False),
        f.officer(can_approve=True): (Role.REGION_OFFICER, True),
        f.district_member(): (Role.DISTRICT_TEAM, False),
        f.orp_coordinator(): (Role.ORP_COORDINATOR, False),
    }
    for user, (role, can_approve) in roles.items():
        (g,) = grants(user)
        assert (g.role, g.can_approve, g.region_id) == (role, can_approve, f.region().pk)
    service = f.RegisteredServiceFactory()
    (g,) = grants(f.provider_user(service.provider))
    assert (g.role, g.provider_id, g.region_id) == (Role.PROVIDER_USER, service.provider_id, f.region().pk)


def test_registered_service_has_form_capacity_area_and_staffing():
    from socplan.registry.selectors import service_capacity

    s = f.RegisteredServiceFactory(capacity=12, year=2031, fte=Decimal("3.50"))
    cap = service_capacity(s, 2031)
    assert (cap.form, cap.capacity, cap.capacity_type, cap.source) == ("ter", 12, "klient", "registry")
    assert [(a.orp.code, a.share) for a in s.areas.all()] == [("6201", Decimal(100))]
    assert s.staffing.get(year=2031).fte_direct == Decimal("3.50")
    assert s.kind.code == "40" and s.region.code == "CZ064"


def test_measure_in_an_approved_community_plan():
    m = f.approved_measure()
    assert m.plan.kind == "community" and m.plan.status == "approved" and m.plan.orp.code == "6201"
    assert m.priority.plan_id == m.plan_id and m.plan.year_from <= 2031 <= m.plan.year_to


def test_network_year_with_an_entry_and_finance_params():
    entry = f.NetworkEntryFactory()
    v = entry.network
    assert (v.region.code, v.year, v.amendment, v.is_approved) == ("CZ064", 2031, 0, False)
    assert (entry.capacity, entry.capacity_type.code, entry.fte, entry.tier.code) == (20, "klient", Decimal("4.00"),
                                                                                       "zakladni")
    assert [o.code for o in entry.orps.all()] == ["6201"]
    assert {t.code for t in v.region.network_parameters.get(year=2031).tiers.all()} >= {"zakladni", "zasobnik"}
    extra = f.TierFactory(parameters=v.region.network_parameters.get(year=2031))
    assert extra.parameters.year == 2031
    params = f.FinanceParamsFactory()
    assert params.rates.filter(kind__code="40").exists()
    budget = f.ProviderBudgetFactory(service=entry.service)
    assert budget.state == "draft" and budget.total_costs == Decimal(3_600_000)
