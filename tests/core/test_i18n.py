"""Czech is the default UI language; the English catalogue (socplan/locale/en) is complete and compiled.

The web tests drive the real language switch (POST /i18n/setlang/) with the test client and check rendered
pages. The catalogue tests read the committed django.po / django.mo (never regenerate them): every entry is
translated, not fuzzy, keeps the placeholders of its Czech msgid, and the .mo says the same as the .po.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

LOCALE = Path(__file__).resolve().parents[2] / "socplan" / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

# app label -> (Czech label, English label) of the main menu; written out by hand on purpose.
NAV = {
    "territory": ("Území", "Territory"),
    "registry": ("Registr služeb", "Service registry"),
    "planning": ("Plánování", "Planning"),
    "network": ("Síť služeb", "Service network"),
    "evaluation": ("Hodnocení", "Evaluation"),
    "finance": ("Financování", "Financing"),
    "availability": ("Dostupnost", "Availability"),
    "catalogue": ("Katalog pro občany", "Catalogue for citizens"),
    "documents": ("Dokumenty", "Documents"),
}


def _menu(html: str) -> list[str]:
    m = re.search(r'<ul class="menu">(.*?)</ul>', html, re.S)
    assert m, "main menu not found"
    return [re.sub(r"\s+", " ", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", m.group(1), re.S)]


def _present_apps() -> list[str]:
    apps = []
    for app in NAV:
        try:
            reverse(f"{app}:index")
        except NoReverseMatch:
            continue
        apps.append(app)
    return apps


def _switch(client, language: str, next_url: str = "/"):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


# --- the web UI ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_home_is_czech_by_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="cs">' in html
    menu = _menu(html)
    assert "Území" in menu
    assert menu == [NAV[app][0] for app in _present_apps()]
    assert "Territory" not in menu
    # the switch offers English
    assert 'name="language" value="en"' in html


@pytest.mark.django_db
def test_switching_to_english_translates_the_navigation(client):
    _switch(client, "en")
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    menu = _menu(html)
    assert "Territory" in menu
    assert menu == [NAV[app][1] for app in _present_apps()]
    for czech, _english in NAV.values():
        assert czech not in menu
    assert "Skip to content" in html and "Přeskočit na obsah" not in html
    assert "planning, networking and financing of social services" in html
    # the switch now offers Czech
    assert 'name="language" value="cs"' in html


@pytest.mark.django_db
def test_switching_back_to_czech(client):
    _switch(client, "en")
    assert '<html lang="en">' in client.get("/").content.decode()
    _switch(client, "cs")
    html = client.get("/").content.decode()
    assert '<html lang="cs">' in html
    assert "Území" in _menu(html)


@pytest.mark.django_db
def test_region_page_in_czech_and_english(client):
    url = "/uzemi/kraj/CZ064/"
    cs = client.get(url)
    assert cs.status_code == 200
    cs_html = cs.content.decode()
    for heading in ("<h2>Obyvatelstvo</h2>", "<h2>Okresy</h2>", "<h2>ORP v kraji</h2>"):
        assert heading in cs_html
    assert "Jihomoravský kraj" in cs_html

    _switch(client, "en", url)
    en = client.get(url)
    assert en.status_code == 200
    html = en.content.decode()
    assert '<html lang="en">' in html
    for heading in ("<h2>Population</h2>", "<h2>Districts</h2>", "<h2>ORPs in the region</h2>"):
        assert heading in html
    assert '<span class="muted">Region</span>' in html
    for czech in ("Obyvatelstvo", "Okresy", "ORP v kraji", "Hranice území", "Drobečková navigace"):
        assert czech not in html
    # the data themselves (names) stay as they are
    assert "Jihomoravský kraj" in html


@pytest.mark.django_db
def test_accept_language_header_selects_english(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="en">' in html
    assert "Territory" in _menu(html)


# --- the committed catalogue --------------------------------------------------------------------------------

def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def _parse_po(path: Path) -> list[dict]:
    """A small .po parser: entries with msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags."""
    entries, cur, field = [], None, None

    def flush():
        if cur is not None and "msgid" in cur:
            entries.append({k: (_unquote(v) if isinstance(v, list) else v) for k, v in cur.items()})

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            raise AssertionError(f"obsolete entry left in the catalogue: {line}")
        if line.startswith("#,"):
            if cur is not None and "msgid" in cur:
                flush()
                cur = None
            cur = cur or {"flags": set()}
            cur["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if m:
            key, value = m.groups()
            if key in ("msgctxt", "msgid") and cur is not None and "msgid" in cur:
                flush()
                cur = None
            if cur is None:
                cur = {"flags": set()}
            cur[key] = [value]
            field = key
        else:
            assert line.startswith('"'), f"unexpected line in {path.name}: {raw!r}"
            cur[field].append(line)
    flush()
    return entries


PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%%|\{\{[^}]*\}\}|<[^>]+>")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    assert PO.exists(), f"{PO} is missing"
    return _parse_po(PO)


def test_po_header(catalogue):
    header = catalogue[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]


def test_po_has_no_untranslated_or_fuzzy_entries(catalogue):
    entries = catalogue[1:]
    assert len(entries) > 100
    untranslated, fuzzy = [], []
    for e in entries:
        if "fuzzy" in e["flags"]:
            fuzzy.append(e["msgid"])
        if "msgid_plural" in e:
            forms = [e.get(f"msgstr[{i}]", "") for i in range(2)]
            if not all(f.strip() for f in forms):
                untranslated.append(e["msgid"])
        elif not e.get("msgstr", "").strip():
            untranslated.append(e["msgid"])
    assert not untranslated, f"{len(untranslated)} untranslated entries, e.g. {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries, e.g. {fuzzy[:10]}"


def test_po_translations_keep_placeholders_and_markup(catalogue):
    bad = []
    for e in catalogue[1:]:
        if "msgid_plural" in e:
            pairs = [(e["msgid_plural"], e["msgstr[1]"])]
            # English singular may name the number or not, like the Czech one
            if _placeholders(e["msgstr[0]"]) not in (_placeholders(e["msgid"]), _placeholders(e["msgid_plural"])):
                bad.append((e["msgid"], e["msgstr[0]"]))
        else:
            pairs = [(e["msgid"], e["msgstr"])]
        bad += [(src, dst) for src, dst in pairs if _placeholders(src) != _placeholders(dst)]
    assert not bad, f"placeholders differ: {bad[:5]}"


def test_po_msgids_are_unique(catalogue):
    keys = [(e.get("msgctxt"), e["msgid"]) for e in catalogue]
    assert len(keys) == len(set(keys))


def test_mo_is_compiled_from_the_po(catalogue):
    assert MO.exists(), "run: socplan compilemessages -l en"
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    assert mo.info().get("language") == "en"
    stale = []
    for e in catalogue[1:]:
        if "msgid_plural" in e:
            got = (mo.ngettext(e["msgid"], e["msgid_plural"], 1), mo.ngettext(e["msgid"], e["msgid_plural"], 5))
            want = (e["msgstr[0]"], e["msgstr[1]"])
        else:
            got, want = mo.gettext(e["msgid"]), e["msgstr"]
        if got != want:
            stale.append(e["msgid"])
    assert not stale, f"django.mo is out of date for {len(stale)} entries, e.g. {stale[:5]}: recompile"


def test_domain_terms_follow_the_glossary():
    from django.utils import translation

    with translation.override("en"):
        from django.utils.translation import gettext as t

        assert t("kraj") == "region"
        assert t("okres") == "district"
        assert t("obec") == "municipality"
        assert t("poskytovatel") == "provider"
        assert t("akční plán") == "action plan"
        assert t("rozvojový záměr") == "development request"
        assert t("nadměrná vyrovnávací platba") == "overcompensation"
        assert t("lůžkoden") == "bed-day"
        assert t("Katalog") == "Catalogue"
    with translation.override("cs"):
        assert translation.gettext("kraj") == "kraj"
