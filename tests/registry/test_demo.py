"""The Jihomoravský kraj demo (load-demo): size, coverage of kinds, scope, year data, idempotence."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models import Count, Sum

from socplan.core.models import Source
from socplan.registry.demo import DEMO_YEAR, demo_region_load
from socplan.registry.models import Economics, ServiceArea, ServiceKind, Staffing
from socplan.registry.models import Service as S

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    """The session database normally has the demo already (tests/conftest.py runs load_demo); make sure."""
    demo_region_load()
    return S.objects.filter(region__code="CZ064")


def test_size_and_kinds(demo):
    assert demo.count() >= 540
    kinds_in_act = set(ServiceKind.objects.filter(in_act=True).values_list("pk", flat=True))
    assert len(kinds_in_act) == 33
    assert kinds_in_act <= set(demo.values_list("kind", flat=True))


def test_real_and_synthetic_flagged(demo):
    real = demo.filter(source=Source.MPSV, registry_id__isnull=False)
    assert real.count() == 179  # the JMK services of the shipped MPSV extract (data/README.md)
    assert demo.filter(source=Source.SYNTHETIC).count() == demo.count() - 179
    assert not demo.filter(source=Source.SYNTHETIC, registry_id__isnull=False).exists()


def test_every_service_in_an_orp_scope(demo):
    without = demo.exclude(pk__in=ServiceArea.objects.filter(orp__isnull=False).values("service_id"))
    assert list(without.values_list("name", flat=True)) == []
    # declared shares of the demo add up to exactly 100 % per service
    totals = (ServiceArea.objects.filter(service__in=demo).values("service")
              .annotate(total=Sum("share"), n=Count("pk")))
    assert {t["total"] for t in totals} == {Decimal(100)}
    # the scope lies in the demo kraj
    assert not ServiceArea.objects.filter(service__in=demo).exclude(orp__region__code="CZ064").exists()


def test_year_data_plausible(demo):
    staffing = Staffing.objects.filter(service__in=demo, year=DEMO_YEAR)
    economics = Economics.objects.filter(service__in=demo, year=DEMO_YEAR)
    assert staffing.count() == demo.count() == economics.count()
    for s in staffing:
        assert Decimal("0.5") <= s.fte_direct <= 150 and s.fte_other > 0
    for e in economics:
        costs, revenues = e.total_costs, e.total_revenues
        assert costs > 0
        assert all(getattr(e, f) == getattr(e, f).to_integral_value() for f in ("cost_personnel", "revenue_other"))
        # shares of the parameter table add up to 0.95–1.00 of costs, each with ±10 % noise
        assert Decimal("0.80") * costs <= revenues <= Decimal("1.10") * costs, e.service.name
    # residential care is funded by users' fees far more than prevention
    dps = economics.filter(service__kind__code="49").aggregate(f=Sum("revenue_user_fees"))["f"]
    nzdm = economics.filter(service__kind__code="62").aggregate(f=Sum("revenue_user_fees"))["f"]
    assert dps > 0 and nzdm == 0


def test_second_run_changes_nothing(demo):
    models = [m for m in apps.get_app_config("registry").get_models() if m.__name__ != "RegistryImport"]
    before = {m.__name__: m.objects.count() for m in models}
    assert demo_region_load() == {"real": 0, "synthetic": 0, "staffing": 0, "economics": 0}
    assert {m.__name__: m.objects.count() for m in models} == before
