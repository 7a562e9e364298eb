"""Network layers beside the kraj's network (socplan/network/layers.py, docs/network.md §12)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from socplan.core.services import StaleEdit
from socplan.network import layers
from socplan.network.layers_demo import AMOUNT, BRNO, LAYER_NAME
from socplan.network.models import LayerKind, LayerMembership, NetworkEntry, NetworkLayer
from socplan.territory.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def jmk_entry(demo):
    """An entry of the 2026 draft of the demo kraj network, with its service."""
    return NetworkEntry.objects.filter(network=demo.d26).select_related("service", "tier").order_by("pk").first()


@pytest.fixture
def mpsv(t, users):
    return layers.network_layer_create(actor=users.officer, region=t.jmk, kind=LayerKind.MPSV,
                                       name="Síť MPSV – nadregionální služby")


def test_the_demo_has_one_synthetic_brno_city_membership():
    layer = NetworkLayer.objects.get(name=LAYER_NAME)
    assert layer.synthetic and layer.kind == LayerKind.CITY and layer.owner_municipality.code == BRNO
    [m] = layer.memberships.all()
    assert m.amount == AMOUNT and m.funder == "Statutární město Brno" and "Syntetická" in m.note
    assert m.service.areas.filter(orp_id=layer.owner_municipality.orp_id).exists()


def test_service_layers_lists_the_kraj_layer_then_the_others(jmk_entry, mpsv, users):
    service = jmk_entry.service
    m = layers.layer_membership_add(actor=users.officer, layer=mpsv, service=service, year=2026,
                                    tier="síť MPSV", capacity=7, funder="MPSV", amount=Decimal(120_000))
    rows = layers.service_layers(service, 2026, user=users.officer)
    assert rows[0].kind == layers.KRAJ and rows[0].tier == jmk_entry.tier.name and rows[0].amount is None
    others = [r for r in rows if r.kind != layers.KRAJ]
    assert [(r.layer, r.funder, r.amount, r.capacity) for r in others if r.kind == LayerKind.MPSV] == [
        (mpsv.name, "MPSV", Decimal(120_000), 7)]
    assert any(r.membership_id == m.pk for r in others)
    assert layers.service_layers(service, 2031, user=users.officer) == []  # no network, no membership that year


def test_only_kraj_staff_of_the_kraj_enter_layers(t, jmk_entry, mpsv, users):
    with pytest.raises(PermissionDenied):
        layers.network_layer_create(actor=users.orp_blansko, region=t.jmk, kind=LayerKind.MPSV, name="X")
    with pytest.raises(PermissionDenied):
        layers.network_layer_create(actor=users.officer_zlk, region=t.jmk, kind=LayerKind.MPSV, name="Y")
    with pytest.raises(PermissionDenied):
        layers.layer_membership_add(actor=users.district_blansko, layer=mpsv, service=jmk_entry.service,
                                    year=2026, tier="síť MPSV")
    assert not LayerMembership.objects.filter(layer=mpsv).exists()


def test_a_city_layer_is_owned_by_a_municipality_of_the_kraj(t, users):
    with pytest.raises(ValidationError, match="vlastníka"):
        layers.network_layer_create(actor=users.officer, region=t.jmk, kind=LayerKind.CITY, name="Bez obce")
    zlin = Municipality.objects.filter(region=t.zlk).order_by("pk").first()
    with pytest.raises(ValidationError, match="jiném kraji"):
        layers.network_layer_create(actor=users.officer, region=t.jmk, kind=LayerKind.CITY, name="Cizí",
                                    owner_municipality=zlin)


def test_membership_rules_change_history_and_removal(jmk_entry, mpsv, users):
    service = jmk_entry.service
    with pytest.raises(ValidationError, match="kdo ji platí"):
        layers.layer_membership_add(actor=users.officer, layer=mpsv, service=service, year=2026, tier="síť MPSV",
                                    amount=Decimal(1))
    m = layers.layer_membership_add(actor=users.officer, layer=mpsv, service=service, year=2026, tier="síť MPSV",
                                    funder="MPSV", amount=Decimal(100))
    with pytest.raises(ValidationError), transaction.atomic():  # one membership per layer, service and year
        layers.layer_membership_add(actor=users.officer, layer=mpsv, service=service, year=2026, tier="jiná")
    m = layers.layer_membership_update(actor=users.officer, membership=m, data={"amount": Decimal(150)},
                                       expected_version=m.version)
    with pytest.raises(StaleEdit):
        layers.layer_membership_update(actor=users.officer, membership=m, data={"amount": Decimal(1)},
                                       expected_version=m.version - 1)
    with pytest.raises(ValidationError):
        layers.layer_membership_update(actor=users.officer, membership=m, data={"service": service})
    with pytest.raises(PermissionDenied):
        layers.layer_membership_remove(actor=users.orp_blansko, membership=m, reason="x")
    with pytest.raises(ValidationError, match="důvod"):
        layers.layer_membership_remove(actor=users.officer, membership=m, reason=" ")
    history = layers.layer_history(m, user=users.officer)
    assert [h.amount for h in history] == [Decimal(150), Decimal(100)]
    assert history[0].history_user == users.officer
    layers.layer_membership_remove(actor=users.officer, membership=m, reason="MPSV službu ze sítě vyřadila")
    assert not LayerMembership.objects.filter(pk=m.pk).exists()
    last = LayerMembership.history.filter(id=m.pk).order_by("-history_date", "-history_id").first()
    assert last.history_type == "-" and last.history_change_reason == "MPSV službu ze sítě vyřadila"


def test_the_database_refuses_a_negative_amount(jmk_entry, mpsv):
    with pytest.raises(IntegrityError), transaction.atomic():
        LayerMembership.objects.create(layer=mpsv, service=jmk_entry.service, year=2026, tier="x", funder="MPSV",
                                       amount=Decimal(-1))


def test_funded_memberships_filters_by_year_and_amount(jmk_entry, mpsv, users):
    service = jmk_entry.service
    layers.layer_membership_add(actor=users.officer, layer=mpsv, service=service, year=2026, tier="síť MPSV",
                                funder="MPSV", amount=Decimal(300))
    layers.layer_membership_add(actor=users.officer, layer=mpsv, service=service, year=2027, tier="síť MPSV")
    rows = layers.funded_memberships(service_ids=[service.pk], years=[2026, 2027])
    assert [(r.layer, r.year, r.amount) for r in rows if r.layer == mpsv.name] == [(mpsv.name, 2026, Decimal(300))]
