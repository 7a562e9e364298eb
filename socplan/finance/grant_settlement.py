"""The yearly settlement of a subsidy decision: what the provider returns to the programme, and why.

Framework-free (whole CZK in, whole CZK out). Per service *s* of the decision (docs/financing.md, "Settlement of
a decision")::

    used_s       = min(granted_s, reported_s)     reported_s: the programme's line of the approved actual budget
    over_s       = the service's overcompensation of the year (Decision 2012/21/EU, settle_year)
    share_s      = used_s / public_s               public_s: all public money of the service in that budget
    programme_s  = round_half_up(over_s × share_s) the programme's part of the overcompensation (≤ used_s)

    overpayment  = max(0, paid − Σ used_s)          paid but not used as the decision says
    refund       = min(paid, overpayment + Σ programme_s)

The overcompensation is returned to every public source in proportion to what it paid, so two programmes of the
kraj never both claim the whole of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from socplan.core.money import format_czk

ZERO = Decimal(0)


@dataclass(frozen=True)
class GrantLine:
    service_id: int
    label: str
    granted: Decimal  # the decision's amount for the service
    reported: Decimal  # the programme's line of the approved actual budget
    public: Decimal  # all public money of the service in that budget
    overcompensation: Decimal  # of the service and year (whole CZK)


@dataclass(frozen=True)
class GrantLineResult:
    line: GrantLine
    used: Decimal
    programme_overcompensation: Decimal

    def as_dict(self) -> dict:
        ln = self.line
        return {"service_id": ln.service_id, "label": ln.label, "granted": str(ln.granted),
                "reported": str(ln.reported), "public": str(ln.public), "overcompensation": str(ln.overcompensation),
                "used": str(self.used), "programme_overcompensation": str(self.programme_overcompensation)}


@dataclass(frozen=True)
class GrantSettlement:
    granted: Decimal
    paid: Decimal
    used: Decimal
    overpayment: Decimal
    overcompensation: Decimal
    refund: Decimal
    lines: tuple[GrantLineResult, ...]

    def explain(self) -> str:
        out = []
        for r in self.lines:
            ln = r.line
            out.append(f"{ln.label}: použito min({format_czk(ln.granted)}; {format_czk(ln.reported)}) = "
                       f"{format_czk(r.used)}")
            if ln.overcompensation:
                out.append(f"  nadměrná vyrovnávací platba {format_czk(ln.overcompensation)} × podíl programu "
                           f"{format_czk(r.used)} / {format_czk(ln.public)} = "
                           f"{format_czk(r.programme_overcompensation)}")
        out.append(f"Přeplatek = max(0; vyplaceno {format_czk(self.paid)} − použito {format_czk(self.used)}) = "
                   f"{format_czk(self.overpayment)}")
        out.append(f"Vratka = min(vyplaceno {format_czk(self.paid)}; přeplatek {format_czk(self.overpayment)} + "
                   f"nadměrná platba {format_czk(self.overcompensation)}) = {format_czk(self.refund)}")
        return "\n".join(out)


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), ROUND_HALF_UP)


def settle_grant(lines: Sequence[GrantLine], paid: Decimal) -> GrantSettlement:
    """Settle one decision: ``lines`` per service, ``paid`` the payments made under it (net of nothing)."""
    if paid < 0:
        raise ValueError("paid must not be negative")
    results = []
    for ln in lines:
        if min(ln.granted, ln.reported, ln.public, ln.overcompensation) < 0:
            raise ValueError("amounts must not be negative")
        used = min(ln.granted, ln.reported)
        share = _half_up(ln.overcompensation * used / ln.public) if ln.public else ZERO
        results.append(GrantLineResult(ln, used, min(share, used)))
    used = sum((r.used for r in results), ZERO)
    over = sum((r.programme_overcompensation for r in results), ZERO)
    overpayment = max(paid - used, ZERO)
    refund = min(paid, overpayment + over)
    return GrantSettlement(sum((ln.granted for ln in lines), ZERO), paid, used, overpayment, over, refund,
                           tuple(results))
