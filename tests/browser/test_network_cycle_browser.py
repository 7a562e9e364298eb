"""The cycle through the pages (Chromium): the year's network is approved (confirming the entries that fail
the entry conditions), then the approver admits an evaluated development request – it lands in a new draft
amendment, the request page links it, and approving the amendment makes the admission effective.

This file runs after test_network_browser.py: it approves the demo's 2026 network, which that file reads as a
draft under negotiation.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import login

pytestmark = pytest.mark.browser


def password_of(demo_server, username):
    return next(p for u, p, _ in demo_server.logins if u == username)


def approve_with_confirmation(page, decision_ref: str):
    page.fill("#id_decision_ref", decision_ref)
    page.get_by_test_id("approve").click()
    assert page.get_by_test_id("failing-entries").locator("tbody tr").count() > 0
    page.check("#id_confirm_failing")
    page.fill("#id_reason", "Podmínky se doplní během roku (test).")
    page.get_by_test_id("approve").click()
    assert page.get_by_test_id("version-status").inner_text() == "schváleno"


def test_decision_after_approval_opens_an_amendment_to_approve(page, demo_server):
    login(page, "kraj-referent", password_of(demo_server, "kraj-referent"))
    page.goto("/sit/zamery/?stav=evaluated")
    page.get_by_role("link", name="Rozvoj služby na Znojemsku").click()
    assert "Rozhodnutí kraje" not in page.content()  # the officer without the right to approve does not decide

    page.context.clear_cookies()  # log out
    login(page, "kraj-schvalovatel", password_of(demo_server, "kraj-schvalovatel"))
    page.goto("/sit/")
    page.get_by_test_id("years").get_by_role("link", name="Síť 2026, základní znění").first.click()
    approve_with_confirmation(page, "usnesení RJMK 2026/1 (test)")

    page.goto("/sit/zamery/?stav=evaluated")
    page.get_by_role("link", name="Rozvoj služby na Znojemsku").click()
    page.check("#decision_admit_0")
    page.select_option("#decision_tier", label="základní síť")
    page.fill("#decision_reason", "Potřebnost doložena (test).")
    if page.locator("#decision_confirm_failing").count():  # the request fails entry conditions: confirm them
        assert page.get_by_test_id("decision-failures").is_visible()
        page.check("#decision_confirm_failing")
    page.get_by_role("button", name="Rozhodnout").click()
    assert page.get_by_test_id("request-state").inner_text() == "zařazeno do sítě"
    admission = page.get_by_test_id("admission")
    assert "Síť 2026, dodatek č. 1" in admission.inner_text()
    assert page.get_by_test_id("admission-pending").is_visible()
    request_url = page.url

    page.get_by_test_id("admission-version").click()
    assert re.search(r"Síť 2026, dodatek č\. 1", page.get_by_role("heading", level=1).inner_text())
    assert page.get_by_test_id("version-status").inner_text() == "návrh"
    approve_with_confirmation(page, "usnesení RJMK 2026/2 (test)")

    page.goto(request_url)
    assert page.get_by_test_id("admission-pending").count() == 0
    assert "schváleno" in page.get_by_test_id("admission").inner_text()
    page.get_by_test_id("admission-entry").click()
    assert page.get_by_role("link", name="Rozvoj služby na Znojemsku").is_visible()  # the entry names it
