"""Headless Chromium: log in, walk kraj → okres → ORP → obec, check what the pages show."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.browser


def test_wrong_password_is_refused(page):
    page.goto("/ucet/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "Neplatné uživatelské jméno nebo heslo" in page.get_by_role("alert").first.inner_text()


def test_login_and_territory_browser(page, demo_server):
    username, password, _role = demo_server.logins[0]
    login(page, username, password)
    assert page.locator("header .user").inner_text().strip() != ""
    assert page.get_by_role("link", name="Přihlásit").count() == 0

    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Území").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Území České republiky"
    page.get_by_role("cell").get_by_role("link", name="Jihomoravský kraj").click()
    assert page.get_by_test_id("count-districts").inner_text() == "7"
    assert page.get_by_test_id("count-orps").inner_text() == "21"
    assert page.get_by_test_id("count-municipalities").inner_text() == "673"
    total = page.locator('td[data-band="total"][data-date="2020-01-01"]').inner_text()
    assert total.replace("\xa0", " ") == "1 191 989"
    assert page.locator("svg.outline path").count() == 7  # the seven okresy drawn as outlines

    page.get_by_role("cell").get_by_role("link", name="Blansko").first.click()
    assert "Okres" in page.get_by_role("heading", level=1).inner_text()
    page.locator("table").get_by_role("link", name="Boskovice").first.click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Boskovice")
    page.locator("table").get_by_role("link", name="Letovice").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.endswith("Letovice")
    breadcrumbs = page.get_by_role("navigation", name="Drobečková navigace").inner_text()
    assert "Jihomoravský kraj" in breadcrumbs and "Boskovice" in breadcrumbs
    page.screenshot(path="/tmp/socplan-territory.png", full_page=True)
