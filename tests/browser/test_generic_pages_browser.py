"""Headless Chromium on the demo: a generic list page filtered, sorted in Czech order and exported (the file is
opened and checked), a searchable picker used by keyboard only, and axe on the maps and the wide tables."""

from __future__ import annotations

import io

import openpyxl
import pytest

from socplan.core.czech import sort_key
from tests.browser.test_catalogue_browser import axe_js  # noqa: F401  (fixture)
from tests.conftest import login

pytestmark = pytest.mark.browser


def _password(demo_server, username):
    return next(p for u, p, _role in demo_server.logins if u == username)


def test_filter_sort_in_czech_order_and_export(page):
    page.goto("/uzemi/obce/")
    page.select_option("#id_orp", "6201")  # ORP Blansko
    page.get_by_role("button", name="Filtrovat").click()
    assert "orp=6201" in page.url
    header = page.locator('[data-testid="municipality-table"] thead th').filter(has_text="obec")
    header.locator("a").click()  # sorted by name already: the click turns the order round
    assert header.get_attribute("aria-sort") == "descending"
    names = page.locator('[data-testid="municipality-table"] tbody tr td:first-child').all_inner_texts()
    assert len(names) >= 10
    assert names == sorted(names, key=sort_key, reverse=True)  # Czech order: Ž, Š, Ř … Č after C, Ch after H
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    ws = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("obec", "kód obce", "ORP")
    exported = [r[0] for r in rows[1:-1] if r[0]]
    assert exported[: len(names)] == names  # the same order, every filtered row
    assert all(r[2] == "Blansko" for r in rows[1:-1] if r[0])
    assert isinstance(rows[1][4], int)  # population stays a number
    assert rows[-1][0].startswith("Vygenerováno")


def test_searchable_picker_by_keyboard(page, demo_server):
    login(page, "kraj-referent", _password(demo_server, "kraj-referent"))
    page.goto("/dostupnost/scenare/novy/?region=CZ064")
    select = page.locator("#id_add_obec_1")
    search = page.locator("#id_add_obec_1-search")
    assert select.locator("option").count() > 600  # every obec of the kraj, without JavaScript a plain select
    search.focus()
    page.keyboard.type("brec")  # no accents needed
    options = select.locator("option").all_inner_texts()
    assert any(o.startswith("Břeclav (ORP Břeclav)") for o in options)
    # the search matches the label (name and ORP), without accents: Břeclav and the obce of ORP Břeclav
    import unicodedata

    def plain(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))

    chosen = [o for o in options if o != "—"]
    assert 0 < len(chosen) < 40, options  # of the kraj's 673 obce
    assert sum("brec" in plain(o) for o in chosen) * 2 > len(chosen), options  # mostly direct matches
    page.keyboard.press("Enter")  # picks the first match and moves to the list
    assert page.evaluate("document.activeElement.id") == "id_add_obec_1"
    assert select.evaluate("s => s.options[s.selectedIndex].text").startswith("Břeclav")
    assert "Počet položek v seznamu" in page.locator(".picker-count").first.inner_text()


def test_axe_on_maps_and_wide_tables(browser, demo_server, axe_js):  # noqa: F811
    context = browser.new_context(base_url=demo_server, locale="cs-CZ", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        login(page, "kraj-referent", _password(demo_server, "kraj-referent"))
        problems = []
        for url in ("/dostupnost/pokryti/?kind=49&level=orp&year=2026", "/dostupnost/dostupnost/?kind=49&year=2026",
                    "/registr/", "/uzemi/obce/", "/hodnoceni/metodiky/"):
            page.goto(url)
            page.add_script_tag(path=str(axe_js))
            result = page.evaluate("""async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations']})""")
            for v in result["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in v["nodes"]][:3]
                    problems.append(f"{url}: {v['id']} ({v['impact']}): {v['help']} {targets}")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
