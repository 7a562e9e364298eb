"""Headless Chromium on the demo: the registry list with filters → service detail (capacities, facilities map,
territorial scope, private data), sorting and the synthetic badge, a provider editing its yearly data and
downloading its XLSX template."""

import re

import pytest

from tests.conftest import login

pytestmark = pytest.mark.browser


def _password(demo_server, username):
    return next(p for u, p, _role in demo_server.logins if u == username)


def test_list_filter_then_detail(page, demo_server):
    login(page, "kraj-referent", _password(demo_server, "kraj-referent"))
    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Registr služeb").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Registr sociálních služeb"
    total = page.get_by_test_id("result-count").inner_text()
    assert total.startswith("Počet služeb:")
    page.select_option("#id_kind", "49")
    page.select_option("#id_orp", "6201")
    page.get_by_role("button", name="Filtrovat").click()
    assert "kind=49" in page.url and "orp=6201" in page.url
    assert page.get_by_test_id("result-count").inner_text().startswith("Služeb odpovídajících filtru:")
    rows = page.locator('[data-testid="service-table"] tbody tr')
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert "domovy pro seniory" in rows.nth(i).locator("td").nth(2).inner_text()
    page.screenshot(path="/tmp/socplan-registry-list.png", full_page=True)

    name = rows.first.locator("td").first.locator("a").inner_text()
    rows.first.locator("td").first.locator("a").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    capacities = page.get_by_test_id("capacities").locator("tbody tr")
    assert capacities.count() >= 1
    assert re.search(r"\d", capacities.first.locator("td.num").inner_text())
    svg = page.get_by_test_id("facility-map")
    assert svg.is_visible()
    assert svg.locator("circle").count() == page.get_by_test_id("facilities").locator("tbody tr").count()
    assert svg.locator("path.scope").count() >= 1
    scope_rows = page.get_by_test_id("scope").locator("tbody tr")
    assert scope_rows.count() >= 1 and "ORP" in scope_rows.first.inner_text()
    assert page.get_by_test_id("years").is_visible()  # regional staff read staffing and economics
    assert page.get_by_role("heading", name="Historie změn").is_visible()
    page.screenshot(path="/tmp/socplan-registry-detail.png", full_page=True)


def test_anonymous_sorting_synthetic_badge_and_private_note(page):
    page.goto("/registr/?data=synthetic")
    rows = page.locator('[data-testid="service-table"] tbody tr')
    assert rows.count() == 25
    assert page.locator('[data-testid="service-table"] tbody tr .badge.synthetic').count() >= 25
    page.locator('[data-testid="service-table"] thead th').filter(has_text="služba").locator("a").click()
    assert "sort=-name" in page.url
    header = page.locator('[data-testid="service-table"] thead th[aria-sort]')
    assert header.get_attribute("aria-sort") == "descending"
    names = [rows.nth(i).locator("td").first.locator("a").inner_text() for i in range(3)]
    rows.first.locator("td").first.locator("a").click()
    assert page.get_by_test_id("synthetic-badge").is_visible()
    assert page.get_by_role("heading", level=1).inner_text().startswith(names[0])
    assert "neveřejné" in page.get_by_test_id("private-note").inner_text()
    assert page.get_by_test_id("years").count() == 0


def test_provider_edits_year_data_and_downloads_template(page, demo_server):
    login(page, "poskytovatel", _password(demo_server, "poskytovatel"))
    role = next(r for u, _p, r in demo_server.logins if u == "poskytovatel")
    ico = re.search(r"IČO (\d{8})", role).group(1)
    page.goto("/registr/poskytovatele/")
    page.fill("#id_q", ico)
    page.get_by_role("button", name="Filtrovat").click()
    page.locator('[data-testid="provider-table"] tbody tr').first.locator("a").first.click()
    page.locator('[data-testid="service-table"] tbody tr').first.locator("td").first.locator("a").click()
    page.get_by_role("link", name=re.compile("Úvazky a hospodaření")).click()
    page.fill("#id_fte_direct", "5,5")
    page.get_by_role("button", name="Uložit", exact=True).click()
    assert "byly uloženy" in page.locator(".messages").inner_text()
    assert "5,50" in page.get_by_test_id("years").inner_text()
    assert "poskytovatel" in page.get_by_test_id("years").inner_text()  # source of the record
    page.get_by_role("navigation", name="Drobečková navigace").get_by_role("link").nth(1).click()
    page.get_by_test_id("provider-data-link").click()
    with page.expect_download() as info:
        page.get_by_test_id("download-template").click()
    assert re.fullmatch(rf"socplan-rocni-udaje-{ico}-\d{{4}}\.xlsx", info.value.suggested_filename)
