"""Settlement and overcompensation (docs/financing.md §6): the worked case and the multi-year check."""

from decimal import Decimal

import pytest

from socplan.finance.engine import SettlementParams, YearAccount, check_entrustment, settle_year


def y2025():
    return YearAccount("D1", 2025,
                       costs={"personnel": 30_500_000, "operating": 6_200_000, "depreciation_reserves": 450_000,
                              "reclaimable_vat": Decimal("50000.00")},
                       revenues={"users": 12_600_000, "health_insurance": 2_150_000, "other_own": 250_000},
                       compensation={"state": 18_308_400, "region": 1_464_672, "municipalities": 2_197_008})


def y2026():
    return YearAccount("D1", 2026, costs={"personnel": 31_800_000, "operating": 6_400_000, "long_term_assets": 900_000},
                       revenues={"users": 13_000_000, "health_insurance": 2_200_000, "other_own": 200_000},
                       compensation={"state": 19_000_000, "region": 1_400_000, "municipalities": 2_100_000})


def y2027(municipalities=2_100_000):
    return YearAccount("D1", 2027, costs={"personnel": 32_000_000, "operating": 6_600_000,
                                          "fines_interest_gifts_losses": 120_000},
                       revenues={"users": 13_800_000, "health_insurance": 2_250_000, "other_own": 150_000},
                       compensation={"state": 19_600_000, "region": 1_400_000, "municipalities": municipalities})


def test_worked_year_2025():
    s = settle_year(y2025())
    assert s.total_costs == 37_200_000 and s.ineligible_costs == 500_000 and s.eligible_costs == 36_700_000
    assert s.own_revenues == 15_000_000 and s.net_cost == 21_700_000 and s.allowed == 21_700_000
    assert s.compensation == 21_970_080
    assert s.overcompensation == 270_080 and s.undercompensation == 0
    text = s.explain()
    assert "odpisy, rezervy a opravné položky" in text and "270\xa0080\xa0Kč" in text


def test_other_years():
    assert settle_year(y2026()).undercompensation == 300_000
    assert settle_year(y2026()).eligible_costs == 38_200_000
    assert settle_year(y2027()).overcompensation == 700_000


def test_reasonable_profit():
    s = settle_year(y2025(), SettlementParams(reasonable_profit_rate=Decimal("0.01")))
    assert s.reasonable_profit == 367_000 and s.allowed == 22_067_000
    assert s.overcompensation == 0 and s.undercompensation == 96_920


def test_window_within_limit_is_carried_over():
    check = check_entrustment([y2025(), y2026(), y2027()], final=False)
    (w,) = check.windows
    assert w.compensation == 67_570_080 and w.allowed == 66_900_000 and w.overcompensation == 670_080
    assert w.average_compensation == Decimal("22523360.00") and w.limit == Decimal("2252336.00")
    assert w.within_limit and w.carry_over == 670_080 and w.repayment == 0
    assert check.carried_out == 670_080 and check.total_repayment == 0
    assert "převést do dalšího období 670\xa0080\xa0Kč" in check.explain()


def test_end_of_entrustment_repays_everything():
    check = check_entrustment([y2025(), y2026(), y2027()])
    assert check.windows[0].final and check.total_repayment == 670_080 and check.carried_out == 0


def test_above_limit_threshold_and_excess_modes():
    years = [y2025(), y2026(), y2027(municipalities=4_600_000)]
    t = check_entrustment(years, final=False).windows[0]
    # 70 070 080 − 66 900 000 = 3 170 080 > 10 % × 23 356 693,33 = 2 335 669,33
    assert t.overcompensation == 3_170_080 and not t.within_limit
    assert t.repayment == 3_170_080 and t.carry_over == 0
    e = check_entrustment(years, SettlementParams(carry_over_mode="excess"), final=False).windows[0]
    assert e.carry_over == 2_335_669 and e.repayment == 834_411


def test_carried_amount_counts_in_the_next_window():
    y2028 = YearAccount("D1", 2028, costs={"personnel": 38_700_000}, revenues={"users": 16_200_000},
                        compensation={"state": 22_000_000})
    check = check_entrustment([y2025(), y2026(), y2027(), y2028])
    w1, w2 = check.windows
    assert w1.carry_over == 670_080 and not w1.final
    assert w2.carried_in == 670_080 and w2.final
    # 22 000 000 + 670 080 − 22 500 000
    assert w2.overcompensation == 170_080 and w2.repayment == 170_080
    assert check.total_repayment == 170_080


def test_undercompensation_in_a_window_offsets():
    check = check_entrustment([y2026()], final=False)
    assert check.windows[0].overcompensation == 0 and check.total_repayment == 0


def test_validation():
    with pytest.raises(ValueError):
        YearAccount("X", 2025, costs={"a": -1})
    with pytest.raises(ValueError):
        SettlementParams(carry_over_mode="other")
    with pytest.raises(ValueError):
        check_entrustment([y2025(), YearAccount("Y", 2026, costs={})])
