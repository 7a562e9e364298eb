"""The network's side of the law as dated data (docs/legislation.md): entries of a version whose kind is no
longer in force in the network year (flagged on the version's condition check with the successor), and the
network's year-bound rules (co-financing rates of the year's parameter edition) as rows the registry's
framework-free diff compares (``socplan.registry.dated``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from socplan.core.money import format_czk, format_number
from socplan.registry import dated
from socplan.registry.selectors import RetiredKind, retired_kinds_in

from .models import KindParameter, NetworkParameters, NetworkVersion


@dataclass(frozen=True)
class RetiredEntry:
    entry_id: int
    service_id: int
    service: str
    kind: RetiredKind


def retired_kind_entries(version: NetworkVersion) -> list[RetiredEntry]:
    """The version's entries whose service's kind ended before 1 January of the network year."""
    retired = retired_kinds_in(version.year)
    if not retired:
        return []
    rows = (version.entries.filter(service__kind_id__in=list(retired)).order_by("service__name", "pk")
            .values_list("pk", "service_id", "service__name", "service__kind_id"))
    return [RetiredEntry(pk, sid, name, retired[kind_id]) for pk, sid, name, kind_id in rows]


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{format_number(value, 2)} %"


def parameters_of_year(region, year: int) -> NetworkParameters | None:
    """The kraj's current (newest) parameter edition of the year, None when the year has none."""
    return NetworkParameters.objects.current().filter(region=region, year=year).first()


def network_rules(region, year: int) -> list[dated.RuleValue]:
    """The network rules of the kraj's year as dated rule values, from its current parameter edition: the
    municipal co-financing rates (general, per category, per kind row: kind, kind + form, kind + tier), and per
    kind row the budget limit per unit and the points threshold. A year without parameters has no rules
    (nothing is invented)."""
    p = parameters_of_year(region, year)
    if p is None:
        return []
    source = _("nastavení sítě %(what)s") % {"what": p}
    out = [
        dated.RuleValue("cofinancing:*", _("spolufinancování obcí – obecná sazba"), _percent(p.cofinancing_rate),
                        source),
        dated.RuleValue("cofinancing:poradenstvi", _("spolufinancování obcí – sociální poradenství"),
                        _percent(p.cofinancing_rate_counselling), source),
        dated.RuleValue("cofinancing:pece", _("spolufinancování obcí – služby sociální péče"),
                        _percent(p.cofinancing_rate_care), source),
        dated.RuleValue("cofinancing:prevence", _("spolufinancování obcí – služby sociální prevence"),
                        _percent(p.cofinancing_rate_prevention), source),
    ]
    rows = (KindParameter.objects.filter(parameters=p).select_related("kind", "form", "tier")
            .order_by("kind__order", "kind__code", "pk"))
    for kp in rows:
        suffix = ":".join(x for x in (kp.kind.code, kp.form.code if kp.form_id else "",
                                      kp.tier.code if kp.tier_id else "") if x)
        where = str(kp.kind) + (f", {kp.form}" if kp.form_id else "") + (
            ", " + _("úroveň %(tier)s") % {"tier": kp.tier.code} if kp.tier_id else "")
        if kp.cofinancing_rate is not None:
            out.append(dated.RuleValue(f"cofinancing:{suffix}", _("spolufinancování obcí – %(where)s") % {
                "where": where}, _percent(kp.cofinancing_rate), source))
        if kp.optimal_cost is not None:
            out.append(dated.RuleValue(f"budget:{suffix}", _("limit rozpočtu záměru – %(where)s") % {
                "where": where}, format_czk(kp.optimal_cost), source))
        if kp.points_threshold is not None:
            out.append(dated.RuleValue(f"points:{suffix}", _("práh bodů hodnocení – %(where)s") % {
                "where": where}, format_number(kp.points_threshold, 2), source))
    return out


# --- what changes on 1 January ------------------------------------------------------------------------------

def _kind_of_rule(key: str) -> str | None:
    """``cofinancing:49:pob`` → "49"; category and general keys → None."""
    parts = key.split(":")
    if len(parts) < 2 or parts[1] in ("*", "poradenstvi", "pece", "prevence"):
        return None
    return parts[1]


def law_changes(region, year: int, *, user) -> dict:
    """Every difference between the code lists and network rules of ``year - 1`` and ``year`` in the kraj, each
    with the network entries (of the year's current network, else the previous year's) and, for code-list
    entries, the kraj's registered services it affects — only what ``user`` may see."""
    from socplan.accounts.scope import restrict
    from socplan.registry.selectors import codelist_snapshot, services_of_kinds

    from .selectors import current_version

    before = codelist_snapshot(year - 1, network_rules(region, year - 1))
    after = codelist_snapshot(year, network_rules(region, year))
    version = current_version(region, year, user=user) or current_version(region, year - 1, user=user)
    entries_by_kind: dict[str, list[dated.Affected]] = {}
    entries_by_category: dict[str, list[dated.Affected]] = {}
    if version is not None:
        from django.urls import reverse

        qs = restrict(version.entries.all(), user, "view").order_by("service__name", "pk").values_list(
            "pk", "service__name", "service__kind__code", "service__kind__category")
        for pk, name, code, category in qs:
            a = dated.Affected(f"entry:{pk}", name, reverse("network:entry", args=[pk]))
            entries_by_kind.setdefault(code, []).append(a)
            entries_by_category.setdefault(category, []).append(a)
    kind_keys = {key for (what, key) in before.entries.keys() | after.entries.keys() if what == dated.LIST_KIND}
    changed_kinds = {k for k in kind_keys
                     if before.entries.get((dated.LIST_KIND, k)) != after.entries.get((dated.LIST_KIND, k))}
    services = services_of_kinds(changed_kinds, year - 1, user=user, region=region)
    affected: dict[tuple[str, str], list[dated.Affected]] = {}
    from django.urls import reverse

    for code in changed_kinds:
        affected[(dated.LIST_KIND, code)] = entries_by_kind.get(code, []) + [
            dated.Affected(f"service:{pk}", name, reverse("registry:service_detail", args=[pk]))
            for pk, name in services.get(code, [])]
    for key in before.rules.keys() | after.rules.keys():
        code = _kind_of_rule(key)
        if code is not None:
            affected[("rule", key)] = entries_by_kind.get(code, [])
        elif key.split(":")[1] in ("poradenstvi", "pece", "prevence"):
            affected[("rule", key)] = entries_by_category.get(key.split(":")[1], [])
    missing = [y for y in (year - 1, year) if parameters_of_year(region, y) is None]
    return {"year": year, "before": before, "after": after, "version": version, "missing_parameters": missing,
            "differences": dated.diff_snapshots(before, after, affected)}
