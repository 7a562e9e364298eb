"""From a community-plan measure to the money: the development requests made for it, the network entries they
became, the optimal support and the allocated amount, the provider's reports and the settlement.

Finance sits above planning and network in the order of apps, so it is the one place that may follow the whole
chain; it shows the result on the measure's page as a panel (socplan.core.panels). Every step is read from the
owner of the fact (network entries and requests from network selectors, amounts from stored allocation rows,
reports and settlements from finance) and restricted to what the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from socplan.accounts.scope import restrict
from socplan.core.czech import capacity_unit
from socplan.network.models import NetworkEntry
from socplan.network.selectors import requests as network_requests

from .models import ProviderBudget, Settlement
from .selectors import allocation_rows_in_force


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class EntryTrace:
    entry: Link
    version: Link
    capacity: int
    capacity_unit: str
    approved: bool


@dataclass(frozen=True)
class RequestTrace:
    request: Link
    year: int
    state: str
    admitted: bool
    requested_capacity: int
    capacity_unit: str
    entries: tuple[EntryTrace, ...]
    optimal_support: Decimal | None
    allocated: Decimal | None
    allocation: Link | None
    support: Link | None
    reports: tuple[tuple[Link, str], ...]
    settlement: Link | None
    overcompensation: Decimal | None


@dataclass(frozen=True)
class MeasureTrace:
    rows: tuple[RequestTrace, ...]

    @property
    def requested(self) -> int:
        return len(self.rows)

    @property
    def admitted(self) -> int:
        return sum(1 for r in self.rows if r.admitted)

    @property
    def any_allocated(self) -> bool:
        return any(r.allocated is not None for r in self.rows)

    @property
    def allocated_total(self) -> Decimal:
        return sum((r.allocated for r in self.rows if r.allocated is not None), Decimal(0))


def _unit(capacity_type, count: int = 0) -> str:
    if capacity_type is None:
        return ""
    return capacity_unit(count, capacity_type.code, capacity_type.unit or capacity_type.name)


def measure_trace(measure, *, user) -> MeasureTrace:
    reqs = list(network_requests(user=user).filter(measure=measure).select_related("capacity_type")
                .order_by("year", "title", "pk"))
    entries: dict[int, list[NetworkEntry]] = {}
    for e in (restrict(NetworkEntry.objects.filter(request__in=reqs), user, "view")
              .select_related("network", "capacity_type", "service").order_by("network__year", "network_id", "pk")):
        entries.setdefault(e.request_id, []).append(e)
    rows = []
    for r in reqs:
        sid, year = r.service_id, r.year
        alloc = allocation_rows_in_force(sid, year, user=user).first() if sid is not None else None
        reports = ()
        settlement = None
        if sid is not None:
            reports = tuple(
                (Link(f"{b.get_term_display()} {b.year}", reverse("finance:budget_detail", args=[b.pk])),
                 b.get_state_display())
                for b in restrict(ProviderBudget.objects.filter(service_id=sid, year=year), user, "view")
                .order_by("term", "pk"))
            settlement = restrict(Settlement.objects.filter(service_id=sid, year=year), user, "view").first()
        rows.append(RequestTrace(
            request=Link(r.title, reverse("network:request", args=[r.pk])),
            year=year, state=r.get_state_display(), admitted=r.state == "admitted",
            requested_capacity=r.capacity, capacity_unit=_unit(r.capacity_type, r.capacity),
            entries=tuple(EntryTrace(
                entry=Link(_("položka sítě: %(service)s") % {"service": e.service.name},
                           reverse("network:entry", args=[e.pk])),
                version=Link(str(e.network), reverse("network:version", args=[e.network_id])),
                capacity=e.capacity, capacity_unit=_unit(e.capacity_type, e.capacity),
                approved=e.network.is_approved)
                for e in entries.get(r.pk, [])),
            optimal_support=alloc.optimal_support if alloc else None,
            allocated=alloc.allocated if alloc else None,
            allocation=Link(str(alloc.run), reverse("finance:allocation_detail", args=[alloc.run_id])) if alloc else None,
            support=Link(str(year), reverse("finance:support_detail", args=[r.region.code, year, alloc.key if alloc
                                                                            else str(sid)]))
            if sid is not None and r.state == "admitted" else None,
            reports=reports,
            settlement=Link(str(settlement.year), reverse("finance:settlement_detail", args=[sid, year]))
            if settlement else None,
            overcompensation=settlement.overcompensation if settlement else None,
        ))
    return MeasureTrace(tuple(rows))


def measure_panel_context(request, measure) -> dict | None:
    trace = measure_trace(measure, user=request.user)
    if not trace.rows:
        return None
    return {"trace": trace, "measure": measure}


@dataclass(frozen=True)
class ServiceYearLinks:
    """Where one service's year lives in each module: network entries, support, allocation, reports, settlement."""

    entries: tuple[Link, ...]
    support: Link | None
    allocation: Link | None
    allocated: Decimal | None
    reports: tuple[tuple[Link, str], ...]
    settlement: Link | None


def service_year_links(service, year: int, *, user) -> ServiceYearLinks:
    entries = tuple(
        Link(f"{e.network.label} – {e.capacity} {_unit(e.capacity_type, e.capacity)}".strip(),
             reverse("network:entry", args=[e.pk]))
        for e in restrict(NetworkEntry.objects.filter(service=service, network__year=year), user, "view")
        .select_related("network", "capacity_type").order_by("-network__created_at", "-pk")[:5])
    alloc = allocation_rows_in_force(service.pk, year, user=user).first()
    key = alloc.key if alloc is not None else str(service.pk)
    support = Link(str(year), reverse("finance:support_detail", args=[service.region.code, year, key])) \
        if service.region_id else None
    reports = tuple(
        (Link(f"{b.get_term_display()} {b.year}", reverse("finance:budget_detail", args=[b.pk])), b.get_state_display())
        for b in restrict(ProviderBudget.objects.filter(service=service, year=year), user, "view").order_by("term"))
    settlement = restrict(Settlement.objects.filter(service=service, year=year), user, "view").first()
    return ServiceYearLinks(
        entries=entries, support=support,
        allocation=Link(str(alloc.run), reverse("finance:allocation_detail", args=[alloc.run_id])) if alloc else None,
        allocated=alloc.allocated if alloc else None, reports=reports,
        settlement=Link(str(year), reverse("finance:settlement_detail", args=[service.pk, year])) if settlement else None)


def entry_panel_context(request, entry) -> dict | None:
    links = service_year_links(entry.service, entry.network.year, user=request.user)
    return {"links": links, "year": entry.network.year}
