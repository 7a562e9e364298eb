"""Headless Chromium on the demo server: the network pages, an amendment with its history and the
immutability of an approved network, and a development request passing from the ORP to the district team.

The tests change the demo server's data only in ways the other tests do not rely on: they add 2025
amendment 3 and a new development request of ORP Blansko."""

import re

import pytest

from tests.conftest import login

pytestmark = pytest.mark.browser


def password_of(demo_server, username):
    for user, password, _role in demo_server.logins:
        if user == username:
            return password
    pytest.fail(f"demo user {username} missing from the demo logins")


def number(text: str) -> int:
    """The leading number of '1\xa0234 klient' (Czech grouping with non-breaking spaces)."""
    return int(re.match(r"[\d\xa0]+", text).group().replace("\xa0", ""))


def grouped(n: int) -> str:
    return f"{n:,}".replace(",", "\xa0")


def as_user(page, demo_server, username):
    login(page, username, password_of(demo_server, username))


def test_network_overview_check_diff_and_requests(page, demo_server):
    as_user(page, demo_server, "kraj-referent")
    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Síť služeb").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Síť sociálních služeb")
    years = page.get_by_test_id("years")
    assert "v projednávání" in years.inner_text() and "schváleno" in years.inner_text()
    years.get_by_role("link", name="Síť 2026, základní znění").first.click()
    assert page.get_by_test_id("version-status").inner_text() == "v projednávání"
    assert int(page.get_by_test_id("total-entries").inner_text().replace("\xa0", "")) > 500
    assert page.get_by_test_id("entries").locator("tbody tr").count() == 50  # first page of the table

    page.get_by_role("link", name="Podmínky vstupu u všech položek").click()
    n = int(page.get_by_test_id("check-entries").inner_text())
    eligible = int(page.get_by_test_id("check-eligible").inner_text())
    assert 0 < eligible < n
    assert "Spolufinancování obcí" in page.get_by_test_id("check-summary").inner_text()
    page.get_by_role("link", name="Jen položky, které některou podmínku nesplňují").click()
    assert page.get_by_test_id("checks").locator("tbody tr").count() == n - eligible
    assert page.locator("span.fail").first.is_visible()

    # the difference between the 2025 base network and its first amendment
    page.get_by_role("link", name="Porovnání verzí").click()
    page.select_option("#id_old", label="Síť 2025, základní znění")
    page.select_option("#id_new", label="Síť 2025, dodatek č. 1")
    page.get_by_role("button", name="Porovnat").click()
    assert page.get_by_test_id("n-added").inner_text() == "6"
    assert page.get_by_test_id("n-changed").inner_text() == "5"
    rec = page.get_by_test_id("reconciliation")
    assert rec.locator(".reconcile-ok").count() == rec.locator("tbody tr").count()
    with page.expect_download() as dl:
        page.get_by_test_id("xlsx").click()
    assert dl.value.suggested_filename.endswith(".xlsx")

    # development requests in every state
    page.get_by_role("link", name="Rozvojové záměry").first.click()
    text = page.get_by_test_id("requests").inner_text()
    for state in ("podáno", "se stanoviskem ORP", "projednáno v okrese", "vyhodnoceno", "zařazeno do sítě",
                  "zamítnuto", "vráceno k doplnění"):
        assert state in text, state
    page.get_by_test_id("requests").get_by_role("link", name="Rozvoj služby na Znojemsku").click()
    assert page.get_by_test_id("request-state").inner_text().startswith("vyhodnoceno")
    assert page.get_by_test_id("evaluation").locator("li").count() >= 4
    # deciding needs the right to approve: the officer without it gets no decision form
    assert page.get_by_role("heading", name="Rozhodnutí kraje").count() == 0

    page.goto("/sit/okres/CZ0641/2026/")
    assert page.get_by_test_id("district-matrix").locator("tbody tr").count() >= 2
    assert "Boskovicku" in page.get_by_test_id("district-comments").inner_text()
    page.screenshot(path="/tmp/socplan-network.png", full_page=False)


def test_amendment_edit_history_and_immutability(page, demo_server):
    as_user(page, demo_server, "kraj-schvalovatel")
    page.goto("/sit/")
    page.get_by_test_id("years").get_by_role("link", name="Síť 2025, dodatek č. 2").first.click()
    assert page.get_by_test_id("version-status").inner_text() == "schváleno"
    assert page.get_by_test_id("immutable-note").is_visible()
    approved_entry_url = page.get_by_test_id("entries").locator("tbody tr a").first.get_attribute("href")
    # an approved network is not edited: a change makes a numbered amendment
    page.fill("#id_reason", "Navýšení kapacity během roku (test).")
    page.get_by_role("button", name="Vytvořit dodatek").click()
    assert "dodatek č. 3" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("version-status").inner_text() == "návrh"

    page.get_by_test_id("entries").locator("tbody tr a").first.click()
    old = number(page.get_by_test_id("entry-capacity").inner_text())
    page.get_by_role("link", name="Upravit", exact=True).click()
    page.fill("#id_capacity", str(old + 3))
    page.get_by_role("button", name="Uložit").click()
    assert number(page.get_by_test_id("entry-capacity").inner_text()) == old + 3
    history = page.locator("section.history").inner_text()
    assert "kapacita v síti" in history and f"{grouped(old)} → {grouped(old + 3)}" in history
    assert "Schválný" in history  # who changed it

    # approve the amendment: from now on it is immutable too
    page.get_by_role("link", name=re.compile("Síť 2025, dodatek č. 3")).first.click()
    page.fill("#id_decision_ref", "usnesení RJMK 999/25 (test)")
    page.get_by_test_id("approve").click()
    # entries failing the entry conditions are listed: approving them needs the confirmation and a reason
    assert page.get_by_test_id("failing-entries").locator("tbody tr").count() > 0
    page.check("#id_confirm_failing")
    page.fill("#id_reason", "Podmínky se doplní během roku (test).")
    page.get_by_test_id("approve").click()
    assert page.get_by_test_id("version-status").inner_text() == "schváleno"
    assert "Podmínky se doplní během roku (test)." in page.get_by_test_id("approval-exceptions").inner_text()
    version_history = page.locator("section.history").inner_text()
    assert "schváleno" in version_history and "usnesení RJMK 999/25 (test)" in version_history

    page.goto(approved_entry_url.rstrip("/") + "/upravit/")
    assert page.get_by_test_id("immutable").inner_text().startswith("Schválený záznam nelze měnit")


def test_request_from_orp_to_district_with_notification(page, demo_server):
    as_user(page, demo_server, "orp-blansko")
    page.goto("/sit/zamery/")
    page.get_by_role("link", name="Podat rozvojový záměr").click()
    options = page.locator("#id_orp option").all_inner_texts()
    assert "Znojmo" not in options and "Blansko" in options  # only the own ORP
    page.fill("#id_year", "2026")
    page.select_option("#id_orp", label="Blansko")
    page.select_option("#id_request_kind", value="new")
    page.select_option("#id_request_type", value="B")
    page.fill("#id_title", "Večerní pečovatelská služba (test)")
    page.select_option("#id_kind", label="§ 40 pečovatelská služba")
    page.select_option("#id_form", label="terénní")
    page.fill("#id_capacity", "12")
    page.fill("#id_fte", "2")
    page.fill("#id_expected_cost", "1800000")
    page.fill("#id_justification", "Ve večerních hodinách chybí terénní péče.")
    page.get_by_role("button", name="Uložit").click()
    assert page.get_by_test_id("request-state").inner_text().startswith("podáno")

    page.check("#opinion_need_declared_0")
    page.fill("#opinion_text", "Záměr je v souladu s komunitním plánem.")
    page.get_by_role("button", name="Uložit stanovisko").click()
    assert page.get_by_test_id("request-state").inner_text().startswith("se stanoviskem ORP")
    assert "stanovisko ORP" in page.get_by_test_id("timeline").inner_text()
    request_url = page.url

    page.get_by_role("button", name="Odhlásit").click()
    as_user(page, demo_server, "okres-blansko")
    page.goto("/sit/")
    note = page.get_by_role("link", name=re.compile("Večerní pečovatelská služba \\(test\\)"))
    assert note.first.is_visible()
    note.first.click()
    assert page.url == request_url
    page.check("#review_recommends_0")
    page.fill("#review_text", "Okresní tým doporučuje.")
    page.get_by_role("button", name="Uložit vyjádření").click()
    assert page.get_by_test_id("request-state").inner_text().startswith("projednáno v okrese")
