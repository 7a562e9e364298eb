"""Headless Chromium: the kraj officer creates a subsidy programme and its first round on their pages, sees both
on the programme page and corrects the round's settlement date; a provider user is offered none of it and is
refused the page."""

from __future__ import annotations

import re

import pytest

from socplan.registry.demo import DEMO_YEAR
from tests.conftest import login

pytestmark = pytest.mark.browser


def _login(page, demo_server, username):
    password = next(p for u, p, _r in demo_server.logins if u == username)
    login(page, username, password)


def test_officer_creates_a_programme_and_a_round(page, demo_server):
    _login(page, demo_server, "kraj-referent")
    page.goto(f"/financovani/programy/CZ064/{DEMO_YEAR}/")
    assert page.get_by_role("link", name=re.compile("Termíny")).count() == 1
    page.get_by_role("link", name="Nový dotační program").click()
    page.fill("#id_code", "prohlizec")
    page.fill("#id_name", "Program na podporu terénních služeb")
    page.select_option("#id_legal_basis", "targeted")
    page.fill("#id_budget", "3 000 000")
    page.fill("#id_damping_max_drop", "0,1")
    page.fill("#id_entrustment_from", str(DEMO_YEAR))
    page.fill("#id_entrustment_to", str(DEMO_YEAR + 1))
    page.locator("#kinds input[type=checkbox]").first.check()
    page.get_by_role("button", name="Uložit").click()
    body = page.locator("body").inner_text()
    assert "Dotační program byl uložen." in body, body[:2000]
    assert re.search(r"/financovani/program/\d+/$", page.url)
    assert "Program na podporu terénních služeb" in page.locator("h1").inner_text()

    page.get_by_role("link", name="Přidat kolo").click()
    assert page.input_value("#id_number") == "1"
    page.fill("#id_budget", "1 500 000")
    page.fill("#id_applications_from", f"{DEMO_YEAR - 1}-09-01")
    page.fill("#id_applications_to", f"{DEMO_YEAR - 1}-10-31")
    page.fill("#id_decisions_by", f"{DEMO_YEAR}-03-31")
    page.fill("#id_reports_by", f"{DEMO_YEAR + 1}-02-15")
    page.get_by_role("button", name="Uložit").click()
    assert "Kolo programu bylo uloženo." in page.locator("body").inner_text()
    round1 = page.locator("#kolo-1")
    assert "1 500 000" in round1.inner_text().replace("\xa0", " ")

    # a second round above what the programme has left: a Czech error, nothing saved
    page.get_by_role("link", name="Přidat kolo").click()
    page.fill("#id_budget", "2 000 000")
    page.fill("#id_applications_from", f"{DEMO_YEAR}-04-01")
    page.fill("#id_applications_to", f"{DEMO_YEAR}-04-30")
    page.fill("#id_decisions_by", f"{DEMO_YEAR}-06-30")
    page.fill("#id_reports_by", f"{DEMO_YEAR + 1}-02-15")
    page.get_by_role("button", name="Uložit").click()
    assert "by přesáhly rozpočet programu" in page.locator("body").inner_text()
    page.get_by_role("link", name="Zpět bez uložení").click()
    assert page.locator("#kolo-2").count() == 0

    page.locator("#kolo-1").get_by_role("link", name="Upravit kolo").click()
    page.fill("#id_reports_by", f"{DEMO_YEAR + 1}-03-01")
    page.get_by_role("button", name="Uložit").click()
    assert f"1. 3. {DEMO_YEAR + 1}" in page.locator("#kolo-1").inner_text()
    programme_url = page.url.split("#")[0]
    page.context.clear_cookies()

    _login(page, demo_server, "poskytovatel")
    page.goto(f"/financovani/programy/CZ064/{DEMO_YEAR}/")
    assert page.get_by_role("link", name="Nový dotační program").count() == 0
    page.goto(programme_url)
    assert page.get_by_role("link", name="Upravit program").count() == 0
    response = page.goto(f"/financovani/programy/CZ064/{DEMO_YEAR}/novy/")
    assert response.status == 403
