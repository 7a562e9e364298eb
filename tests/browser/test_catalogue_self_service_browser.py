"""Provider self-service of the catalogue in a real Chromium against the demo server: the provider states free
places and proposes a phone number; the free places show on the public page at once, the phone only after a kraj
officer (without the right to approve) reviews the proposal; the history shows both.
Screenshots: /tmp/socplan-catalogue-proposal-review.png, /tmp/socplan-catalogue-proposal-public.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_availability_browser import password_of
from tests.conftest import login

pytestmark = pytest.mark.browser

PHONE = "+420 516 999 321"


def test_free_places_at_once_phone_after_review(browser, demo_server):
    provider = browser.new_context(base_url=demo_server, locale="cs-CZ").new_page()
    login(provider, "poskytovatel", password_of(demo_server, "poskytovatel"))
    provider.goto("/katalog/navrhy/")
    href = provider.get_by_role("link", name="volná místa").first.get_attribute("href")
    sid = re.search(r"/sluzba/(\d+)/", href).group(1)
    provider.goto(href)
    provider.fill("#id_places_free", "3")
    provider.fill("#id_waiting_list", "12")
    provider.get_by_role("button", name="Uložit a zveřejnit").click()
    provider.wait_for_load_state()

    public = browser.new_context(base_url=demo_server, locale="cs-CZ").new_page()
    public.goto(f"/katalog/sluzba/{sid}/")
    expect(public.locator(".cat-free")).to_contain_text("Volná místa: 3")
    assert PHONE not in public.content()

    provider.goto(f"/katalog/sluzba/{sid}/obsah/")
    provider.fill("#id_phone", PHONE)
    provider.fill("#id_opens_1", "8:00")
    provider.fill("#id_closes_1", "12:00")
    provider.get_by_role("button", name="Odeslat kraji ke kontrole").click()
    provider.wait_for_load_state()
    expect(provider.get_by_test_id("proposal-state")).to_contain_text("Čeká na posouzení krajem")
    proposal_url = provider.url
    public.reload()
    assert PHONE not in public.content()  # not before the review

    officer = browser.new_context(base_url=demo_server, locale="cs-CZ").new_page()
    login(officer, "kraj-referent", password_of(demo_server, "kraj-referent"))
    officer.goto("/katalog/navrhy/")
    officer.locator(f'a[href="{proposal_url.split(demo_server)[-1]}"]').first.click()
    officer.screenshot(path="/tmp/socplan-catalogue-proposal-review.png", full_page=True)
    officer.get_by_role("button", name="Schválit a zveřejnit").click()
    officer.wait_for_load_state()
    expect(officer.get_by_test_id("proposal-state")).to_contain_text("Schváleno a zveřejněno")
    expect(officer.locator("section.history")).to_contain_text("schváleno a zveřejněno")

    public.reload()
    expect(public.locator(".cat-contact")).to_contain_text(PHONE)
    expect(public.get_by_test_id("opening-hours")).to_contain_text("po 8:00–12:00")
    expect(public.locator(".cat-free")).to_contain_text("Volná místa: 3")
    public.screenshot(path="/tmp/socplan-catalogue-proposal-public.png", full_page=True)

    # the history shows both: the free-places statement and the proposal with its decision
    provider.goto(f"/katalog/sluzba/{sid}/volna-mista/")
    expect(provider.locator("table")).to_contain_text("12")
    provider.goto(f"/katalog/sluzba/{sid}/obsah/")
    expect(provider.locator("table").last).to_contain_text("schváleno a zveřejněno")
