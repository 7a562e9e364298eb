"""Reads of subsidy programmes, decisions, payments and settlements, restricted to what the user may see.

Programmes and rounds are public (they are the kraj's published rules). Decisions, payments and settlements
are private: the kraj's staff see all of their kraj, a provider only its own — and decisions exist only for
approved allocations in force, so a provider never sees a proposal. The documents app reads
:func:`decision_data` (typed) to print a decision and its Pověření; the amounts are the approved run's rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from socplan.accounts.immutability import current_approved
from socplan.accounts.scope import restrict

from . import engine, layers
from .models import (
    AllocationRow,
    AllocationRun,
    GrantDecision,
    Payment,
    PaymentInstalment,
    Programme,
    ProgrammeRound,
    ProviderBudget,
    ReportState,
)
from .services import year_account

ZERO = Decimal(0)


def programmes(user, *, region=None, year: int | None = None):
    qs = Programme.objects.select_related("region").defer("region__boundary").prefetch_related(
        "kinds", Prefetch("rounds", queryset=ProgrammeRound.objects.order_by("number")))
    if region is not None:
        qs = qs.filter(region=region)
    if year is not None:
        qs = qs.filter(year=year)
    return restrict(qs, user, "view")


def round_runs(user, rnd: ProgrammeRound):
    """The allocation runs of a round (kraj staff; nobody else sees proposals)."""
    return restrict(AllocationRun.objects.filter(programme_round=rnd), user, "view").select_related(
        "created_by", "approved_by").order_by("-created_at", "-pk")


def round_in_force(rnd: ProgrammeRound) -> AllocationRun | None:
    """The approved allocation in force of the round (one at most: the database holds the rule)."""
    return current_approved(AllocationRun.objects.filter(programme_round=rnd)).first()


def decisions(user, *, programme_round=None, provider=None, in_force_only: bool = False):
    qs = GrantDecision.objects.select_related("provider", "programme_round__programme", "run")
    if programme_round is not None:
        qs = qs.filter(programme_round=programme_round)
    if provider is not None:
        qs = qs.filter(provider=provider)
    if in_force_only:
        qs = qs.filter(run__in=current_approved(AllocationRun.objects.all()))
    return restrict(qs, user, "view").order_by("-programme_round__programme__year", "number")


@dataclass(frozen=True)
class DecisionService:
    """One service of a decision: its amount is the approved run's row(s), whole CZK."""

    service_id: int
    name: str
    identifier: str
    kind_code: str
    territory: str
    optimal_support: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DecisionData:
    """Everything a decision or Pověření document prints (the contract with the documents app)."""

    decision: GrantDecision
    programme: Programme
    programme_round: ProgrammeRound
    region_name: str
    services: tuple[DecisionService, ...]
    instalments: tuple[PaymentInstalment, ...]

    @property
    def total(self) -> Decimal:
        return sum((s.amount for s in self.services), ZERO)


def decision_data(decision: GrantDecision) -> DecisionData:
    """The decision with its services (amounts from the approved run) and payment schedule."""
    decision = GrantDecision.objects.select_related(
        "provider", "programme_round__programme__region", "run").defer(
        "programme_round__programme__region__boundary").get(pk=decision.pk)
    rows = AllocationRow.objects.filter(run=decision.run, service__provider=decision.provider).select_related(
        "service", "orp", "district").defer("orp__boundary", "district__boundary").order_by("service__name", "key")
    per_service: dict[int, list[AllocationRow]] = defaultdict(list)
    for row in rows:
        per_service[row.service_id].append(row)
    services = []
    for sid, rs in per_service.items():
        s = rs[0].service
        territory = rs[0].orp.name if rs[0].orp else (rs[0].district.name if rs[0].district else "")
        services.append(DecisionService(sid, s.name, s.identifier, rs[0].kind_code, territory,
                                        sum((r.optimal_support for r in rs), ZERO),
                                        sum((r.allocated for r in rs), ZERO)))
    rnd = decision.programme_round
    return DecisionData(decision, rnd.programme, rnd, rnd.programme.region.name,
                        tuple(s for s in services if s.amount > 0),
                        tuple(decision.instalments.order_by("order")))


def payments(decision: GrantDecision):
    return Payment.objects.filter(decision=decision).select_related("created_by").order_by("paid_on", "pk")


# --- multi-year overcompensation check ----------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceCheck:
    service_id: int
    name: str
    years: tuple[int, ...]
    check: engine.EntrustmentCheck | None
    missing_years: tuple[int, ...]


def overcompensation_checks(provider, programme: Programme) -> list[ServiceCheck]:
    """Per service of the provider the multi-year check over the programme's entrustment period (Decision
    2012/21/EU; the programme's reasonable profit and carry-over limit), from the approved actual budgets
    (after the tax return where approved). Years without an approved actual budget are listed, not guessed;
    the check is final when the last year of the entrustment has its budget."""
    params = engine.SettlementParams(reasonable_profit_rate=programme.profit_rate,
                                     carry_over_limit=programme.carry_over_limit)
    period = list(range(programme.entrustment_from, programme.entrustment_to + 1))
    budgets = ProviderBudget.objects.filter(service__provider=provider, year__in=period,
                                            state=ReportState.APPROVED, term__in=("actual", "actual_tax"))
    best: dict[tuple[int, int], ProviderBudget] = {}
    names = {}
    for b in budgets.select_related("service").order_by("term"):  # "actual" < "actual_tax": the later wins
        best[(b.service_id, b.year)] = b
        names[b.service_id] = b.service.name
    out = []
    for sid in sorted(names, key=lambda i: (names[i], i)):
        years = tuple(y for y in period if (sid, y) in best)
        missing = tuple(y for y in period if (sid, y) not in best)
        accounts = layers.accounts_with_layers([year_account(best[(sid, y)]) for y in years], provider=provider)
        check = engine.check_entrustment(accounts, params, final=period[-1] in years) if accounts else None
        out.append(ServiceCheck(sid, names[sid], years, check, missing))
    return out
