"""The evaluation methodology (metodika hodnocení) as versioned data.

A :class:`Methodology` is everything the region edits each year: criteria (kritéria) with weights,
indicators (ukazatele) with their scoring scales (bodové stupnice), reference values (referenční hodnoty),
the kind → kind-group table and the minimum score for the network (práh pro síť). No number the region may
change lives in code; :func:`default_jmk_2014` only *builds* a starting data set.

Per-kind lookups
----------------
Scales, references and thresholds are mappings whose keys name a set of services. For a service of kind
``k`` (§ of the Act, e.g. ``"49"`` or ``"60a"``) in form ``f`` (``"amb"``, ``"ter"``, ``"pob"``) belonging to
kind group ``g`` the **most specific key wins**::

    "k:f"  →  "k"  →  "g"  →  "*"  (default)

A scale mapped to ``None`` means "this indicator does not apply to these services" (neuplatňuje se); its
criterion weight is then split among the criterion's other indicators for those services (see
``weights_for``). This is a property of the kind, the same for every service of the kind, so like services
are always compared on the same basis.

Scales
------
``Scale(thresholds=(t1 < … < tn), points=(p0, …, pn))`` divides the whole real line into n + 1 bands, so every
value gets points (the scale covers the range by construction). Which band a value falls in:

* ``higher`` (vyšší je lepší) and ``assessment`` (hodnocení zadané krajem, vyšší stupeň je lepší):
  band *i* is ``[t_i, t_{i+1})`` – reaching a threshold ("alespoň t") earns the higher band;
* ``lower`` (nižší je lepší): band *i* is ``(t_{i-1}, t_i]`` – staying at or under a threshold ("nejvýše t")
  earns the better band.

In both directions **a value exactly at a threshold gets the better points**. For ``relative`` indicators
the scale is applied to ``value / reference`` (e.g. cost at 95 % of the normative → ratio 0.95).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_KEY = "*"
DIRECTIONS = ("higher", "lower", "assessment")
DIRECTION_LABELS = {
    "higher": "vyšší hodnota je lepší",
    "lower": "nižší hodnota je lepší",
    "assessment": "hodnocení zadané krajem (vyšší stupeň je lepší)",
}
FORMS = ("amb", "ter", "pob")


class MethodologyError(ValueError):
    """The methodology cannot evaluate the given services (Czech message)."""


@dataclass(frozen=True)
class Scale:
    """Piecewise-constant scale: ``len(points) == len(thresholds) + 1``."""

    thresholds: tuple[float, ...]
    points: tuple[float, ...]

    def __post_init__(self):
        object.__setattr__(self, "thresholds", tuple(float(t) for t in self.thresholds))
        object.__setattr__(self, "points", tuple(float(p) for p in self.points))

    def describe(self, direction: str) -> str:
        """Czech one-line description, e.g. ``'< 0,7 → 0 b.; ≥ 0,7 → 2 b.; …'``."""
        from .formatting import num

        t, p = self.thresholds, self.points
        parts = []
        if direction == "lower":
            for i, ti in enumerate(t):
                parts.append(f"≤ {num(ti, 4)} → {num(p[i], 2)} b.")
            if t:
                parts.append(f"> {num(t[-1], 4)} → {num(p[-1], 2)} b.")
        else:
            if t:
                parts.append(f"< {num(t[0], 4)} → {num(p[0], 2)} b.")
            for i, ti in enumerate(t):
                parts.append(f"≥ {num(ti, 4)} → {num(p[i + 1], 2)} b.")
        if not t:
            parts.append(f"vždy {num(p[0], 2)} b.")
        return "; ".join(parts)


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str  # Czech
    weight: float  # percent of the total score; all criteria sum to 100


@dataclass(frozen=True)
class Indicator:
    """One indicator. ``code`` is the column of :func:`compute_indicators` (or an entered ``assess_*`` column)."""

    code: str
    name: str  # Czech
    criterion: str
    direction: str  # "higher" | "lower" | "assessment"
    scales: Mapping[str, Scale | None]
    share: float = 1.0  # relative weight inside its criterion
    references: Mapping[str, float] = field(default_factory=dict)
    relative: bool = False  # score value / reference instead of the value itself
    unit: str = ""  # Czech unit label, e.g. "Kč/úvazek"
    value_range: tuple[float, float] | None = None  # valid range of the scored quantity (for validation)
    description: str = ""  # Czech, for the documentation / UI


@dataclass(frozen=True)
class Methodology:
    code: str
    name: str  # Czech
    year: int
    criteria: tuple[Criterion, ...]
    indicators: tuple[Indicator, ...]
    kind_groups: Mapping[str, str]  # "k" or "k:f" → group; the keys are the kinds the methodology knows
    thresholds: Mapping[str, float]  # minimum score for the network, per key ("*" = default)
    max_points: float = 10.0  # points of the best band of every scale
    version: int = 1
    notes: str = ""

    # -- lookups -----------------------------------------------------------------------------------------
    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def indicator(self, code: str) -> Indicator:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    def group_of(self, kind: str, form: str | None) -> str | None:
        kind = str(kind)
        if form is not None and f"{kind}:{form}" in self.kind_groups:
            return self.kind_groups[f"{kind}:{form}"]
        return self.kind_groups.get(kind)

    def keys_for(self, kind: str, form: str | None) -> tuple[str, ...]:
        """Lookup keys from the most to the least specific."""
        kind = str(kind)
        group = self.group_of(kind, form)
        keys = []
        if form is not None:
            keys.append(f"{kind}:{form}")
        keys.append(kind)
        if group is not None:
            keys.append(group)
        keys.append(DEFAULT_KEY)
        return tuple(keys)

    def scale_for(self, indicator: Indicator, kind: str, form: str | None) -> Scale | None:
        return lookup(indicator.scales, self.keys_for(kind, form))

    def reference_for(self, indicator: Indicator, kind: str, form: str | None) -> float:
        ref = lookup(indicator.references, self.keys_for(kind, form))
        return math.nan if ref is None else float(ref)

    def threshold_for(self, kind: str, form: str | None) -> float:
        t = lookup(self.thresholds, self.keys_for(kind, form))
        return math.nan if t is None else float(t)

    def weights_for(self, kind: str, form: str | None) -> dict[str, float]:
        """Weight (percent of the total) of each indicator for services of this kind and form.

        weight(i) = criterion weight × share(i) / Σ share(j) over the criterion's indicators applicable
        to the kind. Not-applicable indicators get 0.
        """
        applicable = {i.code: self.scale_for(i, kind, form) is not None for i in self.indicators}
        out: dict[str, float] = {}
        for c in self.criteria:
            members = [i for i in self.indicators if i.criterion == c.code]
            total_share = sum(i.share for i in members if applicable[i.code])
            for i in members:
                out[i.code] = c.weight * i.share / total_share if applicable[i.code] and total_share else 0.0
        return out

    def known_combinations(self) -> list[tuple[str, str | None]]:
        """(kind, form) pairs the methodology knows: every ``kind_groups`` key (form None = any form)."""
        out = []
        for key in self.kind_groups:
            kind, _, form = key.partition(":")
            out.append((kind, form or None))
        return out

    def with_references(self, indicator_code: str, references: Mapping[str, float]) -> Methodology:
        """Copy with the indicator's references updated (e.g. from :func:`benchmark.reference_values`)."""
        new = []
        for i in self.indicators:
            if i.code == indicator_code:
                i = replace(i, references={**dict(i.references), **{str(k): float(v) for k, v in references.items()}})
            new.append(i)
        return replace(self, indicators=tuple(new))

    def with_criterion_weight(self, criterion_code: str, weight: float) -> Methodology:
        crit = tuple(replace(c, weight=float(weight)) if c.code == criterion_code else c for c in self.criteria)
        return replace(self, criteria=crit)


def lookup(mapping: Mapping[str, Any], keys: Iterable[str]) -> Any:
    for k in keys:
        if k in mapping:
            return mapping[k]
    return None


# ----------------------------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------------------------
def _is_number(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def validate_scale(scale: Scale, direction: str, max_points: float, value_range=None) -> list[str]:
    """Czech problems of one scale (empty list = fine)."""
    errs = []
    t, p = scale.thresholds, scale.points
    if len(p) != len(t) + 1:
        errs.append(f"počet bodových hodnot ({len(p)}) musí být o 1 větší než počet hranic ({len(t)})")
        return errs
    if not all(_is_number(x) for x in t + p):
        errs.append("hranice i body musí být konečná čísla")
        return errs
    if any(b <= a for a, b in zip(t, t[1:], strict=False)):
        errs.append("hranice musí být ostře rostoucí")
    if direction == "lower":
        if any(b > a for a, b in zip(p, p[1:], strict=False)):
            errs.append("body musí s rostoucí hodnotou klesat nebo zůstat stejné (nižší je lepší)")
    elif any(b < a for a, b in zip(p, p[1:], strict=False)):
        errs.append("body musí s rostoucí hodnotou růst nebo zůstat stejné (vyšší je lepší)")
    if any(x < 0 or x > max_points for x in p):
        errs.append(f"body musí ležet v rozsahu 0 až {max_points:g}")
    if min(p) != 0 or max(p) != max_points:
        errs.append(f"stupnice musí pokrýt celý rozsah bodů od 0 do {max_points:g}")
    if value_range is not None and t:
        lo, hi = value_range
        if t[0] < lo or t[-1] > hi:
            errs.append(f"hranice musí ležet v přípustném rozsahu hodnot {lo:g} až {hi:g}")
    return errs


def validate_methodology(m: Methodology) -> list[str]:
    """All problems of the methodology as Czech messages; an empty list means it can be used."""
    errs: list[str] = []
    if not _is_number(m.max_points) or m.max_points <= 0:
        errs.append("Maximální počet bodů ukazatele musí být kladné číslo.")
        return errs

    # criteria
    codes = [c.code for c in m.criteria]
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        errs.append(f"Kritérium {dup} je v metodice uvedeno vícekrát.")
    for c in m.criteria:
        if not _is_number(c.weight) or c.weight < 0:
            errs.append(f"Váha kritéria „{c.name}“ musí být nezáporné číslo.")
    total = sum(c.weight for c in m.criteria if _is_number(c.weight))
    if abs(total - 100.0) > 1e-9:
        errs.append(f"Součet vah kritérií je {total:g} %, musí být 100 %.")

    # indicators
    icodes = [i.code for i in m.indicators]
    for dup in sorted({c for c in icodes if icodes.count(c) > 1}):
        errs.append(f"Ukazatel {dup} je v metodice uveden vícekrát.")
    for c in m.criteria:
        if not any(i.criterion == c.code for i in m.indicators):
            errs.append(f"Kritérium „{c.name}“ nemá žádný ukazatel.")
    for i in m.indicators:
        where = f"Ukazatel „{i.name}“ ({i.code})"
        if i.criterion not in codes:
            errs.append(f"{where} patří k neznámému kritériu {i.criterion}.")
        if i.direction not in DIRECTIONS:
            errs.append(f"{where} má neznámý směr „{i.direction}“ (povoleno: vyšší, nižší, hodnocení).")
            continue
        if not _is_number(i.share) or i.share <= 0:
            errs.append(f"{where} musí mít kladný podíl na váze kritéria.")
        if i.direction == "assessment" and i.relative:
            errs.append(f"{where}: hodnocení zadané krajem nemůže být poměřováno referenční hodnotou.")
        if not i.scales:
            errs.append(f"{where} nemá žádnou bodovou stupnici.")
        for key, scale in i.scales.items():
            if scale is None:
                continue
            for e in validate_scale(scale, i.direction, m.max_points, i.value_range):
                errs.append(f"{where}, stupnice pro „{key}“: {e}.")
        for key, ref in i.references.items():
            if not _is_number(ref) or (i.relative and ref <= 0):
                errs.append(f"{where}: referenční hodnota pro „{key}“ musí být kladné číslo.")

    # thresholds
    for key, t in m.thresholds.items():
        if not _is_number(t) or t < 0 or t > 100:
            errs.append(f"Práh pro síť pro „{key}“ musí ležet mezi 0 a 100 body.")

    # every known kind: group, a threshold, each criterion with an applicable indicator, references
    if not m.kind_groups:
        errs.append("Metodika neuvádí žádné druhy služeb (tabulka skupin druhů je prázdná).")
    for kind, form in m.known_combinations():
        label = f"§ {kind}" + (f" ({form})" if form else "")
        if lookup(m.thresholds, m.keys_for(kind, form)) is None:
            errs.append(f"Pro druh {label} není stanoven práh pro síť.")
        for c in m.criteria:
            members = [i for i in m.indicators if i.criterion == c.code and i.direction in DIRECTIONS]
            if members and c.weight > 0 and not any(m.scale_for(i, kind, form) is not None for i in members):
                errs.append(f"Pro druh {label} nemá kritérium „{c.name}“ žádný použitelný ukazatel.")
        for i in m.indicators:
            if i.relative and m.scale_for(i, kind, form) is not None:
                if math.isnan(m.reference_for(i, kind, form)):
                    errs.append(f"Ukazatel „{i.name}“ nemá referenční hodnotu pro druh {label}.")
    return errs


# ----------------------------------------------------------------------------------------------------------
# (de)serialisation – the methodology is stored as JSON data
# ----------------------------------------------------------------------------------------------------------
def methodology_to_dict(m: Methodology) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "year": m.year,
        "version": m.version,
        "max_points": m.max_points,
        "notes": m.notes,
        "criteria": [{"code": c.code, "name": c.name, "weight": c.weight} for c in m.criteria],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "criterion": i.criterion,
                "direction": i.direction,
                "share": i.share,
                "relative": i.relative,
                "unit": i.unit,
                "value_range": list(i.value_range) if i.value_range else None,
                "description": i.description,
                "scales": {
                    k: (None if s is None else {"thresholds": list(s.thresholds), "points": list(s.points)})
                    for k, s in i.scales.items()
                },
                "references": dict(i.references),
            }
            for i in m.indicators
        ],
        "kind_groups": dict(m.kind_groups),
        "thresholds": dict(m.thresholds),
    }


def methodology_from_dict(d: Mapping) -> Methodology:
    return Methodology(
        code=d["code"],
        name=d["name"],
        year=int(d["year"]),
        version=int(d.get("version", 1)),
        max_points=float(d.get("max_points", 10)),
        notes=d.get("notes", ""),
        criteria=tuple(Criterion(c["code"], c["name"], float(c["weight"])) for c in d["criteria"]),
        indicators=tuple(
            Indicator(
                code=i["code"],
                name=i["name"],
                criterion=i["criterion"],
                direction=i["direction"],
                share=float(i.get("share", 1.0)),
                relative=bool(i.get("relative", False)),
                unit=i.get("unit", ""),
                value_range=tuple(i["value_range"]) if i.get("value_range") else None,
                description=i.get("description", ""),
                scales={
                    k: (None if s is None else Scale(tuple(s["thresholds"]), tuple(s["points"])))
                    for k, s in i["scales"].items()
                },
                references={k: float(v) for k, v in i.get("references", {}).items()},
            )
            for i in d["indicators"]
        ),
        kind_groups=dict(d["kind_groups"]),
        thresholds={k: float(v) for k, v in d["thresholds"].items()},
    )
