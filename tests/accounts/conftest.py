"""Fixtures for the accounts tests: real territory (loaded by tests/conftest.py), a small registry world in two
ORPs of Jihomoravský kraj (Blansko, Znojmo) and one in Zlínský kraj, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest

from socplan.accounts.models import Role, RoleAssignment

PASSWORD = "Heslo-pro-testy-42"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 with production iterations costs ~0.3 s a user; the tests create a dozen users per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def valid_ico(n: int) -> str:
    from socplan.registry.ico import ico_check_digit

    first7 = f"{n:07d}"
    return first7 + str(ico_check_digit(first7))


@pytest.fixture
def territory(db):
    from socplan.territory.models import District, Orp, Region

    return SimpleNamespace(
        jmk=Region.objects.get(code="CZ064"),
        zlk=Region.objects.get(code="CZ072"),
        blansko_district=District.objects.get(code="CZ0641"),
        znojmo_district=District.objects.get(code="CZ0647"),
        orp_blansko=Orp.objects.get(code="6201"),
        orp_boskovice=Orp.objects.get(code="6202"),
        orp_znojmo=Orp.objects.get(code="6220"),
        orp_zlin=Orp.objects.get(code="7213"),
    )


@dataclass
class World:
    kind: object
    provider_a: object  # services in ORP Blansko
    provider_b: object  # services in ORP Znojmo
    provider_c: object  # services in Zlínský kraj
    service_a: object
    service_a2: object  # a second service of provider A, in ORP Boskovice (okres Blansko)
    service_b: object
    service_c: object
    staffing: dict
    economics: dict


def _service(provider, name, kind, region, orp):
    from socplan.registry.models import Service, ServiceArea

    s = Service.objects.create(provider=provider, name=name, kind=kind, region=region)
    ServiceArea.objects.create(service=s, orp=orp)
    return s


@pytest.fixture
def world(territory) -> World:
    """Three providers; provider B's economics carry distinctive amounts (used to detect leaks)."""
    from socplan.registry.models import Economics, Provider, ServiceKind, Staffing

    kind, _ = ServiceKind.objects.get_or_create(
        code="49", defaults={"paragraph": "49", "name": "domovy pro seniory", "category": "pece",
                             "financing_group": "D"})
    pa = Provider.objects.create(ico=valid_ico(1111111), name="Poskytovatel A (Blansko)")
    pb = Provider.objects.create(ico=valid_ico(2222222), name="Poskytovatel B (Znojmo)")
    pc = Provider.objects.create(ico=valid_ico(3333333), name="Poskytovatel C (Zlín)")
    sa = _service(pa, "Domov A Blansko", kind, territory.jmk, territory.orp_blansko)
    sa2 = _service(pa, "Domov A Boskovice", kind, territory.jmk, territory.orp_boskovice)
    sb = _service(pb, "Domov B Znojmo", kind, territory.jmk, territory.orp_znojmo)
    sc = _service(pc, "Domov C Zlín", kind, territory.zlk, territory.orp_zlin)
    staffing, economics = {}, {}
    for s, fte, cost in [(sa, "12.50", "1234567"), (sa2, "3.00", "2345678"), (sb, "47.25", "918273645"),
                         (sc, "8.00", "3456789")]:
        staffing[s.pk] = Staffing.objects.create(service=s, year=2025, fte_direct=Decimal(fte))
        economics[s.pk] = Economics.objects.create(service=s, year=2025, cost_personnel=Decimal(cost))
    return World(kind, pa, pb, pc, sa, sa2, sb, sc, staffing, economics)


def _make_user(django_user_model, username, role=None, **scope):
    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    if role:
        ra = RoleAssignment(user=user, role=role, **scope)
        ra.full_clean()
        ra.save()
    return user


@pytest.fixture
def make_user(db, django_user_model):
    def make(username, role=None, **scope):
        return _make_user(django_user_model, username, role, **scope)

    return make


@pytest.fixture
def users(territory, world, make_user, django_user_model):
    """One user per seat. Keys are used in parametrised tests."""
    t = territory
    return SimpleNamespace(
        anonymous=None,
        superuser=django_user_model.objects.create_superuser("root", password=PASSWORD),
        nobody=make_user("nobody"),
        region_admin=make_user("r_admin", Role.REGION_ADMIN, region=t.jmk, can_approve=True),
        officer_approve=make_user("r_officer_ok", Role.REGION_OFFICER, region=t.jmk, can_approve=True),
        officer=make_user("r_officer", Role.REGION_OFFICER, region=t.jmk),
        officer_zlk=make_user("r_officer_zlk", Role.REGION_OFFICER, region=t.zlk, can_approve=True),
        district_blansko=make_user("d_blansko", Role.DISTRICT_TEAM, district=t.blansko_district),
        orp_blansko=make_user("o_blansko", Role.ORP_COORDINATOR, orp=t.orp_blansko),
        orp_znojmo=make_user("o_znojmo", Role.ORP_COORDINATOR, orp=t.orp_znojmo),
        provider_a=make_user("p_a", Role.PROVIDER_USER, provider=world.provider_a),
        provider_b=make_user("p_b", Role.PROVIDER_USER, provider=world.provider_b),
    )


SEATS = ["anonymous", "nobody", "superuser", "region_admin", "officer_approve", "officer", "officer_zlk",
         "district_blansko", "orp_blansko", "orp_znojmo", "provider_a", "provider_b"]
