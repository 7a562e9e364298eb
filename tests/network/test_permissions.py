"""Scope: ORP coordinators act on requests and declarations of their own ORP only; district teams on their okres;
region staff decide. Pages and services agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from socplan.accounts.scope import can
from socplan.network import services
from socplan.network.models import CofinancingDeclaration, DevelopmentRequest, RequestState

from .conftest import request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def znojmo_request(t, users, kinds):
    return services.development_request_submit(actor=users.orp_znojmo, data=request_data(
        t, kinds, orp=t.orp_znojmo, title="Záměr Znojmo"))


@pytest.fixture
def blansko_request(t, users, kinds):
    return services.development_request_submit(actor=users.orp_blansko, data=request_data(t, kinds,
                                                                                           title="Záměr Blansko"))


def test_blansko_coordinator_cannot_touch_znojmo_requests(users, znojmo_request, t, kinds):
    u = users.orp_blansko
    assert not can(u, "change", znojmo_request)
    assert can(u, "view", znojmo_request)  # network requests are visible within the kraj
    with pytest.raises(PermissionDenied):
        services.development_request_update(actor=u, request=znojmo_request, data={"title": "přepsáno"})
    with pytest.raises(PermissionDenied):
        services.development_request_opinion(actor=u, request=znojmo_request, need_declared=True)
    with pytest.raises(PermissionDenied):
        services.development_request_return(actor=u, request=znojmo_request, reason="x")
    with pytest.raises(PermissionDenied):
        services.development_request_submit(actor=u, data=request_data(t, kinds, orp=t.orp_znojmo))
    with pytest.raises(PermissionDenied):  # cannot move own request to another ORP either
        own = services.development_request_submit(actor=u, data=request_data(t, kinds))
        services.development_request_update(actor=u, request=own, data={"orp": t.orp_znojmo})
    znojmo_request.refresh_from_db()
    assert znojmo_request.title == "Záměr Znojmo" and znojmo_request.state == RequestState.SUBMITTED


def test_pages_refuse_the_other_orp_and_allow_the_own(client, users, znojmo_request, blansko_request):
    client.force_login(users.orp_blansko)
    assert client.get(reverse("network:development_request_edit", args=[znojmo_request.pk])).status_code == 403
    resp = client.post(reverse("network:request_opinion_create", args=[znojmo_request.pk]),
                       {"need_declared": "1", "text": "ano"})
    assert resp.status_code == 403
    assert DevelopmentRequest.objects.get(pk=znojmo_request.pk).state == RequestState.SUBMITTED
    assert client.get(reverse("network:development_request_edit", args=[blansko_request.pk])).status_code == 200
    resp = client.post(reverse("network:request_opinion_create", args=[blansko_request.pk]),
                       {"need_declared": "1", "text": "V souladu."})
    assert resp.status_code == 302
    assert DevelopmentRequest.objects.get(pk=blansko_request.pk).state == RequestState.ORP_OPINION


def test_district_team_reviews_only_its_okres(client, users, blansko_request):
    services.development_request_opinion(actor=users.orp_blansko, request=blansko_request, need_declared=True)
    client.force_login(users.district_znojmo)
    url = reverse("network:request_review_create", args=[blansko_request.pk])
    assert client.post(url, {"recommends": "1", "text": "ano"}).status_code == 403
    client.force_login(users.district_blansko)
    assert client.post(url, {"recommends": "1", "text": "Doporučujeme."}).status_code == 302
    assert DevelopmentRequest.objects.get(pk=blansko_request.pk).state == RequestState.DISTRICT_REVIEW


def test_declarations_of_other_orps_are_refused(client, users, t, demo):
    service = demo.d26.entries.filter(orps=t.orp_znojmo).first().service
    client.force_login(users.orp_blansko)
    before = CofinancingDeclaration.objects.count()
    resp = client.post(reverse("network:cofinancing_declaration_create"), {
        "year": 2026, "municipality": t.muni_znojmo.pk, "service": service.pk, "amount": 1000,
        "declared_on": "2025-05-01"})
    assert resp.status_code == 200 and CofinancingDeclaration.objects.count() == before  # not a valid choice
    theirs = services.cofinancing_declaration_submit(actor=users.orp_znojmo, municipality=t.muni_znojmo, year=2026,
                                                     amount=Decimal(5000), declared_on=date(2025, 5, 1),
                                                     service=service)
    assert client.get(reverse("network:cofinancing_declaration_edit", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("network:cofinancing_declaration_delete", args=[theirs.pk])).status_code == 403
    assert CofinancingDeclaration.objects.filter(pk=theirs.pk).exists()


def test_unpublished_network_and_open_requests_are_not_public(client, demo, znojmo_request):
    assert client.get(reverse("network:version", args=[demo.d26.pk])).status_code == 404
    assert client.get(reverse("network:version", args=[demo.v25_0.pk])).status_code == 200  # published
    assert client.get(reverse("network:request", args=[znojmo_request.pk])).status_code == 404
    admitted = DevelopmentRequest.objects.filter(state=RequestState.ADMITTED).first()
    assert client.get(reverse("network:request", args=[admitted.pk])).status_code == 200
    # writes send anonymous users to the login page
    resp = client.post(reverse("network:network_entry_edit", args=[demo.d26.entries.first().pk]))
    assert resp.status_code == 302 and "/ucet/login/" in resp["Location"]


def test_api_lists_are_scoped(client, users, demo, znojmo_request):
    data = client.get("/api/v1/network/versions/?region__code=CZ064").json()
    assert {(v["year"], v["amendment"]) for v in data["results"]} == {(2025, 0), (2025, 1)}  # published only
    client.force_login(users.orp_blansko)
    data = client.get("/api/v1/network/versions/?region__code=CZ064").json()
    assert {(v["year"], v["amendment"]) for v in data["results"]} == {(2025, 0), (2025, 1), (2025, 2), (2026, 0)}
    assert client.get(f"/api/v1/network/requests/{znojmo_request.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/api/v1/network/requests/{znojmo_request.pk}/").status_code == 404


def test_notifications_are_only_the_recipients(users, blansko_request):
    from socplan.network.selectors import notifications_for
    from socplan.notices.models import Notification

    services.development_request_opinion(actor=users.orp_blansko, request=blansko_request, need_declared=True)
    mine = list(notifications_for(users.district_blansko))
    assert mine and all(n.recipient == users.district_blansko for n in mine)
    assert list(notifications_for(users.district_znojmo)) == []
    assert not Notification.objects.filter(recipient=users.orp_blansko).exists()  # the actor is not told
