"""Reads for the registry pages and API, already restricted to what the user may see.

(The registry's `selectors.py` has the general reads with keyword filters; the pages need the list filter
of `filters.ServiceFilter` and what the list and detail show prefetched, so they use these functions.)

- `service_filterset(user=…, data=…)` / `service_list(user=…, filters=…)`: services the user may see,
  narrowed by the list filters (`filters.ServiceFilter`), with what the list shows prefetched;
- `service_detail(user=…, pk=…)`: one service with its forms, capacities, facilities, scope — 404 when the
  user may not see it;
- `private_visible(user, service)`: may the user read the service's staffing and economics (`view_private`
  on the private models, see `socplan.accounts.scope`);
- `service_years(user=…, service=…)`: staffing and economics by year (empty when not allowed);
- `provider_list` / `provider_detail`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.http import Http404

from socplan.accounts.scope import can, restrict

from .models import Capacity, Economics, Facility, Provider, Service, ServiceArea, ServiceForm, Staffing


def _service_qs():
    return Service.objects.select_related("provider", "kind", "region")


def list_prefetch(qs):
    """What a row of the service list shows: forms with capacities, declared scope."""
    return qs.prefetch_related(
        Prefetch("forms", queryset=ServiceForm.objects.select_related("form").order_by("form__order")),
        Prefetch("forms__capacities", queryset=Capacity.objects.select_related("capacity_type")
                 .order_by("capacity_type__order")),
        Prefetch("areas", queryset=ServiceArea.objects.select_related("orp", "municipality")
                 .order_by("-share", "orp__name", "municipality__name")),
    )


def visible_services(user):
    """Every service the user may see (the registry is public: anonymous users see all services)."""
    return restrict(_service_qs(), user, "view")


def service_filterset(*, user, data=None, request=None):
    """The list filter bound to `data` (a QueryDict or dict) over the services the user may see."""
    from .filters import ServiceFilter

    return ServiceFilter(data or None, queryset=visible_services(user), request=request)


def service_list(*, user, filters=None):
    """Services the user may see, narrowed by `filters` (the list filter's parameters, e.g. {"kind": "49"}).

    Invalid filter values are ignored (the filter form shows them as errors)."""
    return list_prefetch(service_filterset(user=user, data=filters).qs)


def service_detail(*, user, pk: int) -> Service:
    qs = list_prefetch(visible_services(user)).prefetch_related(
        Prefetch("facilities", queryset=Facility.objects.select_related("municipality", "municipality__orp")
                 .order_by("name", "pk")),
        "target_groups", "age_groups",
    )
    try:
        return qs.get(pk=pk)
    except Service.DoesNotExist:
        raise Http404


def private_visible(user, service: Service) -> bool:
    """Staffing and economics are private: the provider itself and regional staff read them."""
    return can(user, "view_private", Staffing(service=service)) and can(user, "view_private",
                                                                        Economics(service=service))


@dataclass
class YearData:
    year: int
    staffing: Staffing | None = None
    economics: Economics | None = None
    extra: dict = field(default_factory=dict)


def service_years(*, user, service: Service) -> list[YearData]:
    """Staffing and economics of the service by year, newest first; [] when the user may not read them."""
    from .selectors import economics_list, staffing_list

    staffing = staffing_list(user=user, service=service)
    economics = economics_list(user=user, service=service)
    years: dict[int, YearData] = {}
    for s in staffing:
        years.setdefault(s.year, YearData(s.year)).staffing = s
    for e in economics:
        years.setdefault(e.year, YearData(e.year)).economics = e
    return [years[y] for y in sorted(years, reverse=True)]


def provider_list(*, user, q: str = ""):
    qs = restrict(Provider.objects.all(), user, "view").annotate(n_services=Count("services", distinct=True))
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(name__icontains=q) | Q(ico__startswith=q.strip()))
    return qs.order_by("name")


def provider_detail(*, user, pk: int) -> Provider:
    try:
        return restrict(Provider.objects.all(), user, "view").get(pk=pk)
    except Provider.DoesNotExist:
        raise Http404


def provider_services(*, user, provider: Provider):
    return list_prefetch(visible_services(user).filter(provider=provider))
