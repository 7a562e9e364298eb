"""Headless browser: a provider edits its service and the change appears, readable, in the service's history.
(The network-decision part comes with the network issue.) Runs against `socplan demo` data."""

from __future__ import annotations

import json

import pytest

from socplan.accounts.demo import DEMO_PASSWORD, PROVIDER_USERNAME

from ..conftest import login

pytestmark = pytest.mark.browser


def _json(page, url):
    response = page.goto(url + ("&" if "?" in url else "?") + "format=json")
    return json.loads(response.text())


def test_changed_service_shows_its_history(page):
    login(page, PROVIDER_USERNAME, DEMO_PASSWORD)
    me = _json(page, "/api/v1/accounts/me/")
    (role,) = me["roles"]
    services = _json(page, f"/api/v1/services/?provider={role['provider']}")["results"]
    service = services[0]
    page.goto(f"/registr/sluzba/{service['id']}/upravit/")
    page.fill("input[name=web]", "https://historie.example.cz")
    page.fill("input[name=age_note]", "od 65 let")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"/registr/sluzba/{service['id']}/")
    history = page.locator("section.history")
    text = history.inner_text()
    assert "Historie změn" in text
    first_row = history.locator("tbody tr").first.inner_text()
    assert "Pavla Poskytovatelová" in first_row and "změněno" in first_row
    assert "web" in first_row and "https://historie.example.cz" in first_row
    assert "doplňující informace k věku" in first_row and "od 65 let" in first_row
    # Someone else (the Znojmo ORP coordinator) reads the service page but may not open its edit page.
    page.click("header form[action='/ucet/logout/'] button")
    page.wait_for_load_state()
    login(page, "orp-znojmo", DEMO_PASSWORD)
    assert page.goto(f"/registr/sluzba/{service['id']}/upravit/").status == 403
    assert page.goto(f"/registr/sluzba/{service['id']}/").status == 200
