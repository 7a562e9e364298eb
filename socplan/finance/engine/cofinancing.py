"""Municipal co-financing: the municipal share of a service divided among the municipalities it serves.

Three bases (docs/financing.md §5):

- ``declared`` — shares the municipalities declared (fractions that must add up to exactly 1);
- ``users`` — the number of the service's users from each municipality;
- ``population`` — the population of each municipality of the served area.

The amount is split in proportion to the basis with the largest-remainder rule, so the parts are whole
crowns adding up exactly to the amount; ties go to the municipality whose code sorts first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import pandas as pd

from socplan.core.money import largest_remainder, to_decimal

from .chapter import source_split
from .params import FinanceParams
from .support import SupportResult, kc, num


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
    if method == SplitMethod.DECLARED and total != 1:
        raise ValueError(f"declared shares must add up to 1 (they add up to {total})")
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


def municipal_amounts(support: SupportResult, params: FinanceParams | None = None) -> dict[object, Decimal]:
    """Municipal part of each entry's co-financing (``source_split``'s ``municipalities``), by service_id."""
    params = params or support.params
    split = source_split(support.to_frame(), params)["municipalities"]
    return {sid: Decimal(int(x)) for sid, x in zip(support.service_ids.tolist(), split.tolist(), strict=True)}


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
    "MunicipalSplit", "MunicipalityPart", "SplitMethod", "municipal_amounts", "municipal_statement",
    "municipality_totals", "split_municipal_share", "statement_text",
]
