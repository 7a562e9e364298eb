"""A small hand-computed financing world in Zlínský kraj (CZ072) — the national extract's services there set
aside — used by the
finance Django tests (imported as fixtures by the other test modules).

Services (demo year, 365 days), default illustrative parameters (docs/financing.md §1):

Municipal co-financing rates (the network's settings of the year): §39 15 % (a kind row), care 10 %.

* A – §39 osobní asistence, terénní, provider P1, U = 2.5 FTE, ORP Zlín (7213):
  ON = 48 000 × 2.5 × 12 = 1 440 000; SF = 0.15 × 1 440 000 = 216 000; OP = 1 224 000.
* B – §49 domov pro seniory, pobytová, provider P2, 40 beds, scope Zlín 60 % + Otrokovice 40 %:
  LD = 40 × 365 × 0.95 = 13 870; ON = 1 900 × 13 870 = 26 353 000; ÚH = 700 × 13 870 = 9 709 000;
  ZP = 110 × 13 870 = 1 525 700; SF = 0.10 × 26 353 000 = 2 635 300;
  OP = 26 353 000 − 9 709 000 − 1 525 700 − 2 635 300 = 12 483 000.
* C – §37 odborné poradenství, provider P1, no staffing → skipped ("chybí personální zajištění").

Totals: ON = 27 793 000, OP = 13 707 000; planned state share 35 % → czk(0.35 × 27 793 000) = 9 727 550.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from socplan.registry.demo import DEMO_YEAR

YEAR = DEMO_YEAR
ON_A, OP_A = Decimal(1_440_000), Decimal(1_224_000)
ON_B, OP_B = Decimal(26_353_000), Decimal(12_483_000)
FEES_B, HI_B, SF_B = Decimal(9_709_000), Decimal(1_525_700), Decimal(2_635_300)
PASSWORD = "Heslo-pro-testy-42"


def valid_ico(n: int) -> str:
    from socplan.registry.ico import ico_check_digit

    first7 = f"{n:07d}"
    return first7 + str(ico_check_digit(first7))


@dataclass
class ZlkWorld:
    region: object
    p1: object
    p2: object
    a: object
    b: object
    c: object
    params: object


@pytest.fixture
def zlk(db) -> ZlkWorld:
    from socplan.finance import services
    from socplan.registry.models import (
        Capacity,
        CapacityType,
        DeliveryForm,
        Provider,
        Service,
        ServiceArea,
        ServiceForm,
        ServiceKind,
        ServiceTargetGroup,
        Staffing,
        TargetGroup,
    )
    from socplan.territory.models import Orp, Region

    region = Region.objects.get(code="CZ072")
    # The demo loads the national registry extract into every kraj: this world holds only its own services.
    Service.objects.filter(region=region).delete()
    zlin, otrokovice = Orp.objects.get(code="7213"), Orp.objects.get(code="7205")
    kinds = {k.code: k for k in ServiceKind.objects.filter(code__in=["37", "39", "49"])}
    forms = {f.code: f for f in DeliveryForm.objects.all()}
    ctypes = {c.code: c for c in CapacityType.objects.all()}
    p1 = Provider.objects.create(ico=valid_ico(7100001), name="Zlínský poskytovatel 1")
    p2 = Provider.objects.create(ico=valid_ico(7100002), name="Zlínský poskytovatel 2")

    def service(provider, name, kind, form, cap=None, areas=(), groups=()):
        s = Service.objects.create(provider=provider, name=name, kind=kinds[kind], region=region)
        sf = ServiceForm.objects.create(service=s, form=forms[form])
        if cap:
            Capacity.objects.create(service_form=sf, capacity_type=ctypes[cap[0]], count=cap[1])
        for orp, share in areas:
            ServiceArea.objects.create(service=s, orp=orp, share=share)
        for g, nth in groups:
            ServiceTargetGroup.objects.create(service=s, target_group=TargetGroup.objects.filter(planning_group=g)
                                              .order_by("pk")[nth])
        return s

    a = service(p1, "Osobní asistence Zlín", "39", "ter", ("klient", 10), [(zlin, Decimal(100))], [(3, 0)])
    b = service(p2, "Domov pro seniory Otrokovice", "49", "pob", ("luzka", 40),
                [(otrokovice, Decimal(40)), (zlin, Decimal(60))], [(2, 0), (2, 1), (3, 0)])
    c = service(p1, "Poradna Zlín", "37", "amb", ("interv", 30), [(zlin, Decimal(100))])
    Staffing.objects.create(service=a, year=YEAR, fte_direct=Decimal("2.50"))
    params = services.finance_params_default_create(actor=None, region=region, year=YEAR)
    from socplan.network.models import KindParameter, NetworkParameters

    network_params = NetworkParameters.objects.create(region=region, year=YEAR)  # care 10 %, prevention 20 %
    KindParameter.objects.create(parameters=network_params, kind=kinds["39"], cofinancing_rate=Decimal(15))
    return ZlkWorld(region, p1, p2, a, b, c, params)


@pytest.fixture
def zlk_users(zlk, django_user_model):
    from socplan.accounts.models import Role, RoleAssignment

    def make(username, role=None, **scope):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD)
        if role:
            ra = RoleAssignment(user=user, role=role, **scope)
            ra.full_clean()
            ra.save()
        return user

    from types import SimpleNamespace

    return SimpleNamespace(
        approver=make("zlk_approver", Role.REGION_OFFICER, region=zlk.region, can_approve=True),
        officer=make("zlk_officer", Role.REGION_OFFICER, region=zlk.region),
        provider1=make("zlk_p1", Role.PROVIDER_USER, provider=zlk.p1, region=zlk.region),
        provider2=make("zlk_p2", Role.PROVIDER_USER, provider=zlk.p2, region=zlk.region),
        other_region=make("jmk_officer", Role.REGION_OFFICER, region=_jmk(), can_approve=True),
        nobody=make("zlk_nobody"),
    )


def _jmk():
    from socplan.territory.models import Region

    return Region.objects.get(code="CZ064")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
