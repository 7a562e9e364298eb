"""Headless Chromium: the financial chapter of the demo region (totals, the computed state share, SVG charts, XLSX
download) and the what-if panel (a budget change and a parameter change recomputed on the page)."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest

from socplan.registry.demo import DEMO_YEAR
from tests.conftest import login

pytestmark = pytest.mark.browser
SEED_ON = Decimal("3039820634")


def _login(page, demo_server, username):
    password = next(p for u, p, _r in demo_server.logins if u == username)
    login(page, username, password)


def _amount(text: str) -> Decimal:
    """'+1 234 567 Kč' / '−1 234 Kč' → Decimal."""
    t = text.replace("\xa0", "").replace(" ", "").replace("Kč", "").replace("−", "-").replace("+", "")
    return Decimal(t.replace(",", "."))


def test_financial_chapter(page, demo_server):
    _login(page, demo_server, "kraj-referent")
    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Financování").click()
    page.get_by_role("link", name="finanční kapitola").first.click()
    assert page.locator("#chapter-title").inner_text() == f"Finanční kapitola – Jihomoravský kraj, rok {DEMO_YEAR}"
    total = _amount(page.locator("#total-optimised").inner_text())
    need = _amount(page.locator("#state-need").inner_text())
    # the state share is computed (ON − every other source), and the page says how far the demo is from the seed
    share = (need * 100 / total).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert page.locator("#state-share").inner_text().replace("\xa0", " ") == f"{share}".replace(".", ",") + " %"
    assert "žádný koeficient dopočtený z cíle" in page.content()
    assert page.locator("#formula-sources tr").count() >= 7  # six sources with their rules
    # charts: sources, by kind, by okres, year on year – each an accessible SVG image
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() >= 4
    for i in range(charts.count()):
        assert charts.nth(i).get_attribute("aria-label")
    assert page.locator("#chart-kind svg rect").count() > 20
    # the table by kind adds up to the total
    kind_rows = page.locator("#table-kind tbody tr")
    assert kind_rows.count() > 25
    assert _amount(kind_rows.last.locator("td").nth(2).inner_text()) == total
    planned = page.locator("#planned-sources tbody tr")
    assert "státní rozpočet" in planned.first.inner_text()
    assert page.locator("#table-yoy tbody tr").count() > 20
    # XLSX download: the summary sheet carries the same numbers
    with page.expect_download() as info:
        page.click("#xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    summary = {row[0].value: row[1].value for row in wb["Souhrn"].iter_rows(min_row=2)}
    assert summary["Optimalizované náklady sítě (ON)"] == int(total)
    assert summary["Potřeba ze státního rozpočtu (ON − ostatní zdroje podle pravidel)"] == int(need)
    page.screenshot(path="/tmp/socplan-finance-chapter.png", full_page=True)


def test_whatif_panel(page, demo_server):
    _login(page, demo_server, "kraj-referent")
    page.goto(f"/financovani/co-kdyz/CZ064/{DEMO_YEAR}/")
    result = page.locator("#whatif-result")
    assert "Bez změn" in result.inner_text()
    base = _amount(page.locator("#id_base_budget").input_value())
    assert base > 0
    # raise the budget by 100 million: the allocated total grows by exactly that (the need is larger)
    page.fill("#id_budget", str(base + 100_000_000))
    page.get_by_role("button", name="Přepočítat").click()
    page.wait_for_load_state()
    assert f"budget={base + 100_000_000}" in page.url.replace("+", "")
    assert _amount(page.locator("#delta-allocated").inner_text()) == Decimal(100_000_000)
    kind_total = page.locator("#whatif-kind tr.total td").last.inner_text()
    assert _amount(kind_total) == Decimal(100_000_000)
    assert page.locator("#whatif-district tbody tr").count() > 5
    assert page.locator("#whatif-service tbody tr").count() > 10
    assert page.locator("figure.chart svg.diverging-chart").count() == 1
    # a parameter change instead: normatives of §49 +25 % with the base budget
    page.fill("#id_budget", str(base))
    page.fill("#id_scale", "25")
    page.select_option("#id_scale_kind", "49")
    page.get_by_role("button", name="Přepočítat").click()
    page.wait_for_load_state()
    text = result.inner_text()
    assert "normativy § 49 × 1,2500" in text
    totals = page.locator("#whatif-totals tbody tr")
    on_base = _amount(totals.nth(1).locator("td").nth(1).inner_text())
    on_variant = _amount(totals.nth(1).locator("td").nth(2).inner_text())
    assert on_variant > on_base
    assert _amount(page.locator("#delta-allocated").inner_text()) == 0  # same budget, redistributed
    row49 = page.locator("#whatif-kind tbody tr").filter(has_text="§ 49")
    assert _amount(row49.locator("td").nth(5).inner_text()) > 0  # §49 gains at the others' expense
    page.screenshot(path="/tmp/socplan-finance-whatif.png", full_page=True)
