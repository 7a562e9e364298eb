"""Subsidy programmes: a round's allocation is proposed, approved once (a second approval of the round is refused,
a new run supersedes the one in force only with a reason), providers see only approved amounts, decisions with
their payment schedules equal the approved run to the crown, payments and the yearly settlement with a refund,
and the multi-year overcompensation check — both worked by hand in docs/financing.md ("Programmes").

World: tests/finance/test_adapter_world.py (Zlínský kraj): OP of A (P1) = 1 224 000, of B (P2) = 12 483 000; a
round budget of 6 853 500 is half the need, so the rules mode gives A 612 000 and B 6 241 500.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.finance import programme_selectors as ps
from socplan.finance import programmes, selectors, services
from socplan.finance.models import AllocationRun, GrantDecision, PaymentKind

from . import test_adapter_world as world
from .test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
HALF = Decimal(6_853_500)


def make_round(zlk, *, budget=HALF, **extra):
    programme = programmes.programme_create(
        actor=None, region=zlk.region, year=YEAR, code="101a", name="Dotace ze státního rozpočtu",
        legal_basis="state_101a", budget=Decimal(20_000_000), entrustment_from=YEAR, entrustment_to=YEAR + 3,
        **extra)
    return programmes.programme_round_create(
        actor=None, programme=programme, number=1, budget=budget, applications_from=dt.date(YEAR - 1, 9, 1),
        applications_to=dt.date(YEAR - 1, 10, 31), decisions_by=dt.date(YEAR, 3, 31),
        reports_by=dt.date(YEAR + 1, 2, 15), refund_due=dt.date(YEAR + 1, 3, 31))


def run_in(zlk, rnd, budget=HALF, actor=None):
    return services.allocation_run(actor=actor, region=zlk.region, year=YEAR, budget=budget, programme_round=rnd)


@pytest.mark.django_db
def test_approve_once_supersede_with_reason(zlk, zlk_users):
    rnd = make_round(zlk)
    first, second = run_in(zlk, rnd), run_in(zlk, rnd, budget=HALF - 1000)
    with pytest.raises(PermissionDenied):
        services.allocation_run_approve(actor=zlk_users.officer, run=first)  # no right to approve
    services.allocation_run_approve(actor=zlk_users.approver, run=first, decision_ref="RZK 1/2026")
    with pytest.raises(ValidationError, match="nahradí jen s uvedeným důvodem"):
        services.allocation_run_approve(actor=zlk_users.approver, run=second)
    with pytest.raises(ApprovedRecordImmutable):
        services.allocation_run_approve(actor=zlk_users.approver, run=first, reason="znovu")
    assert selectors.allocation_in_force(zlk.region, YEAR, rnd).pk == first.pk
    second = services.allocation_run_approve(actor=zlk_users.approver, run=second, reason="Oprava kapacity B.")
    assert (second.supersedes_id, second.supersede_reason) == (first.pk, "Oprava kapacity B.")
    assert selectors.allocation_in_force(zlk.region, YEAR, rnd).pk == second.pk
    # the database itself holds one first approval per round (whoever writes)
    third = run_in(zlk, rnd)
    with pytest.raises(IntegrityError), transaction.atomic():  # a second "first" approval
        AllocationRun.objects.filter(pk=third.pk).update(approved_at=dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(IntegrityError), transaction.atomic():  # superseding the same run twice
        AllocationRun.objects.filter(pk=third.pk).update(approved_at=dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC),
                                                         supersedes=first)


@pytest.mark.django_db
def test_providers_see_only_the_approved_amount(zlk, zlk_users):
    rnd = make_round(zlk)
    proposal = run_in(zlk, rnd, budget=HALF - 500_000)
    assert not selectors.own_allocations(zlk_users.provider1).exists()
    assert not selectors.allocation_rows(zlk_users.provider1, proposal).exists()
    approved = services.allocation_run_approve(actor=zlk_users.approver, run=run_in(zlk, rnd))
    own = list(selectors.own_allocations(zlk_users.provider1))
    assert [(r.run_id, r.service_id, r.allocated) for r in own] == [(approved.pk, zlk.a.pk, Decimal(612_000))]
    assert not selectors.allocation_rows(zlk_users.provider1, proposal).exists()  # still hidden
    assert selectors.allocated_amount(zlk.a.pk, YEAR) == Decimal(612_000)


@pytest.mark.django_db
def test_decisions_equal_the_approved_run_to_the_crown(zlk, zlk_users):
    rnd = make_round(zlk)
    run = run_in(zlk, rnd)
    with pytest.raises(ValidationError):  # only from an approved run in force
        programmes.decisions_issue(actor=zlk_users.approver, run=run)
    run = services.allocation_run_approve(actor=zlk_users.approver, run=run)
    with pytest.raises(PermissionDenied):
        programmes.decisions_issue(actor=zlk_users.officer, run=run)
    issued = programmes.decisions_issue(actor=zlk_users.approver, run=run, issued_on=dt.date(YEAR, 2, 10))
    by_provider = {d.provider_id: d for d in issued}
    assert by_provider[zlk.p1.pk].amount == Decimal(612_000)
    assert by_provider[zlk.p2.pk].amount == Decimal(6_241_500)
    assert sum(d.amount for d in issued) == run.total_allocated == HALF
    d2 = by_provider[zlk.p2.pk]
    # quarterly advances: 6 241 500 / 4 = 1 560 375 each, on the 20th of Jan (→ 3 weeks after 10 Feb), Apr, Jul, Oct
    assert [(i.due_on, i.amount) for i in d2.instalments.order_by("order")] == [
        (dt.date(YEAR, 3, 3), Decimal(1_560_375)), (dt.date(YEAR, 4, 20), Decimal(1_560_375)),
        (dt.date(YEAR, 7, 20), Decimal(1_560_375)), (dt.date(YEAR, 10, 20), Decimal(1_560_375))]
    data = ps.decision_data(by_provider[zlk.p1.pk])
    assert [(s.name, s.amount) for s in data.services] == [("Osobní asistence Zlín", Decimal(612_000))]
    with pytest.raises(ValidationError):
        programmes.decisions_issue(actor=zlk_users.approver, run=run)  # once per run
    # the provider sees its own decision only
    assert list(ps.decisions(zlk_users.provider1)) == [by_provider[zlk.p1.pk]]
    assert not ps.decisions(zlk_users.other_region, programme_round=rnd).exists()


def test_instalments_add_up_with_the_remainder_first():
    plan = programmes.instalment_plan(Decimal(1_000_003), "quarterly", 2026, dt.date(2025, 12, 1))
    assert [a for _d, a in plan] == [Decimal(250_001)] * 3 + [Decimal(250_000)]
    assert [d for d, _a in plan][0] == dt.date(2026, 1, 20)
    assert programmes.instalment_plan(Decimal(5), "single", 2026, dt.date(2026, 5, 1)) == [
        (dt.date(2026, 5, 22), Decimal(5))]


def _approved_budget(service, year, actor_provider, approver, data):
    for term in ("plan", "adjusted", "actual"):
        b = services.provider_budget_save(actor=actor_provider, service=service, year=year, term=term, data=data)
        b = services.provider_report_submit(actor=actor_provider, report=b)
        services.provider_report_approve(actor=approver, report=b)


@pytest.mark.django_db
def test_settlement_refund_worked_by_hand(zlk, zlk_users):
    """docs/financing.md, "Settlement of a decision – worked example"."""
    rnd = make_round(zlk, profit_rate=Decimal("0.02"))
    run = services.allocation_run_approve(actor=zlk_users.approver, run=run_in(zlk, rnd))
    decision = GrantDecision.objects.get(pk=programmes.decisions_issue(actor=None, run=run)[0].pk)
    decision = GrantDecision.objects.get(run=run, provider=zlk.p1)
    for inst in decision.instalments.all():
        programmes.payment_record(actor=zlk_users.approver, decision=decision, kind=PaymentKind.PAYMENT,
                                  paid_on=inst.due_on, amount=inst.amount, reference=f"Z{inst.order}")
    with pytest.raises(ValidationError, match="přesáhly dotaci"):
        programmes.payment_record(actor=zlk_users.approver, decision=decision, kind=PaymentKind.PAYMENT,
                                  paid_on=dt.date(YEAR, 12, 1), amount=1)
    with pytest.raises(PermissionDenied):
        programmes.payment_record(actor=zlk_users.provider1, decision=decision, kind=PaymentKind.REFUND,
                                  paid_on=dt.date(YEAR, 12, 1), amount=1)
    with pytest.raises(ValidationError, match="bez schválené skutečnosti"):
        programmes.decision_settle(actor=zlk_users.approver, decision=decision)
    _approved_budget(zlk.a, YEAR, zlk_users.provider1, zlk_users.approver, {
        "cost_personnel": Decimal(1_000_000), "cost_operating": Decimal(300_000),
        "cost_depreciation_reserves": Decimal(50_000), "revenue_users": Decimal(100_000),
        "public_state": Decimal(560_000), "public_region": Decimal(500_000),
        "public_municipalities": Decimal(216_000)})
    s = programmes.decision_settle(actor=zlk_users.approver, decision=decision)
    assert (s.granted, s.paid, s.used, s.overpayment) == (612_000, 612_000, 560_000, 52_000)
    # eligible 1 300 000, net 1 200 000, profit 2 % = 26 000, allowed 1 226 000, public 1 276 000 → over 50 000;
    # the programme's part 50 000 × 560 000 / 1 276 000 = 21 943.57 → 21 944
    assert (s.overcompensation, s.refund, s.due_on) == (21_944, 73_944, dt.date(YEAR + 1, 3, 31))
    assert "Vratka = min(vyplaceno 612\xa0000\xa0Kč; přeplatek 52\xa0000\xa0Kč + nadměrná platba 21\xa0944\xa0Kč)" \
        in s.explanation
    programmes.payment_record(actor=zlk_users.approver, decision=decision, kind=PaymentKind.REFUND,
                              paid_on=dt.date(YEAR + 1, 3, 20), amount=73_944)
    assert programmes.paid_and_refunded(decision) == (Decimal(612_000), Decimal(73_944))


@pytest.mark.django_db
def test_multi_year_overcompensation_check_worked_by_hand(zlk, zlk_users):
    """docs/financing.md, "Multi-year overcompensation check – worked example": entrustment of four years,
    check after three years and at the end, 10 % carry-over."""
    programme = make_round(zlk).programme
    # (allowed = personnel costs, public money = state subsidy): 950/1 000, 1 010/1 000, 1 000/1 000, 1 020/1 000
    for year, allowed in zip(range(YEAR, YEAR + 4), (950_000, 1_010_000, 1_000_000, 1_020_000), strict=True):
        _approved_budget(zlk.a, year, zlk_users.provider1, zlk_users.approver,
                         {"cost_personnel": Decimal(allowed), "public_state": Decimal(1_000_000)})
        if year == YEAR + 2:
            [partial] = ps.overcompensation_checks(zlk.p1, programme)
            assert partial.missing_years == (YEAR + 3,) and not partial.check.windows[-1].final
    [check] = ps.overcompensation_checks(zlk.p1, programme)
    first, last = check.check.windows
    assert (first.compensation, first.allowed, first.overcompensation) == (3_000_000, 2_960_000, 40_000)
    assert (first.limit, first.within_limit, first.carry_over, first.repayment) == (100_000, True, 40_000, 0)
    assert (last.carried_in, last.allowed, last.overcompensation, last.repayment) == (40_000, 1_020_000, 20_000,
                                                                                      20_000)
    assert last.final and check.check.total_repayment == 20_000


@pytest.mark.django_db
def test_programme_rules_are_checked(zlk):
    rnd = make_round(zlk)
    with pytest.raises(ValidationError, match="přesáhly rozpočet programu"):
        programmes.programme_round_create(
            actor=None, programme=rnd.programme, number=2, budget=Decimal(20_000_000),
            applications_from=dt.date(YEAR, 4, 1), applications_to=dt.date(YEAR, 4, 30),
            decisions_by=dt.date(YEAR, 6, 30), reports_by=dt.date(YEAR + 1, 2, 15))
    with pytest.raises(ValidationError, match="převyšuje rozpočet kola"):
        run_in(zlk, rnd, budget=HALF + 1)
    with pytest.raises(ValidationError):
        programmes.programme_create(actor=None, region=zlk.region, year=YEAR, code="x", name="x",
                                    legal_basis="region_105", budget=1, entrustment_from=YEAR + 1,
                                    entrustment_to=YEAR + 2)


@pytest.mark.django_db
def test_a_targeted_programme_funds_only_its_kinds(zlk):
    from socplan.registry.models import ServiceKind

    programme = programmes.programme_create(
        actor=None, region=zlk.region, year=YEAR, code="pece", name="Pobytová péče", legal_basis="targeted",
        budget=HALF, entrustment_from=YEAR, entrustment_to=YEAR, kinds=[ServiceKind.objects.get(code="49")])
    rnd = programmes.programme_round_create(
        actor=None, programme=programme, number=1, budget=HALF, applications_from=dt.date(YEAR, 1, 1),
        applications_to=dt.date(YEAR, 1, 31), decisions_by=dt.date(YEAR, 3, 1), reports_by=dt.date(YEAR + 1, 2, 1))
    run = run_in(zlk, rnd)
    amounts = {r.service_id: r.allocated for r in run.rows.all()}
    assert amounts[zlk.a.pk] == 0 and amounts[zlk.b.pk] == HALF


# --- PostgreSQL: two approvals of the same round at the same moment -----------------------------------------

@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
def test_concurrent_approvals_of_one_round_one_wins(transactional_db, zlk, zlk_users):
    rnd = make_round(zlk)
    runs = [run_in(zlk, rnd), run_in(zlk, rnd, budget=HALF - 1)]
    barrier = threading.Barrier(2)
    outcomes = {}

    def approve(i):
        try:
            barrier.wait()
            services.allocation_run_approve(actor=zlk_users.approver, run=AllocationRun.objects.get(pk=runs[i].pk))
            outcomes[i] = "approved"
        except ValidationError as exc:
            outcomes[i] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == [0, 1]
    assert list(outcomes.values()).count("approved") == 1, outcomes
    refused = next(v for v in outcomes.values() if v != "approved")
    assert "nahradí jen s uvedeným důvodem" in refused
    assert AllocationRun.objects.filter(programme_round=rnd, approved_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_allocate_command_with_programme(zlk):
    import io
    import json

    from django.core.management import CommandError, call_command

    rnd = make_round(zlk)
    out = io.StringIO()
    call_command("allocate", "--region", "CZ072", "--year", str(YEAR), "--programme", "101a", "--json", "--save",
                 stdout=out)
    doc = json.loads(out.getvalue())
    assert (doc["programme"], doc["round"], doc["total_allocated"]) == ("101a", 1, "6853500")
    assert AllocationRun.objects.get(programme_round=rnd).total_allocated == HALF
    with pytest.raises(CommandError, match="převyšuje rozpočet kola"):
        call_command("allocate", "--region", "CZ072", "--year", str(YEAR), "--programme", "101a",
                     "--budget", str(HALF + 1))
    with pytest.raises(CommandError, match="nemá v roce"):
        call_command("allocate", "--region", "CZ072", "--year", str(YEAR), "--programme", "nic")


@pytest.mark.django_db
def test_api_programmes_decisions_and_approval_with_reason(zlk, zlk_users):
    from rest_framework.test import APIClient

    rnd = make_round(zlk)
    first, second = run_in(zlk, rnd), run_in(zlk, rnd, budget=HALF - 1000)
    api = APIClient()
    listing = api.get("/api/v1/finance/programmes/", {"region__code": "CZ072"}).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert [(p["code"], p["rounds"][0]["in_force_run"]) for p in rows] == [("101a", None)]
    api.force_authenticate(zlk_users.approver)
    assert api.post(f"/api/v1/finance/allocations/{first.pk}/approve/", {}, format="json").status_code == 200
    refused = api.post(f"/api/v1/finance/allocations/{second.pk}/approve/", {}, format="json")
    assert refused.status_code == 400 and "důvodem nahrazení" in str(refused.json())
    ok = api.post(f"/api/v1/finance/allocations/{second.pk}/approve/", {"reason": "oprava"}, format="json")
    assert ok.status_code == 200
    programmes.decisions_issue(actor=zlk_users.approver, run=AllocationRun.objects.get(pk=second.pk))
    api.force_authenticate(zlk_users.provider1)
    mine = api.get("/api/v1/finance/decisions/").json()
    mine = mine["results"] if isinstance(mine, dict) else mine
    assert [(d["provider"], d["run"], sum(int(i["amount"]) for i in d["instalments"])) for d in mine] == [
        (zlk.p1.pk, second.pk, int(mine[0]["amount"]))]


@pytest.mark.django_db
def test_pages_approve_issue_pay_settle_export(zlk, zlk_users):
    from django.test import Client

    rnd = make_round(zlk, illustrative=True)
    run = run_in(zlk, rnd)
    approver = Client()
    approver.force_login(zlk_users.approver)
    page = approver.get(f"/financovani/program/{rnd.programme_id}/").content.decode()
    assert f"/financovani/rozdeleni/vypocet/{run.pk}/schvalit/" in page and "Ilustrativní data" in page
    officer = Client()
    officer.force_login(zlk_users.officer)
    assert f"/rozdeleni/vypocet/{run.pk}/schvalit/" not in officer.get(f"/financovani/program/{rnd.programme_id}/") \
        .content.decode()
    assert officer.post(f"/financovani/rozdeleni/vypocet/{run.pk}/schvalit/").status_code == 403
    approver.post(f"/financovani/rozdeleni/vypocet/{run.pk}/schvalit/", {"decision_ref": "RZK 9"})
    assert selectors.allocation_in_force(zlk.region, YEAR, rnd).pk == run.pk
    approver.post(f"/financovani/rozdeleni/vypocet/{run.pk}/rozhodnuti/")
    d1 = GrantDecision.objects.get(run=run, provider=zlk.p1)
    approver.post(f"/financovani/rozhodnuti/{d1.pk}/platba/", {"kind": "payment", "paid_on": f"{YEAR}-03-03",
                                                               "amount": "153 000", "reference": "Z1"})
    assert programmes.paid_and_refunded(d1) == (Decimal(153_000), Decimal(0))
    provider = Client()
    provider.force_login(zlk_users.provider1)
    detail = provider.get(f"/financovani/rozhodnuti/{d1.pk}/").content.decode()
    assert "612\xa0000\xa0Kč" in detail and "Zaznamenat platbu" not in detail
    assert provider.post(f"/financovani/rozhodnuti/{d1.pk}/platba/", {"kind": "refund", "paid_on": f"{YEAR}-03-03",
                                                                     "amount": "1"}).status_code == 403
    d2 = GrantDecision.objects.get(run=run, provider=zlk.p2)
    assert provider.get(f"/financovani/rozhodnuti/{d2.pk}/").status_code == 404
    assert provider.get(f"/financovani/program/{rnd.programme_id}/poskytovatel/{zlk.p1.pk}/nadmerna-platba/") \
        .status_code == 200
    csv_text = approver.get(f"/financovani/kolo/{rnd.pk}/registr-smluv.csv").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("identifikator;cislo_jednaci") and len(lines) == 3
    assert any(d1.number in ln and ";612000;CZK;" in ln and ln.endswith(";ano") for ln in lines)
    assert provider.get(f"/financovani/kolo/{rnd.pk}/registr-smluv.csv").status_code == 403
