"""Writes of subsidy programmes (dotační programy): programmes and rounds, the decisions issued from a round's
approved allocation, their payment schedules, payments and refunds, and the yearly settlement of a decision.

One keyword-only function per domain action, atomic, checking the actor through the permission layer and
writing the history in the same transaction (``actor=None`` is the system: demo loader, commands).
Issuing decisions is part of the allocation decision (``DecisionKind.ALLOCATION_APPROVE``); recording payments
and settling is the kraj staff's ``change``. Rules and formulas: docs/financing.md ("Programmes").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.decisions import DecisionKind
from socplan.accounts.immutability import current_approved
from socplan.core.money import largest_remainder
from socplan.registry.models import Provider

from . import engine
from . import inbox as notices
from .grant_settlement import GrantLine, settle_grant
from .models import (
    SCHEDULE_INSTALMENTS,
    AllocationRow,
    AllocationRun,
    DecisionSettlement,
    GrantDecision,
    Payment,
    PaymentInstalment,
    PaymentKind,
    Programme,
    ProgrammeKindLimit,
    ProgrammeRound,
)
from .services import _audit, _decide_guard, _guard, _n, settlement_basis, year_account

ZERO = Decimal(0)
MAX_AMOUNT = Decimal(10) ** 13  # bounded money input (the columns hold 15 digits)
ADVANCE_DAY = 20  # advances fall due on the 20th of the quarter's (half-year's) first month …
FIRST_ADVANCE_DAYS = 21  # … but never earlier than three weeks after the decision
DEFAULT_REFUND_DAYS = 30


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# --- programmes and rounds ----------------------------------------------------------------------------------

PROGRAMME_FIELDS = ("code", "name", "legal_basis", "budget", "instrument", "payment_schedule", "damping_max_drop",
                    "district_min_per_capita", "profit_rate", "carry_over_limit", "entrustment_from", "entrustment_to", "conditions",
                    "illustrative", "note")


@transaction.atomic
def programme_create(*, actor, region, year: int, kinds=(), **data) -> Programme:
    """A subsidy programme of the kraj and year (``kinds``: the eligible kinds; none = every kind)."""
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    programme = Programme(region=region, year=year, **data)
    _guard(actor, "change", programme)
    programme.full_clean()
    _audit(programme, actor, _("program založen"))
    programme.save()
    programme.kinds.set(kinds)
    return programme


# Fields that decide how a round's budget is allocated (and the code: last year's amounts of the same programme
# feed the damping floors): frozen once a round of the programme has an approved allocation.
PROGRAMME_RULE_FIELDS = ("code", "legal_basis", "damping_max_drop", "district_min_per_capita")
ROUND_FIELDS = ("number", "budget", "applications_from", "applications_to", "decisions_by", "reports_by",
                "refund_due")
ROUND_RULE_FIELDS = ("number", "budget")


def approved_round_numbers(programme: Programme) -> list[int]:
    """Numbers of the programme's rounds that have an approved allocation (proposals do not count)."""
    return sorted(set(AllocationRun.objects.filter(programme_round__programme=programme, approved_at__isnull=False)
                      .values_list("programme_round__number", flat=True)))


def _rounds_text(numbers) -> str:
    return ", ".join(f"{n}." for n in numbers)


@transaction.atomic
def programme_update(*, actor, programme: Programme, data: dict, kinds=None,
                     expected_version: int | None = None) -> Programme:
    """Change a programme's data (``data``: fields of ``PROGRAMME_FIELDS``; ``kinds``: the eligible kinds, None =
    unchanged). Optimistic locking on the programme; the rounds' budgets must stay within the programme's budget;
    once a round has an approved allocation, the allocation rules (``PROGRAMME_RULE_FIELDS``, the eligible kinds)
    stay as they were approved."""
    from socplan.core.services import model_update

    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _guard(actor, "change", programme)
    approved = approved_round_numbers(programme)
    kinds_changed = kinds is not None and {k.pk for k in kinds} != set(programme.kinds.values_list("pk", flat=True))
    fresh = expected_version is None or programme.version == expected_version  # stale: model_update says so
    if approved and fresh:
        errors = {}
        for name in PROGRAMME_RULE_FIELDS:
            if name in data and data[name] != getattr(programme, name):
                errors[name] = _("Nelze změnit: kolo %(rounds)s má schválené rozdělení podle platných pravidel "
                                 "programu.") % {"rounds": _rounds_text(approved)}
        if kinds_changed:
            errors["kinds"] = _("Oprávněné druhy nelze změnit: kolo %(rounds)s má schválené rozdělení.") % {
                "rounds": _rounds_text(approved)}
        if errors:
            raise ValidationError(errors)
    used = programme.rounds.aggregate(s=Sum("budget"))["s"] or ZERO
    if fresh and "budget" in data and data["budget"] is not None and Decimal(data["budget"]) < used:
        raise ValidationError({"budget": _("Rozpočet programu nesmí být nižší než součet rozpočtů jeho kol "
                                           "(%(sum)s Kč).") % {"sum": _n(used)}})
    programme, changed = model_update(instance=programme, data=data, actor=actor, expected_version=expected_version,
                                      reason=str(_("program upraven")))
    if kinds_changed:
        programme.kinds.set(kinds)
        if not changed:  # only the kinds: a new version and a history record all the same
            programme.version += 1
            _audit(programme, actor, _("oprávněné druhy změněny"))
            programme.save(update_fields=["version"])
    return programme


@transaction.atomic
def programme_kind_limit_set(*, actor, programme: Programme, kind, total_floor=None,
                             total_cap=None) -> ProgrammeKindLimit | None:
    """Set (or, with neither amount, remove) the programme's total floor and cap of one kind of service (the
    weighted fair-share mode shares them inside the kind: ``engine.GroupLimits``)."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    limit = ProgrammeKindLimit.objects.filter(programme=programme, kind=kind).first() or ProgrammeKindLimit(
        programme=programme, kind=kind)
    _guard(actor, "change", limit)
    new = (None if total_floor is None else Decimal(total_floor), None if total_cap is None else Decimal(total_cap))
    approved = approved_round_numbers(programme)
    if approved and new != ((limit.total_floor, limit.total_cap) if limit.pk else (None, None)):
        raise ValidationError(_("Meze druhu § %(kind)s nelze změnit: kolo %(rounds)s má schválené rozdělení.") % {
            "kind": kind.code, "rounds": _rounds_text(approved)})
    if total_floor is None and total_cap is None:
        if limit.pk:
            _audit(limit, actor, _("meze druhu zrušeny"))
            limit.delete()
        return None
    limit.total_floor = None if total_floor is None else Decimal(total_floor)
    limit.total_cap = None if total_cap is None else Decimal(total_cap)
    limit.full_clean()
    _audit(limit, actor, _("meze druhu"))
    limit.save()
    return limit


@transaction.atomic
def programme_limits_set(*, actor, programme: Programme, district_min_per_capita, kind_limits: dict,
                         expected_version: int | None = None) -> Programme:
    """The programme's group limits of the weighted fair-share mode in one step: the district minimum per
    inhabitant and, per kind, ``(total_floor, total_cap)`` (``None`` for none; both ``None`` removes the kind's
    limits). Optimistic locking on the programme."""
    from socplan.core.services import model_update

    _guard(actor, "change", programme)
    approved = approved_round_numbers(programme)
    fresh = expected_version is None or programme.version == expected_version  # stale: model_update says so
    if approved and fresh and district_min_per_capita != programme.district_min_per_capita:
        raise ValidationError({"district_min_per_capita": _(
            "Nelze změnit: kolo %(rounds)s má schválené rozdělení podle platných pravidel programu.") % {
            "rounds": _rounds_text(approved)}})
    programme, _changed = model_update(instance=programme, data={"district_min_per_capita": district_min_per_capita},
                                       actor=actor, expected_version=expected_version,
                                       reason=str(_("meze programu")))
    for kind, (floor, cap) in kind_limits.items():
        programme_kind_limit_set(actor=actor, programme=programme, kind=kind, total_floor=floor, total_cap=cap)
    return programme


@transaction.atomic
def programme_round_create(*, actor, programme: Programme, number: int, budget, applications_from: dt.date,
                           applications_to: dt.date, decisions_by: dt.date, reports_by: dt.date,
                           refund_due: dt.date | None = None) -> ProgrammeRound:
    """A round of a programme; the rounds' budgets together stay within the programme's budget."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    rnd = ProgrammeRound(programme=programme, number=number, budget=Decimal(budget),
                         applications_from=applications_from, applications_to=applications_to,
                         decisions_by=decisions_by, reports_by=reports_by, refund_due=refund_due)
    _guard(actor, "change", rnd)
    rnd.full_clean()
    used = programme.rounds.aggregate(s=Sum("budget"))["s"] or ZERO
    if used + rnd.budget > programme.budget:
        raise ValidationError({"budget": _("Rozpočty kol (%(sum)s Kč) by přesáhly rozpočet programu %(budget)s Kč.")
                               % {"sum": _n(used + rnd.budget), "budget": _n(programme.budget)}})
    _audit(rnd, actor, _("kolo založeno"))
    rnd.save()
    return rnd


@transaction.atomic
def programme_round_update(*, actor, programme_round: ProgrammeRound, data: dict,
                           expected_version: int | None = None) -> ProgrammeRound:
    """Change a round's number, budget and dates (``data``: fields of ``ROUND_FIELDS``). Optimistic locking on the
    round; the rounds' budgets stay within the programme's budget; once the round has an approved allocation its
    budget and number stay as approved (the dates may still move, e.g. a later settlement date)."""
    from socplan.core.services import model_update

    unknown = set(data) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    programme = Programme.objects.select_for_update().get(pk=programme_round.programme_id)
    rnd = ProgrammeRound.objects.select_for_update().get(pk=programme_round.pk)
    rnd.programme = programme
    _guard(actor, "change", rnd)
    if "budget" in data and data["budget"] is not None:
        data = {**data, "budget": Decimal(data["budget"])}
    if expected_version is None or rnd.version == expected_version:
        if AllocationRun.objects.filter(programme_round=rnd, approved_at__isnull=False).exists():
            errors = {name: _("Nelze změnit: kolo už má schválené rozdělení. Rozpočet a číslo kola zůstávají, "
                              "jak byly schváleny.") for name in ROUND_RULE_FIELDS
                      if name in data and data[name] != getattr(rnd, name)}
            if errors:
                raise ValidationError(errors)
        if "budget" in data and data["budget"] is not None:
            others = programme.rounds.exclude(pk=rnd.pk).aggregate(s=Sum("budget"))["s"] or ZERO
            if others + data["budget"] > programme.budget:
                raise ValidationError({"budget": _("Rozpočty kol (%(sum)s Kč) by přesáhly rozpočet programu "
                                                   "%(budget)s Kč.") % {"sum": _n(others + data["budget"]),
                                                                        "budget": _n(programme.budget)}})
    rnd, _changed = model_update(instance=rnd, data=data, actor=actor, expected_version=expected_version,
                                 reason=str(_("kolo upraveno")))
    return rnd


# --- decisions ----------------------------------------------------------------------------------------------

def instalment_plan(amount: Decimal, schedule: str, year: int, issued_on: dt.date) -> list[tuple[dt.date, Decimal]]:
    """Advances of ``amount``: equal whole crowns (the first ones carry the remainder, so they add up exactly)
    on the 20th of January, April, July, October (quarterly) or January and July (half-yearly), each at least
    three weeks after the decision; a single payment three weeks after it."""
    n = SCHEDULE_INSTALMENTS[schedule]
    parts = largest_remainder(amount, [1] * n) if amount else [ZERO] * n
    months = {4: (1, 4, 7, 10), 2: (1, 7), 1: (None,)}[n]
    earliest = issued_on + dt.timedelta(days=FIRST_ADVANCE_DAYS)
    dates = [max(dt.date(year, m, ADVANCE_DAY), earliest) if m else earliest for m in months]
    return list(zip(dates, parts, strict=True))


@transaction.atomic
def decisions_issue(*, actor, run: AllocationRun, issued_on: dt.date | None = None) -> list[GrantDecision]:
    """Issue a decision (or public-law contract) with its Pověření and payment schedule to every provider with
    a non-zero amount in ``run`` — the approved allocation in force of a programme round. Each decision's
    amount is the sum of its services' rows of the run, to the crown."""
    _decide_guard(actor, DecisionKind.ALLOCATION_APPROVE, run)
    if run.programme_round_id is None:
        raise ValidationError(_("Rozhodnutí se vydávají z rozdělení kola dotačního programu."))
    rnd = ProgrammeRound.objects.select_for_update().select_related("programme").get(pk=run.programme_round_id)
    in_force = current_approved(AllocationRun.objects.filter(programme_round=rnd)).filter(pk=run.pk).exists()
    if not in_force:
        raise ValidationError(_("Rozhodnutí lze vydat jen ze schváleného rozdělení, které platí."))
    if GrantDecision.objects.filter(run=run).exists():
        raise ValidationError(_("Rozhodnutí z tohoto rozdělení už byla vydána."))
    programme = rnd.programme
    issued_on = issued_on or timezone.localdate()
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for provider_id, allocated in AllocationRow.objects.filter(run=run).values_list("service__provider_id",
                                                                                   "allocated"):
        totals[provider_id] += allocated
    by_id = Provider.objects.in_bulk([p for p, a in totals.items() if a > 0])
    seq = GrantDecision.objects.filter(programme_round=rnd).count()
    out = []
    for provider in sorted(by_id.values(), key=lambda p: (p.name, p.pk)):
        seq += 1
        decision = GrantDecision(
            run=run, programme_round=rnd, provider=provider, instrument=programme.instrument,
            number=f"{programme.code.upper()}/{programme.year}/{rnd.number}/{seq:04d}",
            entrustment_number=f"POV/{programme.code.upper()}/{provider.ico}/{programme.entrustment_from}-"
                               f"{programme.entrustment_to}",
            amount=totals[provider.pk], issued_on=issued_on, created_by=_user(actor))
        _audit(decision, actor, _("rozhodnutí vydáno"))
        decision.save()
        PaymentInstalment.objects.bulk_create([
            PaymentInstalment(decision=decision, order=i, due_on=due, amount=amt)
            for i, (due, amt) in enumerate(instalment_plan(decision.amount, programme.payment_schedule,
                                                           programme.year, issued_on), start=1)])
        out.append(decision)
    notices.decisions_issued(out, actor=actor)
    return out


# --- payments -----------------------------------------------------------------------------------------------

@transaction.atomic
def payment_record(*, actor, decision: GrantDecision, kind: str, paid_on: dt.date, amount,
                   reference: str = "") -> Payment:
    """Record a payment of the subsidy or a refund received. Payments never exceed the decision's amount, a
    refund never exceeds what was paid net of earlier refunds."""
    decision = GrantDecision.objects.select_for_update().get(pk=decision.pk)
    payment = Payment(decision=decision, kind=kind, paid_on=paid_on, amount=Decimal(amount),
                      reference=(reference or "").strip(), created_by=_user(actor))
    _guard(actor, "change", payment)
    if payment.amount != payment.amount.to_integral_value() or not 0 < payment.amount < MAX_AMOUNT:
        raise ValidationError({"amount": _("Částka musí být kladná celá částka v Kč.")})
    if not dt.date(2000, 1, 1) <= paid_on <= dt.date(2100, 12, 31):
        raise ValidationError({"paid_on": _("Datum platby musí ležet v letech 2000–2100.")})
    payment.full_clean()
    paid, refunded = paid_and_refunded(decision)
    if kind == PaymentKind.PAYMENT and paid + payment.amount > decision.amount:
        raise ValidationError({"amount": _("Výplaty (%(sum)s Kč) by přesáhly dotaci podle rozhodnutí %(amount)s Kč.")
                               % {"sum": _n(paid + payment.amount), "amount": _n(decision.amount)}})
    if kind == PaymentKind.REFUND and refunded + payment.amount > paid:
        raise ValidationError({"amount": _("Vratky (%(sum)s Kč) by přesáhly vyplacenou částku %(paid)s Kč.")
                               % {"sum": _n(refunded + payment.amount), "paid": _n(paid)}})
    _audit(payment, actor, str(payment.get_kind_display()))
    payment.save()
    return payment


def paid_and_refunded(decision: GrantDecision) -> tuple[Decimal, Decimal]:
    sums = dict(decision.payments.values_list("kind").annotate(s=Sum("amount")).values_list("kind", "s"))
    return sums.get(PaymentKind.PAYMENT, ZERO), sums.get(PaymentKind.REFUND, ZERO)


# --- settlement ---------------------------------------------------------------------------------------------

def grant_lines(decision: GrantDecision) -> list[GrantLine]:
    """The decision's services with the figures of their approved actual budgets (the settlement's inputs)."""
    programme = decision.programme_round.programme
    granted: dict[int, Decimal] = defaultdict(lambda: ZERO)
    services = {}
    for row in AllocationRow.objects.filter(run=decision.run, service__provider=decision.provider).select_related(
            "service"):
        granted[row.service_id] += row.allocated
        services[row.service_id] = row.service
    params = engine.SettlementParams(reasonable_profit_rate=programme.profit_rate)
    lines, missing = [], []
    for sid, service in sorted(services.items()):
        basis = settlement_basis(service, programme.year)
        if basis is None:
            missing.append(service.name)
            continue
        year = engine.settle_year(year_account(basis), params)
        lines.append(GrantLine(sid, service.name, granted[sid], getattr(basis, programme.source_field),
                               basis.public_money, year.overcompensation))
    if missing:
        raise ValidationError(_("Vyúčtovat nelze: služby bez schválené skutečnosti rozpočtu roku %(year)s: "
                                "%(names)s.") % {"year": programme.year, "names": ", ".join(missing)})
    return lines


@transaction.atomic
def decision_settle(*, actor, decision: GrantDecision) -> DecisionSettlement:
    """Compute (or recompute) the yearly settlement of a decision: overpayment, the programme's part of the
    overcompensation, the refund and its due date (the round's date, else 30 days from today)."""
    decision = GrantDecision.objects.select_for_update().select_related("programme_round__programme").get(
        pk=decision.pk)
    settlement = DecisionSettlement.objects.filter(decision=decision).first() or DecisionSettlement(decision=decision)
    _guard(actor, "change", settlement)
    paid, refunded = paid_and_refunded(decision)
    result = settle_grant(grant_lines(decision), paid)
    for name in ("granted", "paid", "used", "overpayment", "overcompensation", "refund"):
        setattr(settlement, name, getattr(result, name))
    settlement.lines = [r.as_dict() for r in result.lines]
    settlement.explanation = result.explain()
    rnd = decision.programme_round
    settlement.due_on = (rnd.refund_due or timezone.localdate() + dt.timedelta(days=DEFAULT_REFUND_DAYS)
                         ) if result.refund else None
    settlement.computed_by = _user(actor)
    _audit(settlement, actor, _("vyúčtování dotace vypočteno"))
    settlement.save()
    notices.decision_settled(settlement, actor=actor)
    return settlement
