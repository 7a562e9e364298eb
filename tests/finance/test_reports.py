"""Provider reports: the submit → returned for correction → approved workflow, validation before submitting, the
region's checks of half-yearly units, and the settlement computed from the approved actual budget.

The settlement reuses the hand-computed overcompensation case D1 2025 of docs/financing.md §6.3.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.finance import services
from socplan.finance.models import ProviderBudget, ReportState, UnitKind

from . import test_adapter_world as world
from .test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db

PLAN = {"cost_personnel": Decimal(1_000_000), "cost_operating": Decimal(440_000), "public_state": Decimal(1_224_000),
        "public_region": Decimal(86_400), "public_municipalities": Decimal(129_600)}


def test_budget_workflow_submit_return_resubmit_approve(zlk, zlk_users):
    u = zlk_users
    b = services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="plan", data=PLAN)
    assert b.state == ReportState.DRAFT and b.total_costs == Decimal(1_440_000)
    b = services.provider_report_submit(actor=u.provider1, report=b)
    assert b.state == ReportState.SUBMITTED and b.submitted_by == u.provider1
    # a submitted budget cannot be edited or submitted again
    with pytest.raises(ValidationError):
        services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="plan", data=PLAN)
    # the provider cannot decide; an officer without the right to approve cannot either
    for actor in (u.provider1, u.officer, u.other_region):
        with pytest.raises(PermissionDenied):
            services.provider_report_approve(actor=actor, report=b)
    with pytest.raises(ValidationError):
        services.provider_report_return(actor=u.approver, report=b, reason="  ")
    b = services.provider_report_return(actor=u.approver, report=b, reason="Chybí rozpis osobních nákladů.")
    assert b.state == ReportState.RETURNED and b.return_reason == "Chybí rozpis osobních nákladů."
    with pytest.raises(ValidationError):
        services.provider_report_approve(actor=u.approver, report=b)  # only submitted reports
    b = services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="plan",
                                      data={**PLAN, "cost_operating": Decimal(450_000)}, expected_version=b.version)
    assert b.total_costs == Decimal(1_450_000)
    b = services.provider_report_approve(actor=u.approver,
                                         report=services.provider_report_submit(actor=u.provider1, report=b))
    assert b.state == ReportState.APPROVED and b.approved_by == u.approver and b.approved_at
    # approved = immutable, whoever tries
    b.cost_operating = Decimal(1)
    with pytest.raises(ApprovedRecordImmutable):
        b.save()
    with pytest.raises(ValidationError):
        services.provider_budget_save(actor=u.approver, service=zlk.a, year=YEAR, term="plan", data=PLAN)
    history = [h.history_change_reason for h in ProviderBudget.objects.get(pk=b.pk).history.order_by("history_date")]
    assert history[0] == "rozpočet založen" and history[-1] == "schváleno"
    assert any(r and r.startswith("vráceno k opravě") for r in history)


def test_provider_cannot_report_for_another_providers_service(zlk, zlk_users):
    with pytest.raises(PermissionDenied):
        services.provider_budget_save(actor=zlk_users.provider2, service=zlk.a, year=YEAR, term="plan", data=PLAN)


def test_validation_before_submit(zlk, zlk_users):
    u = zlk_users
    empty = services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="plan", data={})
    with pytest.raises(ValidationError) as exc:
        services.provider_report_submit(actor=u.provider1, report=empty)
    assert "Rozpočet nemá žádné náklady." in exc.value.messages
    # a later term needs the earlier one approved
    adjusted = services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="adjusted", data=PLAN)
    with pytest.raises(ValidationError) as exc:
        services.provider_report_submit(actor=u.provider1, report=adjusted)
    assert "Nejprve musí být schválen rozpočet v termínu „plánovaný rozpočet“." in exc.value.messages
    assert ProviderBudget.objects.get(pk=adjusted.pk).state == ReportState.DRAFT


def test_budget_warning_above_the_allocated_amount(zlk, zlk_users):
    # budget 6 853 500 = half of the need 13 707 000 → k = 0.5: A gets 612 000
    run = services.allocation_run(actor=zlk_users.approver, region=zlk.region, year=YEAR, budget=6_853_500)
    b = services.provider_budget_save(actor=zlk_users.provider1, service=zlk.a, year=YEAR, term="plan", data=PLAN)
    b = services.provider_report_submit(actor=zlk_users.provider1, report=b)
    # a computed run is a proposal: it binds nobody, so there is nothing to compare the budget with yet
    assert "above_allocation" not in {c["code"] for c in b.checks}
    services.provider_report_return(actor=zlk_users.approver, report=b, reason="nové rozdělení")
    services.allocation_run_approve(actor=zlk_users.approver, run=run, decision_ref="RJMK/1/2031")
    b = services.provider_budget_save(actor=zlk_users.provider1, service=zlk.a, year=YEAR, term="plan", data=PLAN)
    b = services.provider_report_submit(actor=zlk_users.provider1, report=b)
    warnings = {c["code"]: c["message"] for c in b.checks if c["level"] == "warning"}
    assert "above_allocation" in warnings
    assert "1\xa0224\xa0000 Kč převyšuje přidělenou částku 612\xa0000 Kč" in warnings["above_allocation"]


# --- half-yearly units ---------------------------------------------------------------------------------------

def _units(zlk, u, service, half, units):
    return services.unit_report_save(actor=u.provider2 if service == zlk.b else u.provider1, service=service,
                                     year=YEAR, half=half, actual_units=units)


def test_unit_of_the_report_follows_the_financing_group(zlk, zlk_users):
    assert _units(zlk, zlk_users, zlk.a, 1, 15).unit == UnitKind.FTE_MONTH
    assert _units(zlk, zlk_users, zlk.b, 1, 6000).unit == UnitKind.BED_DAY


def test_half_year_days():
    assert services.half_days(2026, 1) == 31 + 28 + 31 + 30 + 31 + 30 == 181
    assert services.half_days(2026, 2) == 184
    assert services.half_days(2028, 1) == 182


def test_occupancy_below_the_minimum_is_flagged(zlk, zlk_users):
    # 40 beds × 181 days = 7 240 bed-days; 5 430 occupied → 75.00 % < minimum 85 % (0.95 − 0.10)
    r = _units(zlk, zlk_users, zlk.b, 1, 5430)
    r = services.provider_report_submit(actor=zlk_users.provider2, report=r)
    low = [c for c in r.checks if c["code"] == "low_occupancy"]
    assert low and low[0]["level"] == "warning"
    assert "Obložnost 75,00 % je pod minimem 85,00 % (5\xa0430 lůžkodnů z 7\xa0240)" in low[0]["message"]


def test_occupancy_above_the_minimum_is_not_flagged(zlk, zlk_users):
    r = services.provider_report_submit(actor=zlk_users.provider2, report=_units(zlk, zlk_users, zlk.b, 1, 6516))
    # 6 516 / 7 240 = 90 %
    assert not [c for c in r.checks if c["code"] == "low_occupancy"]


def test_bed_days_above_capacity_block_the_submit(zlk, zlk_users):
    r = _units(zlk, zlk_users, zlk.b, 1, 7241)
    with pytest.raises(ValidationError) as exc:
        services.provider_report_submit(actor=zlk_users.provider2, report=r)
    assert "kapacita v síti (40 lůžek × 181 dní = 7\xa0240)" in " ".join(exc.value.messages)


def test_fte_months_against_the_network(zlk, zlk_users):
    # network: 2.5 FTE × 6 months = 15 FTE-months; 13 → −13.33 % (flagged); 14.5 → −3.33 % (not flagged)
    r = services.provider_report_submit(actor=zlk_users.provider1, report=_units(zlk, zlk_users, zlk.a, 1, 13))
    dev = [c for c in r.checks if c["code"] == "units_deviation"]
    assert dev and "o −13,33 %" in dev[0]["message"].replace("-", "−")
    r2 = services.provider_report_submit(actor=zlk_users.provider1, report=_units(zlk, zlk_users, zlk.a, 2,
                                                                                  Decimal("14.5")))
    assert not [c for c in r2.checks if c["code"] == "units_deviation"]


def test_zero_units_cannot_be_submitted(zlk, zlk_users):
    with pytest.raises(ValidationError):
        services.provider_report_submit(actor=zlk_users.provider1, report=_units(zlk, zlk_users, zlk.a, 1, 0))


def test_unit_report_return_and_approve(zlk, zlk_users):
    r = services.provider_report_submit(actor=zlk_users.provider1, report=_units(zlk, zlk_users, zlk.a, 1, 15))
    r = services.provider_report_return(actor=zlk_users.approver, report=r, reason="Doložte rozpis po měsících.")
    assert r.state == ReportState.RETURNED
    r = services.unit_report_save(actor=zlk_users.provider1, service=zlk.a, year=YEAR, half=1, actual_units=14,
                                  expected_version=r.version)
    r = services.provider_report_approve(actor=zlk_users.approver,
                                         report=services.provider_report_submit(actor=zlk_users.provider1, report=r))
    assert r.state == ReportState.APPROVED and r.actual_units == Decimal(14)


# --- settlement ----------------------------------------------------------------------------------------------

D1_ACTUAL = {  # docs/financing.md §6.3 (D1, 2025)
    "cost_personnel": Decimal(30_500_000), "cost_operating": Decimal(6_200_000),
    "cost_depreciation_reserves": Decimal(450_000), "cost_reclaimable_vat": Decimal(50_000),
    "revenue_users": Decimal(12_600_000), "revenue_health_insurance": Decimal(2_150_000),
    "revenue_other_own": Decimal(250_000),
    "public_state": Decimal(18_308_400), "public_region": Decimal(1_464_672),
    "public_municipalities": Decimal(2_197_008),
}


def _approved(zlk, u, term, data):
    b = services.provider_budget_save(actor=u.provider2, service=zlk.b, year=YEAR, term=term, data=data)
    return services.provider_report_approve(actor=u.approver,
                                            report=services.provider_report_submit(actor=u.provider2, report=b))


def test_settlement_overcompensation_of_the_worked_case(zlk, zlk_users):
    u = zlk_users
    with pytest.raises(ValidationError):  # nothing approved yet
        services.settlement_compute(actor=u.approver, service=zlk.b, year=YEAR)
    for term in ("plan", "adjusted", "actual"):
        _approved(zlk, u, term, D1_ACTUAL)
    with pytest.raises(PermissionDenied):  # providers do not settle
        services.settlement_compute(actor=u.provider2, service=zlk.b, year=YEAR)
    s = services.settlement_compute(actor=u.officer, service=zlk.b, year=YEAR)
    # eligible 37 200 000 − 500 000 = 36 700 000; own 15 000 000; net = allowed 21 700 000;
    # compensation 21 970 080 → overcompensation 270 080
    assert (s.total_costs, s.ineligible_costs, s.eligible_costs) == (Decimal(37_200_000), Decimal(500_000),
                                                                      Decimal(36_700_000))
    assert (s.own_revenues, s.net_cost, s.allowed) == (Decimal(15_000_000), Decimal(21_700_000), Decimal(21_700_000))
    assert (s.compensation, s.overcompensation, s.undercompensation) == (Decimal(21_970_080), Decimal(270_080), 0)
    assert s.budget.term == "actual"
    # with 1 % reasonable profit: profit 367 000, allowed 22 067 000 → undercompensated by 96 920
    s = services.settlement_compute(actor=u.officer, service=zlk.b, year=YEAR, profit_rate=Decimal("0.01"))
    assert (s.reasonable_profit, s.allowed, s.overcompensation, s.undercompensation) == (
        Decimal(367_000), Decimal(22_067_000), 0, Decimal(96_920))
    # the approved actual after the tax return takes over as the basis
    _approved(zlk, u, "actual_tax", {**D1_ACTUAL, "public_municipalities": Decimal(2_497_008)})
    s = services.settlement_compute(actor=u.officer, service=zlk.b, year=YEAR)
    assert s.budget.term == "actual_tax" and s.overcompensation == Decimal(570_080)
    assert s.history.count() == 3
