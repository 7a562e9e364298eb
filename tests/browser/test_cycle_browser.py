"""Headless Chromium: the planning–network cycle through the pages, as the demo users.

The provider asks for more capacity of its service in ORP Blansko, naming a community-plan measure, for the year
whose network is already approved; the ORP declares the need, the district team recommends, the kraj officer
without the right to approve evaluates (and cannot decide: no form, and the decision URL answers with the 403
page), the approver admits the request: it lands in a new draft amendment the page names and links. The amendment
carries the service's entry with the capacity raised by the request; approving it lists the entries failing the
entry conditions and needs the confirmation and a reason. Afterwards the request shows the approved version, the
entry links back to the request and shows the money panel, and the measure's "Od opatření k penězům" panel
lists the request.

The test adds an amendment to the demo's approved year, so it runs after the other browser tests that count that
year's amendments (see tests/browser/conftest.py).
"""

from __future__ import annotations

import re

import pytest

from socplan.network.demo import BASE_YEAR
from tests.conftest import login

pytestmark = pytest.mark.browser

APPROVED_YEAR = BASE_YEAR  # the demo's year whose network is approved (the next year is under negotiation)
SERVICE = "Charitní pečovatelská služba Blansko"  # a service of the demo provider in ORP Blansko (§ 40)
MEASURE = "S1.1 Rozšíření pečovatelské služby do všech obcí ORP"  # ORP Blansko's community plan
TITLE = "Více klientů pečovatelské služby na Blanensku (test cyklu)"
INCREASE = 4


def password_of(demo_server, username):
    for user, password, _role in demo_server.logins:
        if user == username:
            return password
    pytest.fail(f"demo user {username} missing from the demo logins")


def number(text: str) -> int:
    """The leading number of '1\xa0234 klient' (Czech grouping with non-breaking spaces)."""
    return int(re.match(r"[\d\xa0 ]+", text.strip()).group().replace("\xa0", "").replace(" ", ""))


class Walk:
    """Logs in as the demo users one after another and keeps numbered screenshots of the main steps."""

    def __init__(self, page, demo_server, shots):
        self.page, self.demo_server, self.shots, self.n = page, demo_server, shots, 0

    def as_user(self, username):
        if self.page.get_by_role("button", name="Odhlásit").count():
            self.page.get_by_role("button", name="Odhlásit").click()
        login(self.page, username, password_of(self.demo_server, username))
        assert self.page.get_by_role("button", name="Odhlásit").is_visible(), f"{username} is not logged in"

    def shot(self, name, *, full_page=True):
        self.n += 1
        self.page.screenshot(path=str(self.shots / f"{self.n:02d}-{name}.png"), full_page=full_page)


def open_request(page):
    page.goto("/sit/zamery/")
    page.get_by_test_id("requests").get_by_role("link", name=TITLE).click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE


def state(page) -> str:
    return page.get_by_test_id("request-state").inner_text()


def test_request_to_amendment_through_the_pages(page, demo_server, tmp_path):
    walk = Walk(page, demo_server, tmp_path)

    # --- the kraj: the year's network is approved; the service's capacity in the version in force -----------
    walk.as_user("kraj-referent")
    page.goto("/sit/")
    year_row = page.get_by_test_id("years").locator("tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile(rf"^{APPROVED_YEAR}$")))
    assert year_row.locator("td").nth(2).inner_text() == "schváleno"
    in_force = year_row.locator("td").nth(1).inner_text()  # "Síť 2025, dodatek č. 2"
    m = re.fullmatch(rf"Síť {APPROVED_YEAR}, (?:dodatek č\. (\d+)|základní znění)", in_force)
    assert m, in_force
    amendment_in_force = int(m.group(1) or 0)
    year_row.get_by_role("link", name=in_force).click()
    assert page.get_by_test_id("version-status").inner_text() == "schváleno"
    page.fill("#f-q", SERVICE)
    page.get_by_role("button", name="Filtrovat").click()
    row = page.get_by_test_id("entries").locator("tbody tr").filter(
        has=page.get_by_role("link", name=SERVICE, exact=True))
    assert row.count() == 1
    assert [h.strip() for h in page.get_by_test_id("entries").locator("thead th").all_inner_texts()][6] == "kapacita"
    old_capacity = number(row.locator("td").nth(6).inner_text())
    assert old_capacity > 0
    walk.shot("version-in-force", full_page=False)

    # --- the provider submits the request ---------------------------------------------------------------------
    walk.as_user("poskytovatel")
    page.goto("/sit/")
    page.get_by_role("link", name="Rozvojové záměry").first.click()
    page.get_by_role("link", name="Podat rozvojový záměr").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nový rozvojový záměr"
    page.fill("#id_year", str(APPROVED_YEAR))
    page.select_option("#id_orp", label="Blansko")
    page.select_option("#id_request_kind", label="navýšení kapacity")
    page.select_option("#id_request_type", label="B – reaguje na potřebu zjištěnou v území")
    page.fill("#id_title", TITLE)
    providers = [o for o in page.locator("#id_provider option").all_inner_texts() if o != "---------"]
    assert len(providers) == 1  # the provider user sees only its own provider
    page.select_option("#id_provider", label=providers[0])
    page.select_option("#id_service", label=SERVICE)
    page.select_option("#id_kind", label="§ 40 pečovatelská služba")
    page.select_option("#id_form", label="terénní")
    page.fill("#id_capacity", str(INCREASE))
    page.select_option("#id_capacity_type", label="klienti")
    page.fill("#id_fte", "1,5" if page.locator("#id_fte").get_attribute("type") == "text" else "1.5")
    page.fill("#id_expected_cost", "900000")
    measures = page.locator("#id_measure option").all_inner_texts()
    # the form offers the measures of the ORP's plan in force, labelled with its period (not the superseded one's)
    # (the picker names the measure, then its plan: "S1.1 … – Komunitní plán … 2026–2028")
    [label] = [m for m in measures if m.startswith(MEASURE) and "Blansko" in m and "2026–2028" in m]
    assert not any("Blansko" in m and "2015–2017" in m for m in measures)
    page.select_option("#id_measure", label=label)
    page.fill("#id_justification", "Pečovatelská služba nestačí poptávce v obcích ORP Blansko.")
    walk.shot("provider-form")
    page.get_by_role("button", name="Uložit").click()
    assert "Rozvojový záměr byl podán." in page.content()
    assert state(page).startswith("podáno")
    data = page.get_by_test_id("request-data")
    assert data.get_by_role("link", name=SERVICE).is_visible()
    assert data.get_by_role("link", name=re.compile(re.escape(MEASURE))).is_visible()
    request_url = page.url
    walk.shot("provider-submitted")

    # the service's page in the network lists the request
    data.get_by_role("link", name=SERVICE).click()
    assert page.get_by_role("heading", level=1).inner_text() == SERVICE
    assert page.get_by_role("link", name=TITLE).is_visible()

    # --- ORP Blansko: the opinion (need declared) -------------------------------------------------------------
    walk.as_user("orp-blansko")
    open_request(page)
    page.check("#opinion_need_declared_0")  # ano
    page.fill("#opinion_text", "Potřebnost je doložena komunitním plánem ORP Blansko.")
    page.get_by_role("button", name="Uložit stanovisko").click()
    assert "Stanovisko ORP bylo zaznamenáno." in page.content()
    assert state(page).startswith("se stanoviskem ORP")
    assert "potřebnost deklarována" in page.get_by_test_id("request-data").inner_text()

    # --- the district team: recommends, proposes a tier -------------------------------------------------------
    walk.as_user("okres-blansko")
    open_request(page)
    page.check("#review_recommends_0")  # ano
    page.select_option("#review_tier", label="základní síť")
    page.fill("#review_text", "Okresní tým Blansko doporučuje.")
    page.get_by_role("button", name="Uložit vyjádření").click()
    assert state(page).startswith("projednáno v okrese")
    assert "doporučuje (základní síť)" in page.get_by_test_id("request-data").inner_text()
    walk.shot("district-reviewed")

    # --- the kraj officer without the right to approve: evaluates, cannot decide -----------------------------
    walk.as_user("kraj-referent")
    open_request(page)
    assert page.get_by_test_id("preview").locator("li").count() >= 4  # the conditions checked in advance
    page.fill("#evaluation_text", "Záměr odpovídá potřebě doložené komunitním plánem.")
    page.get_by_role("button", name="Vyhodnotit").click()
    assert state(page).startswith("vyhodnoceno")
    assert page.get_by_role("heading", name="Rozhodnutí kraje").count() == 0
    assert page.get_by_role("button", name="Rozhodnout").count() == 0
    assert page.locator("form[action$='/rozhodnuti/'], a[href$='/rozhodnuti/']").count() == 0
    walk.shot("officer-evaluated-no-decision")

    response = page.goto(request_url + "rozhodnuti/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Přístup odepřen"
    assert page.get_by_test_id("error-403").is_visible()
    walk.shot("officer-decision-url-403", full_page=False)

    # a crafted POST with a valid CSRF token is refused by the permission layer (the site's 403 page, not
    # Django's CSRF failure)
    page.goto(request_url)
    with page.expect_navigation() as nav:
        page.evaluate("""(url) => {
            const f = document.createElement('form');
            f.method = 'post'; f.action = url;
            f.appendChild(document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode());
            for (const [k, v] of [['admit', '1'], ['reason', 'pokus bez oprávnění']]) {
                const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i);
            }
            document.body.appendChild(f); f.submit();
        }""", request_url + "rozhodnuti/")
    assert nav.value.status == 403
    assert page.get_by_test_id("error-403").is_visible()
    page.goto(request_url)
    assert state(page).startswith("vyhodnoceno")  # nothing was decided

    # --- the approver decides: admitted, into a new amendment to approve -------------------------------------
    walk.as_user("kraj-schvalovatel")
    open_request(page)
    assert page.get_by_role("heading", name="Rozhodnutí kraje").is_visible()
    page.check("#decision_admit_0")  # zařadit do sítě
    page.select_option("#decision_tier", label="základní síť")
    page.fill("#decision_reason", "Potřebnost doložena ORP i okresem.")
    if page.locator("#decision_confirm_failing").count():  # the request fails entry conditions: confirm them
        assert page.get_by_test_id("decision-failures").is_visible()
        page.check("#decision_confirm_failing")
    page.get_by_role("button", name="Rozhodnout").click()
    assert page.url == request_url
    assert state(page) == "zařazeno do sítě"
    admission = page.get_by_test_id("admission")
    label = page.get_by_test_id("admission-version").inner_text()
    m = re.fullmatch(rf"Síť {APPROVED_YEAR}, dodatek č\. (\d+)", label)
    assert m and int(m.group(1)) == amendment_in_force + 1, label
    assert "návrh" in admission.inner_text()
    assert f"Záměr byl zařazen do verze „{label}“" in page.content()
    pending = page.get_by_test_id("admission-pending")
    assert f"schválením verze „{label}“" in pending.inner_text()
    assert "tuto verzi je třeba schválit" in pending.inner_text()
    walk.shot("approver-decided")

    # following the link: the draft amendment with the service's entry, capacity raised, naming the request
    pending.get_by_role("link", name="Přejít ke schválení").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(label)
    assert page.get_by_test_id("version-status").inner_text() == "návrh"
    amendment_url = page.url
    page.fill("#f-q", SERVICE)
    page.get_by_role("button", name="Filtrovat").click()
    entry_link = page.get_by_test_id("entries").get_by_role("link", name=SERVICE, exact=True)
    assert entry_link.count() == 1
    walk.shot("amendment-draft", full_page=False)
    entry_link.click()
    assert page.get_by_role("heading", level=1).inner_text() == SERVICE
    assert number(page.get_by_test_id("entry-capacity").inner_text()) == old_capacity + INCREASE
    entry_data = page.get_by_test_id("entry-data")
    assert entry_data.get_by_role("link", name=TITLE).is_visible()  # the entry names the request
    assert "rozšířená" in entry_data.inner_text()
    entry_url = page.url
    walk.shot("amendment-entry")

    # --- approving the amendment: failing entries listed, confirmation and reason required -------------------
    page.goto(amendment_url)
    page.fill("#id_decision_ref", "usnesení RJMK 12/2025 (test cyklu)")
    page.get_by_test_id("approve").click()
    assert page.url.endswith("/schvalit/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Schválit {label}"
    failing = page.get_by_test_id("failing-entries")
    assert failing.locator("tbody tr").count() > 0
    assert "nesplňuje podmínky vstupu" in failing.get_by_role("heading").inner_text()
    assert failing.get_by_role("link", name=SERVICE, exact=True).count() == 1  # the admitted entry is listed
    # submitted without the confirmation: stays, with a Czech error
    assert "Schválení je třeba výslovně potvrdit a odůvodnit." in page.locator("form.form").inner_text()
    page.locator("form.form").scroll_into_view_if_needed()
    walk.shot("approve-without-confirmation", full_page=False)
    # confirmed, but without a reason: stays, with a Czech error
    page.check("#id_confirm_failing")
    page.get_by_test_id("approve").click()
    assert page.url.endswith("/schvalit/")
    assert "Uveďte, proč se verze schvaluje" in page.locator("form.form").inner_text()
    page.locator("form.form").scroll_into_view_if_needed()
    walk.shot("approve-without-reason", full_page=False)
    page.goto(amendment_url)
    assert page.get_by_test_id("version-status").inner_text() == "návrh"  # not approved yet
    # confirmed with a reason: approved
    page.goto(amendment_url + "schvalit/")
    page.fill("#id_decision_ref", "usnesení RJMK 12/2025 (test cyklu)")
    page.check("#id_confirm_failing")
    page.fill("#id_reason", "Hodnocení služeb za rok 2025 se doplní; kapacita je potřeba hned.")
    page.get_by_test_id("approve").click()
    assert page.url == amendment_url
    assert "Verze sítě byla schválena" in page.content()
    assert page.get_by_test_id("version-status").inner_text() == "schváleno"
    assert "kapacita je potřeba hned" in page.get_by_test_id("approval-exceptions").inner_text()
    walk.shot("amendment-approved", full_page=False)

    # --- the request shows the approved version; the entry links back and shows the money --------------------
    page.goto(request_url)
    admission = page.get_by_test_id("admission")
    assert page.get_by_test_id("admission-pending").count() == 0
    assert page.get_by_test_id("admission-version").inner_text() == label
    assert "schváleno" in admission.inner_text()
    walk.shot("request-after-approval")
    page.get_by_test_id("admission-entry").click()
    assert page.url == entry_url
    assert number(page.get_by_test_id("entry-capacity").inner_text()) == old_capacity + INCREASE
    money = page.locator("#money")
    assert money.is_visible()
    assert money.get_by_role("heading").inner_text() == f"Financování v roce {APPROVED_YEAR}"
    assert re.search(rf"{re.escape(label)} – {old_capacity + INCREASE}\s", money.inner_text())
    walk.shot("entry-approved-money")
    page.get_by_test_id("entry-data").get_by_role("link", name=TITLE).click()
    assert page.url == request_url

    # --- the measure: "Od opatření k penězům" lists the request -----------------------------------------------
    page.get_by_test_id("request-data").get_by_role("link", name=re.compile(re.escape(MEASURE))).click()
    assert MEASURE in page.get_by_role("heading", level=1).inner_text()
    cycle = page.locator("#cycle")
    assert cycle.get_by_role("heading").inner_text() == "Od opatření k penězům"
    row = cycle.locator("tbody tr").filter(has=page.get_by_role("link", name=TITLE))
    assert row.count() == 1
    assert "zařazeno do sítě" in row.inner_text()
    assert row.get_by_role("link", name=label).is_visible()
    assert f"{old_capacity + INCREASE}" in row.inner_text()
    cycle.scroll_into_view_if_needed()
    walk.shot("measure-cycle")
    row.get_by_role("link", name=TITLE).click()
    assert page.url == request_url

    # the provider sees the outcome on its request
    walk.as_user("poskytovatel")
    page.goto(request_url)
    assert state(page) == "zařazeno do sítě"
    assert page.get_by_test_id("admission-version").inner_text() == label
    assert page.get_by_test_id("admission-pending").count() == 0
    walk.shot("provider-sees-outcome")
    print(f"screenshots: {tmp_path}")
