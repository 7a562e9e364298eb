"""Reads for the registry, already restricted to what the user may see (`socplan.accounts.scope.restrict`).

Non-private data (providers, services, forms, capacities, facilities, scope) are public registry data;
staffing and economics are private: only the provider itself and regional staff see them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from .models import (
    Capacity,
    Economics,
    Facility,
    Provider,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceYearCapacity,
    Staffing,
)


def _restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    from socplan.accounts.scope import restrict  # lazily: accounts imports registry models in places

    return restrict(queryset, user, action)


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


# --- capacity and main form of a service in a year ----------------------------------------------------------
#
# One owner for "how big is this service in year Y and in which form": evaluation, planning, network, finance
# and availability all read `service_capacities` / `service_capacity`; none of them has its own rule.

FORM_ORDER = ("amb", "ter", "pob")
RESIDENTIAL = "pob"
BEDS = "luzka"
CLIENTS = "klient"
SOURCE_REGISTRY = "registry"
SOURCE_NETWORK = "network"


@dataclass(frozen=True)
class ServiceCapacity:
    """The capacity of a service in a year, in the unit of its main form.

    ``form``: main form code ("amb" / "ter" / "pob"), None when the service has no form.
    ``capacity_type``: the unit (a ``CapacityType`` code) of the main form (:func:`main_unit`); None when the
    main form registers nothing, then ``capacity`` is 0.
    ``capacity``: the service's registered count in that unit, summed over all its forms (a home care service
    registered for 30 clients in the field and 10 in the day centre has 40 clients; beds are registered in the
    residential form only, so a residential service's capacity is its beds).
    ``source``: "network" when the kraj's network stated the figure for the year (``ServiceYearCapacity``),
    else "registry" (the registered capacity, :func:`main_form` and :func:`main_unit`). ``ref`` says which
    network version stated it ("" for the registry)."""

    service_id: int
    year: int
    form: str | None
    capacity: int
    capacity_type: str | None
    source: str
    ref: str = ""


def main_form(form_codes: Iterable[str], has_beds: bool) -> str | None:
    """The main form of a service with `form_codes`: one form → that form; a service with registered beds
    (in any form) and a residential form → residential; else the first non-residential form in the order
    ambulantní, terénní. Unknown codes are ignored; no known form → None."""
    codes = [c for c in FORM_ORDER if c in set(form_codes)]
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0]
    if has_beds and RESIDENTIAL in codes:
        return RESIDENTIAL
    return next(c for c in codes if c != RESIDENTIAL)


def main_unit(form: str | None, counts: dict[str, int], type_order: dict[str, int]) -> str | None:
    """The unit in which a service's main `form` is counted, from that form's registered `counts`
    (capacity type code → count): beds for the residential form, else clients, else the first type in the
    code list's order; None when the form registers nothing."""
    if not counts:
        return None
    if form == RESIDENTIAL and BEDS in counts:
        return BEDS
    if CLIENTS in counts:
        return CLIENTS
    return min(counts, key=lambda t: (type_order.get(t, 1 << 15), t))


def _registry_capacities(ids: list[int] | None, year: int, region=None) -> dict[int, ServiceCapacity]:
    if ids is not None and region is None:
        sids = list(dict.fromkeys(ids))  # the caller's services: no query for them
        within = sids
    else:
        services = Service.objects.all()
        if ids is not None:
            services = services.filter(pk__in=ids)
        if region is not None:
            services = services.filter(region=region)
        sids = list(services.order_by("pk").values_list("pk", flat=True))
        within = services.values("pk")  # a subquery, not thousands of parameters
    if not sids:
        return {}
    forms: dict[int, set[str]] = defaultdict(set)
    for sid, code in ServiceForm.objects.filter(service_id__in=within).values_list("service_id", "form__code"):
        forms[sid].add(code)
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    order: dict[str, int] = {}
    beds: set[int] = set()
    for sid, fcode, ctype, n, rank in Capacity.objects.filter(service_form__service_id__in=within).values_list(
            "service_form__service_id", "service_form__form__code", "capacity_type__code", "count",
            "capacity_type__order"):
        counts[(sid, fcode)][ctype] = counts[(sid, fcode)].get(ctype, 0) + n
        order[ctype] = rank
        if ctype == BEDS:
            beds.add(sid)
    out = {}
    for sid in sids:
        have = forms.get(sid, ())
        form = main_form(have, sid in beds)
        unit = main_unit(form, counts.get((sid, form), {}), order) if form else None
        total = sum(counts.get((sid, f), {}).get(unit, 0) for f in have) if unit else 0
        out[sid] = ServiceCapacity(sid, int(year), form, total, unit, SOURCE_REGISTRY)
    return out


def service_capacities(service_ids: Iterable[int] | None, year: int, *, region=None,
                       registry_only: bool = False) -> dict[int, ServiceCapacity]:
    """{service pk: ServiceCapacity} of `service_ids` (None = every service; `region` limits to the kraj's
    services, `Service.region`) in `year`, in three queries (four with `region` or without `service_ids`).
    Given `service_ids` without `region` are taken as they are (an unknown pk gets a row without a form).

    The figure the kraj's network stated for the year (``ServiceYearCapacity``, source "network") wins;
    otherwise the registry rule (source "registry"). ``registry_only=True`` ignores the network figures
    (used to check that a network figure is in the registry's unit)."""
    ids = None if service_ids is None else [int(i) for i in service_ids]
    out = _registry_capacities(ids, year, region)
    if registry_only or not out:
        return out
    stated = ServiceYearCapacity.objects.filter(year=year)
    if ids is not None:
        stated = stated.filter(service_id__in=list(out))
    elif region is not None:
        stated = stated.filter(service__region=region)
    stated = stated.values_list(
        "service_id", "form__code", "capacity_type__code", "count", "ref")
    for sid, form, ctype, count, ref in stated:
        if sid in out:
            out[sid] = ServiceCapacity(sid, int(year), form, count, ctype, SOURCE_NETWORK, ref)
    return out


def service_capacity(service: Service | int, year: int) -> ServiceCapacity:
    """The capacity of one service in `year` (see :func:`service_capacities`)."""
    if isinstance(service, int):
        service = Service.objects.only("pk").get(pk=service)  # DoesNotExist for an unknown pk
    return service_capacities([service.pk], year)[service.pk]


# --- the code lists of a year (the law as dated data, docs/legislation.md) ---------------------------------
#
# The only readers of "which kinds / forms / capacity units / target groups exist in year Y": a page or a
# computation of a year lists what these return, never ``ServiceKind.objects.all()``.

def _valid_in_q(year: int) -> Q:
    import datetime

    return ((Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31)))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1))))


def kinds_valid_in(year: int) -> QuerySet:
    """The kinds of social services in force on at least one day of `year` (ordered as the Act)."""
    from .models import ServiceKind

    return ServiceKind.objects.filter(_valid_in_q(year)).order_by("order", "code")


def forms_valid_in(year: int) -> QuerySet:
    from .models import DeliveryForm

    return DeliveryForm.objects.filter(_valid_in_q(year)).order_by("order", "code")


def capacity_types_valid_in(year: int) -> QuerySet:
    from .models import CapacityType

    return CapacityType.objects.filter(_valid_in_q(year)).order_by("order", "code")


def target_groups_valid_in(year: int) -> QuerySet:
    from .models import TargetGroup

    return TargetGroup.objects.filter(_valid_in_q(year)).order_by("order", "name")


@dataclass(frozen=True)
class RetiredKind:
    """A kind no longer in force in a year: its last day and the kind that replaces it (if any)."""

    kind_id: int
    code: str
    label: str
    valid_to: object  # datetime.date
    successor_id: int | None
    successor_code: str
    successor_label: str
    legal_basis: str


def retired_kinds_in(year: int) -> dict[int, RetiredKind]:
    """Kinds whose validity ended before 1 January of `year` (kind id → :class:`RetiredKind`): services of
    these kinds in the year's network are flagged with the successor."""
    import datetime

    from .models import ServiceKind

    out = {}
    for k in (ServiceKind.objects.filter(valid_to__lt=datetime.date(year, 1, 1)).select_related("successor")
              .order_by("order", "code")):
        s = k.successor
        out[k.pk] = RetiredKind(kind_id=k.pk, code=k.code, label=str(k), valid_to=k.valid_to,
                                successor_id=s.pk if s else None, successor_code=s.code if s else "",
                                successor_label=str(s) if s else "", legal_basis=k.legal_basis)
    return out


def _entries_of(model, code_list: str, key, attrs) -> list:
    from .dated import Entry

    out = []
    for obj in model:
        successor = getattr(obj, "successor", None)
        out.append(Entry(code_list=code_list, key=key(obj), label=str(obj), valid_from=obj.valid_from,
                         valid_to=obj.valid_to, legal_basis=obj.legal_basis,
                         successor=successor.code if successor else "",
                         successor_label=str(successor) if successor else "", attrs=tuple(attrs(obj))))
    return out


def codelist_entries() -> list:
    """Every entry of the four dated code lists (any validity) as framework-free ``dated.Entry`` rows."""
    from django.utils.translation import gettext as _

    from . import dated
    from .models import CapacityType, DeliveryForm, ServiceKind, TargetGroup

    kinds = ServiceKind.objects.select_related("successor").prefetch_related("allowed_forms")
    return (
        _entries_of(kinds, dated.LIST_KIND, lambda k: k.code, lambda k: [
            (_("kategorie"), str(k.get_category_display())),
            (_("přípustné formy"), ", ".join(f.name for f in k.allowed_forms.all())),
            (_("skupina financování"), k.financing_group + (
                " / " + _("pobytová %(group)s") % {"group": k.financing_group_residential}
                if k.financing_group_residential else "")),
        ])
        + _entries_of(DeliveryForm.objects.all(), dated.LIST_FORM, lambda f: f.code, lambda f: [])
        + _entries_of(CapacityType.objects.all(), dated.LIST_CAPACITY_TYPE, lambda c: c.code,
                      lambda c: [(_("jednotka"), c.unit)])
        + _entries_of(TargetGroup.objects.all(), dated.LIST_TARGET_GROUP, lambda g: str(g.pk), lambda g: [])
    )


def codelist_snapshot(year: int, rules=()):
    """The code lists of `year` (plus the caller's year-bound rules) as a ``dated.Snapshot``."""
    from .dated import Snapshot

    return Snapshot.of(year, codelist_entries(), rules)


def services_of_kinds(kind_codes: Iterable[str], year: int, *, user,
                      region=None) -> dict[str, list[tuple[int, str]]]:
    """Registered services (that `user` may see, of `region` when given) of the kinds, active on some day of
    `year`: kind code → [(service id, name)]."""
    import datetime

    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    qs = Service.objects.filter(kind__code__in=list(kind_codes))
    if region is not None:
        qs = qs.filter(region=region)
    qs = (_restrict(qs, user)
          .exclude(valid_from__gt=datetime.date(year, 12, 31)).exclude(valid_to__lt=datetime.date(year, 1, 1))
          .order_by("name", "pk").values_list("kind__code", "pk", "name"))
    for code, pk, name in qs:
        out[code].append((pk, name))
    return out
