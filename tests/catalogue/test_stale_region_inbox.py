"""Entries not updated for a set period are flagged to the provider (to update them) *and* to the kraj's staff
of the service's kraj (to follow them up); the public page keeps marking them. Staff of another kraj and other
providers are not told; a fresh statement or a new approval clears the items."""

from datetime import timedelta

import pytest
from django.utils import timezone

from socplan.catalogue.models import ContentProposal
from socplan.catalogue.proposals import content_approve, content_propose
from socplan.catalogue.self_service import free_capacity_state
from socplan.catalogue.services import catalogue_refresh
from socplan.inbox.selectors import inbox_items
from socplan.registry.models import Provider, Service
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return Service.objects.get(registry_id=323)


def _catalogue(user) -> list[tuple[str, str, str]]:
    return [(i.action, i.url, i.title) for i in inbox_items(user) if i.module == "catalogue"]


def test_stale_free_capacity_reaches_the_kraj_staff_of_the_service_only(client, service):
    provider = factories.provider_user(service.provider)
    officer, admin = factories.officer(), factories.region_admin()
    elsewhere = factories.officer(region_code="CZ010")
    other_provider = factories.provider_user(
        Provider.objects.exclude(pk=service.provider_id).filter(services__region__isnull=False).first())
    free_capacity_state(actor=provider, service=service, places_free=3, waiting_list=None,
                        stated_on=timezone.localdate() - timedelta(days=45))
    expected = ("ověřit zastaralý údaj o volných místech", f"/katalog/sluzba/{service.pk}/volna-mista/",
                service.name)
    assert expected in _catalogue(officer) and expected in _catalogue(admin)
    item = next(i for i in inbox_items(officer) if i.url == expected[1])
    assert item.detail == service.provider.name and "ke dni" in item.state
    assert ("aktualizovat volná místa", expected[1], service.name) in _catalogue(provider)
    assert not [x for x in _catalogue(elsewhere) if x[1] == expected[1]]
    assert not [x for x in _catalogue(other_provider) if x[1] == expected[1]]
    # the public page still marks it
    client.logout()
    assert "údaj může být zastaralý" in client.get(f"/katalog/sluzba/{service.pk}/").content.decode()
    # a fresh statement (by the kraj or the provider) clears both sides
    free_capacity_state(actor=officer, service=service, places_free=2, waiting_list=None,
                        stated_on=timezone.localdate())
    assert expected not in _catalogue(officer)
    assert not [x for x in _catalogue(provider) if x[1] == expected[1]]


def test_exactly_the_stale_period_is_not_yet_stale(service):
    officer = factories.officer()
    provider = factories.provider_user(service.provider)
    from socplan.catalogue.self_service import STALE_DAYS

    free_capacity_state(actor=provider, service=service, places_free=3, waiting_list=None,
                        stated_on=timezone.localdate() - timedelta(days=STALE_DAYS))
    assert not [x for x in _catalogue(officer) if "volných místech" in x[0]]
    free_capacity_state(actor=provider, service=service, places_free=3, waiting_list=None,
                        stated_on=timezone.localdate() - timedelta(days=STALE_DAYS + 1))
    # the newest statement counts (it is older here, but the newest by date is still the first one)
    assert not [x for x in _catalogue(officer) if "volných místech" in x[0]]


def test_content_approved_over_a_year_ago_reaches_the_kraj_staff(client, service):
    provider = factories.provider_user(service.provider)
    officer = factories.officer()
    elsewhere = factories.officer(region_code="CZ010")
    proposal = content_propose(actor=provider, service=service, description="Popis služby pro veřejnost.")
    content_approve(actor=officer, proposal=proposal)
    assert not [x for x in _catalogue(officer) if "obsah" in x[0] and x[2] == service.name]
    ContentProposal.objects.filter(pk=proposal.pk).update(decided_at=timezone.now() - timedelta(days=400))
    expected = ("ověřit zastaralý obsah v katalogu", f"/katalog/sluzba/{service.pk}/", service.name)
    assert expected in _catalogue(officer)
    assert expected not in _catalogue(elsewhere)
    assert ("ověřit a aktualizovat obsah v katalogu", f"/katalog/sluzba/{service.pk}/obsah/",
            service.name) in _catalogue(provider)
    catalogue_refresh(service_ids=[service.pk])
    client.logout()
    assert "údaj může být zastaralý" in client.get(f"/katalog/sluzba/{service.pk}/").content.decode()
    # a new proposal waiting for review replaces the follow-up by the review item
    newer = content_propose(actor=provider, service=service, description="Aktualizovaný popis.")
    items = _catalogue(officer)
    assert expected not in items and ("posoudit návrh obsahu katalogu", f"/katalog/navrh/{newer.pk}/",
                                      service.name) in items
    content_approve(actor=officer, proposal=newer)
    assert expected not in _catalogue(officer)
