"""Print quality of every document type, checked on the PDF itself: each page rendered to PNG (pdftoppm) and not
blank, no two text boxes overlapping (character positions from pdfplumber), no table column empty in every row,
and the text: headings, the years printed "2031" (never "2 031"), Czech plurals, totals equal to the web page's
to the crown, the note about synthetic inputs on every page. The community plan and its action plan are built
with factories on a network year of their own; the financial chapter from the year's illustrative parameters."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass

import pytest

from socplan.core.render.blocks import CZK, INT, Column, Document, Heading, Paragraph, Table, Toc
from socplan.core.render.pdf import document_pdf
from socplan.core.render.typography import cz_czk

YEAR = 2031


@dataclass
class Facts:
    pages: list[str]  # text of each page, whitespace collapsed
    overlaps: list[tuple[int, str, str]]  # (page, char, char) of overlapping text boxes
    empty_columns: list[tuple[int, int]]  # (page, column index) of a table column empty in every body row
    pngs: int  # pages rendered to a non-blank PNG
    split_words: list[tuple[int, str]]  # (page, word) of a short word hyphenated in a table cell ("Cel-kem")


def _overlaps(chars) -> list[tuple[str, str]]:
    """Pairs of visible characters whose boxes overlap by more than a quarter of the smaller one (overprinted
    text: a header running into the next column, two labels on one spot)."""
    visible = [dict(c, seq=i) for i, c in enumerate(chars) if c["text"].strip()]
    boxes = sorted(visible, key=lambda c: c["x0"])
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b["x0"] >= a["x1"]:
                break
            if abs(a["seq"] - b["seq"]) <= 2:  # neighbours in one run of text: kerning ("Fi", "Te"), not overprint
                continue
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if w <= 0 or h <= 0:
                continue
            smaller = min((a["x1"] - a["x0"]) * (a["bottom"] - a["top"]), (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]))
            if w * h > 0.25 * smaller:
                out.append((a["text"], b["text"]))
    return out


HYPHENS = ("-", "\u2010", "\xad")
SHORT_WORD = 8  # a word of at most this many letters is never hyphenated (a totals label, "Celkem", a unit)


def _split_short_words(cell: str) -> list[str]:
    """Short words a cell's text breaks with a hyphen at a line end ("Cel-\nkem" → "Celkem")."""
    lines = cell.split("\n")
    out = []
    for a, b in zip(lines, lines[1:], strict=False):
        head = a.rstrip().split(" ")[-1] if a.strip() else ""
        tail = b.lstrip().split(" ")[0] if b.strip() else ""
        if head[-1:] in HYPHENS and head[:-1].isalpha() and tail[:1].isalpha():
            word = head[:-1] + tail.rstrip(".,;:")
            if len(word) <= SHORT_WORD:
                out.append(word)
    return out


def chart_overflows(svg: str) -> list[str]:
    """Labels of a chart (SVG from `socplan.core.render.charts`) that run past its edges: the width of each text
    estimated generously for DejaVu Sans (a number 0.64 em a character, other text 0.6) from its x, anchor and
    font size."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    base = float(root.get("font-size", 11))
    out = []
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        text = "".join(el.itertext()) if el.find("{http://www.w3.org/2000/svg}title") is None else (el.text or "")
        numeric = not any(ch.isalpha() for ch in text.replace("Kč", ""))
        w = len(text.strip()) * float(el.get("font-size", base)) * (0.64 if numeric else 0.6)
        x = float(el.get("x", 0))
        anchor = el.get("text-anchor", "start")
        x0 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
        if x0 < -0.5 or x0 + w > width + 0.5:
            out.append(text.strip())
    return out


def document_chart_overflows(doc: Document) -> list[str]:
    from socplan.core.render.blocks import Chart

    return [label for b in doc.blocks if isinstance(b, Chart) for label in chart_overflows(b.svg)]


def inspect_pdf(pdf: bytes, tmp_path) -> Facts:
    import pdfplumber
    from PIL import Image

    pages, overlaps, empty, split = [], [], [], []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for n, page in enumerate(doc.pages, start=1):
            pages.append(" ".join((page.extract_text() or "").split()))
            overlaps += [(n, a, b) for a, b in _overlaps(page.chars)]
            for table in page.extract_tables():
                split += [(n, w) for row in table for cell in row for w in _split_short_words(cell or "")]
                # the body rows, without a totals row (alone on a page when a table ends there)
                body = [row for row in table[1:] if not (row and (row[0] or "").replace("\xad", "")
                                                         .replace("\n", "").startswith("Celkem"))]
                if not body:
                    continue
                for j in range(len(table[0])):
                    if all(not (row[j] or "").strip() for row in body if j < len(row)):
                        empty.append((n, j))
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-", str(prefix)], input=pdf, check=True, capture_output=True)
    pngs = 0
    for png in sorted(tmp_path.glob("page-*.png")):
        with Image.open(png) as im:
            lo, _hi = im.convert("L").getextrema()
            pngs += lo < 200  # something printed on the page
    return Facts(pages, overlaps, empty, pngs, split)


def assert_print_quality(pdf: bytes, tmp_path) -> Facts:
    facts = inspect_pdf(pdf, tmp_path)
    assert facts.pngs == len(facts.pages), "a page renders blank"
    assert not facts.overlaps, facts.overlaps[:10]
    assert not facts.split_words, facts.split_words[:10]
    assert not facts.empty_columns, (facts.empty_columns, [facts.pages[n - 1][:600] for n, _j in facts.empty_columns[:1]])
    n = len(facts.pages)
    assert all(f"strana {i + 1} z {n}" in facts.pages[i] for i in range(1, n))
    assert "Obsah" in facts.pages[1]
    return facts


pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) missing")]


def test_the_checks_find_overprinted_text_and_an_empty_column(tmp_path):
    """The checks themselves: a column whose header cannot fit overprints its neighbour in a naive layout, and
    a table with an empty column is caught (drawn by WeasyPrint, which keeps both)."""
    from socplan.core.render.pdf import pdf_from_html

    html = ("<table style='table-layout:fixed;width:120pt;border-collapse:collapse'><tr>"
            "<th style='width:20pt;border:1px solid #000;white-space:nowrap'>Identifikátor</th>"
            "<th style='border:1px solid #000'>Služba</th><th style='border:1px solid #000'>Forma</th></tr>"
            + "".join(f"<tr><td style='border:1px solid #000'>{i}</td><td style='border:1px solid #000'>S {i}</td>"
                      f"<td style='border:1px solid #000'></td></tr>" for i in range(3)) + "</table>")
    facts = inspect_pdf(pdf_from_html(html), tmp_path)
    assert facts.overlaps and facts.empty_columns == [(1, 2)]


def test_the_checks_find_a_hyphenated_short_word_and_a_cut_chart_label(tmp_path):
    """A totals label hyphenated in a narrow first column ("Cel-kem", drawn so on purpose) and a value label that
    runs past the chart's right edge are caught."""
    from socplan.core.render.typst_pdf import typst_pdf

    narrow = typst_pdf('#set text(lang: "cs", hyphenate: true, size: 9pt)\n'
                       '#table(columns: (26pt, 1fr), [Služba], [Poradna], [Celkem], [3 služby])')
    assert ("Celkem" in [w for _p, w in inspect_pdf(narrow, tmp_path).split_words])
    cut = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 30" font-size="11">'
           '<text x="120" y="12">2 073 756 281 Kč</text><text x="5" y="26">Stát</text></svg>')
    assert chart_overflows(cut) == ["2 073 756 281 Kč"]


def test_a_narrow_first_column_keeps_its_totals_label_whole_and_charts_keep_their_labels(tmp_path):
    from decimal import Decimal

    from socplan.core.render.blocks import Chart
    from socplan.core.render.charts import bar_chart_svg

    cols = [Column("Kód", width=0.3), Column("Opatření", width=6), Column("Náklady", CZK, width=1)]
    rows = [[f"{i}.1", f"Opatření číslo {i} s delším názvem", 100_000 * i] for i in range(1, 30)]
    sources = [("Státní rozpočet (dotace podle § 101a)", Decimal("2073756281")),
               ("Kraj", Decimal("311063280")), ("Obce", Decimal("95231420"))]
    chart = bar_chart_svg(sources, title="Zdroje", fmt=cz_czk)
    doc = Document("Akční plán", blocks=[Toc(), Heading("Opatření"), Chart("Zdroje", chart),
                                         Table(cols, rows, totals=["Celkem 29 opatření", "", 43_500_000])])
    assert document_chart_overflows(doc) == []
    facts = assert_print_quality(document_pdf(doc), tmp_path)
    assert "Celkem" in " ".join(facts.pages)


def test_the_title_page_never_hyphenates_the_title_or_a_name():
    """A title or a subtitle (the recipient's name on a decision) wraps between words, never inside one."""
    import pdfplumber

    doc = Document("Pověření k poskytování služeb obecného hospodářského zájmu",
                   subtitle="Asociace rodičů a přátel zdravotně postižených dětí v ČR, z. s. Klub PAPRSEK – "
                            "101A/2026/1/0001", blocks=[Paragraph("Text.")])
    with pdfplumber.open(io.BytesIO(document_pdf(doc))) as pdf:
        lines = pdf.pages[0].extract_text().splitlines()
    assert not [ln for ln in lines if ln.rstrip().endswith("-")], lines
    assert "PAPRSEK" in " ".join(lines)


def test_a_long_table_keeps_clear_columns_and_repeats_its_header(tmp_path):
    cols = [Column("Identifikátor", width=0.6), Column("Služba", width=3), Column("Forma", width=1),
            Column("Kapacita", INT, width=0.5), Column("Náklady", CZK, width=0.5)]
    rows = [[f"{9_000_000 + i}", f"Služba s dlouhým názvem číslo {i}", "", i * 7, 1_063_861_234 + i]
            for i in range(150)]
    doc = Document("Tabulka", blocks=[Toc(), Heading("Síť"), Table(cols, rows, title="Síť na rok 2031",
                                                                     totals=["Celkem", "", "", 78225, None])],
                   footer_note="Syntetická data.")
    facts = assert_print_quality(document_pdf(doc), tmp_path)
    text = " ".join(facts.pages)
    assert "Forma" not in text  # the column empty in every row is left out
    assert "1 063 861 234 Kč" in text and "78 225" in text and "2031" in text and "2 031" not in text
    assert sum("Identifikátor Služba Kapacita Náklady" in p for p in facts.pages) >= 3  # header on every page
    assert all("Syntetická data." in p for p in facts.pages)  # the note on every page, the title page too


@pytest.fixture
def world():
    from socplan.network.models import DevelopmentRequest, RequestState
    from tests.factories import (
        FinanceParamsFactory,
        NetworkEntryFactory,
        NetworkVersionFactory,
        RegisteredServiceFactory,
        approved_measure,
        orp,
        region,
    )

    version = NetworkVersionFactory(year=YEAR)
    services = [RegisteredServiceFactory(identifier=f"98765{i:02d}", form="pob", capacity_type="luzka",
                                         capacity=36 + i, year=YEAR) for i in range(3)]
    for s in services:
        NetworkEntryFactory(network=version, service=s)
    measure = approved_measure(code="2.1", title="Poradenství v Blansku")
    DevelopmentRequest.objects.create(
        region=region(), year=YEAR, orp=orp(), request_kind="new", request_type="A", title="Nová poradna",
        provider=services[0].provider, kind=services[0].kind, form=services[0].forms.get().form, capacity=5,
        justification="potřeba podle plánu", measure=measure, expected_cost=800000, state=RequestState.ADMITTED)
    params = FinanceParamsFactory(year=YEAR)
    return {"plan": measure.priority.plan, "params": params, "services": services}


def test_community_plan_pdf(world, tmp_path):
    from socplan.documents.plans import SYNTHETIC_NOTE, network_table, plan_document, services

    doc = plan_document(world["plan"])
    assert document_chart_overflows(doc) == []
    facts = assert_print_quality(document_pdf(doc), tmp_path)
    text = " ".join(facts.pages)
    for heading in ("Úvod a cíl strategie", "Síť sociálních služeb", "Finanční kapitola"):
        assert heading in text
    assert "36 lůžek" in text and "36 lůžko" not in text
    net, _note = network_table(world["plan"].region, world["plan"].year_from, world["plan"].orp)
    assert len(net.rows) >= len(world["services"])
    assert f"Celkem {services(len(net.rows))}" in text
    first = str(world["plan"].year_from)  # the network's year: printed without grouping
    assert f"na rok {first}" in text and f"{first[0]} {first[1:]}" not in text
    # illustrative financing parameters of the year: the note on every page
    assert all(SYNTHETIC_NOTE[:40] in p for p in facts.pages)


def test_action_plan_pdf(world, tmp_path):
    from socplan.documents.plans import action_plan_document
    from socplan.planning.services import action_plan_create

    ap = action_plan_create(actor=None, plan=world["plan"], year=YEAR)
    doc = action_plan_document(ap)
    assert document_chart_overflows(doc) == []
    facts = assert_print_quality(document_pdf(doc), tmp_path)
    text = " ".join(facts.pages)
    assert f"Opatření na rok {YEAR}" in text and "Rozvojové záměry přijaté do sítě" in text
    assert f"Do sítě na rok {YEAR} byl zařazen 1 rozvojový záměr." in text
    assert "PrioritaKód" not in text and "Celkem5" not in text


def test_financial_chapter_matches_the_page_to_the_crown(world, client, tmp_path):
    from socplan.documents.finance_chapter import ILLUSTRATIVE_NOTE, chapter_document
    from socplan.finance.selectors import financial_chapter
    from tests.factories import region

    ch = financial_chapter(region(), YEAR)
    doc = chapter_document(ch)
    assert document_chart_overflows(doc) == []
    facts = assert_print_quality(document_pdf(doc), tmp_path)
    text = " ".join(facts.pages)
    for heading in ("Zdroje financování sítě", "Podle druhů služeb", "Podle okresů",
                    "Podle obcí s rozšířenou působností", "Podle cílových skupin", "Pravidla výpočtu"):
        assert heading in text
    assert all(ILLUSTRATIVE_NOTE[:40] in p for p in facts.pages)
    from django.urls import reverse

    page = client.get(reverse("finance:chapter", args=[region().code, YEAR]))
    assert page.status_code == 200
    html = page.content.decode().replace("&nbsp;", " ").replace("\xa0", " ")
    for amount in (ch.totals["optimised_cost"], ch.state_need, ch.totals["optimal_support"]):
        assert cz_czk(amount).replace("\xa0", " ") in text.replace("\xa0", " ")  # the document …
        assert cz_czk(amount).replace("\xa0", " ") in html  # … and the web page, to the crown


def test_financial_chapter_docx_and_xlsx_carry_the_same_totals(world):
    from docx import Document as Docx
    from openpyxl import load_workbook

    from socplan.documents.finance_chapter import chapter_document
    from socplan.documents.services import render_bytes
    from socplan.finance.selectors import financial_chapter
    from tests.factories import region

    ch = financial_chapter(region(), YEAR)
    doc = chapter_document(ch)
    words = Docx(io.BytesIO(render_bytes(doc, "docx")))
    cells = " ".join(c.text for t in words.tables for row in t.rows for c in row.cells)
    assert cz_czk(ch.state_need) in cells
    book = load_workbook(io.BytesIO(render_bytes(doc, "xlsx")))
    values = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert int(ch.totals["optimised_cost"]) in values and int(ch.state_need) in values


def test_catalogue_style_document_paragraphs_only(tmp_path):
    doc = Document("Katalog", blocks=[Toc(), Heading("Služby"), Paragraph("Text služby v obci a v kraji. " * 50)])
    assert_print_quality(document_pdf(doc), tmp_path)
