"""Choices of the service and provider pickers, labelled with what people search by, in Czech order:

- a service: "Název – poskytovatel, § 49, ORP Blansko, 1234567" (name, provider, paragraph of its kind, the ORPs
  of its declared scope or facilities, its registry identifier) — 548 services, many with the same name;
- a provider: "Název (IČO 12345678)".

Used with `socplan.core.widgets.SearchableSelect`: a plain select without JavaScript, searchable with it.
"""

from __future__ import annotations

from django.db.models import Prefetch

from socplan.core.czech import sort_key

from .models import Facility, Provider, Service, ServiceArea

MAX_ORPS = 3


def service_label(service: Service) -> str:
    orps = []
    for a in service.areas.all():
        name = a.orp.name if a.orp_id else a.municipality.orp.name if a.municipality_id else ""
        if name and name not in orps:
            orps.append(name)
    for f in service.facilities.all():
        name = f.municipality.orp.name if f.municipality_id else ""
        if name and name not in orps:
            orps.append(name)
    parts = [service.provider.name]
    if service.kind.paragraph:
        parts.append(f"§ {service.kind.paragraph}")
    if orps:
        parts.append("ORP " + ", ".join(orps[:MAX_ORPS]) + ("…" if len(orps) > MAX_ORPS else ""))
    if service.identifier:
        parts.append(service.identifier)
    return f"{service.name} – " + ", ".join(parts)


def service_choices(queryset) -> list[tuple[str, str]]:
    """[(pk, label)] of the services of `queryset` in Czech order of their labels."""
    qs = queryset.select_related("provider", "kind").prefetch_related(
        Prefetch("areas", queryset=ServiceArea.objects.select_related("orp", "municipality__orp")),
        Prefetch("facilities", queryset=Facility.objects.select_related("municipality__orp")))
    return sorted(((str(s.pk), service_label(s)) for s in qs), key=lambda c: sort_key(c[1]))


def provider_label(provider: Provider) -> str:
    return f"{provider.name} (IČO {provider.ico})" if provider.ico else provider.name
