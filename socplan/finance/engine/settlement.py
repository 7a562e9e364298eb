"""Settlement (vyúčtování) and overcompensation (nadměrná vyrovnávací platba), Decision 2012/21/EU.

Per service and year (docs/financing.md §6)::

    eligible costs   = actual costs − ineligible costs (NV 98/2015 Sb.; INELIGIBLE_COSTS)
    net cost         = eligible costs − own revenues (user fees, health insurance, other own revenue)
    allowed          = net cost + reasonable profit     (profit = rate × eligible costs, default rate 0)
    compensation     = all public money (state, region, municipalities, other public sources)
    overcompensation = max(0, compensation − allowed), whole CZK half up

Multi-year check over the entrustment period (:func:`check_entrustment`): the years are checked in windows of
``check_interval`` years (Art. 6(2): at least every three years) and at the end of the entrustment. In a window
under- and overcompensation of single years offset each other, and an amount carried over from the previous
window counts as compensation already received. The overcompensation of a window is repaid, or — if it does not
exceed ``carry_over_limit`` (default 10 %) of the window's average annual compensation — carried over to the next
window and deducted there. ``carry_over_mode="threshold"`` (default) follows the Decision's wording: at most
the limit → all of it may be carried over, above the limit → all of it is repaid. ``"excess"`` carries the
part up to the limit and repays only the excess (the reading in domain.md §5.4). After the final window
everything is repaid.

Amounts may have haléře (accounting data); the amounts to repay and carry over are whole crowns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from socplan.core.money import czk, to_decimal

from .support import kc, num

INELIGIBLE_COSTS: dict[str, str] = {
    "outside_basic_activities": "náklady na činnosti mimo základní činnosti druhu služby",
    "health_care": "zdravotní péče poskytovaná podle § 36 zákona",
    "long_term_assets": "pořízení dlouhodobého hmotného a nehmotného majetku",
    "depreciation_reserves": "odpisy, rezervy a opravné položky",
    "employee_benefits": "nenárokové benefity zaměstnanců",
    "financial_leasing": "finanční leasing (kromě leasingu vozidel)",
    "unrelated_taxes": "daně a poplatky nesouvisející se službou",
    "reclaimable_vat": "DPH, u níž lze uplatnit nárok na odpočet",
    "fines_interest_gifts_losses": "pokuty, penále, úroky, dary, ztráty a tvorba fondů",
}
OWN_REVENUE_LABEL = {"users": "úhrady uživatelů", "health_insurance": "zdravotní pojišťovny",
                     "other_own": "ostatní vlastní výnosy"}
PUBLIC_SOURCE_LABEL = {"state": "dotace ze státního rozpočtu", "region": "kraj", "municipalities": "obce",
                       "other_public": "ostatní veřejné zdroje"}
THRESHOLD, EXCESS = "threshold", "excess"
ZERO = Decimal(0)


@dataclass(frozen=True)
class SettlementParams:
    reasonable_profit_rate: Decimal = ZERO  # share of eligible costs
    carry_over_limit: Decimal = Decimal("0.10")  # share of the average annual compensation
    carry_over_mode: str = THRESHOLD
    check_interval: int = 3

    def __post_init__(self):
        object.__setattr__(self, "reasonable_profit_rate", to_decimal(self.reasonable_profit_rate))
        object.__setattr__(self, "carry_over_limit", to_decimal(self.carry_over_limit))
        if self.reasonable_profit_rate < 0 or self.carry_over_limit < 0:
            raise ValueError("rates must not be negative")
        if self.carry_over_mode not in (THRESHOLD, EXCESS):
            raise ValueError("carry_over_mode must be 'threshold' or 'excess'")
        if self.check_interval < 1:
            raise ValueError("check_interval must be at least 1")


@dataclass(frozen=True)
class YearAccount:
    """Actual figures of one service and year. Cost lines whose key is in INELIGIBLE_COSTS are excluded."""

    service_id: object
    year: int
    costs: Mapping[str, Decimal]
    revenues: Mapping[str, Decimal] = field(default_factory=dict)  # own revenues
    compensation: Mapping[str, Decimal] = field(default_factory=dict)  # public sources

    def __post_init__(self):
        for name in ("costs", "revenues", "compensation"):
            values = {str(k): to_decimal(v) for k, v in getattr(self, name).items()}
            for k, v in values.items():
                if v < 0:
                    raise ValueError(f"{name}[{k}] must not be negative")
            object.__setattr__(self, name, values)


@dataclass(frozen=True)
class YearSettlement:
    service_id: object
    year: int
    total_costs: Decimal
    ineligible_costs: Decimal
    eligible_costs: Decimal
    own_revenues: Decimal
    net_cost: Decimal
    reasonable_profit: Decimal
    allowed: Decimal
    compensation: Decimal
    overcompensation: Decimal  # whole CZK
    undercompensation: Decimal  # whole CZK
    account: YearAccount = field(repr=False)

    def explain(self) -> str:
        a = self.account
        lines = [f"Vyúčtování služby {self.service_id} za rok {self.year}"]
        lines.append(f"Skutečné náklady celkem {kc(self.total_costs)}")
        for key, value in a.costs.items():
            if key in INELIGIBLE_COSTS and value:
                lines.append(f"  − neuznatelné: {INELIGIBLE_COSTS[key]} {kc(value)}")
        lines.append(f"Uznatelné náklady = {num(self.total_costs)} − {num(self.ineligible_costs)} = {kc(self.eligible_costs)}")
        rev = " + ".join(f"{OWN_REVENUE_LABEL.get(k, k)} {num(v)}" for k, v in a.revenues.items()) or "0"
        lines.append(f"Vlastní výnosy = {rev} = {kc(self.own_revenues)}")
        lines.append(f"Čisté náklady = {num(self.eligible_costs)} − {num(self.own_revenues)} = {kc(self.net_cost)}")
        lines.append(f"Přiměřený zisk = {num(self.reasonable_profit)} Kč; nejvyšší přípustná vyrovnávací platba = "
                     f"{num(self.net_cost)} + {num(self.reasonable_profit)} = {kc(self.allowed)}")
        pub = " + ".join(f"{PUBLIC_SOURCE_LABEL.get(k, k)} {num(v)}" for k, v in a.compensation.items()) or "0"
        lines.append(f"Veřejné prostředky = {pub} = {kc(self.compensation)}")
        if self.overcompensation:
            lines.append(f"Nadměrná vyrovnávací platba = {num(self.compensation)} − {num(self.allowed)} = "
                         f"{kc(self.overcompensation)}")
        else:
            lines.append(f"Bez nadměrné vyrovnávací platby (nedofinancováno {kc(self.undercompensation)}).")
        return "\n".join(lines)


def settle_year(account: YearAccount, params: SettlementParams | None = None) -> YearSettlement:
    params = params or SettlementParams()
    total = sum(account.costs.values(), ZERO)
    ineligible = sum((v for k, v in account.costs.items() if k in INELIGIBLE_COSTS), ZERO)
    eligible = total - ineligible
    own = sum(account.revenues.values(), ZERO)
    net = eligible - own
    profit = czk(params.reasonable_profit_rate * eligible) if params.reasonable_profit_rate else ZERO
    allowed = net + profit
    comp = sum(account.compensation.values(), ZERO)
    diff = comp - allowed
    return YearSettlement(account.service_id, account.year, total, ineligible, eligible, own, net, profit, allowed,
                          comp, czk(max(diff, ZERO)), czk(max(-diff, ZERO)), account)


@dataclass(frozen=True)
class CheckWindow:
    years: tuple[int, ...]
    compensation: Decimal  # public money paid in the window's years
    carried_in: Decimal  # overcompensation carried over from the previous window
    allowed: Decimal
    overcompensation: Decimal  # whole CZK
    average_compensation: Decimal  # per year, 2 decimals (display)
    limit: Decimal  # carry_over_limit × average, 2 decimals (display; the test itself is exact)
    within_limit: bool
    carry_over: Decimal  # to the next window
    repayment: Decimal
    final: bool


@dataclass(frozen=True)
class EntrustmentCheck:
    service_id: object
    years: tuple[YearSettlement, ...]
    windows: tuple[CheckWindow, ...]
    params: SettlementParams

    @property
    def total_repayment(self) -> Decimal:
        return sum((w.repayment for w in self.windows), ZERO)

    @property
    def carried_out(self) -> Decimal:
        return self.windows[-1].carry_over if self.windows else ZERO

    def explain(self) -> str:
        p = self.params
        lines = [f"Kontrola nadměrné vyrovnávací platby služby {self.service_id} za období pověření "
                 f"{self.years[0].year}–{self.years[-1].year} (kontrola po {p.check_interval} letech a na konci pověření)."]
        for w in self.windows:
            span = f"{w.years[0]}–{w.years[-1]}" if len(w.years) > 1 else str(w.years[0])
            comp = f"{num(w.compensation)}" + (f" + převod {num(w.carried_in)}" if w.carried_in else "")
            lines.append(f"Období {span}: veřejné prostředky {comp} Kč, přípustná platba {kc(w.allowed)}, "
                         f"nadměrná vyrovnávací platba {kc(w.overcompensation)}.")
            if w.overcompensation:
                lines.append(f"  Průměrná roční vyrovnávací platba {kc(w.average_compensation)}; limit pro převod "
                             f"{num(p.carry_over_limit * 100)} % = {kc(w.limit)}.")
                if w.final:
                    lines.append(f"  Konec pověření: vrátit {kc(w.repayment)}.")
                elif w.carry_over and w.repayment:
                    lines.append(f"  Převod do dalšího období {kc(w.carry_over)}, vrátit {kc(w.repayment)}.")
                elif w.carry_over:
                    lines.append(f"  Nepřesahuje limit: převést do dalšího období {kc(w.carry_over)} "
                                 "(odečte se od vyrovnávací platby příštího období).")
                else:
                    lines.append(f"  Přesahuje limit: vrátit {kc(w.repayment)}.")
        lines.append(f"Celkem vrátit {kc(self.total_repayment)}.")
        return "\n".join(lines)


def check_entrustment(accounts: Sequence[YearAccount], params: SettlementParams | None = None, *,
                      final: bool = True) -> EntrustmentCheck:
    """Multi-year overcompensation check of one service (accounts of consecutive years)."""
    params = params or SettlementParams()
    if not accounts:
        raise ValueError("no years to check")
    ids = {a.service_id for a in accounts}
    if len(ids) != 1:
        raise ValueError("accounts of one service expected")
    accounts = sorted(accounts, key=lambda a: a.year)
    years = tuple(settle_year(a, params) for a in accounts)
    windows = []
    carried = ZERO
    step = params.check_interval
    for start in range(0, len(years), step):
        chunk = years[start:start + step]
        is_final = final and start + step >= len(years)
        comp = sum((y.compensation for y in chunk), ZERO)
        allowed = sum((y.allowed for y in chunk), ZERO)
        over = czk(max(comp + carried - allowed, ZERO))
        n = len(chunk)
        # over ≤ limit × comp / n, compared without dividing
        within = over * n <= params.carry_over_limit * comp
        limit = (params.carry_over_limit * comp / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if over == 0:
            carry, repay = ZERO, ZERO
        elif is_final:
            carry, repay = ZERO, over
        elif params.carry_over_mode == THRESHOLD:
            carry, repay = (over, ZERO) if within else (ZERO, over)
        else:
            carry = min(over, (params.carry_over_limit * comp / n).quantize(Decimal(1), rounding="ROUND_FLOOR"))
            repay = over - carry
        windows.append(CheckWindow(
            years=tuple(y.year for y in chunk), compensation=comp, carried_in=carried, allowed=allowed,
            overcompensation=over,
            average_compensation=(comp / n).quantize(Decimal("0.01"), ROUND_HALF_UP),
            limit=limit, within_limit=within, carry_over=carry, repayment=repay, final=is_final,
        ))
        carried = carry
    return EntrustmentCheck(accounts[0].service_id, years, tuple(windows), params)
