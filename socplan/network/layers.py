"""Network layers: the kraj's network and the other networks a service belongs to (docs/network.md §12).

A service has a place in up to three kinds of network in a year:

* the **kraj's network** – the existing :class:`NetworkVersion` machinery (read here through
  ``selectors.current_version``; it is not duplicated);
* **MPSV's network** of services with national or supra-regional reach (Act 164/2024 Sb., from 2026);
* a **city's own network** (Brno runs one over the kraj's; the city funds its members).

The other two are :class:`NetworkLayer` rows with :class:`LayerMembership` per service and year (own tier,
capacity, funder and amount). Data entry is the kraj's staff (``region_admin``, ``region_officer``): the kraj
records MPSV's published network and the city's decision for the services of its territory. Writes go through
the functions below (atomic, permission-checked, history in the same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socplan.accounts.scope import require, restrict
from socplan.core.services import model_update

from . import selectors
from .models import LayerKind, LayerMembership, NetworkEntry, NetworkLayer

KRAJ = "kraj"
MEMBERSHIP_FIELDS = ("tier", "capacity", "capacity_type", "funder", "amount", "note")


def _audit(obj, actor, reason: str):
    obj._history_user = actor if getattr(actor, "pk", None) else None
    obj._change_reason = reason
    return obj


# --- writes -------------------------------------------------------------------------------------------------

@transaction.atomic
def network_layer_create(*, actor, region, kind: str, name: str, owner_municipality=None, note: str = "",
                         synthetic: bool = False) -> NetworkLayer:
    """Record another network (MPSV's or a municipality's) in the kraj."""
    layer = NetworkLayer(region=region, kind=kind, name=name, owner_municipality=owner_municipality, note=note,
                         synthetic=synthetic)
    require(actor, "change", layer)
    layer.full_clean()
    _audit(layer, actor, _("síť založena"))
    layer.save()
    return layer


@transaction.atomic
def layer_membership_add(*, actor, layer: NetworkLayer, service, year: int, tier: str, capacity: int = 0,
                         capacity_type=None, funder: str = "", amount: Decimal | None = None,
                         note: str = "") -> LayerMembership:
    """Put a service into a layer for a year (one membership per layer, service and year)."""
    layer = NetworkLayer.objects.select_for_update().get(pk=layer.pk)
    membership = LayerMembership(layer=layer, service=service, year=year, tier=tier, capacity=capacity,
                                 capacity_type=capacity_type, funder=funder, amount=amount, note=note)
    require(actor, "change", membership)
    membership.full_clean()
    _audit(membership, actor, _("služba zařazena do sítě"))
    membership.save()
    return membership


@transaction.atomic
def layer_membership_update(*, actor, membership: LayerMembership, data: dict,
                            expected_version: int | None = None) -> LayerMembership:
    """Change a membership's tier, capacity, funder, amount or note (optimistic locking by ``version``)."""
    membership = LayerMembership.objects.select_for_update().select_related("layer", "service").get(
        pk=membership.pk)
    require(actor, "change", membership)
    unknown = set(data) - set(MEMBERSHIP_FIELDS)
    if unknown:
        raise ValidationError(_("Tyto údaje členství nelze měnit: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    membership, _changed = model_update(instance=membership, data=data, actor=actor,
                                        expected_version=expected_version, reason=_("členství v síti změněno"))
    return membership


@transaction.atomic
def layer_membership_remove(*, actor, membership: LayerMembership, reason: str) -> None:
    """Take a service out of a layer (the history keeps the removed membership and the reason)."""
    membership = LayerMembership.objects.select_for_update().select_related("layer").get(pk=membership.pk)
    require(actor, "delete", membership)
    if not reason.strip():
        raise ValidationError({"reason": _("Uveďte důvod vyřazení ze sítě.")})
    _audit(membership, actor, reason.strip()[:100])
    membership.delete()


# --- reads --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerRow:
    """A service's place in one layer for a year."""

    kind: str  # "kraj", "mpsv", "city"
    layer: str
    owner: str
    tier: str
    capacity: int
    capacity_unit: str
    funder: str
    amount: Decimal | None  # None: the layer does not fund the service (the kraj's money is in finance)
    membership_id: int | None = None
    synthetic: bool = False


def _membership_row(m: LayerMembership) -> LayerRow:
    return LayerRow(kind=m.layer.kind, layer=m.layer.name, owner=m.layer.owner_label, tier=m.tier,
                    capacity=m.capacity, capacity_unit=m.capacity_type.unit if m.capacity_type_id else "",
                    funder=m.funder, amount=m.amount, membership_id=m.pk, synthetic=m.layer.synthetic)


def _memberships(user=None):
    qs = (LayerMembership.objects.select_related("layer__owner_municipality", "capacity_type", "service")
          .defer("layer__owner_municipality__boundary"))
    return restrict(qs, user, "view") if user is not None else qs


def service_layers(service, year: int, *, user=None) -> list[LayerRow]:
    """Every layer the service is in for the year: the kraj's network first (its current version, read through
    the network selectors), then the other layers by kind and name."""
    rows: list[LayerRow] = []
    if service.region_id:
        version = selectors.current_version(service.region, year, user=user)
        if version is not None:
            entries = NetworkEntry.objects.filter(network=version, service=service).select_related(
                "tier", "capacity_type").order_by("pk")
            if user is not None:
                entries = restrict(entries, user, "view")
            for e in entries:
                rows.append(LayerRow(kind=KRAJ, layer=str(version), owner=service.region.name, tier=e.tier.name,
                                     capacity=e.capacity,
                                     capacity_unit=e.capacity_type.unit if e.capacity_type_id else "",
                                     funder="", amount=None))
    others = _memberships(user).filter(service=service, year=year).order_by("layer__kind", "layer__name", "pk")
    rows.extend(_membership_row(m) for m in others)
    return rows


@dataclass(frozen=True)
class FundedMembership:
    """A funded membership of another layer, for finance (money outside the kraj's programme)."""

    membership_id: int
    service_id: int
    service: str
    provider_id: int
    year: int
    kind: str
    layer: str
    owner: str
    funder: str
    amount: Decimal
    synthetic: bool


def funded_memberships(*, region=None, year: int | None = None, years=None, service_ids=None,
                       provider=None, user=None) -> list[FundedMembership]:
    """Memberships of the other layers that carry money (amount set), filtered as asked."""
    qs = _memberships(user).filter(amount__isnull=False)
    if region is not None:
        qs = qs.filter(layer__region=region)
    if year is not None:
        qs = qs.filter(year=year)
    if years is not None:
        qs = qs.filter(year__in=list(years))
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    if provider is not None:
        qs = qs.filter(service__provider=provider)
    return [FundedMembership(m.pk, m.service_id, m.service.name, m.service.provider_id, m.year, m.layer.kind,
                             m.layer.name, m.layer.owner_label, m.funder, m.amount, m.layer.synthetic)
            for m in qs.order_by("year", "service__name", "layer__name", "pk")]


def layer_history(membership: LayerMembership, *, user) -> list:
    """The membership's recorded changes, newest first (who, when, why, values)."""
    require(user, "view", membership)
    return list(membership.history.select_related("history_user").order_by("-history_date", "-history_id"))


__all__ = ["KRAJ", "FundedMembership", "LayerKind", "LayerRow", "funded_memberships", "layer_history",
           "layer_membership_add", "layer_membership_remove", "layer_membership_update", "network_layer_create",
           "service_layers"]
