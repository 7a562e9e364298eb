"""Demo subsidy programmes of Jihomoravský kraj for the demo year (synthetic, labelled as illustrative): the state
subsidy under § 101a with one round whose allocation is approved and decided (decisions, Pověření, the first
advance paid) beside a proposal nobody sees outside the kraj, and the kraj's own § 105 programme with two rounds
and a proposal of the first one. Last year's § 101a programme has an approved allocation too, so this year's
runs show the damping rule's protected floors (last year's amount × 0.9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from socplan.core.money import czk

from . import programmes, services
from .models import AllocationMode, GrantDecision, Instrument, LegalBasis, PaymentKind, PaymentSchedule

PREVIOUS_YEAR_SHARE = Decimal("0.90")  # last year's § 101a budget: 90 % of this year's (illustrative)
REGION_PROGRAMME_SHARE = Decimal("0.02")  # § 105 budget: 2 % of the network's optimised cost (illustrative)
CONDITIONS = ("Ilustrativní podmínky (demo): dotaci lze použít jen na uznatelné náklady služby uvedené v síti; "
              "příjemce vede oddělenou účetní evidenci, hlásí změny do 15 dnů a předkládá vyúčtování v termínu kola.")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()


def _last_year(region, year: int, state_budget: Decimal, approver) -> None:
    """Last year's § 101a programme with its approved allocation: what this year's damping rule protects."""
    from . import selectors

    comp = selectors.computation(region, year - 1)
    if comp is None:
        return
    budget = czk(state_budget * PREVIOUS_YEAR_SHARE)
    state = programmes.programme_create(
        actor=None, region=region, year=year - 1, code="101a",
        name="Podpora sociálních služeb ze státního rozpočtu (§ 101a) – demo", legal_basis=LegalBasis.STATE_101A,
        budget=budget, instrument=Instrument.DECISION, payment_schedule=PaymentSchedule.QUARTERLY,
        damping_max_drop=Decimal("0.10"), profit_rate=Decimal(0), carry_over_limit=Decimal("0.10"),
        entrustment_from=year - 1, entrustment_to=year + 1, conditions=CONDITIONS, illustrative=True,
        note="Syntetická ukázka: loňský program, rozpočet = 90 % letošního.")
    rnd = programmes.programme_round_create(
        actor=None, programme=state, number=1, budget=budget, applications_from=dt.date(year - 2, 9, 1),
        applications_to=dt.date(year - 2, 10, 31), decisions_by=dt.date(year - 1, 3, 31),
        reports_by=dt.date(year, 2, 15), refund_due=dt.date(year, 3, 31))
    run = services.allocation_run(actor=None, region=region, year=year - 1, budget=budget, mode=AllocationMode.RULES,
                                  comp=comp, programme_round=rnd, note="demo: loňské rozdělení podle pravidel")
    services.allocation_run_approve(actor=approver, run=run, decision_ref=f"RJMK demo 1/{year - 1}")


def demo_load(region, year: int, state_budget: Decimal, optimised_cost: Decimal, comp=None) -> dict:
    approver = _user("kraj-schvalovatel")
    _last_year(region, year, state_budget, approver)
    state = programmes.programme_create(
        actor=None, region=region, year=year, code="101a",
        name="Podpora sociálních služeb ze státního rozpočtu (§ 101a) – demo", legal_basis=LegalBasis.STATE_101A,
        budget=state_budget, instrument=Instrument.DECISION, payment_schedule=PaymentSchedule.QUARTERLY,
        damping_max_drop=Decimal("0.10"), profit_rate=Decimal(0), carry_over_limit=Decimal("0.10"),
        entrustment_from=year - 1, entrustment_to=year + 1, conditions=CONDITIONS, illustrative=True,
        note="Syntetická ukázka: rozpočet = 95 % vypočtené potřeby ze státního rozpočtu.")
    rnd = programmes.programme_round_create(
        actor=None, programme=state, number=1, budget=state_budget, applications_from=dt.date(year - 1, 9, 1),
        applications_to=dt.date(year - 1, 10, 31), decisions_by=dt.date(year, 3, 31),
        reports_by=dt.date(year + 1, 2, 15), refund_due=dt.date(year + 1, 3, 31))
    services.allocation_run(actor=None, region=region, year=year, budget=state_budget, mode=AllocationMode.OPTIMISE,
                            comp=comp, programme_round=rnd, note="demo: návrh v režimu váženého spravedlivého podílu (neschválen)")
    run = services.allocation_run(actor=None, region=region, year=year, budget=state_budget,
                                  mode=AllocationMode.RULES, comp=comp, programme_round=rnd,
                                  note="demo: rozdělení podle pravidel")
    run = services.allocation_run_approve(actor=approver, run=run, decision_ref=f"RJMK demo 1/{year}")
    decisions = programmes.decisions_issue(actor=approver, run=run, issued_on=dt.date(year, 2, 10))
    from socplan.accounts.demo import demo_provider

    provider = demo_provider()
    own = GrantDecision.objects.filter(run=run, provider=provider).first() if provider else None
    if own is not None:
        first = own.instalments.order_by("order").first()
        programmes.payment_record(actor=approver, decision=own, kind=PaymentKind.PAYMENT, paid_on=first.due_on,
                                  amount=first.amount, reference=f"{year}0001")
    regional_budget = czk(REGION_PROGRAMME_SHARE * optimised_cost)
    own_programme = programmes.programme_create(
        actor=None, region=region, year=year, code="jmk-105",
        name="Program kraje na spolufinancování sociálních služeb (§ 105) – demo",
        legal_basis=LegalBasis.REGION_105, budget=regional_budget, instrument=Instrument.CONTRACT,
        payment_schedule=PaymentSchedule.HALF_YEARLY, profit_rate=Decimal(0), carry_over_limit=Decimal("0.10"),
        entrustment_from=year - 1, entrustment_to=year + 1, conditions=CONDITIONS, illustrative=True,
        note="Syntetická ukázka: rozpočet = 2 % optimalizovaných nákladů sítě.")
    first_budget = czk(regional_budget * Decimal("0.8"))
    r1 = programmes.programme_round_create(
        actor=None, programme=own_programme, number=1, budget=first_budget, applications_from=dt.date(year - 1, 11, 1),
        applications_to=dt.date(year - 1, 11, 30), decisions_by=dt.date(year, 4, 30),
        reports_by=dt.date(year + 1, 2, 28))
    programmes.programme_round_create(
        actor=None, programme=own_programme, number=2, budget=regional_budget - first_budget,
        applications_from=dt.date(year, 6, 1), applications_to=dt.date(year, 6, 30),
        decisions_by=dt.date(year, 9, 30), reports_by=dt.date(year + 1, 2, 28))
    services.allocation_run(actor=None, region=region, year=year, budget=first_budget, mode=AllocationMode.RULES,
                            comp=comp, programme_round=r1, note="demo: návrh 1. kola (neschválen)")
    return {"programmes": 2, "decisions": len(decisions), "approved_run": run.pk}
