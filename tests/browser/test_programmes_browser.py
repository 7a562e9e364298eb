"""Headless Chromium through the demo's subsidy programmes: the approver approves the proposal of the kraj's own
programme (§105, 1st round) and issues its contracts; the provider then sees only approved amounts (the
unapproved optimisation proposal of the §101a round stays hidden) and downloads its decision, whose amount is the
one on the page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from docx import Document as DocxDocument

from socplan.registry.demo import DEMO_YEAR
from tests.conftest import login

pytestmark = pytest.mark.browser


def _login(page, demo_server, username):
    password = next(p for u, p, _r in demo_server.logins if u == username)
    login(page, username, password)


def _amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d]", "", text))


def test_approve_issue_and_the_provider_downloads_its_decision(page, demo_server):
    _login(page, demo_server, "kraj-schvalovatel")
    page.goto(f"/financovani/programy/CZ064/{DEMO_YEAR}/")
    page.get_by_role("link", name=re.compile("Program kraje na spolufinancování")).click()
    round1 = page.locator("#kolo-1")
    assert round1.locator(".in-force").count() == 0
    round1.locator("input[name=decision_ref]").first.fill("RJMK 7/2026")
    round1.get_by_role("button", name="Schválit").first.click()
    assert "Rozdělení bylo schváleno." in page.locator("body").inner_text()
    round1 = page.locator("#kolo-1")
    approved = _amount(round1.locator(".in-force a").first.inner_text())
    round1.get_by_role("button", name="Vydat rozhodnutí a pověření").click()
    assert "Vydaná rozhodnutí" in page.locator("body").inner_text()
    decisions = page.locator("#kolo-1 table").last.locator("tbody tr")
    assert decisions.count() > 0
    assert sum(_amount(decisions.nth(i).locator("td").last.inner_text())
               for i in range(decisions.count())) == approved
    # the §101a round has an optimisation proposal the provider must never see
    page.goto(f"/financovani/programy/CZ064/{DEMO_YEAR}/")
    page.get_by_role("link", name=re.compile("ze státního rozpočtu")).click()
    proposal_href = page.locator("#kolo-1 tr", has_text="návrh").first.locator("a").first.get_attribute("href")
    page.context.clear_cookies()

    _login(page, demo_server, "poskytovatel")
    page.goto("/financovani/")
    own = page.locator("#own-decisions tbody tr")
    assert own.count() >= 2  # the §101a decision and the new §105 contract
    allocations = page.locator("section", has_text="Přidělené částky").inner_text()
    assert "schváleno" in allocations and "spravedlivý podíl" not in allocations
    response = page.goto(proposal_href)
    assert response.status == 404
    page.goto("/financovani/")
    contract = page.locator("#own-decisions tbody tr", has_text="JMK-105").first
    contract.locator("a").click()
    amount = _amount(page.locator("#decision-amount").inner_text())
    assert amount > 0
    with page.expect_download() as info:
        page.click("#decision-docx")
    doc = DocxDocument(io.BytesIO(open(info.value.path(), "rb").read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Veřejnoprávní smlouva" in text and "Ilustrativní data" in text
    total_row = [r for t in doc.tables for r in t.rows if r.cells[0].text == "Celkem"]
    assert _amount(total_row[0].cells[-1].text) == amount
