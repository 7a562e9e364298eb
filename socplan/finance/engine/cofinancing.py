"""Municipal co-financing: the required share of each network entry, its split among municipalities and the
comparison with what the municipalities declared (docs/financing.md §5).

**The one definition.** The municipalities co-finance an entry of the network with::

    required = round_half_up(rate × ON)        whole CZK

where ON is the entry's optimised cost (:mod:`.support`) and ``rate`` the network's yearly co-financing rate for
the entry's kind, form and tier (0, or within 10–20 %; given to the engine as the share ``municipal_rate``).
:func:`required_share` computes one entry in Decimal, :func:`required_shares` the whole network in exact scaled
integers; ``compute_support`` uses the latter, so the optimal support, the financial chapter and the co-financing
statement all read the same numbers.

**The split.** The required share of an entry is divided among municipalities in proportion to a basis:

- ``declared`` — the amounts the municipalities declared for the service (co-financing declarations), or shares
  that add up to exactly 1;
- ``users`` — the number of the service's users from each municipality;
- ``population`` — the population of each municipality of the served area.

with the largest-remainder rule, so the parts are whole crowns adding up exactly to the amount; ties go to the
municipality whose code sorts first.

**The statement** (:func:`cofinancing_statement`) compares the split with the declarations: per entry, per
municipality and in total — required, declared, difference (declared − required). A service's declared amounts
are apportioned among its entries in proportion to their required shares (largest remainder), so every total
adds up to the crown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import pandas as pd

from socplan.core.money import format_number, largest_remainder, to_decimal

from .params import SHARE_DIGITS


class ComputedShares(Protocol):
    """What :func:`municipal_amounts` reads of a computed network (``support.SupportResult`` has both arrays);
    a protocol rather than an import, because support imports this module."""

    service_ids: Any
    municipal_cofinancing: Any


ZERO = Decimal(0)
_INT64_SAFE = 2**62


def num(d) -> str:
    d = to_decimal(d)
    exp = d.normalize().as_tuple().exponent
    return format_number(d, max(0, -int(exp)))


def kc(d) -> str:
    return num(d) + "\xa0Kč"


# --- the required share ---------------------------------------------------------------------------------------

def required_share(optimised_cost, rate) -> Decimal:
    """``round_half_up(rate × ON)`` in whole CZK; ``rate`` is a share (0.15 = 15 %) with at most 4 decimals."""
    on, rate = to_decimal(optimised_cost), to_decimal(rate)
    if on != on.to_integral_value() or on < 0:
        raise ValueError("the optimised cost must be a non-negative whole number of crowns")
    if not (0 <= rate <= 1) or rate != rate.quantize(Decimal(1).scaleb(-SHARE_DIGITS)):
        raise ValueError(f"the rate must be a share between 0 and 1 with at most {SHARE_DIGITS} decimals")
    return (on * rate).quantize(Decimal(1), ROUND_HALF_UP)


def required_shares(optimised_cost: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Vectorised :func:`required_share`: ON in whole CZK (int64), rate in units of 10⁻⁴ (int64) → int64 CZK.

    Exact: the product is an integer in units of 10⁻⁴ Kč, rounded half up by integer arithmetic (Python
    integers when the product could overflow int64).
    """
    on = np.asarray(optimised_cost, dtype=np.int64)
    rate = np.asarray(rate, dtype=np.int64)
    if (rate < 0).any() or (rate > 10**SHARE_DIGITS).any():
        raise ValueError("rates must be shares between 0 and 1")
    unit = 10**SHARE_DIGITS
    bound = (int(on.max()) if on.size else 0) * (int(rate.max()) if rate.size else 0)
    if bound < _INT64_SAFE:
        return (on * rate + unit // 2) // unit
    out = (on.astype(object) * rate.astype(object) + unit // 2) // unit
    return np.asarray(out.tolist(), dtype=np.int64)


class SplitMethod(StrEnum):
    DECLARED = "declared"  # deklarované podíly
    USERS = "users"  # podle počtu uživatelů z obce
    POPULATION = "population"  # podle počtu obyvatel obsluhovaného území


METHOD_LABEL = {
    SplitMethod.DECLARED: "deklarovaných podílů obcí",
    SplitMethod.USERS: "počtu uživatelů z jednotlivých obcí",
    SplitMethod.POPULATION: "počtu obyvatel obsluhovaného území",
}


@dataclass(frozen=True)
class MunicipalityPart:
    municipality: str
    basis: Decimal  # declared share, users or population
    share_pct: Decimal  # basis / Σbasis in %, 4 decimals (display)
    exact: Decimal  # amount × share, 2 decimals (display)
    amount: Decimal  # whole CZK


@dataclass(frozen=True)
class MunicipalSplit:
    service_id: object
    amount: Decimal
    method: SplitMethod
    parts: tuple[MunicipalityPart, ...]

    def part(self, municipality: str) -> Decimal:
        for p in self.parts:
            if p.municipality == str(municipality):
                return p.amount
        return Decimal(0)

    def explain(self) -> str:
        lines = [f"Podíl obcí na financování služby {self.service_id}: {kc(self.amount)}, rozděleno podle "
                 f"{METHOD_LABEL[self.method]} (metoda největších zbytků, součet přesně {kc(self.amount)})."]
        total = sum((p.basis for p in self.parts), Decimal(0))
        for p in self.parts:
            lines.append(f"Obec {p.municipality}: {num(p.basis)} / {num(total)} = {num(p.share_pct)} % × "
                         f"{kc(self.amount)} = {num(p.exact)} Kč → {kc(p.amount)}")
        return "\n".join(lines)


def split_municipal_share(service_id, amount, method: SplitMethod | str,
                          basis: Mapping[str, object]) -> MunicipalSplit:
    """Split ``amount`` (whole CZK) among the municipalities in ``basis`` ({code: share/users/population})."""
    method = SplitMethod(method)
    amount = to_decimal(amount)
    if amount != amount.to_integral_value() or amount < 0:
        raise ValueError("amount must be a non-negative whole number of crowns")
    if not basis:
        raise ValueError("no municipalities to split among")
    codes = sorted(str(k) for k in basis)
    values = {str(k): to_decimal(v) for k, v in basis.items()}
    weights = [values[c] for c in codes]
    if any(w < 0 for w in weights):
        raise ValueError("basis values must not be negative")
    total = sum(weights, Decimal(0))
    if total == 0:
        raise ValueError("basis values add up to zero")
    if method == SplitMethod.DECLARED and total != 1 and any(w != w.to_integral_value() for w in weights):
        raise ValueError(f"declared shares must add up to 1 (they add up to {total}); declared amounts must be "
                         "whole crowns")
    if method in (SplitMethod.USERS, SplitMethod.POPULATION) and any(w != w.to_integral_value() for w in weights):
        raise ValueError("users and population must be whole numbers")
    amounts = largest_remainder(amount, weights)
    parts = tuple(
        MunicipalityPart(
            municipality=c,
            basis=w,
            share_pct=(w * 100 / total).quantize(Decimal("0.0001"), ROUND_HALF_UP),
            exact=(amount * w / total).quantize(Decimal("0.01"), ROUND_HALF_UP),
            amount=a,
        )
        for c, w, a in zip(codes, weights, amounts, strict=True)
    )
    return MunicipalSplit(service_id, amount, method, parts)


def municipal_amounts(support: ComputedShares) -> dict[object, Decimal]:
    """The required municipal share of every entry of a computed network (``SupportResult``), by service_id."""
    return {sid: Decimal(int(x)) for sid, x in
            zip(support.service_ids.tolist(), support.municipal_cofinancing.tolist(), strict=True)}


# --- the statement: required against declared -------------------------------------------------------------

@dataclass(frozen=True)
class EntryShare:
    """One entry's required share and how it is split (input of :func:`cofinancing_statement`)."""

    key: object  # the entry (unique)
    service: object  # the service: declarations are made per service and year
    required: Decimal  # whole CZK (:func:`required_share`)
    method: SplitMethod | None = None  # None: no municipality to split among (the share stays unassigned)
    basis: Mapping[str, object] | None = None  # municipality code → declared amount / users / population
    # two levels instead of ``basis``: first among groups (e.g. the ORPs of the service's scope) in proportion to
    # their weights, then within each group by its basis: ((label, weight, {municipality: basis}), …)
    groups: tuple[tuple[str, object, Mapping[str, object]], ...] | None = None

    def __post_init__(self):
        object.__setattr__(self, "required", to_decimal(self.required))
        object.__setattr__(self, "basis", dict(self.basis or {}))
        if self.groups is not None:
            object.__setattr__(self, "groups", tuple((str(g), to_decimal(w), dict(b)) for g, w, b in self.groups))

    def split(self) -> list[MunicipalSplit]:
        """The split of the required share (one part per group; none when there is nothing to split)."""
        if self.required <= 0 or self.method is None:
            return []
        if self.groups:
            groups = [g for g in self.groups if g[2]]
            out = []
            for (label, _w, basis), part in zip(groups, apportion(self.required, [g[1] for g in groups]),
                                                strict=True):
                if part > 0:
                    out.append(split_municipal_share(f"{self.key}@{label}", part, self.method, basis))
            return out
        if not self.basis:
            return []
        return [split_municipal_share(self.key, self.required, self.method, self.basis)]


@dataclass(frozen=True)
class StatementLine:
    """One municipality's part of one entry."""

    key: object
    service: object
    municipality: str
    method: SplitMethod | None
    basis: Decimal
    share_pct: Decimal | None  # the municipality's part of the entry's required share, % (4 decimals)
    required: Decimal
    declared: Decimal

    @property
    def difference(self) -> Decimal:
        return self.declared - self.required


@dataclass(frozen=True)
class EntryBalance:
    key: object
    service: object
    method: SplitMethod | None
    required: Decimal
    declared: Decimal
    unassigned: Decimal  # required but not split (no municipality to split among)

    @property
    def difference(self) -> Decimal:
        return self.declared - self.required


@dataclass(frozen=True)
class MunicipalityBalance:
    municipality: str
    required: Decimal
    declared: Decimal

    @property
    def difference(self) -> Decimal:
        return self.declared - self.required


@dataclass(frozen=True)
class StatementResult:
    entries: tuple[EntryBalance, ...]
    municipalities: tuple[MunicipalityBalance, ...]
    lines: tuple[StatementLine, ...]
    splits: tuple[MunicipalSplit, ...]

    @property
    def required(self) -> Decimal:
        return sum((e.required for e in self.entries), ZERO)

    @property
    def declared(self) -> Decimal:
        return sum((e.declared for e in self.entries), ZERO)

    @property
    def unassigned(self) -> Decimal:
        return sum((e.unassigned for e in self.entries), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.declared - self.required


def apportion(amount, weights: Sequence[object]) -> list[Decimal]:
    """``amount`` (whole CZK) in proportion to ``weights`` (largest remainder); equal parts when they are all 0."""
    weights = [to_decimal(w) for w in weights]
    if not weights:
        return []
    if sum(weights, ZERO) == 0:
        weights = [Decimal(1)] * len(weights)
    return largest_remainder(to_decimal(amount), weights)


def cofinancing_statement(entries: Iterable[EntryShare],
                          declared: Mapping[object, Mapping[str, object]]) -> StatementResult:
    """Required against declared, per entry, per municipality and per (entry, municipality), exact to the crown.

    ``declared`` = {service: {municipality code: declared amount (whole CZK)}}. The required share of each entry
    is split by its method and basis (:func:`split_municipal_share`); the declared amounts of a service are
    apportioned among the service's entries in proportion to their required shares (:func:`apportion`).
    Declarations of services without an entry here are not part of the statement.
    """
    entries = list(entries)
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate entry keys")
    by_service: dict[object, list[EntryShare]] = defaultdict(list)
    for e in entries:
        by_service[e.service].append(e)
    # declared per (entry, municipality)
    decl: dict[object, dict[str, Decimal]] = defaultdict(dict)
    for service, amounts in declared.items():
        siblings = by_service.get(service)
        if not siblings:
            continue
        amounts = {str(c): v for c, v in amounts.items()}
        for code in sorted(amounts):
            amount = to_decimal(amounts[code])
            if amount < 0 or amount != amount.to_integral_value():
                raise ValueError("declared amounts must be non-negative whole crowns")
            if amount == 0:
                continue
            for e, part in zip(siblings, apportion(amount, [x.required for x in siblings]), strict=True):
                if part:
                    decl[e.key][code] = decl[e.key].get(code, ZERO) + part
    lines, balances, splits = [], [], []
    for e in entries:
        parts: dict[str, Decimal] = defaultdict(lambda: ZERO)
        bases: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for split in e.split():
            splits.append(split)
            for p in split.parts:
                parts[p.municipality] += p.amount
                bases[p.municipality] += p.basis
        method = e.method if parts else None
        assigned = sum(parts.values(), ZERO)
        mine = decl.get(e.key, {})
        for code in sorted(set(parts) | set(mine)):
            req = parts.get(code, ZERO)
            dec = mine.get(code, ZERO)
            if req == 0 and dec == 0:
                continue
            share = (req * 100 / e.required).quantize(Decimal("0.0001"), ROUND_HALF_UP) if code in parts else None
            lines.append(StatementLine(e.key, e.service, code, method if code in parts else None,
                                       bases.get(code, ZERO), share, req, dec))
        balances.append(EntryBalance(e.key, e.service, method, e.required, sum(mine.values(), ZERO),
                                     e.required - assigned))
    per_muni: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for ln in lines:
        per_muni[ln.municipality][0] += ln.required
        per_muni[ln.municipality][1] += ln.declared
    munis = tuple(MunicipalityBalance(c, r, d) for c, (r, d) in sorted(per_muni.items()))
    return StatementResult(tuple(balances), munis, tuple(lines), tuple(splits))


def municipal_statement(splits: Iterable[MunicipalSplit]) -> pd.DataFrame:
    """One row per (municipality, service) plus a ``Celkem`` row per municipality.

    Columns: municipality, service_id, method, basis, share_pct, amount (Decimal). The per-municipality totals
    are exact sums, and over all municipalities they add up to the sum of the services' amounts.
    """
    rows = []
    for s in splits:
        for p in s.parts:
            rows.append({"municipality": p.municipality, "service_id": s.service_id, "method": s.method.value,
                         "basis": p.basis, "share_pct": p.share_pct, "amount": p.amount})
    if not rows:
        return pd.DataFrame(columns=["municipality", "service_id", "method", "basis", "share_pct", "amount"])
    df = pd.DataFrame(rows)
    df["_sid"] = df["service_id"].astype(str)
    df = df.sort_values(["municipality", "_sid"], kind="stable").drop(columns="_sid")
    out = []
    for muni, g in df.groupby("municipality", sort=True):
        out.append(g)
        out.append(pd.DataFrame([{"municipality": muni, "service_id": "Celkem", "method": "", "basis": None,
                                  "share_pct": None, "amount": sum(g["amount"], Decimal(0))}]))
    return pd.concat(out, ignore_index=True)


def municipality_totals(splits: Iterable[MunicipalSplit]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for s in splits:
        for p in s.parts:
            totals[p.municipality] = totals.get(p.municipality, Decimal(0)) + p.amount
    return dict(sorted(totals.items()))


def statement_text(splits: Iterable[MunicipalSplit], municipality: str) -> str:
    """Czech statement for one municipality: each service's amount and the total."""
    lines = [f"Výkaz spolufinancování – obec {municipality}"]
    total = Decimal(0)
    for s in splits:
        for p in s.parts:
            if p.municipality == str(municipality):
                lines.append(f"Služba {s.service_id}: {num(p.share_pct)} % z {kc(s.amount)} "
                             f"(podle {METHOD_LABEL[s.method]}) = {kc(p.amount)}")
                total += p.amount
    lines.append(f"Celkem: {kc(total)}")
    return "\n".join(lines)


__all__ = [
    "EntryBalance", "EntryShare", "MunicipalSplit", "MunicipalityBalance", "MunicipalityPart", "SplitMethod",
    "StatementLine", "StatementResult", "apportion", "cofinancing_statement", "municipal_amounts",
    "municipal_statement", "municipality_totals", "required_share", "required_shares", "split_municipal_share",
    "statement_text",
]
