"""Demo of the other network layers: one SYNTHETIC membership of a Brno service in a Brno city network.

The city of Brno runs its own network of social services over the kraj's; its real membership list and amounts
are not in the demo data, so the layer, the membership and the amount below are made up (labelled synthetic on
every page that shows them). Idempotent.
"""

from __future__ import annotations

from decimal import Decimal

from socplan.territory.models import Municipality, Region

from . import selectors
from .demo import DEMO_REGION, DRAFT_YEAR
from .models import LayerKind, LayerMembership, NetworkEntry, NetworkLayer

BRNO = "582786"  # ČSÚ code of the municipality Brno
LAYER_NAME = "Síť sociálních služeb města Brna (syntetická ukázka)"
AMOUNT = Decimal(250_000)
NOTE = "Syntetická ukázková data: členství ani částka nejsou skutečné."


def demo_load() -> dict:
    region = Region.objects.filter(code=DEMO_REGION).defer("boundary").first()
    brno = Municipality.objects.filter(code=BRNO).defer("boundary").first()
    if region is None or brno is None or brno.region_id != region.pk:
        return {}
    if NetworkLayer.objects.filter(region=region, name=LAYER_NAME).exists():
        return {}
    version = selectors.current_version(region, DRAFT_YEAR)
    if version is None:
        return {}
    entry = (NetworkEntry.objects.filter(network=version, service__areas__orp_id=brno.orp_id)
             .select_related("service").order_by("service__name", "pk").first())
    if entry is None:
        return {}
    layer = NetworkLayer.objects.create(region=region, kind=LayerKind.CITY, owner_municipality=brno,
                                        name=LAYER_NAME, synthetic=True, note=NOTE)
    membership = LayerMembership.objects.create(
        layer=layer, service=entry.service, year=DRAFT_YEAR, tier="základní síť města", capacity=entry.capacity,
        capacity_type_id=entry.capacity_type_id, funder="Statutární město Brno", amount=AMOUNT, note=NOTE)
    return {"layer": layer.pk, "membership": membership.pk, "service": entry.service_id}
