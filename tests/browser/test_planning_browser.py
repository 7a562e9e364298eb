"""Headless Chromium: the comment cycle end to end — a coordinator creates a plan and publishes the draft for
comments, a citizen (not logged in) comments through the public form, the coordinator resolves the comment and
publishes the settlement table, the citizen reads it.

Independent of the planning demo data: the plan is created through the pages. The second test looks at the
demo plans and is skipped (with the reason) when `planning_demo_load()` is not part of `socplan load_demo`.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import login

pytestmark = pytest.mark.browser


def region_admin(demo_server):
    logins = {u: p for u, p, _r in demo_server.logins}
    if "kraj-spravce" in logins:
        return "kraj-spravce", logins["kraj-spravce"]
    username, password, _role = demo_server.logins[0]
    return username, password


def test_comment_cycle_end_to_end(page, browser, demo_server):
    login(page, *region_admin(demo_server))
    title = f"Plán pro test připomínek {uuid.uuid4().hex[:6]}"
    page.goto("/planovani/novy/")
    page.select_option("#id_kind", "regional")
    page.fill("#id_title", title)
    page.select_option("#id_region", label="Jihomoravský kraj")
    page.fill("#id_year_from", "2029")
    page.fill("#id_year_to", "2031")
    page.get_by_role("button", name="Uložit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_test_id("plan-status")).to_have_text("návrh")
    plan_id = re.search(r"/plan/(\d+)/", page.url).group(1)

    page.get_by_role("link", name="+ přidat prioritu").click()
    page.select_option("#id_kind", "system")
    page.fill("#id_code", "A")
    page.fill("#id_title", "Dostupnost terénních služeb v celém kraji")
    page.get_by_role("button", name="Uložit").click()
    expect(page.locator("#priority ~ .priority").first).to_contain_text("Dostupnost terénních služeb")

    page.get_by_test_id("publish").click()
    page.get_by_role("button", name="Potvrdit").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("v připomínkování")

    # A citizen, not logged in, comments on the priority through the public form.
    citizen_ctx = browser.new_context(base_url=demo_server, locale="cs-CZ")
    citizen = citizen_ctx.new_page()
    citizen.goto(f"/planovani/plan/{plan_id}/")
    citizen.get_by_test_id("comment-link").click()
    citizen.fill("#id_author_name", "Marie Občanová")
    citizen.fill("#id_author_email", "marie.obcanova@example.cz")
    option = citizen.locator("#id_target option", has_text="priorita A:").first.get_attribute("value")
    citizen.select_option("#id_target", option)
    comment = "Prosíme o terénní pečovatelskou službu i o víkendech."
    citizen.fill("#id_text", comment)
    citizen.wait_for_timeout(3300)  # the public form refuses submissions faster than 3 s (anti-spam)
    citizen.get_by_test_id("submit-comment").click()
    expect(citizen.get_by_role("status")).to_contain_text("připomínka byla přijata")

    # The coordinator resolves it and publishes the settlement table.
    page.goto(f"/planovani/plan/{plan_id}/pripominky/")
    expect(page.get_by_test_id("comments-pending")).to_have_text("1")
    form = page.locator("form[data-testid^=resolve-]").first
    form.locator("select[name=resolution]").select_option("partly")
    form.locator("textarea[name=reasoning]").fill("Víkendová služba bude součástí opatření A.1 od roku 2030.")
    form.get_by_role("button", name="Vypořádat").click()
    expect(page.get_by_role("status")).to_contain_text("vypořádána")
    expect(page.get_by_test_id("comments-pending")).to_have_text("0")
    page.get_by_test_id("publish-settlement").click()
    expect(page.get_by_role("status")).to_contain_text("Vypořádání připomínek bylo zveřejněno")

    # The citizen reads the published settlement table (without e-mail addresses).
    citizen.goto(f"/planovani/plan/{plan_id}/vyporadani/")
    table = citizen.get_by_test_id("settlement-table")
    expect(table).to_contain_text(comment)
    expect(table).to_contain_text("Marie Občanová")
    expect(table).to_contain_text("akceptováno částečně")
    expect(table).to_contain_text("Víkendová služba bude součástí opatření A.1")
    assert "marie.obcanova@example.cz" not in citizen.content()
    citizen_ctx.close()


def test_public_fulfilment_and_calendar_of_the_demo_plans(page):
    page.goto("/planovani/")
    # the demo loads the planning module's plans (socplan.site.demo.app_demos_load)
    assert page.get_by_role("link", name=re.compile("na období 2015–2017$")).count() > 0
    page.get_by_role("link", name=re.compile("Střednědobý plán .* 2015–2017")).first.click()
    expect(page.get_by_text("Priorita A: Podpora procesu plánování dostupnosti sociálních služeb")).to_be_visible()
    page.get_by_role("link", name="Jak se plán plní").click()
    in_scope = int(page.get_by_test_id("in-scope").inner_text())
    counts = page.get_by_test_id("state-counts").locator("tbody td.num").all_inner_texts()
    assert sum(int(x) for x in counts) == in_scope > 0
    assert page.locator("svg.chart").count() >= 3
    page.goto("/planovani/kalendar/")
    href = page.get_by_test_id("ics-link").get_attribute("href")
    response = page.request.get(href)
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.text().startswith("BEGIN:VCALENDAR\r\n")
