"""Registry models: constraints in the database, validation messages, SCOPE, verbose names, history."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.functional import Promise

from socplan.registry import selectors
from socplan.registry.models import (
    Capacity,
    CapacityType,
    DeliveryForm,
    Economics,
    Provider,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceKind,
    Staffing,
)
from socplan.registry.services import service_scope_set
from socplan.territory.models import Municipality, Orp

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = [m for m in apps.get_app_config("registry").get_models() if not m.__name__.startswith("Historical")]


@pytest.fixture
def service(codelists):
    provider = Provider.objects.create(ico="99001012", name="Poskytovatel")
    return Service.objects.create(provider=provider, name="Test", kind=ServiceKind.objects.get(code="49"))


def _fails(**kw):
    with pytest.raises(IntegrityError), transaction.atomic():
        kw.pop("model").objects.create(**kw)


def test_db_constraints(service):
    sf = ServiceForm.objects.create(service=service, form=DeliveryForm.objects.get(code="pob"))
    _fails(model=Capacity, service_form=sf, capacity_type=CapacityType.objects.get(code="luzka"), count=-1)
    orp = Orp.objects.get(code="6203")
    muni = Municipality.objects.get(code="582786")
    _fails(model=ServiceArea, service=service, orp=orp, share=Decimal("100.5"))
    _fails(model=ServiceArea, service=service, orp=orp, municipality=muni)
    _fails(model=ServiceArea, service=service)
    _fails(model=Staffing, service=service, year=2026, fte_direct=Decimal("-1"))
    _fails(model=Economics, service=service, year=2026, cost_energy=Decimal("-1"))
    Staffing.objects.create(service=service, year=2026, fte_direct=Decimal(3))
    _fails(model=Staffing, service=service, year=2026)
    from datetime import date

    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(valid_from=date(2020, 1, 1), valid_to=date(2019, 1, 1))


def test_czech_validation_messages(service):
    p = Provider(ico="12345678", name="X")
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "IČO 12345678 není platné" in str(exc.value)
    area = ServiceArea(service=service, orp=Orp.objects.get(code="6203"), share=Decimal(120))
    with pytest.raises(ValidationError) as exc:
        area.full_clean()
    assert "share" in exc.value.message_dict


def test_scope_set_validates_shares(service):
    brno, vyskov = Orp.objects.get(code="6203"), Orp.objects.get(code="6219")
    with pytest.raises(ValidationError, match="Součet podílů je 110"):
        service_scope_set(service=service, orps=[(brno, 60), (vyskov, 50)])
    with pytest.raises(ValidationError, match="uvedeno dvakrát"):
        service_scope_set(service=service, orps=[(brno, 10), (brno, 10)])
    service_scope_set(service=service, orps=[(brno, 60), (vyskov, 40)])
    assert sorted(service.areas.values_list("orp__code", "share")) == [("6203", Decimal(60)), ("6219", Decimal(40))]
    service_scope_set(service=service, orps=[(vyskov, None)])
    assert list(service.areas.values_list("orp__code", flat=True)) == ["6219"]


@pytest.mark.parametrize("model, private", [(Provider, False), (Service, False), (Staffing, True), (Economics, True)])
def test_scope_shape_and_lookups_resolve(model, private, service):
    assert set(model.SCOPE) == {"region", "district", "orp", "provider", "private"}
    assert model.SCOPE["private"] is private
    for level in ("region", "district", "orp", "provider"):
        lookup = model.SCOPE[level]
        if lookup:
            target = {"region": service.region, "provider": service.provider}.get(level)
            list(model.objects.filter(**{f"{lookup}__isnull": target is None})[:1])  # resolves, no FieldError


def test_every_field_has_czech_verbose_name():
    for model in REGISTRY_MODELS:
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            # given explicitly, through gettext_lazy (a lazy Promise), not derived from the field name
            assert isinstance(getattr(field, "_verbose_name", None), Promise), f"{model.__name__}.{field.name}"


def test_every_registry_model_keeps_history():
    without = [m.__name__ for m in REGISTRY_MODELS if not hasattr(m, "history") and m.__name__ != "RegistryImport"]
    assert without == []


def test_selectors_hide_private_data_from_anonymous(service):
    Staffing.objects.create(service=service, year=2026, fte_direct=Decimal(3))
    anon = AnonymousUser()
    assert service in selectors.service_list(user=anon)
    assert list(selectors.staffing_list(user=anon)) == []
    assert list(selectors.economics_list(user=anon)) == []


def test_admin_pages_render(client, service, django_user_model):
    admin = django_user_model.objects.create_superuser("reg-admin", "a@example.cz", "x-very-secret-1")
    client.force_login(admin)
    for name in ("service", "provider", "servicekind", "facility", "staffing", "economics", "registryimport"):
        assert client.get(f"/admin/registry/{name}/").status_code == 200, name
    assert client.get(f"/admin/registry/service/{service.pk}/change/").status_code == 200
    assert client.get(f"/admin/registry/service/{service.pk}/history/").status_code == 200
