"""Fixtures of the network tests. The session database holds the demo region with the demo network
(socplan/network/demo.py, loaded by tests/conftest.py); tests roll back, so each starts from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from socplan.accounts.models import Role, RoleAssignment

PASSWORD = "Heslo-pro-testy-42"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are created per test; the production hasher would spend most of the test time hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def t(db):
    from socplan.territory.models import District, Municipality, Orp, Region

    return SimpleNamespace(
        jmk=Region.objects.get(code="CZ064"), zlk=Region.objects.get(code="CZ072"),
        blansko_district=District.objects.get(code="CZ0641"), znojmo_district=District.objects.get(code="CZ0647"),
        orp_blansko=Orp.objects.get(code="6201"), orp_znojmo=Orp.objects.get(code="6220"),
        orp_zlin=Orp.objects.get(code="7213"),
        muni_blansko=Municipality.objects.get(code="581283"), muni_znojmo=Municipality.objects.get(code="593711"),
    )


@pytest.fixture
def make_user(db, django_user_model):
    def make(username, role=None, **scope):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD,
                                                     first_name=username.title())
        if role:
            ra = RoleAssignment(user=user, role=role, **scope)
            ra.full_clean()
            ra.save()
        return user

    return make


@pytest.fixture
def users(t, make_user, django_user_model):
    return SimpleNamespace(
        superuser=django_user_model.objects.create_superuser("net-root", password=PASSWORD),
        approver=make_user("net-approver", Role.REGION_OFFICER, region=t.jmk, can_approve=True),
        officer=make_user("net-officer", Role.REGION_OFFICER, region=t.jmk),
        officer_zlk=make_user("net-officer-zlk", Role.REGION_OFFICER, region=t.zlk, can_approve=True),
        district_blansko=make_user("net-district-blansko", Role.DISTRICT_TEAM, district=t.blansko_district),
        district_znojmo=make_user("net-district-znojmo", Role.DISTRICT_TEAM, district=t.znojmo_district),
        orp_blansko=make_user("net-orp-blansko", Role.ORP_COORDINATOR, orp=t.orp_blansko),
        orp_znojmo=make_user("net-orp-znojmo", Role.ORP_COORDINATOR, orp=t.orp_znojmo),
        nobody=make_user("net-nobody"),
    )


@pytest.fixture
def demo(db):
    """The demo network versions of CZ064."""
    from socplan.network.models import NetworkVersion

    vs = {(v.year, v.amendment): v for v in NetworkVersion.objects.filter(region__code="CZ064")}
    return SimpleNamespace(v25_0=vs[(2025, 0)], v25_1=vs[(2025, 1)], v25_2=vs[(2025, 2)], d26=vs[(2026, 0)])


@pytest.fixture
def kinds(db):
    from socplan.registry.models import CapacityType, DeliveryForm, ServiceKind

    return SimpleNamespace(
        k40=ServiceKind.objects.get(code="40"), k49=ServiceKind.objects.get(code="49"),
        k65=ServiceKind.objects.get(code="65"), ter=DeliveryForm.objects.get(code="ter"),
        pob=DeliveryForm.objects.get(code="pob"), klient=CapacityType.objects.get(code="klient"),
        luzka=CapacityType.objects.get(code="luzka"),
    )


def request_data(t, kinds, *, orp=None, **over):
    data = dict(year=2026, orp=orp or t.orp_blansko, request_kind="new", request_type="B",
                title="Nová pečovatelská služba", kind=kinds.k40, form=kinds.ter, capacity=20,
                capacity_type=kinds.klient, fte=Decimal("3.90"), justification="Chybí terénní péče ve večerních hodinách.",
                expected_cost=Decimal(3_500_000))
    data.update(over)
    return data


@pytest.fixture
def community_measure(t, users):
    """A community plan of ORP Blansko with one measure, and the regional plan with the 2026 action plan."""
    from socplan.planning.models import ActionPlan, Measure, Plan, Priority

    plan = Plan.objects.create(kind="community", title="Komunitní plán ORP Blansko 2024–2027", region=t.jmk,
                               orp=t.orp_blansko, year_from=2024, year_to=2027, status="approved")
    prio = Priority.objects.create(plan=plan, kind="group", target_group=2, code="S1", title="Senioři doma")
    measure = Measure.objects.create(plan=plan, priority=prio, code="2.1", title="Rozvoj terénních služeb",
                                     responsible="ORP Blansko", year_from=2024, year_to=2027)
    regional = Plan.objects.create(kind="regional", title="SPRSS JMK 2025–2027", region=t.jmk, year_from=2025,
                                   year_to=2027, status="approved")
    ap = ActionPlan.objects.create(plan=regional, year=2026, title="Akční plán 2026", status="approved")
    other = Plan.objects.create(kind="community", title="Komunitní plán ORP Znojmo", region=t.jmk,
                                orp=t.orp_znojmo, year_from=2024, year_to=2027, status="approved")
    oprio = Priority.objects.create(plan=other, kind="group", target_group=2, code="S1", title="Senioři")
    other_measure = Measure.objects.create(plan=other, priority=oprio, code="1.1", title="Znojemské opatření",
                                           responsible="ORP Znojmo", year_from=2024, year_to=2027)
    return SimpleNamespace(plan=plan, measure=measure, action_plan=ap, other_measure=other_measure)


@pytest.fixture
def draft(t, users):
    """A fresh draft network of CZ064 for 2027 with three demo services."""
    from socplan.network import services
    from socplan.registry.models import Service

    v = services.network_year_create(actor=users.approver, region=t.jmk, year=2027)
    tier = v.region.network_parameters.get(year=2027).tiers.get(code="zakladni")
    picked = list(Service.objects.filter(region=t.jmk, areas__orp=t.orp_blansko).order_by("pk")[:3])
    entries = [services.network_entry_add(actor=users.approver, network=v, service=s, tier=tier, capacity=10 + i,
                                          fte=Decimal("2.50"), orps=[t.orp_blansko], entrusted_from=date(2027, 1, 1))
               for i, s in enumerate(picked)]
    return SimpleNamespace(version=v, tier=tier, entries=entries, services=picked)
