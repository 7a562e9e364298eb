"""HSDS 3.1 `service_capacity` requires `available`: a record is emitted where the number of free places is
known (a provider's statement), carrying the registered capacity of the same unit (summed over the forms) as
`maximum`; without a statement there is no record (nothing is invented), the registered capacity stays in
`eligibility_description`. Every record validates against the shipped 3.1 schema."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from socplan.catalogue import exports
from socplan.catalogue.self_service import free_capacity_state
from socplan.catalogue.services import catalogue_refresh
from socplan.registry.models import Capacity, CapacityType, DeliveryForm, Service, ServiceForm
from tests import factories
from tests.catalogue.test_open_data import SCHEMA_DIR, _errors, _validator

pytestmark = pytest.mark.django_db


def _hsds(service) -> dict:
    doc = exports.hsds_document(base_url="http://testserver")
    return next(s for s in doc["contents"] if s["url"].endswith(f"/katalog/sluzba/{service.pk}/"))


def _add_form(service, form_code: str, *caps: tuple[str, int]) -> None:
    sf = ServiceForm.objects.create(service=service, form=DeliveryForm.objects.get(code=form_code))
    for code, count in caps:
        Capacity.objects.create(service_form=sf, capacity_type=CapacityType.objects.get(code=code), count=count)


def test_schema_requires_available():
    required = json.loads((SCHEMA_DIR / "service_capacity.json").read_text(encoding="utf-8"))["required"]
    assert {"available", "unit", "updated"} <= set(required)


def test_capacity_record_with_a_statement_sums_the_unit_over_forms_and_validates():
    service = Service.objects.get(registry_id=323)  # terénní, 16 klientů
    _add_form(service, "amb", ("klient", 5), ("kontakt", 300))
    catalogue_refresh(service_ids=[service.pk])
    v = _validator("service.json")
    svc = _hsds(service)
    assert "capacities" not in svc  # free places unknown: no record, nothing invented
    assert "16" in svc["eligibility_description"] and "5" in svc["eligibility_description"]
    assert not _errors(v, svc)
    provider = factories.provider_user(service.provider)
    stated = timezone.localdate() - timedelta(days=2)
    free_capacity_state(actor=provider, service=service, places_free=3, waiting_list=None, stated_on=stated)
    svc = _hsds(service)
    assert not _errors(v, svc), _errors(v, svc)[:3]
    [cap] = svc["capacities"]
    assert cap["available"] == 3 and cap["maximum"] == 21  # 16 terénní + 5 ambulantní; contacts are no places
    assert cap["unit"]["identifier"] == "klient" and cap["updated"].startswith(stated.isoformat())
    assert cap["service_id"] == svc["id"]
    cap_v = _validator("service_capacity.json")
    assert not _errors(cap_v, cap)
    broken = dict(cap)
    broken.pop("available")
    assert _errors(cap_v, broken)  # the check is not vacuous: 3.1 requires `available`


def test_a_service_counted_only_in_contacts_states_places_without_a_maximum():
    service = Service.objects.filter(forms__capacities__capacity_type__code="kontakt").exclude(
        forms__capacities__capacity_type__code__in=["klient", "luzka"]).exclude(region__isnull=True).filter(catalogue_entry__isnull=False).first()
    if service is None:
        service = Service.objects.get(registry_id=323)
        Capacity.objects.filter(service_form__service=service).update(
            capacity_type=CapacityType.objects.get(code="kontakt"))
    catalogue_refresh(service_ids=[service.pk])
    free_capacity_state(actor=factories.officer(region_code=service.region.code), service=service, places_free=0,
                        waiting_list=4, stated_on=timezone.localdate())
    svc = _hsds(service)
    assert not _errors(_validator("service.json"), svc)
    [cap] = svc["capacities"]
    assert cap["available"] == 0 and "maximum" not in cap and cap["unit"]["identifier"] == "mista"
    assert "čekatelé v pořadníku: 4" in cap["description"]


def test_every_exported_capacity_validates_with_statements_for_many_services():
    officer = factories.officer()
    services = list(Service.objects.filter(region__code=factories.JMK, catalogue_entry__isnull=False)
                    .order_by("pk")[:25])
    for i, service in enumerate(services):
        free_capacity_state(actor=officer, service=service, places_free=i, waiting_list=None,
                            stated_on=timezone.localdate())
    doc = exports.hsds_document(base_url="http://testserver")
    v = _validator("service_capacity.json")
    caps = [c for s in doc["contents"] for c in s.get("capacities", [])]
    assert len(caps) >= len(services)
    for c in caps:
        assert not _errors(v, c), _errors(v, c)[:3]
    assert len({c["id"] for c in caps}) == len(caps)
