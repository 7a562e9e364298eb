"""Needs entered by community planning, side by side with the estimated need and the registered supply.

Expected figures are read from the planning tables with the ORM here (never from the availability code).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from socplan.availability import selectors
from socplan.planning import services as planning
from socplan.planning.models import CapacityNeed, PlanStatus
from socplan.registry.models import CapacityType, ServiceKind
from socplan.territory.models import Level, Orp, Region

pytestmark = pytest.mark.django_db
YEAR = 2026


def demo_needs(kind: str, unit: str) -> dict[str, float]:
    """ORP code → need of the demo's community plan covering 2026 (approved, or Brno's draft under comment)."""
    rows = (CapacityNeed.objects.filter(year=YEAR, kind__code=kind, capacity_type__code=unit,
                                        plan__status__in=[PlanStatus.APPROVED, PlanStatus.COMMENT],
                                        plan__region__code="CZ064")
            .values("plan__orp__code").annotate(total=Sum("capacity")))
    return {r["plan__orp__code"]: float(r["total"]) for r in rows}


def test_orp_rows_show_the_community_plans_need_and_the_gap_against_it():
    jmk, dps = Region.objects.get(code="CZ064"), ServiceKind.objects.get(code="49")
    expected = demo_needs("49", "luzka")
    assert set(expected) == {"6201", "6220", "6203"}  # two approved plans and Brno's plan under comment
    report = selectors.coverage_report(region=jmk, kind=dps, year=YEAR, level=Level.ORP)
    assert report.planned_available and report.planned.any and report.unit.code == "luzka"
    rows = {r.code: r for r in report.rows}
    for code, value in expected.items():
        assert rows[code].planned == pytest.approx(value)
        assert rows[code].planned_gap == pytest.approx(value - rows[code].capacity)
        plan = CapacityNeed.objects.filter(year=YEAR, kind=dps, plan__orp__code=code).exclude(
            plan__status=PlanStatus.SUPERSEDED).get().plan
        assert rows[code].planned_plan_id == plan.pk
    assert all(r.planned is None for c, r in rows.items() if c not in expected)
    assert report.total.planned == pytest.approx(sum(expected.values()))

    districts = selectors.coverage_report(region=jmk, kind=dps, year=YEAR, level=Level.DISTRICT)
    by_district = {}
    for orp in Orp.objects.filter(code__in=expected).select_related("district"):
        by_district[orp.district.code] = by_district.get(orp.district.code, 0) + expected[orp.code]
    assert {r.code: r.planned for r in districts.rows if r.planned is not None} == pytest.approx(by_district)
    assert all(r.planned_gap is None for r in districts.rows)  # okres: only some ORP have plans, no gap shown

    obce = selectors.coverage_report(region=jmk, kind=dps, year=YEAR, level=Level.MUNICIPALITY)
    assert all(r.planned is None for r in obce.rows)


def test_needs_in_another_unit_are_listed_not_added(django_user_model):
    jmk, dps = Region.objects.get(code="CZ064"), ServiceKind.objects.get(code="49")
    znojmo = Orp.objects.get(code="6220")
    plan = planning.plan_create(actor=None, kind="community", title="KPSS Znojmo 2031–2032", region=jmk, orp=znojmo,
                                year_from=2031, year_to=2032)
    planning.section_create(actor=None, plan=plan, title="Analýza potřeb", kind="needs")
    for unit, value in (("luzka", 40), ("klient", 7)):
        planning.capacity_need_create(actor=None, plan=plan, kind=dps, capacity_type=CapacityType.objects.get(
            code=unit), year=2031, capacity=value)
    assert selectors.coverage_report(region=jmk, kind=dps, year=2031).planned.any is False  # a draft: not yet
    planning.plan_approve(actor=None, plan=plan, approved_on=dt.date(2030, 12, 1))
    report = selectors.coverage_report(region=jmk, kind=dps, year=2031, level=Level.ORP)
    row = next(r for r in report.rows if r.code == "6220")
    assert row.planned == 40.0 and report.total.planned == 40.0
    assert report.planned.other_units == [{"orp_code": "6220", "orp_name": "Znojmo", "unit": "klient",
                                           "unit_label": CapacityType.objects.get(code="klient").unit,
                                           "capacity": 7.0}]
    assert selectors.coverage_dict(report)["planned_other_units"][0]["capacity"] == 7.0


def test_coverage_page_links_the_figure_to_its_plan(client):
    client.force_login(get_user_model().objects.get(username="kraj-referent"))
    expected = demo_needs("49", "luzka")
    html = client.get("/dostupnost/pokryti/?region=CZ064&kind=49&year=2026&level=orp").content.decode()
    need_table = html.split('data-testid="need-table"', 1)[1].split("</table>", 1)[0]
    blansko = need_table.split('data-code="6201"', 1)[1].split("</tr>", 1)[0]
    plan = CapacityNeed.objects.filter(year=YEAR, kind__code="49", plan__orp__code="6201",
                                       plan__status=PlanStatus.APPROVED).get().plan
    value = f"{Decimal(expected['6201']):.1f}".replace(".", ",")
    assert f'href="/planovani/plan/{plan.pk}/#potreby"' in blansko and f">{value}</a>" in blansko
    assert 'data-testid="planned-note"' in html
    # a kind the plans do not mention says so instead of showing empty figures
    html = client.get("/dostupnost/pokryti/?region=CZ064&kind=65&year=2026&level=orp").content.decode()
    assert "žádnou potřebu kapacity neuvádějí" in html
    data = client.get("/api/v1/availability/coverage/?region=CZ064&kind=49&year=2026&level=orp")
    assert data.status_code == 200
    rows = {r["code"]: r for r in data.json()["rows"]}
    assert rows["6201"]["planned"] == pytest.approx(expected["6201"])
    assert rows["6201"]["planned_plan_id"] == plan.pk
