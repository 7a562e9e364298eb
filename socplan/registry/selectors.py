"""Reads for the registry, already restricted to what the user may see (`socplan.accounts.scope.restrict`).

Non-private data (providers, services, forms, capacities, facilities, scope) are public registry data;
staffing and economics are private: only the provider itself and regional staff see them.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .models import (
    Capacity,
    Economics,
    Facility,
    Provider,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceKind,
    Staffing,
)


def _restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    from socplan.accounts.scope import restrict  # lazily: accounts imports registry models in places

    return restrict(queryset, user, action)


def kind_list() -> QuerySet:
    """Code list of kinds (public, not scoped)."""
    return ServiceKind.objects.prefetch_related("allowed_forms").order_by("order")


def provider_list(*, user, search: str = "") -> QuerySet:
    qs = Provider.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(ico__startswith=search))
    return _restrict(qs, user).order_by("name")


def service_list(*, user, region=None, kind=None, orp=None, active_on=None, search: str = "") -> QuerySet:
    qs = Service.objects.select_related("provider", "kind", "region")
    if region is not None:
        qs = qs.filter(region=region)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if orp is not None:
        qs = qs.filter(pk__in=ServiceArea.objects.filter(orp=orp).values("service_id"))
    if active_on is not None:
        qs = qs.exclude(valid_from__gt=active_on).exclude(valid_to__lt=active_on)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(identifier=search) | Q(provider__ico=search))
    return _restrict(qs, user).order_by("name", "pk")


def service_detail(*, user, pk) -> Service:
    """One service with its forms, capacities, facilities and scope (404-style DoesNotExist if not visible)."""
    qs = Service.objects.select_related("provider", "kind", "region").prefetch_related(
        Prefetch("forms", queryset=ServiceForm.objects.select_related("form").prefetch_related(
            Prefetch("capacities", queryset=Capacity.objects.select_related("capacity_type")))),
        Prefetch("facilities", queryset=Facility.objects.select_related("municipality")),
        Prefetch("areas", queryset=ServiceArea.objects.select_related("orp", "municipality")),
        "target_groups", "age_groups",
    )
    return _restrict(qs, user).get(pk=pk)


def facility_list(*, user, service=None, region=None) -> QuerySet:
    qs = Facility.objects.select_related("service", "municipality")
    if service is not None:
        qs = qs.filter(service=service)
    if region is not None:
        qs = qs.filter(service__region=region)
    return _restrict(qs, user)


def staffing_list(*, user, service=None, year=None) -> QuerySet:
    qs = Staffing.objects.select_related("service")
    if service is not None:
        qs = qs.filter(service=service)
    if year is not None:
        qs = qs.filter(year=year)
    return _restrict(qs, user, "view_private")


def economics_list(*, user, service=None, year=None) -> QuerySet:
    qs = Economics.objects.select_related("service")
    if service is not None:
        qs = qs.filter(service=service)
    if year is not None:
        qs = qs.filter(year=year)
    return _restrict(qs, user, "view_private")
