"""Entry conditions of the regional network (podmínky vstupu do sítě), checked per entry with a reason.

The JMK plan 2015–2017 (seed slides, domain.md §7) names the conditions:

* for **existing** services: registration, territory, municipal co-financing, the evaluation points threshold
  of the methodology;
* for **new and expanded** services (development requests) additionally: need declared by the ORP (in line
  with its community plan), a budget within the kraj's limit per unit, inclusion in the year's action plan.

Each condition is a named rule (:class:`ConditionRule`) the region may rename, switch off or apply to another
set of entries; its parameters (budget limit per unit, points threshold overrides) are yearly data in
:class:`ConditionParams`. The co-financing condition gets the required municipal share as a *fact* of the entry:
it is computed by the finance module (rate × optimised cost, see ``socplan.network.contracts``), never here. ``check_entry(facts, params)`` runs every enabled rule
that applies to the entry and returns one :class:`ConditionResult` per rule with ``passed`` and a Czech
``reason`` that says why, with the numbers. An entry is *eligible* when every applicable rule passes; a rule
that does not apply (e.g. the points threshold for a brand-new service) is not listed.

Rules (exact texts are pinned by tests/network/test_conditions.py):

registration  the registration overlaps the network year (valid_from ≤ 31 Dec and valid_to ≥ 1 Jan).
territory     there is at least one unit of entrustment and every unit lies in the region.
cofinancing   declared ≥ required; required (whole CZK), the rate and the optimised cost are facts given by
              the co-financing source (the finance module); required 0 passes; unknown required fails with
              the source's reason.
points        score ≥ threshold of the kind (the override in the params, else the evaluation's threshold).
need          the ORP declared the need and the linked measure belongs to that ORP's community plan.
budget        expected cost ≤ budget limit per unit × units (FTE for groups A/B, beds for C/D); the limit is a
              network parameter of this condition only (lookup "kind:form" → "kind" → group → "*").
action_plan   the request is included in the action plan of the network year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from socplan.core.money import czk, format_czk, format_number, to_decimal

APPLIES_ALL = "all"
APPLIES_EXISTING = "existing"  # services already in the network (existing and expanded)
APPLIES_DEVELOPMENT = "development"  # new and expanded services (development requests)
APPLIES_CHOICES = (APPLIES_ALL, APPLIES_EXISTING, APPLIES_DEVELOPMENT)

STATUS_EXISTING = "existing"
STATUS_NEW = "new"
STATUS_EXPANDED = "expanded"

ZERO = Decimal(0)
FTE_GROUPS = ("A", "B")
BED_GROUPS = ("C", "D")


@dataclass(frozen=True)
class ConditionRule:
    code: str
    name: str
    enabled: bool = True
    applies_to: str = APPLIES_ALL


DEFAULT_RULES: tuple[ConditionRule, ...] = (
    ConditionRule("registration", "Platná registrace", True, APPLIES_ALL),
    ConditionRule("territory", "Území v kraji", True, APPLIES_ALL),
    ConditionRule("cofinancing", "Spolufinancování obcí", True, APPLIES_ALL),
    ConditionRule("points", "Body hodnocení podle metodiky", True, APPLIES_EXISTING),
    ConditionRule("need", "Potřebnost deklarovaná ORP", True, APPLIES_DEVELOPMENT),
    ConditionRule("budget", "Rozpočet v mezích limitu na jednotku", True, APPLIES_DEVELOPMENT),
    ConditionRule("action_plan", "Zařazení do akčního plánu", True, APPLIES_DEVELOPMENT),
)
CONDITION_CODES = tuple(r.code for r in DEFAULT_RULES)


@dataclass(frozen=True)
class TerritoryUnit:
    """One unit the entry is entrusted for: ``label`` like "ORP Blansko" or "obec Letovice"."""

    label: str
    region_code: str
    region_name: str


@dataclass(frozen=True)
class EntryFacts:
    """Everything the conditions need to know about one network entry or development request."""

    key: object  # entry id / request id
    service_id: object | None
    label: str
    kind_code: str
    category: str = ""  # pece / prevence / poradenstvi
    form: str | None = None  # amb / ter / pob: the form the rates and the group are looked up for
    group: str | None = None  # financing group A–D
    status: str = STATUS_EXISTING  # existing / new / expanded
    tier: str | None = None
    # registration
    registered: bool = True
    identifier: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    # territory of entrustment
    territory: tuple[TerritoryUnit, ...] = ()
    # money (whole CZK per year)
    units: Decimal | None = None  # FTE in direct care (groups A/B) or beds (C/D)
    declared: Decimal = ZERO
    # the required municipal share and its basis, from the co-financing source (finance); None = not computed
    cofinancing_required: Decimal | None = None
    cofinancing_rate: Decimal | None = None  # per cent
    cofinancing_basis: Decimal | None = None  # the optimised cost the rate applies to
    cofinancing_note: str = ""  # why the share is 0 or unknown
    # evaluation
    score: float | None = None
    threshold: float | None = None
    evaluation_available: bool = True  # False: the evaluation has no scores for the year at all
    # development
    orp_name: str = ""
    need_declared: bool | None = None
    measure_code: str = ""
    measure_title: str = ""
    measure_orp_name: str | None = None  # ORP of the measure's community plan (None: not a community plan)
    expected_cost: Decimal | None = None
    action_plan_year: int | None = None
    action_plan_title: str = ""

    @property
    def development(self) -> bool:
        return self.status in (STATUS_NEW, STATUS_EXPANDED)

    @property
    def existing(self) -> bool:
        return self.status in (STATUS_EXISTING, STATUS_EXPANDED)


@dataclass(frozen=True)
class ConditionParams:
    """The yearly parameters of the conditions of one region."""

    region_code: str
    region_name: str
    year: int
    rules: tuple[ConditionRule, ...] = DEFAULT_RULES
    budget_limits: Mapping[str, Decimal] = field(default_factory=dict)  # Kč per unit and year (budget condition)
    points_thresholds: Mapping[str, float] = field(default_factory=dict)  # overrides of the evaluation's

    def budget_limit_for(self, facts: EntryFacts) -> Decimal | None:
        value = _lookup(self.budget_limits, _keys(facts.kind_code, facts.form, facts.group))
        return None if value is None else to_decimal(value)

    def threshold_for(self, facts: EntryFacts) -> float | None:
        value = _lookup(self.points_thresholds, _keys(facts.kind_code, facts.form, facts.group))
        if value is not None:
            return float(value)
        return facts.threshold


@dataclass(frozen=True)
class ConditionResult:
    code: str
    name: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class EntryCheck:
    key: object
    service_id: object | None
    label: str
    tier: str | None
    status: str
    results: tuple[ConditionResult, ...]

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[ConditionResult]:
        return [r for r in self.results if not r.passed]


# --- formatting ---------------------------------------------------------------------------------------------

def _keys(kind: str, form: str | None, general: str | None) -> tuple[str, ...]:
    keys = []
    if form:
        keys.append(f"{kind}:{form}")
    keys.append(str(kind))
    if general:
        keys.append(general)
    keys.append("*")
    return tuple(keys)


def _lookup(mapping: Mapping, keys: Iterable[str]):
    for k in keys:
        if k in mapping and mapping[k] is not None:
            return mapping[k]
    return None


def fmt_date(d: date) -> str:
    return f"{d.day}. {d.month}. {d.year}"


def fmt_decimal(value, max_decimals: int = 2) -> str:
    """Czech number without trailing zeros: 10 → '10', 12.5 → '12,5', 5.25 → '5,25'."""
    d = to_decimal(value).quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP).normalize()
    decimals = max(0, -d.as_tuple().exponent)
    return format_number(d, decimals)


def fmt_points(value: float) -> str:
    return fmt_decimal(Decimal(repr(round(float(value), 2))))


def kind_label(kind_code: str) -> str:
    return f"§ {kind_code}" if kind_code and kind_code[0].isdigit() else str(kind_code)


# --- the rules ----------------------------------------------------------------------------------------------

def check_registration(f: EntryFacts, p: ConditionParams) -> tuple[bool, str]:
    if not f.registered:
        return False, "Služba není registrována."
    start, end = date(p.year, 1, 1), date(p.year, 12, 31)
    if f.valid_to is not None and f.valid_to < start:
        return False, f"Registrace skončila {fmt_date(f.valid_to)}, před začátkem roku {p.year}."
    if f.valid_from is not None and f.valid_from > end:
        return False, f"Registrace začíná až {fmt_date(f.valid_from)}, po konci roku {p.year}."
    suffix = f" (identifikátor {f.identifier})" if f.identifier else ""
    return True, f"Registrace platí v roce {p.year}{suffix}."


def check_territory(f: EntryFacts, p: ConditionParams) -> tuple[bool, str]:
    if not f.territory:
        return False, "Není určeno území, pro které je služba pověřena."
    outside = [u for u in f.territory if u.region_code != p.region_code]
    if outside:
        listed = ", ".join(f"{u.label} ({u.region_name})" for u in outside)
        return False, f"Území pověření leží mimo kraj ({p.region_name}): {listed}."
    listed = ", ".join(u.label for u in f.territory)
    return True, f"Území pověření leží v kraji ({p.region_name}): {listed}."


def check_cofinancing(f: EntryFacts, p: ConditionParams) -> tuple[bool, str]:
    if f.cofinancing_required is None:
        why = f.cofinancing_note or "požadovaný podíl obcí není spočten."
        return False, f"Nelze ověřit spolufinancování obcí: {why}"
    required = czk(f.cofinancing_required)
    declared = czk(f.declared)
    if f.cofinancing_rate is not None and f.cofinancing_rate == 0:
        return True, "Spolufinancování obcí se pro tento druh, formu a úroveň sítě nevyžaduje (sazba 0 %)."
    if required == 0 and f.cofinancing_note:
        return True, f.cofinancing_note
    rate = fmt_decimal(f.cofinancing_rate) if f.cofinancing_rate is not None else "—"
    basis = format_czk(f.cofinancing_basis) if f.cofinancing_basis is not None else "—"
    text = (f"Obce deklarovaly {format_czk(declared)}, požadováno je {rate} % "
            f"z optimalizovaných nákladů {basis}, tj. {format_czk(required)}")
    if declared >= required:
        return True, text + "."
    return False, text + f"; chybí {format_czk(required - declared)}."


def check_points(f: EntryFacts, p: ConditionParams) -> tuple[bool, str]:
    threshold = p.threshold_for(f)
    kind = kind_label(f.kind_code)
    if not f.evaluation_available:
        return False, f"Hodnocení za rok {p.year} není k dispozici: služba nebyla hodnocena, podmínka není splněna."
    if f.score is None or (isinstance(f.score, float) and math.isnan(f.score)):
        return False, f"Služba nemá hodnocení podle metodiky za rok {p.year}."
    if threshold is None or (isinstance(threshold, float) and math.isnan(threshold)):
        return False, f"Pro druh {kind} není stanoven práh bodů hodnocení."
    if f.score >= threshold:
        return True, f"Hodnocení {fmt_points(f.score)} b. dosahuje prahu {fmt_points(threshold)} b. pro druh {kind}."
    return False, f"Hodnocení {fmt_points(f.score)} b. nedosahuje prahu {fmt_points(threshold)} b. pro druh {kind}."


def check_need(f: EntryFacts, p: ConditionParams) -> tuple[bool, str]:
    orp = f"ORP {f.orp_name}" if f.orp_name else "ORP"
    problems = []
    if f.need_declared is None:
        problems.append(f"{orp} zatím nevydala stanovisko k potřebnosti")
    elif not f.need_declared:
        problems.append(f"{orp} potřebnost nedeklarovala")
    if not f.measure_code:
        problems.append(f"chybí odkaz na opatření komunitního plánu {orp}")
    elif f.measure_orp_name != f.orp_name:
        problems.append(f"opatření {f.measure_code} nepatří do komunitního plánu {orp}")
    if problems:
        text = "; ".join(problems)
        return False, text[0].upper() + text[1:] + "."
    return True, f"{orp} deklarovala potřebnost; opatření {f.measure_code} „{f.measure_title}“ komunitního plánu."


def check_budget(f: EntryFacts, p: ConditionParams) -> tuple[bool, str]:
    if f.expected_cost is None:
        return False, "Chybí předpokládané náklady záměru."
    per_unit = p.budget_limit_for(f)
    if per_unit is None:
        return False, f"Pro druh {kind_label(f.kind_code)} není stanoven limit rozpočtu na jednotku."
    if f.units is None or f.units <= 0:
        return False, "Chybí počet úvazků nebo lůžek pro porovnání s limitem rozpočtu."
    unit_label = "počet lůžek" if f.group in BED_GROUPS else "počet úvazků"
    limit = czk(per_unit * f.units)
    cost = czk(f.expected_cost)
    how = f"{format_czk(limit)} ({unit_label} {fmt_decimal(f.units)} × {format_czk(per_unit)})"
    if cost <= limit:
        return True, f"Rozpočet {format_czk(cost)} nepřekračuje limit {how}."
    return False, f"Rozpočet {format_czk(cost)} překračuje limit {how} o {format_czk(cost - limit)}."


def check_action_plan(f: EntryFacts, p: ConditionParams) -> tuple[bool, str]:
    if f.action_plan_year is None:
        return False, f"Záměr není zařazen do akčního plánu na rok {p.year}."
    if f.action_plan_year != p.year:
        return False, f"Záměr je zařazen do akčního plánu na rok {f.action_plan_year}, ne na rok {p.year}."
    title = f" ({f.action_plan_title})" if f.action_plan_title else ""
    return True, f"Záměr je zařazen do akčního plánu na rok {p.year}{title}."


CHECKS = {
    "registration": check_registration,
    "territory": check_territory,
    "cofinancing": check_cofinancing,
    "points": check_points,
    "need": check_need,
    "budget": check_budget,
    "action_plan": check_action_plan,
}


def applies(rule: ConditionRule, facts: EntryFacts) -> bool:
    if not rule.enabled:
        return False
    if rule.applies_to == APPLIES_EXISTING:
        return facts.existing
    if rule.applies_to == APPLIES_DEVELOPMENT:
        return facts.development
    return True


def check_entry(facts: EntryFacts, params: ConditionParams) -> EntryCheck:
    results = []
    for rule in params.rules:
        if rule.code not in CHECKS:
            raise ValueError(f"unknown condition {rule.code!r}")
        if not applies(rule, facts):
            continue
        passed, reason = CHECKS[rule.code](facts, params)
        results.append(ConditionResult(rule.code, rule.name, passed, reason))
    return EntryCheck(facts.key, facts.service_id, facts.label, facts.tier, facts.status, tuple(results))


def check_entries(facts: Iterable[EntryFacts], params: ConditionParams) -> list[EntryCheck]:
    return [check_entry(f, params) for f in facts]


def checks_to_json(checks: Iterable[EntryCheck], *, region: str, year: int, **extra) -> dict:
    """The machine-readable form printed by `socplan network-check --json`."""
    return {
        "region": region,
        "year": year,
        **extra,
        "entries": [
            {
                "service_id": c.service_id,
                "entry_id": c.key,
                "service": c.label,
                "tier": c.tier,
                "status": c.status,
                "conditions": [{"name": r.code, "label": r.name, "passed": r.passed, "reason": r.reason}
                               for r in c.results],
                "eligible": c.eligible,
            }
            for c in checks
        ],
    }
