"""A crawl of the demo as every demo role (and anonymously), following the links each page shows, fails on what
must never reach a reader:

- a code instead of a word: capacity codes ("luzka", "interv", "capacity:…"), tier codes ("zakladni"), field
  names ("assess_…", any snake_case identifier), method codes ("e2sfca-…");
- raw JSON (``{"key": …``) instead of labelled values;
- an unformatted number: ``0.5115`` or ``25.00`` with a decimal point in the Czech UI, ``5942528820`` without
  grouping in a number cell;
- in the English UI, a text the English catalogue translates shown in Czech (the page forgot to translate it).

Each finding names the role, the page and the text. Downloads (XLSX, PDF, DOCX, CSV), the admin and the API are
not pages and are skipped; each URL pattern (digits replaced) is visited at most twice per role.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.utils.translation import trans_real

pytestmark = pytest.mark.django_db

ROLES = [None, "kraj-spravce", "kraj-referent", "okres-blansko", "orp-blansko", "poskytovatel"]
ENGLISH_ROLES = [None, "kraj-referent"]
MAX_PAGES = 90
PER_PATTERN = 2
SKIP = re.compile(r"^/(admin|api|static|media|i18n|accounts/logout|odhlasit)|export=|\.(xlsx|pdf|docx|csv|json|zip)"
                  r"($|\?)|/(stahnout|download|soubor|pdf|docx|xlsx)/")
CODE_WORDS = re.compile(r"\b(luzka|interv|zakladni)\b|capacity:[a-z_]+|\bassess_[a-z_]+|e2sfca-[a-z]+"
                        r"|\b[a-z]+_[a-z]+(?:_[a-z]+)*\b")  # the last: any snake_case identifier
RAW_JSON = re.compile(r'[{\[]\s*"[A-Za-z_][\w\- ]*"\s*:')
DECIMAL_POINT = re.compile(r"(?<![\d.\w])\d+\.\d{2,}(?![\d.])")
UNGROUPED = re.compile(r"\d{5,}")


class _Text(HTMLParser):
    """Visible text nodes of a page, and the texts of its number cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.num_cells: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._num = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "svg", "textarea", "option", "code"):
            self._skip += 1
        if tag in ("td", "th", "dd") and "num" in (a.get("class") or "").split():
            self._num += 1
            self.num_cells.append("")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "textarea", "option", "code") and self._skip:
            self._skip -= 1
        if tag in ("td", "th", "dd") and self._num:
            self._num -= 1

    def handle_data(self, data):
        if self._skip:
            return
        text = data.strip()
        if text:
            self.texts.append(text)
            if self._num:
                self.num_cells[-1] += text


def _pattern(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?", 1)[0])


def _crawl(client, language: str):
    """Yield (url, parsed page) for the pages reachable from the home page."""
    client.cookies["django_language"] = language
    seen, per_pattern = set(), {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        pattern = _pattern(url)
        if per_pattern.get(pattern, 0) >= PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = _Text()
        page.feed(response.content.decode())
        yield url, page
        for href in page.links:
            href = href.split("#", 1)[0]
            if href.startswith("/") and not href.startswith("//") and href not in seen:
                queue.append(href)


def _login(client, username):
    if username:
        client.force_login(get_user_model().objects.get(username=username))


def _findings(url, page, czech: bool) -> list[tuple[str, str, str, str]]:
    """(URL, kind, the offending token, its context) of everything wrong on one page."""
    out = []
    for text in page.texts:
        for m in CODE_WORDS.finditer(text):
            out.append((url, "code", m.group(0), text[:80]))
        if RAW_JSON.search(text):
            out.append((url, "raw JSON", RAW_JSON.search(text).group(0), text[:80]))
        if czech:
            for m in DECIMAL_POINT.finditer(text):
                out.append((url, "decimal point", m.group(0), text[:80]))
    for cell in page.num_cells:
        if UNGROUPED.search(cell):
            out.append((url, "ungrouped number", UNGROUPED.search(cell).group(0), cell[:40]))
    return out


# Findings on pages whose owners were reworking them while this test was written, listed so that the test fails
# on anything new (a ratchet): remove an entry when its page is fixed. (URL pattern with digits as N, kind, token.)
# "Hranice" is an okres whose name is also the Czech word for "boundaries" (a catalogue entry), not a leak;
# the same holds for obce on the national accessibility page.
KNOWN = {
    ("/financovani/jednotky/N/", "code", "units_deviation"),
    ("/financovani/kapitola/CZN/N/", "decimal point", "0.0094"),
    ("/financovani/kapitola/CZN/N/", "decimal point", "0.5130"),
    ("/financovani/parametry/CZN/N/", "decimal point", "0.0094"),
    ("/financovani/parametry/CZN/N/", "decimal point", "0.5130"),
    ("/financovani/rozdeleni/vypocet/N/", "decimal point", "*"),
    ("/financovani/spolufinancovani/verze/N/", "code", "zakladni"),
    ("/sit/verze/N/podminky/", "code", "zakladni"),
    ("/financovani/parametry/CZN/N/", "untranslated", "*"),
    ("/katalog/otevrena-data/", "untranslated", "*"),
    ("/planovani/akcni-plan/N/", "untranslated", "*"),
    ("/planovani/opatreni/N/", "untranslated", "*"),
    ("/planovani/plan/N/", "untranslated", "*"),
    ("/prace/", "untranslated", "*"),
    ("/sit/nastaveni/CZN/N/", "untranslated", "*"),
    ("/sit/verze/N/podminky/", "untranslated", "*"),
    ("/uzemi/okres/CZN/", "untranslated", "Hranice"),
    # obce named like Czech words ("Hranice" = boundaries, "Pohled" = view) in the national worst-accessibility list
    ("/dostupnost/cr/dostupnost/", "untranslated", "Hranice"),
    ("/dostupnost/cr/dostupnost/", "untranslated", "Pohled"),
}


def _new(findings) -> list[str]:
    out = set()
    for url, kind, token, context in findings:
        pattern = re.sub(r"\d+", "N", url.split("?", 1)[0])
        if (pattern, kind, token) in KNOWN or (pattern, kind, "*") in KNOWN:
            continue
        out.add(f"{url}: {kind} “{token}” in “{context}”")
    return sorted(out)


@pytest.mark.parametrize("username", ROLES, ids=lambda u: u or "anonymous")
def test_czech_pages_show_words_and_formatted_numbers(client, username):
    _login(client, username)
    findings, pages = [], 0
    for url, page in _crawl(client, "cs"):
        pages += 1
        findings += _findings(url, page, czech=True)
    assert pages >= 10
    new = _new(findings)
    assert not new, "\n".join(new)


@pytest.mark.parametrize("username", ENGLISH_ROLES, ids=lambda u: u or "anonymous")
def test_english_pages_are_translated(client, username):
    catalogue = trans_real.translation("en")._catalog
    czech_only = {k for k, v in catalogue.items() if isinstance(k, str) and v and v != k and len(k) > 3
                  and re.search(r"[a-záčďéěíňóřšťúůýž]{3}", k)}
    _login(client, username)
    findings, pages = [], 0
    for url, page in _crawl(client, "en"):
        pages += 1
        findings += _findings(url, page, czech=False)
        findings += [(url, "untranslated", t, t) for t in page.texts if t in czech_only]
    assert pages >= 10
    new = _new(findings)
    assert not new, "\n".join(new)
