"""Provider self-service: free capacity is stated by the provider's own users (or the region's staff), shown at
once on the public page with its date, kept as history, refused for another provider and for bad values."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socplan.catalogue.models import FreeCapacityStatement
from socplan.catalogue.self_service import free_capacity_history, free_capacity_state, is_stale
from socplan.registry.models import Provider, Service
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return Service.objects.get(registry_id=323)


def test_provider_states_free_places_shown_at_once_with_history(client, service):
    user = factories.provider_user(service.provider)
    today = timezone.localdate()
    free_capacity_state(actor=user, service=service, places_free=4, waiting_list=7, stated_on=today - timedelta(days=3))
    html = client.get(f"/katalog/sluzba/{service.pk}/").content.decode()
    assert "Volná místa: 4" in html and "čekatelů v pořadníku: 7" in html
    free_capacity_state(actor=user, service=service, places_free=1, waiting_list=None, stated_on=today)
    html = client.get(f"/katalog/sluzba/{service.pk}/").content.decode()
    assert "Volné místo: 1" in html and "Volná místa: 4" not in html and "zastaralý" not in html
    history = free_capacity_history(service)
    assert [(s.places_free, s.waiting_list, s.created_by) for s in history] == [(1, None, user), (4, 7, user)]


def test_other_provider_may_not_state(service):
    other = Provider.objects.exclude(pk=service.provider_id).filter(services__region__isnull=False).first()
    with pytest.raises(PermissionDenied):
        free_capacity_state(actor=factories.provider_user(other), service=service, places_free=1, waiting_list=None,
                            stated_on=timezone.localdate())
    assert not FreeCapacityStatement.objects.filter(service=service).exists()


@pytest.mark.parametrize(("places", "waiting", "days"), [(-1, None, 0), (100_001, None, 0), (1, -2, 0), (1, None, -1),
                                                          (1, None, 400), (True, None, 0)])
def test_bad_values_are_refused_with_a_czech_message(service, places, waiting, days):
    user = factories.provider_user(service.provider)
    with pytest.raises(ValidationError):
        free_capacity_state(actor=user, service=service, places_free=places, waiting_list=waiting,
                            stated_on=timezone.localdate() - timedelta(days=days))
    assert not FreeCapacityStatement.objects.filter(service=service).exists()


def test_old_statement_is_flagged_stale():
    today = timezone.localdate()
    assert is_stale((today - timedelta(days=31)).isoformat(), today)
    assert not is_stale(today - timedelta(days=30), today)


def test_form_page_publishes_and_lists_history(client, service):
    user = factories.provider_user(service.provider)
    client.force_login(user)
    url = f"/katalog/sluzba/{service.pk}/volna-mista/"
    assert client.get(url).status_code == 200
    today = timezone.localdate().isoformat()
    resp = client.post(url, {"places_free": "3", "waiting_list": "", "stated_on": today})
    assert resp.status_code == 302
    html = client.get(url).content.decode()
    assert "<td>3</td>" in html
    assert "Volná místa: 3" in client.get(f"/katalog/sluzba/{service.pk}/").content.decode()
    resp = client.post(url, {"places_free": "-1", "stated_on": today})
    assert resp.status_code == 200 and FreeCapacityStatement.objects.filter(service=service).count() == 1
    other = Provider.objects.exclude(pk=service.provider_id).filter(services__region__isnull=False).first()
    client.force_login(factories.provider_user(other))
    assert client.get(url).status_code == 403
