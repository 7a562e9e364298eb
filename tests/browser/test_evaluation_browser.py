"""Headless Chromium: the methodology editor (a weight change, an invalid scale rejected) and a service's
breakdown page (officer and provider)."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.browser


def _login(page, demo_server, username):
    password = next(p for u, p, _r in demo_server.logins if u == username)
    login(page, username, password)


def _cz(text: str) -> float:
    return float(text.replace("\xa0", "").replace(" ", "").replace(",", ".").split("/")[0])


def test_methodology_editor(page, demo_server):
    _login(page, demo_server, "kraj-referent")
    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Hodnocení").click()
    page.get_by_role("link", name="Metodiky hodnocení").first.click()
    # the demo year's approved methodology: changing it means a new revision (a draft)
    page.locator("table tbody tr").filter(has_text="schválená").first.get_by_role("link").click()
    assert page.locator("#status").inner_text() == "schválená"
    assert page.locator("#edit-weights").count() == 0
    year = page.locator("#id_copy_year").input_value()
    page.fill("#id_copy_year", str(int(year) - 1))  # same year as the approved one → new revision
    page.click("#copy-button")
    assert page.locator("#status").inner_text() == "návrh"
    assert "Vznikl návrh metodiky" in page.locator(".messages").inner_text()

    # a weight change that breaks the 100 % sum is refused with a Czech message
    page.click("#edit-weights")
    page.fill('input[name="w_SPEC"]', "19")
    page.get_by_role("button", name="Uložit váhy").click()
    alert = page.get_by_role("alert").inner_text()
    assert "Součet vah kritérií je 95 %, musí být 100 %." in alert
    # … and accepted once the weights add up again
    page.fill('input[name="w_SPEC"]', "19")
    page.fill('input[name="w_ZDROJE"]', "17")
    page.get_by_role("button", name="Uložit váhy").click()
    assert "Váhy byly uloženy." in page.locator(".messages").inner_text()
    assert page.locator('td[data-criterion="SPEC"]').inner_text().replace("\xa0", " ") == "19 %"
    assert page.locator('td[data-criterion="ZDROJE"]').inner_text().replace("\xa0", " ") == "17 %"
    assert page.locator("#weight-total").inner_text().replace("\xa0", " ") == "100 %"

    # an invalid scale (points not monotone for "lower is better") is rejected
    page.get_by_role("link", name="Náklady na úvazek v přímé péči").click()
    before = page.locator("#scales").inner_text()
    page.locator('a[data-scale-key="*"]').click()
    page.fill('input[name="points_1"]', "5")
    page.fill('input[name="points_2"]', "8")
    page.get_by_role("button", name="Uložit stupnici").click()
    alert = page.get_by_role("alert").inner_text()
    assert "body musí s rostoucí hodnotou klesat nebo zůstat stejné" in alert
    # a scale that does not cover the range is rejected too
    page.fill('input[name="points_1"]', "8")
    page.fill('input[name="points_2"]', "5")
    page.fill('input[name="points_extra"]', "1")
    page.get_by_role("button", name="Uložit stupnici").click()
    assert "stupnice musí pokrýt celý rozsah bodů od 0 do 10" in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="Zpět").click()
    assert page.locator("#scales").inner_text() == before  # nothing was saved
    page.screenshot(path="/tmp/socplan-evaluation-editor.png", full_page=True)


def test_service_breakdown_for_officer_and_provider(page, demo_server):
    _login(page, demo_server, "kraj-referent")
    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Hodnocení").click()
    page.get_by_role("link", name="výsledky hodnocení").first.click()
    rows = page.locator("#results tbody tr")
    assert rows.count() > 400
    # sort by score, lowest first, and open a service below the threshold
    page.get_by_role("link", name="Body", exact=True).click()
    page.get_by_role("link", name="Body ▼", exact=True).click()
    first = rows.first
    assert "pod prahem" in first.inner_text()
    first.get_by_role("link").first.click()
    score = _cz(page.locator("#score").inner_text())
    total = _cz(page.locator("#total").inner_text())
    assert score == total
    contributions = [_cz(t) for t in page.locator("#breakdown tr[data-indicator] td:last-child").all_inner_texts()]
    assert abs(sum(contributions) - score) < 0.05 * len(contributions)
    message = page.locator("#message").inner_text()
    assert message.startswith("Služba nedosáhla prahu pro síť") and "Nejvíce bodů ztrácí u ukazatelů" in message
    page.screenshot(path="/tmp/socplan-evaluation-breakdown.png", full_page=True)

    # the provider reaches the breakdown of its own service from the module's page
    page.get_by_role("button", name="Odhlásit").click()
    _login(page, demo_server, "poskytovatel")
    page.get_by_role("navigation", name="Hlavní navigace").get_by_role("link", name="Hodnocení").click()
    page.get_by_role("link", name="rozpad bodů").first.click()
    assert page.locator("#breakdown tr[data-indicator]").count() >= 5
    assert "bodů ze" in page.locator("#summary").inner_text()
    page.get_by_role("link", name="Kde stojí vaše služba mezi srovnatelnými").click()
    assert page.locator("section.standing").count() >= 1
