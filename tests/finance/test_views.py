"""Finance pages: parameters (edit, copy, create), optimal support with explanations, allocation side by side,
the what-if panel, the financial chapter with charts and XLSX, the national view, co-financing statements,
provider report pages and settlement; access for region staff, providers and anonymous users."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from django.urls import reverse

from socplan.finance import services
from socplan.finance.models import FinanceParams, ProviderBudget, ReportState
from socplan.registry.demo import DEMO_REGION, DEMO_YEAR

from . import test_adapter_world as world
from .test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def url(name, *args, **kwargs):
    return reverse(f"finance:{name}", args=args, kwargs=kwargs)


def text(response) -> str:
    return response.content.decode()


def test_index_and_navigation(zlk, zlk_users):
    r = client(zlk_users.officer).get(url("index"))
    assert r.status_code == 200
    body = text(r)
    assert "Zlínský kraj" in body and url("support", "CZ072", YEAR) in body
    assert 'href="/financovani/"' in text(client().get("/"))  # the module is in the main menu


def test_params_pages(zlk, zlk_users):
    r = client().get(url("params_detail", "CZ072", YEAR))
    assert r.status_code == 200 and "Ilustrativní hodnoty" in text(r)
    assert "48\xa0000,00 Kč" in text(r)  # §39 normative
    assert client().get(url("params_edit", "CZ072", YEAR)).status_code == 302  # → login
    assert client(zlk_users.provider1).get(url("params_edit", "CZ072", YEAR)).status_code == 403
    assert client(zlk_users.other_region).get(url("params_edit", "CZ072", YEAR)).status_code == 403


def test_params_edit_saves_rates_and_detects_stale_edits(zlk, zlk_users):
    c = client(zlk_users.officer)
    page = c.get(url("params_edit", "CZ072", YEAR))
    assert page.status_code == 200
    p = zlk.params
    rate = p.rates.get(kind__code="39", group="B")
    data = {f.name: page.context["form"].initial.get(f.name, getattr(p, f.name))
            for f in FinanceParams._meta.fields if f.name in page.context["form"].fields}
    data = {k: ("on" if v is True else "" if v is None or v is False else v) for k, v in data.items()}
    data["expected_version"] = p.version
    for r in p.rates.all():
        for f in ("normative", "occupancy", "min_occupancy", "user_fee", "health_insurance"):
            v = getattr(r, f)
            data[f"r{r.pk}-{f}"] = "" if v is None else str(v)
    data[f"r{rate.pk}-normative"] = "52000.00"
    r = c.post(url("params_edit", "CZ072", YEAR), data)
    assert r.status_code == 302, r.context and (r.context["errors"], r.context["form"].errors)
    rate.refresh_from_db()
    p.refresh_from_db()
    assert rate.normative == Decimal(52000) and p.version == data["expected_version"] + 1
    # the same (stale) form again: refused, nothing written
    data[f"r{rate.pk}-normative"] = "1.00"
    r = c.post(url("params_edit", "CZ072", YEAR), data)
    assert r.status_code == 200 and "mezitím změnil jiný uživatel" in text(r)
    rate.refresh_from_db()
    assert rate.normative == Decimal(52000)


def test_copy_and_create_pages(zlk, zlk_users):
    c = client(zlk_users.officer)
    assert c.get(url("params_copy_create", "CZ072", YEAR)).status_code == 200
    r = c.post(url("params_copy_create", "CZ072", YEAR), {"year": YEAR + 1})
    assert r.status_code == 302 and FinanceParams.objects.filter(region=zlk.region, year=YEAR + 1).exists()
    r = c.post(url("params_create", "CZ072", YEAR + 2), {"confirm": "on"})
    assert r.status_code == 302
    assert FinanceParams.objects.get(region=zlk.region, year=YEAR + 2).rates.count() == zlk.params.rates.count()
    assert client(zlk_users.provider1).post(url("params_create", "CZ072", YEAR + 3), {"confirm": "on"}).status_code \
        == 403
    assert not FinanceParams.objects.filter(region=zlk.region, year=YEAR + 3).exists()


def test_support_page_shows_explanations_and_is_scoped(zlk, zlk_users):
    r = client(zlk_users.officer).get(url("support", "CZ072", YEAR))
    body = text(r)
    assert r.status_code == 200
    assert "Osobní asistence Zlín" in body and "Domov pro seniory Otrokovice" in body
    assert "ON = FP × LD = 1\xa0900\xa0Kč × 13\xa0870 = 26\xa0353\xa0000\xa0Kč" in body
    assert "12\xa0483\xa0000\xa0Kč" in body
    assert "registrované služby" in body  # the page says the entries come from the registry
    own = text(client(zlk_users.provider1).get(url("support", "CZ072", YEAR)))
    assert "Osobní asistence Zlín" in own and "Domov pro seniory Otrokovice" not in own
    assert client().get(url("support", "CZ072", YEAR)).status_code == 302
    assert client(zlk_users.nobody).get(url("support", "CZ072", YEAR)).status_code == 403
    detail = client(zlk_users.officer).get(url("support_detail", "CZ072", YEAR, str(zlk.b.pk)))
    assert detail.status_code == 200 and "Obsazené lůžkodny LD = L × D × O = 40 × 365 × 0,95" in text(detail)
    assert client(zlk_users.provider1).get(url("support_detail", "CZ072", YEAR, str(zlk.b.pk))).status_code == 404


def test_allocation_page_shows_both_modes(zlk, zlk_users):
    r = client(zlk_users.officer).get(url("allocation", "CZ072", YEAR) + "?rozpocet=6853500")
    assert r.status_code == 200
    assert r.context["rules"].total_allocated == Decimal(6_853_500)
    assert r.context["optimised"].total_allocated == Decimal(6_853_500)
    body = text(r)
    assert 'id="mode-rules"' in body and 'id="mode-optimise"' in body and "<svg" in body
    assert r.context["rules"].allocation(str(zlk.a.pk)) == Decimal(612_000)
    # every amount of the optimisation mode is explained by the constraint that bound it
    assert sum(n for _label, n in r.context["bound_counts"]) == 2 and "Určuje (spravedlivý podíl)" in body
    assert client(zlk_users.provider1).get(url("allocation", "CZ072", YEAR)).status_code == 403


def test_allocation_create_and_detail(zlk, zlk_users):
    c = client(zlk_users.officer)
    assert c.get(url("allocation_create", "CZ072", YEAR)).status_code == 200
    r = c.post(url("allocation_create", "CZ072", YEAR), {"budget": "6 853 500", "mode": "rules", "note": "test"})
    assert r.status_code == 302
    run = zlk.region.finance_allocations.get()
    assert r["Location"] == url("allocation_detail", run.pk)
    detail = c.get(url("allocation_detail", run.pk))
    assert detail.status_code == 200 and "6\xa0853\xa0500\xa0Kč" in text(detail)
    # a computed run is a proposal: the provider sees nothing of it until it is approved
    assert client(zlk_users.provider2).get(url("allocation_detail", run.pk)).status_code == 404
    services.allocation_run_approve(actor=zlk_users.approver, run=run)
    own = client(zlk_users.provider2).get(url("allocation_detail", run.pk))
    assert own.status_code == 200 and [row.service_id for row in own.context["rows"]] == [zlk.b.pk]
    assert "Domov pro seniory" in text(own) and "Osobní asistence" not in text(own)
    assert client(zlk_users.other_region).get(url("allocation_detail", run.pk)).status_code == 404


def test_whatif_budget_change(zlk, zlk_users):
    r = client(zlk_users.officer).get(url("whatif", "CZ072", YEAR), {
        "base_budget": "6853500", "budget": "7853500", "mode": "rules"})
    assert r.status_code == 200
    kinds = {row["key"]: row for row in r.context["by_kind"]["rows"]}
    total = r.context["by_kind"]["total"]
    assert total["delta_allocated"] == Decimal(1_000_000)
    assert sum(row["delta_allocated"] for row in kinds.values()) == Decimal(1_000_000)
    assert r.context["by_district"]["total"]["delta_allocated"] == Decimal(1_000_000)
    assert "+1\xa0000\xa0000\xa0Kč" in text(r)


def test_whatif_parameter_change(zlk, zlk_users):
    # the kraj's own co-financing of group B 0 → 0.15: SF(A) = 216 000 (municipalities, §39 15 %) + 216 000
    # = 432 000, OP(A) = 1 008 000 (−216 000)
    r = client(zlk_users.officer).get(url("whatif", "CZ072", YEAR), {
        "base_budget": "20000000", "budget": "20000000", "region_group": "B", "region_share": "0,15"})
    kinds = {row["key"]: row for row in r.context["by_kind"]["rows"]}
    assert kinds["39"]["optimal_variant"] == Decimal(1_008_000)
    assert kinds["39"]["delta_optimal"] == Decimal(-216_000)
    assert kinds["39"]["delta_allocated"] == Decimal(-216_000)  # the budget covers every need
    assert kinds["49"]["delta_optimal"] == 0
    # normatives +25 % for §49 only: ON(B) = 2 375 × 13 870 = 32 941 250
    r = client(zlk_users.officer).get(url("whatif", "CZ072", YEAR), {"scale": "25", "scale_kind": "49"})
    assert r.context["variant_totals"]["optimised_cost"] == Decimal(1_440_000 + 32_941_250)
    assert client(zlk_users.provider1).get(url("whatif", "CZ072", YEAR)).status_code == 403
    bad = client(zlk_users.officer).get(url("whatif", "CZ072", YEAR), {"region_group": "B", "region_share": "2"})
    assert bad.status_code == 200 and "base" not in bad.context


def test_chapter_page_and_xlsx(zlk):
    r = client().get(url("chapter", "CZ072", YEAR))
    assert r.status_code == 200
    body = text(r)
    # the state need is computed: ON − every other source = 13 707 000 Kč = 49,32 % (not the planned 35 %)
    assert "27\xa0793\xa0000\xa0Kč" in body and "13\xa0707\xa0000\xa0Kč" in body and "49,32\xa0%" in body
    assert 'id="formula-sources"' in body and "výsledek, ne parametr" in body
    assert body.count("<svg") >= 3
    for dim in ("kind", "group", "target_group", "district", "orp"):
        assert f'id="table-{dim}"' in body
    x = client().get(url("chapter_xlsx", "CZ072", YEAR))
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(x.content))
    assert {"Souhrn", "Plánované zdroje", "Podle druhů", "Podle okresů", "Podle ORP"} <= set(wb.sheetnames)
    summary = {row[0].value: row[1].value for row in wb["Souhrn"].iter_rows(min_row=2)}
    assert summary["Optimalizované náklady sítě (ON)"] == 27_793_000
    assert summary["Potřeba ze státního rozpočtu (ON − ostatní zdroje podle pravidel)"] == 13_707_000
    kinds = {row[0].value: row[2].value for row in wb["Podle druhů"].iter_rows(min_row=2)}
    assert kinds["§ 39"] == 1_440_000 and kinds["§ 49"] == 26_353_000 and kinds["Celkem"] == 27_793_000


def test_chapter_year_on_year(zlk, zlk_users):
    from socplan.registry.models import Staffing

    Staffing.objects.create(service=zlk.a, year=YEAR - 1, fte_direct=Decimal("2.50"))
    prev = services.finance_params_copy_to_year(actor=zlk_users.officer, params=zlk.params, year=YEAR - 1)
    services.finance_rates_scale(actor=zlk_users.officer, params=prev, factor=Decimal("0.8"))
    r = client().get(url("chapter", "CZ072", YEAR))
    ch = r.context["ch"]
    assert ch.year_on_year_note == f"Srovnání s rokem {YEAR - 1}: síť a parametry roku {YEAR - 1}."
    total = ch.year_on_year.iloc[-1]
    # §39: 38 400 × 2.5 × 12 = 1 152 000; §49: 1 520 × 13 870 = 21 082 400 → 22 234 400
    assert total["optimised_cost_previous"] == Decimal(22_234_400)
    assert total["optimised_cost_delta"] == Decimal(27_793_000 - 22_234_400)
    assert total["optimised_cost_change_pct"] == Decimal("25.00")


def test_national_view(zlk):
    r = client().get(url("national", YEAR))
    assert r.status_code == 200
    regions = {row["region"].code: row for row in r.context["view"].regions}
    assert {"CZ072", DEMO_REGION} <= set(regions)
    z = regions["CZ072"]
    from socplan.territory.models import PopulationFigure

    people = PopulationFigure.objects.filter(level="kraj", unit_code="CZ072", band="total", is_estimate=False) \
        .order_by("-ref_date").first().value
    assert z["population"] == people
    assert z["optimised_cost_per_capita"] == (Decimal(27_793_000) / people).quantize(Decimal(1), ROUND_HALF_UP)
    assert r.context["view"].per_kind["CZ072"]["49"] == (Decimal(26_353_000) / people).quantize(Decimal(1),
                                                                                                  ROUND_HALF_UP)
    assert "Zlínský kraj" in text(r)


def test_cofinancing_statement(zlk, zlk_users):
    c = client(zlk_users.officer)
    r = c.get(url("cofinancing", "CZ072", YEAR))
    assert r.status_code == 200
    st = r.context["st"]
    # required = rate × ON: A 15 % × 1 440 000 = 216 000, B 10 % × 26 353 000 = 2 635 300 → 2 851 300 in total
    assert st.required == Decimal(216_000 + 2_635_300) and st.declared == 0
    assert sum(m.required for m in st.municipalities) == st.required  # both services have a scope: all assigned
    zlin = "585068"  # the municipality of Zlín
    s = c.get(url("cofinancing_statement", "CZ072", YEAR, zlin))
    assert s.status_code == 200
    assert s.context["st"].required == next(m.required for m in st.municipalities if m.code == zlin)
    # the chapter's municipalities = the statement's total, to the crown
    from socplan.finance import selectors

    chapter = selectors.financial_chapter("CZ072", YEAR)
    assert next(p["amount"] for p in chapter.planned if p["key"] == "municipalities") == st.required
    assert next(p["amount"] for p in chapter.formula_sources if p["key"] == "municipalities") == st.required
    assert client(zlk_users.provider1).get(url("cofinancing", "CZ072", YEAR)).status_code == 403


def test_report_pages_workflow(zlk, zlk_users):
    p1 = client(zlk_users.provider1)
    r = p1.get(url("budget_edit", zlk.a.pk, YEAR, "plan"))
    assert r.status_code == 200
    r = p1.post(url("budget_edit", zlk.a.pk, YEAR, "plan"), {"cost_personnel": "1 000 000", "cost_operating": "440000",
                                                              "public_state": "1224000"})
    b = ProviderBudget.objects.get(service=zlk.a, year=YEAR, term="plan")
    assert r.status_code == 302 and r["Location"] == url("budget_detail", b.pk)
    assert b.total_costs == Decimal(1_440_000)
    assert p1.get(url("budget_submit", b.pk)).status_code == 200
    assert p1.post(url("budget_submit", b.pk)).status_code == 302
    b.refresh_from_db()
    assert b.state == ReportState.SUBMITTED
    assert p1.get(url("budget_approve", b.pk)).status_code == 403  # a provider does not approve
    assert client(zlk_users.provider2).get(url("budget_detail", b.pk)).status_code == 404
    ap = client(zlk_users.approver)
    r = ap.post(url("budget_return", b.pk), {"reason": ""})
    assert r.status_code == 200  # a reason is required
    assert ap.post(url("budget_return", b.pk), {"reason": "Doplňte rozpis."}).status_code == 302
    b.refresh_from_db()
    assert b.state == ReportState.RETURNED
    assert "Doplňte rozpis." in text(p1.get(url("budget_detail", b.pk)))
    p1.post(url("budget_submit", b.pk))
    assert ap.post(url("budget_approve", b.pk)).status_code == 302
    b.refresh_from_db()
    assert b.state == ReportState.APPROVED
    # approved: the edit page refuses changes
    r = p1.post(url("budget_edit", zlk.a.pk, YEAR, "plan"), {"cost_personnel": "1"})
    assert r.status_code == 200 and "nelze měnit" in text(r)
    listing = text(p1.get(url("reports")))
    assert "Osobní asistence Zlín" in listing and "schváleno" in listing


def test_unit_report_pages(zlk, zlk_users):
    p2 = client(zlk_users.provider2)
    r = p2.post(url("unit_report_edit", zlk.b.pk, YEAR, 1), {"actual_units": "5430"})
    assert r.status_code == 302
    report = zlk.b.finance_unit_reports.get()
    assert report.unit == "bed_day"
    page = p2.get(url("unit_report_detail", report.pk))
    assert "Obložnost 75,00\xa0%" in text(page) or "Obložnost 75,00 %" in text(page)
    assert client(zlk_users.provider1).get(url("unit_report_detail", report.pk)).status_code == 404


def test_settlement_pages(zlk, zlk_users):
    data = {"cost_personnel": Decimal(1_000_000), "public_state": Decimal(1_100_000)}
    for term in ("plan", "adjusted", "actual"):
        b = services.provider_budget_save(actor=zlk_users.provider1, service=zlk.a, year=YEAR, term=term, data=data)
        services.provider_report_approve(actor=zlk_users.approver,
                                         report=services.provider_report_submit(actor=zlk_users.provider1, report=b))
    c = client(zlk_users.officer)
    listing = c.get(url("settlement_list", "CZ072", YEAR))
    assert listing.status_code == 200 and "vypočítat vyúčtování" in text(listing)
    r = c.post(url("settlement_edit", zlk.a.pk, YEAR), {"profit_rate": "0"})
    assert r.status_code == 302
    detail = client(zlk_users.provider1).get(url("settlement_detail", zlk.a.pk, YEAR))
    # 1 100 000 public money − 1 000 000 net cost = 100 000 overcompensation
    assert detail.status_code == 200 and detail.context["s"].overcompensation == Decimal(100_000)
    assert client(zlk_users.provider1).post(url("settlement_edit", zlk.a.pk, YEAR), {}).status_code == 403


def test_demo_region_pages_render(django_user_model):
    officer = django_user_model.objects.get(username="kraj-referent")
    c = client(officer)
    for name in ("support", "allocation", "whatif", "chapter", "cofinancing", "settlement_list"):
        year = DEMO_YEAR - 1 if name == "settlement_list" else DEMO_YEAR
        r = c.get(url(name, DEMO_REGION, year))
        assert r.status_code == 200, name
    assert c.get(url("national", DEMO_YEAR)).status_code == 200
    assert c.get(url("reports")).status_code == 200
