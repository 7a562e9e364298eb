"""Headless Chromium: capacity needs of a community plan, from the plan page to the availability page and back,
and an ORP coordinator entering a need in a new version of the plan (with a Czech error for bad input).

Expected numbers come from plain SQL on the demo server's database (see test_availability_browser.py).
Screenshots: /tmp/socplan-needs-coverage.png, /tmp/socplan-needs-plan.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_availability_browser import cz, expected_orp, password_of, server_rows
from tests.conftest import login

pytestmark = pytest.mark.browser

NEED_SQL = """
SELECT n.capacity FROM planning_capacityneed n
JOIN planning_plan p ON p.id = n.plan_id JOIN territory_orp o ON o.id = p.orp_id
JOIN registry_servicekind k ON k.id = n.kind_id JOIN registry_capacitytype ct ON ct.id = n.capacity_type_id
WHERE o.code = '6201' AND p.status = 'approved' AND p.year_from <= 2026 AND p.year_to >= 2026
  AND n.year = 2026 AND k.code = '49' AND ct.code = 'luzka'
"""
PLAN_TITLE = "Komunitní plán sociálních služeb ORP Blansko na období 2026–2028"


def test_plan_needs_side_by_side_with_supply_and_a_new_need(page, demo_server, tmp_path_factory):
    (need,), = server_rows(tmp_path_factory, NEED_SQL)
    _per_1000, _pop, beds = expected_orp(tmp_path_factory)

    login(page, "orp-blansko", password_of(demo_server, "orp-blansko"))
    page.goto("/planovani/")
    page.get_by_role("link", name=PLAN_TITLE).first.click()
    plan_url = page.url
    table = page.get_by_test_id("capacity-needs")
    expect(table).to_be_visible()
    row = table.locator('tr[data-kind="49"]')
    assert [h.strip() for h in table.locator("thead th").all_inner_texts()][2:5] == ["2026", "2027", "2028"]
    assert row.locator("td").nth(2).inner_text() == cz(float(need), 1)
    row.get_by_role("link", name="porovnat s nabídkou").click()
    page.wait_for_load_state()
    assert "domovy pro seniory" in page.get_by_role("heading", level=1).inner_text()
    blansko = page.locator('[data-testid="need-table"] tr[data-code="6201"]')
    assert blansko.locator('td[data-col="planned"]').inner_text() == cz(float(need), 1)
    assert blansko.locator('td[data-col="planned-gap"]').inner_text().replace("\u2212", "-") == \
        cz(float(need) - beds["6201"], 1)
    expect(page.get_by_test_id("planned-note")).to_contain_text("komunitní plán ORP platný")
    page.screenshot(path="/tmp/socplan-needs-coverage.png", full_page=True)
    blansko.locator('td[data-col="planned"] a').click()
    page.wait_for_load_state()
    assert page.url.split("#")[0] == plan_url.split("#")[0]

    # a new version of the plan (a draft copy) carries the needs over; the coordinator adds one
    page.get_by_role("link", name="Nový plán jako kopie").click()
    page.fill("#id_title", "KPSS Blansko 2029–2031 (prohlížeč)")
    page.fill("#id_year_from", "2029")
    page.fill("#id_year_to", "2031")
    page.get_by_role("button").filter(has_text=re.compile("Vytvořit|Uložit|Založit")).first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-status").inner_text() == "návrh"
    copied = page.get_by_test_id("capacity-needs").locator("tbody tr")
    assert copied.count() == 6  # six kinds, their three years shifted to 2029–2031
    assert copied.locator("td.num a").count() == 18
    page.get_by_test_id("capacity-need-add").click()
    kind_value = page.locator("#id_kind option", has_text="chráněné bydlení").first.get_attribute("value")
    page.select_option("#id_kind", kind_value)
    page.select_option("#id_capacity_type", label="lůžka")
    page.select_option("#id_year", "2030")
    page.fill("#id_capacity", "-4")
    page.get_by_role("button", name="Uložit").click()
    page.wait_for_load_state()
    expect(page.locator(".errorlist")).to_contain_text("větší nebo rovna 0")
    page.fill("#id_capacity", "12")
    page.get_by_role("button", name="Uložit").click()
    page.wait_for_load_state()
    added = page.get_by_test_id("capacity-needs").locator('tr[data-kind="51"]')
    assert added.locator("td.num").all_inner_texts() == ["—", "12,0", "—"]  # 2029, 2030, 2031
    assert page.get_by_test_id("capacity-needs").locator("tbody tr").count() == 7
    page.screenshot(path="/tmp/socplan-needs-plan.png", full_page=True)

    # deleting asks for a confirmation first
    added.get_by_role("link", name="12,0").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("confirm-delete")).to_be_hidden()
    page.get_by_text("Smazat…").click()
    page.get_by_test_id("confirm-delete").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("capacity-needs").locator('tr[data-kind="51"]').count() == 0
    assert page.get_by_test_id("capacity-needs").locator("tbody tr").count() == 6
