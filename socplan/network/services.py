"""Writes of the network module: one keyword-only function per domain action, each atomic, checked against the
permission layer, audited (django-simple-history, with the actor and a reason) and – where someone has to act
next – creating its notifications in the same transaction.

Who may do what (see docs/network.md; the decisions follow ``socplan.accounts.decisions.DECISION_TABLE``):

* network versions, entries, parameters, tiers: kraj staff (``change``); approving a version: kraj staff with
  ``can_approve`` (``network_approve``); an approved version and its entries cannot change – use an amendment;
* development requests: ORP coordinators (their ORP), providers (their own) and kraj staff submit and complete
  them; the ORP coordinator of the request's ORP (or kraj staff) gives the ORP opinion, the district team of its
  okres (or kraj staff) reviews it, kraj staff evaluate it, kraj staff with ``can_approve`` decide; whoever may
  take the step the request waits for may return it (at the decision step: kraj staff);
* co-financing declarations: kraj staff and ORP coordinators for municipalities of their ORP;
* district comments and proposals: the district team of the okres and kraj staff; kraj staff decide proposals.

The cycle closes here: a request admitted to the network always gets a network entry that names it – in the
year's open draft, or, when the year's latest version is approved, in a new amendment (a draft the approvers
are told to approve). Approving a version writes the capacities it states to the registry
(``registry.services.service_year_capacities_replace``), the one figure every module reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from socplan.accounts.decisions import DecisionKind, may_decide, require_decision
from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.accounts.models import REGION_ROLES, Role, RoleAssignment
from socplan.accounts.scope import can, require
from socplan.core.services import model_update
from socplan.notices.services import notify
from socplan.registry import selectors as registry_selectors
from socplan.registry import services as registry_services
from socplan.territory.models import Municipality, Orp

from .adapters import stated_capacities
from .engine.conditions import DEFAULT_RULES, check_entry
from .models import (
    OPEN_STATES,
    CofinancingDeclaration,
    ConditionRule,
    DevelopmentRequest,
    DistrictComment,
    DistrictProposal,
    EntryStatus,
    EventKind,
    KindParameter,
    NetworkEntry,
    NetworkParameters,
    NetworkPublication,
    NetworkVersion,
    Phase,
    ProposalState,
    RequestEvent,
    RequestKind,
    RequestState,
    Tier,
)

DEFAULT_TIERS = [
    ("zakladni", "základní síť", "Stávající potřebné služby s garantovaným financováním.", True),
    ("docasna", "dočasná síť", "Služby zařazené na omezenou dobu (přechod, ověření potřebnosti).", True),
    ("zasobnik", "zásobník", "Potřebné služby, na které v daném roce nejsou prostředky.", False),
]


def _audit(obj, actor, reason: str = ""):
    obj._history_user = actor if getattr(actor, "pk", None) else None
    if reason:
        obj._change_reason = reason
    return obj


def _save(obj, actor, reason: str = "", *, clean: bool = True):
    if clean:
        obj.full_clean()
    _audit(obj, actor, reason)
    obj.save()
    return obj


# --- notifications ------------------------------------------------------------------------------------------

def _recipients(*, region_id, roles, district_id=None, orp_id=None, provider_id=None, approvers=False):
    qs = RoleAssignment.objects.active().filter(role__in=list(roles))
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if orp_id is not None:
        qs = qs.filter(orp_id=orp_id)
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    if approvers:
        qs = qs.filter(can_approve=True)
    return set(qs.values_list("user_id", flat=True))


def _notify(user_ids, *, actor, region_id, text, url="", request=None, network=None) -> list:
    """Notify through `socplan.notices` (stored, shown in the app, e-mailed per the user's preference)."""
    topic = "network.request" if request is not None else "network.version" if network is not None else "network"
    return notify(user_ids, actor=actor, region_id=region_id, text=text, url=url, topic=topic)


# --- parameters ---------------------------------------------------------------------------------------------

@transaction.atomic
def network_parameters_create(*, actor, region, year: int, copy_from: NetworkParameters | None = None,
                              reason: str = "") -> NetworkParameters:
    """The yearly settings with the default tiers and conditions (or a copy of `copy_from`)."""
    require(actor, "change", NetworkParameters(region=region, year=year))
    return build_parameters(region=region, year=year, copy_from=copy_from, actor=actor, reason=reason)


def build_parameters(*, region, year: int, copy_from: NetworkParameters | None = None, actor=None,
                     reason: str = "", supersedes: NetworkParameters | None = None) -> NetworkParameters:
    """Create the yearly settings (no permission check: callers check, the demo loader is trusted).

    ``supersedes`` – a new edition of that (frozen) set of the same kraj and year: a copy of it, one edition later.
    """
    if supersedes is not None:
        copy_from = supersedes
    if copy_from is None:
        copy_from = NetworkParameters.objects.current().filter(region=region, year__lt=year).order_by("-year").first()
    fields = {}
    if copy_from is not None:
        for name in ("cofinancing_rate", "cofinancing_rate_prevention", "cofinancing_rate_counselling",
                     "cofinancing_rate_care", "optimal_cost_a", "optimal_cost_b", "optimal_cost_c",
                     "optimal_cost_d", "points_threshold"):
            fields[name] = getattr(copy_from, name)
    if supersedes is not None:
        fields.update(supersedes=supersedes, edition=supersedes.edition + 1, note=supersedes.note)
    params = NetworkParameters(region=region, year=year, **fields)
    _save(params, actor, reason or _("nastavení sítě na rok %(year)s") % {"year": year})
    if copy_from is not None:
        tiers = [Tier(parameters=params, code=t.code, name=t.name, description=t.description, funded=t.funded,
                      order=t.order) for t in copy_from.tiers.all()]
        rules = [ConditionRule(parameters=params, code=r.code, name=r.name, enabled=r.enabled,
                               applies_to=r.applies_to, order=r.order) for r in copy_from.rules.all()]
        new_tiers = {t.code: t for t in tiers}  # a tier-specific rate moves to the copied tier of the same code
        kinds = [KindParameter(parameters=params, kind_id=k.kind_id, form_id=k.form_id,
                               tier=new_tiers[k.tier.code] if k.tier_id else None,
                               cofinancing_rate=k.cofinancing_rate, optimal_cost=k.optimal_cost,
                               points_threshold=k.points_threshold)
                 for k in copy_from.kind_parameters.select_related("tier")]
    else:
        tiers = [Tier(parameters=params, code=c, name=n, description=d, funded=f, order=i)
                 for i, (c, n, d, f) in enumerate(DEFAULT_TIERS)]
        rules = [ConditionRule(parameters=params, code=r.code, name=r.name, enabled=r.enabled,
                               applies_to=r.applies_to, order=i) for i, r in enumerate(DEFAULT_RULES)]
        kinds = []
    present = {r.code for r in rules}
    rules += [ConditionRule(parameters=params, code=r.code, name=r.name, enabled=r.enabled, applies_to=r.applies_to,
                            order=len(rules) + i) for i, r in enumerate(DEFAULT_RULES) if r.code not in present]
    kw = {"default_user": actor if getattr(actor, "pk", None) else None,
          "default_change_reason": _("výchozí nastavení")}
    bulk_create_with_history(tiers, Tier, **kw)
    bulk_create_with_history(rules, ConditionRule, **kw)
    if kinds:
        bulk_create_with_history(kinds, KindParameter, **kw)
    return params


def parameters_ensure(*, actor, region, year: int) -> NetworkParameters:
    existing = NetworkParameters.objects.current().filter(region=region, year=year).first()
    return existing or network_parameters_create(actor=actor, region=region, year=year)


def approved_versions_using(parameters: NetworkParameters):
    """The approved network versions approved with these parameters (linked, or through their entries' tiers)."""
    return NetworkVersion.objects.filter(approved_at__isnull=False).filter(
        pk__in=NetworkVersion.objects.filter(Q(parameters=parameters) | Q(entries__tier__parameters=parameters))
        .values("pk"))


def parameters_used_by_approved(parameters: NetworkParameters) -> bool:
    """Has an approved network version been approved with these parameters (tiers, conditions, rates)?"""
    return approved_versions_using(parameters).exists()


def parameters_frozen(parameters: NetworkParameters) -> bool:
    """May these parameters no longer change? Once an approved network version used them, or a newer edition of
    the kraj and year supersedes them (then only the newest edition is edited)."""
    return not parameters.is_current or parameters_used_by_approved(parameters)


def _require_parameters_unused(parameters: NetworkParameters) -> None:
    """Parameters are frozen once an approved network used them: the approved version keeps showing the tier names,
    conditions and rates it was approved with (its entries point at these rows). A change is a new edition
    (``network_parameters_new_edition``)."""
    locked = NetworkParameters.objects.select_for_update().get(pk=parameters.pk)
    if not locked.is_current:
        raise ValidationError(
            _("Nastavení sítě na rok %(year)s (vydání %(n)s) už bylo nahrazeno novějším vydáním; upravte to "
              "nejnovější.") % {"year": locked.year, "n": locked.edition}, code="parameters_superseded")
    if parameters_used_by_approved(locked):
        raise ValidationError(
            _("Nastavení sítě na rok %(year)s už použila schválená verze sítě, proto je nelze měnit: schválená síť "
              "musí dál ukazovat úrovně, podmínky a sazby, se kterými byla schválena. Chcete-li je změnit, "
              "založte „Novou verzi nastavení“ (kopii, kterou převezmou návrhy sítě).") % {"year": locked.year},
            code="parameters_frozen")


@transaction.atomic
def network_parameters_new_edition(*, actor, parameters: NetworkParameters, reason: str = "") -> NetworkParameters:
    """A new, editable edition of frozen parameters: a copy (general fields, tiers, conditions, kind parameters) of
    the same kraj and year that supersedes them. Approved versions keep the edition they were approved with; the
    drafts of the year move to the new one (their entries to its tiers of the same code), and so do the open
    development requests' district tiers."""
    require(actor, "change", parameters)
    locked = NetworkParameters.objects.select_for_update().get(pk=parameters.pk)
    if not locked.is_current:
        raise ValidationError(_("Toto nastavení už bylo nahrazeno novějším vydáním (%(n)s).") % {
            "n": locked.superseded_by.edition}, code="parameters_superseded")
    if not parameters_used_by_approved(locked):
        raise ValidationError(_("Nastavení sítě na rok %(year)s zatím nepoužila žádná schválená verze sítě; "
                                "upravte je přímo.") % {"year": locked.year}, code="parameters_not_frozen")
    new = build_parameters(
        region=locked.region, year=locked.year, supersedes=locked, actor=actor,
        reason=(reason or "").strip()[:100] or _("nová verze nastavení (vydání %(n)s)") % {"n": locked.edition + 1})
    tiers = {t.code: t for t in new.tiers.all()}
    drafts = list(NetworkVersion.objects.select_for_update().filter(
        region_id=locked.region_id, year=locked.year, approved_at__isnull=True))
    for old_tier in locked.tiers.all():
        NetworkEntry.objects.filter(network__in=drafts, tier=old_tier).update(tier=tiers[old_tier.code])
        DevelopmentRequest.objects.filter(region_id=locked.region_id, year=locked.year, state__in=OPEN_STATES,
                                          district_tier=old_tier).update(district_tier=tiers[old_tier.code])
    for draft in drafts:
        draft.parameters = new
        draft.version = (draft.version or 0) + 1
        _audit(draft, actor, _("převzato nové vydání nastavení sítě (%(n)s)") % {"n": new.edition})
        draft.save(update_fields=["parameters", "version"])
    return new


@transaction.atomic
def network_parameters_update(*, actor, parameters: NetworkParameters, data: dict,
                              expected_version: int | None = None) -> NetworkParameters:
    require(actor, "change", parameters)
    _require_parameters_unused(parameters)
    obj, _changed = model_update(instance=parameters, data=data, actor=actor, expected_version=expected_version,
                                 reason=_("úprava nastavení sítě"))
    return obj


@transaction.atomic
def tier_create(*, actor, parameters: NetworkParameters, code: str, name: str, description: str = "",
                funded: bool = True, order: int = 0) -> Tier:
    tier = Tier(parameters=parameters, code=code, name=name, description=description, funded=funded, order=order)
    require(actor, "change", tier)
    _require_parameters_unused(parameters)
    return _save(tier, actor, _("nová úroveň sítě"))


@transaction.atomic
def tier_update(*, actor, tier: Tier, data: dict, expected_version: int | None = None) -> Tier:
    require(actor, "change", tier)
    _require_parameters_unused(tier.parameters)
    obj, _changed = model_update(instance=tier, data=data, actor=actor, expected_version=expected_version,
                                 reason=_("úprava úrovně sítě"))
    return obj


@transaction.atomic
def condition_rule_update(*, actor, rule: ConditionRule, data: dict, expected_version: int | None = None):
    require(actor, "change", rule)
    _require_parameters_unused(rule.parameters)
    obj, _changed = model_update(instance=rule, data=data, actor=actor, expected_version=expected_version,
                                 reason=_("úprava podmínky vstupu"))
    return obj


@transaction.atomic
def kind_parameter_create(*, actor, parameters: NetworkParameters, kind, form=None, cofinancing_rate=None,
                          optimal_cost=None, points_threshold=None, tier=None) -> KindParameter:
    kp = KindParameter(parameters=parameters, kind=kind, form=form, tier=tier, cofinancing_rate=cofinancing_rate,
                       optimal_cost=optimal_cost, points_threshold=points_threshold)
    require(actor, "change", kp)
    _require_parameters_unused(parameters)
    return _save(kp, actor, _("nový parametr druhu služby"))


@transaction.atomic
def kind_parameter_update(*, actor, kind_parameter: KindParameter, data: dict,
                          expected_version: int | None = None) -> KindParameter:
    require(actor, "change", kind_parameter)
    _require_parameters_unused(kind_parameter.parameters)
    obj, _changed = model_update(instance=kind_parameter, data=data, actor=actor, expected_version=expected_version,
                                 reason=_("úprava parametru druhu služby"))
    return obj


@transaction.atomic
def kind_parameter_delete(*, actor, kind_parameter: KindParameter) -> None:
    require(actor, "delete", kind_parameter)
    _require_parameters_unused(kind_parameter.parameters)
    _audit(kind_parameter, actor, _("parametr druhu služby odstraněn"))
    kind_parameter.delete()


# --- network versions ---------------------------------------------------------------------------------------

def _require_draft(network: NetworkVersion) -> None:
    if network.pk and network._stored_is_approved():
        raise ApprovedRecordImmutable(network)


def _tier_map(region, year) -> dict[str, Tier]:
    """The tiers of the newest parameters of the kraj and year, by code."""
    return {t.code: t for t in Tier.objects.filter(parameters__in=NetworkParameters.objects.current().filter(
        region=region, year=year))}


def _copy_entries(source: NetworkVersion, target: NetworkVersion, actor, *, same_year: bool, reason: str) -> int:
    """Copy the entries of `source` (with their territory) into the draft `target`."""
    tiers = _tier_map(target.region, target.year)
    fallback = min(tiers.values(), key=lambda t: (t.order, t.code)) if tiers else None
    entries = list(source.entries.select_related("tier").prefetch_related(
        Prefetch("orps", queryset=Orp.objects.only("pk")),
        Prefetch("municipalities", queryset=Municipality.objects.only("pk"))).order_by("pk"))
    new = []
    for e in entries:
        tier = tiers.get(e.tier.code, fallback)
        if tier is None:
            raise ValidationError(_("Rok %(year)s nemá žádné úrovně sítě.") % {"year": target.year})
        new.append(NetworkEntry(
            network=target, service_id=e.service_id, form_id=e.form_id, orp_id=e.orp_id, tier=tier,
            status=e.status if same_year else EntryStatus.EXISTING, capacity=e.capacity,
            capacity_type_id=e.capacity_type_id, fte=e.fte, entrusted_from=e.entrusted_from,
            entrusted_to=e.entrusted_to, note=e.note,
        ))  # `request` stays with the entry of the version that took the request in (one entry names it)
    created = bulk_create_with_history(new, NetworkEntry, batch_size=500, default_change_reason=reason,
                                       default_user=actor if getattr(actor, "pk", None) else None)
    if created and created[0].pk is None:  # backends that do not return ids
        created = list(target.entries.order_by("pk"))
    orp_links, muni_links = [], []
    for old, fresh in zip(entries, created, strict=True):
        orp_links += [NetworkEntry.orps.through(networkentry_id=fresh.pk, orp_id=o.pk) for o in old.orps.all()]
        muni_links += [NetworkEntry.municipalities.through(networkentry_id=fresh.pk, municipality_id=m.pk)
                       for m in old.municipalities.all()]
    NetworkEntry.orps.through.objects.bulk_create(orp_links, batch_size=1000)
    NetworkEntry.municipalities.through.objects.bulk_create(muni_links, batch_size=1000)
    return len(created)


@transaction.atomic
def network_year_create(*, actor, region, year: int, copy_from: NetworkVersion | None = None, title: str = "",
                        reason: str = "") -> NetworkVersion:
    """A new year's network (amendment 0, draft), optionally starting from another version's entries."""
    parameters = parameters_ensure(actor=actor, region=region, year=year)
    network = NetworkVersion(region=region, year=year, amendment=0, parameters=parameters,
                             title=title or _("Síť sociálních služeb %(region)s na rok %(year)s") % {
                                 "region": region.name, "year": year}, reason=reason)
    require(actor, "change", network)
    _save(network, actor, _("návrh sítě na rok %(year)s") % {"year": year})
    if copy_from is not None:
        _copy_entries(copy_from, network, actor, same_year=copy_from.year == year,
                      reason=_("převzato z verze %(label)s") % {"label": copy_from.label})
    return network


def _capacity_type(code):
    from socplan.registry.models import CapacityType

    return CapacityType.objects.get(code=code) if code else None


def check_entry_unit(*, service, year: int, capacity: int = 0, capacity_type=None) -> None:
    """Refuse a capacity stated in another unit than the service's (``registry.selectors.service_capacity``):
    the capacities of a service's entries are summed into one figure per service and year (what an approved
    version states, ``adapters.stated_capacities``), so every entry of the service – a part in another form
    too – counts in the unit of its main form. A service registering no capacity may use any unit."""
    registered = registry_selectors.service_capacities([service.pk], year, registry_only=True).get(service.pk)
    if registered is None or registered.capacity_type is None or not capacity:
        return
    if capacity_type is None or capacity_type.code != registered.capacity_type:
        expected = _capacity_type(registered.capacity_type)
        raise ValidationError({"capacity_type": _(
            "Kapacita služby „%(service)s“ se v registru počítá v jednotce „%(unit)s“ (hlavní forma služby); "
            "kapacitu v jednotce „%(given)s“ nelze zapsat.") % {
                "service": service.name, "unit": expected.unit if expected else registered.capacity_type,
                "given": capacity_type.unit if capacity_type is not None else "–"}})


def entry_defaults(service, year: int) -> dict:
    """Capacity, its unit and the main form of `service` in `year` for a new entry
    (``registry.selectors.service_capacity``: the approved network's figure, else the registry's)."""
    from socplan.registry.models import DeliveryForm

    cap = registry_selectors.service_capacity(service, year)
    return {"capacity": cap.capacity, "capacity_type": _capacity_type(cap.capacity_type),
            "form": DeliveryForm.objects.get(code=cap.form) if cap.form else None}


@transaction.atomic
def network_entry_add(*, actor, network: NetworkVersion, service, tier: Tier, capacity: int | None = None,
                      capacity_type=None, fte=Decimal(0), form=None, orp=None, status: str = EntryStatus.EXISTING,
                      orps=(), municipalities=(), entrusted_from: date | None = None,
                      entrusted_to: date | None = None, request: DevelopmentRequest | None = None,
                      note: str = "") -> NetworkEntry:
    """Add `service` (or a part: `form`, `orp`) to a draft version. Without `capacity` (None) the entry takes
    the service's capacity in the year, without `capacity_type` the service's unit (``entry_defaults``); a
    capacity in another unit than the service's is refused (``check_entry_unit``)."""
    _require_draft(network)
    if capacity is None or capacity_type is None:
        defaults = entry_defaults(service, network.year)
        same_form = form is None or defaults["form"] is None or form.pk == defaults["form"].pk
        if capacity is None:
            capacity = defaults["capacity"] if same_form else 0
        if capacity_type is None:
            capacity_type = defaults["capacity_type"]
    entry = NetworkEntry(network=network, service=service, tier=tier, capacity=capacity, capacity_type=capacity_type,
                         fte=fte, form=form, orp=orp, status=status, entrusted_from=entrusted_from,
                         entrusted_to=entrusted_to, request=request, note=note)
    require(actor, "change", entry)
    check_entry_unit(service=service, year=network.year, capacity=capacity, capacity_type=capacity_type)
    _save(entry, actor, _("služba zařazena do sítě"))
    entry.orps.set(list(orps))
    entry.municipalities.set(list(municipalities))
    return entry


@transaction.atomic
def network_entry_update(*, actor, entry: NetworkEntry, data: dict, expected_version: int | None = None,
                         orps=None, municipalities=None, reason: str = "") -> NetworkEntry:
    if entry.network_is_approved():
        raise ApprovedRecordImmutable(entry)
    require(actor, "change", entry)
    if "request" in data and entry.request_id and _names_admitted(entry) \
            and getattr(data["request"], "pk", data["request"]) != entry.request_id:
        raise ValidationError({"request": _("Položka nese rozhodnutí o záměru „%(title)s“; to jí nelze odebrat.")
                               % {"title": entry.request.title}})
    if {"capacity", "capacity_type"} & set(data):
        capacity, unit = data.get("capacity", entry.capacity), data.get("capacity_type", entry.capacity_type)
        if unit is None and capacity:  # no unit given: the service's unit (as for a new entry)
            data = {**data, "capacity_type": entry_defaults(entry.service, entry.network.year)["capacity_type"]}
        check_entry_unit(service=entry.service, year=entry.network.year, capacity=capacity,
                         capacity_type=data.get("capacity_type", entry.capacity_type))
    obj, _changed = model_update(instance=entry, data=data, actor=actor, expected_version=expected_version,
                                 reason=reason or _("změna položky sítě"))
    if orps is not None:
        obj.orps.set(list(orps))
    if municipalities is not None:
        obj.municipalities.set(list(municipalities))
    return obj


def _names_admitted(entry: NetworkEntry) -> bool:
    return entry.request_id is not None and DevelopmentRequest.objects.filter(
        pk=entry.request_id, state=RequestState.ADMITTED).exists()


@transaction.atomic
def network_entry_remove(*, actor, entry: NetworkEntry) -> None:
    if entry.network_is_approved():
        raise ApprovedRecordImmutable(entry)
    require(actor, "delete", entry)
    if _names_admitted(entry):
        raise ValidationError(_("Položka nese rozhodnutí o záměru „%(title)s“, který je zařazen do sítě; bez ní by "
                                "záměr v síti nebyl.") % {"title": entry.request.title})
    _audit(entry, actor, _("služba vyřazena ze sítě"))
    entry.delete()


@transaction.atomic
def network_year_negotiate(*, actor, network: NetworkVersion) -> NetworkVersion:
    """Put the draft out for negotiation (ORP → district team → region)."""
    _require_draft(network)
    require(actor, "change", network)
    obj, _changed = model_update(instance=network, data={"phase": Phase.NEGOTIATION}, actor=actor,
                                 reason=_("předloženo k projednání"))
    url = reverse("network:version", args=[network.pk])
    _notify(_recipients(region_id=network.region_id, roles=(Role.DISTRICT_TEAM, Role.ORP_COORDINATOR)),
            actor=actor, region_id=network.region_id, network=network, url=url,
            text=_("%(label)s je předložena k projednání.") % {"label": network.label})
    return obj


class FailingEntriesNotConfirmed(ValidationError):
    """Approving a version whose entries fail entry conditions needs an explicit confirmation and a reason.

    ``entries``: one dict per failing entry – ``entry_id``, ``service_id``, ``label`` and ``failures``
    (``[{"code", "name", "reason"}]``)."""

    def __init__(self, entries: list[dict]):
        super().__init__(_("%(n)s položek sítě nesplňuje podmínky vstupu. Schválení je třeba výslovně potvrdit "
                           "a odůvodnit.") % {"n": len(entries)}, code="failing_entries")
        self.entries = entries


def failing_entries(network: NetworkVersion) -> list[dict]:
    """The entries of `network` that fail one or more entry conditions, with the failed conditions."""
    from .selectors import check_version

    return [{"entry_id": c.key, "service_id": c.service_id, "label": c.label,
             "failures": [{"code": r.code, "name": r.name, "reason": r.reason} for r in c.failures]}
            for c in check_version(network) if not c.eligible]


@transaction.atomic
def network_year_approve(*, actor, network: NetworkVersion, decision_ref: str = "", confirm_failing: bool = False,
                         reason: str = "") -> NetworkVersion:
    """Approve a draft version (kraj staff with the right to approve). From now on it cannot change.

    Entries failing the entry conditions: without ``confirm_failing`` the approval is refused with
    :class:`FailingEntriesNotConfirmed` (listing them); with it, ``reason`` is required and recorded together
    with the list. The capacities the version states become the registry's figure for the year.
    """
    require_decision(actor, DecisionKind.NETWORK_APPROVE, network)
    network.refresh_from_db(from_queryset=NetworkVersion.objects.select_for_update())
    if network.is_approved:
        raise ApprovedRecordImmutable(network)
    later = NetworkVersion.objects.filter(region=network.region, year=network.year,
                                          amendment__gt=network.amendment, approved_at__isnull=False)
    if later.exists():
        raise ValidationError(_("Později schválený dodatek už existuje."))
    failing = failing_entries(network)
    if failing and not confirm_failing:
        raise FailingEntriesNotConfirmed(failing)
    if failing and not (reason or "").strip():
        raise ValidationError({"reason": _("Uveďte, proč se verze schvaluje, ačkoli %(n)s položek nesplňuje "
                                           "podmínky vstupu.") % {"n": len(failing)}})
    network.approved_at = timezone.now()
    network.approved_by = actor
    network.approval_reason = (reason or "").strip() if failing else ""
    network.approval_exceptions = failing
    fields = ["approved_at", "approved_by", "approval_reason", "approval_exceptions", "version"]
    if decision_ref:
        network.decision_ref = decision_ref
        fields.append("decision_ref")
    network.version = (network.version or 0) + 1
    note = _("schváleno") + (f" ({decision_ref})" if decision_ref else "")
    if failing:
        note += " – " + _("potvrzeno %(n)s položek nesplňujících podmínky") % {"n": len(failing)}
    _audit(network, actor, note[:100])
    network.save(update_fields=fields)
    registry_services.service_year_capacities_replace(
        actor=actor if getattr(actor, "pk", None) else None, year=network.year, region=network.region,
        rows=stated_capacities(network), ref=_("%(label)s (schválená)") % {"label": network.label})
    url = reverse("network:version", args=[network.pk])
    _notify(_recipients(region_id=network.region_id, roles=tuple(Role.values)), actor=actor,
            region_id=network.region_id, network=network, url=url,
            text=_("%(label)s byla schválena.") % {"label": network.label})
    return network


@transaction.atomic
def network_year_publish(*, actor, network: NetworkVersion, note: str = "") -> NetworkPublication:
    if not network.is_approved:
        raise ValidationError(_("Zveřejnit lze jen schválenou verzi sítě."))
    if NetworkPublication.objects.filter(network=network).exists():
        raise ValidationError(_("Tato verze sítě už je zveřejněna."))
    publication = NetworkPublication(network=network, published_by=actor if getattr(actor, "pk", None) else None,
                                     note=note)
    require(actor, "change", publication)
    return _save(publication, actor, _("zveřejněno"))


def latest_version(region, year: int) -> NetworkVersion | None:
    return NetworkVersion.objects.filter(region=region, year=year).order_by("-amendment").first()


@transaction.atomic
def network_amendment_create(*, actor, network: NetworkVersion, reason: str) -> NetworkVersion:
    """A numbered amendment: a draft copy of the approved `network` (the latest version of its year)."""
    if not network.is_approved:
        raise ValidationError(_("Dodatek lze vytvořit jen ke schválené verzi sítě; návrh upravte přímo."))
    latest = latest_version(network.region, network.year)
    if latest.pk != network.pk:
        raise ValidationError(_("Dodatek se vytváří k poslední verzi sítě (%(label)s).") % {"label": latest.label})
    if not reason.strip():
        raise ValidationError({"reason": _("Uveďte důvod změny.")})
    amendment = NetworkVersion(region=network.region, year=network.year, amendment=network.amendment + 1,
                               title=network.title, reason=reason, supersedes=network,
                               parameters=parameters_ensure(actor=actor, region=network.region, year=network.year))
    require(actor, "change", amendment)
    _save(amendment, actor, _("dodatek č. %(n)s") % {"n": amendment.amendment})
    _copy_entries(network, amendment, actor, same_year=True,
                  reason=_("převzato z verze %(label)s") % {"label": network.label})
    return amendment


# --- development requests -----------------------------------------------------------------------------------

# The step each state waits for: its decision kind (socplan.accounts.decisions) and the service doing it.
STEP_OF_STATE = {
    RequestState.SUBMITTED: ("opinion", DecisionKind.REQUEST_OPINION),
    RequestState.ORP_OPINION: ("review", DecisionKind.REQUEST_REVIEW),
    RequestState.DISTRICT_REVIEW: ("evaluate", DecisionKind.REQUEST_EVALUATE),
    RequestState.EVALUATED: ("decide", DecisionKind.REQUEST_DECIDE),
}
# Who may return a request for completion: whoever may take the step it waits for; at the decision step the
# kraj staff (returning is not a decision, so it needs no right to approve).
RETURN_DECISION = {
    RequestState.SUBMITTED: DecisionKind.REQUEST_OPINION,
    RequestState.ORP_OPINION: DecisionKind.REQUEST_REVIEW,
    RequestState.DISTRICT_REVIEW: DecisionKind.REQUEST_EVALUATE,
    RequestState.EVALUATED: DecisionKind.REQUEST_EVALUATE,
}
REQUEST_ACTIONS = ("opinion", "review", "evaluate", "decide", "return", "resubmit")


def request_actions(user, req: DevelopmentRequest) -> list[str]:
    """The workflow actions `user` may take on `req` now (pages show their forms, the API lists them as
    ``available_actions``): the step the state waits for, ``return`` and ``resubmit``."""
    out = []
    step = STEP_OF_STATE.get(req.state)
    if step is not None and may_decide(user, step[1], req):
        out.append(step[0])
    if req.state in RETURN_DECISION and may_decide(user, RETURN_DECISION[req.state], req):
        out.append("return")
    if req.state == RequestState.RETURNED and can(user, "change", req):
        out.append("resubmit")
    return out


def _lock(req: DevelopmentRequest) -> DevelopmentRequest:
    """Re-read the request under a row lock (two officers acting at once: the second sees the first's step)."""
    req.refresh_from_db(from_queryset=DevelopmentRequest.objects.select_for_update())
    return req


def _require_state(req: DevelopmentRequest, *states) -> None:
    if req.state not in states:
        raise ValidationError(_("Záměr je ve stavu „%(state)s“; tento krok teď nelze provést.") % {
            "state": req.get_state_display()})


def _event(req, actor, kind, before, text=""):
    ev = RequestEvent(request=req, kind=kind, state_before=before or "", state_after=req.state, text=text,
                      author=actor if getattr(actor, "pk", None) else None)
    _audit(ev, actor)
    ev.save()
    return ev


def _request_url(req) -> str:
    return reverse("network:request", args=[req.pk])


def _step(req, actor, kind, new_state, text, *, fields: dict, notify: set, message: str, audit_note: str = ""):
    before = req.state
    for k, v in fields.items():
        setattr(req, k, v)
    req.state = new_state
    req.version = (req.version or 0) + 1
    _audit(req, actor, (audit_note or str(EventKind(kind).label))[:100])
    req.save()
    _event(req, actor, kind, before, text)
    _notify(notify, actor=actor, region_id=req.region_id, request=req, url=_request_url(req), text=message)
    return req


def _submitter_side(req) -> set:
    ids = _recipients(region_id=req.region_id, roles=(Role.ORP_COORDINATOR,), orp_id=req.orp_id)
    if req.submitted_by_id:
        ids.add(req.submitted_by_id)
    if req.provider_id:
        ids |= _recipients(region_id=None, roles=(Role.PROVIDER_USER,), provider_id=req.provider_id)
    return ids


@transaction.atomic
def development_request_submit(*, actor, data: dict) -> DevelopmentRequest:
    """Submit a development request (ORP coordinator, provider or kraj staff)."""
    req = DevelopmentRequest(**data)
    if req.orp_id:
        req.region_id = req.orp.region_id
    if req.service_id and not req.provider_id:
        req.provider_id = req.service.provider_id
    require(actor, "change", req)
    req.submitted_by = actor if getattr(actor, "pk", None) else None
    req.submitted_at = timezone.now()
    req.state = RequestState.SUBMITTED
    _save(req, actor, _("podání záměru"))
    _event(req, actor, EventKind.SUBMITTED, "", req.justification[:500])
    _notify(_recipients(region_id=req.region_id, roles=(Role.ORP_COORDINATOR,), orp_id=req.orp_id),
            actor=actor, region_id=req.region_id, request=req, url=_request_url(req),
            text=_("Nový rozvojový záměr „%(title)s“ čeká na stanovisko ORP.") % {"title": req.title})
    return req


@transaction.atomic
def development_request_update(*, actor, request: DevelopmentRequest, data: dict,
                               expected_version: int | None = None) -> DevelopmentRequest:
    """Complete or correct a request while it is submitted or returned."""
    _require_state(request, RequestState.SUBMITTED, RequestState.RETURNED)
    require(actor, "change", request)
    candidate = DevelopmentRequest(**{f.attname: getattr(request, f.attname) for f in request._meta.concrete_fields})
    for k, v in data.items():
        setattr(candidate, k, v)
    require(actor, "change", candidate)  # cannot move the request out of one's own ORP / provider
    obj, changed = model_update(instance=request, data=data, actor=actor, expected_version=expected_version,
                                reason=_("úprava záměru"))
    if changed:
        _event(obj, actor, EventKind.UPDATED, obj.state, "")
    return obj


@transaction.atomic
def development_request_opinion(*, actor, request: DevelopmentRequest, need_declared: bool, measure=None,
                                text: str = "") -> DevelopmentRequest:
    """The ORP's opinion on compliance with its community plan (declares the need, links the measure)."""
    require_decision(actor, DecisionKind.REQUEST_OPINION, request)
    _require_state(_lock(request), RequestState.SUBMITTED)
    if measure is not None and (measure.plan.kind != "community" or measure.plan.orp_id != request.orp_id):
        raise ValidationError({"measure": _("Opatření musí být z komunitního plánu ORP %(orp)s.") % {
            "orp": request.orp.name}})
    notify = _recipients(region_id=request.region_id, roles=(Role.DISTRICT_TEAM,),
                         district_id=request.orp.district_id)
    verdict = _("deklaruje potřebnost") if need_declared else _("potřebnost nedeklaruje")
    return _step(request, actor, EventKind.OPINION, RequestState.ORP_OPINION, text,
                 fields={"need_declared": need_declared, "opinion": text,
                         "measure": measure if measure is not None else request.measure},
                 notify=notify, message=_("ORP %(orp)s %(verdict)s k záměru „%(title)s“; čeká na projednání v okrese.")
                 % {"orp": request.orp.name, "verdict": verdict, "title": request.title})


@transaction.atomic
def development_request_review(*, actor, request: DevelopmentRequest, recommends: bool, tier: Tier | None = None,
                               text: str = "") -> DevelopmentRequest:
    """The district team's review (recommends or not, proposes a tier)."""
    require_decision(actor, DecisionKind.REQUEST_REVIEW, request)
    _require_state(_lock(request), RequestState.ORP_OPINION)
    if tier is not None and (tier.parameters.region_id != request.region_id or tier.parameters.year != request.year):
        raise ValidationError({"tier": _("Úroveň sítě patří k jinému kraji nebo roku.")})
    notify = _recipients(region_id=request.region_id, roles=REGION_ROLES)
    return _step(request, actor, EventKind.REVIEW, RequestState.DISTRICT_REVIEW, text,
                 fields={"district_recommends": recommends, "district_tier": tier, "district_note": text},
                 notify=notify, message=_("Okresní tým projednal záměr „%(title)s“; čeká na hodnocení kraje.")
                 % {"title": request.title})


def request_check(request: DevelopmentRequest, *, scores: dict | None = None):
    """The entry conditions applied to the request (as the entry it would become)."""
    from .adapters import condition_params, request_facts

    params = condition_params(request.region, request.year)
    return check_entry(request_facts(request, scores=scores), params)


@transaction.atomic
def development_request_evaluate(*, actor, request: DevelopmentRequest, action_plan=None, text: str = "",
                                 scores: dict | None = None) -> DevelopmentRequest:
    """Kraj staff evaluate the request: record the action plan and the result of every entry condition."""
    require_decision(actor, DecisionKind.REQUEST_EVALUATE, request)
    _require_state(_lock(request), RequestState.DISTRICT_REVIEW)
    if action_plan is not None:
        request.action_plan = action_plan
    result = request_check(request, scores=scores)
    evaluation = [{"name": r.code, "label": r.name, "passed": r.passed, "reason": r.reason} for r in result.results]
    notify = _recipients(region_id=request.region_id, roles=REGION_ROLES, approvers=True) | _submitter_side(request)
    # count-neutral wording: the Czech UI has no catalogue with its three plural forms yet
    verdict = _("splňuje všechny podmínky") if result.eligible else _("počet nesplněných podmínek: %(n)s") % {
        "n": len(result.failures)}
    return _step(request, actor, EventKind.EVALUATION, RequestState.EVALUATED, text,
                 fields={"action_plan": request.action_plan, "evaluation": evaluation, "eligible": result.eligible,
                         "evaluation_note": text},
                 notify=notify, message=_("Záměr „%(title)s“ byl vyhodnocen: %(verdict)s.") % {
                     "title": request.title, "verdict": verdict})


class RequestFailsConditions(ValidationError):
    """Admitting a request that fails entry conditions needs an explicit confirmation and a reason.

    ``failures``: the failed conditions, ``[{"code", "name", "reason"}]`` (as the entry the request would
    become, checked at the moment of the decision)."""

    def __init__(self, request: DevelopmentRequest, failures: list[dict]):
        super().__init__(_("Záměr „%(title)s“ nesplňuje podmínky vstupu do sítě: %(names)s. Zařazení je třeba "
                           "výslovně potvrdit a odůvodnit.") % {
            "title": request.title, "names": ", ".join(f["name"] for f in failures)}, code="failing_conditions")
        self.failures = failures


def request_failures(request: DevelopmentRequest) -> list[dict]:
    """The entry conditions the request fails now, checked as the entry it would become."""
    return [{"code": r.code, "name": r.name, "reason": r.reason} for r in request_check(request).failures]


@dataclass(frozen=True)
class Admission:
    """Where an admitted request went: the entry naming it, its version, and whether the decision opened a
    new amendment (which the approvers must approve for the admission to take effect)."""

    entry: NetworkEntry
    version: NetworkVersion
    new_amendment: bool

    @property
    def pending_approval(self) -> bool:
        return not self.version.is_approved


def admission_target(region, year: int, *, actor, reason: str) -> tuple[NetworkVersion, bool]:
    """The draft version an admitted request goes into: the year's latest version when it is a draft (the base
    network or an amendment being prepared), else a new amendment of the approved one. (version, created?)"""
    versions = list(NetworkVersion.objects.select_for_update().filter(region=region, year=year)
                    .order_by("-amendment"))
    if not versions:
        raise ValidationError(_("Síť kraje na rok %(year)s zatím neexistuje: založte ji, pak lze záměr zařadit.")
                              % {"year": year})
    latest = versions[0]
    if not latest.is_approved:
        return latest, False
    return network_amendment_create(actor=actor, network=latest, reason=reason), True


def _entry_for(draft: NetworkVersion, req: DevelopmentRequest) -> NetworkEntry | None:
    """The entry of the request's service the admission changes: the whole service, else its part in the
    request's form, else its part in the request's ORP, else both."""
    entries = {(e.form_id, e.orp_id): e for e in draft.entries.select_related("request", "capacity_type", "form")
               .filter(service_id=req.service_id)}
    for key in ((None, None), (req.form_id, None), (None, req.orp_id), (req.form_id, req.orp_id)):
        if key in entries:
            return entries[key]
    return None


def _admit_into(draft: NetworkVersion, req: DevelopmentRequest, tier: Tier, actor) -> NetworkEntry:
    """Add the admitted request to the draft network: a new entry (capacity, unit and FTE from the request,
    the service's registered capacity for an increase of a service not yet in the network), or the service's
    entry raised by the request. The entry names the request."""
    service = req.service
    reason = _("podle záměru „%(title)s“") % {"title": req.title[:60]}
    entry = _entry_for(draft, req)
    defaults = entry_defaults(service, draft.year)
    unit = req.capacity_type or (entry.capacity_type if entry is not None else None) or defaults["capacity_type"]
    if entry is None:
        if req.request_kind == RequestKind.NEW:
            capacity = req.capacity or defaults["capacity"]
        elif req.request_kind == RequestKind.CAPACITY:
            capacity = defaults["capacity"] + req.capacity
        else:
            capacity = defaults["capacity"]
        exists = draft.entries.filter(service_id=req.service_id).exists()
        return network_entry_add(
            actor=actor, network=draft, service=service, tier=tier, capacity=capacity, capacity_type=unit,
            fte=req.fte, form=req.form if exists else None,
            status=EntryStatus.NEW if req.request_kind == RequestKind.NEW else EntryStatus.EXPANDED,
            orps=[req.orp], entrusted_from=date(req.year, 1, 1), request=req)
    if entry.request_id and entry.request_id != req.pk and entry.request.state == RequestState.ADMITTED:
        raise ValidationError(_("Položka služby „%(service)s“ v návrhu „%(label)s“ už nese záměr „%(other)s“. "
                                "Další záměr téže služby lze zařadit až do následujícího dodatku: nejdřív "
                                "schvalte tento návrh.") % {"service": service.name, "label": draft.label,
                                                           "other": entry.request.title})
    if req.capacity and entry.capacity_type_id and req.capacity_type_id \
            and entry.capacity_type_id != req.capacity_type_id:
        raise ValidationError({"capacity_type": _(
            "Záměr uvádí kapacitu v jednotce „%(req)s“, položka sítě „%(entry)s“ v jednotce „%(unit)s“.") % {
                "req": req.capacity_type.unit, "entry": entry, "unit": entry.capacity_type.unit}})
    data = {"capacity": entry.capacity + req.capacity, "fte": entry.fte + req.fte, "request": req}
    if entry.capacity_type_id is None and req.capacity:
        data["capacity_type"] = unit
    if entry.status == EntryStatus.EXISTING:
        data["status"] = EntryStatus.EXPANDED
    return network_entry_update(actor=actor, entry=entry, data=data, reason=reason)


def request_admission(req: DevelopmentRequest) -> Admission | None:
    """The entry naming an admitted request and its version (None for a request not admitted)."""
    entry = (NetworkEntry.objects.select_related("network__region").filter(request=req)
             .order_by("network__amendment", "pk").first())
    if entry is None:
        return None
    return Admission(entry, entry.network, new_amendment=False)


@transaction.atomic
def development_request_decide(*, actor, request: DevelopmentRequest, admit: bool, tier: Tier | None = None,
                               reason: str = "", service=None, confirm_failing: bool = False) -> DevelopmentRequest:
    """The region's decision (kraj staff with the right to approve): admitted to a tier, or refused with reasons.

    An admitted request always gets a network entry naming it: in the year's draft, or – when the year's
    latest version is approved – in a new amendment, which the approvers are told to approve. A request for a
    new service is admitted once the service is registered: pass it as `service` (or set it on the request).
    The result is on ``request.admission`` (:class:`Admission`).

    Admitting a request that fails entry conditions (checked now, as the entry it would become) is refused with
    :class:`RequestFailsConditions` (listing them) unless ``confirm_failing``; then ``reason`` is required, and
    the reason with the failed conditions is recorded in the request's history and its timeline.
    """
    require_decision(actor, DecisionKind.REQUEST_DECIDE, request)
    _require_state(_lock(request), RequestState.EVALUATED)
    if admit and tier is None:
        raise ValidationError({"tier": _("Vyberte úroveň sítě, do níž se záměr zařazuje.")})
    if admit and (tier.parameters.region_id != request.region_id or tier.parameters.year != request.year):
        raise ValidationError({"tier": _("Úroveň sítě patří k jinému kraji nebo roku.")})
    if not admit and not reason.strip():
        raise ValidationError({"reason": _("Zamítnutí musí být odůvodněno.")})
    fields = {"decision_tier": tier if admit else None, "decision_reason": reason, "decided_by": actor,
              "decided_at": timezone.now()}
    admission = None
    event_text, audit_note = reason, ""
    if admit:
        service = service or request.service
        if service is None:
            raise ValidationError({"service": _("Nová služba musí být před zařazením do sítě registrována: "
                                                "vyberte její záznam v registru.")})
        if service.kind_id != request.kind_id or service.region_id != request.region_id \
                or (request.provider_id and service.provider_id != request.provider_id):
            raise ValidationError({"service": _("Služba musí být druhu záměru, v kraji záměru a u jeho "
                                                "poskytovatele.")})
        request.service = service
        request.provider_id = service.provider_id
        fields.update({"service": service, "provider_id": service.provider_id})
        failures = request_failures(request)
        if failures and not confirm_failing:
            raise RequestFailsConditions(request, failures)
        if failures and not reason.strip():
            raise ValidationError({"reason": _("Uveďte, proč se záměr zařazuje do sítě, ačkoli nesplňuje podmínky "
                                               "vstupu: %(names)s.") % {
                                       "names": ", ".join(f["name"] for f in failures)}})
        if failures:
            confirmed = _("Zařazeno s výslovným potvrzením, ačkoli záměr nesplňuje podmínky vstupu:") + "\n" + \
                "\n".join(f"– {f['name']}: {f['reason']}" for f in failures)
            event_text = f"{reason.strip()}\n\n{confirmed}"
            audit_note = _("rozhodnutí kraje – potvrzeno přes nesplněné podmínky (%(n)s)") % {"n": len(failures)}
        draft, created = admission_target(request.region, request.year, actor=actor, reason=_(
            "Zařazení rozvojového záměru „%(title)s“.") % {"title": request.title})
        admission = Admission(_admit_into(draft, request, tier, actor), draft, created)
        message = _("Záměr „%(title)s“ byl zařazen do sítě (%(tier)s), do verze „%(label)s“.") % {
            "title": request.title, "tier": tier.name, "label": draft.label}
        if admission.pending_approval:
            message += " " + _("Platnost nabude schválením této verze.")
    else:
        message = _("Záměr „%(title)s“ byl zamítnut: %(reason)s") % {"title": request.title, "reason": reason}
    state = RequestState.ADMITTED if admit else RequestState.REFUSED
    _step(request, actor, EventKind.DECISION, state, event_text, fields=fields,
          notify=_submitter_side(request) | _recipients(region_id=request.region_id, roles=(Role.DISTRICT_TEAM,),
                                                        district_id=request.orp.district_id),
          message=message, audit_note=audit_note)
    if admission is not None and admission.pending_approval:
        v = admission.version
        _notify(_recipients(region_id=request.region_id, roles=REGION_ROLES, approvers=True), actor=actor,
                region_id=request.region_id, network=v, request=request, url=reverse("network:version", args=[v.pk]),
                text=_("Záměr „%(title)s“ je zařazen do návrhu „%(label)s“; verzi je třeba schválit.") % {
                    "title": request.title, "label": v.label})
    request.admission = admission
    return request


@transaction.atomic
def development_request_return(*, actor, request: DevelopmentRequest, reason: str) -> DevelopmentRequest:
    """Return the request for completion (whoever may take the step it waits for; at the decision step kraj
    staff)."""
    kind = RETURN_DECISION.get(request.state)
    if kind is not None:
        require_decision(actor, kind, request)
    _require_state(_lock(request), *RETURN_DECISION)
    require_decision(actor, RETURN_DECISION[request.state], request)  # the state may have moved on meanwhile
    if not reason.strip():
        raise ValidationError({"reason": _("Uveďte, co je třeba doplnit.")})
    return _step(request, actor, EventKind.RETURNED, RequestState.RETURNED, reason,
                 fields={"return_reason": reason}, notify=_submitter_side(request),
                 message=_("Záměr „%(title)s“ byl vrácen k doplnění: %(reason)s") % {
                     "title": request.title, "reason": reason})


@transaction.atomic
def development_request_resubmit(*, actor, request: DevelopmentRequest, text: str = "") -> DevelopmentRequest:
    """Submit a returned request again: it goes back to the ORP opinion step."""
    require(actor, "change", request)
    _require_state(_lock(request), RequestState.RETURNED)
    notify = _recipients(region_id=request.region_id, roles=(Role.ORP_COORDINATOR,), orp_id=request.orp_id)
    return _step(request, actor, EventKind.RESUBMITTED, RequestState.SUBMITTED, text,
                 fields={"need_declared": None, "district_recommends": None, "district_tier": None,
                         "evaluation": [], "eligible": None},
                 notify=notify, message=_("Doplněný záměr „%(title)s“ čeká na stanovisko ORP.") % {
                     "title": request.title})


@transaction.atomic
def development_request_comment(*, actor, request: DevelopmentRequest, text: str) -> RequestEvent:
    """A comment at the current step (anyone of the kraj whose role covers the request)."""
    if not text.strip():
        raise ValidationError({"text": _("Komentář nesmí být prázdný.")})
    ev = RequestEvent(request=request, kind=EventKind.COMMENT, state_before=request.state,
                      state_after=request.state, text=text, author=actor if getattr(actor, "pk", None) else None)
    require(actor, "change", ev)
    _audit(ev, actor)
    ev.save()
    others = set(request.events.exclude(author__isnull=True).values_list("author_id", flat=True))
    _notify(others | _submitter_side(request), actor=actor, region_id=request.region_id, request=request,
            url=_request_url(request), text=_("Nový komentář k záměru „%(title)s“.") % {"title": request.title})
    return ev


# --- co-financing -------------------------------------------------------------------------------------------

@transaction.atomic
def cofinancing_declaration_submit(*, actor, municipality, year: int, amount, declared_on: date,
                                   service=None, request: DevelopmentRequest | None = None, reference: str = "",
                                   note: str = "") -> CofinancingDeclaration:
    d = CofinancingDeclaration(municipality=municipality, year=year, amount=amount, declared_on=declared_on,
                               service=service, request=request, reference=reference, note=note,
                               created_by=actor if getattr(actor, "pk", None) else None)
    d.region_id = municipality.region_id
    require(actor, "change", d)
    return _save(d, actor, _("deklarace spolufinancování"))


@transaction.atomic
def cofinancing_declaration_update(*, actor, declaration: CofinancingDeclaration, data: dict,
                                   expected_version: int | None = None) -> CofinancingDeclaration:
    require(actor, "change", declaration)
    candidate = CofinancingDeclaration(**{f.attname: getattr(declaration, f.attname)
                                          for f in declaration._meta.concrete_fields})
    for k, v in data.items():
        setattr(candidate, k, v)
    require(actor, "change", candidate)
    obj, _changed = model_update(instance=declaration, data=data, actor=actor, expected_version=expected_version,
                                 reason=_("úprava deklarace spolufinancování"))
    return obj


@transaction.atomic
def cofinancing_declaration_withdraw(*, actor, declaration: CofinancingDeclaration) -> None:
    require(actor, "delete", declaration)
    _audit(declaration, actor, _("deklarace stažena"))
    declaration.delete()


# --- district negotiation -----------------------------------------------------------------------------------

@transaction.atomic
def district_comment_add(*, actor, district, year: int, text: str) -> DistrictComment:
    if not text.strip():
        raise ValidationError({"text": _("Komentář nesmí být prázdný.")})
    c = DistrictComment(district=district, year=year, text=text, author=actor if getattr(actor, "pk", None) else None)
    c.region_id = district.region_id
    require(actor, "change", c)
    return _save(c, actor)


@transaction.atomic
def district_proposal_submit(*, actor, district, year: int, title: str, text: str) -> DistrictProposal:
    p = DistrictProposal(district=district, year=year, title=title, text=text,
                         author=actor if getattr(actor, "pk", None) else None)
    p.region_id = district.region_id
    require(actor, "change", p)
    _save(p, actor, _("návrh okresního týmu"))
    _notify(_recipients(region_id=district.region_id, roles=REGION_ROLES), actor=actor, region_id=district.region_id,
            url=reverse("network:district", args=[district.code, year]),
            text=_("Okresní tým %(district)s předložil návrh sítě „%(title)s“.") % {
                "district": district.name, "title": title})
    return p


@transaction.atomic
def district_proposal_decide(*, actor, proposal: DistrictProposal, state: str, note: str) -> DistrictProposal:
    """The kraj's decision on a district team's proposal (kraj staff; ``DecisionKind.PROPOSAL_DECIDE``)."""
    require_decision(actor, DecisionKind.PROPOSAL_DECIDE, proposal)
    proposal.refresh_from_db(from_queryset=DistrictProposal.objects.select_for_update())
    if proposal.state != ProposalState.SUBMITTED:
        raise ValidationError(_("O návrhu už bylo rozhodnuto."))
    if state not in (ProposalState.ACCEPTED, ProposalState.PARTLY, ProposalState.REJECTED):
        raise ValidationError({"state": _("Neplatné rozhodnutí.")})
    if not note.strip():
        raise ValidationError({"note": _("Rozhodnutí musí být odůvodněno.")})
    proposal.state = state
    proposal.decision_note = note
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.version += 1
    _save(proposal, actor, _("rozhodnutí kraje o návrhu"))
    ids = _recipients(region_id=proposal.region_id, roles=(Role.DISTRICT_TEAM,), district_id=proposal.district_id)
    _notify(ids, actor=actor, region_id=proposal.region_id,
            url=reverse("network:district", args=[proposal.district.code, proposal.year]),
            text=_("Kraj rozhodl o návrhu „%(title)s“: %(state)s.") % {
                "title": proposal.title, "state": proposal.get_state_display()})
    return proposal
