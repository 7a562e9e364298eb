"""Reads of the network module, restricted to what the user may see when a user is given.

For other modules:

* ``network_rows(region, year)`` – rows for documents (service, provider, kind, form, ORP, capacity, FTE, tier);
* ``network_entries(region, year)`` – the entries for the finance module (with financing group and tier order).

Both read the *current* version of the year: the latest approved amendment, or – while nothing of the year is
approved – the latest draft (``version=`` picks another one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from socplan.accounts.scope import restrict
from socplan.notices import selectors as notices_selectors
from socplan.registry.models import (
    CapacityType,
    PlanningGroup,
    ServiceArea,
    ServiceForm,
    ServiceKind,
    ServiceTargetGroup,
)
from socplan.registry.selectors import service_capacities
from socplan.territory.models import Level, Orp, PopulationFigure, Region

from .adapters import (
    condition_params,
    entries_for_check,
    entry_facts,
    entry_territory_prefetch,
    orp_qs,
    service_scores,
)
from .engine.cofinancing import CofinancingRates, RateKey
from .engine.conditions import EntryCheck, check_entries
from .engine.diff import DiffRow, NetworkDiff, diff_versions
from .engine.totals import EntryRow, TotalRow, orp_weights, totals_compute
from .models import (
    OPEN_STATES,
    CofinancingDeclaration,
    DevelopmentRequest,
    DistrictComment,
    DistrictProposal,
    KindParameter,
    NetworkEntry,
    NetworkParameters,
    NetworkVersion,
    RequestState,
    Tier,
)

ZERO = Decimal(0)
BED_GROUPS = ("C", "D")


def _region(region) -> Region:
    if isinstance(region, Region):
        return region
    return Region.objects.defer("boundary").get(code=region)


# --- versions -----------------------------------------------------------------------------------------------

def versions(*, user=None, region=None, year: int | None = None):
    qs = NetworkVersion.objects.select_related("region", "approved_by", "publication").defer(
        "region__boundary").order_by("region__name", "-year", "-amendment")
    if region is not None:
        qs = qs.filter(region=_region(region))
    if year is not None:
        qs = qs.filter(year=year)
    return restrict(qs, user, "view") if user is not None else qs


def current_version(region, year: int, *, user=None) -> NetworkVersion | None:
    """The latest approved version of the year, else the latest version (a draft)."""
    qs = versions(user=user, region=region, year=year)
    approved = qs.filter(approved_at__isnull=False).order_by("-amendment").first()
    return approved or qs.order_by("-amendment").first()


def published_service_ids(year: int) -> set[int]:
    """Services in the current *published* network of `year` of every kraj (for the public catalogue)."""
    ids: set[int] = set()
    current: dict[int, NetworkVersion] = {}
    for v in NetworkVersion.objects.filter(year=year, publication__isnull=False).order_by("amendment"):
        current[v.region_id] = v  # the highest published amendment wins
    for v in current.values():
        ids.update(v.entries.values_list("service_id", flat=True))
    return ids


def years(region, *, user=None) -> list[dict]:
    """One row per year: its versions (newest first) and the current one."""
    out: dict[int, list] = defaultdict(list)
    for v in versions(user=user, region=region):
        out[v.year].append(v)
    rows = []
    for y in sorted(out, reverse=True):
        vs = sorted(out[y], key=lambda v: -v.amendment)
        current = next((v for v in vs if v.is_approved), vs[0])
        rows.append({"year": y, "versions": vs, "current": current})
    return rows


def _entries(version: NetworkVersion):
    return (version.entries.select_related(
        "service__provider", "service__kind", "form", "orp__district", "tier", "capacity_type", "request")
        .defer("orp__boundary", "orp__district__boundary")
        .prefetch_related(*entry_territory_prefetch()).order_by("service__name", "pk"))


# --- rows for documents and finance -------------------------------------------------------------------------

@dataclass(frozen=True)
class NetworkRow:
    entry_id: int
    service_id: int
    service: str
    identifier: str
    provider: str
    provider_ico: str
    kind_code: str
    kind: str
    form: str
    orp: str
    orps: tuple[str, ...]
    capacity: int
    capacity_unit: str
    fte: Decimal
    tier_code: str
    tier: str
    status: str
    entrusted_from: date | None
    entrusted_to: date | None


@dataclass(frozen=True)
class NetworkEntryRow:
    entry_id: int
    service_id: int
    provider_id: int
    kind_code: str
    category: str
    form_code: str | None  # the entry's form, else the service's main form
    forms: tuple[str, ...]  # every form of the service
    group: str  # financing group A–D
    capacity: int
    capacity_type: str | None
    fte: Decimal
    tier_code: str
    tier_order: int
    tier_funded: bool
    status: str
    orp_codes: tuple[str, ...]
    request_id: int | None = None


def _pick(region, year, version, user):
    region = _region(region)
    if version is None:
        version = current_version(region, year, user=user)
    elif user is not None and not restrict(NetworkVersion.objects.filter(pk=version.pk), user, "view").exists():
        return None
    return version


def network_rows(region, year: int, *, version: NetworkVersion | None = None, user=None) -> list[NetworkRow]:
    version = _pick(region, year, version, user)
    if version is None:
        return []
    qs = _entries(version)
    if user is not None:
        qs = restrict(qs, user, "view")
    rows = []
    for e in qs:
        s = e.service
        orps = tuple(sorted(o.name for o in e.orps.all()))
        rows.append(NetworkRow(
            entry_id=e.pk, service_id=s.pk, service=s.name, identifier=s.identifier or "",
            provider=s.provider.name, provider_ico=s.provider.ico, kind_code=s.kind.code, kind=s.kind.name,
            form=e.form.name if e.form_id else "", orp=e.orp.name if e.orp_id else ", ".join(orps), orps=orps,
            capacity=e.capacity, capacity_unit=e.capacity_type.unit if e.capacity_type_id else "",
            fte=e.fte, tier_code=e.tier.code, tier=e.tier.name, status=e.get_status_display(),
            entrusted_from=e.entrusted_from, entrusted_to=e.entrusted_to,
        ))
    return rows


def network_entries(region, year: int, *, version: NetworkVersion | None = None, user=None) -> list[NetworkEntryRow]:
    """Plain rows of the version's entries for the financing and availability engines.

    Read as value tuples in four queries, without model instances or the territory prefetch: the finance
    what-if reads it on every recomputation, and building ~7,000 model objects was most of its time.
    """
    version = _pick(region, year, version, user)
    if version is None:
        return []
    qs = version.entries.all()
    if user is not None:
        qs = restrict(qs, user, "view")
    rows = list(qs.order_by("service__name", "pk").values_list(
        "pk", "service_id", "service__provider_id", "service__kind_id", "form__code", "capacity_type__code",
        "capacity", "fte", "tier__code", "tier__order", "tier__funded", "status", "request_id"))
    forms: dict[int, list[str]] = defaultdict(list)
    for service_id, code in (ServiceForm.objects.filter(service_id__in=qs.values("service_id"))
                             .order_by("service_id", "form__order").values_list("service_id", "form__code")):
        forms[service_id].append(code)
    orps: dict[int, list[str]] = defaultdict(list)
    for entry_id, code in (NetworkEntry.orps.through.objects.filter(networkentry__network=version)
                           .values_list("networkentry_id", "orp__code")):
        orps[entry_id].append(code)
    kinds = {k.pk: k for k in ServiceKind.objects.filter(pk__in={r[3] for r in rows})}
    main_forms = {sid: c.form for sid, c in service_capacities({r[1] for r in rows}, version.year).items()}
    out = []
    for (entry_id, service_id, provider_id, kind_id, form_code, cap, capacity, fte, tier_code, tier_order,
         tier_funded, status, request_id) in rows:
        kind = kinds[kind_id]
        service_forms = tuple(forms[service_id])
        form = form_code or main_forms[service_id]
        out.append(NetworkEntryRow(
            entry_id=entry_id, service_id=service_id, provider_id=provider_id, kind_code=kind.code,
            category=kind.category, form_code=form, forms=service_forms,
            group=kind.group_for_form(form) if form else kind.financing_group, capacity=capacity,
            capacity_type=cap, fte=fte, tier_code=tier_code, tier_order=tier_order, tier_funded=tier_funded,
            status=status, orp_codes=tuple(sorted(orps[entry_id])), request_id=request_id,
        ))
    return out


# --- conditions ---------------------------------------------------------------------------------------------

def version_parameters(version: NetworkVersion) -> NetworkParameters | None:
    """The parameters a version is judged by: the edition it points at (an approved version keeps the one it was
    approved with), else the edition of its entries' tiers, else the newest of its kraj and year."""
    if version.parameters_id:
        return version.parameters
    used = Tier.objects.filter(entries__network=version).values("parameters_id")[:1]  # a version made without it
    return (NetworkParameters.objects.filter(pk__in=used).first()
            or NetworkParameters.objects.current().filter(region_id=version.region_id, year=version.year).first())


def check_version(version: NetworkVersion, *, scores: dict | None = None) -> list[EntryCheck]:
    entries = entries_for_check(version)
    params = condition_params(version.region, version.year, version_parameters(version))
    if scores is None:
        scores = service_scores(version.region.code, version.year)
    return check_entries(entry_facts(entries, version.year, scores), params)


def check_summary(checks: list[EntryCheck]) -> dict:
    by_condition: dict[str, dict] = {}
    for c in checks:
        for r in c.results:
            row = by_condition.setdefault(r.code, {"code": r.code, "name": r.name, "passed": 0, "failed": 0})
            row["passed" if r.passed else "failed"] += 1
    return {"entries": len(checks), "eligible": sum(1 for c in checks if c.eligible),
            "conditions": list(by_condition.values())}


# --- totals -------------------------------------------------------------------------------------------------

def _orp_weights(entries: list[NetworkEntry], orp_ids: dict[int, list[int]] | None = None,
                 ) -> dict[int, list[tuple[int, Decimal]]]:
    """Per entry, the ORPs it serves with weights summing to 1: its ORP (part), else its entrusted ORPs weighted
    by the service's declared shares of scope (equal weights when the shares are unknown). ``orp_ids``: the
    entrusted ORPs per entry pk when the entries are not model instances (in the ORPs' order, by name)."""
    entries = list(entries)
    if orp_ids is None:
        orp_ids = {e.pk: [o.pk for o in e.orps.all()] for e in entries if not e.orp_id}
    return orp_weights(entries, orp_ids, _scope_shares(ServiceArea.objects.filter(
        service_id__in={e.service_id for e in entries})))


def _scope_shares(areas) -> dict[int, dict[int, object]]:
    shares: dict[int, dict[int, object]] = defaultdict(dict)
    for sid, orp_id, share in areas.filter(orp__isnull=False).values_list("service_id", "orp_id", "share"):
        shares[sid][orp_id] = share
    return shares


def _population(level: str, codes) -> dict[str, int]:
    figures = PopulationFigure.objects.filter(level=level, unit_code__in=list(codes), band="total",
                                              is_estimate=False).order_by("unit_code", "-ref_date")
    out = {}
    for code, value in figures.values_list("unit_code", "value"):
        out.setdefault(code, value)
    return out


_UNSET = object()


def _total_entries(version: NetworkVersion) -> tuple[list[EntryRow], dict[int, list[int]], dict[int, set[str]]]:
    """The entries of a version as plain rows (one values() query, in the order of ``_entries``), their entrusted
    ORPs (by name, as the prefetch orders them) and their services' planning groups — no model instances: the
    version page reads hundreds of entries, and building them was most of its time."""
    rows = version.entries.order_by("service__name", "pk").values_list(
        "pk", "service_id", "orp_id", "fte", "capacity", "capacity_type_id", "capacity_type__code",
        "service__kind__code", "service__kind__paragraph", "service__kind__name", "tier__code", "tier__name")
    entries = [
        EntryRow(pk, sid, orp_id, fte, cap, ct_code if ct_id else "-", k_code,
                 f"§ {k_par} {k_name}" if k_par else k_name, t_code, t_name)
        for pk, sid, orp_id, fte, cap, ct_id, ct_code, k_code, k_par, k_name, t_code, t_name in rows]
    orp_ids: dict[int, list[int]] = defaultdict(list)
    for entry_id, orp_id in (NetworkEntry.orps.through.objects.filter(networkentry__network=version)
                             .order_by("orp__name", "orp_id").values_list("networkentry_id", "orp_id")):
        orp_ids[entry_id].append(orp_id)
    groups: dict[int, set[str]] = defaultdict(set)
    services = version.entries.values("service_id")  # a subquery, not hundreds of parameters
    for sid, group in (ServiceTargetGroup.objects.filter(service_id__in=services)
                       .values_list("service_id", "target_group__planning_group")):
        if group:
            groups[sid].add(group)
    return entries, orp_ids, groups


def network_totals(version: NetworkVersion, *, parameters=_UNSET) -> dict:
    """Totals of a version by kind, tier, ORP, district and target group (see docs/network.md for weights; the
    arithmetic is `engine.totals.totals_compute`). `parameters`: the version's `version_parameters`, when the
    caller has read them already."""
    entries, orp_ids, groups_of = _total_entries(version)
    shares = _scope_shares(ServiceArea.objects.filter(service_id__in=version.entries.values("service_id")))
    weights = orp_weights(entries, orp_ids, shares)
    orps = {pk: (code, name, d_code, d_name) for pk, code, name, d_code, d_name in Orp.objects.filter(
        region=version.region_id).values_list("pk", "code", "name", "district__code", "district__name")}
    labels: dict[str, str] = {}

    def group_label(g: str) -> str:
        if g not in labels:
            labels[g] = str(PlanningGroup(g).label)
        return labels[g]

    out = totals_compute(entries, weights, groups_of, orps, group_label)
    by_orp, by_district = out["by_orp"], out["by_district"]
    pop_orp = _population(Level.ORP, by_orp)
    for code, row in by_orp.items():
        row.population = pop_orp.get(code)
    pop_d = _population(Level.DISTRICT, by_district)
    for code, row in by_district.items():
        row.population = pop_d.get(code)
    if parameters is _UNSET:
        parameters = version_parameters(version)
    order = {t.code: t.order for t in Tier.objects.filter(parameters=parameters)}
    return {
        "total": out["total"],
        "units": out["units"],
        "by_kind": sorted(out["by_kind"].values(), key=lambda r: _kind_order(r.key)),
        "by_tier": sorted(out["by_tier"].values(), key=lambda r: (order.get(r.key, 99), r.key)),
        "by_orp": sorted(by_orp.values(), key=lambda r: r.label),
        "by_district": sorted(by_district.values(), key=lambda r: r.label),
        "by_group": sorted(out["by_group"].values(), key=lambda r: r.key),
    }


def _kind_order(code: str):
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 999, code)


# --- diff ---------------------------------------------------------------------------------------------------

def diff_rows(version: NetworkVersion) -> list[DiffRow]:
    rows = []
    for e in _entries(version):
        label = e.service.name
        if e.form_id:
            label += f" – {e.form.name}"
        if e.orp_id:
            label += f" – ORP {e.orp.name}"
        rows.append(DiffRow(
            key=(e.service_id, e.form_id, e.orp_id), label=label, tier=e.tier.code, capacity=e.capacity,
            capacity_unit=e.capacity_type.code if e.capacity_type_id else "-", fte=e.fte,
            info={"tier_name": e.tier.name, "kind": e.service.kind.code, "provider": e.service.provider.name,
                  "service_id": str(e.service_id), "unit_label": e.capacity_type.unit if e.capacity_type_id else ""},
        ))
    return rows


def version_diff(old: NetworkVersion, new: NetworkVersion) -> NetworkDiff:
    return diff_versions(diff_rows(old), diff_rows(new))


def service_history(service, *, user=None):
    """Every version the service appears in (oldest first), with its entry there."""
    qs = (NetworkEntry.objects.filter(service=service)
          .select_related("network__region", "network__publication", "tier", "form", "orp", "capacity_type")
          .defer("network__region__boundary", "orp__boundary")
          .order_by("network__year", "network__amendment", "pk"))
    if user is not None:
        qs = restrict(qs, user, "view")
    return list(qs)


# --- development requests and declarations ------------------------------------------------------------------

def requests(*, user, region=None, year: int | None = None, state: str | None = None, orp=None):
    qs = DevelopmentRequest.objects.select_related("orp__district", "kind", "form", "provider", "service",
                                                   "decision_tier", "region").defer(
        "orp__boundary", "orp__district__boundary", "region__boundary")
    if region is not None:
        qs = qs.filter(region=_region(region))
    if year is not None:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if orp is not None:
        qs = qs.filter(orp=orp)
    return restrict(qs, user, "view")


def declarations(*, user, region=None, year: int | None = None, municipality=None, service=None):
    qs = CofinancingDeclaration.objects.select_related("municipality__orp", "service__provider", "request", "region") \
        .defer("municipality__boundary", "municipality__orp__boundary", "region__boundary")
    if region is not None:
        qs = qs.filter(region=_region(region))
    if year is not None:
        qs = qs.filter(year=year)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if service is not None:
        qs = qs.filter(service=service)
    return restrict(qs, user, "view")


def municipality_commitments(municipality, *, user) -> list[dict]:
    """A municipality's commitments by year: [{year, total, declarations}] (newest first)."""
    by_year: dict[int, list] = defaultdict(list)
    for d in declarations(user=user, municipality=municipality).order_by("-year", "service__name"):
        by_year[d.year].append(d)
    return [{"year": y, "total": sum((d.amount for d in ds), ZERO), "declarations": ds}
            for y, ds in sorted(by_year.items(), reverse=True)]


def visible_entry_ids(entry_ids, *, user) -> set[int]:
    """Those of ``entry_ids`` the user may see by the entries' own scope (a provider its own services' entries,
    also in a version it cannot open; territorial roles of the kraj every entry)."""
    return set(restrict(NetworkEntry.objects.filter(pk__in=list(entry_ids)), user, "view").values_list("pk", flat=True))


def cofinancing_rates(region, year: int, *, version: NetworkVersion | None = None) -> CofinancingRates:
    """The municipal co-financing rates of the kraj's year (per cent), for the finance module's rule.

    Category defaults from the year's settings, per-kind rows (kind, kind + form, kind + tier, all three) from its
    kind parameters; a year without settings has the settings' defaults. Lookup order: ``engine.cofinancing``.
    ``version`` – the rates of the settings that version is judged by (``version_parameters``: an approved version
    keeps the edition it was approved with); otherwise the newest edition.
    """
    region = _region(region)
    p = ((version_parameters(version) if version is not None else None)
         or NetworkParameters.objects.current().filter(region=region, year=year).first()
         or NetworkParameters(region=region, year=year))
    by_kind = {}
    if p.pk is not None:
        for kind, form, tier, rate in (KindParameter.objects.filter(parameters=p, cofinancing_rate__isnull=False)
                                       .values_list("kind__code", "form__code", "tier__code", "cofinancing_rate")):
            by_kind[RateKey(kind, form, tier)] = rate
    return CofinancingRates(
        region_code=region.code, year=year, by_kind=by_kind,
        by_category={"prevence": p.cofinancing_rate_prevention, "poradenstvi": p.cofinancing_rate_counselling,
                     "pece": p.cofinancing_rate_care},
        general=p.cofinancing_rate)


# --- district negotiation -----------------------------------------------------------------------------------

def district_view(district, year: int, *, user) -> dict:
    version = current_version(district.region, year, user=user)
    draft = versions(user=user, region=district.region, year=year).filter(approved_at__isnull=True).first()
    shown = draft or version
    orps = list(orp_qs().filter(district=district).order_by("name"))
    table = {}
    kinds = set()
    if shown is not None:
        entries = list(_entries(shown).filter(Q(orp__district=district) | Q(orps__district=district)).distinct())
        weights = _orp_weights(entries)
        for e in entries:
            for orp_id, w in weights[e.pk]:
                if orp_id not in {o.pk for o in orps}:
                    continue
                key = (orp_id, e.service.kind.code)
                kinds.add((e.service.kind.code, str(e.service.kind)))
                table.setdefault(key, TotalRow(key, str(e.service.kind))).add(e, w)
    pop = _population(Level.ORP, [o.code for o in orps])
    kinds = sorted(kinds, key=lambda k: _kind_order(k[0]))
    rows = []
    for o in orps:
        cells = [table.get((o.pk, k)) for k, _label in kinds]
        for cell in cells:
            if cell is not None:
                cell.population = pop.get(o.code)
        rows.append({"orp": o, "population": pop.get(o.code), "cells": cells})
    open_requests = requests(user=user, region=district.region, year=year).filter(
        orp__district=district, state__in=OPEN_STATES)
    decls = declarations(user=user, region=district.region, year=year).filter(municipality__district=district)
    return {
        "version": shown, "orps": orps, "kinds": kinds, "rows": rows,
        "unit_labels": dict(CapacityType.objects.values_list("code", "unit")),
        "requests": open_requests, "declarations": decls,
        "declared_total": sum((d.amount for d in decls), ZERO),
        "comments": restrict(DistrictComment.objects.filter(district=district, year=year)
                             .select_related("author"), user, "view"),
        "proposals": restrict(DistrictProposal.objects.filter(district=district, year=year)
                              .select_related("author", "decided_by"), user, "view"),
    }


def notifications_for(user, *, unread_only: bool = False):
    """The user's own notifications (kept by `socplan.notices`, shared by every module)."""
    return notices_selectors.notifications_for(user, unread_only=unread_only)


def tiers(region, year: int):
    return Tier.objects.filter(parameters__in=NetworkParameters.objects.current().filter(
        region=_region(region), year=year)).order_by("order", "code")


# --- development requests for the modules above (plan documents, measure pages) -----------------------------

@dataclass(frozen=True)
class RequestRow:
    """A development request as other modules show it."""

    request_id: int
    title: str
    year: int
    state: str
    state_label: str
    orp: str
    provider: str
    kind: str
    capacity: int
    capacity_unit: str
    fte: Decimal
    expected_cost: Decimal
    measure_id: int | None
    measure_code: str
    action_plan_id: int | None


def _request_rows(qs) -> list[RequestRow]:
    qs = qs.select_related("orp", "provider", "kind", "capacity_type", "measure").defer(
        "orp__boundary")
    return [RequestRow(
        request_id=r.pk, title=r.title, year=r.year, state=r.state, state_label=r.get_state_display(),
        orp=r.orp.name, provider=r.provider.name if r.provider_id else "", kind=str(r.kind),
        capacity=r.capacity, capacity_unit=r.capacity_type.unit if r.capacity_type_id else "", fte=r.fte,
        expected_cost=r.expected_cost, measure_id=r.measure_id, measure_code=r.measure.code if r.measure_id else "",
        action_plan_id=r.action_plan_id,
    ) for r in qs]


def requests_for_measure(measure, *, user) -> list[RequestRow]:
    """The development requests that name a community-plan measure (what `user` may see), oldest year first."""
    qs = restrict(DevelopmentRequest.objects.filter(measure=measure), user, "view")
    return _request_rows(qs.order_by("year", "title", "pk"))


def admitted_requests(region, year: int, orp=None) -> list[RequestRow]:
    """The requests admitted to the network of `year` (only the ORP's when `orp` is given), for plan documents."""
    qs = DevelopmentRequest.objects.filter(region=_region(region), year=year, state=RequestState.ADMITTED)
    if orp is not None:
        qs = qs.filter(orp=orp)
    return _request_rows(qs.order_by("orp__name", "title", "pk"))
